import { writeFileSync } from "node:fs";
import { extname } from "node:path";
import type { Command } from "commander";
import { DomainError } from "../../domain/errors.js";
import { coverage, subsidyStatistics, type StatisticsInput } from "../../services/enrollment/index.js";
import { coverageJson, subsidyStatisticsJson, writeCoverageXlsx, writeSubsidyXlsx } from "../../services/reports/index.js";
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
  out?: string;
  format?: string;
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
  const group = program.command("report").description("statistics for the departments: coverage (应保尽保) and subsidized enrollment (资助参保), as .xlsx or JSON");
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
}
