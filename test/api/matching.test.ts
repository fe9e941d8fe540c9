import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { H2, H3, HisSession, HNC, makeId, openTestPlatform, type TestPlatform } from "../support/his.js";
import { expectError, signedInApi, type Api } from "./support.js";

/** The REST face of 目录对照: each hospital's matching and unmatched codes, and a clerk's matching file. */

const A01 = "XJ01CAA040A001010100973";
const BED = "001102000010000";
const PERSON = { psn_no: "P451000000201", certno: makeId("451002", "1975-01-01", 11), insutype: "390" as const };

let platform: TestPlatform;
let clerk: Api;
let nanchang: Api;

const CSV = [
  "fixmedins_hilist_id,fixmedins_hilist_name,list_type,med_list_codg,begndate,enddate,spec",
  `HA01,阿莫西林胶囊,101,${A01},2022-01-01,,0.25g`,
  `HBED,三人间床位,201,${BED},2022-01-01,,间`,
  "HX,某药,101,XNOTHERE,2022-01-01,,",
  `HBAD,某物,101,${A01},2022-13-01,,`,
].join("\n");

beforeAll(async () => {
  platform = await openTestPlatform([PERSON]);
  clerk = await signedInApi(platform.app, platform.database, { role: "clerk", admdvs: "451000" });
  nanchang = await signedInApi(platform.app, platform.database, { role: "clerk", admdvs: "360100" });
});
afterAll(() => platform.close());

describe("/api/v1 catalogue matching", () => {
  it("imports a matching file for a hospital: good rows recorded, bad rows listed with row and reason, their codes unmatched", async () => {
    const r = await clerk.post(`/api/v1/hospitals/${H3}/matching/file`, CSV, { "content-type": "text/csv" });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ read: 4, inserted: 2, updated: 0, unchanged: 0, rejected_rows: 2, rejected_listed_all: true });
    expect(r.body.rejected).toEqual([
      { row: 4, field: "med_list_codg", reason: "医疗目录编码 XNOTHERE 不在 451000 的医保目录中 / is not in the catalogue of 451000" },
      { row: 5, field: "begndate", reason: expect.stringContaining("2022-13-01") },
    ]);
    const again = await clerk.post(`/api/v1/hospitals/${H3}/matching/file`, CSV, { "content-type": "text/csv" });
    expect(again.body).toMatchObject({ read: 4, inserted: 0, unchanged: 2, rejected_rows: 2 });

    const list = await clerk.get(`/api/v1/hospitals/${H3}/matching?vali_flag=1`);
    expect(list.body.total).toBe(2);
    expect(list.body.items.map((m: { medins_list_codg: string; med_list_codg: string; status: string; source: string }) => [m.medins_list_codg, m.med_list_codg, m.status, m.source]))
      .toEqual([["HA01", A01, "active", "file"], ["HBED", BED, "active", "file"]]);
    const unmatched = await clerk.get(`/api/v1/hospitals/${H3}/matching/unmatched`);
    expect(unmatched.body.items.map((u: { medins_list_codg: string; source: string }) => [u.medins_list_codg, u.source]).sort()).toEqual([["HBAD", "file"], ["HX", "file"]]);
  });

  it("an .xlsx file is read the same", async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet("对照");
    sheet.addRow(["fixmedins_hilist_id", "fixmedins_hilist_name", "list_type", "med_list_codg", "begndate"]);
    sheet.addRow(["HA01X", "阿莫西林（门诊）", "101", A01, "2022-02-01"]);
    const bytes = Buffer.from(await book.xlsx.writeBuffer());
    const r = await clerk.post(`/api/v1/hospitals/${H2}/matching/file`, bytes, { "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" });
    expect(r.body).toMatchObject({ read: 1, inserted: 1, rejected_rows: 0 });
  });

  it("lists the codes fee lines were refused for, and the overview counts each hospital's matched and unmatched codes", async () => {
    const his = new HisSession(platform.app, H3, { time: "2022-03-01 10:00:00" });
    await his.signIn();
    const reg = await his.ok("2201", { data: { psn_no: PERSON.psn_no, insutype: "390", begntime: his.clock.time, mdtrt_cert_type: "02", mdtrt_cert_no: PERSON.certno, ipt_otp_no: "MZ1" } });
    const mdtrt = reg.output.data.mdtrt_id as string;
    const r = await his.call("2204", { feedetail: [{ feedetl_sn: "1", mdtrt_id: mdtrt, psn_no: PERSON.psn_no, medins_list_codg: "HNEW", pric: 1, cnt: 1, fee_ocur_time: his.clock.time }] });
    expect(r.err_msg).toMatch(/feedetail\[0\]\.medins_list_codg: 院内项目编码 HNEW 未做目录对照/);
    const unmatched = await clerk.get(`/api/v1/hospitals/${H3}/matching/unmatched`);
    expect(unmatched.body.items.find((u: { medins_list_codg: string }) => u.medins_list_codg === "HNEW")).toMatchObject({ source: "2204", times: 1, resolved_at: null });

    const overview = await clerk.get("/api/v1/matching");
    const byCode = Object.fromEntries(overview.body.items.map((h: { fixmedins_code: string; matched: number; unmatched: number }) => [h.fixmedins_code, [h.matched, h.unmatched]]));
    expect(byCode).toEqual({ [H3]: [2, 3], [H2]: [1, 0], H45100000003: [0, 0] });
  });

  it("refuses a user out of region, another hospital's operator and a read-only role's upload", async () => {
    expectError(await nanchang.get(`/api/v1/hospitals/${H3}/matching`), 403, "forbidden", "params.fixmedins_code");
    expectError(await nanchang.get(`/api/v1/hospitals/${H3}/matching/unmatched`), 403, "forbidden", "params.fixmedins_code");
    expectError(await nanchang.post(`/api/v1/hospitals/${H3}/matching/file`, CSV, { "content-type": "text/csv" }), 403, "forbidden", "params.fixmedins_code");
    expectError(await clerk.get("/api/v1/matching?admdvs=360100"), 403, "forbidden", "query.admdvs");
    const own = await nanchang.get("/api/v1/matching");
    expect(own.body.items.map((h: { fixmedins_code: string }) => h.fixmedins_code)).toEqual([HNC]);
    expectError(await clerk.get("/api/v1/hospitals/H00000000000/matching"), 404, "not_found", "params.fixmedins_code");

    const operator = await signedInApi(platform.app, platform.database, { role: "hospital", admdvs: "451000", fixmedins_code: H2 });
    expect((await operator.get(`/api/v1/hospitals/${H2}/matching`)).body.total).toBe(1);
    expectError(await operator.get(`/api/v1/hospitals/${H3}/matching`), 403, "forbidden", "params.fixmedins_code");
    expect((await operator.get("/api/v1/matching")).body.items.map((h: { fixmedins_code: string }) => h.fixmedins_code)).toEqual([H2]);
    expectError(await operator.post(`/api/v1/hospitals/${H2}/matching/file`, CSV, { "content-type": "text/csv" }), 403, "forbidden", null);
    const auditor = await signedInApi(platform.app, platform.database, { role: "auditor", admdvs: "451000" });
    expect((await auditor.get(`/api/v1/hospitals/${H3}/matching`)).status).toBe(200);
    expectError(await auditor.post(`/api/v1/hospitals/${H3}/matching/file`, CSV, { "content-type": "text/csv" }), 403, "forbidden", null);
    // Nothing of the refused uploads was recorded.
    expect((await clerk.get(`/api/v1/hospitals/${H3}/matching`)).body.total).toBe(2);
  });

  it("refuses a file without the required columns, naming the body, and records nothing", async () => {
    expectError(await clerk.post(`/api/v1/hospitals/${H3}/matching/file`, "code,name\nx,y\n", { "content-type": "text/csv" }), 400, "invalid_input", "body");
    expect((await clerk.get(`/api/v1/hospitals/${H3}/matching`)).body.total).toBe(2);
  });
});
