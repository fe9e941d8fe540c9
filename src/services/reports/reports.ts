import { extname } from "node:path";
import ExcelJS from "exceljs";
import { DomainError } from "../../domain/errors.js";
import { defuseFormula } from "../../lib/spreadsheet.js";
import { toYuan } from "../../domain/money.js";
import type { CategoryGroup, CoverageReport, CoverageRow, SubsidyReport, SubsidyRow } from "../enrollment/index.js";

/**
 * The coverage and subsidy statistics as JSON (the API's shape: rates in percent to 0.01, money in yuan as numbers with at
 * most two decimals, as on the national interface) and as Excel workbooks for the departments (Chinese headers, a title
 * row, numbers as numbers, yuan shown with two decimals, rates as percent).
 */

export type CoverageRowJson = Omit<CoverageRow, "rate_bp" | "target_bp"> & { rate_percent: number | null; target_percent: number | null };

export function coverageJson(report: CoverageReport) {
  return {
    year: report.year,
    admdvs: report.admdvs,
    rules: report.rules,
    rows: report.rows.map(({ rate_bp, target_bp, ...row }): CoverageRowJson => ({
      ...row,
      rate_percent: rate_bp === null ? null : rate_bp / 100,
      target_percent: target_bp === null ? null : target_bp / 100,
    })),
  };
}

export interface SubsidyRowJson {
  admdvs: string;
  category: string;
  category_name: string;
  group: SubsidyRow["group"];
  persons: number;
  persons_subsidized: number;
  individual: number;
  person_paid: number;
  assistance_subsidy: number;
  fiscal_subsidy: number;
}

export function subsidyStatisticsJson(report: SubsidyReport) {
  return {
    year: report.year,
    admdvs: report.admdvs,
    rules: report.rules,
    rows: report.rows.map((r): SubsidyRowJson => ({
      admdvs: r.admdvs,
      category: r.category,
      category_name: r.category_name,
      group: r.group,
      persons: r.persons,
      persons_subsidized: r.persons_subsidized,
      individual: toYuan(r.individual_fen),
      person_paid: toYuan(r.person_paid_fen),
      assistance_subsidy: toYuan(r.assistance_subsidy_fen),
      fiscal_subsidy: toYuan(r.fiscal_subsidy_fen),
    })),
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Workbooks

const GROUP_NAMES: Record<CategoryGroup | "none", string> = {
  all: "全体人员",
  poverty_relief: "脱贫人口和低收入人口",
  other: "其他救助对象",
  none: "普通参保人员",
};

export const PERCENT_FORMAT = "0.00%";
export const YUAN_FORMAT = "0.00";

interface Column {
  header: string;
  width: number;
  numFmt?: string;
}

type Cell = string | number | null;

/** A sheet: the title in row 1 across the table, the headers in row 2, the rows from row 3, then the notes. */
function addTable(workbook: ExcelJS.Workbook, name: string, title: string, columns: readonly Column[], rows: readonly Cell[][], notes: readonly string[]): void {
  const sheet = workbook.addWorksheet(name, { views: [{ state: "frozen", ySplit: 2 }] });
  sheet.columns = columns.map((c) => ({ width: c.width, ...(c.numFmt ? { style: { numFmt: c.numFmt } } : {}) }));
  const titleRow = sheet.addRow([title]);
  sheet.mergeCells(1, 1, 1, columns.length);
  titleRow.height = 24;
  titleRow.getCell(1).font = { bold: true, size: 14 };
  titleRow.getCell(1).alignment = { horizontal: "center", vertical: "middle" };
  const header = sheet.addRow(columns.map((c) => c.header));
  header.eachCell((cell) => {
    cell.font = { bold: true };
    cell.alignment = { horizontal: "center", vertical: "middle", wrapText: true };
    cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFD9E1F2" } };
    cell.border = { top: { style: "thin" }, bottom: { style: "thin" }, left: { style: "thin" }, right: { style: "thin" } };
  });
  for (const values of rows) {
    // Text cells defused (src/lib/spreadsheet.ts): names and codes come from imported files.
    const row = sheet.addRow(values.map((v) => (v === null ? null : typeof v === "string" ? defuseFormula(v) : v)));
    columns.forEach((c, i) => {
      if (c.numFmt) row.getCell(i + 1).numFmt = c.numFmt;
    });
  }
  if (rows.length === 0) sheet.addRow(["无数据 / no data"]);
  sheet.addRow([]);
  for (const note of notes) sheet.addRow([note]);
}

export async function saveWorkbook(workbook: ExcelJS.Workbook, path: string): Promise<void> {
  if (extname(path).toLowerCase() !== ".xlsx") throw new DomainError("out", `须为.xlsx文件 / must be an .xlsx file, got "${path}"`);
  try {
    await workbook.xlsx.writeFile(path);
  } catch (error) {
    throw new DomainError("out", `无法写入文件 / ${path} cannot be written: ${(error as Error).message}`);
  }
}

export function newWorkbook(): ExcelJS.Workbook {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "Yibao";
  workbook.created = new Date();
  return workbook;
}

const regionText = (admdvs: string | null) => (admdvs === null ? "" : `（${admdvs}）`);

export const COVERAGE_COLUMNS: readonly Column[] = [
  { header: "行政区划代码", width: 14 },
  { header: "人员类别", width: 26 },
  { header: "类别代码", width: 18 },
  { header: "分组", width: 20 },
  { header: "登记人口数", width: 12 },
  { header: "参保人数", width: 12 },
  { header: "参保率", width: 10, numFmt: PERCENT_FORMAT },
  { header: "未参保人数", width: 12 },
  { header: "目标参保率", width: 12, numFmt: PERCENT_FORMAT },
  { header: "是否达标", width: 10 },
];

export function coverageWorkbook(report: CoverageReport): ExcelJS.Workbook {
  const workbook = newWorkbook();
  addTable(
    workbook,
    "参保覆盖",
    `${report.year}年基本医疗保险参保覆盖情况${regionText(report.admdvs)}`,
    COVERAGE_COLUMNS,
    report.rows.map((r) => [
      r.admdvs,
      r.category_name,
      r.category,
      GROUP_NAMES[r.group],
      r.population,
      r.insured,
      r.rate_bp === null ? null : r.rate_bp / 10_000,
      r.uninsured,
      r.target_bp === null ? null : r.target_bp / 10_000,
      r.meets_target === null ? null : r.meets_target ? "是" : "否",
    ]),
    [`口径：参保人数为${report.rules.insured}`, `人员类别为${report.rules.category}`, "登记人口来自人口数据导入（yibao import population）；无登记人口时参保率为空。"],
  );
  return workbook;
}

export const SUBSIDY_COLUMNS: readonly Column[] = [
  { header: "行政区划代码", width: 14 },
  { header: "人员类别", width: 26 },
  { header: "类别代码", width: 18 },
  { header: "分组", width: 20 },
  { header: "缴费人数", width: 10 },
  { header: "资助人数", width: 10 },
  { header: "个人应缴金额（元）", width: 18, numFmt: YUAN_FORMAT },
  { header: "个人缴费金额（元）", width: 18, numFmt: YUAN_FORMAT },
  { header: "医疗救助资助金额（元）", width: 22, numFmt: YUAN_FORMAT },
  { header: "财政补助金额（元）", width: 18, numFmt: YUAN_FORMAT },
];

export function subsidyWorkbook(report: SubsidyReport): ExcelJS.Workbook {
  const workbook = newWorkbook();
  addTable(
    workbook,
    "资助参保",
    `${report.year}年资助参保统计（按人员类别）${regionText(report.admdvs)}`,
    SUBSIDY_COLUMNS,
    report.rows.map((r) => [
      r.admdvs,
      r.category_name,
      r.category,
      GROUP_NAMES[r.group],
      r.persons,
      r.persons_subsidized,
      r.individual_fen / 100,
      r.person_paid_fen / 100,
      r.assistance_subsidy_fen / 100,
      r.fiscal_subsidy_fen / 100,
    ]),
    [`口径：金额为${report.rules.amounts}`, `资助人数为${report.rules.persons_subsidized}`],
  );
  return workbook;
}

export function writeCoverageXlsx(report: CoverageReport, path: string): Promise<void> {
  return saveWorkbook(coverageWorkbook(report), path);
}

export function writeSubsidyXlsx(report: SubsidyReport, path: string): Promise<void> {
  return saveWorkbook(subsidyWorkbook(report), path);
}
