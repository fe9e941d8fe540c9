import { sql, type SQL } from "drizzle-orm";
import type { Fen } from "../../domain/money.js";
import type { Queryable } from "../../store/db.js";
import { rowsOf } from "../common/sql.js";
import { inRegion } from "../common/region.js";
import { where } from "../common/settlementScope.js";
import { CASH, PERSONAL_ACCOUNT } from "./ledger.js";

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
