/** The bills' lines: seeded randomness, the catalogue the fee lines come from, fee lines drawn by the bills' distributions (bills.ts) and written as the interface's feedetail. */
import { readFileSync } from "node:fs";
import { fromRoot } from "../lib/paths.js";
import { parseYuan, toYuan, type Fen } from "../domain/money.js";
import { priceOfFen, priceTimesCount, type Quantity } from "../domain/quantity.js";
import { csvRecords } from "../lib/csv.js";
import { mulberry32 } from "../lib/random.js";
import { BILL_DISTRIBUTIONS, DAYS_TOTAL_CORRELATION, LINE_KINDS, logNormalAt, standardNormal, type BilledMedType, type HospitalLevel, type LineKind } from "./bills.js";

// ---------------------------------------------------------------------------------------------------------------------
// Randomness: seeded, so that a run can be repeated

export type Rng = () => number;

/** mulberry32: a small seeded generator of numbers in [0, 1). */
export const seededRng: (seed: number) => Rng = mulberry32;

export function intBetween(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new Error("pick from an empty list");
  return items[Math.floor(rng() * items.length)] as T;
}

/** FNV-1a of a text, as a number in [0, 1): a stable "random" per catalogue code. */
function stableUnit(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h / 4294967296;
}

export function pad(n: number, width: number): string {
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
