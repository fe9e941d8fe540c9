import type ExcelJS from "exceljs";
import { regionName } from "../../domain/reference/index.js";
import { defuseFormula } from "../../lib/spreadsheet.js";
import { POPULATION_NAMES } from "../enrollment/index.js";
import {
  BENEFIT_CARES, BENEFIT_POPULATIONS, BENEFIT_TIERS, CARE_NAMES, TIER_INFO, caresOf, type BenefitFigures, type BenefitReport, type BenefitRow,
} from "./benefits.js";
import { newWorkbook, saveWorkbook } from "./reports.js";

/**
 * The benefit report as a workbook for the departments: the year's table laid out like Baise's (a row per population and
 * kind of care, three columns per tier: 人次, 人数, 金额), then the months and the regions as long tables a clerk can
 * filter. Numbers stay numbers (yuan shown with two decimals); the notes under the first table say what is counted.
 */

const HEADER_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFD9E1F2" } };
const THIN: Partial<ExcelJS.Borders> = { top: { style: "thin" }, bottom: { style: "thin" }, left: { style: "thin" }, right: { style: "thin" } };
const COUNT_FORMAT = "#,##0";
const AMOUNT_FORMAT = "#,##0.00";

type Cell = string | number | null;

function headerCell(cell: ExcelJS.Cell, value: string): void {
  cell.value = value;
  cell.font = { bold: true };
  cell.alignment = { horizontal: "center", vertical: "middle", wrapText: true };
  cell.fill = HEADER_FILL;
  cell.border = THIN;
}

function title(sheet: ExcelJS.Worksheet, text: string, width: number): void {
  const row = sheet.addRow([text]);
  sheet.mergeCells(row.number, 1, row.number, width);
  row.height = 24;
  row.getCell(1).font = { bold: true, size: 14 };
  row.getCell(1).alignment = { horizontal: "center", vertical: "middle" };
}

/** Text cells pass defuseFormula (src/lib/spreadsheet.ts), as in every workbook the project writes. */
const cells = (values: Cell[]): Cell[] => values.map((v) => (typeof v === "string" ? defuseFormula(v) : v));

const periodText = (r: BenefitReport) => (r.month === null ? `${r.year}年` : `${r.year}年${r.month}月`);
const scopeText = (r: BenefitReport) => (r.admdvs === null ? "全国" : `${regionName(r.admdvs)}（${r.admdvs}）`);
const yuan = (f: BenefitFigures) => f.amount_fen / 100;

/** The year's table: populations down, tiers across (人次, 人数, 金额 under each), the notes below. */
function summarySheet(workbook: ExcelJS.Workbook, report: BenefitReport): void {
  const sheet = workbook.addWorksheet("受益情况", { views: [{ state: "frozen", xSplit: 3, ySplit: 3 }] });
  const keys = 3;
  const width = keys + BENEFIT_TIERS.length * 3;
  sheet.columns = [
    { width: 26 }, { width: 20 }, { width: 12 },
    ...BENEFIT_TIERS.flatMap(() => [{ width: 10, style: { numFmt: COUNT_FORMAT } }, { width: 10, style: { numFmt: COUNT_FORMAT } }, { width: 16, style: { numFmt: AMOUNT_FORMAT } }]),
  ];
  title(sheet, `${periodText(report)}医疗保障待遇受益情况（分层级、分人群）——${scopeText(report)}`, width);
  const groups = sheet.addRow([]);
  const subs = sheet.addRow([]);
  ["人群", "类别代码", "就医类型"].forEach((text, i) => {
    headerCell(groups.getCell(i + 1), text);
    sheet.mergeCells(groups.number, i + 1, subs.number, i + 1);
  });
  BENEFIT_TIERS.forEach((tier, i) => {
    const first = keys + 1 + i * 3;
    headerCell(groups.getCell(first), TIER_INFO[tier].name);
    sheet.mergeCells(groups.number, first, groups.number, first + 2);
    ["人次", "人数", "金额（元）"].forEach((text, j) => headerCell(subs.getCell(first + j), text));
  });
  groups.height = 32;

  const byKey = new Map<string, BenefitRow>(report.rows.map((r) => [`${r.tier}|${r.care}|${r.population}`, r]));
  for (const population of BENEFIT_POPULATIONS) {
    for (const care of BENEFIT_CARES) {
      const values: Cell[] = [POPULATION_NAMES[population], population, CARE_NAMES[care]];
      for (const tier of BENEFIT_TIERS) {
        // A tier not shown under this kind of care (an application's payment is no one visit's) stays blank, not 0.
        const row = caresOf(tier).includes(care) ? byKey.get(`${tier}|${care}|${population}`) : undefined;
        values.push(...(row ? [row.period.person_times, row.period.persons, yuan(row.period)] : [null, null, null]));
      }
      const added = sheet.addRow(cells(values));
      if (care === "all") added.font = { bold: true };
    }
  }
  sheet.addRow([]);
  for (const note of report.notes) sheet.addRow(cells([note]));
}

interface LongColumn {
  header: string;
  width: number;
  numFmt?: string;
}

/** A long table (one figure set per row) with a filter on its headers. */
function longSheet(workbook: ExcelJS.Workbook, name: string, heading: string, columns: readonly LongColumn[], rows: readonly Cell[][]): void {
  const sheet = workbook.addWorksheet(name, { views: [{ state: "frozen", ySplit: 2 }] });
  sheet.columns = columns.map((c) => ({ width: c.width, ...(c.numFmt ? { style: { numFmt: c.numFmt } } : {}) }));
  title(sheet, heading, columns.length);
  const header = sheet.addRow([]);
  columns.forEach((c, i) => headerCell(header.getCell(i + 1), c.header));
  for (const values of rows) sheet.addRow(cells(values));
  if (rows.length === 0) sheet.addRow(["无数据 / no data"]);
  else sheet.autoFilter = { from: { row: header.number, column: 1 }, to: { row: header.number + rows.length, column: columns.length } };
  sheet.addRow([]);
  sheet.addRow(["只列出有受益的行；口径见“受益情况”表下的说明 / only rows with a benefit; see the notes under the first sheet"]);
}

const FIGURE_COLUMNS: readonly LongColumn[] = [
  { header: "人次", width: 10, numFmt: COUNT_FORMAT },
  { header: "人数", width: 10, numFmt: COUNT_FORMAT },
  { header: "金额（元）", width: 16, numFmt: AMOUNT_FORMAT },
];

export const BENEFIT_MONTH_COLUMNS: readonly LongColumn[] = [
  { header: "月份", width: 8 },
  { header: "人群", width: 26 },
  { header: "就医类型", width: 12 },
  { header: "保障层级", width: 24 },
  ...FIGURE_COLUMNS,
];

export const BENEFIT_REGION_COLUMNS: readonly LongColumn[] = [
  { header: "行政区划代码", width: 14 },
  { header: "地区", width: 16 },
  { header: "人群", width: 26 },
  { header: "就医类型", width: 12 },
  { header: "保障层级", width: 24 },
  ...FIGURE_COLUMNS,
];

const hasBenefit = (f: BenefitFigures) => f.person_times > 0 || f.amount_fen !== 0;

export function benefitsWorkbook(report: BenefitReport): ExcelJS.Workbook {
  const workbook = newWorkbook();
  summarySheet(workbook, report);

  const monthly: Cell[][] = [];
  report.months.forEach((month, i) => {
    for (const r of report.rows) {
      const f = r.monthly[i];
      if (f && hasBenefit(f)) monthly.push([month, POPULATION_NAMES[r.population], CARE_NAMES[r.care], TIER_INFO[r.tier].name, f.person_times, f.persons, yuan(f)]);
    }
  });
  longSheet(workbook, "按月", `${periodText(report)}医疗保障待遇受益情况（按月）——${scopeText(report)}`, BENEFIT_MONTH_COLUMNS, monthly);

  const regions = report.regions.map((r): Cell[] => [
    r.admdvs, regionName(r.admdvs), POPULATION_NAMES[r.population], CARE_NAMES[r.care], TIER_INFO[r.tier].name, r.period.person_times, r.period.persons, yuan(r.period),
  ]);
  longSheet(workbook, "按地区", `${periodText(report)}医疗保障待遇受益情况（按参保地区）——${scopeText(report)}`, BENEFIT_REGION_COLUMNS, regions);
  return workbook;
}

export function writeBenefitsXlsx(report: BenefitReport, path: string): Promise<void> {
  return saveWorkbook(benefitsWorkbook(report), path);
}
