/**
 * Realistic HIS flows over the hospital-facing interface (shared/docs/his-interface.md), and a bounded runner of many of
 * them at a time: an outpatient visit (1101 → 2201 → 2203 → 2204 → 2206 → 2207) and an inpatient stay
 * (1101 → 2401 → 2301 ×n → 2402 → 2303 → 2304 → 2305 optionally). Amounts are fen inside and yuan with at most two
 * decimals on the wire; fee lines are drawn from the treating region's shipped catalogue (catalogues/<region>.csv).
 */
import { setMaxListeners } from "node:events";
import { readFileSync } from "node:fs";
import { fromRoot } from "../lib/paths.js";
import { parseYuan, toYuan, type Fen } from "../domain/money.js";
import { priceOfFen, priceTimesCount, type Quantity } from "../domain/quantity.js";
import { csvRecords } from "../lib/csv.js";
import { mulberry32 } from "../lib/random.js";
import {
  BILL_DISTRIBUTIONS, DAYS_TOTAL_CORRELATION, LINE_KINDS, logNormalAt, standardNormal, type BilledMedType, type HospitalLevel, type LineKind,
} from "./bills.js";
import {
  formatDate,
  formatDateTime,
  HisClient,
  HisInterfaceError,
  HisTransportError,
  type HisClientOptions,
  type HisResponseEnvelope,
} from "./client.js";

// ---------------------------------------------------------------------------------------------------------------------
// Randomness: seeded, so that a run can be repeated

export type Rng = () => number;

/** mulberry32: a small seeded generator of numbers in [0, 1). */
export const seededRng: (seed: number) => Rng = mulberry32;

function intBetween(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new Error("pick from an empty list");
  return items[Math.floor(rng() * items.length)] as T;
}

/** FNV-1a of a text, as a number in [0, 1): a stable "random" per catalogue code. */
function stableUnit(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h / 4294967296;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

// ---------------------------------------------------------------------------------------------------------------------
// The catalogue the fee lines come from

export type ListType = "drug" | "service" | "material";

export interface FeeItem {
  med_list_codg: string;
  med_list_name: string;
  chrgitm_lv: string;
  selfpay_prop: string;
  /** Unit price cap in fen; null: none. */
  capFen: number | null;
  list_type: ListType;
  begndate: string;
  enddate: string | null;
  /** The hospital's own code of the item (医疗机构目录编码). */
  medins_list_codg: string;
}

export interface FeeCatalogue {
  admdvs: string;
  items: FeeItem[];
}

export const CONSULTATION_CODE = "001201000010000";
export const BED_CODE = "001102000010000";
export const NURSING_CODE = "001103000010000";

/** Parses catalogue CSV text (med_list_codg,med_list_name,admdvs,chrgitm_lv,selfpay_prop,pric_uplmt_amt,list_type,…). */
export function parseFeeCatalogue(text: string, source: string): FeeCatalogue {
  const { header, records } = csvRecords(text);
  for (const column of ["med_list_codg", "chrgitm_lv", "pric_uplmt_amt", "list_type", "admdvs"]) {
    if (!header.includes(column)) throw new Error(`${source}: header lacks ${column}`);
  }
  const prefixes: Record<ListType, string> = { drug: "YP", service: "ZL", material: "CL" };
  const items = records.map((r, i): FeeItem => {
    const listType = (r.list_type?.trim() || "drug") as ListType;
    if (!(listType in prefixes)) throw new Error(`${source} row ${i + 2}: unknown list_type "${r.list_type}"`);
    const cap = r.pric_uplmt_amt?.trim() ?? "";
    return {
      med_list_codg: (r.med_list_codg ?? "").trim(),
      med_list_name: (r.med_list_name ?? "").trim(),
      chrgitm_lv: (r.chrgitm_lv ?? "").trim(),
      selfpay_prop: (r.selfpay_prop ?? "").trim() || "0",
      capFen: cap === "" ? null : parseYuan(cap, `${source} row ${i + 2} pric_uplmt_amt`),
      list_type: listType,
      begndate: (r.begndate ?? "").trim() || "1900-01-01",
      enddate: (r.enddate ?? "").trim() || null,
      medins_list_codg: `${prefixes[listType]}${pad(i + 1, 6)}`,
    };
  });
  const admdvs = (records[0]?.admdvs ?? "").trim();
  return { admdvs, items };
}

/** The shipped catalogue of a region: catalogues/<admdvs>.csv. */
export function loadFeeCatalogue(admdvs = "451000"): FeeCatalogue {
  if (!/^\d{6}$/.test(admdvs)) throw new Error(`region must be 6 digits, got "${admdvs}"`);
  const path = fromRoot("catalogues", `${admdvs}.csv`);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new Error(`no shipped catalogue for region ${admdvs} (catalogues/${admdvs}.csv)`);
  }
  return parseFeeCatalogue(text, `catalogues/${admdvs}.csv`);
}

function validOn(item: FeeItem, date: string): boolean {
  return item.begndate <= date && (item.enddate === null || date <= item.enddate);
}

/** The catalogue's items valid on a date of care, sorted out for drawing fee lines. */
export class FeePicker {
  readonly drugs: FeeItem[];
  readonly labs: FeeItem[];
  readonly procedures: FeeItem[];
  readonly materials: FeeItem[];
  readonly byCode = new Map<string, FeeItem>();

  constructor(catalogue: FeeCatalogue, readonly date: string) {
    const valid = catalogue.items.filter((item) => validOn(item, date));
    for (const item of valid) this.byCode.set(item.med_list_codg, item);
    this.drugs = valid.filter((i) => i.list_type === "drug");
    this.materials = valid.filter((i) => i.list_type === "material");
    // Laboratory tests (0025…, 0026…) and ward procedures (0012…: injections, infusions, dressings).
    this.labs = valid.filter((i) => i.list_type === "service" && /^002[56]/.test(i.med_list_codg));
    this.procedures = valid.filter((i) => i.list_type === "service" && /^001(20[3-6])/.test(i.med_list_codg));
    for (const [name, list] of [["drugs", this.drugs], ["labs", this.labs], ["materials", this.materials]] as const) {
      if (list.length === 0) throw new Error(`the catalogue of ${catalogue.admdvs} has no ${name} valid on ${date}`);
    }
  }

  item(code: string): FeeItem {
    const item = this.byCode.get(code);
    if (!item) throw new Error(`catalogue item ${code} is not valid on ${this.date}`);
    return item;
  }
}

const pickers = new WeakMap<FeeCatalogue, Map<string, FeePicker>>();

/**
 * The FeePicker of a catalogue on a date, made once per catalogue and date (a run's flows share a handful of dates, and
 * sorting the catalogue out for every flow costs more than the rest of building its requests).
 */
export function feePickerFor(catalogue: FeeCatalogue, date: string): FeePicker {
  let byDate = pickers.get(catalogue);
  if (!byDate) {
    byDate = new Map();
    pickers.set(catalogue, byDate);
  }
  let picker = byDate.get(date);
  if (!picker) {
    picker = new FeePicker(catalogue, date);
    byDate.set(date, picker);
  }
  return picker;
}

// ---------------------------------------------------------------------------------------------------------------------
// Fee lines

/** One fee line before it is addressed to an encounter: price in fen, count in tenths, amount = round(pric × cnt). */
export interface FeeLineDraft {
  item: FeeItem;
  pricFen: number;
  cntTenths: number;
  amountFen: number;
}

/**
 * A unit price as a hospital would charge it: for a capped item mostly the cap, sometimes a little below, and about one
 * line in six above it (so that the settlement has over-the-cap amounts, 超限价); for an uncapped one a fixed price per
 * item (stable across runs), by kind.
 */
export function unitPriceFen(item: FeeItem, rng: Rng): number {
  if (item.capFen !== null) {
    const r = rng();
    const factor = r < 0.6 ? 1 : r < 0.83 ? 0.85 + rng() * 0.14 : 1.05 + rng() * 0.2;
    return Math.max(1, Math.round(item.capFen * factor));
  }
  const u = stableUnit(item.med_list_codg);
  const injection = /注射|针/.test(item.med_list_name);
  const [lo, hi] =
    item.list_type === "drug" ? (injection ? [6, 180] : [3, 75]) : item.list_type === "material" ? [5, 900] : [10, 260];
  // Log-uniform between lo and hi yuan, in fen.
  return Math.max(1, Math.round(lo * Math.pow(hi / lo, u) * 100));
}

export function draftLine(item: FeeItem, pricFen: number, cntTenths: number): FeeLineDraft {
  if (!Number.isSafeInteger(pricFen) || pricFen <= 0) throw new Error(`price must be a positive number of fen, got ${pricFen}`);
  if (!Number.isSafeInteger(cntTenths) || cntTenths <= 0) throw new Error(`count must be a positive number of tenths, got ${cntTenths}`);
  const amountFen = priceTimesCount(priceOfFen(pricFen as Fen), (cntTenths * 1000) as Quantity);
  return { item, pricFen, cntTenths, amountFen };
}

/** A share of each kind, each moved by up to ±25% and the whole brought back to 1: no two bills alike. */
function jitteredShares(share: Record<LineKind, number>, rng: Rng): Record<LineKind, number> {
  const moved = LINE_KINDS.map((k) => share[k] * (0.75 + 0.5 * rng()));
  const sum = moved.reduce((a, b) => a + b, 0);
  return Object.fromEntries(LINE_KINDS.map((k, i) => [k, (moved[i] ?? 0) / sum])) as Record<LineKind, number>;
}

/**
 * One line aiming at `budgetFen`: an item of the pool (of class 03 with the chance `classC`), a few tries for one whose
 * price fits the budget (else the cheapest tried), and the count that comes nearest — whole packs or units, a drug
 * also half a pack or tenths of one when the budget is below its price.
 */
function budgetLine(pool: readonly FeeItem[], classC: number, budgetFen: number, rng: Rng, used: Set<string>, drug: boolean): FeeLineDraft | null {
  const classCPool = pool.filter((i) => i.chrgitm_lv === "03");
  const plain = pool.filter((i) => i.chrgitm_lv !== "03");
  const source = classCPool.length > 0 && (plain.length === 0 || rng() < classC) ? classCPool : plain;
  let best: { item: FeeItem; price: number } | null = null;
  for (let attempt = 0; attempt < 6; attempt++) {
    const item = pick(rng, source);
    if (used.has(item.med_list_codg)) continue;
    const price = unitPriceFen(item, rng);
    if (best === null || price < best.price) best = { item, price };
    if (price <= budgetFen) {
      best = { item, price };
      break;
    }
  }
  if (best === null) return null;
  used.add(best.item.med_list_codg);
  const units = budgetFen / best.price;
  const tenths = units >= 1 || !drug ? Math.max(1, Math.min(60, Math.round(units))) * 10 : Math.max(5, Math.round(units * 10));
  return draftLine(best.item, best.price, tenths);
}

/** `n` lines sharing `budgetFen` by random weights. */
function budgetLines(pool: readonly FeeItem[], n: number, budgetFen: number, classC: number, rng: Rng, used: Set<string>, drug: boolean): FeeLineDraft[] {
  if (n <= 0 || budgetFen <= 0 || pool.length === 0) return [];
  const weights = Array.from({ length: n }, () => 0.5 + rng());
  const sum = weights.reduce((a, b) => a + b, 0);
  const out: FeeLineDraft[] = [];
  for (const w of weights) {
    const line = budgetLine(pool, classC, Math.round((budgetFen * w) / sum), rng, used, drug);
    if (line) out.push(line);
  }
  return out;
}

/** A bill's total, drawn from its distribution, in fen. */
export function drawTotalFen(level: HospitalLevel, medType: BilledMedType, rng: Rng): number {
  return Math.round(logNormalAt(BILL_DISTRIBUTIONS[level][medType].total, standardNormal(rng)) * 100);
}

/** An inpatient stay's length and total, correlated (BILL_DISTRIBUTIONS, DAYS_TOTAL_CORRELATION). */
export function drawStay(level: HospitalLevel, rng: Rng): { days: number; totalFen: number } {
  const d = BILL_DISTRIBUTIONS[level]["21"];
  const z = standardNormal(rng);
  const zDays = DAYS_TOTAL_CORRELATION * z + Math.sqrt(1 - DAYS_TOTAL_CORRELATION ** 2) * standardNormal(rng);
  const days = d.days ? Math.round(logNormalAt(d.days, zDays)) : 1;
  return { days, totalFen: Math.round(logNormalAt(d.total, z) * 100) };
}

/**
 * The lines of an outpatient visit (11 普通门诊, or 14 门诊慢特病) at a hospital of `level`: the consultation, then drugs,
 * laboratory tests, a treatment and a consumable sharing the drawn total by the stated shares and line counts.
 */
export function outpatientDrafts(picker: FeePicker, rng: Rng, level: HospitalLevel = "3", medType: "11" | "14" = "11", totalFen = drawTotalFen(level, medType, rng)): FeeLineDraft[] {
  const d = BILL_DISTRIBUTIONS[level][medType];
  const consultation = picker.item(CONSULTATION_CODE);
  const lines = [draftLine(consultation, unitPriceFen(consultation, rng), 10)];
  const used = new Set([consultation.med_list_codg]);
  const share = jitteredShares(d.share, rng);
  const count = (k: LineKind) => intBetween(rng, d.lines[k][0], d.lines[k][1]);
  const budget = (k: LineKind) => Math.round(totalFen * share[k]);
  const services = count("services");
  const tests = count("tests");
  const materials = count("materials");
  // The budget of a kind with no line this time goes to the drugs; the consultation is paid out of the services'.
  let drugsBudget = budget("drugs") + (tests === 0 ? budget("tests") : 0) + (materials === 0 ? budget("materials") : 0);
  const servicesBudget = budget("services") - lines[0]!.amountFen;
  if (services === 0) drugsBudget += Math.max(0, servicesBudget);
  lines.push(...budgetLines(picker.drugs, count("drugs"), drugsBudget, d.classC, rng, used, true));
  lines.push(...budgetLines(picker.labs, tests, budget("tests"), 0, rng, used, false));
  lines.push(...budgetLines(picker.procedures, services, servicesBudget, d.classC, rng, used, false));
  lines.push(...budgetLines(picker.materials, materials, budget("materials"), d.classC, rng, used, false));
  return lines;
}

/**
 * The fee lines of an inpatient stay of `days` days at a hospital of `level`, in `batches` uploads: each has the bed and
 * nursing of its days, drugs, laboratory tests and ward procedures sharing the stay's total by the stated shares; the
 * first has the materials (consumables, an implant).
 */
export function inpatientDrafts(
  picker: FeePicker, rng: Rng, days: number, batches: number, level: HospitalLevel = "3", totalFen = drawStay(level, rng).totalFen,
): FeeLineDraft[][] {
  const d = BILL_DISTRIBUTIONS[level]["21"];
  const bed = picker.item(BED_CODE);
  const nursing = picker.item(NURSING_CODE);
  const bedPrice = unitPriceFen(bed, rng);
  const nursingPrice = unitPriceFen(nursing, rng);
  const share = jitteredShares(d.share, rng);
  const daily = Math.round(((bedPrice + nursingPrice) * days));
  const servicesBudget = Math.max(0, Math.round(totalFen * share.services) - daily);
  const out: FeeLineDraft[][] = [];
  const used = new Set([bed.med_list_codg, nursing.med_list_codg]);
  let left = days;
  const count = (k: LineKind) => intBetween(rng, d.lines[k][0], d.lines[k][1]);
  for (let b = 0; b < batches; b++) {
    const batchDays = b === batches - 1 ? left : Math.max(1, Math.floor(days / batches));
    left -= batchDays;
    const part = (fen: number) => Math.round((fen * batchDays) / days);
    const lines = [draftLine(bed, bedPrice, batchDays * 10), draftLine(nursing, nursingPrice, batchDays * 10)];
    // A drug or test given again in a later upload is another line of the same item: each upload draws afresh.
    const batchUsed = new Set(used);
    lines.push(...budgetLines(picker.drugs, count("drugs"), part(totalFen * share.drugs), d.classC, rng, batchUsed, true));
    lines.push(...budgetLines(picker.labs, Math.max(1, count("tests")), part(totalFen * share.tests), 0, rng, batchUsed, false));
    lines.push(...budgetLines(picker.procedures, count("services"), part(servicesBudget), d.classC, rng, batchUsed, false));
    if (b === 0) lines.push(...budgetLines(picker.materials, count("materials"), Math.round(totalFen * share.materials), d.classC, rng, batchUsed, false));
    out.push(lines);
  }
  return out;
}

export interface FeeDetailWire {
  feedetl_sn: string;
  mdtrt_id: string;
  psn_no: string;
  chrg_bchno: string;
  rxno: string;
  rx_circ_flag: "0";
  fee_ocur_time: string;
  med_list_codg: string;
  medins_list_codg: string;
  det_item_fee_sumamt: number;
  cnt: number;
  pric: number;
  bilg_dept_codg: string;
  bilg_dr_codg: string;
  hosp_appr_flag: "1";
  sin_dos_dscr?: string;
  used_frqu_dscr?: string;
  prd_days?: number;
  medc_way_dscr?: string;
  init_feedetl_sn?: string;
  drord_no?: string;
  med_type?: string;
}

export interface FeeLineAddress {
  feedetl_sn: string;
  mdtrt_id: string;
  psn_no: string;
  chrg_bchno: string;
  /** The prescription number of drug lines ("" for others). */
  rxno: string;
  fee_ocur_time: string;
  bilg_dept_codg: string;
  bilg_dr_codg: string;
  /** Inpatient (2301) lines: the doctor's order number; adds init_feedetl_sn "" and med_type. */
  inpatient?: { drord_no: string; med_type: string };
}

/** A draft as a `feedetail` record of 2204 / 2301: yuan (at most two decimals) and counts as JSON numbers. */
export function toFeeDetail(draft: FeeLineDraft, address: FeeLineAddress): FeeDetailWire {
  const drug = draft.item.list_type === "drug";
  const line: FeeDetailWire = {
    feedetl_sn: address.feedetl_sn,
    mdtrt_id: address.mdtrt_id,
    psn_no: address.psn_no,
    chrg_bchno: address.chrg_bchno,
    rxno: drug ? address.rxno : "",
    rx_circ_flag: "0",
    fee_ocur_time: address.fee_ocur_time,
    med_list_codg: draft.item.med_list_codg,
    medins_list_codg: draft.item.medins_list_codg,
    det_item_fee_sumamt: toYuan(draft.amountFen as Fen),
    cnt: draft.cntTenths / 10,
    pric: toYuan(draft.pricFen as Fen),
    bilg_dept_codg: address.bilg_dept_codg,
    bilg_dr_codg: address.bilg_dr_codg,
    hosp_appr_flag: "1",
  };
  if (drug) {
    const injection = /注射|针/.test(draft.item.med_list_name);
    line.sin_dos_dscr = injection ? "1支" : "1片";
    line.used_frqu_dscr = injection ? "qd" : "tid";
    line.prd_days = 3;
    line.medc_way_dscr = injection ? "静脉滴注" : "口服";
  }
  if (address.inpatient) {
    line.init_feedetl_sn = "";
    line.drord_no = address.inpatient.drord_no;
    line.med_type = address.inpatient.med_type;
  }
  return line;
}

export function sumFen(drafts: readonly FeeLineDraft[]): number {
  return drafts.reduce((s, d) => s + d.amountFen, 0);
}

// ---------------------------------------------------------------------------------------------------------------------
// Persons: round-robin, one encounter at a time per person

/** Reads certnos: one per line; blank lines and lines starting with # are skipped. */
export function parsePersonsList(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split(/[\s,]/)[0] as string);
}

/**
 * Hands out persons strictly round-robin (the k-th flow gets person k mod n, so that every person gets the same number of
 * flows), never the same person to two flows at once: a patient is in one encounter at a time, and a second admission
 * while one is open would be refused. A flow whose person is still busy waits for that person.
 */
export class PersonPool {
  private readonly busy: boolean[];
  private readonly queues: (() => void)[][];
  private ticket = 0;

  constructor(readonly certnos: readonly string[]) {
    if (certnos.length === 0) throw new Error("no persons given");
    this.busy = certnos.map(() => false);
    this.queues = certnos.map(() => []);
  }

  acquire(signal?: AbortSignal): Promise<{ index: number; certno: string }> {
    const index = this.ticket++ % this.certnos.length;
    const lease = { index, certno: this.certnos[index] as string };
    if (!this.busy[index]) {
      this.busy[index] = true;
      return Promise.resolve(lease);
    }
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const queue = this.queues[index] as (() => void)[];
      const onAbort = () => {
        const at = queue.indexOf(grant);
        if (at >= 0) queue.splice(at, 1);
        reject(signal?.reason);
      };
      const grant = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve(lease);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      queue.push(grant);
    });
  }

  /** Gives the person back: to the next flow waiting for them, else free. */
  release(index: number): void {
    const next = this.queues[index]?.shift();
    if (next) next();
    else this.busy[index] = false;
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// The hospital's side: departments, doctors, diagnoses, numbers

interface Department {
  dept_code: string;
  dept_name: string;
  caty: string;
}

const OUTPATIENT_DEPTS: Department[] = [
  { dept_code: "0301", dept_name: "普通内科门诊", caty: "A03" },
  { dept_code: "0201", dept_name: "全科医疗门诊", caty: "A02" },
  { dept_code: "0701", dept_name: "儿科门诊", caty: "A07" },
  { dept_code: "0401", dept_name: "普通外科门诊", caty: "A04" },
];

const INPATIENT_DEPTS: Department[] = [
  { dept_code: "3010", dept_name: "呼吸内科病区", caty: "A03.02" },
  { dept_code: "3020", dept_name: "心血管内科病区", caty: "A03.04" },
  { dept_code: "4010", dept_name: "普通外科病区", caty: "A04.01" },
  { dept_code: "3050", dept_name: "神经内科病区", caty: "A03.06" },
];

const DOCTOR_NAMES = ["王建国", "李秀英", "张伟", "刘洋", "陈静", "黄志强", "韦丽华", "农海燕"];

const OUTPATIENT_DIAGNOSES: [string, string][] = [
  ["J06.900", "急性上呼吸道感染"],
  ["J20.900", "急性支气管炎"],
  ["I10.x00", "高血压"],
  ["E11.900", "2型糖尿病"],
  ["K29.700", "胃炎"],
  ["M54.500", "腰痛"],
];

const INPATIENT_DIAGNOSES: [string, string][] = [
  ["J18.900", "肺炎"],
  ["I21.900", "急性心肌梗死"],
  ["I63.900", "脑梗死"],
  ["K35.800", "急性阑尾炎"],
  ["J44.100", "慢性阻塞性肺病伴有急性加重"],
  ["K80.200", "胆囊结石不伴有胆囊炎"],
];

/** Numbers the hospital gives (outpatient/inpatient numbers, batches, invoices): unique in this process and this run. */
export class HospitalNumbers {
  private seq = 0;
  readonly token: string;

  constructor(rng: Rng = Math.random) {
    const alphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    this.token = Array.from({ length: 4 }, () => alphabet[Math.floor(rng() * alphabet.length)]).join("");
  }

  next(prefix: string): string {
    this.seq += 1;
    return `${prefix}${this.token}${pad(this.seq, 8)}`;
  }
}

function doctor(rng: Rng, admdvs: string): { no: string; name: string } {
  const i = intBetween(rng, 0, DOCTOR_NAMES.length - 1);
  return { no: `D${admdvs}${pad(100 + i, 5)}`, name: DOCTOR_NAMES[i] as string };
}

// ---------------------------------------------------------------------------------------------------------------------
// Reading answers

function get(root: unknown, path: string): unknown {
  let v: unknown = root;
  for (const key of path.split(".")) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** A flow stopped by an answer that is not what the HIS needs (or by an amount that does not add up). */
export class FlowCheckError extends Error {
  constructor(
    readonly infno: string,
    message: string,
  ) {
    super(`${infno}: ${message}`);
    this.name = "FlowCheckError";
  }
}

function needText(root: unknown, path: string, infno: string): string {
  const v = get(root, path);
  if (typeof v === "string" && v.trim() !== "") return v;
  if (typeof v === "number") return String(v);
  throw new FlowCheckError(infno, `the answer has no output.${path}`);
}

function firstText(root: unknown, paths: readonly string[], infno: string): string {
  for (const path of paths) {
    const v = get(root, path);
    if ((typeof v === "string" && v.trim() !== "") || typeof v === "number") return String(v);
  }
  throw new FlowCheckError(infno, `the answer has none of output.${paths.join(", output.")}`);
}

function needFen(root: unknown, path: string, infno: string): number {
  const v = get(root, path);
  if (v === undefined || v === null || v === "") throw new FlowCheckError(infno, `the answer has no output.${path}`);
  try {
    return parseYuan(v, `output.${path}`, { allowNegative: true });
  } catch (error) {
    throw new FlowCheckError(infno, (error as Error).message);
  }
}

function optionalFen(root: unknown, path: string): number | undefined {
  const v = get(root, path);
  if (v === undefined || v === null || v === "") return undefined;
  try {
    return parseYuan(v, path, { allowNegative: true });
  } catch {
    return undefined;
  }
}

interface SettlementParts {
  medfee_sumamt: number;
  fulamt_ownpay_amt: number;
  overlmt_selfpay: number;
  preselfpay_amt: number;
  inscp_scp_amt: number;
}

/** The four parts of a (pre-)settlement, checked: they add up to medfee_sumamt, which is what was uploaded. */
export function checkSettlement(output: unknown, infno: string, uploadedFen: number): SettlementParts {
  const parts: SettlementParts = {
    medfee_sumamt: needFen(output, "setlinfo.medfee_sumamt", infno),
    fulamt_ownpay_amt: needFen(output, "setlinfo.fulamt_ownpay_amt", infno),
    overlmt_selfpay: needFen(output, "setlinfo.overlmt_selfpay", infno),
    preselfpay_amt: needFen(output, "setlinfo.preselfpay_amt", infno),
    inscp_scp_amt: needFen(output, "setlinfo.inscp_scp_amt", infno),
  };
  const y = (f: number) => toYuan(f as Fen).toFixed(2);
  if (parts.medfee_sumamt !== uploadedFen) {
    throw new FlowCheckError(infno, `medfee_sumamt ${y(parts.medfee_sumamt)} ≠ the ${y(uploadedFen)} uploaded`);
  }
  const sum = parts.fulamt_ownpay_amt + parts.overlmt_selfpay + parts.preselfpay_amt + parts.inscp_scp_amt;
  if (sum !== parts.medfee_sumamt) {
    throw new FlowCheckError(
      infno,
      `fulamt_ownpay_amt + overlmt_selfpay + preselfpay_amt + inscp_scp_amt = ${y(sum)} ≠ medfee_sumamt ${y(parts.medfee_sumamt)}`,
    );
  }
  const part = optionalFen(output, "setlinfo.psn_part_amt");
  const acct = optionalFen(output, "setlinfo.acct_pay");
  const cash = optionalFen(output, "setlinfo.psn_cash_pay");
  if (part !== undefined && acct !== undefined && cash !== undefined && part !== acct + cash) {
    throw new FlowCheckError(infno, `psn_part_amt ${y(part)} ≠ acct_pay ${y(acct)} + psn_cash_pay ${y(cash)}`);
  }
  return parts;
}

// ---------------------------------------------------------------------------------------------------------------------
// Flows

export type FlowKind = "outpatient" | "inpatient";
export const FLOW_KINDS: readonly FlowKind[] = ["outpatient", "inpatient"];

export interface CallRecord {
  infno: string;
  /** null when no answer came (network error, timeout). */
  latencyMs: number | null;
  ok: boolean;
}

export interface FlowResult {
  kind: FlowKind;
  certno: string;
  ok: boolean;
  /** Cut off by the run's end (time limit or interrupt), neither ok nor failed. */
  aborted: boolean;
  calls: CallRecord[];
  /** "2207: …": the transaction that failed and why. */
  error?: string;
  mdtrtId?: string;
  setlId?: string;
  medfeeSumamtFen?: number;
  reversed: boolean;
  durationMs: number;
}

export interface FlowContext {
  client: HisClient;
  catalogue: FeeCatalogue;
  numbers: HospitalNumbers;
  rng: Rng;
  /** Wall clock (ms); default Date.now. */
  now?: () => number;
  signal?: AbortSignal;
  /** Inpatient: the chance of reversing the settlement (2305) at the end. */
  reverseShare?: number;
  /** The hospital's level (medins_lv), which sets the bills' distributions (src/his/bills.ts); default 3 (三级). */
  level?: HospitalLevel;
  /** Inpatient: no admission before this time (UTC ms), e.g. the start of the year the persons are enrolled for. */
  earliestAdmission?: number;
}

interface Person {
  certno: string;
  psn_no: string;
  insutype: string;
  insuplc_admdvs: string;
  acct_used_flag: "0" | "1";
}

class FlowRun {
  readonly calls: CallRecord[] = [];
  constructor(readonly ctx: FlowContext) {}

  async step<O = unknown>(infno: string, input: unknown, insuplcAdmdvs?: string): Promise<HisResponseEnvelope<O>> {
    try {
      const { request, response, latencyMs } = await this.ctx.client.timedCall<O>(infno, input, {
        insuplcAdmdvs,
        throwOnError: false,
        signal: this.ctx.signal,
      });
      this.calls.push({ infno, latencyMs, ok: response.infcode === 0 });
      if (response.infcode !== 0) {
        throw new HisInterfaceError(infno, request.msgid, response.infcode, String(response.err_msg ?? ""), response);
      }
      return response;
    } catch (error) {
      if (error instanceof HisTransportError) this.calls.push({ infno, latencyMs: null, ok: false });
      throw error;
    }
  }

  /** 1101: who the person is and which insurance to settle with. */
  async person(certno: string): Promise<Person> {
    const now = (this.ctx.now ?? Date.now)();
    const answer = await this.step("1101", {
      data: {
        mdtrt_cert_type: "02",
        mdtrt_cert_no: certno,
        card_sn: "",
        begntime: formatDateTime(now),
        psn_cert_type: "01",
        certno,
        psn_name: "",
      },
    });
    const psnNo = needText(answer.output, "baseinfo.psn_no", "1101");
    const insuinfo = get(answer.output, "insuinfo");
    const list = (Array.isArray(insuinfo) ? insuinfo : []) as Record<string, unknown>[];
    const active = list.filter((i) => i.psn_insu_stas === undefined || String(i.psn_insu_stas) === "1");
    const chosen =
      active.find((i) => ["310", "390"].includes(String(i.insutype))) ?? active[0] ?? list[0];
    if (!chosen || chosen.insutype === undefined) throw new FlowCheckError("1101", "the answer has no output.insuinfo[].insutype");
    const insutype = String(chosen.insutype);
    const balc = optionalFen(chosen, "balc") ?? 0;
    return {
      certno,
      psn_no: psnNo,
      insutype,
      insuplc_admdvs: typeof chosen.insuplc_admdvs === "string" && chosen.insuplc_admdvs ? chosen.insuplc_admdvs : this.ctx.client.mdtrtareaAdmvs,
      acct_used_flag: insutype === "310" && balc > 0 ? "1" : "0",
    };
  }
}

function isAbort(error: unknown, signal?: AbortSignal): boolean {
  return signal?.aborted === true || (error instanceof Error && error.name === "AbortError");
}

async function runFlow(
  kind: FlowKind,
  certno: string,
  ctx: FlowContext,
  body: (run: FlowRun, result: FlowResult) => Promise<void>,
): Promise<FlowResult> {
  const started = performance.now();
  const run = new FlowRun(ctx);
  const result: FlowResult = { kind, certno, ok: false, aborted: false, calls: run.calls, reversed: false, durationMs: 0 };
  try {
    await body(run, result);
    result.ok = true;
  } catch (error) {
    if (isAbort(error, ctx.signal)) result.aborted = true;
    else if (error instanceof HisInterfaceError) result.error = `${error.infno}: ${error.errMsg || `infcode ${error.infcode}, no err_msg`}`;
    else if (error instanceof FlowCheckError) result.error = error.message;
    else if (error instanceof HisTransportError) result.error = `${error.infno}: ${error.reason}`;
    else result.error = `bug in the simulator: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  }
  result.durationMs = performance.now() - started;
  return result;
}

/** A general outpatient visit: 1101 → 2201 → 2203 → 2204 (10 lines) → 2206 → 2207. */
export function outpatientFlow(certno: string, ctx: FlowContext): Promise<FlowResult> {
  return runFlow("outpatient", certno, ctx, async (run, result) => {
    const { client, rng, numbers } = ctx;
    const now = (ctx.now ?? Date.now)();
    const person = await run.person(certno);
    const admdvs = person.insuplc_admdvs;
    const dept = pick(rng, OUTPATIENT_DEPTS);
    const dr = doctor(rng, client.mdtrtareaAdmvs);
    const [diseCodg, diseName] = pick(rng, OUTPATIENT_DIAGNOSES);
    const begnMs = now - intBetween(rng, 10, 50) * 60_000;
    const begntime = formatDateTime(begnMs);
    const iptOtpNo = numbers.next("MZ");

    const registered = await run.step(
      "2201",
      {
        data: {
          psn_no: person.psn_no,
          insutype: person.insutype,
          begntime,
          mdtrt_cert_type: "02",
          mdtrt_cert_no: certno,
          ipt_otp_no: iptOtpNo,
          atddr_no: dr.no,
          dr_name: dr.name,
          dept_code: dept.dept_code,
          dept_name: dept.dept_name,
          caty: dept.caty,
        },
      },
      admdvs,
    );
    const mdtrtId = needText(registered.output, "data.mdtrt_id", "2201");
    result.mdtrtId = mdtrtId;

    await run.step(
      "2203",
      {
        mdtrtinfo: {
          mdtrt_id: mdtrtId,
          psn_no: person.psn_no,
          med_type: "11",
          begntime,
          main_cond_dscr: `${diseName}，就诊`,
          dise_codg: diseCodg,
          dise_name: diseName,
        },
        diseinfo: [
          {
            diag_type: "1",
            diag_srt_no: "1",
            diag_code: diseCodg,
            diag_name: diseName,
            diag_dept: dept.dept_name,
            dise_dor_no: dr.no,
            dise_dor_name: dr.name,
            diag_time: formatDateTime(begnMs + 5 * 60_000),
            vali_flag: "1",
          },
        ],
      },
      admdvs,
    );

    const picker = feePickerFor(ctx.catalogue, formatDate(now));
    const drafts = outpatientDrafts(picker, rng, ctx.level ?? "3", "11");
    const chrgBchno = `${iptOtpNo}01`;
    const feeTime = formatDateTime(begnMs + 10 * 60_000 > now ? now : begnMs + 10 * 60_000);
    const feedetail = drafts.map((d, i) =>
      toFeeDetail(d, {
        feedetl_sn: `${iptOtpNo}${pad(i + 1, 4)}`,
        mdtrt_id: mdtrtId,
        psn_no: person.psn_no,
        chrg_bchno: chrgBchno,
        rxno: `CF${iptOtpNo}`,
        fee_ocur_time: feeTime,
        bilg_dept_codg: dept.dept_code,
        bilg_dr_codg: dr.no,
      }),
    );
    await run.step("2204", { feedetail }, admdvs);

    const total = sumFen(drafts);
    result.medfeeSumamtFen = total;
    const settle = {
      psn_no: person.psn_no,
      mdtrt_cert_type: "02",
      mdtrt_cert_no: certno,
      med_type: "11",
      medfee_sumamt: toYuan(total as Fen),
      psn_setlway: "01",
      mdtrt_id: mdtrtId,
      chrg_bchno: chrgBchno,
      insutype: person.insutype,
      acct_used_flag: person.acct_used_flag,
    };
    const pre = await run.step("2206", { data: settle }, admdvs);
    const parts = checkSettlement(pre.output, "2206", total);
    const settled = await run.step(
      "2207",
      {
        data: {
          ...settle,
          invono: numbers.next("FP"),
          fulamt_ownpay_amt: toYuan(parts.fulamt_ownpay_amt as Fen),
          overlmt_selfpay: toYuan(parts.overlmt_selfpay as Fen),
          preselfpay_amt: toYuan(parts.preselfpay_amt as Fen),
          inscp_scp_amt: toYuan(parts.inscp_scp_amt as Fen),
        },
      },
      admdvs,
    );
    result.setlId = needText(settled.output, "setlinfo.setl_id", "2207");
    checkSettlement(settled.output, "2207", total);
  });
}

/** A general inpatient stay: 1101 → 2401 → 2301 (2–4 batches) → 2402 → 2303 → 2304 → 2305 (a share of stays). */
export function inpatientFlow(certno: string, ctx: FlowContext): Promise<FlowResult> {
  return runFlow("inpatient", certno, ctx, async (run, result) => {
    const { client, rng, numbers } = ctx;
    const now = (ctx.now ?? Date.now)();
    const person = await run.person(certno);
    const admdvs = person.insuplc_admdvs;
    const dept = pick(rng, INPATIENT_DEPTS);
    const dr = doctor(rng, client.mdtrtareaAdmvs);
    const chief = doctor(rng, client.mdtrtareaAdmvs);
    const [diseCodg, diseName] = pick(rng, INPATIENT_DIAGNOSES);
    const stay = drawStay(ctx.level ?? "3", rng);
    const endMs = now - intBetween(rng, 1, 30) * 60_000;
    // A stay admitted before the earliest admission allowed (the year the person is enrolled for) is shortened to it.
    const room = ctx.earliestAdmission === undefined ? Infinity : Math.floor((endMs - ctx.earliestAdmission) / 86_400_000);
    const days = Math.max(1, Math.min(stay.days, room));
    const batches = Math.min(days, intBetween(rng, 2, 4));
    const begnMs = Math.max(ctx.earliestAdmission ?? -Infinity, endMs - days * 86_400_000 - intBetween(rng, 0, 6 * 60) * 60_000);
    const begntime = formatDateTime(begnMs);
    const endtime = formatDateTime(endMs);
    const iptNo = numbers.next("ZY");

    const admitted = await run.step(
      "2401",
      {
        mdtrtinfo: {
          psn_no: person.psn_no,
          insutype: person.insutype,
          coner_name: "家属",
          tel: `13${pad(intBetween(rng, 0, 999_999_999), 9)}`,
          begntime,
          mdtrt_cert_type: "02",
          mdtrt_cert_no: certno,
          med_type: "21",
          ipt_no: iptNo,
          medrcdno: `BA${iptNo}`,
          atddr_no: dr.no,
          chfpdr_name: chief.name,
          adm_diag_dscr: diseName,
          adm_dept_codg: dept.dept_code,
          adm_dept_name: dept.dept_name,
          adm_bed: `${intBetween(rng, 1, 60)}床`,
          dscg_maindiag_code: diseCodg,
          dscg_maindiag_name: diseName,
          dise_codg: diseCodg,
          dise_name: diseName,
        },
        diseinfo: [
          {
            psn_no: person.psn_no,
            diag_type: "1",
            maindiag_flag: "1",
            diag_srt_no: "1",
            diag_code: diseCodg,
            diag_name: diseName,
            adm_cond: "",
            diag_dept: dept.dept_name,
            dise_dor_no: dr.no,
            dise_dor_name: dr.name,
            diag_time: begntime,
            vali_flag: "1",
          },
        ],
      },
      admdvs,
    );
    // The interface names the output of 2401 only as mdtrt_id: the national spec's node is result{mdtrt_id, psn_no, ipt_no};
    // data{} (as 2201) and the top level are read too.
    const mdtrtId = firstText(admitted.output, ["result.mdtrt_id", "data.mdtrt_id", "mdtrt_id"], "2401");
    result.mdtrtId = mdtrtId;

    const picker = feePickerFor(ctx.catalogue, formatDate(endMs));
    // A shortened stay costs less: its total scaled by the days it kept.
    const batchDrafts = inpatientDrafts(picker, rng, days, batches, ctx.level ?? "3", Math.round((stay.totalFen * days) / Math.max(days, stay.days)));
    let seq = 0;
    for (let b = 0; b < batchDrafts.length; b++) {
      const drafts = batchDrafts[b] as FeeLineDraft[];
      const feeMs = Math.min(endMs, begnMs + Math.round(((b + 1) * (endMs - begnMs)) / batchDrafts.length) - 60 * 60_000);
      const feedetail = drafts.map((d) => {
        seq += 1;
        return toFeeDetail(d, {
          feedetl_sn: `${iptNo}${pad(seq, 4)}`,
          mdtrt_id: mdtrtId,
          psn_no: person.psn_no,
          chrg_bchno: `${iptNo}${pad(b + 1, 2)}`,
          rxno: `CF${iptNo}${pad(b + 1, 2)}`,
          fee_ocur_time: formatDateTime(Math.max(begnMs, feeMs)),
          bilg_dept_codg: dept.dept_code,
          bilg_dr_codg: dr.no,
          inpatient: { drord_no: `YZ${iptNo}${pad(seq, 4)}`, med_type: "21" },
        });
      });
      await run.step("2301", { feedetail }, admdvs);
    }

    await run.step(
      "2402",
      {
        dscginfo: {
          mdtrt_id: mdtrtId,
          psn_no: person.psn_no,
          insutype: person.insutype,
          endtime,
          dise_codg: diseCodg,
          dise_name: diseName,
          dscg_way: "1",
        },
        diseinfo: [
          {
            mdtrt_id: mdtrtId,
            psn_no: person.psn_no,
            diag_type: "1",
            maindiag_flag: "1",
            diag_srt_no: "1",
            diag_code: diseCodg,
            diag_name: diseName,
            diag_dept: dept.dept_name,
            dise_dor_no: dr.no,
            dise_dor_name: dr.name,
            diag_time: endtime,
            vali_flag: "1",
          },
        ],
      },
      admdvs,
    );

    const total = batchDrafts.reduce((s, drafts) => s + sumFen(drafts), 0);
    result.medfeeSumamtFen = total;
    const settle = {
      psn_no: person.psn_no,
      mdtrt_cert_type: "02",
      mdtrt_cert_no: certno,
      med_type: "21",
      medfee_sumamt: toYuan(total as Fen),
      psn_setlway: "01",
      mdtrt_id: mdtrtId,
      insutype: person.insutype,
      acct_used_flag: person.acct_used_flag,
      mid_setl_flag: "0",
    };
    const pre = await run.step("2303", { data: settle }, admdvs);
    const parts = checkSettlement(pre.output, "2303", total);
    const settled = await run.step(
      "2304",
      {
        data: {
          ...settle,
          invono: numbers.next("FP"),
          fulamt_ownpay_amt: toYuan(parts.fulamt_ownpay_amt as Fen),
          overlmt_selfpay: toYuan(parts.overlmt_selfpay as Fen),
          preselfpay_amt: toYuan(parts.preselfpay_amt as Fen),
          inscp_scp_amt: toYuan(parts.inscp_scp_amt as Fen),
        },
      },
      admdvs,
    );
    const setlId = needText(settled.output, "setlinfo.setl_id", "2304");
    result.setlId = setlId;
    checkSettlement(settled.output, "2304", total);

    if ((ctx.reverseShare ?? 0) > 0 && rng() < (ctx.reverseShare ?? 0)) {
      await run.step("2305", { data: { mdtrt_id: mdtrtId, setl_id: setlId, psn_no: person.psn_no } }, admdvs);
      result.reversed = true;
    }
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Statistics

/** Nearest-rank percentile (the smallest value with at least p% of the values at or below it) of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  if (!(p >= 0 && p <= 100)) throw new Error(`percentile must be between 0 and 100, got ${p}`);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

export interface LatencyStat {
  /** Calls made. */
  count: number;
  /** Calls answered with infcode ≠ 0 or not answered. */
  errors: number;
  /** Over every answered call (ok or not), in milliseconds. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

export class LatencyRecorder {
  private readonly samples = new Map<string, { latencies: number[]; count: number; errors: number }>();

  add(call: CallRecord): void {
    let s = this.samples.get(call.infno);
    if (!s) {
      s = { latencies: [], count: 0, errors: 0 };
      this.samples.set(call.infno, s);
    }
    s.count += 1;
    if (!call.ok) s.errors += 1;
    if (call.latencyMs !== null) s.latencies.push(call.latencyMs);
  }

  /** Per infno, in infno order. */
  summary(): Record<string, LatencyStat> {
    const out: Record<string, LatencyStat> = {};
    const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
    for (const infno of [...this.samples.keys()].sort()) {
      const s = this.samples.get(infno) as { latencies: number[]; count: number; errors: number };
      const sorted = Float64Array.from(s.latencies).sort();
      const values = Array.from(sorted);
      out[infno] = {
        count: s.count,
        errors: s.errors,
        p50: round(percentile(values, 50)),
        p95: round(percentile(values, 95)),
        p99: round(percentile(values, 99)),
        max: round(values.length > 0 ? (values[values.length - 1] as number) : null),
        mean: round(values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : null),
      };
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// The runner

/** Parses "outpatient=0.8,inpatient=0.2" (weights, normalised). */
export function parseMix(text: string): Record<FlowKind, number> {
  const mix: Record<FlowKind, number> = { outpatient: 0, inpatient: 0 };
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-z]+)\s*=\s*(\d+(?:\.\d+)?)$/.exec(part);
    if (!m) throw new Error(`mix: "${part}" is not name=weight (e.g. outpatient=0.8,inpatient=0.2)`);
    const name = m[1] as string;
    if (!(FLOW_KINDS as readonly string[]).includes(name)) throw new Error(`mix: unknown flow "${name}" (have: ${FLOW_KINDS.join(", ")})`);
    mix[name as FlowKind] = Number(m[2]);
  }
  const total = mix.outpatient + mix.inpatient;
  if (!(total > 0)) throw new Error("mix: the weights must add up to more than 0");
  return { outpatient: mix.outpatient / total, inpatient: mix.inpatient / total };
}

/** Exact counts of each kind for `n` flows under a mix (outpatient rounded, the rest inpatient). */
export function countsForMix(n: number, mix: Record<FlowKind, number>): Record<FlowKind, number> {
  const outpatient = Math.round(n * mix.outpatient);
  return { outpatient, inpatient: n - outpatient };
}

/** The order of the run's flows: the counts asked for, shuffled (seeded). */
export function schedule(counts: Record<FlowKind, number>, rng: Rng): FlowKind[] {
  const kinds: FlowKind[] = [];
  for (const kind of FLOW_KINDS) for (let i = 0; i < counts[kind]; i++) kinds.push(kind);
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j] as FlowKind, kinds[i] as FlowKind];
  }
  return kinds;
}

export interface SimulationOptions {
  url: string;
  persons: readonly string[];
  counts: Record<FlowKind, number>;
  concurrency: number;
  /** Stop starting flows after this many seconds; default none. */
  maxSeconds?: number;
  /** After the time limit, flows still running get this long before they are cut off; default 10 s. */
  graceSeconds?: number;
  reverseShare?: number;
  fixmedinsCode?: string;
  fixmedinsName?: string;
  /** The hospital's level (medins_lv 1, 2 or 3), which sets the bills' distributions (src/his/bills.ts); default 3. */
  level?: HospitalLevel;
  /** Each worker is a clerk: opter = prefix + worker number, dev_no = HISSIM- + worker number. */
  opterPrefix?: string;
  seed?: number;
  timeoutMs?: number;
  /** Sign each worker in (9001) first; default true. */
  signIn?: boolean;
  /** Cuts the run off (flows running are counted as aborted). */
  signal?: AbortSignal;
  onFlow?: (result: FlowResult, done: number) => void;
  /** Sends through this fetch-compatible function instead of HTTP/1.1 connections of the clients' own (tests). */
  fetch?: HisClientOptions["fetch"];
  /** The hospital's credential: every request of every clerk is signed with it. */
  credential?: HisClientOptions["credential"];
}

export interface SimulationReport {
  url: string;
  fixmedins_code: string;
  seed: number;
  planned: Record<FlowKind, number>;
  concurrency: number;
  seconds: number;
  /** Flows that finished ok, per second of the run. */
  flowsPerSecond: number;
  ok: number;
  failed: number;
  aborted: number;
  notStarted: number;
  byKind: Record<FlowKind, { ok: number; failed: number; aborted: number }>;
  reversed: number;
  stoppedBy: "flows" | "time" | "signal";
  latency: Record<string, LatencyStat>;
  /** Distinct error messages in the order first seen (at most 10), with how often each came. */
  errors: { message: string; count: number }[];
}

export async function runSimulation(options: SimulationOptions): Promise<SimulationReport> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  const fixmedinsCode = options.fixmedinsCode ?? "H45100000001";
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const kinds = schedule(options.counts, seededRng(seed));
  const pool = new PersonPool(options.persons);
  const numbers = new HospitalNumbers();
  const recorder = new LatencyRecorder();
  const errors = new Map<string, number>();
  const byKind: SimulationReport["byKind"] = {
    outpatient: { ok: 0, failed: 0, aborted: 0 },
    inpatient: { ok: 0, failed: 0, aborted: 0 },
  };
  let reversed = 0;

  // Each clerk keeps its own connection alive through the run; they are closed when it is over.
  const clients = Array.from(
    { length: concurrency },
    (_, i) =>
      new HisClient({
        url: options.url,
        fixmedinsCode,
        fixmedinsName: options.fixmedinsName,
        opter: `${options.opterPrefix ?? "SIM"}${pad(i + 1, 3)}`,
        opterName: `模拟收费员${i + 1}`,
        devNo: `HISSIM-${pad(i + 1, 3)}`,
        timeoutMs: options.timeoutMs,
        fetch: options.fetch,
        credential: options.credential,
      }),
  );
  const catalogue = loadFeeCatalogue(clients[0]?.mdtrtareaAdmvs ?? "451000");

  const abort = new AbortController();
  setMaxListeners(0, abort.signal); // one listener per flow waiting for a person (requests share one: see http1.ts)
  const onOuterAbort = () => abort.abort(options.signal?.reason);
  if (options.signal?.aborted) abort.abort(options.signal.reason);
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });

  if (options.signIn !== false) {
    await Promise.all(
      clients.map(async (client, i) => {
        try {
          const { response, latencyMs } = await client.signIn(
            { mac: `02-00-00-00-${pad((i >> 8) & 0xff, 2)}-${pad(i & 0xff, 2)}`, ip: "127.0.0.1" },
            { signal: abort.signal },
          );
          recorder.add({ infno: "9001", latencyMs, ok: response.infcode === 0 });
        } catch (error) {
          abort.abort();
          throw new Error(`sign-in (9001) of clerk ${client.opter} failed: ${(error as Error).message}`, { cause: error });
        }
      }),
    );
  }

  const started = performance.now();
  const deadline = options.maxSeconds !== undefined ? started + options.maxSeconds * 1000 : Number.POSITIVE_INFINITY;
  let stoppedBy: SimulationReport["stoppedBy"] = "flows";
  let stopping = false;
  let hardStop: NodeJS.Timeout | undefined;
  /** The time limit: no new flows; those running get the grace period, then are cut off. */
  const timeUp = () => {
    if (stopping) return;
    stopping = true;
    stoppedBy = "time";
    hardStop = setTimeout(() => abort.abort(new Error("time limit")), (options.graceSeconds ?? 10) * 1000);
  };
  const softStop = Number.isFinite(deadline) ? setTimeout(timeUp, deadline - started) : undefined;

  let next = 0;
  let done = 0;
  const worker = async (client: HisClient) => {
    for (;;) {
      if (performance.now() >= deadline) timeUp();
      if (stopping || abort.signal.aborted) return;
      const index = next++;
      const kind = kinds[index];
      if (kind === undefined) return;
      let lease: { index: number; certno: string };
      try {
        lease = await pool.acquire(abort.signal);
      } catch {
        return; // cut off while waiting for a person
      }
      const ctx: FlowContext = {
        client,
        catalogue,
        numbers,
        rng: seededRng((seed + Math.imul(index + 1, 0x9e3779b9)) >>> 0),
        signal: abort.signal,
        reverseShare: options.reverseShare,
        ...(options.level ? { level: options.level } : {}),
      };
      let result: FlowResult;
      try {
        result = kind === "outpatient" ? await outpatientFlow(lease.certno, ctx) : await inpatientFlow(lease.certno, ctx);
      } finally {
        pool.release(lease.index);
      }
      for (const call of result.calls) recorder.add(call);
      const tally = byKind[kind];
      if (result.aborted) tally.aborted += 1;
      else if (result.ok) tally.ok += 1;
      else {
        tally.failed += 1;
        const message = result.error ?? "unknown error";
        errors.set(message, (errors.get(message) ?? 0) + 1);
      }
      if (result.reversed) reversed += 1;
      done += 1;
      options.onFlow?.(result, done);
    }
  };

  try {
    await Promise.all(clients.map((client) => worker(client)));
  } finally {
    if (softStop) clearTimeout(softStop);
    if (hardStop) clearTimeout(hardStop);
    options.signal?.removeEventListener("abort", onOuterAbort);
    for (const client of clients) client.close();
  }
  const seconds = (performance.now() - started) / 1000;
  if (options.signal?.aborted) stoppedBy = "signal";

  const ok = byKind.outpatient.ok + byKind.inpatient.ok;
  const failed = byKind.outpatient.failed + byKind.inpatient.failed;
  const aborted = byKind.outpatient.aborted + byKind.inpatient.aborted;
  return {
    url: clients[0]?.serviceUrl.href ?? options.url,
    fixmedins_code: fixmedinsCode,
    seed,
    planned: { ...options.counts },
    concurrency,
    seconds: Math.round(seconds * 1000) / 1000,
    flowsPerSecond: seconds > 0 ? Math.round((ok / seconds) * 100) / 100 : 0,
    ok,
    failed,
    aborted,
    notStarted: kinds.length - ok - failed - aborted,
    byKind,
    reversed,
    stoppedBy,
    latency: recorder.summary(),
    errors: [...errors].slice(0, 10).map(([message, count]) => ({ message, count })),
  };
}
