import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { eq } from "drizzle-orm";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "../src/domain/errors.js";
import { parseYuan } from "../src/domain/money.js";
import { shippedPolicy } from "../src/services/reference/shipped.js";
import {
  BENEFIT_FUNDS, BENEFIT_POPULATIONS, BENEFIT_TIERS, benefitReport, benefitsJson, caresOf, writeBenefitsXlsx, type BenefitCare, type BenefitReport, type BenefitTier,
} from "../src/services/reports/index.js";
import type { PopulationCategory } from "../src/services/enrollment/index.js";
import { settlements } from "../src/store/schema.js";
import { BENEFIT_PERSONS, COUNTIES, settleBenefitYear, type BenefitScenario } from "./support/benefits.js";
import { openTestPlatform, type TestPlatform } from "./support/his.js";

/**
 * The benefit report (Baise's table) over a year settled through the hospital interface (test/support/benefits.ts says
 * every visit and how each fund's amount comes out): counts and amounts per tier, kind of care, population, month and
 * county, to the fen; the reversed visit nowhere; the workbook read back; the command's refusals.
 */

let platform: TestPlatform;
let scenario: BenefitScenario;
let baise: BenefitReport;
let dir: string;

beforeAll(async () => {
  platform = await openTestPlatform(BENEFIT_PERSONS);
  scenario = await settleBenefitYear(platform);
  baise = await benefitReport(platform.database.db, { year: 2022, admdvs: "451000" });
  dir = mkdtempSync(join(tmpdir(), "yibao-benefits-"));
});

afterAll(async () => {
  await platform?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** [人次, 人数, fen] of a row of the period. */
function fig(report: BenefitReport, tier: BenefitTier, care: BenefitCare, population: PopulationCategory): [number, number, number] {
  const r = report.rows.find((x) => x.tier === tier && x.care === care && x.population === population);
  if (!r) throw new Error(`no row ${tier} ${care} ${population}`);
  return [r.period.person_times, r.period.persons, r.period.amount_fen];
}

/** [人次, 人数, fen] of each month of a row. */
function monthly(report: BenefitReport, tier: BenefitTier, care: BenefitCare, population: PopulationCategory): [number, number, number][] {
  const r = report.rows.find((x) => x.tier === tier && x.care === care && x.population === population);
  if (!r) throw new Error(`no row ${tier} ${care} ${population}`);
  return r.monthly.map((m) => [m.person_times, m.persons, m.amount_fen]);
}

const fen = (yuan: number | string) => parseYuan(String(yuan), "yuan");

describe("the year settled at the window", () => {
  it("split every visit as test/support/benefits.ts works it out", () => {
    const split = Object.fromEntries(Object.entries(scenario.visits).map(([k, s]) => [k, [s.hifp_pay, s.hifmi_pay, s.hifob_pay, s.maf_pay, s.fund_pay_sumamt].map(fen)]));
    expect(split).toEqual({
      A: [598_000, 0, 0, 402_000, 1_000_000],
      B: [120_900, 0, 0, 65_100, 186_000],
      K: [1_898_000, 573_370, 0, 528_630, 3_000_000],
      C: [200_000, 0, 0, 0, 200_000],
      D: [10_000, 0, 0, 0, 10_000],
      E: [4_000, 0, 0, 0, 4_000],
      F: [30_000, 0, 0, 0, 30_000],
      G1: [5_000, 0, 0, 0, 5_000],
      G2: [273_000, 0, 0, 0, 273_000],
      H: [882_000, 0, 0, 12_600, 894_600],
      L: [30_000_000, 0, 369_000, 0, 30_369_000],
      N: [10_000, 0, 0, 0, 10_000],
    });
  });
});

describe("benefitReport", () => {
  it("counts each tier for everyone: 人次 where the tier paid, distinct persons, fen; the reversed visit nowhere", async () => {
    expect(baise).toMatchObject({ year: 2022, month: null, admdvs: "451000", months: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] });
    // Ten settlements in force (E reversed, N elsewhere) and three paid applications; eight persons.
    expect(fig(baise, "total", "all", "all")).toEqual([13, 8, 36_718_328]);
    expect(fig(baise, "basic", "all", "all")).toEqual([10, 7, 34_016_900]);
    expect(fig(baise, "critical_illness", "all", "all")).toEqual([1, 1, 573_370]);
    expect(fig(baise, "large_amount", "all", "all")).toEqual([1, 1, 369_000]);
    expect(fig(baise, "assistance", "all", "all")).toEqual([4, 2, 1_008_330]);
    expect(fig(baise, "application_assistance", "all", "all")).toEqual([2, 2, 545_678]);
    expect(fig(baise, "secondary_assistance", "all", "all")).toEqual([1, 1, 160_050]);
    expect(fig(baise, "huiminbao", "all", "all")).toEqual([1, 1, 30_000]);
    expect(fig(baise, "charity", "all", "all")).toEqual([1, 1, 15_000]);
    const [reversed] = await platform.database.db.select({ status: settlements.status }).from(settlements).where(eq(settlements.setl_id, scenario.reversed));
    expect(reversed?.status).toBe("reversed");
  });

  it("puts inpatient, outpatient chronic/special and general outpatient apart; assistance on application only in the sum", () => {
    expect(fig(baise, "basic", "inpatient", "all")).toEqual([6, 5, 33_851_000]);
    expect(fig(baise, "basic", "chronic", "all")).toEqual([1, 1, 120_900]);
    expect(fig(baise, "basic", "outpatient", "all")).toEqual([3, 3, 45_000]); // D, F, G1 — not the reversed E
    expect(fig(baise, "assistance", "inpatient", "all")).toEqual([3, 2, 943_230]);
    expect(fig(baise, "assistance", "chronic", "all")).toEqual([1, 1, 65_100]);
    expect(fig(baise, "assistance", "outpatient", "all")).toEqual([0, 0, 0]);
    expect(fig(baise, "total", "inpatient", "all")).toEqual([6, 5, 35_781_600]);
    expect(fig(baise, "total", "chronic", "all")).toEqual([1, 1, 186_000]);
    expect(fig(baise, "total", "outpatient", "all")).toEqual([3, 3, 45_000]);
    // The sum over the kinds of care plus the payments is the total.
    expect(35_781_600 + 186_000 + 45_000 + 545_678 + 160_050).toBe(36_718_328);
    expect(baise.rows.filter((r) => r.tier === "application_assistance").map((r) => r.care)).toEqual(BENEFIT_POPULATIONS.map(() => "all"));
    // Every tier under every kind of care it is shown under, for every population: a stable grid for the charts.
    expect(baise.rows).toHaveLength(BENEFIT_TIERS.reduce((n, t) => n + caresOf(t).length, 0) * BENEFIT_POPULATIONS.length);
  });

  it("counts the poverty-relief population by the categories held on the date of care, each person once in the total", () => {
    // A, B, K, APP2 (destitute); C (lifted); G1 (minimum_living in February); H, APP4 (low_income and lifted). Not G2: her
    // minimum_living ended on 03-31. Not APP1: illness_impoverished is a category outside the poverty-relief population.
    expect(fig(baise, "total", "all", "poverty_relief")).toEqual([8, 4, 5_690_650]);
    expect(fig(baise, "basic", "all", "poverty_relief")).toEqual([6, 4, 3_703_900]);
    expect(fig(baise, "total", "all", "destitute")).toEqual([4, 1, 4_346_050]);
    expect(fig(baise, "total", "all", "lifted")).toEqual([3, 2, 1_339_600]); // C, H, APP4: lifted, though no settlement records it
    expect(fig(baise, "total", "all", "low_income")).toEqual([2, 1, 1_094_600]);
    expect(fig(baise, "total", "all", "minimum_living")).toEqual([1, 1, 5_000]);
    expect(fig(baise, "basic", "inpatient", "minimum_living")).toEqual([0, 0, 0]);
    expect(fig(baise, "total", "all", "illness_impoverished")).toEqual([1, 1, 345_678]);
    expect(fig(baise, "application_assistance", "all", "illness_impoverished")).toEqual([1, 1, 345_678]);
    expect(fig(baise, "critical_illness", "inpatient", "destitute")).toEqual([1, 1, 573_370]);
    expect(fig(baise, "assistance", "inpatient", "poverty_relief")).toEqual([3, 2, 943_230]);
    expect(fig(baise, "huiminbao", "inpatient", "lifted")).toEqual([1, 1, 30_000]);
    expect(fig(baise, "total", "all", "orphan")).toEqual([0, 0, 0]);
    // H is counted in low_income and in lifted, once in the poverty-relief total: its rows add to more than the total.
    const categories = ["destitute", "orphan", "de_facto_orphan", "minimum_living", "low_income", "monitored", "lifted"] as const;
    expect(categories.reduce((n, c) => n + fig(baise, "total", "all", c)[0], 0)).toBe(10);
  });

  it("gives month-by-month series: the month of care, a payment's month in China time", () => {
    expect(monthly(baise, "total", "all", "all")).toEqual([
      [1, 1, 200_000], // APP4, posted 2021-12-31 16:30 UTC = 2022-01-01 00:30 in China
      [3, 3, 1_899_600], // A, G1, H
      [1, 1, 186_000], // B
      [0, 0, 0],
      [3, 3, 528_000], // C, D, G2
      [1, 1, 30_000], // F (E reversed)
      [1, 1, 3_000_000], // K
      [1, 1, 30_369_000], // L
      [1, 1, 345_678], // APP1
      [0, 0, 0],
      [1, 1, 160_050], // APP2, posted 2022-10-31 17:00 UTC = 2022-11-01 in China
      [0, 0, 0],
    ]);
    expect(monthly(baise, "total", "all", "all").reduce((s, m) => s + m[2], 0)).toBe(36_718_328);
    // One destitute person in four months: the months' persons add to 4, the year's is 1.
    expect(monthly(baise, "total", "all", "destitute").map((m) => m[1])).toEqual([0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0]);
    expect(monthly(baise, "basic", "outpatient", "all").map((m) => m[2])).toEqual([0, 5_000, 0, 0, 10_000, 30_000, 0, 0, 0, 0, 0, 0]);
  });

  it("reports one month alone", async () => {
    const february = await benefitReport(platform.database.db, { year: 2022, month: 2, admdvs: "451000" });
    expect(february.months).toEqual([2]);
    expect(fig(february, "total", "all", "all")).toEqual([3, 3, 1_899_600]);
    expect(monthly(february, "total", "all", "all")).toEqual([[3, 3, 1_899_600]]);
    expect(fig(february, "assistance", "inpatient", "low_income")).toEqual([1, 1, 12_600]);
    const january = await benefitReport(platform.database.db, { year: 2022, month: 1, admdvs: "451000" });
    expect(fig(january, "application_assistance", "all", "lifted")).toEqual([1, 1, 200_000]);
    const december2021 = await benefitReport(platform.database.db, { year: 2021, month: 12 });
    expect(fig(december2021, "total", "all", "all")).toEqual([0, 0, 0]);
  });

  it("a prefecture sums its counties; a county has only its own; the country adds Nanchang", async () => {
    const counties = await Promise.all(COUNTIES.map((admdvs) => benefitReport(platform.database.db, { year: 2022, admdvs })));
    expect(fig(counties[2]!, "total", "all", "all")).toEqual([6, 2, 5_440_650]); // 451026: A, B, K, H, APP2, APP4
    expect(fig(counties[1]!, "total", "all", "all")).toEqual([2, 2, 590_678]); // 451022: C, APP1
    expect(fig(counties[0]!, "total", "all", "all")).toEqual([2, 2, 40_000]); // 451002: D, F
    expect(fig(counties[3]!, "total", "all", "all")).toEqual([3, 2, 30_647_000]); // 451081: G1, G2, L
    // Row by row and month by month: nobody moved between counties, so even the persons add up.
    baise.rows.forEach((row, i) => {
      const sum = (pick: (r: BenefitReport) => number) => counties.reduce((s, c) => s + pick(c), 0);
      expect([row.period.person_times, row.period.persons, row.period.amount_fen], `${row.tier} ${row.care} ${row.population}`)
        .toEqual([sum((c) => c.rows[i]!.period.person_times), sum((c) => c.rows[i]!.period.persons), sum((c) => c.rows[i]!.period.amount_fen)]);
      row.monthly.forEach((m, j) => expect(m.amount_fen).toBe(sum((c) => c.rows[i]!.monthly[j]!.amount_fen)));
    });
    // The prefecture's per-county table says the same.
    const regionTotal = (admdvs: string) => baise.regions.find((r) => r.admdvs === admdvs && r.tier === "total" && r.care === "all" && r.population === "all")?.period;
    expect(COUNTIES.map(regionTotal)).toEqual(counties.map((c) => {
      const [person_times, persons, amount_fen] = fig(c, "total", "all", "all");
      return { person_times, persons, amount_fen };
    }));
    expect(baise.regions.find((r) => r.admdvs === "451026" && r.tier === "assistance" && r.care === "chronic" && r.population === "poverty_relief")?.period)
      .toEqual({ person_times: 1, persons: 1, amount_fen: 65_100 });
    expect(baise.regions.every((r) => r.period.person_times > 0 && ["all", "poverty_relief"].includes(r.population))).toBe(true);
    expect(new Set(baise.regions.map((r) => r.admdvs))).toEqual(new Set(COUNTIES));

    const country = await benefitReport(platform.database.db, { year: 2022 });
    expect(country.admdvs).toBeNull();
    expect(fig(country, "total", "all", "all")).toEqual([14, 9, 36_728_328]);
    expect(fig(country, "basic", "outpatient", "all")).toEqual([4, 4, 55_000]);
    const nanchang = await benefitReport(platform.database.db, { year: 2022, admdvs: "360100" });
    expect(fig(nanchang, "total", "all", "all")).toEqual([1, 1, 10_000]);
  });

  it("explains what it counts", () => {
    expect(baise.notes[0]).toBe("统计范围：百色市（451000，含所辖区县）；期间：2022年全年 / scope: 451000 and the regions inside it; period: the year 2022");
    const notes = baise.notes.join("\n");
    for (const words of ["已冲正", "人次", "人数", "hifp_pay", "hifmi_pay", "hifob_pay", "maf_pay", "990101", "990201", "610102", "当日有效的人员类别", "21普通住院", "14门诊慢特病", "11普通门诊"]) {
      expect(notes).toContain(words);
    }
  });

  it("refuses a bad year, month or region, naming the field", async () => {
    const refusal = (input: Parameters<typeof benefitReport>[1]) => benefitReport(platform.database.db, input).then(() => null, (e: unknown) => e);
    for (const [input, field] of [
      [{ year: 1989 }, "year"], [{ year: 2022.5 }, "year"], [{ year: 2022, month: 13 }, "month"], [{ year: 2022, month: 0 }, "month"], [{ year: 2022, admdvs: "4510" }, "admdvs"],
    ] as const) {
      const error = await refusal(input);
      expect(error, JSON.stringify(input)).toBeInstanceOf(DomainError);
      expect((error as DomainError).field).toBe(field);
    }
  });

  it("reads the supplementary tiers by the fund codes the shipped policies give them", () => {
    for (const id of ["451000-2022", "360100-2022"]) {
      const tiers = shippedPolicy(id).supplementary ?? [];
      expect(tiers.length, id).toBeGreaterThan(0);
      for (const t of tiers) expect(t.fund_pay_type, `${id} ${t.id}`).toBe(t.kind === "charity" ? BENEFIT_FUNDS.charity : BENEFIT_FUNDS.huiminbao);
    }
  });

  it("is yuan with two decimals on the wire, with series along the months", () => {
    const json = benefitsJson(baise);
    const total = json.rows.find((r) => r.tier === "total" && r.care === "all" && r.population === "all");
    expect(total).toMatchObject({ tier_name: "综合保障（各层级合计）", care_name: "合计", population_name: "全部人员", group: "all", person_times: 13, persons: 8, amount: 367_183.28 });
    expect(total?.monthly.amount).toEqual([2000, 18_996, 1860, 0, 5280, 300, 30_000, 303_690, 3456.78, 0, 1600.5, 0]);
    expect(json.rows.find((r) => r.tier === "critical_illness" && r.care === "inpatient" && r.population === "destitute")).toMatchObject({ amount: 5733.7, group: "poverty_relief" });
    expect(json.populations.find((p) => p.population === "illness_impoverished")).toEqual({ population: "illness_impoverished", name: "因病致贫重病患者", group: "other" });
  });
});

describe("the workbook", () => {
  it("lays the year out like Baise's table, with the months and the counties as filterable tables, numbers as numbers", async () => {
    const path = join(dir, "benefits.xlsx");
    await writeBenefitsXlsx(baise, path);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(["受益情况", "按月", "按地区"]);

    const summary = workbook.getWorksheet("受益情况")!;
    expect(summary.getCell("A1").value).toBe("2022年医疗保障待遇受益情况（分层级、分人群）——百色市（451000）");
    expect([summary.getCell("A2").value, summary.getCell("D2").value, summary.getCell("G2").value, summary.getCell("Y2").value])
      .toEqual(["人群", "综合保障（各层级合计）", "基本医疗保险", "惠民保"]);
    expect([summary.getCell("D3").value, summary.getCell("E3").value, summary.getCell("F3").value]).toEqual(["人次", "人数", "金额（元）"]);
    const find = (population: string, care: string) => {
      for (let r = 4; r <= summary.rowCount; r++) if (summary.getCell(r, 2).value === population && summary.getCell(r, 3).value === care) return summary.getRow(r);
      throw new Error(`no row ${population} ${care}`);
    };
    const all = find("all", "合计");
    expect((all.values as unknown[]).slice(1, 10)).toEqual(["全部人员", "all", "合计", 13, 8, 367_183.28, 10, 7, 340_169]);
    expect(all.getCell(6).numFmt).toBe("#,##0.00");
    expect(all.getCell(4).numFmt).toBe("#,##0");
    // Application-based assistance (tier 6: columns 19–21) belongs to no kind of care: blank, not 0, under 住院.
    expect([19, 20, 21].map((c) => find("lifted", "住院").getCell(c).value)).toEqual([null, null, null]);
    expect([19, 20, 21].map((c) => find("lifted", "合计").getCell(c).value)).toEqual([1, 1, 2000]);
    expect(find("destitute", "住院").getCell(10).value).toBe(1); // 大病保险 人次
    expect(find("destitute", "住院").getCell(12).value).toBe(5733.7);
    const lastRows = Array.from({ length: 5 }, (_, i) => String(summary.getCell(summary.rowCount - i, 1).value)).join("\n");
    expect(lastRows).toMatch(/金额单位/);

    const months = workbook.getWorksheet("按月")!;
    expect((months.getRow(2).values as unknown[]).slice(1)).toEqual(["月份", "人群", "就医类型", "保障层级", "人次", "人数", "金额（元）"]);
    const rowsOf = (sheet: ExcelJS.Worksheet) => Array.from({ length: sheet.rowCount - 2 }, (_, i) => (sheet.getRow(i + 3).values as unknown[]).slice(1));
    expect(rowsOf(months)).toContainEqual([11, "全部人员", "合计", "二次医疗救助（再救助）", 1, 1, 1600.5]);
    expect(rowsOf(months)).toContainEqual([2, "低保对象", "普通门诊", "基本医疗保险", 1, 1, 50]);
    expect(rowsOf(months).some((r) => r[0] === 4)).toBe(false); // nobody in April: no row
    expect(months.autoFilter).toBeDefined();

    const regions = workbook.getWorksheet("按地区")!;
    expect(rowsOf(regions)).toContainEqual(["451026", "那坡县", "全部人员", "合计", "综合保障（各层级合计）", 6, 2, 54_406.5]);
    expect(rowsOf(regions)).toContainEqual(["451081", "靖西市", "全部人员", "住院", "职工大额医疗费用补助", 1, 1, 3690]);
  });

  it("is refused for a path that is not .xlsx", async () => {
    const error = await writeBenefitsXlsx(baise, join(dir, "benefits.csv")).catch((e: unknown) => e);
    expect((error as DomainError).field).toBe("out");
  });
});

describe("yibao report benefits", () => {
  const run = promisify(execFile);
  const cli = (args: string[], data: string) =>
    run(process.execPath, ["--import", "tsx", "src/cli/main.ts", "report", "benefits", ...args], { env: { ...process.env, YIBAO_DATA: data, DATABASE_URL: "" } })
      .then((r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }), (e: { code: number; stdout: string; stderr: string }) => e);

  it("refuses an output that is not .xlsx, and a bad month or region, with status 2 before opening the database", async () => {
    const never = join(dir, "never-created");
    for (const [args, message] of [
      [["--year", "2022", "--out", join(dir, "b.csv")], /--out: must name an \.xlsx file/],
      [["--year", "2022"], /--out: is required for a workbook/],
      [["--year", "2022", "--month", "13", "--out", join(dir, "b.xlsx")], /--month: must be a month from 1 to 12/],
      [["--year", "2022", "--admdvs", "45", "--out", join(dir, "b.xlsx")], /--admdvs: must be a 6-digit region code/],
    ] as const) {
      const r = await cli([...args], never);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(existsSync(never)).toBe(false);
  });

  it("writes the workbook of a database", async () => {
    const out = join(dir, "cli.xlsx");
    const r = await cli(["--year", "2022", "--admdvs", "451000", "--out", out], join(dir, "data"));
    expect(r).toMatchObject({ code: 0, stdout: `written ${out}\n` });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    expect(workbook.getWorksheet("受益情况")?.getCell("A1").value).toBe("2022年医疗保障待遇受益情况（分层级、分人群）——百色市（451000）");
  });
});
