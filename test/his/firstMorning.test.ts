import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseYuan, type Fen } from "../../src/domain/money.js";
import { parseQuantity, priceOfFen } from "../../src/domain/quantity.js";
import { emptyAccumulators } from "../../src/domain/settlement/accumulators.js";
import { settle } from "../../src/domain/settlement/engine.js";
import type { FeeLine, SettlementPerson, SettlementResult } from "../../src/domain/settlement/types.js";
import { shippedCatalogue, shippedPolicy } from "../../src/services/reference/shipped.js";
import { H2, H3, HisSession, makeId, openTestPlatform, refused, settlementViolations, type ParsedJson, type TestPlatform } from "../support/his.js";

/**
 * A hospital's first morning on Yibao, as one ordered conversation of its HIS (H3, level 3): sign-in; the region's
 * catalogue downloaded page by page into a copy, and a dictionary; its own item codes matched (3301) to the national
 * codes it found in that copy; an outpatient visit billed by its own codes only, settled to the fen as the pure engine
 * settles the same bill by national codes; a stay billed by its own codes, settled, its settlement list uploaded (4101)
 * and its status asked (4102); the cashier's reprints (5201, 5203, 5204) answering exactly what the settlements answered;
 * the end of day (3201 totals, then 9101 a detail file and 3202 by that file) agreeing to the fen; sign-out. Then another
 * hospital (H2, its own credential) asks for all of it and gets nothing of H3's.
 */

const A = { psn_no: "P451000000701", certno: makeId("451002", "1966-07-07", 701), insutype: "390" as const }; // the outpatient
const B = { psn_no: "P451000000702", certno: makeId("451002", "1958-11-30", 702), insutype: "390" as const }; // the stay

/** The national codes the HIS will look up in its downloaded copy. */
const CONSULT = "001201000010000"; // 普通门诊诊查费, service, class 01, cap 10.00
const AMOX = "XJ01CAA040A001010100973"; // 阿莫西林胶囊, drug, class 01
const NIFE = "XC08CAA053A008010100212"; // 硝苯地平控释片, drug, class 02, 10% first self-paid
const BED = "001102000010000"; // 床位费(三人间), service, class 01, cap 40.00

/** The hospital's own item codes (院内项目编码) and what they stand for. */
const OWN = [
  { id: "ZC-0001", name: "普通门诊诊查费", national: CONSULT },
  { id: "YP-0101", name: "阿莫西林胶囊0.25g×24粒", national: AMOX },
  { id: "YP-0205", name: "硝苯地平控释片30mg", national: NIFE },
  { id: "CW-0003", name: "三人间床位", national: BED },
] as const;
const own = (national: string): string => OWN.find((o) => o.national === national)?.id ?? "";

type Item = readonly [sn: string, national: string, pric: number, cnt: number];
/** The outpatient bill: a consultation at 12.00 over its 10.00 cap, 24 capsules, 30 tablets of a 10% class-02 drug. */
const VISIT: Item[] = [["1", CONSULT, 12, 1], ["2", AMOX, 1.25, 24], ["3", NIFE, 3.33, 30]];
/** The stay's bill: a day's bed at 45.00 over its 40.00 cap, 400 capsules, 10 tablets. */
const STAY: Item[] = [["1", BED, 45, 1], ["2", AMOX, 2.5, 400], ["3", NIFE, 3.33, 10]];
const VISIT_TOTAL = 141.9; // 12 + 30 + 99.90
const STAY_TOTAL = 1078.3; // 45 + 1000 + 33.30

const PAGE = 37; // a page size that does not divide the catalogue, so the last page is short

let platform: TestPlatform;
let his: HisSession; // H3: the hospital of the morning
let other: HisSession; // H2: another demo hospital, its own credential and sign-in

beforeAll(async () => {
  platform = await openTestPlatform([A, B]);
  his = new HisSession(platform.app, H3, { time: "2022-03-01 07:30:00" });
  other = new HisSession(platform.app, H2, { time: "2022-03-01 12:30:00" });
}, 120_000);
afterAll(async () => {
  await platform?.close();
});

/** Yuan on the wire → fen, exactly (the wire carries at most two decimals). */
const fen = (yuan: number): Fen => parseYuan(String(yuan), "wire amount");
const sumFen = (values: number[]): Fen => values.reduce((a, v) => a + fen(v), 0) as Fen;

/** A fee line as the HIS sends it: its own code only, no national code. */
function ownLine(s: HisSession, mdtrt_id: string, psn_no: string, [sn, national, pric, cnt]: Item) {
  return {
    feedetl_sn: sn, mdtrt_id, psn_no, chrg_bchno: "B1", medins_list_codg: own(national), pric, cnt,
    det_item_fee_sumamt: Math.round(Math.round(pric * 100) * cnt) / 100, fee_ocur_time: s.clock.time,
  };
}

/** The same line for the pure engine, by its national code. */
function engineLine([sn, national, pric, cnt]: Item): FeeLine {
  return { feedetl_sn: sn, med_list_codg: national, pric: priceOfFen(fen(pric)), cnt: parseQuantity(String(cnt), "cnt"), det_item_fee_sumamt: (Math.round(pric * 100) * cnt) as Fen };
}

/** Fields of setlinfo that are money (yuan on the wire, fen in the engine). */
const MONEY = [
  "medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt", "act_pay_dedc", "hifp_pay", "pool_prop_selfpay",
  "cvlserv_pay", "hifes_pay", "hifmi_pay", "hifob_pay", "maf_pay", "hifdm_pay", "oth_pay", "fund_pay_sumamt", "psn_part_amt", "acct_pay",
  "psn_cash_pay", "hosp_part_amt", "balc", "acct_mulaid_pay",
] as const;

/** A setlinfo on the wire, in fen where it is money, without the identifiers the server made up. */
function inFen(setlinfo: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(withoutIds(setlinfo)).map(([k, v]) => [k, (MONEY as readonly string[]).includes(k) ? fen(v as number) : v]));
}

function withoutIds(setlinfo: Record<string, unknown>): Record<string, unknown> {
  const { setl_id: _s, mdtrt_id: _m, medins_setl_id: _i, ...rest } = setlinfo;
  return rest;
}

/** The engine's settlement of a bill by national codes, for a person as 1101 answered them, at H3 (level 3). */
function engine(baseinfo: ParsedJson, psn: typeof A, med_type: "11" | "21", mdtrt_id: string, setl_time: string, items: Item[]): SettlementResult {
  const person: SettlementPerson = {
    psn_no: psn.psn_no, insutype: psn.insutype, insuplc_admdvs: "451000", balc: 0 as Fen, idetinfo: [],
    psn_name: baseinfo.psn_name, psn_cert_type: baseinfo.psn_cert_type, certno: baseinfo.certno, gend: baseinfo.gend, naty: baseinfo.naty, brdy: baseinfo.brdy, age: baseinfo.age,
    psn_type: "1501", cvlserv_flag: "0",
  };
  return settle({
    policy: shippedPolicy("451000-2022"),
    catalogue: shippedCatalogue("451000"),
    person,
    accumulators: emptyAccumulators(2022),
    encounter: { mdtrt_id, med_type, setl_time, medins_lv: "3", mdtrtarea_admvs: "451000", offsite_filing: null, opsp_dise_code: null, acct_used_flag: false },
    lines: items.map(engineLine),
  });
}

function detailInFen(rows: Record<string, unknown>[]) {
  return rows.map((d) => ({ ...d, inscp_scp_amt: fen(d.inscp_scp_amt as number), crt_payb_lmt_amt: fen(d.crt_payb_lmt_amt as number), fund_payamt: fen(d.fund_payamt as number) }));
}

/** The wire answers an uncapped fund's room as 0; the engine holds it as null. */
const uncappedAsZero = <T extends { crt_payb_lmt_amt: number | null }>(rows: readonly T[]) => rows.map((d) => ({ ...d, crt_payb_lmt_amt: d.crt_payb_lmt_amt ?? 0 }));

/**
 * Every page of a paged download, read as a HIS reads it: page after page until isLastPage, each page's envelope checked
 * against the first page's totals. Answers the rows in order and how many pages were read.
 */
async function allPages(s: HisSession, infno: string, data: Record<string, unknown>, pageSize: number) {
  const rows: Record<string, ParsedJson>[] = [];
  let total = -1;
  let sizes = 0;
  let page = 1;
  for (;; page++) {
    const o = (await s.ok(infno, { data: { ...data, page_num: page, page_size: pageSize } })).output;
    if (total < 0) total = o.recordCounts;
    expect(o).toMatchObject({ recordCounts: total, pages: Math.ceil(total / pageSize), pageNum: page, pageSize, size: o.data.length, isFirstPage: page === 1, hasPreviousPage: page > 1 });
    if (o.size > 0) expect([o.startRow, o.endRow]).toEqual([(page - 1) * pageSize + 1, (page - 1) * pageSize + o.size]);
    sizes += o.size;
    rows.push(...o.data);
    if (o.isLastPage) {
      expect(o).toMatchObject({ hasNextPage: false, nextPage: 0 });
      break;
    }
    expect(o).toMatchObject({ size: pageSize, hasNextPage: true, nextPage: page + 1 });
  }
  expect(sizes).toBe(total);
  expect(rows.length).toBe(total);
  return { rows, total, pages: page };
}

/** What the HIS keeps of the morning, as its own records. */
const copy = new Map<string, Record<string, ParsedJson>>(); // the catalogue copy, by hilist_code|begndate
let visit = { mdtrt_id: "", setl: {} as Record<string, ParsedJson> };
let stay = { mdtrt_id: "", setl: {} as Record<string, ParsedJson> };
let detailFile = "";

describe("a HIS's first morning at H3, one conversation", () => {
  it("9001 signs in", async () => {
    const r = await his.ok("9001", { signIn: { opter_no: "T001", mac: "00-1A-2B-3C-4D-5E", ip: "10.0.0.8" } });
    expect(r.output.signinoutb).toEqual({ sign_no: expect.stringMatching(/^SN/), sign_time: "2022-03-01 07:30:00" });
    his.signNo = r.output.signinoutb.sign_no;
  });

  it("1312 downloads the region's catalogue page by page: the pages add up to recordCounts, then nothing is newer than the last row", async () => {
    his.clock.time = "2022-03-01 07:35:00";
    const { rows, total, pages: page } = await allPages(his, "1312", { updt_time: "" }, PAGE);
    for (const row of rows) {
      expect(row.insu_admdvs).toBe("451000");
      copy.set(`${String(row.hilist_code)}|${String(row.begndate)}`, row);
    }
    const last = rows.at(-1);
    expect(total).toBeGreaterThan(PAGE * 2);
    expect(total % PAGE).not.toBe(0);
    expect(page).toBe(Math.ceil(total / PAGE));
    expect(copy.size).toBe(total); // no row twice across pages, none lost
    // The pages come oldest change first, so the last row carries the latest updt_time; from it, nothing is new.
    const latest = [...copy.values()].map((r) => String(r.updt_time)).sort().at(-1);
    expect(last?.updt_time).toBe(latest);
    const again = await his.ok("1312", { data: { updt_time: last?.updt_time, page_num: 1, page_size: PAGE } });
    expect(again.output).toMatchObject({ data: [], recordCounts: 0, pages: 0, size: 0, hasNextPage: false });
    // A page past the last is empty but still tells the totals.
    const beyond = await his.ok("1312", { data: { page_num: page + 1, page_size: PAGE } });
    expect(beyond.output).toMatchObject({ data: [], recordCounts: total, pages: page, size: 0, startRow: 0, endRow: 0, isLastPage: true, hasNextPage: false });
    // The codes the hospital bills are in its copy, as the catalogue holds them.
    for (const code of [CONSULT, AMOX, NIFE, BED]) expect([...copy.values()].some((r) => r.hilist_code === code), code).toBe(true);
    const consult = [...copy.values()].find((r) => r.hilist_code === CONSULT);
    expect(consult).toMatchObject({ list_type: "201", chrgitm_lv: "01", hilist_pric_uplmt_amt: 10 });
    expect([...copy.values()].find((r) => r.hilist_code === NIFE)).toMatchObject({ list_type: "101", chrgitm_lv: "02", selfpay_prop: 0.1 });
  });

  it("1901 answers the medical types the HIS will register with", async () => {
    const r = await his.ok("1901", { data: { type: "med_type", parentValue: "", admdvs: "451000", date: "2022-03-01", valiFlag: "1" } });
    const values = (r.output.list as { type: string; value: string; label: string }[]).map((e) => [e.type, e.value]);
    expect(values).toEqual(expect.arrayContaining([["med_type", "11"], ["med_type", "21"]]));
    expect(r.output.list.every((e: { type: string }) => e.type === "med_type")).toBe(true);
  });

  it("3301 matches the hospital's own codes to the national codes found in its copy; 1317 answers them", async () => {
    his.clock.time = "2022-03-01 07:50:00";
    const rows = OWN.map((o) => {
      const national = [...copy.values()].find((r) => r.hilist_code === o.national);
      return {
        fixmedins_hilist_id: o.id, fixmedins_hilist_name: o.name, list_type: national?.list_type, med_list_codg: o.national,
        begndate: "2022-01-01", enddate: null, aprvno: national?.list_type === "101" ? "国药准字H00000000" : "",
      };
    });
    const up = await his.ok("3301", { catalogcompin: rows });
    expect(up.output.result.map((r: Record<string, string>) => [r.fixmedins_hilist_id, r.med_list_codg, r.upld_stas])).toEqual(OWN.map((o) => [o.id, o.national, "inserted"]));
    // Read back with the same paging loop as the catalogue: two pages of 3 and 1.
    const { rows: matched, pages } = await allPages(his, "1317", {}, 3);
    expect(pages).toBe(2);
    expect(matched.map((r) => [r.medins_list_codg, r.med_list_codg, r.fixmedins_code, r.vali_flag]).sort()).toEqual(OWN.map((o) => [o.id, o.national, H3, "1"]).sort());
  });

  it("an outpatient visit (1101, 2201, 2203, 2204 by own codes only, 2206, 2207) settles to the fen as the engine settles the bill by national codes", async () => {
    his.clock.time = "2022-03-01 08:10:00";
    const info = await his.ok("1101", { data: { mdtrt_cert_type: "02", mdtrt_cert_no: A.certno, certno: A.certno, psn_cert_type: "01" } });
    expect(info.output.baseinfo).toMatchObject({ psn_no: A.psn_no, certno: A.certno, brdy: "1966-07-07" });
    const reg = await his.ok("2201", { data: { psn_no: A.psn_no, insutype: "390", begntime: his.clock.time, mdtrt_cert_type: "02", mdtrt_cert_no: A.certno, ipt_otp_no: "MZ-0001", dept_code: "A03", dept_name: "内科", caty: "A03" } });
    const mdtrt = reg.output.data.mdtrt_id as string;
    await his.ok("2203", {
      mdtrtinfo: { mdtrt_id: mdtrt, psn_no: A.psn_no, med_type: "11", begntime: his.clock.time, main_cond_dscr: "咽痛", dise_codg: "J06.900", dise_name: "急性上呼吸道感染" },
      diseinfo: [{ diag_type: "1", diag_srt_no: 1, diag_code: "J06.900", diag_name: "急性上呼吸道感染", vali_flag: "1" }],
    });
    his.clock.time = "2022-03-01 08:25:00";
    const wire = VISIT.map((item) => ownLine(his, mdtrt, A.psn_no, item));
    for (const l of wire) expect(l).not.toHaveProperty("med_list_codg");
    const up = await his.ok("2204", { feedetail: wire });
    expect(up.output.result.map((r: Record<string, unknown>) => r.med_list_codg)).toEqual(VISIT.map((i) => i[1]));

    his.clock.time = "2022-03-01 08:30:00";
    const data = { psn_no: A.psn_no, mdtrt_id: mdtrt, med_type: "11", insutype: "390", medfee_sumamt: VISIT_TOTAL, acct_used_flag: "0", psn_setlway: "01", chrg_bchno: "B1" };
    const pre = await his.ok("2206", { data });
    const setl = await his.ok("2207", { data });
    const e = engine(info.output.baseinfo, A, "11", mdtrt, "2022-03-01 08:30:00", VISIT);

    // Every field of setlinfo as the engine has it (money in fen), every fund row, every line's split.
    expect(inFen(setl.output.setlinfo)).toEqual(withoutIds({ ...e.setlinfo }));
    expect(detailInFen(setl.output.setldetail)).toEqual(uncappedAsZero(e.setldetail));
    expect(inFen(pre.output.setlinfo)).toEqual(inFen(setl.output.setlinfo));
    for (const [i, split] of (up.output.result as { det_item_fee_sumamt: number; fulamt_ownpay_amt: number; overlmt_amt: number; preselfpay_amt: number; inscp_scp_amt: number }[]).entries()) {
      const line = e.lines[i];
      expect([split.det_item_fee_sumamt, split.fulamt_ownpay_amt, split.overlmt_amt, split.preselfpay_amt, split.inscp_scp_amt].map((v) => fen(v)))
        .toEqual([line?.det_item_fee_sumamt, line?.fulamt_ownpay_amt, line?.overlmt_amt, line?.preselfpay_amt, line?.inscp_scp_amt]);
    }
    // The bill, in fen: 2.00 over the consultation's cap; 10% of 99.90 paid first (9.99); the rest in scope.
    const s = setl.output.setlinfo;
    expect([s.medfee_sumamt, s.overlmt_selfpay, s.preselfpay_amt, s.inscp_scp_amt].map(fen)).toEqual([14190, 200, 999, 12991]);
    expect(fen(s.fund_pay_sumamt) + fen(s.acct_pay) + fen(s.psn_cash_pay)).toBe(14190);
    expect(fen(s.hifp_pay)).toBeGreaterThan(0);
    visit = { mdtrt_id: mdtrt, setl: setl.output };
  });

  it("a stay (2401, 2301 by own codes only, 2402, 2304) settles as the engine settles it; 4101 takes its settlement list, 4102 answers uploaded", async () => {
    his.clock.time = "2022-03-01 08:40:00";
    const info = await his.ok("1101", { data: { mdtrt_cert_type: "02", mdtrt_cert_no: B.certno, certno: B.certno } });
    const adm = await his.ok("2401", {
      mdtrtinfo: { psn_no: B.psn_no, insutype: "390", begntime: his.clock.time, mdtrt_cert_type: "02", mdtrt_cert_no: B.certno, med_type: "21", ipt_no: "ZY-0001", adm_diag_dscr: "肺炎", adm_bed: "12", adm_dept_codg: "B02", adm_dept_name: "呼吸科" },
      diseinfo: [{ diag_type: "1", diag_srt_no: 1, diag_code: "J18.900", diag_name: "肺炎", vali_flag: "1" }],
    });
    const mdtrt = adm.output.result.mdtrt_id as string;
    his.clock.time = "2022-03-01 09:30:00";
    const up = await his.ok("2301", { feedetail: STAY.map((item) => ownLine(his, mdtrt, B.psn_no, item)) });
    expect(up.output.result.map((r: Record<string, unknown>) => r.med_list_codg)).toEqual(STAY.map((i) => i[1]));
    his.clock.time = "2022-03-01 11:00:00";
    await his.ok("2402", { dscginfo: { mdtrt_id: mdtrt, psn_no: B.psn_no, insutype: "390", endtime: his.clock.time, dscg_way: "1" }, diseinfo: [] });
    his.clock.time = "2022-03-01 11:05:00";
    const setl = await his.ok("2304", { data: { psn_no: B.psn_no, mdtrt_id: mdtrt, insutype: "390", medfee_sumamt: STAY_TOTAL, med_type: "21", acct_used_flag: "0", mid_setl_flag: "0", psn_setlway: "01" } });
    const e = engine(info.output.baseinfo, B, "21", mdtrt, "2022-03-01 11:05:00", STAY);
    expect(inFen(setl.output.setlinfo)).toEqual(withoutIds({ ...e.setlinfo }));
    expect(detailInFen(setl.output.setldetail)).toEqual(uncappedAsZero(e.setldetail));
    const s = setl.output.setlinfo;
    expect([s.medfee_sumamt, s.overlmt_selfpay, s.preselfpay_amt].map(fen)).toEqual([107830, 500, 333]);
    expect(fen(s.fund_pay_sumamt)).toBeGreaterThan(0);
    expect(fen(s.fund_pay_sumamt) + fen(s.acct_pay) + fen(s.psn_cash_pay)).toBe(107830);
    stay = { mdtrt_id: mdtrt, setl: setl.output };

    // The settlement list, its fees by category from the stay's own lines: 床位费 45.00 (甲), 西药费 1,033.30 (1,000 甲, 33.30 乙).
    his.clock.time = "2022-03-01 11:20:00";
    const setl_id = s.setl_id as string;
    const status0 = await his.ok("4102", { data: { setl_id, psn_no: B.psn_no } });
    expect(status0.output.result[0]).toMatchObject({ setl_id, mdtrt_id: mdtrt, upld_stas: "0", list_ver: 0 });
    const list = await his.ok("4101", {
      setlinfo: {
        mdtrt_id: mdtrt, setl_id, psn_no: B.psn_no, fixmedins_code: H3, fixmedins_name: "百色市人民医院", medcasno: "BA-0001", psn_name: info.output.baseinfo.psn_name,
        gend: info.output.baseinfo.gend, brdy: "1958-11-30", ntly: "CHN", naty: "01", patn_cert_type: "01", hi_type: "390", insuplc: "451000",
        ipt_med_type: "1", adm_way: "1", trt_type: "1", adm_time: "2022-03-01 08:40:00", adm_caty: "A03", dscg_time: "2022-03-01 11:00:00", dscg_caty: "A03",
        act_ipt_days: 1, dscg_way: "1", days_rinp_flag_31: "0", setl_begn_date: "2022-03-01", setl_end_date: "2022-03-01",
        psn_selfpay: 0, psn_ownpay: 0, acct_pay: s.acct_pay, psn_cashpay: s.psn_cash_pay, hi_paymtd: "1", medins_fill_dept: "病案科", medins_fill_psn: "张三",
      },
      diseinfo: [{ diag_type: "1", diag_code: "J18.900", diag_name: "肺炎", maindiag_flag: "1", adm_cond_type: "1" }],
      oprninfo: [],
      iteminfo: [
        { med_chrgitm: "01", amt: 45, claa_sumfee: 45, clab_amt: 0, fulamt_ownpay_amt: 0, oth_amt: 0 },
        { med_chrgitm: "09", amt: 1033.3, claa_sumfee: 1000, clab_amt: 33.3, fulamt_ownpay_amt: 0, oth_amt: 0 },
      ],
      payinfo: (setl.output.setldetail as { fund_pay_type: string; fund_payamt: number }[]).map((d) => ({ fund_pay_type: d.fund_pay_type, fund_payamt: d.fund_payamt })),
      icuinfo: [],
      opspdiseinfo: [],
    });
    expect(list.output.data).toEqual({ setl_list_id: setl_id, setl_id, mdtrt_id: mdtrt, list_ver: 1, upld_time: "2022-03-01 11:20:00" });
    const status = await his.ok("4102", { stastinfo: [{ setl_id }] });
    expect(status.output.result).toEqual([expect.objectContaining({ setl_id, mdtrt_id: mdtrt, psn_no: B.psn_no, upld_stas: "1", upld_stas_name: "已上传", list_ver: 1, upld_infno: "4101", upld_time: "2022-03-01 11:20:00" })]);
  });

  it("the cashier's reprints (5201, 5203, 5204) answer each settlement exactly as 2207 and 2304 answered it", async () => {
    his.clock.time = "2022-03-01 11:40:00";
    for (const [p, v, items, medType] of [[A, visit, VISIT, "11"], [B, stay, STAY, "21"]] as const) {
      const setl_id = v.setl.setlinfo.setl_id as string;
      const visits = await his.ok("5201", { data: { psn_no: p.psn_no, begntime: "2022-03-01 00:00:00", endtime: "2022-03-01 23:59:59" } });
      expect(visits.output.mdtrtinfo.map((m: Record<string, unknown>) => [m.mdtrt_id, m.med_type])).toEqual([[v.mdtrt_id, medType]]);

      const r = await his.ok("5203", { data: { psn_no: p.psn_no, setl_id, mdtrt_id: v.mdtrt_id } });
      expect(r.warn_msg).toBeNull();
      expect(r.output.setlinfo).toMatchObject({ ...v.setl.setlinfo, refd_setl_flag: "0", fixmedins_code: H3 });
      for (const k of MONEY) if (k in v.setl.setlinfo) expect(fen(r.output.setlinfo[k]), k).toBe(fen(v.setl.setlinfo[k]));
      expect(r.output.setldetail).toEqual(v.setl.setldetail);

      const lines = await his.ok("5204", { data: { psn_no: p.psn_no, mdtrt_id: v.mdtrt_id, setl_id } });
      expect(lines.output.map((l: Record<string, unknown>) => [l.feedetl_sn, l.setl_id, l.med_list_codg, l.medins_list_codg, l.pric, l.cnt, l.det_item_fee_sumamt]))
        .toEqual(items.map(([sn, national, pric, cnt]) => [sn, setl_id, national, own(national), pric, cnt, Math.round(Math.round(pric * 100) * cnt) / 100]));
      expect(sumFen(lines.output.map((l: { det_item_fee_sumamt: number }) => l.det_item_fee_sumamt))).toBe(fen(v.setl.setlinfo.medfee_sumamt));
    }
  });

  it("at the end of the day 3201 balances the totals, and 3202 by a file uploaded with 9101 balances every settlement to the fen", async () => {
    his.clock.time = "2022-03-01 12:00:00";
    const mine = [visit.setl.setlinfo, stay.setl.setlinfo];
    const yuan = (f: Fen) => f / 100;
    const totals = {
      medfee_sumamt: yuan(sumFen(mine.map((s) => s.medfee_sumamt))), fund_pay_sumamt: yuan(sumFen(mine.map((s) => s.fund_pay_sumamt))),
      acct_pay: yuan(sumFen(mine.map((s) => s.acct_pay))), fixmedins_setl_cnt: 2,
    };
    expect(totals.medfee_sumamt).toBe(1220.2);
    const period = { setl_optins: "451000", stmt_begndate: "2022-03-01", stmt_enddate: "2022-03-01" };
    const t = await his.ok("3201", { data: { ...period, ...totals } });
    expect(t.output.stmtinfo).toEqual({ setl_optins: "451000", stmt_rslt: "0", stmt_rslt_dscr: "对账平" });
    const cash = yuan(sumFen(mine.map((s) => s.psn_cash_pay)));
    expect(t.output.platform).toEqual({ medfee_sumamt: totals.medfee_sumamt, fund_pay_sumamt: totals.fund_pay_sumamt, acct_pay: totals.acct_pay, cash_payamt: cash, setl_cnt: 2 });
    expect(t.output.ledger).toEqual(t.output.platform);
    const offByAFen = await his.ok("3201", { data: { ...period, ...totals, fund_pay_sumamt: yuan((fen(totals.fund_pay_sumamt) + 1) as Fen) } });
    expect(offByAFen.output.stmtinfo.stmt_rslt).toBe("1");

    // The detail file, from the HIS's own records of the two settlements.
    const row = (s: Record<string, ParsedJson>, medfee = s.medfee_sumamt as number) =>
      [s.setl_id, s.mdtrt_id, s.psn_no, medfee.toFixed(2), (s.fund_pay_sumamt as number).toFixed(2), (s.acct_pay as number).toFixed(2), "0"].join("\t");
    const text = `setl_id\tmdtrt_id\tpsn_no\tmedfee_sumamt\tfund_pay_sumamt\tacct_pay\trefd_setl_flag\n${mine.map((s) => row(s)).join("\n")}\n`;
    const bytes = Buffer.from(text, "utf8");
    const up = await his.ok("9101", { fsUploadIn: { in: bytes.toString("base64"), filename: `${H3}_3202.txt`, fixmedins_code: H3 } });
    expect(up.output).toMatchObject({ filename: `${H3}_3202.txt`, dld_endtime: "2022-03-02 12:00:00" });
    detailFile = up.output.file_qury_no as string;
    const back = await his.ok("9102", { fsDownloadIn: { file_qury_no: detailFile, filename: `${H3}_3202.txt`, fixmedins_code: H3 } });
    expect(back.output.file_sha256).toBe(createHash("sha256").update(bytes).digest("hex"));

    const d = await his.ok("3202", { data: { ...period, medfee_sumamt: totals.medfee_sumamt, fund_pay_sumamt: totals.fund_pay_sumamt, cash_payamt: cash, fixmedins_setl_cnt: 2, file_qury_no: detailFile } });
    expect(d.output).toEqual({ stmtinfo: { setl_optins: "451000", stmt_rslt: "0", stmt_rslt_dscr: "明细对账平" }, result: [] });

    // A file one fen off on the stay names that settlement, with the platform's amounts.
    const wrong = `${row(visit.setl.setlinfo)}\n${row(stay.setl.setlinfo, STAY_TOTAL + 0.01)}\n`;
    const up2 = await his.ok("9101", { fsUploadIn: { in: Buffer.from(wrong, "utf8").toString("base64"), filename: "detail-2.txt" } });
    const off = await his.ok("3202", { data: { ...period, file_qury_no: up2.output.file_qury_no } });
    expect(off.output.stmtinfo).toMatchObject({ stmt_rslt: "1", stmt_rslt_dscr: "1笔不符" });
    const st = stay.setl.setlinfo;
    expect(off.output.result).toEqual([{ setl_id: st.setl_id, stmt_rslt: "1", memo: `金额不符：平台医疗费1078.30、基金${(st.fund_pay_sumamt as number).toFixed(2)}、个账0.00` }]);
    expect(await settlementViolations(platform.database)).toEqual([]);
  });

  it("9002 signs out; the sign-in is then closed", async () => {
    his.clock.time = "2022-03-01 12:10:00";
    const out = await his.ok("9002", { signOut: { sign_no: his.signNo, opter_no: "T001" } });
    expect(out.output.signoutoutb).toEqual({ sign_time: "2022-03-01 12:10:00" });
    const after = await his.call("5203", { data: { psn_no: A.psn_no, setl_id: visit.setl.setlinfo.setl_id } });
    expect(after.infcode).toBe(-1);
    expect(after.err_msg).toMatch(/signed out/);
  });
});

describe("another hospital asking for H3's morning", () => {
  beforeAll(async () => {
    await other.signIn();
  });

  it("5201, 5203, 5204 answer H2 nothing of H3's visits, settlements or fee lines", async () => {
    for (const [p, v] of [[A, visit], [B, stay]] as const) {
      const setl_id = v.setl.setlinfo.setl_id as string;
      const visits = await other.ok("5201", { data: { psn_no: p.psn_no } });
      expect(visits.output.mdtrtinfo).toEqual([]);
      const s = await refused(platform.database, () => other.call("5203", { data: { psn_no: p.psn_no, setl_id } }));
      expect(s.err_msg).toMatch(new RegExp(`^data\\.setl_id: 本院（${H2}）无结算 ${setl_id}`));
      expect(JSON.stringify(s)).not.toContain(String(v.setl.setlinfo.medfee_sumamt.toFixed(2)));
      const l = await refused(platform.database, () => other.call("5204", { data: { psn_no: p.psn_no, mdtrt_id: v.mdtrt_id } }));
      expect(l.err_msg).toMatch(new RegExp(`^data\\.mdtrt_id: 本院（${H2}）无就诊 ${v.mdtrt_id}`));
      const bySetl = await refused(platform.database, () => other.call("5204", { data: { psn_no: p.psn_no, mdtrt_id: v.mdtrt_id, setl_id } }));
      expect(bySetl.err_msg).toMatch(/^data\.(mdtrt_id|setl_id): 本院（H45100000002）无/);
    }
    const list = await other.call("4102", { data: { setl_id: stay.setl.setlinfo.setl_id } });
    expect(list.err_msg).toBe(`setl_id: 结算 ${stay.setl.setlinfo.setl_id} 不是本机构的 / settlement ${stay.setl.setlinfo.setl_id} is not this hospital's`);
  });

  it("1317 answers H2 none of H3's matching, and refuses to answer for H3; H3's own codes are not H2's", async () => {
    const mine = await other.ok("1317", { data: { page_num: 1, page_size: 100 } });
    expect(mine.output).toMatchObject({ data: [], recordCounts: 0, pages: 0, isLastPage: true, hasNextPage: false });
    for (const o of OWN) {
      const byCode = await other.ok("1317", { data: { medins_list_codg: o.id, page_num: 1, page_size: 10 } });
      expect(byCode.output.recordCounts).toBe(0);
    }
    const asH3 = await refused(platform.database, () => other.call("1317", { data: { fixmedins_code: H3, page_num: 1, page_size: 100 } }));
    expect(asH3.err_msg).toMatch(/^data\.fixmedins_code: H45100000001 不是本机构/);
  });

  it("9102 never hands H2 H3's detail file, by its number or posing as H3; 3202 cannot reconcile by it", async () => {
    const byNumber = await refused(platform.database, () => other.call("9102", { fsDownloadIn: { file_qury_no: detailFile, filename: `${H3}_3202.txt`, fixmedins_code: H2 } }));
    expect(byNumber.err_msg).toBe(`fsDownloadIn.file_qury_no: 无此文件 / no file ${detailFile} kept for ${H2}`);
    const posing = await refused(platform.database, () => other.call("9102", { fsDownloadIn: { file_qury_no: detailFile, filename: `${H3}_3202.txt`, fixmedins_code: H3 } }));
    expect(posing.err_msg).toMatch(/^fsDownloadIn\.fixmedins_code/);
    expect(JSON.stringify(posing)).not.toContain(String(visit.setl.setlinfo.setl_id));
    const recon = await refused(platform.database, () => other.call("3202", { data: { stmt_begndate: "2022-03-01", stmt_enddate: "2022-03-01", file_qury_no: detailFile } }));
    expect(recon.err_msg).toBe(`data.file_qury_no: no file ${detailFile} uploaded (9101) by ${H2}`);
    // And H2's own day holds none of H3's money.
    const totals = await other.ok("3201", { data: { stmt_begndate: "2022-03-01", stmt_enddate: "2022-03-01", medfee_sumamt: 0, fund_pay_sumamt: 0, acct_pay: 0, fixmedins_setl_cnt: 0 } });
    expect(totals.output.stmtinfo.stmt_rslt).toBe("0");
    expect(totals.output.platform).toEqual({ medfee_sumamt: 0, fund_pay_sumamt: 0, acct_pay: 0, cash_payamt: 0, setl_cnt: 0 });
  });
});
