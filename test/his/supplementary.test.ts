import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importSupplementary } from "../../src/services/imports/supplementary.js";
import { numberedRows } from "../../src/services/imports/rows.js";
import { accumulators, ledgerTransfers, settlements } from "../../src/store/schema.js";
import { accumulatorViolations, H3, HisSession, makeId, openTestPlatform, settlementViolations, sqlRows, type TestPlatform } from "../support/his.js";

/**
 * The supplementary tiers through the hospital interface: a resident on the 惠民保 (990101) and charity (990201) rosters,
 * imported as the insurer and the charity hand them over, settles stays at a level-3 hospital (2401 → 2301 → 2402 →
 * 2303 → 2304); oth_pay and each tier's setldetail row are right to the fen, 5206 shows the tiers' accumulators, the
 * ledger pays the hospital from each tier's fund and balances, 3201 agrees; a reversal (2305) restores the
 * accumulators and the ledger exactly. A resident on no roster with the same bills gets what the three tiers give.
 */

const HUI = { psn_no: "P451000000301", certno: makeId("451002", "1966-03-03", 301), insutype: "390" as const };
const PLAIN = { psn_no: "P451000000302", certno: makeId("451002", "1967-04-04", 302), insutype: "390" as const };

const AMOX = "XJ01CAA040A001010100973"; // 阿莫西林胶囊, class 01, no price cap
const OWN = "ZZ9999990000000000001"; // 人参养荣丸(自费), class 03

let platform: TestPlatform;
let his: HisSession;

beforeAll(async () => {
  platform = await openTestPlatform([HUI, PLAIN]);
  his = new HisSession(platform.app, H3);
  await his.signIn();
  // The rosters as the insurer and the charity hand them over: 惠民保 from 15 March, the charity for the year up to 30 September.
  const roster = await importSupplementary(platform.database, numberedRows([
    { certno: HUI.certno, psn_name: `测试${HUI.psn_no}`, tier_id: "huiminbao", year: "2022", begin_date: "2022-03-15", end_date: "", source: "百色惠民保承保公司" },
    { certno: HUI.certno, psn_name: `测试${HUI.psn_no}`, tier_id: "charity", year: "2022", begin_date: "2022-01-01", end_date: "2022-09-30", source: "百色市慈善总会" },
  ]));
  expect(roster).toMatchObject({ inserted: 2, rejectedRows: 0 });
});
afterAll(() => platform.close());

function line(mdtrt_id: string, psn_no: string, sn: string, code: string, pric: number, cnt: number) {
  return { feedetl_sn: sn, mdtrt_id, psn_no, chrg_bchno: "B1", med_list_codg: code, medins_list_codg: code, pric, cnt, det_item_fee_sumamt: Math.round(pric * cnt * 100) / 100, fee_ocur_time: his.clock.time };
}

/** A level-3 stay: `amox` boxes of 10,000 yuan of a class-01 drug and 1,000 yuan of a class-03 one; answers 2303 and 2304. */
async function stay(p: { psn_no: string; certno: string }, no: string, admitted: string, discharged: string, amox: number) {
  his.clock.time = admitted;
  const adm = await his.ok("2401", {
    mdtrtinfo: { psn_no: p.psn_no, insutype: "390", begntime: admitted, mdtrt_cert_type: "02", mdtrt_cert_no: p.certno, med_type: "21", ipt_no: no, adm_diag_dscr: "肺炎" },
    diseinfo: [{ diag_type: "1", diag_srt_no: 1, diag_code: "J18.900", diag_name: "肺炎", vali_flag: "1" }],
  });
  const mdtrt = adm.output.result.mdtrt_id as string;
  await his.ok("2301", { feedetail: [line(mdtrt, p.psn_no, "1", AMOX, 10_000, amox), line(mdtrt, p.psn_no, "2", OWN, 500, 2)] });
  his.clock.time = discharged;
  await his.ok("2402", { dscginfo: { mdtrt_id: mdtrt, psn_no: p.psn_no, endtime: discharged, dscg_way: "1" }, diseinfo: [] });
  const data = { psn_no: p.psn_no, mdtrt_id: mdtrt, insutype: "390", medfee_sumamt: 10_000 * amox + 1000, acct_used_flag: "0", mid_setl_flag: "0" };
  const pre = await his.ok("2303", { data });
  const setl = await his.ok("2304", { data });
  return { mdtrt, pre, setl };
}

const detail = (r: { output: Record<string, unknown> }) =>
  (r.output.setldetail as { fund_pay_type: string; fund_pay_type_name: string; inscp_scp_amt: number; crt_payb_lmt_amt: number; fund_payamt: number }[])
    .map((d) => [d.fund_pay_type, d.inscp_scp_amt, d.crt_payb_lmt_amt, d.fund_payamt]);

async function cumulative(psn_no: string): Promise<Record<string, number>> {
  const r = await his.ok("5206", { data: { psn_no, cum_ym: "202212" } });
  return Object.fromEntries(r.output.cuminfo.map((c: { cum_type_code: string; cum: number }) => [c.cum_type_code, c.cum]));
}

async function storedAccumulators(psn_no: string) {
  const [row] = await platform.database.db.select().from(accumulators).where(and(eq(accumulators.psn_no, psn_no), eq(accumulators.year, 2022)));
  const { updated_at: _u, ...rest } = row!;
  return rest;
}

/** What the ledger moved from each fund, net of reversals, for a person's settlements. */
async function ledgerByFund(psn_no: string) {
  const rows = await sqlRows<{ fund: string; net: string | number }>(platform.database, sql`
    select t.fund_pay_type as fund, sum(case when t.kind = 'settle' then t.amount_fen else -t.amount_fen end) as net
    from ledger_transfers t join settlements s on s.setl_id = t.setl_id where s.psn_no = ${psn_no} group by 1 order by 1`);
  return Object.fromEntries(rows.map((r) => [r.fund, Number(r.net)]));
}

describe("惠民保 and the charity through 2304 and 2305", () => {
  let second: Awaited<ReturnType<typeof stay>>;
  let afterFirst: Awaited<ReturnType<typeof storedAccumulators>>;

  it("the first stay: the charity pays above its deductible; 惠民保 counts its base, under its deductible", async () => {
    // I 20,000; D 800, b 19,200 × 65% = 12,480; critical illness e = 800 + 6,720 = 7,520 < 15,000: 0.
    // 惠民保: 7,520 in policy + 1,000 out of the catalogue = 8,520 < 20,000: 0. Charity: 7,520 − 3,000 = 4,520 × 30% = 1,356.00.
    const { pre, setl } = await stay(HUI, "ZY-S1", "2022-04-01 09:00:00", "2022-04-06 10:00:00", 2);
    expect(setl.output.setlinfo).toMatchObject({
      medfee_sumamt: 21_000, inscp_scp_amt: 20_000, fulamt_ownpay_amt: 1000, hifp_pay: 12_480, hifmi_pay: 0, maf_pay: 0, oth_pay: 1356,
      fund_pay_sumamt: 13_836, psn_part_amt: 7164, psn_cash_pay: 7164,
    });
    expect(detail(setl)).toEqual([["390100", 19_200, 150_000, 12_480], ["990201", 7520, 20_000, 1356]]);
    expect(setl.output.setldetail[1]).toMatchObject({ fund_pay_type_name: "百色市慈善总会医疗救助（示例）" });
    expect(setl.output.setldetail[1].setl_proc_info).toContain("政策范围内个人负担7520.00元（政策范围内费用20000.00元−基本医保12480.00元−大病保险0.00元）");
    expect(setl.output.setldetail[1].setl_proc_info).toContain("起付线以上4520.00元×支付比例30%=1356.00元");
    // The pre-settlement (2303) computes the same; only the ids of the message and of the settlement differ.
    const { setl_id: _a, medins_setl_id: _am, ...preInfo } = pre.output.setlinfo;
    const { setl_id: _b, medins_setl_id: _bm, ...setlInfo } = setl.output.setlinfo;
    expect(preInfo).toEqual(setlInfo);
    expect(pre.output.setldetail).toEqual(setl.output.setldetail);
    // 惠民保 considered it and paid nothing: stored with the settlement's steps, not a setldetail row.
    const [row] = await platform.database.db.select().from(settlements).where(eq(settlements.setl_id, setl.output.setlinfo.setl_id));
    const huiminbao = (row!.steps as { fund_pay_type: string; fund_payamt: number; inscp_scp_amt: number; setl_proc_info: string }[]).find((s) => s.fund_pay_type === "990101");
    expect(huiminbao).toMatchObject({ inscp_scp_amt: 852_000, fund_payamt: 0 });
    expect(huiminbao?.setl_proc_info).toContain("0.00元→8520.00元");
    expect(await cumulative(HUI.psn_no)).toMatchObject({
      "supplementary_base:huiminbao": 8520, "supplementary_base:charity": 7520, "supplementary_paid:charity": 1356,
    });
    expect(await cumulative(HUI.psn_no)).not.toHaveProperty("supplementary_paid:huiminbao");
    afterFirst = await storedAccumulators(HUI.psn_no);
  });

  it("the second stay crosses 惠民保's deductible; the charity pays on what 惠民保 left", async () => {
    // I 60,000; b 59,200 × 65% = 38,480; e = 800 + 20,720 = 21,520, accumulated 7,520 → 29,040: 14,040 × 60% = 8,424.
    // 惠民保: 60,000 − 38,480 − 8,424 = 13,096 + 1,000 = 14,096, accumulated 8,520 → 22,616: 2,616 × 70% = 1,831.20.
    // Charity: 13,096 − 1,831.20 = 11,264.80, all above its deductible (met): × 30% = 3,379.44 (room 18,644).
    second = await stay(HUI, "ZY-S2", "2022-06-01 09:00:00", "2022-06-10 10:00:00", 6);
    expect(second.setl.output.setlinfo).toMatchObject({
      medfee_sumamt: 61_000, hifp_pay: 38_480, hifmi_pay: 8424, maf_pay: 0, oth_pay: 5210.64, fund_pay_sumamt: 52_114.64, psn_part_amt: 8885.36, psn_cash_pay: 8885.36,
    });
    expect(detail(second.setl)).toEqual([
      ["390100", 59_200, 150_000 - 12_480, 38_480],
      ["390200", 21_520, 400_000, 8424],
      ["990101", 14_096, 1_000_000, 1831.2],
      ["990201", 11_264.8, 20_000 - 1356, 3379.44],
    ]);
    const words = second.setl.output.setldetail[2].setl_proc_info as string;
    expect(second.setl.output.setldetail[2].fund_pay_type_name).toBe("百色惠民保（城市定制型商业医疗保险，示例）");
    for (const w of ["政策范围内个人负担13096.00元", "目录外全自费1000.00元", "共14096.00元", "8520.00元→22616.00元", "起付线以上2616.00元×支付比例70%=1831.20元", "本次支付1831.20元"]) {
      expect(words).toContain(w);
    }
    expect(await cumulative(HUI.psn_no)).toMatchObject({
      "supplementary_base:huiminbao": 22_616, "supplementary_paid:huiminbao": 1831.2, "supplementary_base:charity": 18_784.8, "supplementary_paid:charity": 4735.44,
    });
    // Each tier's payment is a transfer from its own fund of the insured region to the hospital.
    const transfers = await platform.database.db.select().from(ledgerTransfers).where(eq(ledgerTransfers.setl_id, second.setl.output.setlinfo.setl_id));
    expect(transfers.filter((t) => t.fund_pay_type.startsWith("99")).map((t) => [t.debit_account, t.credit_account, t.amount_fen]).sort()).toEqual([
      ["fund:990101:451000", `hospital:${H3}`, 183_120],
      ["fund:990201:451000", `hospital:${H3}`, 337_944],
    ]);
    expect(await ledgerByFund(HUI.psn_no)).toEqual({ "390100": 5_096_000, "390200": 842_400, "990101": 183_120, "990201": 473_544, cash: 1_604_936 });
    expect(await settlementViolations(platform.database)).toEqual([]);
    expect(await accumulatorViolations(platform.database)).toEqual([]);
  });

  it("3201 finds the hospital's totals equal to the platform's and the ledger's, the tiers counted as funds", async () => {
    const totals = { medfee_sumamt: 82_000, fund_pay_sumamt: 13_836 + 52_114.64, acct_pay: 0, fixmedins_setl_cnt: 2 };
    const r = await his.ok("3201", { data: { stmt_begndate: "2022-04-01", stmt_enddate: "2022-06-30", ...totals } });
    expect(r.output.stmtinfo.stmt_rslt).toBe("0");
    expect(r.output.platform).toEqual({ medfee_sumamt: 82_000, fund_pay_sumamt: 65_950.64, acct_pay: 0, cash_payamt: 16_049.36, setl_cnt: 2 });
    expect(r.output.ledger).toEqual(r.output.platform);
  });

  it("2305 reverses the second stay: accumulators and ledger back to the fen; settled again, the same answer", async () => {
    await his.ok("2305", { data: { setl_id: second.setl.output.setlinfo.setl_id, mdtrt_id: second.mdtrt, psn_no: HUI.psn_no } });
    expect(await storedAccumulators(HUI.psn_no)).toEqual(afterFirst);
    expect(await cumulative(HUI.psn_no)).toMatchObject({ "supplementary_base:huiminbao": 8520, "supplementary_base:charity": 7520, "supplementary_paid:charity": 1356 });
    expect(await cumulative(HUI.psn_no)).not.toHaveProperty("supplementary_paid:huiminbao");
    expect(await ledgerByFund(HUI.psn_no)).toEqual({ "390100": 1_248_000, "390200": 0, "990101": 0, "990201": 135_600, cash: 716_400 });
    expect(await settlementViolations(platform.database)).toEqual([]);
    expect(await accumulatorViolations(platform.database)).toEqual([]);
    const data = { psn_no: HUI.psn_no, mdtrt_id: second.mdtrt, insutype: "390", medfee_sumamt: 61_000, acct_used_flag: "0", mid_setl_flag: "0" };
    const again = await his.ok("2304", { data });
    const { setl_id: _a, medins_setl_id: _am, ...first } = second.setl.output.setlinfo;
    const { setl_id: _b, medins_setl_id: _bm, ...redone } = again.output.setlinfo;
    expect(redone).toEqual(first);
    expect(again.output.setldetail).toEqual(second.setl.output.setldetail);
    expect(await accumulatorViolations(platform.database)).toEqual([]);
  });

  it("after the charity's roster period ends, the charity no longer steps in", async () => {
    // 1 October, outside the charity's period (to 30 September): 惠民保 alone (its deductible met: 70% of what is left).
    const { setl } = await stay(HUI, "ZY-S3", "2022-10-01 09:00:00", "2022-10-03 10:00:00", 1);
    // I 10,000; b 9,200 × 65% = 5,980; e = 4,020, accumulated 29,040 → 33,060: × 60% = 2,412. Left 10,000 − 5,980 − 2,412
    // = 1,608 + 1,000 = 2,608 × 70% = 1,825.60.
    expect(detail(setl).map((d) => d[0])).toEqual(["390100", "390200", "990101"]);
    expect(setl.output.setlinfo).toMatchObject({ hifp_pay: 5980, hifmi_pay: 2412, oth_pay: 1825.6 });
    const [row] = await platform.database.db.select().from(settlements).where(eq(settlements.setl_id, setl.output.setlinfo.setl_id));
    expect((row!.steps as { fund_pay_type: string }[]).map((s) => s.fund_pay_type)).not.toContain("990201");
  });

  it("a resident on no roster, the same bills: the three tiers only, as before", async () => {
    const { setl } = await stay(PLAIN, "ZY-P1", "2022-04-01 09:00:00", "2022-04-06 10:00:00", 2);
    expect(setl.output.setlinfo).toMatchObject({ hifp_pay: 12_480, hifmi_pay: 0, oth_pay: 0, fund_pay_sumamt: 12_480, psn_cash_pay: 8520 });
    expect(detail(setl)).toEqual([["390100", 19_200, 150_000, 12_480]]);
    const two = await stay(PLAIN, "ZY-P2", "2022-06-01 09:00:00", "2022-06-10 10:00:00", 6);
    expect(two.setl.output.setlinfo).toMatchObject({ hifp_pay: 38_480, hifmi_pay: 8424, oth_pay: 0, psn_cash_pay: 14_096 });
    const cum = await cumulative(PLAIN.psn_no);
    expect(Object.keys(cum).filter((k) => k.startsWith("supplementary"))).toEqual([]);
    const [row] = await platform.database.db.select().from(settlements).where(eq(settlements.setl_id, two.setl.output.setlinfo.setl_id));
    expect((row!.steps as { fund_pay_type: string }[]).map((s) => s.fund_pay_type)).toEqual(["390100", "390200"]);
    expect(await settlementViolations(platform.database)).toEqual([]);
    expect(await accumulatorViolations(platform.database)).toEqual([]);
  });
});
