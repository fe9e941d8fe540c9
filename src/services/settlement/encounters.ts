import { and, eq, inArray, isNull, sql, type SQLWrapper } from "drizzle-orm";
import type { FilingType, MedType } from "../../domain/codes.js";
import { DomainError } from "../../domain/errors.js";
import { formatYuan } from "../../domain/money.js";
import { agreesWithinOneFen, PRICE_PER_FEN, priceTimesCount, priceToNumber, quantityToNumber } from "../../domain/quantity.js";
import { roundHalfUpDiv } from "../../domain/ratio.js";
import { splitLine } from "../../domain/settlement/index.js";
import type { FeeLine, LineSplit } from "../../domain/settlement/index.js";
import type { Queryable } from "../../store/db.js";
import { chronicFilings, diagnoses, encounters, enrollments, feeLines, fixmedins, persons } from "../../store/schema.js";
import { array, jsonRow, rowFromJson, rowsOf } from "../common/sql.js";
import type { Services } from "../common/context.js";
import { newId } from "../common/ids.js";
import { enrollmentOnCondition, enrollmentOnOrder } from "../common/persons.js";
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
  return encounterOf(row, mdtrtId, fixmedinsCode, psnNo);
}

/** getEncounter's checks over a row read otherwise (with others, in one statement). */
function encounterOf(row: EncounterRow | undefined, mdtrtId: string, fixmedinsCode: string, psnNo?: string): EncounterRow {
  if (!row || row.fixmedins_code !== fixmedinsCode) throw new DomainError("mdtrt_id", `no encounter ${mdtrtId} at ${fixmedinsCode}`);
  if (psnNo !== undefined && row.psn_no !== psnNo) throw new DomainError("psn_no", `encounter ${mdtrtId} is not ${psnNo}'s`);
  return row;
}

async function checkInsured(q: Queryable, psnNo: string, insutype: string, date: string, checkPerson?: (person: typeof persons.$inferSelect) => void) {
  // The person and the enrollment in force (enrollmentOn's choice), in one statement.
  const [read] = await rowsOf<{ person: Record<string, unknown> | null; enrollment: Record<string, unknown> | null }>(q, sql`select
    (select ${jsonRow(persons)} from ${persons} where ${persons.psn_no} = ${psnNo}) as person,
    (select ${jsonRow(enrollments)} from ${enrollments} where ${enrollmentOnCondition(psnNo, insutype, date)}
      order by ${enrollmentOnOrder} limit 1) as enrollment`);
  if (!read?.person) throw new DomainError("psn_no", `no insured person ${psnNo}`);
  const person = rowFromJson(persons, read.person);
  checkPerson?.(person);
  const enrollment = read.enrollment ? rowFromJson(enrollments, read.enrollment) : undefined;
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
  /** A check of the person before anything is written (the medical type their insured region's policy allows). */
  checkPerson?: (person: typeof persons.$inferSelect) => void;
}

/** 2201 outpatient registration / 2401 admission: the encounter and its diagnoses, written in one statement. */
export async function openEncounter(services: Services, q: Queryable, input: OpenEncounterInput): Promise<{ mdtrt_id: string }> {
  const person = await checkInsured(q, input.psn_no, input.insutype, input.begntime, input.checkPerson);
  const hospital = await getHospital(services, q, input.fixmedins_code);
  const mdtrtId = newId(input.kind === "inpatient" ? "ZY" : "MZ", input.begntime);
  const writes: SQLWrapper[] = [
    q.insert(encounters).values({
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
    }),
    ...(input.diagnoses?.length ? [q.insert(diagnoses).values(input.diagnoses.map((d) => ({ ...d, mdtrt_id: mdtrtId })))] : []),
  ];
  await writeTogether(q, writes);
  return { mdtrt_id: mdtrtId };
}

/**
 * Several writes in one statement (one round trip), each a data-modifying WITH query. None of them sees the rows the
 * others write, so a delete of a table's old rows and the insert of its new ones may go together; a row must not be
 * changed by two of them.
 */
export async function writeTogether(q: Queryable, writes: readonly SQLWrapper[]): Promise<void> {
  if (writes.length === 0) return;
  await q.execute(sql`with ${sql.join(writes.map((w, i) => sql`${sql.identifier(`w${i}`)} as (${w.getSQL()})`), sql`, `)} select 1`);
}

/** The writes that replace an encounter's diagnoses by `list` (none when the list is empty: the old ones stay). */
function diagnosesReplacement(q: Queryable, mdtrtId: string, list: Diagnosis[]): SQLWrapper[] {
  if (list.length === 0) return [];
  return [q.delete(diagnoses).where(eq(diagnoses.mdtrt_id, mdtrtId)), q.insert(diagnoses).values(list.map((d) => ({ ...d, mdtrt_id: mdtrtId })))];
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

/**
 * 2203 outpatient visit info / 2403 inpatient info change: medical type, chronic disease, diagnoses. `read` is the
 * encounter as the caller read it already in this transaction (getEncounter), so that it is not read twice.
 */
export async function updateVisit(q: Queryable, input: VisitInfoInput, read?: EncounterRow): Promise<EncounterRow> {
  const e = read ?? (await getEncounter(q, input.mdtrt_id, input.fixmedins_code, input.psn_no));
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
  const change = { med_type: input.med_type, opsp_dise_code: input.rule === "14" ? input.opsp_dise_code : null, info: { ...(e.info as object), ...input.info } };
  // One statement: the encounter and its diagnoses (the old ones go, the new ones come; no statement of the two sees
  // the other's rows).
  await writeTogether(q, [q.update(encounters).set(change).where(eq(encounters.mdtrt_id, input.mdtrt_id)), ...diagnosesReplacement(q, input.mdtrt_id, input.diagnoses)]);
  return { ...e, ...change };
}

/** 2402 discharge / 2405 discharge cancel. */
export async function discharge(q: Queryable, mdtrtId: string, fixmedinsCode: string, psnNo: string, endtime: string, dscgWay: string | null, list: Diagnosis[]) {
  const e = await getEncounter(q, mdtrtId, fixmedinsCode, psnNo);
  if (e.kind !== "inpatient") throw new DomainError("mdtrt_id", `${mdtrtId} is not an inpatient stay`);
  assertOpen(e);
  if (e.status === "discharged") throw new DomainError("mdtrt_id", `${mdtrtId} is discharged already`);
  if (endtime < e.begntime) throw new DomainError("endtime", "discharge must not precede admission");
  await writeTogether(q, [q.update(encounters).set({ status: "discharged", endtime, dscg_way: dscgWay }).where(eq(encounters.mdtrt_id, mdtrtId)), ...diagnosesReplacement(q, mdtrtId, list)]);
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
  const sns = sent.map((l) => l.feedetl_sn);
  // The encounter and the lines of these numbers already there, in one statement.
  const [read] = await rowsOf<{ encounter: Record<string, unknown> | null; existing: { sn: string; cancelled: boolean }[] }>(q, sql`select
    (select ${jsonRow(encounters)} from ${encounters} where ${encounters.mdtrt_id} = ${mdtrtId}) as encounter,
    (select coalesce(json_agg(json_build_object('sn', ${feeLines.feedetl_sn}, 'cancelled', ${feeLines.cancelled})), '[]'::json) from ${feeLines}
      where ${feeLines.mdtrt_id} = ${mdtrtId} and ${feeLines.feedetl_sn} = any(${array(sns, "text")})) as existing`);
  const e = encounterOf(read?.encounter ? rowFromJson(encounters, read.encounter) : undefined, mdtrtId, fixmedinsCode, psnNo);
  assertKind(e, kind);
  assertOpen(e);
  const codes = await resolveFeeCodes(
    services, q, fixmedinsCode,
    sent.map((l) => ({ med_list_codg: l.med_list_codg, medins_list_codg: l.medins_list_codg, date: (l.fee_ocur_time ?? e.begntime).slice(0, 10) })),
    e.kind === "inpatient" ? "2301" : "2204",
  );
  const lines: UploadedLine[] = sent.map((l, i) => ({ ...l, med_list_codg: codes[i] as string }));
  if (new Set(sns).size !== sns.length) throw new DomainError("feedetail.feedetl_sn", "repeats within the upload");
  const existing = read?.existing ?? [];
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
