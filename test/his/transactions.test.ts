import { readFileSync } from "node:fs";
import { fromRoot } from "../../src/lib/paths.js";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importCatalogue, numberedRows } from "../../src/services/imports/rows.js";
import { diagnoses, encounters, settlements } from "../../src/store/schema.js";
import { H1, H2, H3, HNC, HisSession, makeId, openTestPlatform, refused, stateOf, type TestPlatform } from "../support/his.js";

/**
 * One conversation per transaction of the hospital-facing interface not covered by conversation.test.ts. Amounts are
 * yuan on the wire and asserted to the fen; every refusal names its field and is checked to change nothing.
 */

const resident = (n: number, birth: string, extra: object = {}) => ({
  psn_no: `P4510000002${String(n).padStart(2, "0")}`,
  certno: makeId("451002", birth, 200 + n),
  insutype: "390" as const,
  ...extra,
});

const RESIDENT = resident(1, "1980-01-15"); // 2001, 2202/2205
const STAYER = resident(2, "1975-03-02"); // an open stay at H2: 2001 elsewhere, 2302/2403/2404
const MIDSTAY = resident(3, "1966-09-30"); // 2405 and a mid-stay settlement
const CHRONIC = resident(4, "1950-11-11"); // 2503/2504 and chronic visits
const EMPLOYEE = { psn_no: "P451000000205", certno: makeId("451002", "1988-08-08", 205), insutype: "310" as const, balc_fen: 100_000 }; // 2601
const RECON_A = resident(6, "1992-12-01"); // 3201/3202 at H1
const RECON_B = { psn_no: "P451000000207", certno: makeId("451002", "1979-05-05", 207), insutype: "310" as const, balc_fen: 30_000 };
const TRAVELLER = resident(8, "1960-02-29"); // off-site care at HNC
const MONITORED = resident(9, "1955-06-06", { categories: [{ type: "monitored", begin: "2021-06-01", end: "2026-05-31" }] });

const AMOX = "XJ01CAA040A001010100973"; // 阿莫西林胶囊, class 01, no cap (both regions)
const NIFE01 = "XC08CAA101A038010100073"; // 硝苯地平片, class 01
const NIFE02 = "XC08CAA053A008010100212"; // 硝苯地平控释片, class 02, 10% self-pay first
const CONSULT = "001201000010000"; // 普通门诊诊查费, class 01, cap 10.00
const BED = "001102000010000"; // 床位费(三人间), class 01, cap 40.00

let platform: TestPlatform;
let his: HisSession; // H3, level 3
let h2: HisSession; // H2, level 2
let h1: HisSession; // H1, level 1
let hnc: HisSession; // HNC, level 3, region 360100

beforeAll(async () => {
  platform = await openTestPlatform([RESIDENT, STAYER, MIDSTAY, CHRONIC, EMPLOYEE, RECON_A, RECON_B, TRAVELLER, MONITORED]);
  his = new HisSession(platform.app, H3);
  h2 = new HisSession(platform.app, H2, { time: "2022-04-01 08:00:00" });
  h1 = new HisSession(platform.app, H1, { time: "2022-06-01 08:00:00" });
  hnc = new HisSession(platform.app, HNC, { time: "2022-07-01 08:00:00" });
  for (const s of [his, h2, h1, hnc]) await s.signIn();
});
afterAll(() => platform.close());

/** A fee line; its amount is given as a HIS sends it, computed in fen (round(pric × cnt)). */
function line(s: HisSession, mdtrt_id: string, psn_no: string, sn: string, code: string, pric: number, cnt: number, chrg_bchno = "B1") {
  const amount = Math.round(Math.round(pric * 100) * cnt) / 100;
  return { feedetl_sn: sn, mdtrt_id, psn_no, chrg_bchno, med_list_codg: code, medins_list_codg: code, pric, cnt, det_item_fee_sumamt: amount, fee_ocur_time: s.clock.time };
}

function refuse(s: HisSession, infno: string, input: Record<string, unknown>, msgid?: string) {
  return refused(platform.database, () => s.call(infno, input, msgid));
}

async function register(s: HisSession, p: { psn_no: string; certno: string; insutype: string }, no: string): Promise<string> {
  const r = await s.ok("2201", { data: { psn_no: p.psn_no, insutype: p.insutype, begntime: s.clock.time, mdtrt_cert_type: "02", mdtrt_cert_no: p.certno, ipt_otp_no: no, dept_code: "A01", dept_name: "内科", caty: "A03" } });
  return r.output.data.mdtrt_id as string;
}

async function visit(s: HisSession, p: { psn_no: string; certno: string; insutype: string }, no: string, med_type = "11", dise = "J06.900"): Promise<string> {
  const mdtrt = await register(s, p, no);
  await s.ok("2203", { mdtrtinfo: { mdtrt_id: mdtrt, psn_no: p.psn_no, med_type, begntime: s.clock.time, dise_codg: dise, dise_name: "诊断", ...(med_type === "14" ? { opsp_dise_code: dise } : {}) }, diseinfo: [] });
  return mdtrt;
}

async function admit(s: HisSession, p: { psn_no: string; certno: string; insutype: string }, no: string): Promise<string> {
  const r = await s.ok("2401", {
    mdtrtinfo: { psn_no: p.psn_no, insutype: p.insutype, begntime: s.clock.time, mdtrt_cert_type: "02", mdtrt_cert_no: p.certno, med_type: "21", ipt_no: no, adm_diag_dscr: "肺炎", adm_bed: "3" },
    diseinfo: [{ diag_type: "1", diag_srt_no: 1, diag_code: "J18.900", diag_name: "肺炎", vali_flag: "1" }],
  });
  return r.output.result.mdtrt_id as string;
}

function settleData(p: { psn_no: string; insutype: string }, mdtrt_id: string, medfee_sumamt: number, extra: Record<string, unknown> = {}) {
  return { data: { psn_no: p.psn_no, mdtrt_id, insutype: p.insutype, medfee_sumamt, acct_used_flag: "0", mid_setl_flag: "0", psn_setlway: "01", ...extra } };
}

async function cumulative(s: HisSession, psn_no: string, ym = "202212"): Promise<Record<string, number>> {
  const r = await s.ok("5206", { data: { psn_no, cum_ym: ym } });
  return Object.fromEntries(r.output.cuminfo.map((c: { cum_type_code: string; cum: number }) => [c.cum_type_code, c.cum]));
}

async function encounterRow(mdtrt_id: string) {
  const [row] = await platform.database.db.select().from(encounters).where(eq(encounters.mdtrt_id, mdtrt_id));
  return row;
}

const fundsOf = (r: { output: Record<string, unknown> }) =>
  (r.output.setldetail as { fund_pay_type: string; fund_payamt: number }[]).map((d) => [d.fund_pay_type, d.fund_payamt]);

describe("2001 benefit check", () => {
  it("answers 1 for an enrolled resident, and 0 for inpatient care while a stay is open at another hospital", async () => {
    his.clock.time = "2022-04-05 09:00:00";
    const ok = await his.ok("2001", { data: { psn_no: RESIDENT.psn_no, insutype: "390", fixmedins_code: H3, med_type: "11", begntime: his.clock.time } });
    expect(ok.output.trtinfo).toEqual([expect.objectContaining({ psn_no: RESIDENT.psn_no, trt_chk_type: "01", fund_pay_type: "390100", trt_enjymnt_flag: "1" })]);

    const none = await his.ok("2001", { data: { psn_no: RESIDENT.psn_no, insutype: "390", med_type: "11", begntime: "2024-04-05 09:00:00" } });
    expect(none.output.trtinfo[0]).toMatchObject({ trt_enjymnt_flag: "0", trt_chk_rslt: expect.stringContaining("2024") });

    h2.clock.time = "2022-04-01 08:00:00";
    await admit(h2, STAYER, "ZY-H2-1");
    const elsewhere = await his.ok("2001", { data: { psn_no: STAYER.psn_no, insutype: "390", med_type: "21", begntime: his.clock.time } });
    expect(elsewhere.output.trtinfo).toHaveLength(2);
    expect(elsewhere.output.trtinfo[0]).toMatchObject({ trt_chk_type: "01", trt_enjymnt_flag: "1" });
    expect(elsewhere.output.trtinfo[1]).toMatchObject({ trt_chk_type: "02", trt_enjymnt_flag: "0", trt_chk_rslt: expect.stringContaining(H2) });
    // The hospital where the stay is open may go on treating; outpatient care elsewhere is not checked against the stay.
    const here = await h2.ok("2001", { data: { psn_no: STAYER.psn_no, insutype: "390", med_type: "21", begntime: h2.clock.time } });
    expect(here.output.trtinfo[1]).toMatchObject({ trt_enjymnt_flag: "1" });
    const otp = await his.ok("2001", { data: { psn_no: STAYER.psn_no, insutype: "390", med_type: "11", begntime: his.clock.time } });
    expect(otp.output.trtinfo).toHaveLength(1);

    const unknown = await refuse(his, "2001", { data: { psn_no: "P999999999999", insutype: "390", med_type: "21", begntime: his.clock.time } });
    expect(unknown.err_msg).toMatch(/^data\.psn_no: no insured person P999999999999/);
    const badTime = await refuse(his, "2001", { data: { psn_no: RESIDENT.psn_no, insutype: "390", med_type: "21", begntime: "yesterday" } });
    expect(badTime.err_msg).toMatch(/data\.begntime/);
  });
});

describe("inpatient stay changes: 2302, 2403, 2404", () => {
  it("2404 is refused while fee lines exist; 2302 cancels one line by feedetl_sn, then all with 0000; 2403 changes the stay", async () => {
    h2.clock.time = "2022-04-02 10:00:00";
    const [stay] = (await platform.database.db.select().from(encounters).where(eq(encounters.psn_no, STAYER.psn_no)));
    const mdtrt = stay!.mdtrt_id;
    const up = await h2.ok("2301", {
      feedetail: [line(h2, mdtrt, STAYER.psn_no, "1", AMOX, 12.5, 10), line(h2, mdtrt, STAYER.psn_no, "2", BED, 45, 2), line(h2, mdtrt, STAYER.psn_no, "3", NIFE02, 3.33, 3)],
    });
    expect(up.output.result.map((r: Record<string, number>) => [r.det_item_fee_sumamt, r.overlmt_amt, r.preselfpay_amt, r.inscp_scp_amt])).toEqual([
      [125, 0, 0, 125],
      [90, 10, 0, 80],
      [9.99, 0, 1, 8.99], // round(9.99 × 10%) = 1.00
    ]);

    const cancelStay = await refuse(h2, "2404", { data: { mdtrt_id: mdtrt, psn_no: STAYER.psn_no } });
    expect(cancelStay.err_msg).toMatch(/^mdtrt_id: encounter \S+ still has fee lines/);

    const one = await h2.ok("2302", { data: { mdtrt_id: mdtrt, psn_no: STAYER.psn_no, feedetl_sn: "2" } });
    expect(one.output.cancelled).toBe(1);
    const again = await refuse(h2, "2302", { data: { mdtrt_id: mdtrt, psn_no: STAYER.psn_no, feedetl_sn: "2" } });
    expect(again.err_msg).toMatch(/^feedetl_sn: no uploaded, unsettled fee line matches/);
    // The pre-settlement sees lines 1 and 3 only: 125 + 9.99.
    h2.clock.time = "2022-04-03 10:00:00";
    const mid = await h2.ok("2303", settleData(STAYER, mdtrt, 134.99, { mid_setl_flag: "1" }));
    expect(mid.output.setlinfo).toMatchObject({ medfee_sumamt: 134.99, preselfpay_amt: 1, inscp_scp_amt: 133.99, act_pay_dedc: 133.99, hifp_pay: 0 });

    const all = await h2.ok("2302", { data: { mdtrt_id: mdtrt, psn_no: STAYER.psn_no, feedetl_sn: "0000" } });
    expect(all.output.cancelled).toBe(2);
    const none = await refuse(h2, "2302", { data: { mdtrt_id: mdtrt, psn_no: STAYER.psn_no, feedetl_sn: "0000" } });
    expect(none.err_msg).toMatch(/^feedetl_sn: no uploaded, unsettled fee line matches/);

    // 2403: a new bed and a changed diagnosis.
    await h2.ok("2403", {
      adminfo: { mdtrt_id: mdtrt, psn_no: STAYER.psn_no, adm_bed: "12", adm_dept_codg: "A02" },
      diseinfo: [{ diag_type: "1", diag_srt_no: 1, diag_code: "J15.900", diag_name: "细菌性肺炎", vali_flag: "1" }],
    });
    const changed = await encounterRow(mdtrt);
    expect(changed?.info).toMatchObject({ adm_bed: "12", adm_dept_codg: "A02", adm_diag_dscr: "肺炎" });
    expect(changed?.status).toBe("admitted");
    const diags = await platform.database.db.select().from(diagnoses).where(eq(diagnoses.mdtrt_id, mdtrt));
    expect(diags.map((d) => d.diag_code)).toEqual(["J15.900"]);
    const wrongPerson = await refuse(h2, "2403", { adminfo: { mdtrt_id: mdtrt, psn_no: RESIDENT.psn_no, adm_bed: "13" }, diseinfo: [] });
    expect(wrongPerson.err_msg).toMatch(/^psn_no: encounter \S+ is not P451000000201's/);
    const otherHospital = await refuse(his, "2403", { adminfo: { mdtrt_id: mdtrt, psn_no: STAYER.psn_no, adm_bed: "13" }, diseinfo: [] });
    expect(otherHospital.err_msg).toMatch(/^mdtrt_id: no encounter \S+ at H45100000001/);

    // No live line is left: the admission may be cancelled, and then nothing more happens on it.
    await h2.ok("2404", { data: { mdtrt_id: mdtrt, psn_no: STAYER.psn_no } });
    expect((await encounterRow(mdtrt))?.status).toBe("cancelled");
    const late = await refuse(h2, "2301", { feedetail: [line(h2, mdtrt, STAYER.psn_no, "4", AMOX, 1, 1)] });
    expect(late.err_msg).toMatch(/^mdtrt_id: encounter \S+ is cancelled/);
    const twice = await refuse(h2, "2404", { data: { mdtrt_id: mdtrt, psn_no: STAYER.psn_no } });
    expect(twice.err_msg).toMatch(/^mdtrt_id: encounter \S+ is cancelled/);
    // With the stay cancelled, another hospital may admit the person again.
    const free = await his.ok("2001", { data: { psn_no: STAYER.psn_no, insutype: "390", med_type: "21", begntime: his.clock.time } });
    expect(free.output.trtinfo[1]).toMatchObject({ trt_enjymnt_flag: "1" });
  });

  it("2403 refuses an outpatient visit", async () => {
    his.clock.time = "2022-04-04 09:00:00";
    const mdtrt = await register(his, RESIDENT, "MZ-2403");
    const r = await refuse(his, "2403", { adminfo: { mdtrt_id: mdtrt, psn_no: RESIDENT.psn_no, adm_bed: "1" }, diseinfo: [] });
    expect(r.err_msg).toMatch(/^adminfo\.mdtrt_id: \S+ is not an inpatient stay/);
    await his.ok("2202", { data: { mdtrt_id: mdtrt, psn_no: RESIDENT.psn_no } });
  });
});

describe("2205 and 2202: outpatient fee cancel and registration cancel", () => {
  it("cancels a charge batch, takes the same feedetl_sn again, and cancels the registration only once no line is live", async () => {
    his.clock.time = "2022-04-06 09:00:00";
    const mdtrt = await visit(his, RESIDENT, "MZ-2205");
    await his.ok("2204", {
      feedetail: [
        line(his, mdtrt, RESIDENT.psn_no, "1", AMOX, 25.5, 2, "B1"),
        line(his, mdtrt, RESIDENT.psn_no, "2", CONSULT, 12, 1, "B1"),
        line(his, mdtrt, RESIDENT.psn_no, "3", NIFE02, 33.33, 3, "B2"),
      ],
    });
    const wrongBatch = await refuse(his, "2205", { data: { mdtrt_id: mdtrt, psn_no: RESIDENT.psn_no, chrg_bchno: "B9" } });
    expect(wrongBatch.err_msg).toMatch(/^chrg_bchno: no uploaded, unsettled fee line matches/);
    const cancelled = await his.ok("2205", { data: { mdtrt_id: mdtrt, psn_no: RESIDENT.psn_no, chrg_bchno: "B1" } });
    expect(cancelled.output.cancelled).toBe(2);

    const dup = await refuse(his, "2204", { feedetail: [line(his, mdtrt, RESIDENT.psn_no, "3", NIFE02, 33.33, 3, "B3")] });
    expect(dup.err_msg).toMatch(/^feedetail\.feedetl_sn: 3 is uploaded already/);
    const again = await his.ok("2204", { feedetail: [line(his, mdtrt, RESIDENT.psn_no, "1", AMOX, 20, 2, "B3")] });
    expect(again.output.result[0]).toMatchObject({ feedetl_sn: "1", det_item_fee_sumamt: 40, inscp_scp_amt: 40 });

    // The old total (51 + 12 + 99.99) is refused; the lines in force are 40.00 + 99.99.
    const stale = await refuse(his, "2206", settleData(RESIDENT, mdtrt, 162.99, { med_type: "11", chrg_bchno: "B2" }));
    expect(stale.err_msg).toMatch(/^medfee_sumamt: 162\.99 disagrees with the uploaded lines' total 139\.99/);
    const pre = await his.ok("2206", settleData(RESIDENT, mdtrt, 139.99, { med_type: "11", chrg_bchno: "B2" }));
    // inscp 40 + 89.99 (99.99 less round(9.999) = 10.00 first self-paid); no annual deductible; 50% of 129.99 = 64.995 → 65.00.
    expect(pre.output.setlinfo).toMatchObject({
      medfee_sumamt: 139.99, fulamt_ownpay_amt: 0, overlmt_selfpay: 0, preselfpay_amt: 10, inscp_scp_amt: 129.99, act_pay_dedc: 0,
      hifp_pay: 65, pool_prop_selfpay: 64.99, fund_pay_sumamt: 65, psn_part_amt: 74.99, psn_cash_pay: 74.99,
    });

    const early = await refuse(his, "2202", { data: { mdtrt_id: mdtrt, psn_no: RESIDENT.psn_no, ipt_otp_no: "MZ-2205" } });
    expect(early.err_msg).toMatch(/^mdtrt_id: encounter \S+ still has fee lines/);
    const all = await his.ok("2205", { data: { mdtrt_id: mdtrt, psn_no: RESIDENT.psn_no, chrg_bchno: "0000" } });
    expect(all.output.cancelled).toBe(2);
    await his.ok("2202", { data: { mdtrt_id: mdtrt, psn_no: RESIDENT.psn_no, ipt_otp_no: "MZ-2205" } });
    expect((await encounterRow(mdtrt))?.status).toBe("cancelled");
    const after = await refuse(his, "2204", { feedetail: [line(his, mdtrt, RESIDENT.psn_no, "4", AMOX, 1, 1)] });
    expect(after.err_msg).toMatch(/^mdtrt_id: encounter \S+ is cancelled/);
    const settleCancelled = await refuse(his, "2206", settleData(RESIDENT, mdtrt, 0, { med_type: "11" }));
    expect(settleCancelled.err_msg).toMatch(/is cancelled/);
    expect(await cumulative(his, RESIDENT.psn_no)).toMatchObject({ outpatient_basic_paid: 0 });
  });
});

describe("2405 discharge cancel and a mid-stay settlement", () => {
  it("reopens the stay: 2304 is refused as not discharged, a mid-stay 2304 settles the lines so far, the later lines settle apart", async () => {
    his.clock.time = "2022-04-10 08:00:00";
    const mdtrt = await admit(his, MIDSTAY, "ZY-2405");
    await his.ok("2301", { feedetail: [line(his, mdtrt, MIDSTAY.psn_no, "1", AMOX, 50, 100), line(his, mdtrt, MIDSTAY.psn_no, "2", BED, 40, 3)] });
    his.clock.time = "2022-04-13 09:00:00";
    await his.ok("2402", { dscginfo: { mdtrt_id: mdtrt, psn_no: MIDSTAY.psn_no, insutype: "390", endtime: his.clock.time, dscg_way: "1" }, diseinfo: [] });
    await his.ok("2405", { data: { mdtrt_id: mdtrt, psn_no: MIDSTAY.psn_no } });
    const row = await encounterRow(mdtrt);
    expect(row).toMatchObject({ status: "admitted", endtime: null, dscg_way: null });
    const twice = await refuse(his, "2405", { data: { mdtrt_id: mdtrt, psn_no: MIDSTAY.psn_no } });
    expect(twice.err_msg).toMatch(/^mdtrt_id: \S+ is not discharged/);

    his.clock.time = "2022-04-13 10:00:00";
    const notDischarged = await refuse(his, "2304", settleData(MIDSTAY, mdtrt, 5120));
    expect(notDischarged.err_msg).toMatch(/^mdtrt_id: \S+ is not discharged \(2402\); set mid_setl_flag 1/);
    // Mid-stay: inscp 5,000 + 120; D 800; 65% of 4,320 = 2,808; pool 1,512; critical-illness base 2,312 < 15,000.
    const mid = await his.ok("2304", settleData(MIDSTAY, mdtrt, 5120, { mid_setl_flag: "1" }));
    expect(mid.output.setlinfo).toMatchObject({
      medfee_sumamt: 5120, inscp_scp_amt: 5120, act_pay_dedc: 800, hifp_pay: 2808, pool_prop_selfpay: 1512, hifmi_pay: 0, maf_pay: 0,
      fund_pay_sumamt: 2808, psn_part_amt: 2312, psn_cash_pay: 2312,
    });
    expect((await encounterRow(mdtrt))?.status).toBe("admitted");

    his.clock.time = "2022-04-14 09:00:00";
    const dupSn = await refuse(his, "2301", { feedetail: [line(his, mdtrt, MIDSTAY.psn_no, "2", BED, 40, 1)] });
    expect(dupSn.err_msg).toMatch(/^feedetail\.feedetl_sn: 2 is uploaded already/);
    await his.ok("2301", { feedetail: [line(his, mdtrt, MIDSTAY.psn_no, "3", AMOX, 50, 40), line(his, mdtrt, MIDSTAY.psn_no, "4", BED, 40, 2)] });
    his.clock.time = "2022-04-15 09:00:00";
    await his.ok("2402", { dscginfo: { mdtrt_id: mdtrt, psn_no: MIDSTAY.psn_no, insutype: "390", endtime: his.clock.time, dscg_way: "1" }, diseinfo: [] });
    // Only the later lines (2,000 + 80) remain to settle; the whole stay's total is refused.
    const whole = await refuse(his, "2304", settleData(MIDSTAY, mdtrt, 7200));
    expect(whole.err_msg).toMatch(/^medfee_sumamt: 7200\.00 disagrees with the uploaded lines' total 2080\.00/);
    // The deductible is per admission: the mid-stay settlement met all 800 of it, so none is left (D 0);
    // 65% of 2,080 = 1,352; pool 728; the patient pays 728.
    const last = await his.ok("2304", settleData(MIDSTAY, mdtrt, 2080));
    expect(last.output.setlinfo).toMatchObject({
      medfee_sumamt: 2080, inscp_scp_amt: 2080, act_pay_dedc: 0, hifp_pay: 1352, pool_prop_selfpay: 728, fund_pay_sumamt: 1352, psn_part_amt: 728,
    });
    expect(last.output.setlinfo.setl_id).not.toBe(mid.output.setlinfo.setl_id);
    expect((await encounterRow(mdtrt))?.status).toBe("settled");
    expect(await cumulative(his, MIDSTAY.psn_no)).toMatchObject({ inpatient_chronic_basic_paid: 4160, tier_two_base: 3040 });
    const settled = await platform.database.db.select().from(settlements).where(eq(settlements.mdtrt_id, mdtrt));
    expect(settled.map((s) => [s.mid_setl_flag, s.medfee_sumamt]).sort()).toEqual([[false, 208_000], [true, 512_000]]);
  });
});

describe("2503/2504 chronic disease filing and chronic visits", () => {
  const chronicVisit = async (no: string) => visit(his, CHRONIC, no, "14", "M03900");

  it("refuses a chronic visit without a filing, and a filing of a disease the policy does not list", async () => {
    his.clock.time = "2022-05-02 09:00:00";
    const mdtrt = await register(his, CHRONIC, "MZ-MB-0");
    const r = await refuse(his, "2203", { mdtrtinfo: { mdtrt_id: mdtrt, psn_no: CHRONIC.psn_no, med_type: "14", dise_codg: "M03900", opsp_dise_code: "M03900" }, diseinfo: [] });
    expect(r.err_msg).toMatch(/^opsp_dise_code: P451000000204 has no chronic\/special disease filing \(2503\) of M03900 valid on 2022-05-02/);
    await his.ok("2202", { data: { mdtrt_id: mdtrt, psn_no: CHRONIC.psn_no } });
    const unlisted = await refuse(his, "2503", { data: { psn_no: CHRONIC.psn_no, insutype: "390", opsp_dise_code: "M99900", opsp_dise_name: "未列病种", begndate: "2022-01-01" } });
    expect(unlisted.err_msg).toMatch(/^data\.opsp_dise_code: M99900 is not an outpatient chronic\/special disease of 451000/);
  });

  it("settles two hypertension visits at level 3: no deductible, 65%, the 2,000-yuan disease limit binding on the second", async () => {
    his.clock.time = "2022-05-03 09:00:00";
    const filed = await his.ok("2503", { data: { psn_no: CHRONIC.psn_no, insutype: "390", opsp_dise_code: "M03900", opsp_dise_name: "高血压", ide_fixmedins_no: H3, begndate: "2022-01-01", enddate: "2022-12-31" } });
    const sn = filed.output.result.trt_dcla_detl_sn as string;
    expect(sn).toMatch(/^\d+$/);

    const first = await chronicVisit("MZ-MB-1");
    await his.ok("2204", { feedetail: [line(his, first, CHRONIC.psn_no, "1", NIFE01, 15.5, 120)] });
    // 1,860 in policy, no deductible: 65% = 1,209 (room 2,000 under the disease limit); pool 651.
    const s1 = await his.ok("2207", settleData(CHRONIC, first, 1860, { med_type: "14" }));
    expect(s1.output.setlinfo).toMatchObject({
      med_type: "14", medfee_sumamt: 1860, inscp_scp_amt: 1860, act_pay_dedc: 0, hifp_pay: 1209, pool_prop_selfpay: 651, hifmi_pay: 0,
      fund_pay_sumamt: 1209, psn_part_amt: 651, clr_type: "11",
    });
    expect(s1.output.setldetail).toEqual([expect.objectContaining({ fund_pay_type: "390100", crt_payb_lmt_amt: 2000, fund_payamt: 1209 })]);

    his.clock.time = "2022-06-03 09:00:00";
    const second = await chronicVisit("MZ-MB-2");
    await his.ok("2204", { feedetail: [line(his, second, CHRONIC.psn_no, "1", NIFE01, 15.5, 120), line(his, second, CHRONIC.psn_no, "2", NIFE02, 30, 10)] });
    // inscp 1,860 + 270 (300 less 30 self-paid first) = 2,130; 65% = 1,384.50, but only 791 is left of the 2,000 limit.
    const s2 = await his.ok("2207", settleData(CHRONIC, second, 2160, { med_type: "14" }));
    expect(s2.output.setlinfo).toMatchObject({
      medfee_sumamt: 2160, preselfpay_amt: 30, inscp_scp_amt: 2130, act_pay_dedc: 0, hifp_pay: 791, pool_prop_selfpay: 1339,
      fund_pay_sumamt: 791, psn_part_amt: 1369,
    });
    expect(s2.output.setldetail[0]).toMatchObject({ fund_pay_type: "390100", inscp_scp_amt: 2130, crt_payb_lmt_amt: 791, fund_payamt: 791 });
    expect(s2.output.setldetail[0].setl_proc_info).toMatch(/高血压（M03900）年度限额2000\.00元，本年已支付1209\.00元，剩余791\.00元/);
    expect(await cumulative(his, CHRONIC.psn_no)).toMatchObject({
      "chronic_basic_paid:M03900": 2000, inpatient_chronic_basic_paid: 2000, tier_two_base: 1990, outpatient_basic_paid: 0,
    });

    // 2504 cancels the filing: the next chronic visit is refused; a second cancel too.
    await his.ok("2504", { data: { trt_dcla_detl_sn: sn, psn_no: CHRONIC.psn_no, memo: "撤销" } });
    his.clock.time = "2022-07-03 09:00:00";
    const third = await register(his, CHRONIC, "MZ-MB-3");
    const r = await refuse(his, "2203", { mdtrtinfo: { mdtrt_id: third, psn_no: CHRONIC.psn_no, med_type: "14", dise_codg: "M03900" }, diseinfo: [] });
    expect(r.err_msg).toMatch(/^opsp_dise_code: .*no chronic\/special disease filing/);
    const again = await refuse(his, "2504", { data: { trt_dcla_detl_sn: sn, psn_no: CHRONIC.psn_no } });
    expect(again.err_msg).toMatch(new RegExp(`^data\\.trt_dcla_detl_sn: no active chronic/special disease filing ${sn}`));
  });
});

describe("2601 reversal by message", () => {
  it("reverses a 2207 by its msgid (accumulators, personal account, reconciliation) and a 2201 registration; refuses the wrong ones", async () => {
    his.clock.time = "2022-05-20 09:00:00";
    const mdtrt = await visit(his, EMPLOYEE, "MZ-2601");
    await his.ok("2204", { feedetail: [line(his, mdtrt, EMPLOYEE.psn_no, "1", AMOX, 100, 7), line(his, mdtrt, EMPLOYEE.psn_no, "2", CONSULT, 10, 1)] });
    const before = await cumulative(his, EMPLOYEE.psn_no);
    const settleMsgid = his.nextMsgid();
    // 710 in policy; annual deductible 500; 60% of 210 = 126; the person's 584 all from the 1,000-yuan account.
    const setl = await his.ok("2207", settleData(EMPLOYEE, mdtrt, 710, { med_type: "11", acct_used_flag: "1", chrg_bchno: "B1" }), settleMsgid);
    expect(setl.output.setlinfo).toMatchObject({ act_pay_dedc: 500, hifp_pay: 126, pool_prop_selfpay: 84, psn_part_amt: 584, acct_pay: 584, psn_cash_pay: 0, balc: 416 });
    const setlId = setl.output.setlinfo.setl_id as string;
    expect(await cumulative(his, EMPLOYEE.psn_no)).toMatchObject({ outpatient_deductible_counted: 500, outpatient_basic_paid: 126 });
    const day = { stmt_begndate: "2022-05-20", stmt_enddate: "2022-05-20" };
    const open = await his.ok("3201", { data: { ...day, medfee_sumamt: 710, fund_pay_sumamt: 126, acct_pay: 584, fixmedins_setl_cnt: 1 } });
    expect(open.output.stmtinfo.stmt_rslt).toBe("0");

    const unknown = await refuse(his, "2601", { data: { psn_no: EMPLOYEE.psn_no, omsgid: `${H3}202205200900009999`, oinfno: "2207" } });
    expect(unknown.err_msg).toMatch(/^data\.omsgid: no message H45100000001202205200900009999 of H45100000001/);
    const wrongInfno = await refuse(his, "2601", { data: { psn_no: EMPLOYEE.psn_no, omsgid: settleMsgid, oinfno: "2204" } });
    expect(wrongInfno.err_msg).toMatch(new RegExp(`^data\\.oinfno: message ${settleMsgid} was 2207`));
    const wrongPerson = await refuse(his, "2601", { data: { psn_no: RESIDENT.psn_no, omsgid: settleMsgid, oinfno: "2207" } });
    expect(wrongPerson.err_msg).toMatch(/^data\.psn_no: /);
    const otherHospital = await refused(platform.database, () => h2.call("2601", { data: { psn_no: EMPLOYEE.psn_no, omsgid: settleMsgid, oinfno: "2207" } }));
    expect(otherHospital.err_msg).toMatch(/^data\.omsgid: no message \S+ of H45100000002/);

    const reversalMsgid = his.nextMsgid();
    const reversal = { data: { psn_no: EMPLOYEE.psn_no, omsgid: settleMsgid, oinfno: "2207" } };
    await his.ok("2601", reversal, reversalMsgid);
    expect(await cumulative(his, EMPLOYEE.psn_no)).toEqual(before);
    const info = await his.ok("1101", { data: { mdtrt_cert_type: "02", certno: EMPLOYEE.certno } });
    expect(info.output.insuinfo[0].balc).toBe(1000);
    const [row] = await platform.database.db.select().from(settlements).where(eq(settlements.setl_id, setlId));
    expect(row).toMatchObject({ status: "reversed", reversal_msgid: reversalMsgid });
    const gone = await his.ok("3201", { data: { ...day, medfee_sumamt: 0, fund_pay_sumamt: 0, acct_pay: 0, fixmedins_setl_cnt: 0 } });
    expect(gone.output.stmtinfo.stmt_rslt).toBe("0");
    expect(gone.output.platform).toEqual({ medfee_sumamt: 0, fund_pay_sumamt: 0, acct_pay: 0, cash_payamt: 0, setl_cnt: 0 });
    const stillThere = await his.ok("3201", { data: { ...day, medfee_sumamt: 710, fund_pay_sumamt: 126, acct_pay: 584, fixmedins_setl_cnt: 1 } });
    expect(stillThere.output.stmtinfo.stmt_rslt).toBe("1");

    // The same 2601 again (same msgid) answers as before and changes nothing; a new 2601 of it is refused; so is a 2208.
    const state = await stateOf(platform.database);
    const replay = await his.call("2601", reversal, reversalMsgid);
    expect(replay).toMatchObject({ infcode: 0, err_msg: null });
    expect(await stateOf(platform.database)).toBe(state);
    const twice = await refuse(his, "2601", reversal);
    expect(twice.err_msg).toMatch(new RegExp(`^data\\.omsgid: message ${settleMsgid} is reversed already`));
    const twice2208 = await refuse(his, "2208", { data: { setl_id: setlId, mdtrt_id: mdtrt, psn_no: EMPLOYEE.psn_no } });
    expect(twice2208.err_msg).toMatch(/^setl_id: settlement \S+ is reversed already/);
    // The visit's lines are unsettled again and settle the same way.
    const resettle = await his.ok("2207", settleData(EMPLOYEE, mdtrt, 710, { med_type: "11", acct_used_flag: "1" }));
    expect(resettle.output.setlinfo).toMatchObject({ hifp_pay: 126, acct_pay: 584, balc: 416 });

    // A registration reversed by message.
    his.clock.time = "2022-05-21 09:00:00";
    const regMsgid = his.nextMsgid();
    const reg = await his.ok("2201", { data: { psn_no: RESIDENT.psn_no, insutype: "390", begntime: his.clock.time, ipt_otp_no: "MZ-2601-R" } }, regMsgid);
    const regMdtrt = reg.output.data.mdtrt_id as string;
    await his.ok("2601", { data: { psn_no: RESIDENT.psn_no, omsgid: regMsgid, oinfno: "2201" } });
    expect((await encounterRow(regMdtrt))?.status).toBe("cancelled");
    const afterReg = await refuse(his, "2203", { mdtrtinfo: { mdtrt_id: regMdtrt, psn_no: RESIDENT.psn_no, med_type: "11" }, diseinfo: [] });
    expect(afterReg.err_msg).toMatch(/^mdtrt_id: encounter \S+ is cancelled/);
  });
});

describe("3201 totals and 3202 detail reconciliation", () => {
  const period = { stmt_begndate: "2022-06-01", stmt_enddate: "2022-06-30" };
  const ids: string[] = [];

  it("3201: the hospital's correct totals balance, a total off by 0.01 does not; the platform and the ledger agree", async () => {
    // 1. Resident outpatient: 90 + 10 in policy, 50% → 50.
    h1.clock.time = "2022-06-01 09:00:00";
    const a = await visit(h1, RECON_A, "MZ-R1");
    await h1.ok("2204", { feedetail: [line(h1, a, RECON_A.psn_no, "1", AMOX, 30, 3), line(h1, a, RECON_A.psn_no, "2", CONSULT, 10, 1)] });
    const s1 = await h1.ok("2207", settleData(RECON_A, a, 100, { med_type: "11" }));
    expect(s1.output.setlinfo).toMatchObject({ hifp_pay: 50, psn_cash_pay: 50 });
    // 2. Employee outpatient with the account: 800; deductible 500; 60% of 300 = 180; 620 personal: 300 account, 320 cash.
    h1.clock.time = "2022-06-02 09:00:00";
    const b = await visit(h1, RECON_B, "MZ-R2");
    await h1.ok("2204", { feedetail: [line(h1, b, RECON_B.psn_no, "1", AMOX, 80, 10)] });
    const s2 = await h1.ok("2207", settleData(RECON_B, b, 800, { med_type: "11", acct_used_flag: "1" }));
    expect(s2.output.setlinfo).toMatchObject({ hifp_pay: 180, acct_pay: 300, psn_cash_pay: 320, balc: 0 });
    // 3. Resident inpatient at level 1: 1,080; D 200; 90% of 880 = 792.
    h1.clock.time = "2022-06-03 09:00:00";
    const c = await admit(h1, RECON_A, "ZY-R3");
    await h1.ok("2301", { feedetail: [line(h1, c, RECON_A.psn_no, "1", AMOX, 50, 20), line(h1, c, RECON_A.psn_no, "2", BED, 40, 2)] });
    h1.clock.time = "2022-06-05 09:00:00";
    await h1.ok("2402", { dscginfo: { mdtrt_id: c, psn_no: RECON_A.psn_no, endtime: h1.clock.time }, diseinfo: [] });
    const s3 = await h1.ok("2304", settleData(RECON_A, c, 1080));
    expect(s3.output.setlinfo).toMatchObject({ act_pay_dedc: 200, hifp_pay: 792, psn_cash_pay: 288 });
    // 4. Resident outpatient, 60, reversed by 2208.
    h1.clock.time = "2022-06-06 09:00:00";
    const d = await visit(h1, RECON_A, "MZ-R4");
    await h1.ok("2204", { feedetail: [line(h1, d, RECON_A.psn_no, "1", AMOX, 20, 3)] });
    const s4 = await h1.ok("2207", settleData(RECON_A, d, 60, { med_type: "11" }));
    expect(s4.output.setlinfo).toMatchObject({ hifp_pay: 30 });
    await h1.ok("2208", { data: { setl_id: s4.output.setlinfo.setl_id, mdtrt_id: d, psn_no: RECON_A.psn_no } });
    ids.push(s1.output.setlinfo.setl_id, s2.output.setlinfo.setl_id, s3.output.setlinfo.setl_id, s4.output.setlinfo.setl_id);

    // In force: 100 + 800 + 1,080 = 1,980; funds 50 + 180 + 792 = 1,022; account 300; cash 50 + 320 + 288 = 658.
    const totals = { medfee_sumamt: 1980, fund_pay_sumamt: 1022, acct_pay: 300, fixmedins_setl_cnt: 3 };
    const ok = await h1.ok("3201", { data: { ...period, setl_optins: "451000", ...totals } });
    expect(ok.output.stmtinfo).toEqual({ setl_optins: "451000", stmt_rslt: "0", stmt_rslt_dscr: "对账平" });
    expect(ok.output.platform).toEqual({ medfee_sumamt: 1980, fund_pay_sumamt: 1022, acct_pay: 300, cash_payamt: 658, setl_cnt: 3 });
    expect(ok.output.ledger).toEqual(ok.output.platform);

    const off = await h1.ok("3201", { data: { ...period, ...totals, medfee_sumamt: 1980.01 } });
    expect(off.output.stmtinfo.stmt_rslt).toBe("1");
    expect(off.output.stmtinfo.stmt_rslt_dscr).toBe("医疗费总额：平台1980.00，医院1980.01");
    expect(off.output.ledger).toEqual(off.output.platform);
    const offFund = await h1.ok("3201", { data: { ...period, ...totals, fund_pay_sumamt: 1021.99, fixmedins_setl_cnt: 4 } });
    expect(offFund.output.stmtinfo.stmt_rslt_dscr).toBe("基金支付总额：平台1022.00，医院1021.99；结算笔数：平台3，医院4");

    // Inpatient only (clr_type 21), and the employees only (insutype 310).
    const inpatient = await h1.ok("3201", { data: { ...period, clr_type: "21", medfee_sumamt: 1080, fund_pay_sumamt: 792, fixmedins_setl_cnt: 1 } });
    expect(inpatient.output.stmtinfo.stmt_rslt).toBe("0");
    const employees = await h1.ok("3201", { data: { ...period, insutype: "310", medfee_sumamt: 800, fund_pay_sumamt: 180, acct_pay: 300, fixmedins_setl_cnt: 1 } });
    expect(employees.output.stmtinfo.stmt_rslt).toBe("0");

    const backwards = await refused(platform.database, () => h1.call("3201", { data: { stmt_begndate: "2022-06-30", stmt_enddate: "2022-06-01", ...totals } }));
    expect(backwards.err_msg).toMatch(/^data\.stmt_enddate: must not be before stmt_begndate/);
    const badAmount = await refused(platform.database, () => h1.call("3201", { data: { ...period, ...totals, medfee_sumamt: "1980.001" } }));
    expect(badAmount.err_msg).toMatch(/data\.medfee_sumamt: .*more than two decimals/);
  });

  it("3202: all rows matching balance; a missing row, a wrong amount and a reversed settlement are each reported", async () => {
    const [id1, id2, id3, id4] = ids as [string, string, string, string];
    const rows = await platform.database.db.select().from(settlements);
    const row = (id: string) => {
      const s = rows.find((r) => r.setl_id === id)!;
      return { setl_id: s.setl_id, mdtrt_id: s.mdtrt_id, psn_no: s.psn_no, medfee_sumamt: s.medfee_sumamt / 100, fund_pay_sumamt: s.fund_pay_sumamt / 100, acct_pay: s.acct_pay / 100 };
    };
    const all = await h1.ok("3202", { data: { ...period }, detail: [row(id1), row(id2), row(id3)] });
    expect(all.output).toEqual({ stmtinfo: { setl_optins: "", stmt_rslt: "0", stmt_rslt_dscr: "明细对账平" }, result: [] });
    expect(row(id3)).toMatchObject({ medfee_sumamt: 1080, fund_pay_sumamt: 792, acct_pay: 0 });

    const bad = await h1.ok("3202", { data: { ...period }, detail: [row(id1), { ...row(id3), medfee_sumamt: 1080.01 }, row(id4)] });
    expect(bad.output.stmtinfo).toMatchObject({ stmt_rslt: "1", stmt_rslt_dscr: "3笔不符" });
    expect(bad.output.result).toEqual([
      { setl_id: id3, stmt_rslt: "1", memo: "金额不符：平台医疗费1080.00、基金792.00、个账0.00" },
      { setl_id: id4, stmt_rslt: "1", memo: expect.stringContaining("平台无此有效结算") },
      { setl_id: id2, stmt_rslt: "1", memo: "医院明细缺少此结算" },
    ]);
    const wrongAccount = await h1.ok("3202", { data: { ...period }, detail: [row(id1), { ...row(id2), acct_pay: 299.99 }, row(id3)] });
    expect(wrongAccount.output.result).toEqual([{ setl_id: id2, stmt_rslt: "1", memo: "金额不符：平台医疗费800.00、基金180.00、个账300.00" }]);
    const badRow = await refused(platform.database, () => h1.call("3202", { data: { ...period }, detail: [{ ...row(id1), fund_pay_sumamt: -1 }] }));
    expect(badRow.err_msg).toMatch(/detail\[0\]\.fund_pay_sumamt: must not be negative/);
  });
});

describe("off-site care (异地就医)", () => {
  /** HNC speaks with its own region as the treating region. */
  const call = (infno: string, input: Record<string, unknown>) => hnc.send({ ...hnc.envelope(infno, input), mdtrtarea_admvs: "360100" });
  const ok = async (infno: string, input: Record<string, unknown>) => {
    const r = await call(infno, input);
    if (r.infcode !== 0) throw new Error(`${infno} failed: ${r.err_msg}`);
    return r;
  };

  it("a 451000 resident at HNC (360100, level 3): 360100's catalogue for the lines, 451000's policy less 20 points for the money", async () => {
    hnc.clock.time = "2022-07-01 08:00:00";
    const adm = await ok("2401", {
      mdtrtinfo: { psn_no: TRAVELLER.psn_no, insutype: "390", begntime: hnc.clock.time, mdtrt_cert_type: "02", mdtrt_cert_no: TRAVELLER.certno, med_type: "21", ipt_no: "NC-1" },
      diseinfo: [],
    });
    const mdtrt = adm.output.result.mdtrt_id as string;
    expect(await encounterRow(mdtrt)).toMatchObject({ mdtrtarea_admvs: "360100", insuplc_admdvs: "451000" });
    const ln = (sn: string, code: string, pric: number, cnt: number) => line(hnc, mdtrt, TRAVELLER.psn_no, sn, code, pric, cnt);
    const up = await ok("2301", {
      feedetail: [
        ln("1", "002103000010000", 200, 1), // CT平扫: 360100 class 02 5% (451000: class 01)
        ln("2", "001102000050000", 132, 4), // ICU bed: 360100 cap 132.00 (451000: 120.00)
        ln("3", "004300000220000", 25, 4), // 腹针治疗: only in 360100's catalogue, class 01
        ln("4", "004811000010000", 30, 2), // 壮医药线点灸: only in 451000's, so out of catalogue here
        ln("5", "002306000010000", 7200, 1), // PET-CT: 360100 class 02 30%, cap 7,000 (451000: class 03)
        ln("6", AMOX, 12.34, 333), // 4,109.22, class 01 in both
      ],
    });
    expect(up.output.result.map((r: Record<string, unknown>) => [r.chrgitm_lv, r.fulamt_ownpay_amt, r.overlmt_amt, r.preselfpay_amt, r.inscp_scp_amt])).toEqual([
      ["02", 0, 0, 10, 190],
      ["01", 0, 0, 0, 528],
      ["01", 0, 0, 0, 100],
      [null, 60, 0, 0, 0],
      ["02", 0, 200, 2100, 4900],
      ["01", 0, 0, 0, 4109.22],
    ]);
    expect(up.output.result[3].memo).toMatch(/不在就医地360100医保目录内/);

    hnc.clock.time = "2022-07-05 09:00:00";
    await ok("2402", { dscginfo: { mdtrt_id: mdtrt, psn_no: TRAVELLER.psn_no, endtime: hnc.clock.time }, diseinfo: [] });
    // medfee 12,197.22 = 60 out of catalogue + 200 over the cap + 2,110 self-paid first + 9,827.22 in policy.
    // D 800 (451000, level 3); base 9,027.22 × (65% − 20 points, no filing) = 4,062.249 → 4,062.25; pool 4,964.97.
    // Critical-illness base 5,764.97 < 15,000: nothing. No assistance category.
    const expected = {
      medfee_sumamt: 12197.22, fulamt_ownpay_amt: 60, overlmt_selfpay: 200, preselfpay_amt: 2110, inscp_scp_amt: 9827.22, act_pay_dedc: 800,
      hifp_pay: 4062.25, pool_prop_selfpay: 4964.97, hifmi_pay: 0, maf_pay: 0, fund_pay_sumamt: 4062.25, psn_part_amt: 8134.97,
      acct_pay: 0, psn_cash_pay: 8134.97, clr_optins: "451000",
    };
    const pre = await ok("2303", settleData(TRAVELLER, mdtrt, 12197.22));
    expect(pre.output.setlinfo).toMatchObject(expected);
    const setl = await ok("2304", settleData(TRAVELLER, mdtrt, 12197.22, { fulamt_ownpay_amt: 60, overlmt_selfpay: 200, preselfpay_amt: 2110, inscp_scp_amt: 9827.22 }));
    expect(setl.output.setlinfo).toMatchObject(expected);
    expect(setl.warn_msg).toMatch(/异地就医未提供备案信息，按未备案结算/);
    expect(fundsOf(setl)).toEqual([["390100", 4062.25]]);
    expect(setl.output.setldetail[0].setl_proc_info).toMatch(/计算基数9027\.22元×报销比例45%（异地就医未备案，由65%降低20%）=4062\.25元/);
    const [row] = await platform.database.db.select().from(settlements).where(eq(settlements.mdtrt_id, mdtrt));
    expect(row).toMatchObject({ mdtrtarea_admvs: "360100", insuplc_admdvs: "451000", policy_id: "451000-2022" });
  });
});

describe("tilts and assistance through the interface", () => {
  it("a monitored resident's 60,000-yuan class-01 stay at level 3: basic, critical illness (+5 points) and assistance", async () => {
    his.clock.time = "2022-08-01 09:00:00";
    const mdtrt = await admit(his, MONITORED, "ZY-MON");
    await his.ok("2301", { feedetail: [line(his, mdtrt, MONITORED.psn_no, "1", AMOX, 600, 100)] });
    his.clock.time = "2022-08-10 09:00:00";
    await his.ok("2402", { dscginfo: { mdtrt_id: mdtrt, psn_no: MONITORED.psn_no, endtime: his.clock.time }, diseinfo: [] });
    /*
     * By hand, settlement-spec.md with the 451000/2022 resident policy, nothing accumulated:
     * Step 1: I = 60,000 (class 01, no cap).
     * Step 2: D = 800 (level 3); b = 59,200; hifp = 59,200 × 65% = 38,480; pool_prop_selfpay = 20,720.
     * Step 3: e = 800 + 20,720 = 21,520; A0 = 0, A1 = 21,520. Monitored tilt: deductible 7,500, +5 points, no cap:
     *         (7,500, 21,520] = 14,020 in the first band at 60% + 5 = 65% → 9,113. (Untilted: 6,520 × 60% = 3,912.)
     * Step 4: monitored assistance: deductible 1,000, 60%, limit 50,000. m = 60,000 − 38,480 − 9,113 = 12,407;
     *         (1,000, 12,407] = 11,407 × 60% = 6,844.20.
     * Step 5: fund = 38,480 + 9,113 + 6,844.20 = 54,437.20; psn_part = 60,000 − 54,437.20 = 5,562.80.
     */
    const setl = await his.ok("2304", settleData(MONITORED, mdtrt, 60000));
    expect(setl.output.setlinfo).toMatchObject({
      medfee_sumamt: 60000, inscp_scp_amt: 60000, act_pay_dedc: 800, hifp_pay: 38480, pool_prop_selfpay: 20720, hifmi_pay: 9113,
      hifob_pay: 0, maf_pay: 6844.2, fund_pay_sumamt: 54437.2, psn_part_amt: 5562.8, psn_cash_pay: 5562.8,
    });
    expect(setl.output.setldetail).toEqual([
      expect.objectContaining({ fund_pay_type: "390100", inscp_scp_amt: 59200, crt_payb_lmt_amt: 150000, fund_payamt: 38480 }),
      expect.objectContaining({ fund_pay_type: "390200", inscp_scp_amt: 21520, crt_payb_lmt_amt: 0, fund_payamt: 9113 }),
      expect.objectContaining({ fund_pay_type: "610100", inscp_scp_amt: 12407, crt_payb_lmt_amt: 50000, fund_payamt: 6844.2 }),
    ]);
    expect(setl.output.setldetail[1].setl_proc_info).toMatch(/起付线7500\.00元（防返贫监测对象倾斜/);
    expect(await cumulative(his, MONITORED.psn_no)).toMatchObject({
      inpatient_chronic_basic_paid: 38480, tier_two_base: 21520, critical_illness_paid: 9113, assistance_base: 12407, assistance_paid: 6844.2,
    });
  });
});

describe("bad input: infcode -1 and nothing changed", () => {
  it("refuses an unknown infno, a msgid of the wrong length, a body that is not JSON, a price with seven decimals, an unknown person", async () => {
    his.clock.time = "2022-09-01 09:00:00";
    const unknownInfno = await refuse(his, "9999", { data: {} });
    expect(unknownInfno.err_msg).toBe("infno: 9999 不支持 / not supported: not a transaction Yibao serves; 交易列表见 / the transactions served are listed at /fsi/api/interface.md (docs/interface.md)");
    // The address it names answers the conformance table, the same text as docs/interface.md.
    const doc = await platform.app.inject({ method: "GET", url: "/fsi/api/interface.md" });
    expect(doc.statusCode).toBe(200);
    expect(doc.headers["content-type"]).toBe("text/markdown; charset=utf-8");
    expect(doc.body).toBe(readFileSync(fromRoot("docs", "interface.md"), "utf8"));
    const shortMsgid = await refused(platform.database, () => his.send({ ...his.envelope("2201", { data: {} }), msgid: "H4510000000120220901090000001" }));
    expect(shortMsgid.err_msg).toMatch(/^msgid: must be 30 characters/);

    // Signed, but not JSON: the envelope's own refusal.
    const raw = await refused(platform.database, () => his.send('{"infno":"2201","msgid":'));
    expect(raw.err_msg).toBe("请求报文无法解析 / malformed request");
    const notObject = await refused(platform.database, () => his.send([1, 2, 3]));
    expect(notObject.err_msg).toMatch(/^\(input\): /);

    const mdtrt = await visit(his, RESIDENT, "MZ-BAD");
    const price = await refuse(his, "2204", { feedetail: [{ ...line(his, mdtrt, RESIDENT.psn_no, "1", AMOX, 1, 2), pric: 1.2345678, det_item_fee_sumamt: 2.47 }] });
    expect(price.err_msg).toMatch(/feedetail\[0\]\.pric: has more than six decimals: 1\.2345678/);
    const count = await refuse(his, "2204", { feedetail: [line(his, mdtrt, RESIDENT.psn_no, "1", AMOX, 1, 2), { ...line(his, mdtrt, RESIDENT.psn_no, "2", AMOX, 1, 1), cnt: 0 }] });
    expect(count.err_msg).toMatch(/feedetail\[1\]\.cnt: must be greater than 0/);

    const unknownPerson = await refuse(his, "2201", { data: { psn_no: "P000000000000", insutype: "390", begntime: his.clock.time, ipt_otp_no: "MZ-X" } });
    expect(unknownPerson.err_msg).toMatch(/^psn_no: no insured person P000000000000/);
    const unknownAdmit = await refuse(his, "2401", { mdtrtinfo: { psn_no: "P000000000000", insutype: "390", begntime: his.clock.time, ipt_no: "ZY-X" }, diseinfo: [] });
    expect(unknownAdmit.err_msg).toMatch(/^psn_no: no insured person P000000000000/);
    const unknownCum = await refuse(his, "5206", { data: { psn_no: "P000000000000", cum_ym: "202209" } });
    expect(unknownCum.err_msg).toMatch(/^data\.psn_no: no insured person/);
    const missing = await refuse(his, "2201", { data: { insutype: "390", begntime: his.clock.time, ipt_otp_no: "MZ-X" } });
    expect(missing.err_msg).toMatch(/^input\.data\.psn_no: is required/);

    // The encounter is untouched by all this: it settles as uploaded by a good message.
    await his.ok("2204", { feedetail: [line(his, mdtrt, RESIDENT.psn_no, "1", AMOX, 1.23, 2)] });
    const pre = await his.ok("2206", settleData(RESIDENT, mdtrt, 2.46, { med_type: "11" }));
    expect(pre.output.setlinfo).toMatchObject({ inscp_scp_amt: 2.46, hifp_pay: 1.23 });
  });

  it("refuses 2203 on an inpatient stay: outpatient visit info does not turn a stay into a visit", async () => {
    his.clock.time = "2022-09-02 09:00:00";
    const mdtrt = await admit(his, RESIDENT, "ZY-BAD");
    const r = await refuse(his, "2203", { mdtrtinfo: { mdtrt_id: mdtrt, psn_no: RESIDENT.psn_no, med_type: "11" }, diseinfo: [] });
    expect(r.err_msg).toMatch(/^mdtrtinfo\.mdtrt_id: \S+ is an inpatient stay/);
    expect((await encounterRow(mdtrt))?.med_type).toBe("21");
  });
});

describe("丙类 written with selfpay_prop 1, as national catalogues and HIS systems write it", () => {
  it("imports the entry and settles its line as wholly self-paid, exactly as one written with 0", async () => {
    const entry = (code: string, selfpay: string) => ({
      med_list_codg: code, med_list_name: "测试丙类项目", admdvs: "451000", chrgitm_lv: "03", selfpay_prop: selfpay, pric_uplmt_amt: "", list_type: "service", begndate: "2022-01-01", enddate: "",
    });
    const imported = await importCatalogue(platform.database, numberedRows([entry("TESTC03ONE", "1"), entry("TESTC03ZERO", "0")]));
    expect(imported).toMatchObject({ inserted: 2, rejectedRows: 0 });
    await platform.services.invalidateCatalogues();

    his.clock.time = "2022-10-10 09:00:00";
    const mdtrt = await visit(his, RESIDENT, "MZ-C03");
    const up = await his.ok("2204", {
      feedetail: [
        line(his, mdtrt, RESIDENT.psn_no, "1", "TESTC03ONE", 45.67, 2),
        line(his, mdtrt, RESIDENT.psn_no, "2", "TESTC03ZERO", 45.67, 2),
        line(his, mdtrt, RESIDENT.psn_no, "3", AMOX, 10, 1),
      ],
    });
    const [one, zero] = up.output.result as Record<string, unknown>[];
    expect(one).toMatchObject({ det_item_fee_sumamt: 91.34, fulamt_ownpay_amt: 91.34, overlmt_amt: 0, preselfpay_amt: 0, inscp_scp_amt: 0, chrgitm_lv: "03", selfpay_prop: 1 });
    expect({ ...one, feedetl_sn: "2", med_list_codg: "TESTC03ZERO", selfpay_prop: 0 }).toEqual(zero);
    const pre = await his.ok("2206", settleData(RESIDENT, mdtrt, 192.68, { med_type: "11" }));
    expect(pre.output.setlinfo).toMatchObject({ medfee_sumamt: 192.68, fulamt_ownpay_amt: 182.68, inscp_scp_amt: 10 });
    await his.ok("2205", { data: { mdtrt_id: mdtrt, psn_no: RESIDENT.psn_no, chrg_bchno: "B1" } });
    await his.ok("2202", { data: { mdtrt_id: mdtrt, psn_no: RESIDENT.psn_no } });
  });
});
