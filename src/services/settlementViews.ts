import { sql, type SQL } from "drizzle-orm";
import type { Fen } from "../domain/money.js";
import type { SetlInfo } from "../domain/settlement/types.js";
import type { Queryable } from "../store/db.js";
import { CASH, PERSONAL_ACCOUNT } from "./ledger.js";
import { rowsOf } from "./imports.js";
import { inRegion } from "./region.js";
import { countUpTo, type PageOf } from "./registry.js";

/**
 * Settlements as the console and the portal read them: lists by person, hospital and year, one settlement with its
 * lines and every fund's explanation, the month-by-month spending per tier, and the reconciliation of each hospital's
 * settlements against the ledger. Read-only; amounts stay fen here.
 */

/** Who may see what, as a filter: the caller's region (insured or treating), one hospital, one person. */
export interface SettlementScope {
  region?: string | undefined;
  fixmedins_code?: string | undefined;
  psn_no?: string | undefined;
}

export interface SettlementFilter extends SettlementScope {
  year?: number | undefined;
  status?: "settled" | "reversed" | undefined;
}

function scopeConditions(s: SettlementScope, alias = "s"): SQL[] {
  const c: SQL[] = [];
  const col = (name: string) => sql.raw(`${alias}.${name}`);
  if (s.region !== undefined) c.push(sql`(${inRegion(col("insuplc_admdvs"), s.region)} or ${inRegion(col("mdtrtarea_admvs"), s.region)})`);
  if (s.fixmedins_code !== undefined) c.push(sql`${col("fixmedins_code")} = ${s.fixmedins_code}`);
  if (s.psn_no !== undefined) c.push(sql`${col("psn_no")} = ${s.psn_no}`);
  return c;
}

const where = (conditions: SQL[]): SQL => (conditions.length === 0 ? sql`true` : sql.join(conditions, sql` and `));

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

export interface MonthSpending {
  month: number;
  settlements: number;
  medfee_sumamt: Fen;
  basic: Fen;
  critical_illness: Fen;
  large_amount: Fen;
  assistance: Fen;
  other: Fen;
  personal_account: Fen;
  cash: Fen;
}

/** The settlements in force of a year, month by month (all twelve, empty ones as zeros), per tier. */
export async function spendingByMonth(q: Queryable, year: number, scope: SettlementScope): Promise<MonthSpending[]> {
  const rows = await rowsOf<Record<string, unknown>>(q, sql`
    select extract(month from s.setl_time)::int as month, count(*) as settlements, sum(s.medfee_sumamt) as medfee_sumamt, sum(s.hifp_pay) as basic,
      sum(s.hifmi_pay) as critical_illness, sum(s.hifob_pay) as large_amount, sum(s.maf_pay) as assistance, sum(s.oth_pay) as other,
      sum(s.acct_pay) as personal_account, sum(s.psn_cash_pay) as cash
    from settlements s where s.year = ${year} and s.status = 'settled' and ${where(scopeConditions(scope))}
    group by 1 order by 1`);
  const byMonth = new Map(rows.map((r) => [Number(r.month), r]));
  return Array.from({ length: 12 }, (_, i) => {
    const r = byMonth.get(i + 1);
    const n = (k: string) => (r ? Number(r[k]) : 0) as Fen;
    return {
      month: i + 1, settlements: r ? Number(r.settlements) : 0, medfee_sumamt: n("medfee_sumamt"), basic: n("basic"), critical_illness: n("critical_illness"),
      large_amount: n("large_amount"), assistance: n("assistance"), other: n("other"), personal_account: n("personal_account"), cash: n("cash"),
    };
  });
}

export interface CategoryBeneficiaries {
  category: string;
  persons: number;
  settlements: number;
  assistance_paid: Fen;
  medfee_sumamt: Fen;
}

/** Who the assistance tier reached in a year: persons, settlements and amounts by the category it paid under. */
export async function beneficiariesByCategory(q: Queryable, year: number, scope: SettlementScope): Promise<CategoryBeneficiaries[]> {
  const rows = await rowsOf<Record<string, unknown>>(q, sql`
    select coalesce(s.assistance_category, s.tilt_category) as category, count(distinct s.psn_no) as persons, count(*) as settlements,
      sum(s.maf_pay) as assistance_paid, sum(s.medfee_sumamt) as medfee_sumamt
    from settlements s
    where s.year = ${year} and s.status = 'settled' and coalesce(s.assistance_category, s.tilt_category) is not null and ${where(scopeConditions(scope))}
    group by 1 order by 2 desc, 1`);
  return rows.map((r) => ({
    category: String(r.category), persons: Number(r.persons), settlements: Number(r.settlements),
    assistance_paid: Number(r.assistance_paid) as Fen, medfee_sumamt: Number(r.medfee_sumamt) as Fen,
  }));
}

export interface HospitalOverview {
  fixmedins_code: string;
  fixmedins_name: string;
  medins_lv: string;
  admdvs: string;
  settlements: number;
  medfee_sumamt: Fen;
  fund_pay_sumamt: Fen;
}

/** The hospitals of a region (or one), with their settlements in force of a year. */
export async function hospitalsOverview(q: Queryable, year: number, scope: { region?: string | undefined; fixmedins_code?: string | undefined }): Promise<HospitalOverview[]> {
  const c: SQL[] = [];
  if (scope.region !== undefined) c.push(inRegion(sql`f.admdvs`, scope.region));
  if (scope.fixmedins_code !== undefined) c.push(sql`f.fixmedins_code = ${scope.fixmedins_code}`);
  const rows = await rowsOf<Record<string, unknown>>(q, sql`
    select f.fixmedins_code, f.fixmedins_name, f.medins_lv, f.admdvs, count(s.setl_id) as settlements,
      coalesce(sum(s.medfee_sumamt), 0) as medfee_sumamt, coalesce(sum(s.fund_pay_sumamt), 0) as fund_pay_sumamt
    from fixmedins f left join settlements s on s.fixmedins_code = f.fixmedins_code and s.year = ${year} and s.status = 'settled'
    where ${where(c)} group by f.fixmedins_code order by f.fixmedins_code`);
  return rows.map((r) => ({
    fixmedins_code: String(r.fixmedins_code), fixmedins_name: String(r.fixmedins_name), medins_lv: String(r.medins_lv), admdvs: String(r.admdvs),
    settlements: Number(r.settlements), medfee_sumamt: Number(r.medfee_sumamt) as Fen, fund_pay_sumamt: Number(r.fund_pay_sumamt) as Fen,
  }));
}

export interface MoneyTotals {
  medfee_sumamt: Fen;
  fund_pay_sumamt: Fen;
  acct_pay: Fen;
  psn_cash_pay: Fen;
}

export interface ReconciliationRow {
  fixmedins_code: string;
  fixmedins_name: string;
  settlements: number;
  reversed: number;
  platform: MoneyTotals;
  ledger: MoneyTotals;
  balanced: boolean;
}

/**
 * Each hospital's settlements of a period (by settlement time) against the ledger: the platform's totals of the
 * settlements in force, and the net of every posting of all the period's settlements (a reversal nets its own to zero).
 * Both are read in one statement, so one snapshot; `balanced` when every figure agrees to the fen.
 */
export async function reconcileHospitals(
  q: Queryable,
  input: { from: string; to: string; region?: string | undefined; fixmedins_code?: string | undefined },
): Promise<ReconciliationRow[]> {
  const c: SQL[] = [sql`s.setl_time >= ${`${input.from} 00:00:00`}::timestamp`, sql`s.setl_time <= ${`${input.to} 23:59:59`}::timestamp`];
  if (input.region !== undefined) c.push(inRegion(sql`f.admdvs`, input.region));
  if (input.fixmedins_code !== undefined) c.push(sql`s.fixmedins_code = ${input.fixmedins_code}`);
  const rows = await rowsOf<Record<string, unknown>>(q, sql`
    with s as (
      select s.* from settlements s join fixmedins f on f.fixmedins_code = s.fixmedins_code where ${where(c)}
    ), platform as (
      select fixmedins_code, count(*) filter (where status = 'settled') as settlements, count(*) filter (where status = 'reversed') as reversed,
        coalesce(sum(medfee_sumamt) filter (where status = 'settled'), 0) as medfee, coalesce(sum(fund_pay_sumamt) filter (where status = 'settled'), 0) as fund,
        coalesce(sum(acct_pay) filter (where status = 'settled'), 0) as acct, coalesce(sum(psn_cash_pay) filter (where status = 'settled'), 0) as cash
      from s group by fixmedins_code
    ), ledger as (
      select s.fixmedins_code,
        coalesce(sum(case when t.kind = 'settle' then t.amount_fen else -t.amount_fen end), 0) as medfee,
        coalesce(sum(case when t.kind = 'settle' then t.amount_fen else -t.amount_fen end) filter (where t.fund_pay_type not in (${PERSONAL_ACCOUNT}, ${CASH})), 0) as fund,
        coalesce(sum(case when t.kind = 'settle' then t.amount_fen else -t.amount_fen end) filter (where t.fund_pay_type = ${PERSONAL_ACCOUNT}), 0) as acct,
        coalesce(sum(case when t.kind = 'settle' then t.amount_fen else -t.amount_fen end) filter (where t.fund_pay_type = ${CASH}), 0) as cash
      from s join ledger_transfers t on t.setl_id = s.setl_id group by s.fixmedins_code
    )
    select p.*, f.fixmedins_name, coalesce(l.medfee, 0) as l_medfee, coalesce(l.fund, 0) as l_fund, coalesce(l.acct, 0) as l_acct, coalesce(l.cash, 0) as l_cash
    from platform p join fixmedins f on f.fixmedins_code = p.fixmedins_code left join ledger l on l.fixmedins_code = p.fixmedins_code
    order by p.fixmedins_code`);
  return rows.map((r) => {
    const platform = { medfee_sumamt: Number(r.medfee) as Fen, fund_pay_sumamt: Number(r.fund) as Fen, acct_pay: Number(r.acct) as Fen, psn_cash_pay: Number(r.cash) as Fen };
    const ledger = { medfee_sumamt: Number(r.l_medfee) as Fen, fund_pay_sumamt: Number(r.l_fund) as Fen, acct_pay: Number(r.l_acct) as Fen, psn_cash_pay: Number(r.l_cash) as Fen };
    return {
      fixmedins_code: String(r.fixmedins_code),
      fixmedins_name: String(r.fixmedins_name),
      settlements: Number(r.settlements),
      reversed: Number(r.reversed),
      platform,
      ledger,
      balanced: (Object.keys(platform) as (keyof MoneyTotals)[]).every((k) => platform[k] === ledger[k]),
    };
  });
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
