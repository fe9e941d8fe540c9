import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "../src/domain/errors.js";
import { DEMO_PERSONS, demoData, seedDemo, syntheticResidentId, type DemoPerson } from "../src/services/demo/demo.js";
import { importFile, openImportSource } from "../src/services/imports/files.js";
import { importPersons, numberedRows, personNumber } from "../src/services/imports/rows.js";
import { importSupplementary } from "../src/services/imports/supplementary.js";
import { shippedPolicy } from "../src/services/reference/shipped.js";
import { rowsOf } from "../src/services/common/sql.js";
import type { Database } from "../src/store/db.js";
import { openTestDatabase } from "./support/db.js";

let database: Database;
let dir: string;

beforeAll(async () => {
  database = await openTestDatabase();
  dir = mkdtempSync(join(tmpdir(), "yibao-imports-"));
});

afterAll(async () => {
  await database?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const query = <T>(text: string) => rowsOf<T>(database.db, sql.raw(text));
const count = async (table: string) => Number((await query<{ n: string | number }>(`select count(*) as n from ${table}`))[0]?.n);
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
/** The report as [row, field, reason] triples (reason cut to its Chinese part, before " / "). */
const reportOf = (path: string) =>
  readFileSync(path, "utf8")
    .replace(/^\uFEFF/, "")
    .trim()
    .split(/\r\n/)
    .slice(1)
    .map((line) => line.split(","));

// Beijing IDs for the import tests, so that they never meet the demo's persons (Baise, Nanchang).
const man = syntheticResidentId("110101", "19800101", 11); // male (odd sequence)
const woman = syntheticResidentId("110101", "19851231", 22); // female
const employee = syntheticResidentId("110105", "19700615", 33);
const child = syntheticResidentId("110102", "20150220", 44);
const badCheck = man.slice(0, 17) + (man[17] === "0" ? "1" : "0");

describe("demo seed", () => {
  it("loads 1,000+ persons of 451000, the hospitals and the catalogues into an empty database", async () => {
    const seeded = await seedDemo(database);
    expect(seeded.seeded).toBe(true);
    expect(await count("persons")).toBeGreaterThanOrEqual(1000);
    expect(await count("persons where insuplc_admdvs = '451000'")).toBe(1000);
    expect(await count("persons where insuplc_admdvs = '360100'")).toBeGreaterThan(0);
    expect(await count("fixmedins")).toBe(4);
    expect(await count("fixmedins where admdvs = '451000'")).toBe(3);
    expect(await count("catalogue_entries")).toBe(seeded.catalogue);
    expect(seeded.catalogue).toBeGreaterThan(700);
    const shares = await query<{ insutype: string; n: string | number }>(
      "select insutype, count(*) as n from enrollments where year = 2022 group by insutype order by insutype",
    );
    const employees = Number(shares.find((s) => s.insutype === "310")?.n);
    const residents = Number(shares.find((s) => s.insutype === "390")?.n);
    expect(employees / (employees + residents)).toBeGreaterThan(0.12);
    expect(employees / (employees + residents)).toBeLessThan(0.3);
    const categories = await query<{ psn_idet_type: string }>("select distinct psn_idet_type from person_identities order by 1");
    expect(categories.map((c) => c.psn_idet_type)).toEqual(
      ["de_facto_orphan", "destitute", "illness_impoverished", "lifted", "low_income", "minimum_living", "monitored", "orphan"],
    );
    // Most persons have no category.
    expect(await count("(select distinct psn_no from person_identities) x")).toBeLessThan(500);
  });

  it("has the well-known persons the README names", async () => {
    const [destitute, plain, employee, monitored] = DEMO_PERSONS;
    const person = async (certno: string) =>
      (await query<{ psn_no: string; psn_name: string; balc_fen: string | number }>(`select psn_no, psn_name, balc_fen from persons where certno = '${certno}'`))[0];
    const identities = async (certno: string) =>
      (await query<{ t: string; b: string; e: string | null }>(
        `select psn_idet_type as t, begntime::text as b, endtime::text as e from person_identities i join persons p using (psn_no) where p.certno = '${certno}'`,
      ));
    expect((await person(destitute!.certno))?.psn_name).toBe(destitute!.psn_name);
    expect(await identities(destitute!.certno)).toEqual([{ t: "destitute", b: "2022-01-01", e: null }]);
    expect(await identities(plain!.certno)).toEqual([]);
    expect(employee!.insutype).toBe("310");
    expect(Number((await person(employee!.certno))?.balc_fen)).toBe(200_000);
    expect(await identities(monitored!.certno)).toEqual([{ t: "monitored", b: "2022-01-01", e: null }]);
    const enrolled = await query<{ insutype: string }>(
      `select e.insutype from enrollments e join persons p using (psn_no) where p.certno = '${employee!.certno}' and e.year = 2022`,
    );
    expect(enrolled).toEqual([{ insutype: "310" }]);
  });

  it("enrols about a quarter of Baise in 惠民保 and the charity's families of the year, none of the README's persons", async () => {
    const baise = await count("persons where insuplc_admdvs = '451000'");
    const huiminbao = await count("supplementary_enrollments where tier_id = 'huiminbao' and year = 2022");
    expect(huiminbao / baise).toBeGreaterThan(0.2);
    expect(huiminbao / baise).toBeLessThan(0.3);
    // The charity's list of 2022: every Baise person destitute, an orphan, minimum-living or low-income at some time in 2022.
    const families = await count(`persons p where p.insuplc_admdvs = '451000' and exists (select 1 from person_identities i where i.psn_no = p.psn_no
      and i.psn_idet_type in ('destitute', 'orphan', 'de_facto_orphan', 'minimum_living', 'low_income') and i.begntime <= '2022-12-31'
      and (i.endtime is null or i.endtime >= '2022-01-01')) and p.certno not in (${DEMO_PERSONS.map((d) => `'${d.certno}'`).join(",")})`);
    expect(families).toBeGreaterThan(50);
    expect(await count("supplementary_enrollments where tier_id = 'charity' and year = 2022")).toBe(families);
    expect(await count(`supplementary_enrollments s join persons p using (psn_no) where p.certno in (${DEMO_PERSONS.map((d) => `'${d.certno}'`).join(",")})`)).toBe(0);
    expect(await count("supplementary_enrollments where end_date is not null or begin_date <> make_date(year, 1, 1)")).toBe(0);
  });

  it("is deterministic and idempotent", async () => {
    expect(demoData()).toEqual(demoData());
    const before = await count("persons");
    const again = await seedDemo(database);
    expect(again.seeded).toBe(false);
    expect(await count("persons")).toBe(before);
    // The same rows imported again change nothing.
    const reimport = await importPersons(database, numberedRows(demoData().persons), { year: 2022 });
    expect(reimport).toMatchObject({ read: before, inserted: 0, updated: 0, unchanged: before, rejectedRows: 0 });
  });
});

const PERSONS_HEADER = "certno,psn_name,gend,brdy,insutype,insuplc_admdvs,tel,emp_name,balc,household_id";
const personsCsv = [
  `\uFEFF${PERSONS_HEADER}`,
  `${man},张三丰,1,1980-01-01,390,110100,13800000001,,,HH1`, // row 2: good
  `${woman},李四娘,2,1985-12-31,390,110100,,,,HH1`, // row 3: good
  `${employee},"王五",1,1970-06-15,310,110100,010-66668888,"演示公司,北京",2000.5,`, // row 4: good (quoted comma)
  `${badCheck},赵六,1,1980-01-01,390,110100,,,,`, // row 5: check digit
  `${child},钱七,1,2015-02-20,390,110100,,,,`, // row 6: gend 1 but the ID says female (even sequence digit 4)
  `${syntheticResidentId("110101", "19900101", 55)},孙八,1,1990/01/01,390,110100,,,,`, // row 7: bad date
  `${syntheticResidentId("110101", "19900101", 57)},周九,1,1990-01-02,390,110100,,,,`, // row 8: brdy differs from the ID
  `${syntheticResidentId("110101", "19900101", 59)},吴十,1,1990-01-01,391,991000,,,,`, // row 9: insutype and region
  `${syntheticResidentId("110101", "19900101", 61)},郑一,1,1990-01-01,390,110100,,,12.5,`, // row 10: balance for a resident
  `${man},张三丰,1,1980-01-01,390,110100,,,,`, // row 11: repeats row 2
  `${syntheticResidentId("110101", "19900101", 63)},"冯二`, // rows 12-13: a name with a line break
  `二",1,1990-01-01,390,110100,,,,`,
  `${syntheticResidentId("110101", "19900101", 65)},陈三,1,1990-01-01,390,110100,,,,,extra`, // row 14: too many fields
  ``,
  `,,,,,,,,,`, // rows 15-16: blank, skipped
  `${child},钱七,2,2015-02-20,390,110100,,,,`, // row 17: good
].join("\r\n");

describe("persons", () => {
  let path: string;

  it("keeps the good rows and reports the bad ones with row number, field and reason", async () => {
    path = file("persons.csv", personsCsv);
    const outcome = await importFile(database, "persons", path, { year: 2022 });
    const r = outcome.result;
    expect(r).toMatchObject({ read: 13, inserted: 4, updated: 0, unchanged: 0, rejectedRows: 9 });
    const rows = r.rejected.map((x) => [x.row, x.field]);
    expect(rows).toEqual([
      [5, "certno"],
      [6, "gend"],
      [7, "brdy"],
      [8, "brdy"],
      [9, "insutype"],
      [9, "insuplc_admdvs"],
      [10, "balc"],
      [11, "certno"],
      [12, "psn_name"],
      [14, "(row)"],
      // The blank rows 15-16 are skipped.
    ]);
    expect(r.rejected.find((x) => x.row === 5)?.reason).toMatch(/^身份证校验位错误 \/ check digit is wrong/);
    expect(r.rejected.find((x) => x.row === 6)?.reason).toMatch(/性别与身份证号不符/);
    expect(r.rejected.find((x) => x.row === 7)?.reason).toMatch(/日期格式错误.*YYYY-MM-DD/);
    expect(r.rejected.find((x) => x.row === 11)?.reason).toMatch(/与第2行重复 \/ repeats the key of row 2/);
    expect(outcome.reportPath).toBe(`${path}.report.csv`);
    const report = reportOf(outcome.reportPath);
    expect(report.map((l) => [Number(l[0]), l[1]])).toEqual(rows);
    expect(readFileSync(outcome.reportPath, "utf8")).toContain("身份证校验位错误 / check digit is wrong");
  });

  it("stores what the rows say: person number, enrollment, balance in fen", async () => {
    const [p] = await query<Record<string, unknown>>(`select *, brdy::text as brdy from persons where certno = '${employee}'`);
    expect(p).toMatchObject({
      psn_no: personNumber("110100", employee), psn_name: "王五", gend: "1", brdy: "1970-06-15", tel: "010-66668888", emp_name: "演示公司,北京",
    });
    expect(Number(p?.balc_fen)).toBe(200_050);
    expect(String(p?.psn_no)).toHaveLength(20);
    const enrolled = await query<{ insutype: string; admdvs: string; year: number; status: string; d: string }>(
      `select insutype, admdvs, year, status, psn_insu_date::text as d from enrollments where psn_no = '${personNumber("110100", employee)}'`,
    );
    expect(enrolled).toEqual([{ insutype: "310", admdvs: "110100", year: 2022, status: "enrolled", d: "2022-01-01" }]);
  });

  it("changes nothing when the same file is imported again (but the date the facts are confirmed as of)", async () => {
    // facts_as_of moves on to the second import's time (a later, older file must not undo facts confirmed since).
    const facts = "select to_jsonb(p) - 'facts_as_of' as person, facts_as_of from persons p order by certno";
    const before = await query<{ person: unknown; facts_as_of: unknown }>(facts);
    const enrollments = await query<unknown>("select * from enrollments order by id");
    const again = await importFile(database, "persons", path, { year: 2022 });
    expect(again.result).toMatchObject({ read: 13, inserted: 0, updated: 0, unchanged: 4, older: 0, rejectedRows: 9 });
    const after = await query<{ person: unknown; facts_as_of: unknown }>(facts);
    expect(after.map((p) => p.person)).toEqual(before.map((p) => p.person));
    expect(after.filter((p, i) => new Date(String(p.facts_as_of)) > new Date(String(before[i]?.facts_as_of))).length).toBe(4);
    expect(await query<unknown>("select * from enrollments order by id")).toEqual(enrollments);
    // Imported a third time as of the same time as the second: not one byte changes.
    const asOf = new Date(String(after.find((p) => p.facts_as_of !== null)?.facts_as_of)).toISOString();
    const snapshot = await query<unknown>("select * from persons order by certno");
    expect((await importFile(database, "persons", path, { year: 2022, asOf })).result).toMatchObject({ unchanged: 4, older: 0 });
    expect(await query<unknown>("select * from persons order by certno")).toEqual(snapshot);
  });

  it("counts a changed row as updated, and a new year's enrollment too", async () => {
    const changed = file("persons-changed.csv", [PERSONS_HEADER, `${man},张三丰,1,1980-01-01,390,110100,13900000009,,,HH1`, `${woman},李四娘,2,1985-12-31,390,110100,,,,HH1`].join("\n"));
    expect((await importFile(database, "persons", changed, { year: 2022 })).result).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });
    expect((await importFile(database, "persons", changed, { year: 2023 })).result).toMatchObject({ inserted: 0, updated: 2, unchanged: 0 });
    expect((await importFile(database, "persons", changed, { year: 2023 })).result).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
  });

  it("leaves optional columns the file does not have alone", async () => {
    const narrow = file("persons-narrow.csv", ["certno,psn_name,gend,brdy,insutype,insuplc_admdvs", `${employee},王五,1,1970-06-15,310,110100`].join("\n"));
    expect((await importFile(database, "persons", narrow, { year: 2022 })).result).toMatchObject({ unchanged: 1 });
    const [p] = await query<{ balc_fen: string | number; tel: string }>(`select balc_fen, tel from persons where certno = '${employee}'`);
    expect(Number(p?.balc_fen)).toBe(200_050);
    expect(p?.tel).toBe("010-66668888");
  });
});

describe("identities", () => {
  it("keeps good categories and reports unknown codes, bad dates, reversed periods and unknown persons", async () => {
    const stranger = syntheticResidentId("110101", "19600101", 71);
    const path = file(
      "identities.csv",
      [
        "certno,psn_idet_type,begntime,endtime",
        `${man},minimum_living,2022-01-01,2022-12-31`, // 2
        `${woman},monitored,2022-03-01,`, // 3: open end
        `${child},孤儿,2022-01-01 00:00:00,2022-12-31 00:00:00`, // 4: the Chinese name, the national time form
        `${man},poor,2022-01-01,2022-12-31`, // 5: unknown category
        `${woman},low_income,2022-02-30,`, // 6: no such date
        `${child},de_facto_orphan,2022-06-01,2022-05-31`, // 7: end before begin
        `${stranger},destitute,2022-01-01,`, // 8: no such person
        `${badCheck},destitute,2022-01-01,`, // 9: check digit
      ].join("\n"),
    );
    const { result } = await importFile(database, "identities", path);
    expect(result).toMatchObject({ read: 8, inserted: 3, updated: 0, unchanged: 0, rejectedRows: 5 });
    expect(result.rejected.map((x) => [x.row, x.field])).toEqual([
      [5, "psn_idet_type"],
      [6, "begntime"],
      [7, "endtime"],
      [8, "certno"],
      [9, "certno"],
    ]);
    expect(result.rejected[0]?.reason).toMatch(/^未知的人员身份类别 \/ is not a known category/);
    expect(result.rejected[2]?.reason).toMatch(/^终止日期早于开始日期 \/ 2022-05-31 is before begntime 2022-06-01/);
    expect(result.rejected[3]?.reason).toMatch(/请先导入人员 \/ no insured person has this certno/);
    const stored = await query<{ t: string; b: string; e: string | null }>(
      `select psn_idet_type as t, begntime::text as b, endtime::text as e from person_identities i join persons p using (psn_no) where p.insuplc_admdvs = '110100' order by 1`,
    );
    expect(stored).toEqual([
      { t: "minimum_living", b: "2022-01-01", e: "2022-12-31" },
      { t: "monitored", b: "2022-03-01", e: null },
      { t: "orphan", b: "2022-01-01", e: "2022-12-31" },
    ]);
    const again = await importFile(database, "identities", path);
    expect(again.result).toMatchObject({ inserted: 0, updated: 0, unchanged: 3, rejectedRows: 5 });
    const ended = file("identities-ended.csv", ["certno,psn_idet_type,begntime,endtime", `${woman},monitored,2022-03-01,2022-09-30`].join("\n"));
    expect((await importFile(database, "identities", ended)).result).toMatchObject({ inserted: 0, updated: 1 });
  });
});

describe("fixmedins and catalogue", () => {
  it("imports hospitals, refusing a bad level or code, and re-imports without change", async () => {
    const path = file(
      "fixmedins.csv",
      [
        "fixmedins_code,fixmedins_name,medins_lv,admdvs",
        "H11010000001,北京演示医院,3,110100",
        "H11010000002,北京演示社区卫生服务中心,4,110100", // 3: level
        "H1101000003,短编码医院,1,110100", // 4: 11 characters
        "H11010000004,,1,1101", // 5: name and region
      ].join("\n"),
    );
    const { result } = await importFile(database, "fixmedins", path);
    expect(result).toMatchObject({ read: 4, inserted: 1, rejectedRows: 3 });
    expect(result.rejected.map((x) => [x.row, x.field])).toEqual([[3, "medins_lv"], [4, "fixmedins_code"], [5, "fixmedins_name"], [5, "admdvs"]]);
    expect(result.rejected[0]?.reason).toMatch(/^医院等级须为1、2或3 \/ must be 1, 2 or 3, got "4"/);
    expect((await importFile(database, "fixmedins", path)).result).toMatchObject({ inserted: 0, updated: 0, unchanged: 1 });
  });

  it("imports catalogue entries with the catalogue's own validation", async () => {
    const path = file(
      "catalogue.csv",
      [
        "med_list_codg,med_list_name,admdvs,chrgitm_lv,selfpay_prop,pric_uplmt_amt,list_type,begndate,enddate",
        "DEMO0001,演示药品甲,110100,01,0,12.50,drug,2022-01-01,",
        "DEMO0002,演示药品乙,110100,02,0.1,,drug,2022-01-01,2022-12-31",
        "DEMO0003,演示项目,110100,04,0,,service,2022-01-01,", // 4: level
        "DEMO0004,演示材料,110100,01,0.2,,material,2022-01-01,", // 5: self-pay share on class 01
        "DEMO0005,演示药品丙,110100,03,0,,drug,2022-13-01,", // 6: date
      ].join("\n"),
    );
    const { result } = await importFile(database, "catalogue", path);
    expect(result).toMatchObject({ read: 5, inserted: 2, rejectedRows: 3 });
    expect(result.rejected.map((x) => [x.row, x.field])).toEqual([[4, "chrgitm_lv"], [5, "selfpay_prop"], [6, "begndate"]]);
    const [entry] = await query<{ selfpay_prop_ppm: number; pric_uplmt_amt_fen: string | number | null }>(
      "select selfpay_prop_ppm, pric_uplmt_amt_fen from catalogue_entries where med_list_codg = 'DEMO0002'",
    );
    expect(entry).toEqual({ selfpay_prop_ppm: 100_000, pric_uplmt_amt_fen: null });
    expect((await importFile(database, "catalogue", path)).result).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
  });
});

describe("files", () => {
  it("reads an .xlsx workbook: text IDs, date and number cells; an ID stored as a number is refused", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("人员");
    workbook.addWorksheet("second sheet, ignored").addRow(["anything"]);
    sheet.addRow(["certno", "psn_name", "gend", "brdy", "insutype", "insuplc_admdvs", "balc"]);
    const a = syntheticResidentId("110106", "19750304", 13);
    const b = syntheticResidentId("110106", "19880808", 24);
    const c = syntheticResidentId("110106", "19990909", 35);
    sheet.addRow([a, "表格甲", 1, new Date(Date.UTC(1975, 2, 4)), 310, 110100, 1234.5]);
    sheet.addRow([b, "表格乙", "2", "1988-08-08", "390", "110100", null]);
    sheet.addRow([Number(c), "表格丙", 1, new Date(Date.UTC(1999, 8, 9)), 390, 110100, null]);
    sheet.getColumn(4).numFmt = "yyyy-mm-dd";
    const path = join(dir, "persons.xlsx");
    await workbook.xlsx.writeFile(path);

    const { result } = await importFile(database, "persons", path, { year: 2022 });
    expect(result).toMatchObject({ read: 3, inserted: 2, rejectedRows: 1 });
    expect(result.rejected).toEqual([{ row: 4, field: "certno", reason: expect.stringMatching(/身份证号被存为数字.*format the column as text/) }]);
    const [p] = await query<{ brdy: string; balc_fen: string | number }>(`select brdy::text as brdy, balc_fen from persons where certno = '${a}'`);
    expect(p?.brdy).toBe("1975-03-04");
    expect(Number(p?.balc_fen)).toBe(123_450);
    expect((await importFile(database, "persons", path, { year: 2022 })).result).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
  });

  it("refuses the rows of a file that is not UTF-8 (GBK from an old export), naming the cause", async () => {
    const gbkName = Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]); // 张三 in GBK
    const path = join(dir, "gbk.csv");
    writeFileSync(path, Buffer.concat([Buffer.from(`${PERSONS_HEADER}\n${man},`), gbkName, Buffer.from(",1,1980-01-01,390,110100,,,,\n")]));
    const { result, reportPath } = await importFile(database, "persons", path, { year: 2022 });
    expect(result).toMatchObject({ read: 1, inserted: 0, rejectedRows: 1 });
    expect(result.rejected[0]).toMatchObject({ row: 2, field: "psn_name", reason: expect.stringMatching(/UTF-8/) });
    expect(reportOf(reportPath)).toHaveLength(1);
  });

  it("refuses a file whose header lacks a required column, naming it, before anything is imported", async () => {
    const path = file("no-name.csv", ["certno,gend,brdy,insutype,insuplc_admdvs", `${man},1,1980-01-01,390,110100`].join("\n"));
    await expect(openImportSource(path, "persons")).rejects.toThrow(DomainError);
    await expect(openImportSource(path, "persons")).rejects.toThrow(/lacks the required column psn_name/);
    await expect(openImportSource(file("empty.csv", ""), "fixmedins")).rejects.toThrow(/is empty/);
    await expect(openImportSource(join(dir, "missing.csv"), "fixmedins")).rejects.toThrow(/cannot be read/);
  });

  it("exits with status 2 from the command line, with the column named", async () => {
    const path = file("no-code.csv", "fixmedins_name,medins_lv,admdvs\n演示,1,110100\n");
    const run = promisify(execFile);
    const failed = await run(process.execPath, ["--import", "tsx", "src/cli/main.ts", "import", "fixmedins", path], {
      env: { ...process.env, YIBAO_DATA: join(dir, "never-created"), DATABASE_URL: "" },
    }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toMatch(/lacks the required column fixmedins_code/);
  });
});

describe("supplementary rosters (惠民保, charity)", () => {
  const HEADER = "certno,psn_name,tier_id,year,begin_date,end_date,source";
  const [destitute, plain, employeeP, monitored] = DEMO_PERSONS as [DemoPerson, DemoPerson, DemoPerson, DemoPerson];
  const enrolled = (certno: string) =>
    query<{ tier_id: string; year: number; admdvs: string; b: string; e: string | null; source: string }>(
      `select tier_id, year, s.admdvs, begin_date::text as b, end_date::text as e, source from supplementary_enrollments s join persons p using (psn_no) where p.certno = '${certno}' order by tier_id, year`,
    );

  it("imports examples/supplementary-451000.csv: three persons enrolled, the rest refused by row with the field and why", async () => {
    const path = file("supplementary-451000.csv", readFileSync(join("examples", "supplementary-451000.csv"), "utf8"));
    const { result, reportPath } = await importFile(database, "supplementary", path);
    expect(result).toMatchObject({ read: 7, inserted: 3, updated: 0, unchanged: 0, rejectedRows: 4 });
    expect(result.rejected.map((x) => [x.row, x.field])).toEqual([[5, "tier_id"], [6, "psn_name"], [7, "certno"], [8, "begin_date"]]);
    expect(result.rejected[0]?.reason).toBe(
      "参保地政策451000-2022中没有补充保障mutual_aid（有：huiminbao、charity）/ the policy 451000-2022 of the person's region has no supplementary tier mutual_aid (it has huiminbao, charity)",
    );
    expect(result.rejected[1]?.reason).toMatch(/姓名与该身份证号的参保人员不符/);
    expect(result.rejected[2]?.reason).toMatch(/no insured person has this certno/);
    expect(result.rejected[3]?.reason).toBe("须在2022年度内 / must lie in 2022, got 2021-12-01");
    expect(reportOf(reportPath).map((r) => [r[0], r[1]])).toEqual([["5", "tier_id"], ["6", "psn_name"], ["7", "certno"], ["8", "begin_date"]]);
    expect(await enrolled(plain.certno)).toEqual([{ tier_id: "huiminbao", year: 2022, admdvs: "451000", b: "2022-01-01", e: null, source: "百色惠民保承保公司（演示）" }]);
    expect(await enrolled(employeeP.certno)).toEqual([expect.objectContaining({ tier_id: "huiminbao", year: 2022 })]);
    expect(await enrolled(monitored.certno)).toEqual([{ tier_id: "charity", year: 2022, admdvs: "451000", b: "2022-07-01", e: "2022-12-31", source: "百色市慈善总会（演示）" }]);
    expect(await enrolled(destitute.certno)).toEqual([]);
    // The same file again changes nothing; a changed period updates the row.
    expect((await importFile(database, "supplementary", path)).result).toMatchObject({ inserted: 0, updated: 0, unchanged: 3, rejectedRows: 4 });
    const ended = file("supplementary-ended.csv", [HEADER, `${monitored.certno},${monitored.psn_name},charity,2022,2022-07-01,2022-09-30,百色市慈善总会（演示）`].join("\n"));
    expect((await importFile(database, "supplementary", ended)).result).toMatchObject({ inserted: 0, updated: 1, rejectedRows: 0 });
    expect((await enrolled(monitored.certno))[0]?.e).toBe("2022-09-30");
  });

  it("refuses each bad field by row, and a repeated row, before anything reaches the database", async () => {
    const name = plain.psn_name;
    const path = file("supplementary-bad.csv", [
      HEADER,
      `${plain.certno},${name},HuiMinBao,2022,2022-01-01,,承保公司`, // 2: not a tier id
      `${plain.certno},${name},charity,22,2022-01-01,,慈善总会`, // 3: not a year
      `${plain.certno},${name},charity,2022,2022-06-01,2022-05-31,慈善总会`, // 4: ends before it begins
      `${plain.certno},${name},charity,2022,2022-01-01,2023-01-31,慈善总会`, // 5: ends in another year
      `${plain.certno},${name},charity,2022,2022-01-01,,`, // 6: no source
      `${badCheck},${name},charity,2022,2022-01-01,,慈善总会`, // 7: check digit
      `${plain.certno},${name},charity,2022,2022/01/01,,慈善总会`, // 8: not a date
      `${man},张三丰,huiminbao,2019,2019-01-01,,承保公司`, // 9: Beijing has no policy
      `${plain.certno},${name},charity,2022,2022-02-01,,慈善总会`, // 10: good
      `${plain.certno},${name},charity,2022,2022-03-01,,慈善总会`, // 11: repeats row 10's person, tier and year
    ].join("\n"));
    const { result } = await importFile(database, "supplementary", path);
    expect(result).toMatchObject({ read: 10, inserted: 1, rejectedRows: 9 });
    expect(result.rejected.map((x) => [x.row, x.field])).toEqual([
      [2, "tier_id"], [3, "year"], [4, "end_date"], [5, "end_date"], [6, "source"], [7, "certno"], [8, "begin_date"], [9, "year"], [11, "certno"],
    ]);
    expect(result.rejected[7]?.reason).toBe("参保地110100无2019年度（或更早）的政策 / the person's region 110100 has no policy for 2019 or earlier");
    expect(result.rejected[8]?.reason).toBe("与第10行重复 / repeats the key of row 10");
    expect((await enrolled(plain.certno)).map((e) => [e.tier_id, e.b])).toEqual([["charity", "2022-02-01"], ["huiminbao", "2022-01-01"]]);
  });

  it("refuses a tier for categories (no roster), and a person outside the uploader's region", async () => {
    const shipped = shippedPolicy("451000-2022");
    const byCategories = { ...shipped, supplementary: shipped.supplementary.map((t) => (t.id === "charity" ? { ...t, enrollment: "categories" as const, categories: ["low_income" as const] } : t)) };
    const rows = [{ certno: destitute.certno, psn_name: destitute.psn_name, tier_id: "charity", year: "2022", begin_date: "2022-01-01", end_date: "", source: "慈善总会" }];
    const r = await importSupplementary(database, numberedRows(rows), { policies: [byCategories] });
    expect(r.rejected).toEqual([{ row: 2, field: "tier_id", reason: "charity按人员类别享受，无需名单 / charity covers persons by their categories, not by a roster" }]);
    const outside = await importSupplementary(database, numberedRows(rows), { region: "360100" });
    expect(outside.rejected).toEqual([{ row: 2, field: "certno", reason: expect.stringContaining("outside your region 360100") }]);
    expect(await enrolled(destitute.certno)).toEqual([]);
  });

  it("the command: yibao import supplementary names a missing column and exits 2", async () => {
    const path = file("no-tier.csv", "certno,psn_name,year,begin_date,source\n");
    const run = promisify(execFile);
    const failed = await run(process.execPath, ["--import", "tsx", "src/cli/main.ts", "import", "supplementary", path], {
      env: { ...process.env, YIBAO_DATA: join(dir, "never-created"), DATABASE_URL: "" },
    }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toMatch(/lacks the required column tier_id/);
  });
});
