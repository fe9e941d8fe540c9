import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HANDLERS } from "../../src/gateway/his/handlers/index.js";
import { H2, H3, HisSession, makeId, openTestPlatform, refused, type ParsedJson, type TestPlatform } from "../support/his.js";

/**
 * The queries a HIS sends to reprint and to check a patient (5201–5205, 5301–5303): a visit and a stay settled at H3,
 * read back to the fen; the same questions from H2 answered with nothing of H3's; a reversed settlement shown as
 * reversed; the date windows the national inputs have.
 */

const resident = (n: number, birth: string) => ({ psn_no: `P4510000003${String(n).padStart(2, "0")}`, certno: makeId("451002", birth, 300 + n), insutype: "390" as const });

const PATIENT = resident(1, "1971-04-04"); // an outpatient visit and a stay at H3
const CHRONIC = resident(2, "1949-02-02"); // hypertension filed at H3, chronic visits at H3 and H2
const STAYER = resident(3, "1968-08-18"); // a stay in progress at H2
const NOBODY = "P451000000399";

const AMOX = "XJ01CAA040A001010100973"; // 阿莫西林胶囊, class 01, no cap
const CONSULT = "001201000010000"; // 普通门诊诊查费, class 01, cap 10.00
const BED = "001102000010000"; // 床位费(三人间), class 01, cap 40.00
const NIFE01 = "XC08CAA101A038010100073"; // 硝苯地平片, class 01

let platform: TestPlatform;
let h3: HisSession;
let h2: HisSession;

beforeAll(async () => {
  platform = await openTestPlatform([PATIENT, CHRONIC, STAYER]);
  h3 = new HisSession(platform.app, H3);
  h2 = new HisSession(platform.app, H2);
  await h3.signIn();
  await h2.signIn();
});
afterAll(() => platform.close());

type Person = { psn_no: string; certno: string; insutype: string };

function line(s: HisSession, mdtrt_id: string, psn_no: string, sn: string, code: string, pric: number, cnt: number) {
  const amount = Math.round(Math.round(pric * 100) * cnt) / 100;
  return { feedetl_sn: sn, mdtrt_id, psn_no, chrg_bchno: "B1", med_list_codg: code, medins_list_codg: `HOSP-${code.slice(-6)}`, pric, cnt, det_item_fee_sumamt: amount, fee_ocur_time: s.clock.time };
}

const settleData = (p: Person, mdtrt_id: string, medfee_sumamt: number, med_type: string) => ({
  data: { psn_no: p.psn_no, mdtrt_id, insutype: p.insutype, medfee_sumamt, med_type, acct_used_flag: "0", mid_setl_flag: "0", psn_setlway: "01" },
});

async function visit(s: HisSession, p: Person, no: string, med_type = "11", dise = "J06.900"): Promise<string> {
  const reg = await s.ok("2201", { data: { psn_no: p.psn_no, insutype: p.insutype, begntime: s.clock.time, mdtrt_cert_type: "02", mdtrt_cert_no: p.certno, ipt_otp_no: no, dept_code: "A01", dept_name: "内科", caty: "A03", atddr_no: "D01", dr_name: "王医生" } });
  const mdtrt = reg.output.data.mdtrt_id as string;
  await s.ok("2203", {
    mdtrtinfo: { mdtrt_id: mdtrt, psn_no: p.psn_no, med_type, begntime: s.clock.time, dise_codg: dise, dise_name: "诊断", ...(med_type === "14" ? { opsp_dise_code: dise } : {}) },
    diseinfo: [{ diag_type: "1", diag_srt_no: 1, diag_code: dise, diag_name: "门诊诊断", vali_flag: "1" }],
  });
  return mdtrt;
}

async function admit(s: HisSession, p: Person, no: string): Promise<string> {
  const r = await s.ok("2401", {
    mdtrtinfo: { psn_no: p.psn_no, insutype: p.insutype, begntime: s.clock.time, mdtrt_cert_type: "02", mdtrt_cert_no: p.certno, med_type: "21", ipt_no: no, adm_diag_dscr: "肺炎", adm_bed: "3", adm_dept_codg: "B02", adm_dept_name: "呼吸科" },
    diseinfo: [
      { diag_type: "1", diag_srt_no: 2, diag_code: "I10.x00", diag_name: "高血压", vali_flag: "1" },
      { diag_type: "1", diag_srt_no: 1, diag_code: "J18.900", diag_name: "肺炎", vali_flag: "1" },
    ],
  });
  return r.output.result.mdtrt_id as string;
}

/** Every field the transaction declares is in each row of its answer, and nothing else. */
function conforms(infno: string, output: ParsedJson) {
  const declared = HANDLERS.get(infno)?.output;
  expect(declared, infno).toBeDefined();
  for (const [node, fields] of Object.entries(declared ?? {})) {
    const name = node.replace(/\[\]$/, "");
    const rows: Record<string, unknown>[] = node === "[]" ? output : node.endsWith("[]") ? output[name] : [output[name]];
    expect(Array.isArray(rows), `${infno} ${node}`).toBe(true);
    for (const row of rows) expect(Object.keys(row).sort(), `${infno} ${node}`).toEqual([...fields].sort());
  }
}

async function ask(s: HisSession, infno: string, data: Record<string, unknown>) {
  const r = await s.ok(infno, { data });
  conforms(infno, r.output);
  return r;
}

const refuse = (s: HisSession, infno: string, data: Record<string, unknown>) => refused(platform.database, () => s.call(infno, { data }));

async function logged(): Promise<number> {
  const result = await platform.database.db.execute(sql`select count(*) as n from message_log`);
  return Number((result as unknown as { rows: { n: number | string }[] }).rows[0]?.n);
}

describe("5201–5204: a hospital's own visits, diagnoses, settlements and fee lines", () => {
  let outpatient = "";
  let stay = "";
  let outSetl: Record<string, ParsedJson> = {};
  let staySetl: Record<string, ParsedJson> = {};

  beforeAll(async () => {
    h3.clock.time = "2022-03-01 10:00:00";
    outpatient = await visit(h3, PATIENT, "MZ-Q-1");
    // 30.00 of amoxicillin; a consultation at 12.00 over its 10.00 cap: 2.00 over the limit.
    await h3.ok("2204", { feedetail: [line(h3, outpatient, PATIENT.psn_no, "1", AMOX, 1.25, 24), line(h3, outpatient, PATIENT.psn_no, "2", CONSULT, 12, 1)] });
    outSetl = (await h3.ok("2207", settleData(PATIENT, outpatient, 42, "11"))).output;

    h3.clock.time = "2022-03-05 08:00:00";
    stay = await admit(h3, PATIENT, "ZY-Q-1");
    await h3.ok("2301", { feedetail: [line(h3, stay, PATIENT.psn_no, "1", BED, 40, 3)] });
    h3.clock.time = "2022-03-08 09:00:00";
    await h3.ok("2402", { dscginfo: { mdtrt_id: stay, psn_no: PATIENT.psn_no, insutype: "390", endtime: h3.clock.time, dscg_way: "1" }, diseinfo: [] });
    h3.clock.time = "2022-03-08 10:00:00";
    staySetl = (await h3.ok("2304", settleData(PATIENT, stay, 120, "21"))).output;
  });

  it("5201 lists the person's visit and stay at H3, oldest first, with what was registered", async () => {
    const before = await logged();
    const r = await ask(h3, "5201", { psn_no: PATIENT.psn_no, begntime: "2022-01-01 00:00:00", endtime: "2022-12-31 23:59:59", med_type: "", mdtrt_id: "" });
    expect(await logged()).toBe(before); // read-only: not kept in the message log
    expect(r.output.mdtrtinfo).toHaveLength(2);
    const [v, s] = r.output.mdtrtinfo;
    expect(v).toMatchObject({
      mdtrt_id: outpatient, psn_no: PATIENT.psn_no, certno: PATIENT.certno, psn_name: `测试${PATIENT.psn_no}`, brdy: "1971-04-04", age: 50, insutype: "390",
      insu_optins: "451000", begntime: "2022-03-01 10:00:00", endtime: "", mdtrt_cert_type: "02", med_type: "11", ipt_otp_no: "MZ-Q-1", atddr_no: "D01",
      chfpdr_name: "王医生", adm_dept_codg: "A01", adm_dept_name: "内科", otp_diag_info: "J06.900 门诊诊断", dscg_maindiag_code: "", inhosp_stas: "0", ipt_days: 0,
      dise_codg: "J06.900",
    });
    expect(s).toMatchObject({
      mdtrt_id: stay, med_type: "21", ipt_otp_no: "ZY-Q-1", begntime: "2022-03-05 08:00:00", endtime: "2022-03-08 09:00:00", adm_bed: "3", adm_dept_codg: "B02",
      adm_dept_name: "呼吸科", dscg_maindiag_code: "J18.900", dscg_maindiag_name: "肺炎", dscg_way: "1", inhosp_stas: "0", ipt_days: 3, otp_diag_info: "",
    });
  });

  it("5201 narrows by med_type, by the time window and by mdtrt_id", async () => {
    const stays = await ask(h3, "5201", { psn_no: PATIENT.psn_no, med_type: "21" });
    expect(stays.output.mdtrtinfo.map((v: { mdtrt_id: string }) => v.mdtrt_id)).toEqual([stay]);
    const march1 = await ask(h3, "5201", { psn_no: PATIENT.psn_no, begntime: "2022-03-01", endtime: "2022-03-01 23:59:59" });
    expect(march1.output.mdtrtinfo.map((v: { mdtrt_id: string }) => v.mdtrt_id)).toEqual([outpatient]);
    const later = await ask(h3, "5201", { psn_no: PATIENT.psn_no, begntime: "2022-03-05 08:00:01" });
    expect(later.output.mdtrtinfo).toEqual([]);
    const one = await ask(h3, "5201", { psn_no: PATIENT.psn_no, mdtrt_id: stay });
    expect(one.output.mdtrtinfo.map((v: { mdtrt_id: string }) => v.mdtrt_id)).toEqual([stay]);

    const backwards = await refuse(h3, "5201", { psn_no: PATIENT.psn_no, begntime: "2022-03-02", endtime: "2022-03-01" });
    expect(backwards.err_msg).toMatch(/^data\.endtime: 结束时间 2022-03-01 00:00:00 早于开始时间 2022-03-02 00:00:00/);
    const nobody = await refuse(h3, "5201", { psn_no: NOBODY });
    expect(nobody.err_msg).toBe(`data.psn_no: 无此参保人 ${NOBODY} (no insured person ${NOBODY})`);
    const unknown = await refuse(h3, "5201", { psn_no: PATIENT.psn_no, mdtrt_id: "MZ-NONE" });
    expect(unknown.err_msg).toMatch(/^data\.mdtrt_id: 本院（H45100000001）无参保人 P451000000301 的就诊 MZ-NONE/);
  });

  it("5202 answers a visit's valid diagnoses by diag_srt_no, the first the main one", async () => {
    const r = await ask(h3, "5202", { mdtrt_id: stay, psn_no: PATIENT.psn_no });
    expect(r.output.diseinfo.map((d: Record<string, unknown>) => [d.diag_srt_no, d.diag_code, d.diag_name, d.maindiag_flag, d.diag_type, d.mdtrt_id])).toEqual([
      [1, "J18.900", "肺炎", "1", "1", stay],
      [2, "I10.x00", "高血压", "0", "1", stay],
    ]);
    const wrongPerson = await refuse(h3, "5202", { mdtrt_id: stay, psn_no: CHRONIC.psn_no });
    expect(wrongPerson.err_msg).toMatch(/^data\.psn_no: 就诊 \S+ 不是参保人 P451000000302 的/);
  });

  it("5203 answers the settlement as 2207 and 2304 answered it, with its funds, to the fen", async () => {
    const r = await ask(h3, "5203", { psn_no: PATIENT.psn_no, setl_id: outSetl.setlinfo.setl_id, mdtrt_id: outpatient });
    expect(r.warn_msg).toBeNull();
    expect(r.output.setlinfo).toMatchObject({ ...outSetl.setlinfo, medins_setl_id: expect.any(String) });
    expect(r.output.setlinfo).toMatchObject({
      medfee_sumamt: 42, overlmt_selfpay: 2, inscp_scp_amt: 40, fixmedins_code: H3, fixmedins_name: "百色市人民医院", hosp_lv: "3", insu_optins: "451000",
      begndate: "2022-03-01", enddate: "2022-03-01", year: 2022, refd_setl_flag: "0",
    });
    expect(r.output.setlinfo.hifp_pay + r.output.setlinfo.psn_part_amt).toBeCloseTo(42, 2);
    expect(r.output.setldetail).toEqual(outSetl.setldetail);

    const s = await ask(h3, "5203", { psn_no: PATIENT.psn_no, setl_id: staySetl.setlinfo.setl_id });
    expect(s.output.setlinfo).toMatchObject({ ...staySetl.setlinfo, medins_setl_id: expect.any(String) });
    expect(s.output.setlinfo).toMatchObject({ medfee_sumamt: 120, mdtrt_id: stay, med_type: "21", begndate: "2022-03-05", enddate: "2022-03-08" });
    expect(s.output.setldetail).toEqual(staySetl.setldetail);

    const otherVisit = await refuse(h3, "5203", { psn_no: PATIENT.psn_no, setl_id: staySetl.setlinfo.setl_id, mdtrt_id: outpatient });
    expect(otherVisit.err_msg).toMatch(/^data\.mdtrt_id: 结算 \S+ 不属于就诊/);
    const none = await refuse(h3, "5203", { psn_no: PATIENT.psn_no, setl_id: "SETL-NONE" });
    expect(none.err_msg).toMatch(/^data\.setl_id: 本院（H45100000001）无结算 SETL-NONE/);
  });

  it("5204 answers a visit's fee lines as the list itself, amounts to the fen, the catalogue's cap and class", async () => {
    const r = await ask(h3, "5204", { psn_no: PATIENT.psn_no, mdtrt_id: outpatient, setl_id: outSetl.setlinfo.setl_id });
    expect(Array.isArray(r.output)).toBe(true);
    const setl = outSetl.setlinfo.setl_id as string;
    expect(r.output).toEqual([
      expect.objectContaining({
        feedetl_sn: "1", mdtrt_id: outpatient, setl_id: setl, med_type: "11", fee_ocur_time: "2022-03-01 10:00:00", cnt: 24, pric: 1.25, det_item_fee_sumamt: 30,
        pric_uplmt_amt: 0, selfpay_prop: 0, fulamt_ownpay_amt: 0, overlmt_amt: 0, preselfpay_amt: 0, inscp_scp_amt: 30, chrgitm_lv: "01", hilist_code: AMOX,
        med_list_codg: AMOX, medins_list_codg: "HOSP-100973", list_type: "drug", med_chrgitm_type: "09",
      }),
      expect.objectContaining({
        feedetl_sn: "2", setl_id: setl, cnt: 1, pric: 12, det_item_fee_sumamt: 12, pric_uplmt_amt: 10, overlmt_amt: 2, inscp_scp_amt: 10, chrgitm_lv: "01",
        hilist_code: CONSULT, hilist_name: "普通门诊诊查费", list_type: "service",
      }),
    ]);
    const stayLines = await ask(h3, "5204", { psn_no: PATIENT.psn_no, mdtrt_id: stay });
    expect(stayLines.output.map((l: Record<string, unknown>) => [l.feedetl_sn, l.setl_id, l.cnt, l.pric, l.det_item_fee_sumamt, l.pric_uplmt_amt, l.inscp_scp_amt])).toEqual([
      ["1", staySetl.setlinfo.setl_id, 3, 40, 120, 40, 120],
    ]);
    const notOfVisit = await refuse(h3, "5204", { psn_no: PATIENT.psn_no, mdtrt_id: stay, setl_id: setl });
    expect(notOfVisit.err_msg).toMatch(/^data\.setl_id: 就诊 \S+ 无结算/);
  });

  it("answers H2 nothing of H3's: no visits, and H3's visit and settlement as not found", async () => {
    const visits = await ask(h2, "5201", { psn_no: PATIENT.psn_no });
    expect(visits.output.mdtrtinfo).toEqual([]);
    const byId = await refuse(h2, "5201", { psn_no: PATIENT.psn_no, mdtrt_id: outpatient });
    expect(byId.err_msg).toMatch(/^data\.mdtrt_id: 本院（H45100000002）无参保人/);
    const diagnoses = await refuse(h2, "5202", { psn_no: PATIENT.psn_no, mdtrt_id: stay });
    expect(diagnoses.err_msg).toBe(`data.mdtrt_id: 本院（${H2}）无就诊 ${stay} (no visit ${stay} at ${H2})`);
    const settlement = await refuse(h2, "5203", { psn_no: PATIENT.psn_no, setl_id: outSetl.setlinfo.setl_id });
    expect(settlement.err_msg).toMatch(/^data\.setl_id: 本院（H45100000002）无结算/);
    const lines = await refuse(h2, "5204", { psn_no: PATIENT.psn_no, mdtrt_id: outpatient });
    expect(lines.err_msg).toMatch(/^data\.mdtrt_id: 本院（H45100000002）无就诊/);
  });

  it("shows a reversed settlement as reversed: 5203 flags it, 5204 gives the lines back to the visit", async () => {
    const setl = outSetl.setlinfo.setl_id as string;
    h3.clock.time = "2022-03-09 08:00:00";
    await h3.ok("2208", { data: { setl_id: setl, mdtrt_id: outpatient, psn_no: PATIENT.psn_no } });

    const r = await ask(h3, "5203", { psn_no: PATIENT.psn_no, setl_id: setl });
    expect(r.output.setlinfo).toMatchObject({ setl_id: setl, refd_setl_flag: "1", medfee_sumamt: 42, inscp_scp_amt: 40, hifp_pay: outSetl.setlinfo.hifp_pay });
    expect(r.warn_msg).toMatch(new RegExp(`^结算 ${setl} 已于 \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d 冲销（退费），refd_setl_flag 为 1$`));

    const bySetl = await refuse(h3, "5204", { psn_no: PATIENT.psn_no, mdtrt_id: outpatient, setl_id: setl });
    expect(bySetl.err_msg).toMatch(/^data\.setl_id: 结算 \S+ 已冲销（退费），其费用明细已退回就诊/);
    const unsettled = await ask(h3, "5204", { psn_no: PATIENT.psn_no, mdtrt_id: outpatient });
    expect(unsettled.output.map((l: Record<string, unknown>) => [l.feedetl_sn, l.setl_id, l.det_item_fee_sumamt])).toEqual([["1", "", 30], ["2", "", 12]]);
  });
});

describe("5205, 5301, 5302: the person's chronic filings, designated hospitals and chronic drug use", () => {
  let first = "";
  let second = "";

  beforeAll(async () => {
    h3.clock.time = "2022-05-03 09:00:00";
    await h3.ok("2503", { data: { psn_no: CHRONIC.psn_no, insutype: "390", opsp_dise_code: "M03900", opsp_dise_name: "高血压", ide_fixmedins_no: H3, begndate: "2022-01-01", enddate: "2022-12-31" } });
    first = await visit(h3, CHRONIC, "MZ-MB-Q1", "14", "M03900");
    await h3.ok("2204", { feedetail: [line(h3, first, CHRONIC.psn_no, "1", NIFE01, 15.5, 60), line(h3, first, CHRONIC.psn_no, "2", CONSULT, 10, 1)] });
    await h3.ok("2207", settleData(CHRONIC, first, 940, "14"));

    // A general visit's drug is not chronic drug use.
    h3.clock.time = "2022-05-20 09:00:00";
    const general = await visit(h3, CHRONIC, "MZ-Q-G");
    await h3.ok("2204", { feedetail: [line(h3, general, CHRONIC.psn_no, "1", AMOX, 1.25, 24)] });
    await h3.ok("2207", settleData(CHRONIC, general, 30, "11"));

    // A chronic visit at H2 (the filing is the person's): H3 sees its drugs too, with H2's name.
    h2.clock.time = "2022-06-03 09:00:00";
    second = await visit(h2, CHRONIC, "MZ-MB-Q2", "14", "M03900");
    await h2.ok("2204", { feedetail: [line(h2, second, CHRONIC.psn_no, "1", NIFE01, 15.5, 30)] });
    await h2.ok("2207", settleData(CHRONIC, second, 465, "14"));

    // A reversed chronic visit's drugs were not used.
    h3.clock.time = "2022-06-10 09:00:00";
    const reversed = await visit(h3, CHRONIC, "MZ-MB-Q3", "14", "M03900");
    await h3.ok("2204", { feedetail: [line(h3, reversed, CHRONIC.psn_no, "1", NIFE01, 15.5, 10)] });
    const s = await h3.ok("2207", settleData(CHRONIC, reversed, 155, "14"));
    await h3.ok("2208", { data: { setl_id: s.output.setlinfo.setl_id, mdtrt_id: reversed, psn_no: CHRONIC.psn_no } });
  });

  it("5205 answers the drugs of the settled chronic visits at every hospital, in the time window", async () => {
    const r = await ask(h3, "5205", { psn_no: CHRONIC.psn_no, begntime: "2022-01-01 00:00:00", endtime: "2022-12-31 23:59:59" });
    expect(r.output.feedetail.map((l: Record<string, unknown>) => [l.fixmedins_code, l.fixmedins_name, l.fee_ocur_time, l.hilist_code, l.cnt, l.pric, l.med_type, l.list_type, l.med_chrgitm_type])).toEqual([
      [H3, "百色市人民医院", "2022-05-03 09:00:00", NIFE01, 60, 15.5, "14", "drug", "09"],
      [H2, "右江区人民医院", "2022-06-03 09:00:00", NIFE01, 30, 15.5, "14", "drug", "09"],
    ]);
    const fromJune = await ask(h2, "5205", { psn_no: CHRONIC.psn_no, begntime: "2022-06-01" });
    expect(fromJune.output.feedetail.map((l: Record<string, unknown>) => [l.fixmedins_code, l.cnt])).toEqual([[H2, 30]]);
    const beforeAny = await ask(h3, "5205", { psn_no: CHRONIC.psn_no, begntime: "2022-01-01", endtime: "2022-05-01" });
    expect(beforeAny.output.feedetail).toEqual([]);
    const missing = await refuse(h3, "5205", { psn_no: CHRONIC.psn_no });
    expect(missing.err_msg).toMatch(/^input\.data\.begntime/);
    const nobody = await refuse(h3, "5205", { psn_no: NOBODY, begntime: "2022-01-01" });
    expect(nobody.err_msg).toMatch(/^data\.psn_no: 无此参保人/);
  });

  it("5301 answers the active filings whoever asks; a cancelled one is gone", async () => {
    h2.clock.time = "2022-06-04 09:00:00";
    const filed = await h2.ok("2503", { data: { psn_no: CHRONIC.psn_no, insutype: "390", opsp_dise_code: "M01600", opsp_dise_name: "糖尿病", begndate: "2022-06-01" } });
    const both = await ask(h2, "5301", { psn_no: CHRONIC.psn_no });
    expect(both.output.feedetail).toEqual([
      { opsp_dise_code: "M03900", opsp_dise_name: "高血压", begndate: "2022-01-01", enddate: "2022-12-31" },
      { opsp_dise_code: "M01600", opsp_dise_name: "糖尿病", begndate: "2022-06-01", enddate: "" },
    ]);
    await h2.ok("2504", { data: { trt_dcla_detl_sn: filed.output.result.trt_dcla_detl_sn, psn_no: CHRONIC.psn_no } });
    const one = await ask(h3, "5301", { psn_no: CHRONIC.psn_no });
    expect(one.output.feedetail.map((f: { opsp_dise_code: string }) => f.opsp_dise_code)).toEqual(["M03900"]);
    expect((await ask(h3, "5301", { psn_no: STAYER.psn_no })).output.feedetail).toEqual([]);
    const nobody = await refuse(h3, "5301", { psn_no: NOBODY });
    expect(nobody.err_msg).toMatch(/^data\.psn_no: 无此参保人/);
  });

  it("5302 answers the hospitals the person's filings designate", async () => {
    const r = await ask(h2, "5302", { psn_no: CHRONIC.psn_no, biz_appy_type: "03" });
    expect(r.output.psnfixmedin).toEqual([
      expect.objectContaining({ psn_no: CHRONIC.psn_no, insutype: "390", fix_srt_no: "1", fixmedins_code: H3, fixmedins_name: "百色市人民医院", begndate: "2022-01-01", enddate: "2022-12-31" }),
    ]);
    expect(r.output.psnfixmedin[0].memo).toMatch(/^门诊慢特病备案 \d+：M03900 高血压$/);
    expect((await ask(h3, "5302", { psn_no: PATIENT.psn_no })).output.psnfixmedin).toEqual([]);
    const nobody = await refuse(h3, "5302", { psn_no: NOBODY, biz_appy_type: "03" });
    expect(nobody.err_msg).toMatch(/^data\.psn_no: 无此参保人/);
  });
});

describe("5303: whether the person is in hospital, wherever", () => {
  it("answers a stay in progress elsewhere without the other hospital's detail, until it is settled", async () => {
    h2.clock.time = "2022-04-01 08:00:00";
    const stay = await admit(h2, STAYER, "ZY-H2-1");
    await h2.ok("2301", { feedetail: [line(h2, stay, STAYER.psn_no, "1", BED, 40, 2)] });

    const r = await ask(h3, "5303", { psn_no: STAYER.psn_no });
    expect(r.output.data).toEqual([{
      mdtrt_id: stay, psn_no: STAYER.psn_no, psn_cert_type: "01", certno: STAYER.certno, psn_name: `测试${STAYER.psn_no}`, gend: "1", brdy: "1968-08-18", age: 53,
      insutype: "390", begndate: "2022-04-01", med_type: "21", ipt_otp_no: "ZY-H2-1", out_flag: "0",
    }]);
    expect((await ask(h3, "5303", { psn_no: STAYER.psn_no, begntime: "2022-04-02" })).output.data).toEqual([]);
    expect((await ask(h3, "5303", { psn_no: STAYER.psn_no, begntime: "2022-03-01", endtime: "2022-04-01 08:00:00" })).output.data).toHaveLength(1);

    // Discharged and not settled: still a stay that 2001 would refuse another admission for.
    h2.clock.time = "2022-04-03 09:00:00";
    await h2.ok("2402", { dscginfo: { mdtrt_id: stay, psn_no: STAYER.psn_no, insutype: "390", endtime: h2.clock.time, dscg_way: "1" }, diseinfo: [] });
    expect((await ask(h3, "5303", { psn_no: STAYER.psn_no })).output.data.map((d: { mdtrt_id: string }) => d.mdtrt_id)).toEqual([stay]);

    h2.clock.time = "2022-04-03 10:00:00";
    await h2.ok("2304", settleData(STAYER, stay, 80, "21"));
    expect((await ask(h3, "5303", { psn_no: STAYER.psn_no })).output.data).toEqual([]);
    const nobody = await refuse(h3, "5303", { psn_no: NOBODY });
    expect(nobody.err_msg).toMatch(/^data\.psn_no: 无此参保人/);
  });
});
