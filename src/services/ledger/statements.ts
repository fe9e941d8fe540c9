import { and, eq, gte, inArray, lte, type SQL } from "drizzle-orm";
import type { Fen } from "../../domain/money.js";
import type { Queryable } from "../../store/db.js";
import { ledgerTransfers, settlements } from "../../store/schema.js";
import { CASH, PERSONAL_ACCOUNT } from "./ledger.js";

export interface StatementFilter {
  fixmedins_code: string;
  begindate: string;
  enddate: string;
  insutype?: string | undefined;
  /** Clearing institution: the insured region. */
  setl_optins?: string | undefined;
  /** 11 outpatient (general and chronic), 21 inpatient. */
  clr_type?: string | undefined;
}

export interface StatementTotals {
  medfee_sumamt: Fen;
  fund_pay_sumamt: Fen;
  acct_pay: Fen;
  psn_cash_pay: Fen;
  count: number;
}

function conditions(f: StatementFilter): SQL[] {
  const c: SQL[] = [
    eq(settlements.fixmedins_code, f.fixmedins_code),
    eq(settlements.status, "settled"),
    gte(settlements.setl_time, `${f.begindate} 00:00:00`),
    lte(settlements.setl_time, `${f.enddate} 23:59:59`),
  ];
  if (f.insutype) c.push(eq(settlements.insutype, f.insutype));
  if (f.setl_optins) c.push(eq(settlements.insuplc_admdvs, f.setl_optins));
  if (f.clr_type === "21") c.push(eq(settlements.med_type, "21"));
  else if (f.clr_type === "11") c.push(inArray(settlements.med_type, ["11", "14"]));
  return c;
}

/** The settlements in force (not reversed) of a hospital over a period. */
export async function statementRows(q: Queryable, f: StatementFilter) {
  return q
    .select({
      setl_id: settlements.setl_id,
      mdtrt_id: settlements.mdtrt_id,
      psn_no: settlements.psn_no,
      medfee_sumamt: settlements.medfee_sumamt,
      fund_pay_sumamt: settlements.fund_pay_sumamt,
      acct_pay: settlements.acct_pay,
      psn_cash_pay: settlements.psn_cash_pay,
    })
    .from(settlements)
    .where(and(...conditions(f)));
}

export function totalsOf(rows: readonly { medfee_sumamt: number; fund_pay_sumamt: number; acct_pay: number; psn_cash_pay: number }[]): StatementTotals {
  const t = { medfee_sumamt: 0, fund_pay_sumamt: 0, acct_pay: 0, psn_cash_pay: 0, count: rows.length };
  for (const r of rows) {
    t.medfee_sumamt += r.medfee_sumamt;
    t.fund_pay_sumamt += r.fund_pay_sumamt;
    t.acct_pay += r.acct_pay;
    t.psn_cash_pay += r.psn_cash_pay;
  }
  return t as StatementTotals;
}

/**
 * The same settlements as the ledger sees them: the net of every posting (settle minus reverse), split into funds, the
 * personal account and cash. Equal to the settlements' totals unless something was lost.
 */
export async function ledgerTotals(q: Queryable, setlIds: string[]): Promise<StatementTotals> {
  const t = { medfee_sumamt: 0, fund_pay_sumamt: 0, acct_pay: 0, psn_cash_pay: 0, count: setlIds.length };
  for (let i = 0; i < setlIds.length; i += 5_000) {
    const chunk = setlIds.slice(i, i + 5_000);
    const rows = await q
      .select({ kind: ledgerTransfers.kind, fund: ledgerTransfers.fund_pay_type, amount: ledgerTransfers.amount_fen })
      .from(ledgerTransfers)
      .where(inArray(ledgerTransfers.setl_id, chunk));
    for (const r of rows) {
      const signed = r.kind === "settle" ? r.amount : -r.amount;
      t.medfee_sumamt += signed;
      if (r.fund === PERSONAL_ACCOUNT) t.acct_pay += signed;
      else if (r.fund === CASH) t.psn_cash_pay += signed;
      else t.fund_pay_sumamt += signed;
    }
  }
  return t as StatementTotals;
}
