import { sql, type SQL } from "drizzle-orm";
import { DomainError } from "../../domain/errors.js";
import type { Fen } from "../../domain/money.js";
import type { ListType } from "../../domain/codes.js";
import { regionCovers } from "../../domain/reference/index.js";
import type { Queryable } from "../../store/db.js";
import { ageOn } from "../common/persons.js";
import { rowsOf } from "../common/sql.js";

/**
 * The hospital interface's queries (5201–5205, 5301–5303): what a HIS reads back when a cashier reprints, a doctor checks a
 * chronic patient's filings and drugs, or an admission desk asks whether the person is in hospital elsewhere. Read-only,
 * one statement each; amounts stay fen here (the handlers turn them into yuan). The scope is the national one: a hospital
 * reads its own visits, settlements and fee lines only (5201–5204); the person's filings, designated hospitals, chronic
 * drug use and stays in progress are answered about the person, with what the national answer carries.
 */

const TIME = (column: string) => sql.raw(`to_char(${column}, 'YYYY-MM-DD HH24:MI:SS')`);
const DAY = (column: string) => sql.raw(`to_char(${column}, 'YYYY-MM-DD')`);

const text = (v: unknown): string => (v === null || v === undefined ? "" : String(v));
const textOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** A person who is not in the register: the reason in words, naming the field. */
function noPerson(psnNo: string): DomainError {
  return new DomainError("data.psn_no", `无此参保人 ${psnNo} (no insured person ${psnNo})`);
}

/** A visit that is not this hospital's, or not the person's: the same words whether it exists elsewhere or not at all. */
function checkVisit(row: { fixmedins_code?: unknown; psn_no?: unknown } | undefined, mdtrtId: string, fixmedinsCode: string, psnNo: string): void {
  if (!row || row.fixmedins_code !== fixmedinsCode) {
    throw new DomainError("data.mdtrt_id", `本院（${fixmedinsCode}）无就诊 ${mdtrtId} (no visit ${mdtrtId} at ${fixmedinsCode})`);
  }
  if (row.psn_no !== psnNo) throw new DomainError("data.psn_no", `就诊 ${mdtrtId} 不是参保人 ${psnNo} 的 (visit ${mdtrtId} is not ${psnNo}'s)`);
}

/** The person's facts every visit row repeats (the national answers carry them per row). */
export interface PersonFacts {
  psn_no: string;
  psn_cert_type: string;
  certno: string;
  psn_name: string;
  gend: string;
  naty: string;
  brdy: string;
  tel: string;
  emp_name: string;
}

const PERSON_COLUMNS = sql.raw(`p.psn_no, p.psn_cert_type, p.certno, p.psn_name, p.gend, p.naty, to_char(p.brdy, 'YYYY-MM-DD') as brdy, p.tel, p.emp_name`);

function personOf(r: Record<string, unknown>): PersonFacts {
  return {
    psn_no: text(r.psn_no), psn_cert_type: text(r.psn_cert_type), certno: text(r.certno), psn_name: text(r.psn_name), gend: text(r.gend),
    naty: text(r.naty), brdy: text(r.brdy), tel: text(r.tel), emp_name: text(r.emp_name),
  };
}

// ---- 5201 就诊信息查询

export interface VisitQuery {
  fixmedins_code: string;
  psn_no: string;
  mdtrt_id?: string;
  med_type?: string;
  /** Visits that began at or after this time, and at or before `endtime` (both "yyyy-MM-dd HH:mm:ss"). */
  begntime?: string;
  endtime?: string;
}

export interface VisitRow extends PersonFacts {
  age: number;
  mdtrt_id: string;
  kind: "outpatient" | "inpatient";
  status: string;
  insutype: string;
  insuplc_admdvs: string;
  med_type: string;
  ipt_otp_no: string;
  begntime: string;
  endtime: string;
  dscg_way: string;
  opsp_dise_code: string | null;
  /** The fields the HIS sent at registration or admission (2201/2401), as sent. */
  info: Record<string, unknown>;
  /** The main diagnosis (the first valid one by diag_srt_no), if any. */
  maindiag_code: string;
  maindiag_name: string;
}

/**
 * 5201: the person's visits and stays at this hospital (cancelled registrations left out), oldest first. A person who is
 * not in the register is refused; so is a mdtrt_id that is not this hospital's visit of the person.
 */
export async function visitsAtHospital(q: Queryable, query: VisitQuery): Promise<VisitRow[]> {
  const conditions: SQL[] = [sql`e.fixmedins_code = ${query.fixmedins_code}`, sql`e.status <> 'cancelled'`];
  if (query.mdtrt_id !== undefined) conditions.push(sql`e.mdtrt_id = ${query.mdtrt_id}`);
  if (query.med_type !== undefined) conditions.push(sql`e.med_type = ${query.med_type}`);
  if (query.begntime !== undefined) conditions.push(sql`e.begntime >= ${query.begntime}::timestamp`);
  if (query.endtime !== undefined) conditions.push(sql`e.begntime <= ${query.endtime}::timestamp`);
  const rows = await rowsOf<Record<string, unknown>>(q, sql`
    select ${PERSON_COLUMNS}, v.*
    from persons p
    left join lateral (
      select e.mdtrt_id, e.kind, e.status, e.insutype, e.insuplc_admdvs, e.med_type, e.ipt_otp_no, ${TIME("e.begntime")} as begntime,
        ${TIME("e.endtime")} as endtime, e.dscg_way, e.opsp_dise_code, e.info, d.diag_code as maindiag_code, d.diag_name as maindiag_name
      from encounters e
      left join lateral (
        select d.diag_code, d.diag_name from diagnoses d where d.mdtrt_id = e.mdtrt_id and d.vali_flag order by d.diag_srt_no, d.id limit 1
      ) d on true
      where e.psn_no = p.psn_no and ${sql.join(conditions, sql` and `)}
    ) v on true
    where p.psn_no = ${query.psn_no}
    order by v.begntime, v.mdtrt_id`);
  const [first] = rows;
  if (!first) throw noPerson(query.psn_no);
  const visits = rows.filter((r) => r.mdtrt_id !== null && r.mdtrt_id !== undefined);
  if (query.mdtrt_id !== undefined && visits.length === 0) {
    throw new DomainError("data.mdtrt_id", `本院（${query.fixmedins_code}）无参保人 ${query.psn_no} 的就诊 ${query.mdtrt_id} (no visit ${query.mdtrt_id} of ${query.psn_no} at ${query.fixmedins_code})`);
  }
  return visits.map((r) => ({
    ...personOf(r),
    age: ageOn(text(r.brdy), text(r.begntime).slice(0, 10)),
    mdtrt_id: text(r.mdtrt_id),
    kind: r.kind as VisitRow["kind"],
    status: text(r.status),
    insutype: text(r.insutype),
    insuplc_admdvs: text(r.insuplc_admdvs),
    med_type: text(r.med_type),
    ipt_otp_no: text(r.ipt_otp_no),
    begntime: text(r.begntime),
    endtime: text(r.endtime),
    dscg_way: text(r.dscg_way),
    opsp_dise_code: textOrNull(r.opsp_dise_code),
    info: (r.info ?? {}) as Record<string, unknown>,
    maindiag_code: text(r.maindiag_code),
    maindiag_name: text(r.maindiag_name),
  }));
}

// ---- 5202 诊断信息查询

export interface DiagnosisRow {
  diag_info_id: string;
  mdtrt_id: string;
  psn_no: string;
  diag_type: string;
  diag_srt_no: number;
  diag_code: string;
  diag_name: string;
  /** The first valid diagnosis by diag_srt_no is the main one. */
  maindiag: boolean;
}

/** 5202: the valid diagnoses of one of this hospital's visits, by diag_srt_no. */
export async function diagnosesOfVisit(q: Queryable, query: { fixmedins_code: string; psn_no: string; mdtrt_id: string }): Promise<DiagnosisRow[]> {
  const rows = await rowsOf<Record<string, unknown>>(q, sql`
    select e.fixmedins_code, e.psn_no, e.mdtrt_id, d.id as diag_info_id, d.diag_type, d.diag_srt_no, d.diag_code, d.diag_name
    from encounters e left join diagnoses d on d.mdtrt_id = e.mdtrt_id and d.vali_flag
    where e.mdtrt_id = ${query.mdtrt_id}
    order by d.diag_srt_no, d.id`);
  checkVisit(rows[0], query.mdtrt_id, query.fixmedins_code, query.psn_no);
  return rows
    .filter((r) => r.diag_info_id !== null && r.diag_info_id !== undefined)
    .map((r, i) => ({
      diag_info_id: text(r.diag_info_id), mdtrt_id: query.mdtrt_id, psn_no: query.psn_no, diag_type: text(r.diag_type),
      diag_srt_no: Number(r.diag_srt_no), diag_code: text(r.diag_code), diag_name: text(r.diag_name), maindiag: i === 0,
    }));
}

// ---- 5203 结算信息查询

export interface FundRowFen {
  fund_pay_type: string;
  fund_pay_type_name: string;
  inscp_scp_amt: Fen;
  crt_payb_lmt_amt: Fen | null;
  fund_payamt: Fen;
  setl_proc_info: string;
}

export interface SettlementAnswer {
  setl_id: string;
  mdtrt_id: string;
  psn_no: string;
  /** The setlinfo as 2207/2304 answered it (amounts fen). */
  setlinfo: Record<string, unknown>;
  /** The msgid of the settling message (medins_setl_id). */
  msgid: string;
  fixmedins_code: string;
  fixmedins_name: string;
  medins_lv: string;
  emp_name: string;
  insuplc_admdvs: string;
  year: number;
  begndate: string;
  enddate: string;
  status: "settled" | "reversed";
  /** When the reversal was made (China time), for a reversed settlement. */
  reversed_at: string | null;
  setldetail: FundRowFen[];
}

/**
 * 5203: one settlement of this hospital, with its funds. Another hospital's settlement is answered as not found (the same
 * words as one that does not exist); a reversed settlement is answered, marked reversed.
 */
export async function settlementAtHospital(
  q: Queryable,
  query: { fixmedins_code: string; psn_no: string; setl_id: string; mdtrt_id?: string },
): Promise<SettlementAnswer> {
  const [row] = await rowsOf<Record<string, unknown>>(q, sql`
    select s.setl_id, s.mdtrt_id, s.psn_no, s.fixmedins_code, s.setlinfo, s.msgid, s.year, s.status,
      to_char(s.reversed_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS') as reversed_at,
      coalesce(f.fixmedins_name, s.fixmedins_code) as fixmedins_name, coalesce(f.medins_lv, '') as medins_lv, p.emp_name, s.insuplc_admdvs,
      ${DAY("e.begntime")} as begndate, ${DAY("coalesce(e.endtime, s.setl_time)")} as enddate,
      (select coalesce(json_agg(json_build_object(
          'fund_pay_type', sf.fund_pay_type, 'fund_pay_type_name', sf.fund_pay_type_name, 'inscp_scp_amt', sf.inscp_scp_amt,
          'crt_payb_lmt_amt', sf.crt_payb_lmt_amt, 'fund_payamt', sf.fund_payamt, 'setl_proc_info', sf.setl_proc_info
        ) order by sf.fund_pay_type), '[]'::json)
       from settlement_funds sf where sf.setl_id = s.setl_id) as setldetail
    from settlements s
    join persons p on p.psn_no = s.psn_no
    join encounters e on e.mdtrt_id = s.mdtrt_id
    left join fixmedins f on f.fixmedins_code = s.fixmedins_code
    where s.setl_id = ${query.setl_id}`);
  if (!row || row.fixmedins_code !== query.fixmedins_code) {
    throw new DomainError("data.setl_id", `本院（${query.fixmedins_code}）无结算 ${query.setl_id} (no settlement ${query.setl_id} at ${query.fixmedins_code})`);
  }
  if (row.psn_no !== query.psn_no) throw new DomainError("data.psn_no", `结算 ${query.setl_id} 不是参保人 ${query.psn_no} 的 (settlement ${query.setl_id} is not ${query.psn_no}'s)`);
  if (query.mdtrt_id !== undefined && row.mdtrt_id !== query.mdtrt_id) {
    throw new DomainError("data.mdtrt_id", `结算 ${query.setl_id} 不属于就诊 ${query.mdtrt_id} (settlement ${query.setl_id} is not of visit ${query.mdtrt_id})`);
  }
  const detail = (typeof row.setldetail === "string" ? JSON.parse(row.setldetail) : row.setldetail) as Record<string, unknown>[];
  return {
    setl_id: text(row.setl_id),
    mdtrt_id: text(row.mdtrt_id),
    psn_no: text(row.psn_no),
    setlinfo: row.setlinfo as Record<string, unknown>,
    msgid: text(row.msgid),
    fixmedins_code: text(row.fixmedins_code),
    fixmedins_name: text(row.fixmedins_name),
    medins_lv: text(row.medins_lv),
    emp_name: text(row.emp_name),
    insuplc_admdvs: text(row.insuplc_admdvs),
    year: Number(row.year),
    begndate: text(row.begndate),
    enddate: text(row.enddate),
    status: row.status as SettlementAnswer["status"],
    reversed_at: textOrNull(row.reversed_at),
    setldetail: detail.map((d) => ({
      fund_pay_type: text(d.fund_pay_type),
      fund_pay_type_name: text(d.fund_pay_type_name),
      inscp_scp_amt: Number(d.inscp_scp_amt) as Fen,
      crt_payb_lmt_amt: d.crt_payb_lmt_amt === null || d.crt_payb_lmt_amt === undefined ? null : (Number(d.crt_payb_lmt_amt) as Fen),
      fund_payamt: Number(d.fund_payamt) as Fen,
      setl_proc_info: text(d.setl_proc_info),
    })),
  };
}

// ---- 5204 费用明细查询, 5205 人员慢特病用药记录查询

export interface FeeLineRow {
  feedetl_sn: string;
  mdtrt_id: string;
  /** "" while the line is not settled. */
  setl_id: string;
  med_type: string;
  fee_ocur_time: string;
  pric_e6: number;
  cnt_e4: number;
  det_item_fee_sumamt: Fen;
  fulamt_ownpay_amt: Fen;
  overlmt_amt: Fen;
  preselfpay_amt: Fen;
  inscp_scp_amt: Fen;
  chrgitm_lv: string | null;
  med_list_codg: string;
  medins_list_codg: string;
  /** From the treating region's catalogue as of the fee's date; null for an item outside it. */
  med_list_name: string | null;
  list_type: ListType | null;
  selfpay_prop_ppm: number;
  pric_uplmt_amt: Fen | null;
  fixmedins_code: string;
  fixmedins_name: string;
}

/** A fee line with its catalogue entry as of the fee's date (the treating region's catalogue, as the settlement read it). */
const LINE_COLUMNS = sql.raw(`l.feedetl_sn, l.mdtrt_id, coalesce(l.setl_id, '') as setl_id, e.med_type,
  to_char(coalesce(l.fee_ocur_time, e.begntime), 'YYYY-MM-DD HH24:MI:SS') as fee_ocur_time,
  coalesce(l.pric_e6, l.pric_fen * 10000) as pric_e6, l.cnt_e4, l.det_item_fee_sumamt, l.fulamt_ownpay_amt, l.overlmt_amt,
  l.preselfpay_amt, l.inscp_scp_amt, coalesce(l.chrgitm_lv, c.chrgitm_lv) as chrgitm_lv, l.med_list_codg, l.medins_list_codg,
  c.med_list_name, c.list_type, c.selfpay_prop_ppm, c.pric_uplmt_amt_fen, e.fixmedins_code, coalesce(f.fixmedins_name, e.fixmedins_code) as fixmedins_name`);

const CATALOGUE_AS_OF = sql.raw(`left join lateral (
    select c.med_list_name, c.list_type, c.chrgitm_lv, c.selfpay_prop_ppm, c.pric_uplmt_amt_fen from catalogue_entries c
    where c.admdvs = e.mdtrtarea_admvs and c.med_list_codg = l.med_list_codg and c.begndate <= coalesce(l.fee_ocur_time, e.begntime)::date
    order by c.begndate desc limit 1) c on true
  left join fixmedins f on f.fixmedins_code = e.fixmedins_code`);

function lineOf(r: Record<string, unknown>): FeeLineRow {
  return {
    feedetl_sn: text(r.feedetl_sn),
    mdtrt_id: text(r.mdtrt_id),
    setl_id: text(r.setl_id),
    med_type: text(r.med_type),
    fee_ocur_time: text(r.fee_ocur_time),
    pric_e6: Number(r.pric_e6),
    cnt_e4: Number(r.cnt_e4),
    det_item_fee_sumamt: Number(r.det_item_fee_sumamt) as Fen,
    fulamt_ownpay_amt: Number(r.fulamt_ownpay_amt) as Fen,
    overlmt_amt: Number(r.overlmt_amt) as Fen,
    preselfpay_amt: Number(r.preselfpay_amt) as Fen,
    inscp_scp_amt: Number(r.inscp_scp_amt) as Fen,
    chrgitm_lv: textOrNull(r.chrgitm_lv),
    med_list_codg: text(r.med_list_codg),
    medins_list_codg: text(r.medins_list_codg),
    med_list_name: textOrNull(r.med_list_name),
    list_type: textOrNull(r.list_type) as ListType | null,
    selfpay_prop_ppm: Number(r.selfpay_prop_ppm ?? 0),
    pric_uplmt_amt: r.pric_uplmt_amt_fen === null || r.pric_uplmt_amt_fen === undefined ? null : (Number(r.pric_uplmt_amt_fen) as Fen),
    fixmedins_code: text(r.fixmedins_code),
    fixmedins_name: text(r.fixmedins_name),
  };
}

/**
 * 5204: the fee lines of one of this hospital's visits (cancelled lines left out), in upload order; with a setl_id, those
 * of that settlement only. A reversal gives a settlement's lines back to the visit, so the lines of a reversed settlement
 * are refused in words (they are the visit's unsettled lines again).
 */
export async function feeLinesOfVisit(
  q: Queryable,
  query: { fixmedins_code: string; psn_no: string; mdtrt_id: string; setl_id?: string },
): Promise<FeeLineRow[]> {
  const rows = await rowsOf<Record<string, unknown>>(q, sql`
    select e.fixmedins_code as visit_fixmedins_code, e.psn_no as visit_psn_no,
      (select s.status from settlements s where s.setl_id = ${query.setl_id ?? null} and s.mdtrt_id = e.mdtrt_id) as setl_status,
      x.*
    from encounters e
    left join lateral (
      select ${LINE_COLUMNS}, l.id from fee_lines l ${CATALOGUE_AS_OF}
      where l.mdtrt_id = e.mdtrt_id and not l.cancelled ${query.setl_id === undefined ? sql`` : sql`and l.setl_id = ${query.setl_id}`}
    ) x on true
    where e.mdtrt_id = ${query.mdtrt_id}
    order by x.id`);
  const [first] = rows;
  checkVisit(first ? { fixmedins_code: first.visit_fixmedins_code, psn_no: first.visit_psn_no } : undefined, query.mdtrt_id, query.fixmedins_code, query.psn_no);
  if (query.setl_id !== undefined) {
    if (first?.setl_status === null || first?.setl_status === undefined) {
      throw new DomainError("data.setl_id", `就诊 ${query.mdtrt_id} 无结算 ${query.setl_id} (no settlement ${query.setl_id} of visit ${query.mdtrt_id})`);
    }
    if (first.setl_status === "reversed") {
      throw new DomainError("data.setl_id", `结算 ${query.setl_id} 已冲销（退费），其费用明细已退回就诊 ${query.mdtrt_id} 的未结算明细，请不带 setl_id 查询 (settlement ${query.setl_id} is reversed: its lines are the visit's unsettled lines again)`);
    }
  }
  return rows.filter((r) => r.feedetl_sn !== null && r.feedetl_sn !== undefined).map(lineOf);
}

/**
 * 5205: the drugs of the person's settled chronic/special disease visits (门诊慢特病: a visit settled under a disease
 * code), at every hospital, dispensed in the time window: what a doctor checks before prescribing again. Reversed
 * settlements' lines are not drug use any more and are left out.
 */
export async function chronicDrugUse(q: Queryable, query: { psn_no: string; begntime: string; endtime?: string }): Promise<FeeLineRow[]> {
  const rows = await rowsOf<Record<string, unknown>>(q, sql`
    select p.psn_no as person, x.*
    from persons p
    left join lateral (
      select ${LINE_COLUMNS}, l.id
      from encounters e
      join fee_lines l on l.mdtrt_id = e.mdtrt_id and not l.cancelled
      join settlements s on s.setl_id = l.setl_id and s.status = 'settled'
      ${CATALOGUE_AS_OF}
      where e.psn_no = p.psn_no and e.opsp_dise_code is not null and c.list_type = 'drug'
        and coalesce(l.fee_ocur_time, e.begntime) >= ${query.begntime}::timestamp
        ${query.endtime === undefined ? sql`` : sql`and coalesce(l.fee_ocur_time, e.begntime) <= ${query.endtime}::timestamp`}
    ) x on true
    where p.psn_no = ${query.psn_no}
    order by x.fee_ocur_time, x.id`);
  if (rows.length === 0) throw noPerson(query.psn_no);
  return rows.filter((r) => r.feedetl_sn !== null && r.feedetl_sn !== undefined).map(lineOf);
}

// ---- 5301 人员慢特病备案查询, 5302 人员定点信息查询

export interface FilingRow {
  trt_dcla_detl_sn: string;
  insutype: string;
  opsp_dise_code: string;
  opsp_dise_name: string;
  begndate: string;
  /** "" when open-ended. */
  enddate: string;
  ide_fixmedins_no: string;
  fixmedins_name: string;
}

/** The person's active (not cancelled) chronic/special disease filings (2503), oldest first, with the hospital each names. */
export async function chronicFilingsOf(q: Queryable, psnNo: string): Promise<FilingRow[]> {
  const rows = await rowsOf<Record<string, unknown>>(q, sql`
    select p.psn_no as person, c.id as trt_dcla_detl_sn, c.insutype, c.opsp_dise_code, c.opsp_dise_name, ${DAY("c.begndate")} as begndate,
      ${DAY("c.enddate")} as enddate, c.ide_fixmedins_no, coalesce(f.fixmedins_name, c.ide_fixmedins_no) as fixmedins_name
    from persons p
    left join chronic_filings c on c.psn_no = p.psn_no and c.status = 'active'
    left join fixmedins f on f.fixmedins_code = c.ide_fixmedins_no
    where p.psn_no = ${psnNo}
    order by c.begndate, c.id`);
  if (rows.length === 0) throw noPerson(psnNo);
  return rows
    .filter((r) => r.trt_dcla_detl_sn !== null && r.trt_dcla_detl_sn !== undefined)
    .map((r) => ({
      trt_dcla_detl_sn: text(r.trt_dcla_detl_sn), insutype: text(r.insutype), opsp_dise_code: text(r.opsp_dise_code), opsp_dise_name: text(r.opsp_dise_name),
      begndate: text(r.begndate), enddate: text(r.enddate), ide_fixmedins_no: text(r.ide_fixmedins_no), fixmedins_name: text(r.fixmedins_name),
    }));
}

// ---- 5303 在院信息查询

export interface StayRow extends PersonFacts {
  age: number;
  mdtrt_id: string;
  insutype: string;
  begndate: string;
  med_type: string;
  ipt_otp_no: string;
  /** Treated outside the insured prefecture (异地). */
  out_flag: boolean;
}

/**
 * 5303: the person's stays in progress at any hospital — admitted, or discharged and not yet settled, the stays that make
 * 2001 refuse another admission — with what the national answer carries (no hospital's name or fees).
 */
export async function staysInProgress(q: Queryable, query: { psn_no: string; begntime?: string; endtime?: string }): Promise<StayRow[]> {
  const rows = await rowsOf<Record<string, unknown>>(q, sql`
    select ${PERSON_COLUMNS}, x.*
    from persons p
    left join lateral (
      select e.mdtrt_id, e.insutype, e.insuplc_admdvs, e.mdtrtarea_admvs, ${DAY("e.begntime")} as begndate, e.med_type, e.ipt_otp_no
      from encounters e
      where e.psn_no = p.psn_no and e.kind = 'inpatient' and e.status in ('admitted', 'discharged')
        ${query.begntime === undefined ? sql`` : sql`and e.begntime >= ${query.begntime}::timestamp`}
        ${query.endtime === undefined ? sql`` : sql`and e.begntime <= ${query.endtime}::timestamp`}
    ) x on true
    where p.psn_no = ${query.psn_no}
    order by x.begndate, x.mdtrt_id`);
  if (rows.length === 0) throw noPerson(query.psn_no);
  return rows
    .filter((r) => r.mdtrt_id !== null && r.mdtrt_id !== undefined)
    .map((r) => ({
      ...personOf(r),
      age: ageOn(text(r.brdy), text(r.begndate)),
      mdtrt_id: text(r.mdtrt_id),
      insutype: text(r.insutype),
      begndate: text(r.begndate),
      med_type: text(r.med_type),
      ipt_otp_no: text(r.ipt_otp_no),
      out_flag: !regionCovers(`${text(r.insuplc_admdvs).slice(0, 4)}00`, text(r.mdtrtarea_admvs)),
    }));
}
