import { sql, type SQL } from "drizzle-orm";
import type { Fen } from "../../domain/money.js";
import type { SetlInfo } from "../../domain/settlement/index.js";
import type { Queryable } from "../../store/db.js";
import { rowsOf } from "../common/sql.js";
import { scopeConditions, where, type SettlementFilter, type SettlementScope } from "../common/settlementScope.js";
import { countUpTo, type PageOf } from "../common/pages.js";

/**
 * Settlements as the console and the portal read them: lists by person, hospital and year, one settlement with its
 * lines and every fund's explanation, the month-by-month spending per tier, and the reconciliation of each hospital's
 * settlements against the ledger. Read-only; amounts stay fen here.
 */

/** The settlement's amounts, named and typed as the national interface's setlinfo names them. */
const MONEY = [
  "medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt", "act_pay_dedc", "hifp_pay", "pool_prop_selfpay",
  "hifmi_pay", "hifob_pay", "maf_pay", "oth_pay", "fund_pay_sumamt", "psn_part_amt", "acct_pay", "psn_cash_pay",
] as const satisfies readonly (keyof SetlInfo)[];

export interface SettlementListRow extends Pick<SetlInfo, (typeof MONEY)[number]> {
  setl_id: string;
  mdtrt_id: string;
  psn_no: string;
  psn_name: string;
  certno: string;
  fixmedins_code: string;
  fixmedins_name: string;
  insutype: string;
  med_type: string;
  setl_time: string;
  year: number;
  insuplc_admdvs: string;
  mdtrtarea_admvs: string;
  policy_id: string;
  tilt_category: string | null;
  assistance_category: string | null;
  status: "settled" | "reversed";
}

const LIST_COLUMNS = sql.raw(`s.setl_id, s.mdtrt_id, s.psn_no, p.psn_name, p.certno, s.fixmedins_code, coalesce(f.fixmedins_name, s.fixmedins_code) as fixmedins_name,
  s.insutype, s.med_type, to_char(s.setl_time, 'YYYY-MM-DD HH24:MI:SS') as setl_time, s.year, s.insuplc_admdvs, s.mdtrtarea_admvs,
  ${MONEY.map((m) => `s.${m}`).join(", ")}, s.policy_id, s.tilt_category, s.assistance_category, s.status`);

function toListRow(r: Record<string, unknown>): SettlementListRow {
  const row = { ...r } as Record<string, unknown>;
  for (const m of MONEY) row[m] = Number(r[m]);
  row.year = Number(r.year);
  return row as unknown as SettlementListRow;
}

function listConditions(filter: SettlementFilter): SQL {
  const conditions = scopeConditions(filter);
  if (filter.year !== undefined) conditions.push(sql`s.year = ${filter.year}`);
  if (filter.status !== undefined) conditions.push(sql`s.status = ${filter.status}`);
  return where(conditions);
}

/** A page of settlements, newest first (its plan is checked by the tests: it must not sort the whole table). */
export function settlementListQuery(filter: SettlementFilter, page: { page: number; page_size: number }): SQL {
  return sql`
    select ${LIST_COLUMNS} from settlements s join persons p on p.psn_no = s.psn_no left join fixmedins f on f.fixmedins_code = s.fixmedins_code
    where ${listConditions(filter)} order by s.setl_time desc, s.setl_id desc limit ${page.page_size} offset ${(page.page - 1) * page.page_size}`;
}

export async function listSettlements(q: Queryable, filter: SettlementFilter, page: { page: number; page_size: number }): Promise<PageOf<SettlementListRow>> {
  const [rows, total] = await Promise.all([
    rowsOf<Record<string, unknown>>(q, settlementListQuery(filter, page)),
    countUpTo(q, sql`select 1 from settlements s where ${listConditions(filter)}`),
  ]);
  return { items: rows.map(toListRow), ...total };
}

export interface FundRow {
  fund_pay_type: string;
  fund_pay_type_name: string;
  inscp_scp_amt: Fen;
  crt_payb_lmt_amt: Fen | null;
  fund_payamt: Fen;
  setl_proc_info: string;
}

export interface LineRow {
  feedetl_sn: string;
  med_list_codg: string;
  med_list_name: string | null;
  list_type: string | null;
  chrgitm_lv: string | null;
  /** The unit price exactly, in millionths of a yuan (six decimals, as the hospital sent it). */
  pric_e6: number;
  cnt_e4: number;
  det_item_fee_sumamt: Fen;
  fulamt_ownpay_amt: Fen;
  overlmt_amt: Fen;
  preselfpay_amt: Fen;
  inscp_scp_amt: Fen;
}

export interface SettlementDetail {
  settlement: SettlementListRow;
  funds: FundRow[];
  /** Every tier's step, those that paid nothing included (what the engine stored with the settlement). */
  steps: FundRow[];
  lines: LineRow[];
}

/** One settlement with its lines and explanations; undefined when there is none by that id. */
export async function settlementDetail(q: Queryable, setlId: string): Promise<SettlementDetail | undefined> {
  const [row] = await rowsOf<Record<string, unknown>>(q, sql`
    select ${LIST_COLUMNS}, s.steps from settlements s join persons p on p.psn_no = s.psn_no left join fixmedins f on f.fixmedins_code = s.fixmedins_code
    where s.setl_id = ${setlId}`);
  if (!row) return undefined;
  const [funds, lines] = await Promise.all([
    rowsOf<Record<string, unknown>>(q, sql`
      select fund_pay_type, fund_pay_type_name, inscp_scp_amt, crt_payb_lmt_amt, fund_payamt, setl_proc_info
      from settlement_funds where setl_id = ${setlId} order by fund_pay_type`),
    rowsOf<Record<string, unknown>>(q, sql`
      select l.feedetl_sn, l.med_list_codg, c.med_list_name, c.list_type, coalesce(l.chrgitm_lv, c.chrgitm_lv) as chrgitm_lv, coalesce(l.pric_e6, l.pric_fen * 10000) as pric_e6, l.cnt_e4,
        l.det_item_fee_sumamt, l.fulamt_ownpay_amt, l.overlmt_amt, l.preselfpay_amt, l.inscp_scp_amt
      from fee_lines l
      left join lateral (
        select c.med_list_name, c.list_type, c.chrgitm_lv from catalogue_entries c
        where c.admdvs = ${row.mdtrtarea_admvs as string} and c.med_list_codg = l.med_list_codg
        order by c.begndate desc limit 1) c on true
      where l.setl_id = ${setlId} order by l.id`),
  ]);
  const fund = (f: Record<string, unknown>): FundRow => ({
    fund_pay_type: String(f.fund_pay_type),
    fund_pay_type_name: String(f.fund_pay_type_name),
    inscp_scp_amt: Number(f.inscp_scp_amt) as Fen,
    crt_payb_lmt_amt: f.crt_payb_lmt_amt === null || f.crt_payb_lmt_amt === undefined ? null : (Number(f.crt_payb_lmt_amt) as Fen),
    fund_payamt: Number(f.fund_payamt) as Fen,
    setl_proc_info: String(f.setl_proc_info),
  });
  return {
    settlement: toListRow(row),
    funds: funds.map(fund),
    steps: ((row.steps ?? []) as Record<string, unknown>[]).map(fund),
    lines: lines.map((l) => ({
      feedetl_sn: String(l.feedetl_sn),
      med_list_codg: String(l.med_list_codg),
      med_list_name: (l.med_list_name as string | null) ?? null,
      list_type: (l.list_type as string | null) ?? null,
      chrgitm_lv: (l.chrgitm_lv as string | null) ?? null,
      pric_e6: Number(l.pric_e6),
      cnt_e4: Number(l.cnt_e4),
      det_item_fee_sumamt: Number(l.det_item_fee_sumamt) as Fen,
      fulamt_ownpay_amt: Number(l.fulamt_ownpay_amt) as Fen,
      overlmt_amt: Number(l.overlmt_amt) as Fen,
      preselfpay_amt: Number(l.preselfpay_amt) as Fen,
      inscp_scp_amt: Number(l.inscp_scp_amt) as Fen,
    })),
  };
}

/**
 * The year a user's pages open on: this year once it has a settlement in the user's scope, else the latest year that
 * has one (a bureau in early January, a demo of past data), else this year.
 */
export async function workingYear(q: Queryable, scope: SettlementScope, currentYear: number): Promise<number> {
  const [row] = await rowsOf<{ year: number | string | null }>(q, sql`
    select max(s.year) as year from settlements s where s.year <= ${currentYear} and ${where(scopeConditions(scope))}`);
  return row?.year === null || row?.year === undefined ? currentYear : Number(row.year);
}
