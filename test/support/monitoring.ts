import { sql } from "drizzle-orm";
import type { Database } from "../../src/store/db.js";
import { H3 } from "./his.js";

/**
 * Settlements stored straight into the tables with exact amounts, for the early-warning tests: no hook runs, so a test
 * decides when a check happens. Every one is an inpatient stay at the level-3 hospital whose funds paid 3,000.00 (basic),
 * 1,000.00 (critical illness), 500.00 (assistance) and 250.00 (other), so that the self-paid part is what the test asks
 * for and every fund's column takes part in it.
 */

export const STORED_FUNDS = { hifp: 300_000, hifmi: 100_000, hifob: 0, maf: 50_000, oth: 25_000 };
export const STORED_FUNDS_TOTAL = 475_000;
/** Out-of-catalogue costs on top of the in-policy amount: part of the bill, never of the self-paid figure. */
export const STORED_OUT_OF_POLICY = 12_345;

let serial = 0;

export async function storeSettlement(
  database: Database,
  s: { psn_no: string; time: string; self_paid_fen: number; status?: "settled" | "reversed"; admdvs?: string },
): Promise<string> {
  serial += 1;
  const tag = `${process.pid % 1000}${String(serial).padStart(6, "0")}`;
  const mdtrt = `MT${tag}`;
  const setl = `ST${tag}`;
  const admdvs = s.admdvs ?? "451000";
  const inscp = s.self_paid_fen + STORED_FUNDS_TOTAL;
  const medfee = inscp + STORED_OUT_OF_POLICY;
  await database.db.execute(sql`
    insert into encounters (mdtrt_id, psn_no, insutype, fixmedins_code, kind, med_type, mdtrtarea_admvs, insuplc_admdvs, begntime, endtime, status)
    values (${mdtrt}, ${s.psn_no}, '390', ${H3}, 'inpatient', '21', ${admdvs}, ${admdvs}, ${s.time}::timestamp - interval '5 days', ${s.time}::timestamp, 'settled')`);
  await database.db.execute(sql`
    insert into settlements (setl_id, mdtrt_id, psn_no, fixmedins_code, insutype, med_type, insuplc_admdvs, mdtrtarea_admvs, setl_time, year, policy_id,
      medfee_sumamt, fulamt_ownpay_amt, inscp_scp_amt, hifp_pay, hifmi_pay, hifob_pay, maf_pay, oth_pay, fund_pay_sumamt, psn_part_amt, psn_cash_pay,
      setlinfo, delta, steps, status)
    values (${setl}, ${mdtrt}, ${s.psn_no}, ${H3}, '390', '21', ${admdvs}, ${admdvs}, ${s.time}::timestamp, ${Number(s.time.slice(0, 4))}, ${`${admdvs}-2022`},
      ${medfee}, ${STORED_OUT_OF_POLICY}, ${inscp}, ${STORED_FUNDS.hifp}, ${STORED_FUNDS.hifmi}, ${STORED_FUNDS.hifob}, ${STORED_FUNDS.maf}, ${STORED_FUNDS.oth},
      ${STORED_FUNDS_TOTAL}, ${medfee - STORED_FUNDS_TOTAL}, ${medfee - STORED_FUNDS_TOTAL}, '{}'::jsonb, '{}'::jsonb, '[]'::jsonb, ${s.status ?? "settled"})`);
  return setl;
}
