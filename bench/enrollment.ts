/**
 * Subsidized enrollment at scale: a category roster of N persons (the civil-affairs and rural-revitalisation mix below)
 * imported from CSV through `yibao import roster` — validation, name check, upsert of the categories and, in the same
 * transaction per batch, the recompute of the persons' subsidies (adjustments: 当月参保、次月资助) — and the year's
 * recompute over all N enrollments, on a fresh PGlite data folder and a fresh PostgreSQL database.
 *
 * Steps per database: (1) the persons of bench/imports.ts's generator imported without contributions (set-up, timed);
 * (2) recompute of the year, writing every resident's initial contribution; (3) the roster import with its recompute;
 * (4) recompute again, which must write nothing (idempotent) — the cost of a scan.
 *
 * BENCH_ENROLLMENT_ROWS sets N (default 1,000,000); BENCH_ENROLLMENT_PGLITE_ROWS a smaller N for PGlite alone (it is
 * single-threaded in this process: see the results' note); BENCH_DATABASE_ADMIN_URL the PostgreSQL server.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { sql } from "drizzle-orm";
import pg from "pg";
import { recomputeSubsidies, type RecomputeResult } from "../src/services/enrollment/enrollment.js";
import { importFile, openImportSource } from "../src/services/imports/files.js";
import { importPersons, type ImportCounts } from "../src/services/imports/rows.js";
import { rowsOf } from "../src/services/common/sql.js";
import { migrateDatabase, openDatabase, type Database } from "../src/store/db.js";
import { round, type Benchmark } from "./harness.js";
import { writePersonsCsv } from "./imports.js";

const YEAR = 2022;

function positiveInteger(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return process.env[name] !== undefined && Number.isInteger(v) && v > 0 ? v : fallback;
}

const now = () => Number(process.hrtime.bigint()) / 1e9;

/**
 * The roster: one category for every person of the persons file. Data row j (from 0) gets, by k = (j + 1) mod 20:
 * destitute (k 0), minimum living from 1 January (1–5) and from 15 May (6–8: months 6–12), monitored from 1 March (9–11),
 * low income (12–14: 60% only for those 60+ or under 18 on 1 January), lifted (15–19). The persons generator makes
 * row j an employee when j mod 5 = 0 (k = 1, 6, 11, 16): they hold the category but have no contribution. Among the
 * residents (80%): destitute 6.25%, minimum living 25% + 12.5%, monitored 12.5%, low income 18.75%, lifted 25%.
 * Each row names its department.
 */
export async function writeRosterCsv(personsCsv: string, path: string): Promise<number> {
  const out = createWriteStream(path);
  const write = (text: string) => new Promise<void>((resolve, reject) => (out.write(text, (e) => (e ? reject(e) : resolve()))));
  await write("certno,psn_name,psn_idet_type,begntime,endtime,source\n");
  const lines = createInterface({ input: createReadStream(personsCsv), crlfDelay: Infinity });
  let j = -1; // the header
  let chunk = "";
  for await (const line of lines) {
    if (j++ < 0) continue;
    const comma = line.indexOf(",");
    const certno = line.slice(0, comma);
    const name = line.slice(comma + 1, line.indexOf(",", comma + 1));
    const k = (j + 1) % 20;
    const [type, begin, end, source] =
      k === 0 ? ["destitute", "2022-01-01", "", "civil_affairs"]
      : k <= 5 ? ["minimum_living", "2022-01-01", "2022-12-31", "civil_affairs"]
      : k <= 8 ? ["minimum_living", "2022-05-15", "", "civil_affairs"]
      : k <= 11 ? ["monitored", "2022-03-01", "", "rural_revitalisation"]
      : k <= 14 ? ["low_income", "2022-01-01", "2022-12-31", "civil_affairs"]
      : ["lifted", "2021-01-01", "", "rural_revitalisation"];
    chunk += `${certno},${name},${type},${begin},${end},${source}\n`;
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = "";
    }
  }
  await write(chunk);
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return j + 1;
}

interface Step {
  seconds: number;
  rows_per_second: number;
  [figure: string]: number | string;
}

const rate = (n: number, seconds: number) => (seconds > 0 ? Math.round(n / seconds) : n);

function recomputeStep(r: RecomputeResult): Step {
  return {
    seconds: round(r.seconds, 2),
    rows_per_second: rate(r.enrollments, r.seconds),
    enrollments: r.enrollments,
    initial: r.initial,
    adjustments: r.adjustments,
    adjustment_yuan: r.adjustment_fen / 100,
  };
}

async function run(database: Database, label: string, rows: number, dir: string, personsCsv: string, rosterCsv: string): Promise<Record<string, unknown>> {
  const progress = (step: string) => {
    let shown = 0;
    return (counts: ImportCounts) => {
      if (counts.read - shown >= 100_000) {
        shown = counts.read;
        process.stderr.write(`  ${label} ${step}: ${counts.read} rows\n`);
      }
    };
  };
  const figures: Record<string, Step> = {};

  // (1) Set-up: the persons, without contributions (step 2 writes them).
  let started = now();
  const source = await openImportSource(personsCsv, "persons");
  const persons = await importPersons(database, source.rows, { year: YEAR, contributions: false, onProgress: progress("persons") });
  source.close();
  if (persons.rejectedRows > 0) throw new Error(`${label}: persons refused: ${JSON.stringify(persons.rejected[0])}`);
  let seconds = now() - started;
  figures.persons_import = { seconds: round(seconds, 2), rows_per_second: rate(persons.read, seconds), inserted: persons.inserted };
  process.stderr.write(`  ${label} persons (set-up): ${figures.persons_import.rows_per_second} rows/s (${figures.persons_import.seconds} s)\n`);

  // (2) Recompute: every resident enrollment gets its initial contribution.
  let shown = 0;
  const initial = await recomputeSubsidies(database, { year: YEAR }, {
    onProgress: (c) => {
      if (c.enrollments - shown >= 100_000) {
        shown = c.enrollments;
        process.stderr.write(`  ${label} recompute: ${c.enrollments} enrollments\n`);
      }
    },
  });
  figures.recompute_initial = recomputeStep(initial);
  process.stderr.write(`  ${label} recompute (initial rows): ${figures.recompute_initial.rows_per_second} enrollments/s (${figures.recompute_initial.seconds} s)\n`);

  // (3) The roster, with the recompute of the persons it changes.
  started = now();
  const roster = await importFile(database, "roster", rosterCsv, { reportPath: join(dir, `roster.${label}.report.csv`), onProgress: progress("roster") });
  if (roster.result.rejectedRows > 0) throw new Error(`${label}: roster rows refused: ${JSON.stringify(roster.result.rejected[0])}`);
  seconds = now() - started;
  figures.roster_import = {
    seconds: round(seconds, 2),
    rows_per_second: rate(roster.result.read, seconds),
    inserted: roster.result.inserted,
    adjustments: roster.result.subsidies?.adjustments ?? 0,
    adjustment_yuan: (roster.result.subsidies?.adjustment_fen ?? 0) / 100,
  };
  process.stderr.write(`  ${label} roster + recompute: ${figures.roster_import.rows_per_second} rows/s (${figures.roster_import.seconds} s)\n`);

  // (4) Recompute again: nothing to write.
  const again = await recomputeSubsidies(database, { year: YEAR });
  if (again.initial !== 0 || again.adjustments !== 0) throw new Error(`${label}: the second recompute wrote rows: ${JSON.stringify(again)}`);
  figures.recompute_again = recomputeStep(again);
  process.stderr.write(`  ${label} recompute (nothing to do): ${figures.recompute_again.rows_per_second} enrollments/s (${figures.recompute_again.seconds} s)\n`);

  const [sum] = await rowsOf<{ n: string | number; assistance: string | number }>(database.db, sql`
    select count(*) as n, coalesce(sum(assistance_subsidy_fen), 0) as assistance from contributions where year = ${YEAR}`);
  return { ...figures, totals: { persons: rows, contribution_rows: Number(sum?.n), assistance_yuan: Number(sum?.assistance) / 100 } };
}

export const enrollmentBenchmark: Benchmark = {
  name: "enrollment",
  description: "a category roster imported with its subsidies recomputed, and the year's recompute, rows per second, PGlite and PostgreSQL",
  async run() {
    const rows = positiveInteger("BENCH_ENROLLMENT_ROWS", 1_000_000);
    const pgliteRows = Math.min(rows, positiveInteger("BENCH_ENROLLMENT_PGLITE_ROWS", rows));
    const adminUrl = process.env.BENCH_DATABASE_ADMIN_URL ?? process.env.TEST_DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
    const dir = mkdtempSync(join(tmpdir(), "yibao-bench-enrollment-"));
    const figures: Record<string, unknown> = { rows, enrollment_year: YEAR };
    try {
      const files = async (n: number, tag: string) => {
        const personsCsv = join(dir, `persons-${tag}.csv`);
        const rosterCsv = join(dir, `roster-${tag}.csv`);
        await writePersonsCsv(personsCsv, n);
        await writeRosterCsv(personsCsv, rosterCsv);
        return { personsCsv, rosterCsv };
      };
      const started = now();
      const full = await files(rows, "full");
      figures.roster_csv_bytes = statSync(full.rosterCsv).size;
      figures.generate_seconds = round(now() - started, 2);
      const small = pgliteRows === rows ? full : await files(pgliteRows, "pglite");
      if (pgliteRows < rows) {
        figures.note =
          `PGlite measured with ${pgliteRows} persons (BENCH_ENROLLMENT_PGLITE_ROWS): it runs inside this process, single-threaded, ` +
          "and the whole sequence for a million (the set-up import included) takes longer than the 8 minutes given to a benchmark run";
      }

      const pglite = await openDatabase({ dataDir: join(dir, "pglite") });
      try {
        await migrateDatabase(pglite);
        figures.pglite = { rows: pgliteRows, ...(await run(pglite, "pglite", pgliteRows, dir, small.personsCsv, small.rosterCsv)) };
      } finally {
        await pglite.close();
      }

      const name = `yibao_bench_enrollment_${process.pid}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      try {
        await admin.connect();
      } catch (error) {
        figures.postgres = { skipped: `no server at ${adminUrl.replace(/\/\/[^@/]*@/, "//")}: ${(error as Error).message}` };
      }
      if (!figures.postgres) {
        await admin.query(`CREATE DATABASE ${name}`);
        try {
          const url = new URL(adminUrl);
          url.pathname = `/${name}`;
          const server = await openDatabase({ url: url.toString() });
          try {
            await migrateDatabase(server);
            const [v] = (await admin.query<{ server_version: string }>("show server_version")).rows;
            figures.postgres = { server: `PostgreSQL ${v?.server_version ?? "?"}`, rows, ...(await run(server, "postgres", rows, dir, full.personsCsv, full.rosterCsv)) };
          } finally {
            await server.close();
          }
        } finally {
          for (let i = 0; i < 100; i++) {
            const [left] = (await admin.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where datname = $1", [name])).rows;
            if (!left?.n) break;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
          await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await admin.end();
        }
      } else {
        await admin.end().catch(() => undefined);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const line = (label: string, f: unknown) => {
      const r = f as { rows?: number; roster_import?: Step; recompute_initial?: Step; recompute_again?: Step; skipped?: string } | undefined;
      if (!r?.roster_import) return `  ${label}: ${r?.skipped ?? "not run"}`;
      return (
        `  ${label} (${r.rows} persons): roster + recompute ${r.roster_import.rows_per_second} rows/s (${r.roster_import.seconds} s); ` +
        `recompute writing initial rows ${r.recompute_initial?.rows_per_second} /s (${r.recompute_initial?.seconds} s), ` +
        `with nothing to do ${r.recompute_again?.rows_per_second} /s (${r.recompute_again?.seconds} s)`
      );
    };
    return { figures, summary: [line("PGlite", figures.pglite), line("PostgreSQL", figures.postgres)].join("\n") };
  },
};
