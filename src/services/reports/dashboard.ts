import { sql } from "drizzle-orm";
import type { Fen } from "../../domain/money.js";
import type { Queryable } from "../../store/db.js";
import { rowsOf } from "../common/sql.js";
import { scopeConditions, where, type SettlementScope } from "../common/settlementScope.js";

/** The dashboard's figures: spending per tier per month, beneficiaries per category (settled, in force). */

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
