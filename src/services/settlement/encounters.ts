import { and, eq, inArray, isNull } from "drizzle-orm";
import type { FilingType, MedType } from "../../domain/codes.js";
import { DomainError } from "../../domain/errors.js";
import { formatYuan } from "../../domain/money.js";
import { agreesWithinOneFen, PRICE_PER_FEN, priceTimesCount, priceToNumber, quantityToNumber } from "../../domain/quantity.js";
import { roundHalfUpDiv } from "../../domain/ratio.js";
import { splitLine } from "../../domain/settlement/index.js";
import type { FeeLine, LineSplit } from "../../domain/settlement/index.js";
import type { Queryable } from "../../store/db.js";
import { chronicFilings, diagnoses, encounters, feeLines, fixmedins } from "../../store/schema.js";
import type { Services } from "../common/context.js";
import { newId } from "../common/ids.js";
import { enrollmentOn, getPerson } from "../common/persons.js";
import { resolveFeeCodes } from "../reference/index.js";

export type EncounterRow = typeof encounters.$inferSelect;

export interface Diagnosis {
  diag_type: string;
  diag_srt_no: number;
  diag_code: string;
  diag_name: string;
  vali_flag: boolean;
}

export async function getHospital(services: Services, q: Queryable, code: string) {
  const row = await services.cached(`fixmedins:${code}`, 60_000, async () => {
    const [found] = await q.select().from(fixmedins).where(eq(fixmedins.fixmedins_code, code)).limit(1);
    return found;
  });
  if (!row) throw new DomainError("fixmedins_code", `${code} is not a designated medical institution of Yibao`);
  return row;
}

/** The encounter, which must belong to this hospital and this person. */
export async function getEncounter(q: Queryable, mdtrtId: string, fixmedinsCode: string, psnNo?: string): Promise<EncounterRow> {
  const [row] = await q.select().from(encounters).where(eq(encounters.mdtrt_id, mdtrtId)).limit(1);
  if (!row || row.fixmedins_code !== fixmedinsCode) throw new DomainError("mdtrt_id", `no encounter ${mdtrtId} at ${fixmedinsCode}`);
  if (psnNo !== undefined && row.psn_no !== psnNo) throw new DomainError("psn_no", `encounter ${mdtrtId} is not ${psnNo}'s`);
  return row;
}

async function checkInsured(q: Queryable, psnNo: string, insutype: string, date: string) {
  const person = await getPerson(q, psnNo);
  const enrollment = await enrollmentOn(q, psnNo, insutype, date);
  if (!enrollment) throw new DomainError("insutype", `${psnNo} is not enrolled in ${insutype} for ${date.slice(0, 4)}: no enrollment of that insurance and year`);
  if (enrollment.status !== "enrolled") {
    throw new DomainError("insutype", `${psnNo}'s ${insutype} enrollment for ${date.slice(0, 4)} is ${enrollment.status}`);
  }
  return person;
}

export interface OpenEncounterInput {
  kind: "outpatient" | "inpatient";
  psn_no: string;
  insutype: string;
  fixmedins_code: string;
  begntime: string;
  /** The national medical type (med_type); the policy gives the rule it settles under. */
  med_type: string;
  ipt_otp_no: string | null;
  info: Record<string, unknown>;
  diagnoses?: Diagnosis[];
}

/** 2201 outpatient registration / 2401 admission. */
export async function openEncounter(services: Services, q: Queryable, input: OpenEncounterInput): Promise<EncounterRow> {
  const person = await checkInsured(q, input.psn_no, input.insutype, input.begntime);
  const hospital = await getHospital(services, q, input.fixmedins_code);
  const mdtrtId = newId(input.kind === "inpatient" ? "ZY" : "MZ", input.begntime);
  const [row] = await q
    .insert(encounters)
    .values({
      mdtrt_id: mdtrtId,
      psn_no: person.psn_no,
      insutype: input.insutype,
      fixmedins_code: hospital.fixmedins_code,
      kind: input.kind,
      med_type: input.med_type,
      mdtrtarea_admvs: hospital.admdvs,
      insuplc_admdvs: person.insuplc_admdvs,
      offsite_filing: null,
      ipt_otp_no: input.ipt_otp_no,
      begntime: input.begntime,
      status: input.kind === "inpatient" ? "admitted" : "registered",
      info: input.info,
    })
    .returning();
  if (!row) throw new Error("insert returned nothing");
  if (input.diagnoses?.length) await replaceDiagnoses(q, mdtrtId, input.diagnoses);
  return row;
}

export async function replaceDiagnoses(q: Queryable, mdtrtId: string, list: Diagnosis[]): Promise<void> {
  await q.delete(diagnoses).where(eq(diagnoses.mdtrt_id, mdtrtId));
  if (list.length > 0) await q.insert(diagnoses).values(list.map((d) => ({ ...d, mdtrt_id: mdtrtId })));
}

/** 2202/2204 are for outpatient visits, 2404/2301 for inpatient stays. */
function assertKind(e: EncounterRow, kind: string | undefined) {
  if (kind !== undefined && e.kind !== kind) throw new DomainError("mdtrt_id", `${e.mdtrt_id} is an ${e.kind} encounter, not ${kind}`);
}

function assertOpen(e: EncounterRow) {
  if (e.status === "settled") throw new DomainError("mdtrt_id", `encounter ${e.mdtrt_id} is settled; reverse the settlement first`);
  if (e.status === "cancelled") throw new DomainError("mdtrt_id", `encounter ${e.mdtrt_id} is cancelled`);
}

async function activeFeeCount(q: Queryable, mdtrtId: string): Promise<number> {
  const rows = await q
    .select({ id: feeLines.id })
    .from(feeLines)
    .where(and(eq(feeLines.mdtrt_id, mdtrtId), eq(feeLines.cancelled, false)));
  return rows.length;
}

/** 2202 outpatient registration cancel / 2404 admission cancel: only with no fee lines left. */
export async function cancelEncounter(q: Queryable, mdtrtId: string, fixmedinsCode: string, psnNo: string, kind?: EncounterRow["kind"]): Promise<void> {
  const e = await getEncounter(q, mdtrtId, fixmedinsCode, psnNo);
  assertKind(e, kind);
  assertOpen(e);
  if ((await activeFeeCount(q, mdtrtId)) > 0) throw new DomainError("mdtrt_id", `encounter ${mdtrtId} still has fee lines; cancel them first (2205/2302)`);
  await q.update(encounters).set({ status: "cancelled" }).where(eq(encounters.mdtrt_id, mdtrtId));
}

export interface VisitInfoInput {
  mdtrt_id: string;
  psn_no: string;
  fixmedins_code: string;
  /** The national medical type, stored as sent; `rule` is what the policy settles it as. */
  med_type: string;
  rule: MedType;
  opsp_dise_code: string | null;
  info: Record<string, unknown>;
  diagnoses: Diagnosis[];
}

/** 2203 outpatient visit info / 2403 inpatient info change: medical type, chronic disease, diagnoses. */
export async function updateVisit(q: Queryable, input: VisitInfoInput): Promise<EncounterRow> {
  const e = await getEncounter(q, input.mdtrt_id, input.fixmedins_code, input.psn_no);
  assertOpen(e);
  if (input.rule === "14") {
    if (!input.opsp_dise_code) throw new DomainError("opsp_dise_code", "a chronic/special disease visit (med_type 14) needs the disease code");
    const filings = await q
      .select()
      .from(chronicFilings)
      .where(and(eq(chronicFilings.psn_no, e.psn_no), eq(chronicFilings.opsp_dise_code, input.opsp_dise_code), eq(chronicFilings.status, "active")));
    const date = e.begntime.slice(0, 10);
    if (!filings.some((f) => f.begndate <= date && (f.enddate === null || date <= f.enddate))) {
      throw new DomainError("opsp_dise_code", `${e.psn_no} has no chronic/special disease filing (2503) of ${input.opsp_dise_code} valid on ${date}`);
    }
  }
  const [row] = await q
    .update(encounters)
    .set({ med_type: input.med_type, opsp_dise_code: input.rule === "14" ? input.opsp_dise_code : null, info: { ...(e.info as object), ...input.info } })
    .where(eq(encounters.mdtrt_id, input.mdtrt_id))
    .returning();
  if (input.diagnoses.length > 0) await replaceDiagnoses(q, input.mdtrt_id, input.diagnoses);
  if (!row) throw new Error("update returned nothing");
  return row;
}

/** 2402 discharge / 2405 discharge cancel. */
export async function discharge(q: Queryable, mdtrtId: string, fixmedinsCode: string, psnNo: string, endtime: string, dscgWay: string | null, list: Diagnosis[]) {
  const e = await getEncounter(q, mdtrtId, fixmedinsCode, psnNo);
  if (e.kind !== "inpatient") throw new DomainError("mdtrt_id", `${mdtrtId} is not an inpatient stay`);
  assertOpen(e);
  if (e.status === "discharged") throw new DomainError("mdtrt_id", `${mdtrtId} is discharged already`);
  if (endtime < e.begntime) throw new DomainError("endtime", "discharge must not precede admission");
  await q.update(encounters).set({ status: "discharged", endtime, dscg_way: dscgWay }).where(eq(encounters.mdtrt_id, mdtrtId));
  if (list.length > 0) await replaceDiagnoses(q, mdtrtId, list);
}

export async function cancelDischarge(q: Queryable, mdtrtId: string, fixmedinsCode: string, psnNo: string) {
  const e = await getEncounter(q, mdtrtId, fixmedinsCode, psnNo);
  assertOpen(e);
  if (e.status !== "discharged") throw new DomainError("mdtrt_id", `${mdtrtId} is not discharged`);
  await q.update(encounters).set({ status: "admitted", endtime: null, dscg_way: null }).where(eq(encounters.mdtrt_id, mdtrtId));
}

export interface UploadedLine extends FeeLine {
  chrg_bchno: string | null;
  medins_list_codg: string | null;
  fee_ocur_time: string | null;
}

/** A line as a HIS sends it: the national code, or only the hospital's own (found through the matching, 3301). */
export type SentLine = Omit<UploadedLine, "med_list_codg"> & { med_list_codg: string | null };

/**
 * 2204 / 2301: stores the lines and answers each one's split (Step 1) in the treating region's catalogue. A line with
 * only the hospital's code settles as the national code its matching gives on the fee's day.
 */
export async function uploadFeeLines(
  services: Services,
  q: Queryable,
  mdtrtId: string,
  fixmedinsCode: string,
  psnNo: string,
  sent: SentLine[],
  kind?: EncounterRow["kind"],
): Promise<LineSplit[]> {
  const e = await getEncounter(q, mdtrtId, fixmedinsCode, psnNo);
  assertKind(e, kind);
  assertOpen(e);
  const codes = await resolveFeeCodes(
    services, q, fixmedinsCode,
    sent.map((l) => ({ med_list_codg: l.med_list_codg, medins_list_codg: l.medins_list_codg, date: (l.fee_ocur_time ?? e.begntime).slice(0, 10) })),
    e.kind === "inpatient" ? "2301" : "2204",
  );
  const lines: UploadedLine[] = sent.map((l, i) => ({ ...l, med_list_codg: codes[i] as string }));
  const sns = lines.map((l) => l.feedetl_sn);
  if (new Set(sns).size !== sns.length) throw new DomainError("feedetail.feedetl_sn", "repeats within the upload");
  const existing = await q
    .select({ sn: feeLines.feedetl_sn, cancelled: feeLines.cancelled })
    .from(feeLines)
    .where(and(eq(feeLines.mdtrt_id, mdtrtId), inArray(feeLines.feedetl_sn, sns)));
  const live = existing.find((x) => !x.cancelled);
  if (live) throw new DomainError("feedetail.feedetl_sn", `${live.sn} is uploaded already for ${mdtrtId}`);
  // A cancelled line's number may be used again: the cancelled line gives way.
  if (existing.length > 0) {
    await q.delete(feeLines).where(and(eq(feeLines.mdtrt_id, mdtrtId), eq(feeLines.cancelled, true), inArray(feeLines.feedetl_sn, sns)));
  }
  lines.forEach((l, i) => {
    if (l.det_item_fee_sumamt !== undefined && !agreesWithinOneFen(l.det_item_fee_sumamt, l.pric, l.cnt)) {
      throw new DomainError(
        `feedetail[${i}].det_item_fee_sumamt`,
        `${formatYuan(l.det_item_fee_sumamt)} disagrees with pric × cnt = ${priceToNumber(l.pric)} × ${quantityToNumber(l.cnt)} = ${formatYuan(priceTimesCount(l.pric, l.cnt))} by more than a fen`,
      );
    }
  });
  const catalogue = await services.catalogue(e.mdtrtarea_admvs, q);
  const splits = lines.map((l) => splitLine(l, catalogue, e.mdtrtarea_admvs, (l.fee_ocur_time ?? e.begntime).slice(0, 10)));
  if (lines.length > 0) {
    await q.insert(feeLines).values(
      lines.map((l, i) => {
        const s = splits[i] as LineSplit;
        return {
          mdtrt_id: mdtrtId,
          feedetl_sn: l.feedetl_sn,
          chrg_bchno: l.chrg_bchno,
          med_list_codg: l.med_list_codg,
          medins_list_codg: l.medins_list_codg,
          pric_fen: roundHalfUpDiv(l.pric, PRICE_PER_FEN),
          pric_e6: l.pric,
          cnt_e4: l.cnt,
          det_item_fee_sumamt: s.det_item_fee_sumamt,
          fulamt_ownpay_amt: s.fulamt_ownpay_amt,
          overlmt_amt: s.overlmt_amt,
          preselfpay_amt: s.preselfpay_amt,
          inscp_scp_amt: s.inscp_scp_amt,
          chrgitm_lv: s.chrgitm_lv,
          fee_ocur_time: l.fee_ocur_time,
        };
      }),
    );
  }
  return splits;
}

/** 2205 (by charge batch, or all) / 2302 (by feedetl_sn, "0000" for all): cancels unsettled lines. Returns how many. */
export async function cancelFeeLines(
  q: Queryable,
  mdtrtId: string,
  fixmedinsCode: string,
  psnNo: string,
  which: { chrg_bchno?: string | null; feedetl_sn?: string | null },
): Promise<number> {
  const e = await getEncounter(q, mdtrtId, fixmedinsCode, psnNo);
  assertOpen(e);
  const conditions = [eq(feeLines.mdtrt_id, mdtrtId), eq(feeLines.cancelled, false), isNull(feeLines.setl_id)];
  if (which.chrg_bchno) conditions.push(eq(feeLines.chrg_bchno, which.chrg_bchno));
  if (which.feedetl_sn && which.feedetl_sn !== "0000") conditions.push(eq(feeLines.feedetl_sn, which.feedetl_sn));
  const rows = await q.update(feeLines).set({ cancelled: true }).where(and(...conditions)).returning({ id: feeLines.id });
  if (rows.length === 0) {
    const field = which.feedetl_sn ? "feedetl_sn" : which.chrg_bchno ? "chrg_bchno" : "mdtrt_id";
    throw new DomainError(field, "no uploaded, unsettled fee line matches");
  }
  return rows.length;
}

export function filingOf(e: EncounterRow): FilingType | null {
  return (e.offsite_filing as FilingType | null) ?? null;
}
