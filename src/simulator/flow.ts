/** What every flow shares: the hospital's side (departments, doctors, diagnoses, numbers), reading and checking answers, and the run of one flow with its record of calls. */
import { parseYuan, toYuan, type Fen } from "../domain/money.js";
import type { HospitalLevel } from "./bills.js";
import { formatDateTime, HisInterfaceError, HisTransportError, type HisClient, type HisResponseEnvelope } from "./client.js";
import { type FeeCatalogue, type Rng, intBetween, pad } from "./fees.js";

// ---------------------------------------------------------------------------------------------------------------------
// The hospital's side: departments, doctors, diagnoses, numbers

interface Department {
  dept_code: string;
  dept_name: string;
  caty: string;
}

export const OUTPATIENT_DEPTS: Department[] = [
  { dept_code: "0301", dept_name: "普通内科门诊", caty: "A03" },
  { dept_code: "0201", dept_name: "全科医疗门诊", caty: "A02" },
  { dept_code: "0701", dept_name: "儿科门诊", caty: "A07" },
  { dept_code: "0401", dept_name: "普通外科门诊", caty: "A04" },
];

export const INPATIENT_DEPTS: Department[] = [
  { dept_code: "3010", dept_name: "呼吸内科病区", caty: "A03.02" },
  { dept_code: "3020", dept_name: "心血管内科病区", caty: "A03.04" },
  { dept_code: "4010", dept_name: "普通外科病区", caty: "A04.01" },
  { dept_code: "3050", dept_name: "神经内科病区", caty: "A03.06" },
];

const DOCTOR_NAMES = ["王建国", "李秀英", "张伟", "刘洋", "陈静", "黄志强", "韦丽华", "农海燕"];

export const OUTPATIENT_DIAGNOSES: [string, string][] = [
  ["J06.900", "急性上呼吸道感染"],
  ["J20.900", "急性支气管炎"],
  ["I10.x00", "高血压"],
  ["E11.900", "2型糖尿病"],
  ["K29.700", "胃炎"],
  ["M54.500", "腰痛"],
];

export const INPATIENT_DIAGNOSES: [string, string][] = [
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

export function doctor(rng: Rng, admdvs: string): { no: string; name: string } {
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

export function needText(root: unknown, path: string, infno: string): string {
  const v = get(root, path);
  if (typeof v === "string" && v.trim() !== "") return v;
  if (typeof v === "number") return String(v);
  throw new FlowCheckError(infno, `the answer has no output.${path}`);
}

export function firstText(root: unknown, paths: readonly string[], infno: string): string {
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
  /** The hospital's level (medins_lv), which sets the bills' distributions (src/simulator/bills.ts); default 3 (三级). */
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

  /**
   * Pre-settlement then settlement (2206 → 2207, or 2303 → 2304): the settlement repeats the pre-settlement's input
   * with an invoice number and the parts the pre-settlement answered, and both answers are checked against the
   * uploaded total. The settlement's setl_id goes into the flow's result before its answer is checked (a check that
   * fails still names the settlement), and is answered.
   */
  async settle(infnos: readonly [pre: string, settle: string], input: Record<string, unknown>, uploadedFen: number, admdvs: string, result: FlowResult): Promise<string> {
    const [preInfno, settleInfno] = infnos;
    const pre = await this.step(preInfno, { data: input }, admdvs);
    const parts = checkSettlement(pre.output, preInfno, uploadedFen);
    const settled = await this.step(
      settleInfno,
      {
        data: {
          ...input,
          invono: this.ctx.numbers.next("FP"),
          fulamt_ownpay_amt: toYuan(parts.fulamt_ownpay_amt as Fen),
          overlmt_selfpay: toYuan(parts.overlmt_selfpay as Fen),
          preselfpay_amt: toYuan(parts.preselfpay_amt as Fen),
          inscp_scp_amt: toYuan(parts.inscp_scp_amt as Fen),
        },
      },
      admdvs,
    );
    const setlId = needText(settled.output, "setlinfo.setl_id", settleInfno);
    result.setlId = setlId;
    checkSettlement(settled.output, settleInfno, uploadedFen);
    return setlId;
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

export async function runFlow(
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
