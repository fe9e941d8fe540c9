import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectError, signedInApi } from "../api/support.js";
import { H2, H3, HisSession, makeId, openTestPlatform, refused, sqlRows, type ParsedJson, type TestPlatform } from "../support/his.js";

/**
 * The settlement list (医保结算清单) after discharge: 4101/4101A upload, 4102 its status, and the REST route. A stay at
 * H3 is admitted, charged, discharged and settled through the interface; its list is then checked, stored and versioned.
 */

const PATIENT = { psn_no: "P451000000901", certno: makeId("451002", "1970-05-05", 901), insutype: "390" as const };
const OTHER = { psn_no: "P451000000902", certno: makeId("451002", "1985-10-20", 902), insutype: "390" as const };

const AMOX = "XJ01CAA040A001010100973"; // 阿莫西林胶囊, class 01, no cap
const BED = "001102000010000"; // 床位费(三人间), class 01, cap 40.00

let platform: TestPlatform;
let his: HisSession; // H3
let h2: HisSession; // H2

beforeAll(async () => {
  platform = await openTestPlatform([PATIENT, OTHER]);
  his = new HisSession(platform.app, H3, { time: "2022-03-01 10:00:00" });
  h2 = new HisSession(platform.app, H2, { time: "2022-03-01 10:00:00" });
  await his.signIn();
  await h2.signIn();
});
afterAll(() => platform.close());

function line(mdtrt_id: string, psn_no: string, sn: string, code: string, pric: number, cnt: number) {
  return { feedetl_sn: sn, mdtrt_id, psn_no, chrg_bchno: "B1", med_list_codg: code, medins_list_codg: code, pric, cnt, det_item_fee_sumamt: Math.round(pric * cnt * 100) / 100, fee_ocur_time: his.clock.time };
}

interface Stay { mdtrt_id: string; setl_id: string; setldetail: { fund_pay_type: string; fund_payamt: number }[]; psn_cash_pay: number }

/** A stay from admission to settlement: 5 days' bed at 40.00 (床位费) and 40 capsules at 2.50 (西药费), 300.00 in all. */
async function settledStay(p: { psn_no: string; certno: string; insutype: string }, admitted: string, discharged: string, no: string): Promise<Stay> {
  his.clock.time = admitted;
  const r = await his.ok("2401", {
    mdtrtinfo: { psn_no: p.psn_no, insutype: p.insutype, begntime: admitted, mdtrt_cert_type: "02", mdtrt_cert_no: p.certno, med_type: "21", ipt_no: no, adm_diag_dscr: "胆囊结石", adm_bed: "3" },
    diseinfo: [{ diag_type: "1", diag_srt_no: 1, diag_code: "K80.100", diag_name: "胆囊结石伴有其他胆囊炎", vali_flag: "1" }],
  });
  const mdtrt_id = r.output.result.mdtrt_id as string;
  await his.ok("2301", { feedetail: [line(mdtrt_id, p.psn_no, "1", BED, 40, 5), line(mdtrt_id, p.psn_no, "2", AMOX, 2.5, 40)] });
  his.clock.time = discharged;
  await his.ok("2402", { dscginfo: { mdtrt_id, psn_no: p.psn_no, insutype: p.insutype, endtime: discharged, dscg_way: "1" }, diseinfo: [] });
  const s = await his.ok("2304", { data: { psn_no: p.psn_no, mdtrt_id, insutype: p.insutype, medfee_sumamt: 300, acct_used_flag: "0", mid_setl_flag: "0", psn_setlway: "01" } });
  return { mdtrt_id, setl_id: s.output.setlinfo.setl_id as string, setldetail: s.output.setldetail, psn_cash_pay: s.output.setlinfo.psn_cash_pay as number };
}

/** A whole 4101 list of the stay, as a HIS sends it; `change` edits it before it is sent. */
function listOf(stay: Stay, p: { psn_no: string }, change: (l: Record<string, ParsedJson>) => void = () => {}) {
  const l: Record<string, ParsedJson> = {
    setlinfo: {
      mdtrt_id: stay.mdtrt_id, setl_id: stay.setl_id, psn_no: p.psn_no, fixmedins_code: H3, fixmedins_name: "百色市人民医院", medcasno: "BA0001", psn_name: "测试",
      gend: "2", brdy: "1970-05-05", ntly: "CHN", naty: "01", patn_cert_type: "01", hi_type: "390", insuplc: "451000",
      ipt_med_type: "1", adm_way: "1", trt_type: "1", adm_time: "2022-03-01 10:00:00", adm_caty: "A03", dscg_time: "2022-03-06 09:00:00", dscg_caty: "A03",
      act_ipt_days: "5", dscg_way: "1", days_rinp_flag_31: "0", setl_begn_date: "2022-03-01", setl_end_date: "2022-03-06",
      psn_selfpay: 0, psn_ownpay: 0, acct_pay: 0, psn_cashpay: stay.psn_cash_pay, hi_paymtd: "1", medins_fill_dept: "病案科", medins_fill_psn: "张三",
      bill_code: "", bill_no: "", biz_sn: "", nwb_bir_wt: null, nwb_adm_wt: "",
    },
    diseinfo: [
      { diag_type: "1", diag_code: "K80.100", diag_name: "胆囊结石伴有其他胆囊炎", maindiag_flag: "1", adm_cond_type: "1" },
      { diag_type: "1", diag_code: "I10.x00x002", diag_name: "高血压", maindiag_flag: "0", adm_cond_type: "1" },
    ],
    oprninfo: [
      { oprn_oprt_type: "1", oprn_oprt_code: "51.2300", oprn_oprt_name: "腹腔镜下胆囊切除术", oprn_oprt_date: "2022-03-02", anst_way: "1", oper_dr_name: "李四", oper_dr_code: "D001", anst_dr_name: "王五", anst_dr_code: "D002" },
    ],
    iteminfo: [
      { med_chrgitm: "01", amt: 200, claa_sumfee: 200, clab_amt: 0, fulamt_ownpay_amt: 0, oth_amt: 0 },
      { med_chrgitm: "09", amt: "100.00", claa_sumfee: "100.00", clab_amt: "0", fulamt_ownpay_amt: "0", oth_amt: "0" },
    ],
    payinfo: stay.setldetail.map((d) => ({ fund_pay_type: d.fund_pay_type, fund_payamt: d.fund_payamt })),
    icuinfo: [],
    opspdiseinfo: [],
  };
  change(l);
  return l;
}

/** The rows of the list's three tables, to show that a refusal stored nothing. */
async function listTables(): Promise<string> {
  const rows = await Promise.all(["settlement_lists", "settlement_list_diagnoses", "settlement_list_procedures"].map((t) => sqlRows(platform.database, sql.raw(`select * from ${t} order by 1, 2`))));
  return JSON.stringify(rows);
}

async function refuse(s: HisSession, infno: string, input: Record<string, unknown>): Promise<string> {
  const before = await listTables();
  const r = await refused(platform.database, () => s.call(infno, input));
  expect(await listTables()).toBe(before);
  return r.err_msg ?? "";
}

let stay: Stay;

describe("4101 / 4101A / 4102: the settlement list after discharge", () => {
  it("answers not uploaded, takes the list, stores it with the grouper's facts, and answers its status", async () => {
    stay = await settledStay(PATIENT, "2022-03-01 10:00:00", "2022-03-06 09:00:00", "ZY-901");
    his.clock.time = "2022-03-07 11:00:00";
    const before = await his.ok("4102", { data: { setl_id: stay.setl_id, psn_no: PATIENT.psn_no } });
    expect(before.output.result).toEqual([{
      setl_id: stay.setl_id, mdtrt_id: stay.mdtrt_id, psn_no: PATIENT.psn_no, setl_stas: "1", upld_stas: "0", upld_stas_name: "未上传", list_ver: 0, upld_infno: "", upld_time: "", first_upld_time: "",
    }]);

    const up = await his.ok("4101", listOf(stay, PATIENT));
    expect(up.output.data).toEqual({ setl_list_id: stay.setl_id, setl_id: stay.setl_id, mdtrt_id: stay.mdtrt_id, list_ver: 1, upld_time: "2022-03-07 11:00:00" });

    const [row] = await sqlRows<Record<string, unknown>>(platform.database, sql`
      select version, infno, gend, age, nwb_age_days, nwb_bir_wt, ipt_days, dscg_way, main_diag_code, main_oprn_code, medfee_sumamt, items, funds,
        to_char(adm_time, 'YYYY-MM-DD HH24:MI:SS') as adm_time, to_char(dscg_time, 'YYYY-MM-DD HH24:MI:SS') as dscg_time
      from settlement_lists where setl_id = ${stay.setl_id}`);
    expect({ ...row, medfee_sumamt: Number(row?.medfee_sumamt) }).toMatchObject({
      version: 1, infno: "4101", gend: "1", age: 51, nwb_age_days: null, nwb_bir_wt: null, ipt_days: 5, dscg_way: "1", main_diag_code: "K80.100", main_oprn_code: "51.2300",
      medfee_sumamt: 30000, adm_time: "2022-03-01 10:00:00", dscg_time: "2022-03-06 09:00:00",
    });
    const items = (typeof row?.items === "string" ? JSON.parse(row.items) : row?.items) as { med_chrgitm: string; amt: number }[];
    expect(items.map((i) => [i.med_chrgitm, i.amt])).toEqual([["01", 20000], ["09", 10000]]);
    const diagnoses = await sqlRows(platform.database, sql`select seq, diag_code, maindiag_flag from settlement_list_diagnoses where setl_id = ${stay.setl_id} order by seq`);
    expect(diagnoses).toEqual([{ seq: 1, diag_code: "K80.100", maindiag_flag: true }, { seq: 2, diag_code: "I10.x00x002", maindiag_flag: false }]);
    const procedures = await sqlRows(platform.database, sql`
      select seq, oprn_oprt_code, to_char(oprn_oprt_date, 'YYYY-MM-DD') as d, anst_way from settlement_list_procedures where setl_id = ${stay.setl_id}`);
    expect(procedures).toEqual([{ seq: 1, oprn_oprt_code: "51.2300", d: "2022-03-02", anst_way: "1" }]);

    const after = await his.ok("4102", { stastinfo: [{ setl_id: stay.setl_id }] });
    expect(after.output.result[0]).toMatchObject({ upld_stas: "1", upld_stas_name: "已上传", list_ver: 1, upld_infno: "4101", upld_time: "2022-03-07 11:00:00", first_upld_time: "2022-03-07 11:00:00" });
  });

  it("a re-upload (4101A, as most provinces send it) replaces the list and counts its version", async () => {
    his.clock.time = "2022-03-09 15:30:00";
    const again = await his.ok("4101A", listOf(stay, PATIENT, (l) => {
      delete l.payinfo;
      l.bldinfo = [{ bld_cat: "1", bld_amt: "200", bld_unt: "ml" }];
      l.diseinfo = [{ diag_type: "1", diag_code: "K80.000", diag_name: "胆囊结石伴有急性胆囊炎", maindiag_flag: "1", adm_cond_type: "1" }];
      l.oprninfo = [
        { oprn_oprt_type: "1", oprn_oprt_code: "51.2300", oprn_oprt_name: "腹腔镜下胆囊切除术", oprn_oprt_begntime: "2022-03-02T09:10:00+08:00", oprn_oprt_endtime: "2022-03-02 10:40:00", anst_way: "1" },
        { oprn_oprt_type: "2", oprn_oprt_code: "87.5400x001", oprn_oprt_name: "胆道造影", oprn_oprt_begntime: "2022-03-03 08:00:00", anst_way: "" },
      ];
    }));
    expect(again.output.data).toMatchObject({ list_ver: 2, upld_time: "2022-03-09 15:30:00" });
    const [row] = await sqlRows<Record<string, unknown>>(platform.database, sql`
      select version, infno, main_diag_code, funds, setlinfo -> 'bldinfo' as bld, to_char(first_uploaded_at, 'YYYY-MM-DD HH24:MI:SS') as first from settlement_lists where setl_id = ${stay.setl_id}`);
    expect(row).toMatchObject({ version: 2, infno: "4101A", main_diag_code: "K80.000", funds: null, first: "2022-03-07 11:00:00" });
    expect(row?.bld).toEqual([{ bld_cat: "1", bld_amt: "200", bld_unt: "ml" }]);
    expect(await sqlRows(platform.database, sql`select diag_code from settlement_list_diagnoses where setl_id = ${stay.setl_id}`)).toEqual([{ diag_code: "K80.000" }]);
    expect(await sqlRows(platform.database, sql`
      select oprn_oprt_code, to_char(oprn_oprt_date, 'YYYY-MM-DD') as d, to_char(oprn_oprt_begntime, 'HH24:MI') as t, anst_way from settlement_list_procedures where setl_id = ${stay.setl_id} order by seq`))
      .toEqual([{ oprn_oprt_code: "51.2300", d: "2022-03-02", t: "09:10", anst_way: "1" }, { oprn_oprt_code: "87.5400x001", d: "2022-03-03", t: "08:00", anst_way: null }]);
    const status = await his.ok("4102", { data: { setl_id: stay.setl_id } });
    expect(status.output.result[0]).toMatchObject({ list_ver: 2, upld_infno: "4101A", upld_time: "2022-03-09 15:30:00", first_upld_time: "2022-03-07 11:00:00" });
  });

  it("4101A without iteminfo: the fees by category are the settlement's own lines, each in its 收费项目类别", async () => {
    const later = await settledStay(PATIENT, "2022-05-10 08:00:00", "2022-05-10 17:00:00", "ZY-903");
    his.clock.time = "2022-05-11 09:00:00";
    const r = await his.ok("4101A", listOf(later, PATIENT, (l) => {
      delete l.iteminfo;
      delete l.payinfo;
      Object.assign(l.setlinfo, { adm_time: "2022-05-10 08:00:00", dscg_time: "2022-05-10 17:00:00", act_ipt_days: 1, setl_begn_date: "2022-05-10", setl_end_date: "2022-05-10" });
      l.oprninfo[0].oprn_oprt_date = "2022-05-10";
    }));
    expect(r.output.data.list_ver).toBe(1);
    const [row] = await sqlRows<{ items: unknown; ipt_days: number }>(platform.database, sql`select items, ipt_days from settlement_lists where setl_id = ${later.setl_id}`);
    // A same-day stay counts one day; 床位费 (BED, 甲类) and 西药费 (AMOX, X…, 甲类), 300.00 in all, as the lines were settled.
    expect(row?.ipt_days).toBe(1);
    expect(typeof row?.items === "string" ? JSON.parse(row.items) : row?.items).toEqual([
      { med_chrgitm: "01", amt: 20000, claa_sumfee: 20000, clab_amt: 0, fulamt_ownpay_amt: 0, oth_amt: 0 },
      { med_chrgitm: "09", amt: 10000, claa_sumfee: 10000, clab_amt: 0, fulamt_ownpay_amt: 0, oth_amt: 0 },
    ]);
    // 4101 itself requires them.
    expect(await refuse(his, "4101", listOf(later, PATIENT, (l) => { delete l.iteminfo; }))).toBe("input.iteminfo: is required");
  });

  it("refuses another hospital's settlement, in 4101 and 4102", async () => {
    const msg = await refuse(h2, "4101", listOf(stay, PATIENT));
    expect(msg).toBe(`setlinfo.setl_id: 结算 ${stay.setl_id} 不是本机构的 / settlement ${stay.setl_id} is not this hospital's`);
    const status = await h2.call("4102", { data: { setl_id: stay.setl_id } });
    expect(status.infcode).toBe(-1);
    expect(status.err_msg).toBe(`setl_id: 结算 ${stay.setl_id} 不是本机构的 / settlement ${stay.setl_id} is not this hospital's`);
    expect((await refuse(his, "4101", listOf(stay, PATIENT, (l) => { l.setlinfo.setl_id = "NO-SUCH"; })))).toMatch(/^setlinfo\.setl_id: 没有结算 NO-SUCH/);
  });

  it("refuses two principal diagnoses, none, and codes not in the 医保版 shapes", async () => {
    const two = await refuse(his, "4101", listOf(stay, PATIENT, (l) => { l.diseinfo[1].maindiag_flag = "1"; }));
    expect(two).toBe("diseinfo: 只能有一个主要诊断 / exactly one principal diagnosis (maindiag_flag 1) is allowed: diseinfo[0] K80.100, diseinfo[1] I10.x00x002 all are");
    const none = await refuse(his, "4101", listOf(stay, PATIENT, (l) => { l.diseinfo[0].maindiag_flag = "0"; }));
    expect(none).toMatch(/^diseinfo: 须有一个主要诊断/);
    const icd10 = await refuse(his, "4101", listOf(stay, PATIENT, (l) => { l.diseinfo[1].diag_code = "K22.3"; }));
    expect(icd10).toMatch(/^diseinfo\[1\]\.diag_code: "K22\.3" 不是 ICD-10 医保版编码/);
    const icd9 = await refuse(his, "4101", listOf(stay, PATIENT, (l) => { l.oprninfo[0].oprn_oprt_code = "5123"; }));
    expect(icd9).toMatch(/^oprninfo\[0\]\.oprn_oprt_code: "5123" 不是 ICD-9-CM-3 医保版编码/);
  });

  it("refuses fees by category that do not sum to the settlement's total, with the difference in the reason", async () => {
    const short = await refuse(his, "4101", listOf(stay, PATIENT, (l) => {
      l.iteminfo[1] = { med_chrgitm: "09", amt: 89.99, claa_sumfee: 89.99, clab_amt: 0, fulamt_ownpay_amt: 0, oth_amt: 0 };
    }));
    expect(short).toBe("iteminfo: 各类费用合计 289.99 元，结算的医疗费总额为 300.00 元，少 10.01 元 / the fees by category sum to 289.99 yuan, the settlement's medfee_sumamt is 300.00 yuan: 10.01 yuan short");
    const over = await refuse(his, "4101", listOf(stay, PATIENT, (l) => { l.iteminfo.push({ med_chrgitm: "04", amt: 0.01, oth_amt: 0.01 }); }));
    expect(over).toBe("iteminfo: 各类费用合计 300.01 元，结算的医疗费总额为 300.00 元，多 0.01 元 / the fees by category sum to 300.01 yuan, the settlement's medfee_sumamt is 300.00 yuan: 0.01 yuan over");
    const parts = await refuse(his, "4101", listOf(stay, PATIENT, (l) => { l.iteminfo[0].clab_amt = 1; }));
    expect(parts).toMatch(/^iteminfo\[0\]\.amt: 甲类、乙类、全自费、其他合计 201\.00 元，与金额 200\.00 元不符/);
    // Below the deductible, no fund paid this stay: a fund the list says paid is refused.
    expect(stay.setldetail).toEqual([]);
    const fund = await refuse(his, "4101", listOf(stay, PATIENT, (l) => { l.payinfo = [{ fund_pay_type: "390100", fund_payamt: "0.01" }]; }));
    expect(fund).toBe("payinfo: 基金 390100 结算支付 0.00 元，清单填报 0.01 元 / fund 390100 paid 0.00 yuan in the settlement, the list says 0.01 yuan");
    const cash = await refuse(his, "4101", listOf(stay, PATIENT, (l) => { l.setlinfo.psn_cashpay = 299.99; }));
    expect(cash).toMatch(/^setlinfo\.psn_cashpay: 个人现金支付为 300\.00 元，清单填报 299\.99 元/);
  });

  it("refuses dates that do not fit the stay, and a leave type that is not the discharge's", async () => {
    expect(await refuse(his, "4101", listOf(stay, PATIENT, (l) => { l.setlinfo.adm_time = "2022-02-28 10:00:00"; })))
      .toBe("setlinfo.adm_time: 入院日期 2022-02-28 与登记的 2022-03-01 不符 / is not the stay's admission day (2401: 2022-03-01 10:00:00)");
    expect(await refuse(his, "4101", listOf(stay, PATIENT, (l) => { l.setlinfo.act_ipt_days = 6; })))
      .toMatch(/^setlinfo\.act_ipt_days: 实际住院天数应为 5 天/);
    expect(await refuse(his, "4101", listOf(stay, PATIENT, (l) => { l.oprninfo[0].oprn_oprt_date = "2022-03-08"; })))
      .toBe("oprninfo[0].oprn_oprt_date: 2022-03-08 is outside the stay (2022-03-01 to 2022-03-06)");
    expect(await refuse(his, "4101", listOf(stay, PATIENT, (l) => { l.setlinfo.dscg_way = "5"; })))
      .toMatch(/^setlinfo\.dscg_way: 离院方式 5 与出院登记的 1 不符/);
    expect(await refuse(his, "4101", listOf(stay, PATIENT, (l) => { l.setlinfo.dscg_way = "7"; })))
      .toMatch(/^input\.setlinfo\.dscg_way: must be a 离院方式/);
  });

  it("refuses the list of a reversed settlement", async () => {
    const reversed = await settledStay(OTHER, "2022-04-01 08:00:00", "2022-04-03 08:00:00", "ZY-902");
    await his.ok("2305", { data: { setl_id: reversed.setl_id, mdtrt_id: reversed.mdtrt_id, psn_no: OTHER.psn_no } });
    const msg = await refuse(his, "4101", listOf(reversed, OTHER, (l) => {
      Object.assign(l.setlinfo, { adm_time: "2022-04-01 08:00:00", dscg_time: "2022-04-03 08:00:00", act_ipt_days: 2, setl_begn_date: "2022-04-01", setl_end_date: "2022-04-03" });
      l.oprninfo[0].oprn_oprt_date = "2022-04-02";
    }));
    expect(msg).toBe(`setlinfo.setl_id: 结算 ${reversed.setl_id} 已撤销 / settlement ${reversed.setl_id} was reversed: a reversed settlement has no list`);
  });
});

describe("GET /api/v1/settlements/{setl_id}/list", () => {
  it("shows the list to whoever may see the settlement, in yuan, and refuses the others", async () => {
    const admin = await signedInApi(platform.app, platform.database);
    const r = await admin.get(`/api/v1/settlements/${stay.setl_id}/list`);
    expect(r.status).toBe(200);
    expect(r.body.list).toMatchObject({
      version: 2, infno: "4101A", age: 51, ipt_days: 5, dscg_way: "1", dscg_way_name: "医嘱离院", main_diag_code: "K80.000", main_oprn_code: "51.2300", medfee_sumamt: 300,
      adm_time: "2022-03-01 10:00:00", dscg_time: "2022-03-06 09:00:00", funds: null,
    });
    expect(r.body.list.diagnoses).toEqual([{ diag_type: "1", diag_type_name: "西医诊断", diag_code: "K80.000", diag_name: "胆囊结石伴有急性胆囊炎", maindiag_flag: true, adm_cond_type: "1" }]);
    expect(r.body.list.procedures.map((p: { oprn_oprt_code: string; oprn_oprt_type_name: string }) => [p.oprn_oprt_code, p.oprn_oprt_type_name]))
      .toEqual([["51.2300", "主要手术及操作"], ["87.5400x001", "其他手术及操作"]]);
    expect(r.body.list.items).toEqual([
      { med_chrgitm: "01", med_chrgitm_name: "床位费", amt: 200, claa_sumfee: 200, clab_amt: 0, fulamt_ownpay_amt: 0, oth_amt: 0 },
      { med_chrgitm: "09", med_chrgitm_name: "西药费", amt: 100, claa_sumfee: 100, clab_amt: 0, fulamt_ownpay_amt: 0, oth_amt: 0 },
    ]);

    const h3 = await signedInApi(platform.app, platform.database, { role: "hospital", admdvs: "451000", fixmedins_code: H3 });
    expect((await h3.get(`/api/v1/settlements/${stay.setl_id}/list`)).body.list.version).toBe(2);
    const h2user = await signedInApi(platform.app, platform.database, { role: "hospital", admdvs: "451000", fixmedins_code: H2 });
    expectError(await h2user.get(`/api/v1/settlements/${stay.setl_id}/list`), 403, "forbidden", "params.setl_id");
    const nanchang = await signedInApi(platform.app, platform.database, { role: "clerk", admdvs: "360100" });
    expectError(await nanchang.get(`/api/v1/settlements/${stay.setl_id}/list`), 403, "forbidden", "params.setl_id");
    expectError(await admin.get("/api/v1/settlements/NO-SUCH/list"), 404, "not_found", "params.setl_id");

    // A settlement without a list: null, not an error.
    const [other] = await sqlRows<{ setl_id: string }>(platform.database, sql`select setl_id from settlements where psn_no = ${OTHER.psn_no}`);
    const none = await admin.get(`/api/v1/settlements/${other?.setl_id}/list`);
    expect(none.status).toBe(200);
    expect(none.body).toEqual({ setl_id: other?.setl_id, list: null });
  });
});
