import { writeFileSync } from "node:fs";
import { extname } from "node:path";
import type { Command } from "commander";
import { DomainError } from "../../domain/errors.js";
import { parseRegionCode } from "../../domain/ids.js";
import { coverage, subsidyStatistics, type StatisticsInput } from "../../services/enrollment/index.js";
import {
  benefitReport, benefitsJson, coverageJson, subsidyStatisticsJson, writeBenefitsXlsx, writeCoverageXlsx, writeSubsidyXlsx,
} from "../../services/reports/index.js";
import { runCommand, withDatabase } from "../common/io.js";

/** A --year option as a calendar year. */
export function yearOption(value: string | undefined, name = "--year"): number {
  if (value === undefined) throw new DomainError(name, "is required");
  if (!/^\d{4}$/.test(value.trim()) || Number(value) < 1990 || Number(value) > 2100) throw new DomainError(name, `must be a calendar year such as 2022, got "${value}"`);
  return Number(value);
}


interface ReportOptions {
  year?: string;
  admdvs?: string;
  month?: string;
  out?: string;
  format?: string;
}

/** A --month option as a month of the year, 1 to 12. */
function monthOption(value: string): number {
  if (!/^\d{1,2}$/.test(value.trim()) || Number(value) < 1 || Number(value) > 12) throw new DomainError("--month", `must be a month from 1 to 12, got "${value}"`);
  return Number(value);
}

function outputOf(options: ReportOptions): { format: "xlsx" | "json"; out: string | undefined } {
  const format = options.format ?? "xlsx";
  if (format !== "xlsx" && format !== "json") throw new DomainError("--format", `must be xlsx or json, got "${format}"`);
  if (format === "xlsx") {
    if (options.out === undefined) throw new DomainError("--out", "is required for a workbook (FILE.xlsx), or use --format json");
    if (extname(options.out).toLowerCase() !== ".xlsx") throw new DomainError("--out", `must name an .xlsx file, got "${options.out}"`);
  }
  return { format, out: options.out };
}

function inputOf(options: ReportOptions): StatisticsInput {
  return { year: yearOption(options.year), ...(options.admdvs !== undefined ? { admdvs: options.admdvs } : {}) };
}

async function emit(format: "xlsx" | "json", out: string | undefined, json: unknown, writeXlsx: (path: string) => Promise<void>): Promise<void> {
  if (format === "json") {
    const text = `${JSON.stringify(json, null, 2)}\n`;
    if (out === undefined) process.stdout.write(text);
    else {
      writeFileSync(out, text);
      process.stdout.write(`written ${out}\n`);
    }
    return;
  }
  await writeXlsx(out as string);
  process.stdout.write(`written ${out}\n`);
}

export function registerReportCommands(program: Command): void {
  const group = program.command("report").description("statistics for the departments: coverage (应保尽保), subsidized enrollment (资助参保) and benefits (待遇受益), as .xlsx or JSON");
  group
    .command("coverage")
    .description("insured persons against the registered population per region and category, with rates (the population comes from `yibao import population`)")
    .requiredOption("--year <year>", "the enrollment year")
    .option("--admdvs <region>", "one region only")
    .option("--out <file.xlsx>", "the workbook to write")
    .option("--format <format>", "xlsx (default) or json (printed, or written to --out)")
    .action((options: ReportOptions) =>
      runCommand(async () => {
        const input = inputOf(options);
        const { format, out } = outputOf(options);
        const report = await withDatabase((database) => coverage(database.db, input));
        await emit(format, out, coverageJson(report), (path) => writeCoverageXlsx(report, path));
      }),
    );
  group
    .command("subsidies")
    .description("subsidized enrollment per category: persons subsidized, assistance subsidy, person paid and fiscal subsidy totals")
    .requiredOption("--year <year>", "the enrollment year")
    .option("--admdvs <region>", "one region only")
    .option("--out <file.xlsx>", "the workbook to write")
    .option("--format <format>", "xlsx (default) or json (printed, or written to --out)")
    .action((options: ReportOptions) =>
      runCommand(async () => {
        const input = inputOf(options);
        const { format, out } = outputOf(options);
        const report = await withDatabase((database) => subsidyStatistics(database.db, input));
        await emit(format, out, subsidyStatisticsJson(report), (path) => writeSubsidyXlsx(report, path));
      }),
    );
  group
    .command("benefits")
    .description("beneficiaries (人次 and persons) and amounts per tier, inpatient / outpatient chronic / general outpatient, for everyone and the poverty-relief population by category, per month (Baise's table); a prefecture includes its counties")
    .requiredOption("--year <year>", "the year of care (of payment, for assistance on application)")
    .option("--month <month>", "one month of the year (1-12) only")
    .option("--admdvs <region>", "one region only (a prefecture with its counties)")
    .option("--out <file.xlsx>", "the workbook to write")
    .option("--format <format>", "xlsx (default) or json (the API's answer, printed, or written to --out)")
    .action((options: ReportOptions) =>
      runCommand(async () => {
        // Every option is checked before the database is opened: a wrong one costs nothing and changes nothing.
        const input = {
          year: yearOption(options.year),
          ...(options.admdvs !== undefined ? { admdvs: parseRegionCode(options.admdvs, "--admdvs") } : {}),
          ...(options.month !== undefined ? { month: monthOption(options.month) } : {}),
        };
        const { format, out } = outputOf(options);
        const report = await withDatabase((database) => benefitReport(database.db, input));
        await emit(format, out, benefitsJson(report), (path) => writeBenefitsXlsx(report, path));
      }),
    );
}
