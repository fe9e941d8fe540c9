import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { H2, H3, HisSession, makeId, openTestPlatform, refused, type TestPlatform } from "../support/his.js";

const DESTITUTE = { psn_no: "P451000000001", certno: makeId("451002", "1958-04-12", 11), insutype: "390" as const, categories: [{ type: "destitute", begin: "2022-01-01", end: null }] };
const RESIDENT = { psn_no: "P451000000002", certno: makeId("451002", "1990-07-01", 22), insutype: "390" as const };
const EMPLOYEE = { psn_no: "P451000000003", certno: makeId("451002", "1985-02-03", 31), insutype: "310" as const, balc_fen: 200_000 };

const A01 = "XJ01CAA040A001010100973"; // 阿莫西林胶囊, class 01
const B02 = "XC08CAA053A008010100212"; // 硝苯地平控释片, class 02, 10% self-pay first
const C03 = "ZZ9999990000000000001"; // class 03
const BED = "001102000010000"; // 床位费, class 01, cap 40.00

let platform: TestPlatform;
let his: HisSession;

beforeAll(async () => {
  platform = await openTestPlatform([DESTITUTE, RESIDENT, EMPLOYEE]);
  his = new HisSession(platform.app, H3);
  await his.signIn();
});
afterAll(() => platform.close());

function line(mdtrt_id: string, psn_no: string, sn: string, code: string, pric: number, cnt: number) {
  return { feedetl_sn: sn, mdtrt_id, psn_no, chrg_bchno: "B1", med_list_codg: code, medins_list_codg: code, pric, cnt, det_item_fee_sumamt: Math.round(pric * cnt * 100) / 100, fee_ocur_time: his.clock.time };
}

describe("the hospital-facing interface, one conversation per transaction", () => {
  it("9001 signs in and refuses a transaction without sign_no", async () => {
    const anon = new HisSession(platform.app, H2);
    const r = await anon.call("1101", { data: { mdtrt_cert_type: "02", mdtrt_cert_no: RESIDENT.certno, certno: RESIDENT.certno } });
    expect(r.infcode).toBe(-1);
    expect(r.err_msg).toMatch(/sign_no/);
    await anon.signIn();
    expect(anon.signNo).toMatch(/^SN/);
    const out = await anon.ok("9002", { signOut: { sign_no: anon.signNo, opter_no: "T001" } });
    expect(out.output.signoutoutb).toBeDefined();
    const after = await anon.call("1101", { data: { mdtrt_cert_type: "02", certno: RESIDENT.certno } });
    expect(after.err_msg).toMatch(/signed out/);
  });

  it("1101 finds a person by ID card with insurance and categories", async () => {
    const r = await his.ok("1101", { data: { mdtrt_cert_type: "02", mdtrt_cert_no: DESTITUTE.certno, certno: DESTITUTE.certno } });
    expect(r.output.baseinfo.psn_no).toBe(DESTITUTE.psn_no);
    expect(r.output.baseinfo.brdy).toBe("1958-04-12");
    expect(r.output.insuinfo[0]).toMatchObject({ insutype: "390", insuplc_admdvs: "451000", psn_insu_stas: "1" });
    expect(r.output.idetinfo).toEqual([{ psn_idet_type: "destitute", psn_type_lv: "", begntime: "2022-01-01", endtime: null }]);
    const bad = await his.call("1101", { data: { mdtrt_cert_type: "02", certno: `${DESTITUTE.certno.slice(0, 17)}0` } });
    expect(bad.infcode).toBe(-1);
    expect(bad.err_msg).toMatch(/data.certno: check digit/);
  });

  it("settles the worked check as an inpatient stay: 2401 → 2301 → 2402 → 2303 → 2304, then 2305 and 5206", async () => {
    const adm = await his.ok("2401", {
      mdtrtinfo: { psn_no: DESTITUTE.psn_no, insutype: "390", begntime: "2022-03-01 10:00:00", mdtrt_cert_type: "02", mdtrt_cert_no: DESTITUTE.certno, med_type: "21", ipt_no: "ZY001", adm_diag_dscr: "肺炎" },
      diseinfo: [{ diag_type: "1", diag_srt_no: 1, diag_code: "J18.900", diag_name: "肺炎", vali_flag: "1" }],
    });
    const mdtrt = adm.output.result.mdtrt_id as string;
    const up = await his.ok("2301", {
      feedetail: [line(mdtrt, DESTITUTE.psn_no, "1", A01, 100, 100), line(mdtrt, DESTITUTE.psn_no, "2", B02, 20, 100), line(mdtrt, DESTITUTE.psn_no, "3", C03, 50, 10)],
    });
    expect(up.output.result.map((r: { inscp_scp_amt: number }) => r.inscp_scp_amt)).toEqual([10000, 1800, 0]);
    expect(up.output.result[1].preselfpay_amt).toBe(200);
    expect(up.output.result[2].fulamt_ownpay_amt).toBe(500);

    const early = await his.call("2304", { data: { psn_no: DESTITUTE.psn_no, mdtrt_id: mdtrt, insutype: "390", medfee_sumamt: 12500, acct_used_flag: "0", mid_setl_flag: "0" } });
    expect(early.err_msg).toMatch(/not discharged/);

    his.clock.time = "2022-03-08 09:00:00";
    await his.ok("2402", { dscginfo: { mdtrt_id: mdtrt, psn_no: DESTITUTE.psn_no, insutype: "390", endtime: "2022-03-08 09:00:00", dscg_way: "1" }, diseinfo: [] });
    const pre = await his.ok("2303", { data: { psn_no: DESTITUTE.psn_no, mdtrt_id: mdtrt, insutype: "390", medfee_sumamt: 12500, acct_used_flag: "0", mid_setl_flag: "0" } });
    expect(pre.output.setlinfo).toMatchObject({ medfee_sumamt: 12500, inscp_scp_amt: 11800, act_pay_dedc: 800, hifp_pay: 7150, pool_prop_selfpay: 3850, hifmi_pay: 0, maf_pay: 4650, fund_pay_sumamt: 11800, psn_part_amt: 700, setl_id: "" });
    const acc0 = await his.ok("5206", { data: { psn_no: DESTITUTE.psn_no, cum_ym: "202203" } });
    expect(acc0.output.cuminfo.every((c: { cum: number }) => c.cum === 0)).toBe(true);

    const mismatch = await his.call("2304", { data: { psn_no: DESTITUTE.psn_no, mdtrt_id: mdtrt, insutype: "390", medfee_sumamt: 12500.01, acct_used_flag: "0", mid_setl_flag: "0" } });
    expect(mismatch.infcode).toBe(-1);
    expect(mismatch.err_msg).toMatch(/medfee_sumamt: 12500.01 disagrees with the uploaded lines' total 12500.00/);

    const setl = await his.ok("2304", { data: { psn_no: DESTITUTE.psn_no, mdtrt_id: mdtrt, insutype: "390", medfee_sumamt: 12500, acct_used_flag: "0", mid_setl_flag: "0", fulamt_ownpay_amt: 500, overlmt_selfpay: 0, preselfpay_amt: 200, inscp_scp_amt: 11800 } });
    expect(setl.output.setlinfo).toMatchObject({ hifp_pay: 7150, maf_pay: 4650, psn_cash_pay: 700 });
    expect(setl.output.setldetail.map((d: { fund_pay_type: string; fund_payamt: number }) => [d.fund_pay_type, d.fund_payamt])).toEqual([["390100", 7150], ["610100", 4650]]);
    const setlId = setl.output.setlinfo.setl_id as string;

    const acc1 = await his.ok("5206", { data: { psn_no: DESTITUTE.psn_no, cum_ym: "202203" } });
    const cum = Object.fromEntries(acc1.output.cuminfo.map((c: { cum_type_code: string; cum: number }) => [c.cum_type_code, c.cum]));
    expect(cum).toMatchObject({ inpatient_chronic_basic_paid: 7150, tier_two_base: 4650, assistance_base: 4650, assistance_paid: 4650 });

    const rev = await his.ok("2305", { data: { mdtrt_id: mdtrt, setl_id: setlId, psn_no: DESTITUTE.psn_no } });
    expect(rev.output.setlinfo).toMatchObject({ hifp_pay: -7150, maf_pay: -4650, medfee_sumamt: -12500 });
    const acc2 = await his.ok("5206", { data: { psn_no: DESTITUTE.psn_no, cum_ym: "202203" } });
    expect(acc2.output.cuminfo.every((c: { cum: number }) => c.cum === 0)).toBe(true);
    const again = await his.call("2305", { data: { mdtrt_id: mdtrt, setl_id: setlId, psn_no: DESTITUTE.psn_no } });
    expect(again.err_msg).toMatch(/reversed already/);
  });

  it("settles an employee outpatient visit with the personal account: 2201 → 2203 → 2204 → 2206 → 2207 → 2208", async () => {
    his.clock.time = "2022-04-01 08:30:00";
    const reg = await his.ok("2201", { data: { psn_no: EMPLOYEE.psn_no, insutype: "310", begntime: "2022-04-01 08:30:00", mdtrt_cert_type: "02", mdtrt_cert_no: EMPLOYEE.certno, ipt_otp_no: "MZ001", dept_code: "A01", dept_name: "内科", caty: "A03" } });
    const mdtrt = reg.output.data.mdtrt_id as string;
    await his.ok("2203", { mdtrtinfo: { mdtrt_id: mdtrt, psn_no: EMPLOYEE.psn_no, med_type: "11", begntime: "2022-04-01 08:30:00", dise_codg: "J06.900", dise_name: "上呼吸道感染" }, diseinfo: [] });
    // 800 yuan of class 01 and 45 yuan of bed over its 40.00 cap.
    await his.ok("2204", { feedetail: [line(mdtrt, EMPLOYEE.psn_no, "1", A01, 80, 10), line(mdtrt, EMPLOYEE.psn_no, "2", BED, 45, 1)] });
    const pre = await his.ok("2206", { data: { psn_no: EMPLOYEE.psn_no, mdtrt_id: mdtrt, med_type: "11", insutype: "310", medfee_sumamt: 845, acct_used_flag: "1", psn_setlway: "01", chrg_bchno: "B1" } });
    // inscp 840, overlmt 5; annual deductible 500 → base 340 × 60% = 204; personal 641 all from the 2,000-yuan account.
    expect(pre.output.setlinfo).toMatchObject({ inscp_scp_amt: 840, overlmt_selfpay: 5, act_pay_dedc: 500, hifp_pay: 204, psn_part_amt: 641, acct_pay: 641, psn_cash_pay: 0, balc: 1359 });
    const setl = await his.ok("2207", { data: { psn_no: EMPLOYEE.psn_no, mdtrt_id: mdtrt, med_type: "11", insutype: "310", medfee_sumamt: 845, acct_used_flag: "1", psn_setlway: "01", chrg_bchno: "B1", invono: "INV1" } });
    expect(setl.output.setlinfo).toMatchObject({ hifp_pay: 204, acct_pay: 641, balc: 1359 });
    const info = await his.ok("1101", { data: { mdtrt_cert_type: "02", certno: EMPLOYEE.certno } });
    expect(info.output.insuinfo[0].balc).toBe(1359);
    await his.ok("2208", { data: { setl_id: setl.output.setlinfo.setl_id, mdtrt_id: mdtrt, psn_no: EMPLOYEE.psn_no } });
    const back = await his.ok("1101", { data: { mdtrt_cert_type: "02", certno: EMPLOYEE.certno } });
    expect(back.output.insuinfo[0].balc).toBe(2000);
  });
});

describe("registration checks the enrollment of the year", () => {
  it("refuses a visit under an insurance the person has no enrollment of, and changes nothing", async () => {
    const r = await refused(platform.database, () =>
      his.call("2201", { data: { psn_no: RESIDENT.psn_no, insutype: "310", begntime: "2022-05-01 09:00:00", mdtrt_cert_type: "02", mdtrt_cert_no: RESIDENT.certno, ipt_otp_no: "MZNOENR" } }));
    expect(r.err_msg).toContain("insutype");
    expect(r.err_msg).toContain("not enrolled in 310 for 2022");
    const later = await his.call("2201", { data: { psn_no: RESIDENT.psn_no, insutype: "390", begntime: "2030-05-01 09:00:00", mdtrt_cert_type: "02", mdtrt_cert_no: RESIDENT.certno, ipt_otp_no: "MZNOENR2" } });
    expect([later.infcode, later.err_msg]).toEqual([-1, expect.stringContaining("not enrolled in 390 for 2030")]);
  });
});
