import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HANDLERS } from "../../src/gateway/his/handlers/index.js";
import { CATALOGUE_FILE_COLUMNS } from "../../src/gateway/his/handlers/reference/index.js";
import { unzip } from "../../src/lib/zip.js";
import { MAX_FILE_BYTES } from "../../src/services/common/hisFiles.js";
import { importCatalogue, numberedRows } from "../../src/services/imports/rows.js";
import { H2, H3, HNC, HisSession, openTestPlatform, refused, sqlRows, type ParsedJson, type TestPlatform } from "../support/his.js";

/**
 * A HIS's catalogue morning: the catalogue and dictionaries downloaded page by page (1312, 1316, 1318, 1319, 1901) or as
 * files (1301…, then 9102), kept as an exact copy by asking again from the last updt_time; files fetched back with their
 * digest, and never another hospital's.
 */

let platform: TestPlatform;
let his: HisSession; // H3, region 451000
let h2: HisSession; // H2, region 451000
let hnc: HisSession; // HNC, region 360100

interface DbRow { med_list_codg: string; begndate: string; list_type: string; chrgitm_lv: string; selfpay_prop_ppm: number; pric_uplmt_amt_fen: number | null; updt_time: string }

async function catalogueRows(admdvs: string): Promise<DbRow[]> {
  const rows = await sqlRows<Record<string, unknown>>(platform.database, sql`
    select med_list_codg, to_char(begndate, 'YYYY-MM-DD') as begndate, list_type, chrgitm_lv, selfpay_prop_ppm, pric_uplmt_amt_fen,
      to_char(updt_time, 'YYYY-MM-DD HH24:MI:SS') as updt_time
    from catalogue_entries where admdvs = ${admdvs}`);
  return rows.map((r) => ({
    med_list_codg: String(r.med_list_codg), begndate: String(r.begndate), list_type: String(r.list_type), chrgitm_lv: String(r.chrgitm_lv),
    selfpay_prop_ppm: Number(r.selfpay_prop_ppm), pric_uplmt_amt_fen: r.pric_uplmt_amt_fen === null ? null : Number(r.pric_uplmt_amt_fen), updt_time: String(r.updt_time),
  }));
}

/** Every declared field of the page and of each row is in the answer, and nothing else. */
function conforms(infno: string, output: Record<string, ParsedJson>) {
  const declared = HANDLERS.get(infno)?.output ?? {};
  for (const [node, fields] of Object.entries(declared)) {
    const rows: Record<string, unknown>[] = node === "" ? [output] : output[node.replace(/\[\]$/, "")];
    for (const row of rows) expect(Object.keys(row).sort(), `${infno} ${node}`).toEqual([...fields].sort());
  }
}

/** Downloads every page of a paged transaction, checking each page's totals. */
async function allPages(s: HisSession, infno: string, data: Record<string, unknown>, pageSize: number) {
  const rows: Record<string, ParsedJson>[] = [];
  let total = -1;
  for (let page = 1; ; page++) {
    const r = await s.ok(infno, { data: { ...data, page_num: page, page_size: pageSize } });
    conforms(infno, r.output);
    if (total < 0) total = r.output.recordCounts;
    expect(r.output.recordCounts).toBe(total);
    expect(r.output.pages).toBe(Math.ceil(total / pageSize));
    expect(r.output.pageNum).toBe(page);
    expect(r.output.size).toBe(r.output.data.length);
    rows.push(...r.output.data);
    if (!r.output.hasNextPage) break;
  }
  expect(rows.length).toBe(total);
  return { rows, total };
}

/** A row's identity in a copy: its code and start date (a catalogue row of the database or of an answer). */
const key = (r: Record<string, ParsedJson> | DbRow): string => ("hilist_code" in r ? `${String(r.hilist_code)}|${String(r.begndate)}` : `${String(r.med_list_codg)}|${String(r.begndate)}`);

beforeAll(async () => {
  platform = await openTestPlatform([]);
  his = new HisSession(platform.app, H3);
  h2 = new HisSession(platform.app, H2);
  hnc = new HisSession(platform.app, HNC);
  await his.signIn();
  await h2.signIn();
  await hnc.signIn();
}, 120_000);

afterAll(async () => {
  await platform?.close();
});

describe("1312 the catalogue by pages", () => {
  it("pages through the whole region's catalogue: totals on every page, the last page short, a page beyond the last empty", async () => {
    const db = await catalogueRows("451000");
    const { rows, total } = await allPages(his, "1312", { updt_time: "" }, 100);
    expect(total).toBe(db.length);
    expect(new Set(rows.map(key)).size).toBe(db.length);
    expect(new Set(rows.map(key))).toEqual(new Set(db.map(key)));
    // Every row as the catalogue holds it: class, list type, cap in yuan (to the fen), self-paid share.
    const byKey = new Map(db.map((d) => [key(d), d]));
    for (const r of rows) {
      const d = byKey.get(key(r));
      expect(r.insu_admdvs).toBe("451000");
      expect(r.chrgitm_lv).toBe(d?.chrgitm_lv);
      expect(r.hilist_pric_uplmt_amt === null ? null : Math.round(r.hilist_pric_uplmt_amt * 100)).toBe(d?.pric_uplmt_amt_fen);
      expect(Math.round(r.selfpay_prop * 1_000_000)).toBe(d?.selfpay_prop_ppm);
      expect(r.list_type).toBe(d?.list_type === "service" ? "201" : d?.list_type === "material" ? "301" : r.hilist_code.startsWith("T") ? "102" : "101");
      expect(r.updt_time).toBe(d?.updt_time);
    }
    const pages = Math.ceil(total / 100);
    const last = await his.ok("1312", { data: { page_num: pages, page_size: 100 } });
    expect(last.output).toMatchObject({ size: total - (pages - 1) * 100, startRow: (pages - 1) * 100 + 1, endRow: total, isLastPage: true, hasNextPage: false, nextPage: 0 });
    const beyond = await his.ok("1312", { data: { page_num: pages + 1, page_size: 100 } });
    expect(beyond.output).toMatchObject({ data: [], recordCounts: total, pages, size: 0, startRow: 0, endRow: 0, isLastPage: true, hasNextPage: false });
    // Text numbers, as some clients send them, are the same page.
    const asText = await his.ok("1312", { data: { page_num: "2", page_size: "100" } });
    expect(asText.output.data.map(key)).toEqual(rows.slice(100, 200).map(key));
  });

  it("refuses a page size of 0, one above 1000, a page 0 and a page that is not a number, naming the field; changes nothing", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ page_num: 1, page_size: 0 }, "data.page_size: 本页数据量须为 1 到 1000 / must be a whole number from 1 to 1000, got 0"],
      [{ page_num: 1, page_size: 1001 }, "data.page_size: 本页数据量须为 1 到 1000 / must be a whole number from 1 to 1000, got 1001"],
      [{ page_num: 0, page_size: 10 }, "data.page_num: 当前页数须为 1 或更大的整数 / must be a whole number, 1 or more"],
      [{ page_num: 1, page_size: "ten" }, "input.data.page_size"],
      [{ page_size: 10 }, "input.data.page_num"],
    ];
    for (const [data, words] of cases) {
      const r = await refused(platform.database, () => his.call("1312", { data }));
      expect(r.err_msg).toContain(words);
    }
    expect((await his.ok("1312", { data: { page_num: 1, page_size: 1000 } })).output.size).toBe((await catalogueRows("451000")).length);
    const badType = await refused(platform.database, () => his.call("1312", { data: { page_num: 1, page_size: 10, list_type: "drug" } }));
    expect(badType.err_msg).toContain("data.list_type");
  });

  it("keeps an exact copy: asking again from the last updt_time gives nothing, then exactly the rows an import changed", async () => {
    const copy = new Map<string, Record<string, ParsedJson>>();
    const first = await allPages(his, "1312", {}, 50);
    for (const r of first.rows) copy.set(key(r), r);
    const lastTime = first.rows.map((r) => r.updt_time as string).sort().at(-1) ?? "";
    const none = await his.ok("1312", { data: { updt_time: lastTime, page_num: 1, page_size: 100 } });
    expect(none.output).toMatchObject({ data: [], recordCounts: 0, pages: 0 });

    // The region changes one cap and adds one item, in the same second the HIS copied: it still gets both.
    const consult = first.rows.find((r) => r.hilist_code === "001201000010000");
    expect(consult?.hilist_pric_uplmt_amt).toBe(10);
    const imported = await importCatalogue(platform.database, numberedRows([
      { med_list_codg: "001201000010000", med_list_name: "普通门诊诊查费", admdvs: "451000", chrgitm_lv: "01", selfpay_prop: "0", pric_uplmt_amt: "12.50", list_type: "service", begndate: "2020-01-01", enddate: "" },
      { med_list_codg: "ZTEST0000000001", med_list_name: "测试中成药", admdvs: "451000", chrgitm_lv: "02", selfpay_prop: "0.1", pric_uplmt_amt: "", list_type: "drug", begndate: "2022-01-01", enddate: "" },
    ]));
    expect(imported.rejected).toEqual([]);
    const changed = await allPages(his, "1312", { updt_time: lastTime }, 100);
    expect(changed.rows.map((r) => r.hilist_code).sort()).toEqual(["001201000010000", "ZTEST0000000001"]);
    for (const r of changed.rows) {
      expect(r.updt_time > lastTime).toBe(true);
      copy.set(key(r), r);
    }
    expect(changed.rows.find((r) => r.hilist_code === "001201000010000")?.hilist_pric_uplmt_amt).toBe(12.5);
    // The copy is the catalogue, row for row.
    const db = await catalogueRows("451000");
    expect(new Set(copy.keys())).toEqual(new Set(db.map(key)));
    for (const d of db) expect(copy.get(key(d))?.updt_time).toBe(d.updt_time);
    // An import that changes nothing moves no row.
    const again = await importCatalogue(platform.database, numberedRows([
      { med_list_codg: "ZTEST0000000001", med_list_name: "测试中成药", admdvs: "451000", chrgitm_lv: "02", selfpay_prop: "0.1", pric_uplmt_amt: "", list_type: "drug", begndate: "2022-01-01", enddate: "" },
    ]));
    expect(again.unchanged).toBe(1);
    const latest = changed.rows.map((r) => r.updt_time as string).sort().at(-1);
    expect((await his.ok("1312", { data: { updt_time: latest, page_num: 1, page_size: 10 } })).output.recordCounts).toBe(0);
  });

  it("filters by code, name, class, list type and the day in force", async () => {
    const one = await his.ok("1312", { data: { hilist_code: "XJ01CAA040A001010100973", page_num: 1, page_size: 10 } });
    expect(one.output.data.map((r: ParsedJson) => r.hilist_name)).toEqual(["阿莫西林胶囊"]);
    const db = await catalogueRows("451000");
    const services = await his.ok("1312", { data: { list_type: "201", chrgitm_lv: "01", page_num: 1, page_size: 1000 } });
    expect(services.output.recordCounts).toBe(db.filter((d) => d.list_type === "service" && d.chrgitm_lv === "01").length);
    const byName = await his.ok("1312", { data: { hilist_name: "阿莫西林", page_num: 1, page_size: 100 } });
    expect(byName.output.data.every((r: ParsedJson) => String(r.hilist_name).includes("阿莫西林"))).toBe(true);
    const before = await his.ok("1312", { data: { query_date: "2021-06-30", hilist_code: "ZTEST0000000001", page_num: 1, page_size: 10 } });
    expect(before.output.recordCounts).toBe(0);
    const withdrawn = await his.ok("1312", { data: { vali_flag: "0", page_num: 1, page_size: 10 } });
    expect(withdrawn.output.recordCounts).toBe(0);
  });

  it("answers the treating region's catalogue: the envelope's mdtrtarea_admvs, else the hospital's; a region without one is refused", async () => {
    const nc = await catalogueRows("360100");
    const own = await hnc.send({ ...hnc.envelope("1312", { data: { page_num: 1, page_size: 1 } }), mdtrtarea_admvs: "" });
    expect(own.infcode).toBe(0);
    expect(own.output.recordCounts).toBe(nc.length);
    expect(own.output.data[0].insu_admdvs).toBe("360100");
    const none = await refused(platform.database, () => his.send({ ...his.envelope("1312", { data: { page_num: 1, page_size: 10 } }), mdtrtarea_admvs: "620100" }));
    expect(none.err_msg).toBe("mdtrtarea_admvs: 区划 620100 无医保目录 / Yibao holds no catalogue for region 620100 (it holds 360100, 451000)");
  });
});

describe("1316, 1318, 1319 and 1901", () => {
  it("1316 matches each catalogue code to itself; 1318 lists the caps in yuan; 1319 the self-paid shares first", async () => {
    const db = await catalogueRows("451000");
    const match = await allPages(his, "1316", {}, 200);
    expect(match.total).toBe(db.length);
    for (const r of match.rows) expect(r.med_list_codg).toBe(r.hilist_code);
    expect((await refused(platform.database, () => his.call("1316", { data: { medins_list_codg: "HOSP-1", page_num: 1, page_size: 10 } }))).err_msg).toContain("1317");

    const caps = await allPages(his, "1318", {}, 100);
    const capped = db.filter((d) => d.pric_uplmt_amt_fen !== null);
    expect(caps.total).toBe(capped.length);
    const capOf = new Map(capped.map((d) => [key(d), d.pric_uplmt_amt_fen]));
    for (const r of caps.rows) expect(Math.round(r.hilist_pric_uplmt_amt * 100)).toBe(capOf.get(key(r)));
    expect(caps.rows.find((r) => r.hilist_code === "001102000010000")?.hilist_pric_uplmt_amt).toBe(40);

    const shares = await allPages(his, "1319", {}, 100);
    const selfpay = db.filter((d) => d.chrgitm_lv === "02" && d.selfpay_prop_ppm > 0);
    expect(shares.total).toBe(selfpay.length);
    expect(shares.rows.find((r) => r.hilist_code === "XC08CAA053A008010100212")?.selfpay_prop).toBe(0.1);
  });

  it("1901 answers the project's dictionaries; an unknown type is refused with the list", async () => {
    const insutype = await his.ok("1901", { data: { type: "insutype", parentValue: "", admdvs: "451000", date: "2022-03-01", valiFlag: "1" } });
    conforms("1901", insutype.output);
    expect(insutype.output.list.find((e: ParsedJson) => e.value === "390")).toMatchObject({ type: "insutype", label: "城乡居民基本医疗保险", valiFlag: "1" });
    const medType = await his.ok("1901", { data: { type: "med_type" } });
    expect(medType.output.list.map((e: ParsedJson) => e.value)).toContain("14");
    const all = await his.ok("1901", { data: { type: "" } });
    expect(new Set(all.output.list.map((e: ParsedJson) => e.type))).toEqual(new Set(["insutype", "med_type", "psn_type", "chrgitm_lv", "med_chrgitm_type", "fund_pay_type", "mdtrt_cert_type", "psn_cert_type", "gend", "list_type"]));
    const bad = await refused(platform.database, () => his.call("1901", { data: { type: "nation" } }));
    expect(bad.err_msg).toContain('data.type: 无此字典 / no dictionary "nation"; Yibao answers insutype, med_type');
  });
});

describe("catalogue files (1301…) and 9102", () => {
  it("1301 makes the drug file, 9102 hands it back with its digest; the next version from the file's last ver is empty", async () => {
    const db = await catalogueRows("451000");
    const western = db.filter((d) => d.list_type === "drug" && !d.med_list_codg.startsWith("T"));
    const made = await his.ok("1301", { data: { ver: "0" } });
    conforms("1301", made.output);
    expect(made.output.data_cnt).toBe(western.length);
    expect(made.output.dld_end_time).toBe("2022-03-02 10:00:00");
    const got = await his.ok("9102", { fsDownloadIn: { file_qury_no: made.output.file_qury_no, filename: "plc", fixmedins_code: H3 } });
    conforms("9102", got.output);
    const bytes = Buffer.from(got.output.file_byte, "base64");
    expect(got.output.file_size).toBe(bytes.length);
    expect(got.output.file_sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(got.output.filename).toBe(made.output.filename);
    const [entry] = unzip(bytes);
    const lines = (entry?.data.toString("utf8") ?? "").split("\n").filter((l) => l !== "");
    expect(lines.length).toBe(western.length);
    const cells = lines.map((l) => l.split("\t"));
    for (const c of cells) expect(c.length).toBe(CATALOGUE_FILE_COLUMNS.length);
    const col = (name: string) => CATALOGUE_FILE_COLUMNS.indexOf(name as (typeof CATALOGUE_FILE_COLUMNS)[number]);
    expect(new Set(cells.map((c) => `${c[col("hilist_code")]}|${c[col("begndate")]}`))).toEqual(new Set(western.map(key)));
    const ver = cells.map((c) => c[col("ver")] ?? "").sort().at(-1) ?? "";
    expect(ver).toMatch(/^\d{14}$/);
    const next = await his.ok("1301", { data: { ver } });
    expect(next.output.data_cnt).toBe(0);
    const services = await his.ok("1305", { data: { ver: "" } });
    expect(services.output.data_cnt).toBe(db.filter((d) => d.list_type === "service").length);
    expect((await refused(platform.database, () => his.call("1301", { data: { ver: "v2" } }))).err_msg).toContain("input.data.ver");
  });

  it("9101 then 9102: the same bytes and their digest; another hospital never gets the file; a wrong name is refused", async () => {
    const content = Buffer.from("setl_id\tmdtrt_id\n对账明细\t1\n", "utf8");
    const up = await his.ok("9101", { fsUploadIn: { in: content.toString("base64"), filename: "detail.txt", fixmedins_code: H3 } });
    const down = await his.ok("9102", { fsDownloadIn: { file_qury_no: up.output.file_qury_no, filename: "detail.txt", fixmedins_code: H3 } });
    expect(Buffer.from(down.output.file_byte, "base64").equals(content)).toBe(true);
    expect(down.output).toMatchObject({ file_size: content.length, file_sha256: createHash("sha256").update(content).digest("hex"), file_sufx: "txt", dld_endtime: up.output.dld_endtime });

    const other = await refused(platform.database, () => h2.call("9102", { fsDownloadIn: { file_qury_no: up.output.file_qury_no, filename: "detail.txt", fixmedins_code: H2 } }));
    expect(other.err_msg).toBe(`fsDownloadIn.file_qury_no: 无此文件 / no file ${up.output.file_qury_no} kept for ${H2}`);
    const posing = await refused(platform.database, () => h2.call("9102", { fsDownloadIn: { file_qury_no: up.output.file_qury_no, filename: "detail.txt", fixmedins_code: H3 } }));
    expect(posing.err_msg).toContain("fsDownloadIn.fixmedins_code");
    const wrongName = await refused(platform.database, () => his.call("9102", { fsDownloadIn: { file_qury_no: up.output.file_qury_no, filename: "other.txt" } }));
    expect(wrongName.err_msg).toContain("fsDownloadIn.filename");
    // A day later the file is gone.
    const later = new HisSession(platform.app, H3, { time: "2022-03-02 10:00:01" });
    later.signNo = his.signNo;
    const expired = await refused(platform.database, () => later.call("9102", { fsDownloadIn: { file_qury_no: up.output.file_qury_no, filename: "plc" } }));
    expect(expired.err_msg).toContain("文件已过期");
  });

  it("9101 refuses a file above the limit, saying the limit, and keeps nothing", async () => {
    const count = async () => Number((await sqlRows<{ n: string }>(platform.database, sql`select count(*) as n from his_files`))[0]?.n);
    const before = await count();
    const big = Buffer.alloc(MAX_FILE_BYTES + 1, 0x41);
    const r = await his.call("9101", { fsUploadIn: { in: big.toString("base64"), filename: "big.txt" } });
    expect(r.infcode).toBe(-1);
    expect(r.err_msg).toBe(`fsUploadIn.in: 文件过大：${MAX_FILE_BYTES + 1} 字节，上限 ${MAX_FILE_BYTES} 字节（16 MB），请压缩（zip）或分成几个文件上传 / is ${MAX_FILE_BYTES + 1} bytes, more than the limit of ${MAX_FILE_BYTES} (16 MB): zip it or split it`);
    expect(await count()).toBe(before);
  });
});
