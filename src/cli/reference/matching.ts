import cliProgress from "cli-progress";
import type { Command } from "commander";
import { DomainError } from "../../domain/errors.js";
import { NATIONAL_LIST_TYPES } from "../../domain/reference/index.js";
import { Services } from "../../services/common/index.js";
import { defaultReportPath, importMatchingRows, MATCHING_COLUMNS, openImportSource, writeReport } from "../../services/imports/index.js";
import { findHospital, matchingPage, unmatchedOf } from "../../services/reference/index.js";
import { runCommand, withDatabase } from "../common/io.js";

/** `yibao matching`: a hospital's catalogue matching (目录对照) from a file, and its list and unmatched codes. */

interface ImportOptions {
  hospital: string;
  report?: string;
  opter?: string;
}

async function runImport(file: string, options: ImportOptions): Promise<void> {
  // The header is checked before the database is opened: a wrong file changes nothing.
  const source = await openImportSource(file, "matching");
  const reportPath = options.report ?? defaultReportPath(file);
  try {
    writeReport(reportPath, []);
  } catch (error) {
    source.close();
    throw new DomainError(reportPath, `无法写入报告文件 / the report cannot be written: ${(error as Error).message}`);
  }
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar({ format: "matching [{bar}] {percentage}% | {rows} rows | ETA {eta_formatted}", hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic)
    : null;
  try {
    await withDatabase(async (database) => {
      const services = new Services(database);
      if (!(await findHospital(database.db, options.hospital))) throw new DomainError("--hospital", `${options.hospital} 不是定点医药机构 / is not a designated medical institution`);
      bar?.start(Math.max(source.size, 1), 0, { rows: 0 });
      const started = Date.now();
      const r = await importMatchingRows(services, database, options.hospital, source.rows, {
        opter: options.opter ?? null,
        onProgress: (counts) => bar?.update(source.bytesRead(), { rows: counts.read }),
      });
      bar?.update(Math.max(source.size, 1), { rows: r.read });
      bar?.stop();
      writeReport(reportPath, r.rejected);
      process.stdout.write(
        `matching ${options.hospital}: read ${r.read}, inserted ${r.inserted}, replaced ${r.updated}, unchanged ${r.unchanged}, rejected ${r.rejectedRows} ` +
          `in ${((Date.now() - started) / 1000).toFixed(1)} s; report ${reportPath}\n`,
      );
    });
  } finally {
    bar?.stop();
    source.close();
  }
}

interface ListOptions {
  hospital: string;
  unmatched?: boolean;
  all?: boolean;
  search?: string;
  page?: string;
  pageSize?: string;
}

function positive(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > max) throw new DomainError(name, `must be a whole number from 1 to ${max}, got "${value}"`);
  return n;
}

async function runList(options: ListOptions): Promise<void> {
  const page = positive(options.page, "--page", 1, 1_000_000);
  const pageSize = positive(options.pageSize, "--page-size", 50, 1_000);
  await withDatabase(async (database) => {
    const hospital = await findHospital(database.db, options.hospital);
    if (!hospital) throw new DomainError("--hospital", `${options.hospital} 不是定点医药机构 / is not a designated medical institution`);
    if (options.unmatched) {
      const rows = await unmatchedOf(database.db, hospital.fixmedins_code, options.all === true);
      process.stdout.write(`${hospital.fixmedins_code} ${hospital.fixmedins_name}: ${rows.length} unmatched code(s)\n`);
      for (const u of rows) {
        process.stdout.write(`${u.medins_list_codg}\t${u.medins_list_name ?? ""}\t${u.source}\t×${u.times}\t${u.resolved_at ? "resolved" : "open"}\t${u.reason}\n`);
      }
      return;
    }
    const found = await matchingPage(database.db, hospital.fixmedins_code, { search: options.search, vali_flag: options.all ? undefined : "1" }, { page_num: page, page_size: pageSize });
    process.stdout.write(`${hospital.fixmedins_code} ${hospital.fixmedins_name}: ${found.total} matching(s)${options.all ? " with history" : " in force"}, page ${page}\n`);
    for (const m of found.rows) {
      process.stdout.write(
        `${m.medins_list_codg}\t${m.medins_list_name}\t${m.list_type} ${NATIONAL_LIST_TYPES[m.list_type]?.name ?? ""}\t→ ${m.med_list_codg}\t${m.begndate}–${m.enddate ?? ""}\t${m.status}\n`,
      );
    }
  });
}

export function registerMatchingCommands(program: Command): void {
  const group = program.command("matching").description("a hospital's catalogue matching (目录对照): its own item codes against the national codes of its region's catalogue");
  group
    .command("import <file>")
    .description(
      `import a hospital's matching from a CSV (UTF-8) or .xlsx file with the columns of 3301: ${MATCHING_COLUMNS.required.join(", ")} ` +
        `(optional ${MATCHING_COLUMNS.optional.join(", ")}); bad rows go to the report and their codes to the hospital's unmatched codes. ` +
        "With the embedded database (no DATABASE_URL) stop the server first.",
    )
    .requiredOption("--hospital <code>", "the hospital (fixmedins_code) whose matching the file is")
    .option("--report <path>", "where to write the report of refused rows (default <file>.report.csv)")
    .option("--opter <name>", "who made the matching (kept with each row)")
    .action((file: string, options: ImportOptions) => runCommand(() => runImport(file, options)));
  group
    .command("list")
    .description("list a hospital's matching in force (--all: with its history), or its unmatched codes (--unmatched)")
    .requiredOption("--hospital <code>", "the hospital (fixmedins_code)")
    .option("--unmatched", "the codes that found no matching instead")
    .option("--all", "ended matchings too (or resolved unmatched codes)")
    .option("--search <text>", "a code or name, in part")
    .option("--page <n>", "page number (default 1)")
    .option("--page-size <n>", "rows per page (default 50)")
    .action((options: ListOptions) => runCommand(() => runList(options)));
}
