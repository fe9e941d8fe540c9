import { eq, sql } from "drizzle-orm";
import { invariant } from "../../domain/errors.js";
import type { Fen } from "../../domain/money.js";
import type { FundStep } from "../../domain/settlement/index.js";
import type { Queryable } from "../../store/db.js";
import { ledgerTransfers } from "../../store/schema.js";

/** Fund code of the employee personal account, and the pseudo-code of what the patient pays in cash. */
export const PERSONAL_ACCOUNT = "310200";
export const CASH = "cash";

export interface Transfer {
  debit_account: string;
  credit_account: string;
  amount_fen: Fen;
  fund_pay_type: string;
}

export interface SettlementMoney {
  setl_id: string;
  psn_no: string;
  insuplc_admdvs: string;
  fixmedins_code: string;
  medfee_sumamt: Fen;
  acct_pay: Fen;
  psn_cash_pay: Fen;
}

/**
 * A settlement as transfers to the hospital: from each fund that paid (in the insured region), from the personal
 * account, and from the patient's pocket. They add up to the bill, fen for fen.
 */
export function settlementTransfers(s: SettlementMoney, funds: readonly FundStep[]): Transfer[] {
  const hospital = `hospital:${s.fixmedins_code}`;
  const transfers: Transfer[] = funds
    .filter((f) => f.fund_payamt > 0)
    .map((f) => ({ debit_account: `fund:${f.fund_pay_type}:${s.insuplc_admdvs}`, credit_account: hospital, amount_fen: f.fund_payamt, fund_pay_type: f.fund_pay_type }));
  if (s.acct_pay > 0) transfers.push({ debit_account: `account:${s.psn_no}`, credit_account: hospital, amount_fen: s.acct_pay, fund_pay_type: PERSONAL_ACCOUNT });
  if (s.psn_cash_pay > 0) transfers.push({ debit_account: `cash:${s.psn_no}`, credit_account: hospital, amount_fen: s.psn_cash_pay, fund_pay_type: CASH });
  const total = transfers.reduce((sum, t) => sum + t.amount_fen, 0);
  invariant(total === s.medfee_sumamt, () => `ledger transfers ${total} ≠ medfee_sumamt ${s.medfee_sumamt} for ${s.setl_id}`);
  return transfers;
}

export async function postTransfers(q: Queryable, setlId: string, kind: "settle" | "reverse", transfers: Transfer[]): Promise<void> {
  const insert = transfersInsert(q, setlId, kind, transfers);
  if (insert) await insert;
}

/** The insert of a settlement's postings, not yet sent: for a statement that writes it with others (null: none to post). */
export function transfersInsert(q: Queryable, setlId: string, kind: "settle" | "reverse", transfers: Transfer[]) {
  if (transfers.length === 0) return null;
  return q.insert(ledgerTransfers).values(transfers.map((t) => ({ ...t, setl_id: setlId, kind })));
}

/** The exact inverse of a settlement's postings. */
export async function postReversal(q: Queryable, setlId: string): Promise<void> {
  const posted = await q.select().from(ledgerTransfers).where(eq(ledgerTransfers.setl_id, setlId));
  const settled = posted.filter((t) => t.kind === "settle");
  invariant(posted.length === settled.length, () => `settlement ${setlId} is reversed in the ledger already`);
  await postTransfers(
    q,
    setlId,
    "reverse",
    settled.map((t) => ({ debit_account: t.credit_account, credit_account: t.debit_account, amount_fen: t.amount_fen as Fen, fund_pay_type: t.fund_pay_type })),
  );
}

/**
 * A payment of assistance on application (依申请救助, 再救助): one transfer from the fund of the pool (the policy's region) to
 * the person, kind `assistance`, owned by the application (setl_id null: the table's check wants exactly one owner).
 */
export async function postAssistancePayment(
  q: Queryable,
  payment: { application_id: string; psn_no: string; admdvs: string; fund_pay_type: string; amount_fen: Fen },
): Promise<Transfer> {
  invariant(Number.isSafeInteger(payment.amount_fen) && payment.amount_fen > 0, () => `assistance payment of ${payment.amount_fen} fen for ${payment.application_id}`);
  const transfer: Transfer = {
    debit_account: `fund:${payment.fund_pay_type}:${payment.admdvs}`,
    credit_account: `person:${payment.psn_no}`,
    amount_fen: payment.amount_fen,
    fund_pay_type: payment.fund_pay_type,
  };
  await q.insert(ledgerTransfers).values({ ...transfer, setl_id: null, application_id: payment.application_id, kind: "assistance" });
  return transfer;
}

/**
 * Net amount moved, by fund type, over a filter: a settlement's and an assistance payment's postings count as they are,
 * a reversal's against them.
 */
export async function ledgerNet(q: Queryable, whereSql: ReturnType<typeof sql>) {
  const result = await q.execute(sql`
    select fund_pay_type,
           coalesce(sum(case when kind = 'reverse' then -amount_fen else amount_fen end), 0)::bigint as net_fen
    from ledger_transfers where ${whereSql} group by fund_pay_type`);
  return (result as unknown as { rows: { fund_pay_type: string; net_fen: string | number }[] }).rows.map((r) => ({
    fund_pay_type: r.fund_pay_type,
    net_fen: Number(r.net_fen),
  }));
}
