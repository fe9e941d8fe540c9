import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { H2, H3, HisSession, makeId, openTestPlatform, refused, sqlRows, type TestPlatform } from "../support/his.js";
import { unmatchedOf } from "../../src/services/reference/index.js";

/** 目录对照: 3301 upload, 3302 cancel, 1317 query, and fee lines priced by the hospital's own codes. */

const A = { psn_no: "P451000000101", certno: makeId("451002", "1970-05-01", 11), insutype: "390" as const };
const B = { psn_no: "P451000000102", certno: makeId("451002", "1970-05-01", 21), insutype: "390" as const };
const C = { psn_no: "P451000000103", certno: makeId("451002", "1980-06-01", 31), insutype: "390" as const };

const A01 = "XJ01CAA040A001010100973"; // 阿莫西林胶囊, drug, class 01
const B02 = "XC08CAA053A008010100212"; // 硝苯地平控释片, drug, class 02
const BED = "001102000010000"; // 床位费, service, class 01, cap 40.00

let platform: TestPlatform;
let h3: HisSession;
let h2: HisSession;

beforeAll(async () => {
  platform = await openTestPlatform([A, B, C]);
  h3 = new HisSession(platform.app, H3, { time: "2022-03-01 10:00:00" });
  h2 = new HisSession(platform.app, H2, { time: "2022-03-01 10:00:00" });
  await h3.signIn();
  await h2.signIn();
});
afterAll(() => platform.close());

const matching = (id: string, name: string, listType: string, code: string, begndate = "2022-01-01", extra: Record<string, unknown> = {}) => ({
  fixmedins_hilist_id: id, fixmedins_hilist_name: name, list_type: listType, med_list_codg: code, begndate, enddate: null, aprvno: "国药准字H00000000", ...extra,
});

function line(his: HisSession, mdtrt_id: string, psn_no: string, sn: string, codes: { med?: string; medins?: string }, pric: number, cnt: number) {
  return {
    feedetl_sn: sn, mdtrt_id, psn_no, chrg_bchno: "B1", ...(codes.med ? { med_list_codg: codes.med } : {}), ...(codes.medins ? { medins_list_codg: codes.medins } : {}),
    pric, cnt, det_item_fee_sumamt: Math.round(pric * cnt * 100) / 100, fee_ocur_time: his.clock.time,
  };
}

async function outpatientVisit(his: HisSession, person: typeof A, ipt: string) {
  const reg = await his.ok("2201", { data: { psn_no: person.psn_no, insutype: "390", begntime: his.clock.time, mdtrt_cert_type: "02", mdtrt_cert_no: person.certno, ipt_otp_no: ipt } });
  const mdtrt = reg.output.data.mdtrt_id as string;
  await his.ok("2203", { mdtrtinfo: { mdtrt_id: mdtrt, psn_no: person.psn_no, med_type: "11", begntime: his.clock.time }, diseinfo: [] });
  return mdtrt;
}

async function settle(his: HisSession, person: typeof A, mdtrt: string, total: number) {
  const data = { psn_no: person.psn_no, mdtrt_id: mdtrt, med_type: "11", insutype: "390", medfee_sumamt: total, acct_used_flag: "0", psn_setlway: "01", chrg_bchno: "B1" };
  await his.ok("2206", { data });
  return (await his.ok("2207", { data })).output.setlinfo;
}

describe("3301 目录对照上传", () => {
  it("records a hospital's codes against national codes of its region's catalogue, and an identical upload changes nothing", async () => {
    const r = await h3.ok("3301", { data: matching("HA01", "阿莫西林胶囊0.25g", "101", A01) });
    expect(r.output.result).toEqual([{ fixmedins_hilist_id: "HA01", med_list_codg: A01, begndate: "2022-01-01", rid: expect.stringMatching(/^\d+$/), upld_stas: "inserted" }]);
    // catalogcompin, as a list, as several clients send it.
    const many = await h3.ok("3301", { catalogcompin: [matching("HBED", "三人间床位", "201", BED), matching("HB02", "硝苯地平控释片", "101", B02)] });
    expect(many.output.result.map((x: { upld_stas: string }) => x.upld_stas)).toEqual(["inserted", "inserted"]);
    const again = await h3.ok("3301", { data: matching("HA01", "阿莫西林胶囊0.25g", "101", A01) });
    expect(again.output.result[0]).toMatchObject({ upld_stas: "unchanged", rid: r.output.result[0].rid });
  });

  it("refuses a national code outside the region's catalogue, or of another kind than the list type, naming the row; the code is noted unmatched", async () => {
    const absent = await refused(platform.database, () => h3.call("3301", { catalogcompin: [matching("HX1", "某药", "101", A01), matching("HX2", "不存在的药", "101", "XNOTINCATALOGUE")] }));
    expect(absent.err_msg).toContain("catalogcompin[1].med_list_codg");
    expect(absent.err_msg).toContain("XNOTINCATALOGUE 不在 451000 的医保目录中");
    const kind = await refused(platform.database, () => h3.call("3301", { data: matching("HX3", "床位", "101", BED) }));
    expect(kind.err_msg).toMatch(/data\.list_type: 001102000010000（床位费\(三人间\)）在目录中是医疗服务项目/);
    const type = await h3.call("3301", { data: matching("HX4", "某药", "999", A01) });
    expect(type.err_msg).toMatch(/data\.list_type: 目录类别 999 不存在/);
    // Nothing of the refused upload was recorded, not even its good row (HX1).
    const q = await h3.ok("1317", { data: { medins_list_codg: "HX1", page_num: 1, page_size: 10 } });
    expect(q.output.recordCounts).toBe(0);
    const open = await unmatchedOf(platform.database.db, H3);
    expect(open.map((u) => [u.medins_list_codg, u.source])).toEqual(expect.arrayContaining([["HX2", "3301"], ["HX3", "3301"], ["HX4", "3301"]]));
  });
});

describe("fee lines priced by the hospital's own codes", () => {
  it("a visit priced by the hospital's codes settles to the fen as the same visit priced by national codes", async () => {
    h3.clock.time = "2022-03-02 09:00:00";
    const byNational = await outpatientVisit(h3, A, "MZ-A");
    const up1 = await h3.ok("2204", { feedetail: [line(h3, byNational, A.psn_no, "1", { med: A01, medins: "HA01" }, 80, 10), line(h3, byNational, A.psn_no, "2", { med: BED }, 45, 1), line(h3, byNational, A.psn_no, "3", { med: B02 }, 20.5, 3)] });
    const s1 = await settle(h3, A, byNational, 906.5);

    const byHospital = await outpatientVisit(h3, B, "MZ-B");
    const up2 = await h3.ok("2204", { feedetail: [line(h3, byHospital, B.psn_no, "1", { medins: "HA01" }, 80, 10), line(h3, byHospital, B.psn_no, "2", { medins: "HBED" }, 45, 1), line(h3, byHospital, B.psn_no, "3", { medins: "HB02" }, 20.5, 3)] });
    expect(up2.output.result).toEqual(up1.output.result.map((r: Record<string, unknown>) => ({ ...r })));
    expect(up2.output.result.map((r: { med_list_codg: string }) => r.med_list_codg)).toEqual([A01, BED, B02]);
    const s2 = await settle(h3, B, byHospital, 906.5);
    const money = (s: Record<string, unknown>) => Object.fromEntries(Object.entries(s).filter(([, v]) => typeof v === "number"));
    expect(money(s2)).toEqual(money(s1));
    expect(s2).toMatchObject({ medfee_sumamt: 906.5, overlmt_selfpay: 5 });
    expect(s2.hifp_pay).toBeGreaterThan(0);
    const stored = await sqlRows<{ med_list_codg: string; medins_list_codg: string }>(platform.database, sql`select med_list_codg, medins_list_codg from fee_lines where mdtrt_id = ${byHospital} order by feedetl_sn`);
    expect(stored).toEqual([{ med_list_codg: A01, medins_list_codg: "HA01" }, { med_list_codg: BED, medins_list_codg: "HBED" }, { med_list_codg: B02, medins_list_codg: "HB02" }]);
  });

  it("refuses an upload with an unmatched code, naming the line and the code, changes nothing, and lists the code as unmatched", async () => {
    h3.clock.time = "2022-03-03 09:00:00";
    const mdtrt = await outpatientVisit(h3, C, "MZ-C1");
    const r = await refused(platform.database, () =>
      h3.call("2204", { feedetail: [line(h3, mdtrt, C.psn_no, "1", { medins: "HA01" }, 10, 1), line(h3, mdtrt, C.psn_no, "2", { medins: "HZZ99" }, 10, 1)] }));
    expect(r.err_msg).toBe("feedetail[1].medins_list_codg: 院内项目编码 HZZ99 未做目录对照（3301）/ is not matched to a national code: upload the matching with 3301");
    const open = await unmatchedOf(platform.database.db, H3);
    expect(open.find((u) => u.medins_list_codg === "HZZ99")).toMatchObject({ source: "2204", times: 1 });
    const twice = await h3.call("2204", { feedetail: [line(h3, mdtrt, C.psn_no, "1", { medins: "HZZ99" }, 10, 1), line(h3, mdtrt, C.psn_no, "2", { medins: "HZZ98" }, 10, 1)] });
    expect(twice.err_msg).toMatch(/^feedetail\[0\]\.medins_list_codg: 2 行的院内项目编码未对照.*feedetail\[0\] HZZ99; feedetail\[1\] HZZ98/);
    expect((await unmatchedOf(platform.database.db, H3)).find((u) => u.medins_list_codg === "HZZ99")?.times).toBe(2);
    // A line without either code is refused too.
    const none = await h3.call("2204", { feedetail: [line(h3, mdtrt, C.psn_no, "1", {}, 10, 1)] });
    expect(none.err_msg).toMatch(/feedetail\[0\]\.med_list_codg: 须填医疗目录编码或院内项目编码/);
  });

  it("refuses a line whose national code disagrees with the matching of its hospital code", async () => {
    const mdtrt = await outpatientVisit(h3, C, "MZ-C2");
    const r = await refused(platform.database, () => h3.call("2204", { feedetail: [line(h3, mdtrt, C.psn_no, "1", { med: A01, medins: "HA01" }, 10, 1), line(h3, mdtrt, C.psn_no, "2", { med: B02, medins: "HA01" }, 10, 1)] }));
    expect(r.err_msg).toBe(`feedetail[1].med_list_codg: ${B02} 与院内项目编码 HA01 的目录对照（自 2022-01-01 起对照 ${A01}）不符 / disagrees with the matching of HA01 (to ${A01} from 2022-01-01)`);
  });

  it("never uses another hospital's matching: H2's line with H3's code is unmatched, and 1317 shows H2 nothing of H3's", async () => {
    h2.clock.time = "2022-03-03 10:00:00";
    const mdtrt = await outpatientVisit(h2, C, "MZ-H2");
    const r = await refused(platform.database, () => h2.call("2204", { feedetail: [line(h2, mdtrt, C.psn_no, "1", { medins: "HA01" }, 10, 1)] }));
    expect(r.err_msg).toMatch(/feedetail\[0\]\.medins_list_codg: 院内项目编码 HA01 未做目录对照/);
    const q = await h2.ok("1317", { data: { page_num: 1, page_size: 100 } });
    expect(q.output).toMatchObject({ data: [], recordCounts: 0, pages: 0 });
    const other = await h2.call("1317", { data: { fixmedins_code: H3, page_num: 1, page_size: 100 } });
    expect(other.err_msg).toMatch(/data\.fixmedins_code: H45100000001 不是本机构/);
    const cancel = await h2.call("3302", { data: { fixmedins_code: H2, fixmedins_hilist_id: "HA01", list_type: "101", med_list_codg: A01 } });
    expect(cancel.err_msg).toMatch(/没有有效的目录对照/);
    expect((await unmatchedOf(platform.database.db, H2)).map((u) => u.medins_list_codg)).toEqual(["HA01"]);
    expect((await unmatchedOf(platform.database.db, H3)).some((u) => u.medins_list_codg === "HA01")).toBe(false);
  });

  it("prices an inpatient stay (2301) by the hospital's codes, by the matching valid on each fee's day", async () => {
    // From June HA01 stands for B02: a fee of May keeps A01, one of June gets B02.
    const re = await h3.ok("3301", { data: matching("HA01", "阿莫西林胶囊0.25g", "101", B02, "2022-06-01") });
    expect(re.output.result[0].upld_stas).toBe("updated");
    h3.clock.time = "2022-05-30 10:00:00";
    const adm = await h3.ok("2401", { mdtrtinfo: { psn_no: C.psn_no, insutype: "390", begntime: h3.clock.time, mdtrt_cert_type: "02", mdtrt_cert_no: C.certno, med_type: "21", ipt_no: "ZY-C" }, diseinfo: [] });
    const mdtrt = adm.output.result.mdtrt_id as string;
    const may = line(h3, mdtrt, C.psn_no, "1", { medins: "HA01" }, 10, 2);
    h3.clock.time = "2022-06-02 10:00:00";
    const june = line(h3, mdtrt, C.psn_no, "2", { medins: "HA01" }, 10, 2);
    const up = await h3.ok("2301", { feedetail: [may, june, line(h3, mdtrt, C.psn_no, "3", { medins: "HBED" }, 40, 3)] });
    expect(up.output.result.map((r: { med_list_codg: string }) => r.med_list_codg)).toEqual([A01, B02, BED]);
    expect(up.output.result.map((r: { det_item_fee_sumamt: number }) => r.det_item_fee_sumamt)).toEqual([20, 20, 120]);
  });
});

describe("3302 目录对照撤销 and 1317 医药机构目录匹配信息查询", () => {
  it("a cancel ends the matching: the code is refused on fee lines and listed as unmatched; a new upload matches it again", async () => {
    const wrongCode = await h3.call("3302", { data: { fixmedins_code: H3, fixmedins_hilist_id: "HBED", list_type: "201", med_list_codg: A01 } });
    expect(wrongCode.err_msg).toMatch(/data\.med_list_codg: 院内项目编码 HBED 对照的是 001102000010000/);
    const ok = await h3.ok("3302", { data: { fixmedins_code: H3, fixmedins_hilist_id: "HBED", list_type: "201", med_list_codg: BED } });
    expect(ok.output.cancelled).toBe(1);
    h3.clock.time = "2022-06-03 09:00:00";
    const mdtrt = await outpatientVisit(h3, C, "MZ-C3");
    const r = await refused(platform.database, () => h3.call("2204", { feedetail: [line(h3, mdtrt, C.psn_no, "1", { medins: "HBED" }, 40, 1)] }));
    expect(r.err_msg).toMatch(/feedetail\[0\]\.medins_list_codg: 院内项目编码 HBED 未做目录对照/);
    expect((await unmatchedOf(platform.database.db, H3)).find((u) => u.medins_list_codg === "HBED")).toMatchObject({ source: "2204", times: 2, medins_list_name: "三人间床位" });
    await h3.ok("3301", { data: matching("HBED", "三人间床位", "201", BED, "2022-01-01") });
    expect((await unmatchedOf(platform.database.db, H3)).some((u) => u.medins_list_codg === "HBED")).toBe(false);
    const up = await h3.ok("2204", { feedetail: [line(h3, mdtrt, C.psn_no, "1", { medins: "HBED" }, 40, 1)] });
    expect(up.output.result[0].med_list_codg).toBe(BED);
  });

  it("1317 answers the hospital's matching with its history, paged, and the rows changed since updt_time", async () => {
    const all = await h3.ok("1317", { data: { page_num: 1, page_size: 100 } });
    const rows = all.output.data as Record<string, string | null>[];
    const ha01 = rows.filter((r) => r.medins_list_codg === "HA01").map((r) => [r.med_list_codg, r.begndate, r.enddate, r.vali_flag]);
    expect(ha01).toEqual([[A01, "2022-01-01", "2022-05-31", "1"], [B02, "2022-06-01", null, "1"]]);
    const hbed = rows.filter((r) => r.medins_list_codg === "HBED").map((r) => r.vali_flag);
    expect(hbed).toEqual(["0", "1"]);
    expect(rows.find((r) => r.medins_list_codg === "HA01" && r.med_list_codg === A01)).toMatchObject({
      fixmedins_code: H3, insu_admdvs: "451000", list_type: "101", aprvno: "国药准字H00000000", medins_list_name: "阿莫西林胶囊0.25g", memo: expect.stringContaining("ends 2022-05-31"),
    });
    expect(all.output).toMatchObject({ recordCounts: 5, pages: 1, pageNum: 1, size: 5, hasNextPage: false });

    const p2 = await h3.ok("1317", { data: { page_num: 2, page_size: 2, vali_flag: "1" } });
    expect(p2.output).toMatchObject({ recordCounts: 4, pages: 2, pageNum: 2, pageSize: 2, size: 2, startRow: 3, endRow: 4, hasNextPage: false, hasPreviousPage: true });
    const p3 = await h3.ok("1317", { data: { page_num: 3, page_size: 2, vali_flag: "1" } });
    expect(p3.output).toMatchObject({ data: [], size: 0, startRow: 0 });
    const seen = new Set([...(await h3.ok("1317", { data: { page_num: 1, page_size: 2, vali_flag: "1" } })).output.data, ...p2.output.data].map((r: { rid: string }) => r.rid));
    expect(seen.size).toBe(4);

    const later = await h3.ok("1317", { data: { page_num: 1, page_size: 100, updt_time: "2999-01-01 00:00:00" } });
    expect(later.output.recordCounts).toBe(0);
    const since = await h3.ok("1317", { data: { page_num: 1, page_size: 100, updt_time: rows[rows.length - 1]?.updt_time } });
    expect(since.output.recordCounts).toBeGreaterThanOrEqual(1);
    const bad = await h3.call("1317", { data: { page_num: 0, page_size: 10 } });
    expect(bad.err_msg).toMatch(/page_num/);
  });
});
