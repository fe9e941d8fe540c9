import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { csvField } from "../src/lib/csv.js";
import { defuseFormula } from "../src/lib/spreadsheet.js";
import { COVERAGE_RULES, type CoverageReport } from "../src/services/enrollment/coverage.js";
import { writeReport } from "../src/services/imports/files.js";
import { coverageWorkbook } from "../src/services/reports/reports.js";
import { csvCell, defuseFormula as webDefuse } from "../src/web/lib/spreadsheet.js";

/** Issue 21, item 7: every CSV and .xlsx the project writes defuses text a spreadsheet would run as a formula. */

const CASES: [string, string][] = [
  ["=1+1", "'=1+1"],
  ['=HYPERLINK("http://evil.example","点我")', `'=HYPERLINK("http://evil.example","点我")`],
  ["+86 138 0000 0000", "'+86 138 0000 0000"],
  ["-2+3", "'-2+3"],
  ["@SUM(A1:A9)", "'@SUM(A1:A9)"],
  ["\t=cmd|' /C calc'!A0", "'\t=cmd|' /C calc'!A0"],
  ["\r=1", "'\r=1"],
  // Plain numbers and ordinary text are left as they are.
  ["-12.50", "-12.50"],
  ["-3", "-3"],
  ["百色市人民医院", "百色市人民医院"],
  ["a=b", "a=b"],
  ["", ""],
];

describe("spreadsheet formulas are defused in exports", () => {
  it("defuseFormula, on the server and in the browser alike", () => {
    for (const [given, expected] of CASES) {
      expect(defuseFormula(given), JSON.stringify(given)).toBe(expected);
      expect(webDefuse(given), JSON.stringify(given)).toBe(expected);
    }
  });

  it("CSV fields: defused, then quoted when they must be; numbers untouched", () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvField("@cmd")).toBe("'@cmd");
    expect(csvField(-5)).toBe("-5");
    expect(csvField("-12.50")).toBe("-12.50");
    expect(csvCell("+1+1")).toBe("'+1+1");
    expect(csvCell("a,=b")).toBe('"a,=b"');
    expect(csvCell(-7)).toBe("-7");
  });

  it("an import's report of refused rows (CSV) carries a refused value as text", () => {
    const dir = mkdtempSync(join(tmpdir(), "yibao-export-"));
    try {
      const path = join(dir, "r.csv");
      writeReport(path, [{ row: 2, field: "=cmd|' /C calc'!A0", reason: "-1+1 is not a name" }]);
      expect(readFileSync(path, "utf8")).toBe("\uFEFFrow,field,reason\r\n2,'=cmd|' /C calc'!A0,'-1+1 is not a name\r\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a report workbook (.xlsx) writes such a text as a string beginning with an apostrophe, numbers as numbers", async () => {
    const report: CoverageReport = {
      year: 2022,
      admdvs: null,
      rules: COVERAGE_RULES,
      rows: [{
        admdvs: "+451000", category: "all", category_name: '=HYPERLINK("http://evil.example","x")', group: "all",
        population: 100, insured: 96, rate_bp: 9_600, uninsured: 4, target_bp: 9_500, meets_target: true,
      }],
    };
    const buffer = await coverageWorkbook(report).xlsx.writeBuffer();
    const read = new ExcelJS.Workbook();
    await read.xlsx.load(buffer as ArrayBuffer);
    const row = read.worksheets[0]?.getRow(3);
    expect(row?.getCell(1).value).toBe("'+451000");
    expect(row?.getCell(2).value).toBe(`'=HYPERLINK("http://evil.example","x")`);
    expect(row?.getCell(2).type).toBe(ExcelJS.ValueType.String);
    expect(row?.getCell(5).value).toBe(100);
    expect(row?.getCell(7).value).toBe(0.96);
  });
});
