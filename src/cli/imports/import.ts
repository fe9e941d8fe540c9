import cliProgress from "cli-progress";
import type { Command } from "commander";
import { DomainError } from "../../domain/errors.js";
import { seedDemo } from "../../services/demo/index.js";
import { countOpenDuplicates } from "../../services/enrollment/index.js";
import {
  type FileKind, IMPORT_COLUMNS, IMPORT_KINDS, type ImportKind, importSource, type ImportSource, importSummary, openImportSource, parseAsOf,
  parseRosterSource, ROSTER_COLUMNS, type RosterSource, SUPPLEMENTARY_COLUMNS,
} from "../../services/imports/index.js";
import { migrateDatabase, openFromEnvironment } from "../../store/db.js";
import { runCommand } from "../common/io.js";

const DESCRIPTIONS: Record<ImportKind, string> = {
  persons: "insured persons (参保人员), their enrollment of the year and its contributions (resident: initial contribution and subsidy)",
  identities: "assistance categories of persons (人员身份) with their validity; subsidies of the persons changed are recomputed",
  fixmedins: "designated medical institutions (定点医药机构)",
  catalogue: "catalogue entries (医保目录)",
  population: "registered population (登记人口) per region, year and category (all, poverty_relief or a category), for coverage rates",
};

/** Files above this size get a progress bar (a few thousand rows). */
const PROGRESS_MIN_BYTES = 256 * 1024;

interface ImportCommandOptions {
  report?: string;
  year?: string;
  batch?: string;
  source?: string;
  asOf?: string;
}

function integerOption(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min || n > max) throw new DomainError(name, `must be a whole number from ${min} to ${max}, got "${value}"`);
  return n;
}

async function runImport(kind: FileKind, file: string, options: ImportCommandOptions): Promise<void> {
  const year = integerOption(options.year, "--year", 1990, 2100);
  const batchSize = integerOption(options.batch, "--batch", 1, 20_000);
  const department: RosterSource | undefined = options.source === undefined ? undefined : parseRosterSource(options.source, "--source");
  const asOf = options.asOf === undefined ? undefined : parseAsOf(options.asOf, "--as-of");
  // The header is checked before the database is opened: a wrong file changes nothing and costs nothing.
  const source: ImportSource = await openImportSource(file, kind);
  if (kind === "roster" && department === undefined && !source.header.includes("source")) {
    source.close();
    throw new DomainError("--source", "名单没有source列，须用--source指定来源部门 / the roster has no source column: give --source civil_affairs or rural_revitalisation");
  }
  let database;
  try {
    database = await openFromEnvironment();
  } catch (error) {
    source.close();
    throw error;
  }
  const bar =
    source.size >= PROGRESS_MIN_BYTES && process.stderr.isTTY
      ? new cliProgress.SingleBar(
          { format: `${kind} [{bar}] {percentage}% | {rows} rows | ETA {eta_formatted}`, hideCursor: true, stream: process.stderr },
          cliProgress.Presets.shades_classic,
        )
      : null;
  try {
    await migrateDatabase(database);
    bar?.start(source.size, 0, { rows: 0 });
    const outcome = await importSource(database, kind, source, {
      ...(options.report !== undefined ? { reportPath: options.report } : {}),
      ...(year !== undefined ? { year } : {}),
      ...(batchSize !== undefined ? { batchSize } : {}),
      ...(department !== undefined ? { source: department } : {}),
      ...(asOf !== undefined ? { asOf } : {}),
      onProgress: (counts) => bar?.update(source.bytesRead(), { rows: counts.read }),
    });
    bar?.update(source.size, { rows: outcome.result.read });
    bar?.stop();
    process.stdout.write(`${importSummary(outcome)}\n`);
    const duplicates = kind === "persons" ? await countOpenDuplicates(database.db, year ?? new Date().getFullYear()) : 0;
    if (duplicates > 0) process.stdout.write(`duplicate enrollments open: ${duplicates} (yibao duplicates list --status open --year ${year ?? new Date().getFullYear()})\n`);
  } finally {
    bar?.stop();
    source.close();
    await database.close();
  }
}

export function registerImportCommands(program: Command): void {
  const group = program
    .command("import")
    .description(
      "import a CSV (UTF-8) or .xlsx file; bad rows go to a report (<file>.report.csv) and the good rows are kept. " +
        "With the embedded database (no DATABASE_URL) stop the server first.",
    );
  for (const kind of IMPORT_KINDS) {
    const { required, optional } = IMPORT_COLUMNS[kind];
    const command = group
      .command(`${kind} <file>`)
      .description(`${DESCRIPTIONS[kind]}; columns ${required.join(", ")}${optional.length > 0 ? ` (optional ${optional.join(", ")})` : ""}`)
      .option("--report <path>", "where to write the report of refused rows (default <file>.report.csv)")
      .option("--batch <rows>", "rows per statement and transaction (default 5000)");
    if (kind === "persons") {
      command
        .option("--year <year>", "the enrollment year (default the current year)")
        .option(
          "--as-of <time>",
          "when the file's facts hold from, YYYY-MM-DD or 'YYYY-MM-DD HH:mm:ss' China time (default the time of the import; a row's updt_time comes first): " +
            "a row older than the facts on record is kept out and listed in the report",
        );
    }
    command.action((file: string, options: ImportCommandOptions) => runCommand(() => runImport(kind, file, options)));
  }
  group
    .command("roster <file>")
    .description(
      "a category roster from civil affairs (民政) or rural revitalisation (乡村振兴): who is destitute, minimum-living, monitored… " +
        `with dates; the names must match; subsidies of the persons changed are recomputed (a category gained after paying subsidizes from the next month); ` +
        `columns ${ROSTER_COLUMNS.required.join(", ")} (optional ${ROSTER_COLUMNS.optional.join(", ")})`,
    )
    .option("--source <department>", "civil_affairs or rural_revitalisation: the department of the whole file (else the source column)")
    .option("--report <path>", "where to write the report of refused rows (default <file>.report.csv)")
    .option("--batch <rows>", "rows per statement and transaction (default 5000)")
    .action((file: string, options: ImportCommandOptions) => runCommand(() => runImport("roster", file, options)));
  group
    .command("supplementary <file>")
    .description(
      "the roster of a supplementary tier of the region's policy (惠民保 from the insurer, a charity's families): who is covered, by tier id and year, " +
        "from begin_date to end_date (inside the year; empty: to its end); the names must match and the tier must be a roster tier of the person's region's policy; " +
        `columns ${SUPPLEMENTARY_COLUMNS.required.join(", ")} (optional ${SUPPLEMENTARY_COLUMNS.optional.join(", ")})`,
    )
    .option("--report <path>", "where to write the report of refused rows (default <file>.report.csv)")
    .option("--batch <rows>", "rows per statement and transaction (default 5000)")
    .action((file: string, options: ImportCommandOptions) => runCommand(() => runImport("supplementary", file, options)));
  group
    .command("demo")
    .description("load the demo region 451000 (catalogues, hospitals, 1,000 synthetic persons) into an empty database (one that holds nothing of its own), in one transaction")
    .action(() =>
      runCommand(async () => {
        const database = await openFromEnvironment();
        try {
          await migrateDatabase(database);
          const seeded = await seedDemo(database);
          process.stdout.write(seeded.seeded ? `demo loaded: ${seeded.persons} persons, ${seeded.fixmedins} hospitals, ${seeded.catalogue} catalogue entries\n` : "demo not loaded: the database is not empty (it holds data of its own, or the demo already)\n");
        } finally {
          await database.close();
        }
      }),
    );
}
