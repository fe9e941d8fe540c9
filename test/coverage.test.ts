import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "../src/domain/errors.js";
import { residentIdFacts } from "../src/domain/ids.js";
import { coverage, rateBp, subsidyStatistics, type CoverageRow, type SubsidyRow } from "../src/services/enrollment/coverage.js";
import { syntheticResidentId } from "../src/services/demo/demo.js";
import { importFile } from "../src/services/imports/files.js";
import { importPersons, numberedRows } from "../src/services/imports/rows.js";
import { rowsOf } from "../src/services/common/sql.js";
import { coverageJson, subsidyStatisticsJson, writeCoverageXlsx, writeSubsidyXlsx } from "../src/services/reports/reports.js";
import type { Database } from "../src/store/db.js";
import { openTestDatabase } from "./support/db.js";

let database: Database;
let dir: string;

beforeAll(async () => {
  database = await openTestDatabase();
  dir = mkdtempSync(join(tmpdir(), "yibao-coverage-"));
});

afterAll(async () => {
  await database?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const A = "451000"; // Baise
const B = "360100"; // Nanchang
const C = "450100"; // Nanning: a population, nobody insured
const YEAR = 2022;

const a = Array.from({ length: 10 }, (_, i) => syntheticResidentId("451002", `1970010${(i % 9) + 1}`, 11 + 2 * i));
const b = Array.from({ length: 3 }, (_, i) => syntheticResidentId("360102", `1980020${i + 1}`, 31 + 2 * i));

const person = (certno: string, insutype: "310" | "390", admdvs: string) => {
  const facts = residentIdFacts(certno);
  return { certno, psn_name: `测试${certno.slice(-4)}`, gend: facts.gend, brdy: facts.brdy, insutype, insuplc_admdvs: admdvs };
};

const query = <T>(q: ReturnType<typeof sql>) => rowsOf<T>(database.db, q);
const psnNo = async (certno: string) => (await query<{ psn_no: string }>(sql`select psn_no from persons where certno = ${certno}`))[0]!.psn_no;
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

/** A category straight into the table (the identities import would also recompute contributions, which these tests write themselves). */
async function category(certno: string, type: string, begin: string, end: string | null): Promise<void> {
  await database.db.execute(sql`insert into person_identities (psn_no, psn_idet_type, begntime, endtime) values (${await psnNo(certno)}, ${type}, ${begin}::date, ${end}::date)`);
}

async function contribute(certno: string, admdvs: string, c: { kind?: string; individual: number; paid: number; assistance: number; fiscal: number; category?: string | null; share?: number }): Promise<void> {
  await database.db.execute(sql`
    insert into contributions (enrollment_id, psn_no, year, admdvs, kind, individual_fen, person_paid_fen, assistance_subsidy_fen,
      fiscal_subsidy_fen, category, share_ppm, subsidy_fund, reason)
    select e.id, e.psn_no, e.year, e.admdvs, ${c.kind ?? "initial"}, ${c.individual}, ${c.paid}, ${c.assistance}, ${c.fiscal}, ${c.category ?? null},
      ${c.share ?? 0}, ${c.assistance === 0 ? null : "610100"}, 'test'
    from enrollments e join persons p using (psn_no) where p.certno = ${certno} and e.admdvs = ${admdvs} and e.year = ${YEAR}`);
}

const row = <T extends { admdvs: string; category: string }>(rows: readonly T[], admdvs: string, cat: string): T => {
  const found = rows.find((r) => r.admdvs === admdvs && r.category === cat);
  if (!found) throw new Error(`no row ${admdvs} ${cat}`);
  return found;
};

describe("population import", () => {
  it("keeps good rows (codes or Chinese names), reports bad ones, and upserts by region, year and category", async () => {
    const path = file(
      "population.csv",
      [
        "\uFEFFadmdvs,year,category,count,source",
        `${A},2022,all,12,统计局2022年末户籍人口`, // 2
        `${A},2022,destitute,1,民政局`, // 3
        `${A},2022,低保对象,3,民政局`, // 4: the Chinese name of minimum_living
        `${A},2022,poverty_relief,4,乡村振兴局`, // 5
        `${A},2022,minimum_living,5,`, // 6: repeats row 4's key
        `${B},2022,all,3,`, // 7
        `${A},2022,lifted,0,`, // 8: zero: no rate
        `45100,2022,all,5,`, // 9: region
        `${A},22,all,5,`, // 10: year
        `${A},2022,poor,5,`, // 11: category
        `${A},2022,monitored,-1,`, // 12: negative
        `${A},2022,monitored,1.5,`, // 13: not whole
        `${A},2023,all,,`, // 14: missing count
        `${A},2022,orphan,"1,000",`, // 15: a thousands separator
      ].join("\r\n"),
    );
    const { result, reportPath } = await importFile(database, "population", path);
    expect(result).toMatchObject({ read: 14, inserted: 6, updated: 0, unchanged: 0, rejectedRows: 8 });
    expect(result.rejected.map((r) => [r.row, r.field])).toEqual([
      [6, "category"], [9, "admdvs"], [10, "year"], [11, "category"], [12, "count"], [13, "count"], [14, "count"], [15, "count"],
    ]);
    expect(result.rejected[0]?.reason).toMatch(/^与第4行重复 \/ repeats the key of row 4/);
    expect(result.rejected[1]?.reason).toMatch(/^须为6位行政区划代码 \/ must be a 6-digit region code/);
    expect(result.rejected[3]?.reason).toMatch(/^未知的人员类别 \/ must be all, poverty_relief or a category/);
    expect(result.rejected[4]?.reason).toMatch(/^人数须为不带分隔符的非负整数/);
    expect(result.rejected[6]?.reason).toBe("必填 / is required");
    expect(readFileSync(reportPath, "utf8")).toContain(`12,count,"人数须为不带分隔符的非负整数`);
    const stored = await query<{ admdvs: string; year: number; category: string; count: number; source: string | null }>(
      sql`select admdvs, year, category, count, source from population order by admdvs, category`,
    );
    expect(stored).toEqual([
      { admdvs: B, year: 2022, category: "all", count: 3, source: null },
      { admdvs: A, year: 2022, category: "all", count: 12, source: "统计局2022年末户籍人口" },
      { admdvs: A, year: 2022, category: "destitute", count: 1, source: "民政局" },
      { admdvs: A, year: 2022, category: "lifted", count: 0, source: null },
      { admdvs: A, year: 2022, category: "minimum_living", count: 3, source: "民政局" },
      { admdvs: A, year: 2022, category: "poverty_relief", count: 4, source: "乡村振兴局" },
    ]);
    expect((await importFile(database, "population", path)).result).toMatchObject({ inserted: 0, updated: 0, unchanged: 6, rejectedRows: 8 });
    const changed = file("population-changed.csv", ["admdvs,year,category,count", `${B},2022,all,4`, `${B},2022,all,3`].join("\n"));
    expect((await importFile(database, "population", changed)).result).toMatchObject({ read: 2, updated: 1, rejectedRows: 1 });
    const back = file("population-back.csv", ["admdvs,year,category,count", `${B},2022,all,3`].join("\n"));
    expect((await importFile(database, "population", back)).result).toMatchObject({ updated: 1 });
  });

  it("reads an .xlsx sheet with number cells", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("人口");
    sheet.addRow(["admdvs", "year", "category", "count"]);
    sheet.addRow([Number(C), 2022, "全部", 8]);
    const path = join(dir, "population.xlsx");
    await workbook.xlsx.writeFile(path);
    expect((await importFile(database, "population", path)).result).toMatchObject({ read: 1, inserted: 1, rejectedRows: 0 });
  });
});

describe("coverage", () => {
  it("counts the insured against the population per region and category, the poverty-relief population apart", async () => {
    await importPersons(database, numberedRows(a.map((c, i) => person(c, i === 0 ? "310" : "390", A))), { year: YEAR, contributions: false });
    await importPersons(database, numberedRows(b.map((c) => person(c, "390", B))), { year: YEAR, contributions: false });
    // b[0] is enrolled in Baise as well (an unresolved duplicate): counted in both regions.
    await importPersons(database, numberedRows([person(b[0]!, "390", A)]), { year: YEAR, contributions: false });
    // Not insured: a suspended and an ended enrollment; an enrollment of another year counts for that year only.
    await database.db.execute(sql`update enrollments set status = 'suspended' where psn_no = ${await psnNo(a[8]!)}`);
    await database.db.execute(sql`update enrollments set status = 'ended', enddate = '2022-03-31', end_reason = 'test' where psn_no = ${await psnNo(a[9]!)}`);
    await importPersons(database, numberedRows([person(a[8]!, "390", A)]), { year: 2023, contributions: false });

    await category(a[0]!, "destitute", "2022-01-01", null);
    await category(a[1]!, "minimum_living", "2021-01-01", "2022-01-01"); // ended on the year's first day: counted
    await category(a[2]!, "minimum_living", "2022-12-31", null); // began on its last day: counted
    await category(a[3]!, "minimum_living", "2021-01-01", "2021-12-31"); // the year before: not counted
    await category(a[4]!, "lifted", "2020-01-01", null);
    await category(a[4]!, "monitored", "2022-05-01", null); // two categories, one person in the poverty-relief total
    await category(a[4]!, "monitored", "2022-10-01", null); // a second period of one category counts once
    await category(a[5]!, "illness_impoverished", "2022-03-01", "2022-09-30");
    await category(a[8]!, "destitute", "2022-01-01", null); // suspended: not insured
    await category(b[1]!, "orphan", "2022-01-01", null);

    const report = await coverage(database.db, { year: YEAR });
    expect(report.rules.category).toMatch(/任一时间有效/);
    expect([...new Set(report.rows.map((r) => r.admdvs))]).toEqual([B, C, A]);
    expect(report.rows.filter((r) => r.admdvs === A).map((r) => r.category)).toEqual([
      "all", "poverty_relief", "destitute", "orphan", "de_facto_orphan", "minimum_living", "low_income", "monitored", "lifted", "illness_impoverished",
    ]);
    const pick = (r: CoverageRow) => [r.population, r.insured, r.rate_bp, r.uninsured, r.target_bp, r.meets_target];
    expect(pick(row(report.rows, A, "all"))).toEqual([12, 9, 7500, 3, 9500, false]);
    expect(pick(row(report.rows, A, "poverty_relief"))).toEqual([4, 4, 10_000, 0, 9900, true]);
    expect(pick(row(report.rows, A, "destitute"))).toEqual([1, 1, 10_000, 0, 9900, true]);
    expect(pick(row(report.rows, A, "minimum_living"))).toEqual([3, 2, 6667, 1, 9900, false]);
    expect(pick(row(report.rows, A, "monitored"))).toEqual([null, 1, null, null, 9900, null]);
    expect(pick(row(report.rows, A, "lifted"))).toEqual([0, 1, null, 0, 9900, null]);
    expect(pick(row(report.rows, A, "orphan"))).toEqual([null, 0, null, null, 9900, null]);
    expect(pick(row(report.rows, A, "illness_impoverished"))).toEqual([null, 1, null, null, null, null]);
    expect(row(report.rows, A, "illness_impoverished")).toMatchObject({ group: "other", category_name: "因病致贫重病患者" });
    expect(row(report.rows, A, "minimum_living")).toMatchObject({ group: "poverty_relief", category_name: "低保对象" });
    expect(pick(row(report.rows, B, "all"))).toEqual([3, 3, 10_000, 0, 9500, true]);
    expect(pick(row(report.rows, B, "orphan"))).toEqual([null, 1, null, null, 9900, null]);
    expect(row(report.rows, B, "poverty_relief").insured).toBe(1);
    expect(pick(row(report.rows, C, "all"))).toEqual([8, 0, 0, 8, 9500, false]);

    const one = await coverage(database.db, { year: YEAR, admdvs: A });
    expect(one.admdvs).toBe(A);
    expect(one.rows).toEqual(report.rows.filter((r) => r.admdvs === A));
    const next = await coverage(database.db, { year: 2023 });
    expect(pick(row(next.rows, A, "all"))).toEqual([null, 1, null, null, 9500, null]);
    expect(pick(row(next.rows, A, "destitute"))).toEqual([null, 1, null, null, 9900, null]);

    const json = coverageJson(one);
    expect(json.rows[0]).toMatchObject({ admdvs: A, category: "all", rate_percent: 75, target_percent: 95, insured: 9, population: 12 });
    expect(json.rows.find((r) => r.category === "minimum_living")).toMatchObject({ rate_percent: 66.67 });
    expect(json.rows[0]).not.toHaveProperty("rate_bp");
  });

  it("rounds rates half up to 0.01%", () => {
    expect(rateBp(2, 3)).toBe(6667);
    expect(rateBp(1, 3)).toBe(3333);
    expect(rateBp(1, 20_000)).toBe(1); // 0.005% rounds up
    expect(rateBp(1, 20_001)).toBe(0);
    expect(rateBp(19, 20)).toBe(9500);
    expect(rateBp(13, 12)).toBe(10_833); // more insured than registered (residents from elsewhere) is shown as it is
  });

  it("refuses a bad year or region naming the field", async () => {
    for (const [input, field] of [[{ year: 1800 }, "year"], [{ year: 2022.5 }, "year"], [{ year: YEAR, admdvs: "999999" }, "admdvs"]] as const) {
      const error = await coverage(database.db, input).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).field).toBe(field);
      expect(((await subsidyStatistics(database.db, input).catch((e: unknown) => e)) as DomainError).field).toBe(field);
    }
  });
});

describe("subsidy statistics", () => {
  it("sums the contributions per category to the fen, refunds netted, persons subsidized counted by their net subsidy", async () => {
    // 380 yuan individual contribution, 640 yuan fiscal subsidy; minimum-living and monitored get 60% (228 yuan) from assistance.
    await contribute(a[1]!, A, { individual: 38_000, paid: 15_200, assistance: 22_800, fiscal: 64_000, category: "minimum_living", share: 600_000 });
    await contribute(a[2]!, A, { individual: 38_000, paid: 15_200, assistance: 22_800, fiscal: 64_000, category: "minimum_living", share: 600_000 });
    await contribute(a[4]!, A, { individual: 38_000, paid: 15_200, assistance: 22_800, fiscal: 64_000, category: "monitored", share: 600_000 });
    await contribute(a[5]!, A, { individual: 38_000, paid: 38_000, assistance: 0, fiscal: 64_000 });
    await contribute(a[6]!, A, { individual: 38_000, paid: 0, assistance: 38_000, fiscal: 64_000, category: "destitute", share: 1_000_000 });
    // A duplicate ended: paid, then refunded to zero.
    await contribute(a[7]!, A, { individual: 38_000, paid: 38_000, assistance: 0, fiscal: 64_000 });
    await contribute(a[7]!, A, { kind: "refund", individual: -38_000, paid: -38_000, assistance: 0, fiscal: -64_000 });
    // Paid in full, then minimum-living from July: 6 months of 60% back to the person.
    await contribute(a[3]!, A, { individual: 38_000, paid: 38_000, assistance: 0, fiscal: 64_000 });
    await contribute(a[3]!, A, { kind: "adjustment", individual: 0, paid: -11_400, assistance: 11_400, fiscal: 0, category: "minimum_living", share: 600_000 });
    await contribute(b[1]!, B, { individual: 38_000, paid: 0, assistance: 38_000, fiscal: 64_000, category: "orphan", share: 1_000_000 });

    const report = await subsidyStatistics(database.db, { year: YEAR });
    expect(report.rows.filter((r) => r.admdvs === A).map((r) => r.category)).toEqual([
      "destitute", "orphan", "de_facto_orphan", "minimum_living", "low_income", "monitored", "lifted", "illness_impoverished", "none", "all",
    ]);
    const pick = (r: SubsidyRow) => [r.persons, r.persons_subsidized, r.individual_fen, r.person_paid_fen, r.assistance_subsidy_fen, r.fiscal_subsidy_fen];
    expect(pick(row(report.rows, A, "minimum_living"))).toEqual([3, 3, 76_000, 19_000, 57_000, 128_000]);
    expect(pick(row(report.rows, A, "monitored"))).toEqual([1, 1, 38_000, 15_200, 22_800, 64_000]);
    expect(pick(row(report.rows, A, "destitute"))).toEqual([1, 1, 38_000, 0, 38_000, 64_000]);
    expect(pick(row(report.rows, A, "lifted"))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(pick(row(report.rows, A, "none"))).toEqual([2, 0, 76_000, 76_000, 0, 128_000]);
    expect(pick(row(report.rows, A, "all"))).toEqual([6, 5, 228_000, 110_200, 117_800, 384_000]);
    expect(row(report.rows, A, "none")).toMatchObject({ group: "none", category_name: "无资助类别（普通参保人员）" });
    expect(row(report.rows, A, "all")).toMatchObject({ group: "all", category_name: "合计" });
    expect(pick(row(report.rows, B, "orphan"))).toEqual([1, 1, 38_000, 0, 38_000, 64_000]);
    expect(pick(row(report.rows, B, "all"))).toEqual([1, 1, 38_000, 0, 38_000, 64_000]);
    // The categories add up to the total, fen for fen.
    const sumOf = (k: "individual_fen" | "person_paid_fen" | "assistance_subsidy_fen" | "fiscal_subsidy_fen") =>
      report.rows.filter((r) => r.admdvs === A && r.category !== "all").reduce((s, r) => s + r[k], 0);
    expect([sumOf("individual_fen"), sumOf("person_paid_fen"), sumOf("assistance_subsidy_fen"), sumOf("fiscal_subsidy_fen")]).toEqual([228_000, 110_200, 117_800, 384_000]);

    const one = await subsidyStatistics(database.db, { year: YEAR, admdvs: B });
    expect(one.rows.map((r) => r.admdvs)).toEqual(Array(10).fill(B));
    const json = subsidyStatisticsJson(report);
    expect(json.rows.find((r) => r.admdvs === A && r.category === "all")).toEqual({
      admdvs: A, category: "all", category_name: "合计", group: "all", persons: 6, persons_subsidized: 5,
      individual: 2280, person_paid: 1102, assistance_subsidy: 1178, fiscal_subsidy: 3840,
    });
    expect(json.rows.find((r) => r.admdvs === A && r.category === "minimum_living")).toMatchObject({ person_paid: 190, assistance_subsidy: 570 });
    expect(json.rows.find((r) => r.admdvs === A && r.category === "monitored")).toMatchObject({ person_paid: 152, assistance_subsidy: 228 });
    expect((await subsidyStatistics(database.db, { year: 2023 })).rows).toEqual([]);
  });
});

describe("workbooks", () => {
  const cellsOf = (sheet: ExcelJS.Worksheet, rowNumber: number) => (sheet.getRow(rowNumber).values as unknown[]).slice(1);
  const findRow = (sheet: ExcelJS.Worksheet, admdvs: string, code: string) => {
    for (let r = 3; r <= sheet.rowCount; r++) if (sheet.getCell(r, 1).value === admdvs && sheet.getCell(r, 3).value === code) return r;
    throw new Error(`no row ${admdvs} ${code}`);
  };

  it("writes the coverage workbook: a title row, Chinese headers, numbers as numbers, rates as percent", async () => {
    const path = join(dir, "coverage.xlsx");
    await writeCoverageXlsx(await coverage(database.db, { year: YEAR }), path);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const sheet = workbook.getWorksheet("参保覆盖")!;
    expect(sheet.getCell("A1").value).toBe("2022年基本医疗保险参保覆盖情况");
    expect(cellsOf(sheet, 2)).toEqual(["行政区划代码", "人员类别", "类别代码", "分组", "登记人口数", "参保人数", "参保率", "未参保人数", "目标参保率", "是否达标"]);
    const r = findRow(sheet, A, "minimum_living");
    expect(cellsOf(sheet, r)).toEqual([A, "低保对象", "minimum_living", "脱贫人口和低收入人口", 3, 2, 0.6667, 1, 0.99, "否"]);
    expect(sheet.getCell(r, 7).numFmt).toBe("0.00%");
    expect(sheet.getCell(r, 9).numFmt).toBe("0.00%");
    const all = findRow(sheet, A, "all");
    expect(cellsOf(sheet, all)).toEqual([A, "全部人员", "all", "全体人员", 12, 9, 0.75, 3, 0.95, "否"]);
    const monitored = findRow(sheet, A, "monitored");
    expect(sheet.getCell(monitored, 5).value).toBeNull(); // no population: empty, not zero
    expect(sheet.getCell(monitored, 7).value).toBeNull();
    expect(sheet.getRow(sheet.rowCount).getCell(1).value).toMatch(/登记人口来自人口数据导入/);
  });

  it("writes the subsidy workbook with yuan formatted 0.00", async () => {
    const path = join(dir, "subsidies.xlsx");
    await writeSubsidyXlsx(await subsidyStatistics(database.db, { year: YEAR, admdvs: A }), path);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const sheet = workbook.getWorksheet("资助参保")!;
    expect(sheet.getCell("A1").value).toBe(`2022年资助参保统计（按人员类别）（${A}）`);
    expect(cellsOf(sheet, 2)).toEqual([
      "行政区划代码", "人员类别", "类别代码", "分组", "缴费人数", "资助人数", "个人应缴金额（元）", "个人缴费金额（元）", "医疗救助资助金额（元）", "财政补助金额（元）",
    ]);
    const total = findRow(sheet, A, "all");
    expect(cellsOf(sheet, total)).toEqual([A, "合计", "all", "全体人员", 6, 5, 2280, 1102, 1178, 3840]);
    for (let c = 7; c <= 10; c++) expect(sheet.getCell(total, c).numFmt).toBe("0.00");
    expect(cellsOf(sheet, findRow(sheet, A, "minimum_living")).slice(4)).toEqual([3, 3, 760, 190, 570, 1280]);
  });

  it("refuses an output that is not .xlsx, and a report without --out on the command line", async () => {
    const error = await writeSubsidyXlsx(await subsidyStatistics(database.db, { year: YEAR }), join(dir, "x.csv")).catch((e: unknown) => e);
    expect((error as DomainError).field).toBe("out");
    const run = promisify(execFile);
    const failed = await run(process.execPath, ["--import", "tsx", "src/cli/main.ts", "report", "coverage", "--year", "2022"], {
      env: { ...process.env, YIBAO_DATA: join(dir, "never-created"), DATABASE_URL: "" },
    }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toMatch(/--out: is required for a workbook/);
  });
});
