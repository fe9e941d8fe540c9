import { eq, sql } from "drizzle-orm";
import { DomainError } from "../../domain/errors.js";
import type { Fen } from "../../domain/money.js";
import {
  checkSettlementList, type ListDiagnosis, type ListFeeItem, type ListFund, type ListIcu, type ListOpspDisease, type ListProcedure,
  type ListSettlement, type SettlementListFacts, type SettlementListInput,
} from "../../domain/settlement/index.js";
import type { Queryable } from "../../store/db.js";
import { settlementListDiagnoses, settlementListProcedures, settlementLists } from "../../store/schema.js";
import { rowsOf } from "../common/sql.js";

/**
 * The settlement list (医疗保障基金结算清单) of a settlement: uploaded by its hospital after discharge (4101/4101A), checked
 * against the settlement and its stay (domain/settlement/settlementList.ts), stored with the stay; a re-upload replaces
 * the list and counts its version. Read by 4102 (its status), the REST API and the console, and later by the DRG grouper.
 */

const time = (column: string) => sql.raw(`to_char(${column}, 'YYYY-MM-DD HH24:MI:SS')`);

/** The settlement, its stay and person, as the list is checked against them; locked, so two uploads take turns. */
async function settlementForList(q: Queryable, setlId: string, lock: boolean): Promise<ListSettlement | undefined> {
  const [row] = await rowsOf<Record<string, unknown>>(q, sql`
    select s.setl_id, s.mdtrt_id, s.psn_no, s.fixmedins_code, s.status, s.mid_setl_flag, s.medfee_sumamt, s.acct_pay, s.psn_cash_pay,
      e.kind, ${time("e.begntime")} as begntime, ${time("e.endtime")} as endtime, e.dscg_way, p.gend, to_char(p.brdy, 'YYYY-MM-DD') as brdy
    from settlements s join encounters e on e.mdtrt_id = s.mdtrt_id join persons p on p.psn_no = s.psn_no
    where s.setl_id = ${setlId} ${lock ? sql`for update of s` : sql``}`);
  if (!row) return undefined;
  const funds = await rowsOf<{ fund_pay_type: string; fund_payamt: unknown }>(q, sql`select fund_pay_type, fund_payamt from settlement_funds where setl_id = ${setlId}`);
  return {
    setl_id: String(row.setl_id),
    mdtrt_id: String(row.mdtrt_id),
    psn_no: String(row.psn_no),
    fixmedins_code: String(row.fixmedins_code),
    status: String(row.status),
    mid_setl_flag: row.mid_setl_flag === true,
    kind: row.kind === "inpatient" ? "inpatient" : "outpatient",
    begntime: String(row.begntime),
    endtime: (row.endtime as string | null) ?? null,
    stay_dscg_way: (row.dscg_way as string | null) ?? null,
    gend: String(row.gend),
    brdy: String(row.brdy),
    medfee_sumamt: Number(row.medfee_sumamt) as Fen,
    acct_pay: Number(row.acct_pay) as Fen,
    psn_cash_pay: Number(row.psn_cash_pay) as Fen,
    funds: funds.map((f) => ({ fund_pay_type: f.fund_pay_type, fund_payamt: Number(f.fund_payamt) as Fen })),
  };
}

export interface UploadSettlementList {
  fixmedins_code: string;
  infno: string;
  msgid: string;
  /** The message's time: the upload's. */
  time: string;
  list: SettlementListInput;
  /** The header and the nodes no column holds (bldinfo), as sent. */
  setlinfo: Record<string, unknown>;
}

export interface UploadedList {
  setl_id: string;
  version: number;
  uploaded_at: string;
  facts: SettlementListFacts;
}

/** Checks and stores a list; a second upload for the same settlement replaces the first, one version on. */
export async function uploadSettlementList(q: Queryable, u: UploadSettlementList): Promise<UploadedList> {
  const s = await settlementForList(q, u.list.setl_id, true);
  if (!s) throw new DomainError("setlinfo.setl_id", `没有结算 ${u.list.setl_id} / no settlement ${u.list.setl_id}`);
  const facts = checkSettlementList(u.list, s, u.fixmedins_code);
  const [earlier] = await rowsOf<{ version: number; first_uploaded_at: string }>(q, sql`
    select version, ${time("first_uploaded_at")} as first_uploaded_at from settlement_lists where setl_id = ${s.setl_id}`);
  const version = earlier ? Number(earlier.version) + 1 : 1;
  const row = {
    setl_id: s.setl_id,
    mdtrt_id: s.mdtrt_id,
    psn_no: s.psn_no,
    fixmedins_code: s.fixmedins_code,
    version,
    infno: u.infno,
    msgid: u.msgid,
    uploaded_at: u.time,
    first_uploaded_at: earlier?.first_uploaded_at ?? u.time,
    ...facts,
    nwb_bir_wt: u.list.nwb_bir_wt,
    nwb_adm_wt: u.list.nwb_adm_wt,
    ipt_med_type: u.list.ipt_med_type,
    medfee_sumamt: s.medfee_sumamt,
    items: u.list.items,
    funds: u.list.funds,
    icu: u.list.icu,
    opspdise: u.list.opspdise,
    setlinfo: u.setlinfo,
  };
  if (earlier) {
    await q.delete(settlementListDiagnoses).where(eq(settlementListDiagnoses.setl_id, s.setl_id));
    await q.delete(settlementListProcedures).where(eq(settlementListProcedures.setl_id, s.setl_id));
    await q.update(settlementLists).set(row).where(eq(settlementLists.setl_id, s.setl_id));
  } else {
    await q.insert(settlementLists).values(row);
  }
  if (u.list.diagnoses.length > 0) {
    await q.insert(settlementListDiagnoses).values(u.list.diagnoses.map((d, i) => ({ ...d, setl_id: s.setl_id, seq: i + 1 })));
  }
  if (u.list.procedures.length > 0) {
    await q.insert(settlementListProcedures).values(u.list.procedures.map((p, i) => ({ ...p, setl_id: s.setl_id, seq: i + 1 })));
  }
  return { setl_id: s.setl_id, version, uploaded_at: u.time, facts };
}

export interface ListStatus {
  setl_id: string;
  mdtrt_id: string;
  psn_no: string;
  settlement_status: string;
  /** null: not uploaded. */
  list: { version: number; infno: string; uploaded_at: string; first_uploaded_at: string } | null;
}

/** Whether a settlement of this hospital has its list, which version and when (4102). */
export async function settlementListStatus(q: Queryable, fixmedinsCode: string, setlId: string, psnNo?: string): Promise<ListStatus> {
  const s = await settlementForList(q, setlId, false);
  if (!s) throw new DomainError("setl_id", `没有结算 ${setlId} / no settlement ${setlId}`);
  if (s.fixmedins_code !== fixmedinsCode) throw new DomainError("setl_id", `结算 ${setlId} 不是本机构的 / settlement ${setlId} is not this hospital's`);
  if (psnNo !== undefined && psnNo !== s.psn_no) throw new DomainError("psn_no", `settlement ${setlId} is not ${psnNo}'s`);
  const [row] = await rowsOf<Record<string, unknown>>(q, sql`
    select version, infno, ${time("uploaded_at")} as uploaded_at, ${time("first_uploaded_at")} as first_uploaded_at from settlement_lists where setl_id = ${setlId}`);
  return {
    setl_id: s.setl_id,
    mdtrt_id: s.mdtrt_id,
    psn_no: s.psn_no,
    settlement_status: s.status,
    list: row ? { version: Number(row.version), infno: String(row.infno), uploaded_at: String(row.uploaded_at), first_uploaded_at: String(row.first_uploaded_at) } : null,
  };
}

export interface StoredSettlementList extends SettlementListFacts {
  setl_id: string;
  mdtrt_id: string;
  psn_no: string;
  fixmedins_code: string;
  version: number;
  infno: string;
  uploaded_at: string;
  first_uploaded_at: string;
  nwb_bir_wt: number | null;
  nwb_adm_wt: number | null;
  ipt_med_type: string | null;
  medfee_sumamt: Fen;
  diagnoses: ListDiagnosis[];
  procedures: ListProcedure[];
  items: ListFeeItem[];
  funds: ListFund[] | null;
  icu: ListIcu[];
  opspdise: ListOpspDisease[];
}

const json = <T>(v: unknown): T => (typeof v === "string" ? JSON.parse(v) : v) as T;
const orNull = <T>(v: unknown, f: (x: unknown) => T): T | null => (v === null || v === undefined ? null : f(v));

/** A settlement's list as stored; undefined when none was uploaded. The caller checks who may read it. */
export async function readSettlementList(q: Queryable, setlId: string): Promise<StoredSettlementList | undefined> {
  const [row] = await rowsOf<Record<string, unknown>>(q, sql`
    select setl_id, mdtrt_id, psn_no, fixmedins_code, version, infno, ${time("uploaded_at")} as uploaded_at, ${time("first_uploaded_at")} as first_uploaded_at,
      gend, age, nwb_age_days, nwb_bir_wt, nwb_adm_wt, ipt_med_type, ${time("adm_time")} as adm_time, ${time("dscg_time")} as dscg_time, ipt_days, dscg_way,
      main_diag_code, main_oprn_code, medfee_sumamt, items, funds, icu, opspdise
    from settlement_lists where setl_id = ${setlId}`);
  if (!row) return undefined;
  const [diagnoses, procedures] = await Promise.all([
    rowsOf<Record<string, unknown>>(q, sql`
      select diag_type, diag_code, diag_name, maindiag_flag, adm_cond_type from settlement_list_diagnoses where setl_id = ${setlId} order by seq`),
    rowsOf<Record<string, unknown>>(q, sql`
      select oprn_oprt_type, oprn_oprt_code, oprn_oprt_name, to_char(oprn_oprt_date, 'YYYY-MM-DD') as oprn_oprt_date,
        ${time("oprn_oprt_begntime")} as oprn_oprt_begntime, ${time("oprn_oprt_endtime")} as oprn_oprt_endtime,
        anst_way, oper_dr_code, oper_dr_name, anst_dr_code, anst_dr_name
      from settlement_list_procedures where setl_id = ${setlId} order by seq`),
  ]);
  const text = (v: unknown) => orNull(v, String);
  return {
    setl_id: String(row.setl_id),
    mdtrt_id: String(row.mdtrt_id),
    psn_no: String(row.psn_no),
    fixmedins_code: String(row.fixmedins_code),
    version: Number(row.version),
    infno: String(row.infno),
    uploaded_at: String(row.uploaded_at),
    first_uploaded_at: String(row.first_uploaded_at),
    gend: String(row.gend),
    age: Number(row.age),
    nwb_age_days: orNull(row.nwb_age_days, Number),
    nwb_bir_wt: orNull(row.nwb_bir_wt, Number),
    nwb_adm_wt: orNull(row.nwb_adm_wt, Number),
    ipt_med_type: text(row.ipt_med_type),
    adm_time: text(row.adm_time),
    dscg_time: text(row.dscg_time),
    ipt_days: orNull(row.ipt_days, Number),
    dscg_way: text(row.dscg_way),
    main_diag_code: text(row.main_diag_code),
    main_oprn_code: text(row.main_oprn_code),
    medfee_sumamt: Number(row.medfee_sumamt) as Fen,
    items: json<ListFeeItem[]>(row.items),
    funds: orNull(row.funds, (v) => json<ListFund[]>(v)),
    icu: json<ListIcu[]>(row.icu),
    opspdise: json<ListOpspDisease[]>(row.opspdise),
    diagnoses: diagnoses.map((d) => ({
      diag_type: String(d.diag_type), diag_code: String(d.diag_code), diag_name: String(d.diag_name), maindiag_flag: d.maindiag_flag === true, adm_cond_type: text(d.adm_cond_type),
    })),
    procedures: procedures.map((p) => ({
      oprn_oprt_type: String(p.oprn_oprt_type), oprn_oprt_code: String(p.oprn_oprt_code), oprn_oprt_name: String(p.oprn_oprt_name), oprn_oprt_date: String(p.oprn_oprt_date),
      oprn_oprt_begntime: text(p.oprn_oprt_begntime), oprn_oprt_endtime: text(p.oprn_oprt_endtime), anst_way: text(p.anst_way),
      oper_dr_code: text(p.oper_dr_code), oper_dr_name: text(p.oper_dr_name), anst_dr_code: text(p.anst_dr_code), anst_dr_name: text(p.anst_dr_name),
    })),
  };
}

/** Whose a settlement is (for the REST API's scope check before its list is shown); undefined when there is none. */
export async function settlementOwners(q: Queryable, setlId: string): Promise<{ psn_no: string; fixmedins_code: string; insuplc_admdvs: string; mdtrtarea_admvs: string } | undefined> {
  const [row] = await rowsOf<{ psn_no: string; fixmedins_code: string; insuplc_admdvs: string; mdtrtarea_admvs: string }>(q, sql`
    select psn_no, fixmedins_code, insuplc_admdvs, mdtrtarea_admvs from settlements where setl_id = ${setlId}`);
  return row;
}
