/**
 * Persons imported per second from a CSV file through `yibao import persons` (validation, batched upserts of persons and
 * their enrollment), into a fresh PGlite data folder and into a fresh PostgreSQL database, then the same file imported
 * again (every row unchanged). The file is generated beforehand: valid synthetic persons (GB 11643 check digits).
 *
 * BENCH_IMPORT_ROWS sets the row count (default 1,000,000); BENCH_DATABASE_ADMIN_URL the server whose database is
 * created and dropped (default postgres://postgres@127.0.0.1:5432/postgres); BENCH_IMPORT_REIMPORT=0 skips the second pass.
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { FEMALE_CHARACTERS, MALE_CHARACTERS, SURNAMES, seededRandom, syntheticResidentId } from "../src/services/demo/demo.js";
import { importFile } from "../src/services/imports/files.js";
import { migrateDatabase, openDatabase, type Database } from "../src/store/db.js";
import { round, type Benchmark } from "./harness.js";

const REGIONS = ["451002", "451003", "451022", "451024", "451026", "451027", "451028", "451029", "451030", "451031", "451081", "451082"];
const DAYS = 25_000; // birth dates from 1940 on
const YEAR = 2022;

function positiveInteger(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return process.env[name] !== undefined && Number.isInteger(v) && v > 0 ? v : fallback;
}

const now = () => Number(process.hrtime.bigint()) / 1e9;

/**
 * Writes `rows` valid persons. Row i has county i mod 12, birth day ⌊i/12⌋ mod 25,000 and sequence ⌊i/300,000⌋ (its parity
 * the sex), so every ID number is different; a fifth are employees with a balance.
 */
export async function writePersonsCsv(path: string, rows: number): Promise<void> {
  const random = seededRandom(1_000_000);
  const births: string[] = [];
  for (let d = 0; d < DAYS; d++) {
    const date = new Date(Date.UTC(1940, 0, 1) + d * 86_400_000);
    births.push(`${date.getUTCFullYear()}${String(date.getUTCMonth() + 1).padStart(2, "0")}${String(date.getUTCDate()).padStart(2, "0")}`);
  }
  const out = createWriteStream(path);
  const write = (text: string) => new Promise<void>((resolve, reject) => (out.write(text, (e) => (e ? reject(e) : resolve()))));
  await write("certno,psn_name,gend,brdy,insutype,insuplc_admdvs,tel,emp_name,balc,household_id\n");
  let chunk = "";
  for (let i = 0; i < rows; i++) {
    const birth = births[Math.floor(i / REGIONS.length) % DAYS] as string;
    const sequence = Math.floor(i / (REGIONS.length * DAYS));
    if (sequence > 999) throw new Error(`at most ${REGIONS.length * DAYS * 1000} distinct rows`);
    const certno = syntheticResidentId(REGIONS[i % REGIONS.length] as string, birth, sequence);
    const male = sequence % 2 === 1;
    const chars = male ? MALE_CHARACTERS : FEMALE_CHARACTERS;
    const name = `${SURNAMES[Math.floor(random() * SURNAMES.length)]}${chars[Math.floor(random() * chars.length)]}${chars[Math.floor(random() * chars.length)]}`;
    const employee = i % 5 === 0;
    const brdy = `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6)}`;
    const tel = `13${String(Math.floor(random() * 1e9)).padStart(9, "0")}`;
    chunk += employee
      ? `${certno},${name},${male ? 1 : 2},${brdy},310,451000,${tel},百色演示物流有限公司,${Math.floor(random() * 800_000) / 100},\n`
      : `${certno},${name},${male ? 1 : 2},${brdy},390,451000,${tel},,,HH${String(Math.floor(i / 3)).padStart(10, "0")}\n`;
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = "";
    }
  }
  await write(chunk);
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

interface Pass {
  seconds: number;
  rows_per_second: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

async function importPasses(database: Database, path: string, label: string, reimport: boolean): Promise<{ first: Pass; second?: Pass }> {
  const pass = async (name: string): Promise<Pass> => {
    let shown = 0;
    const r = await importFile(database, "persons", path, {
      year: YEAR,
      reportPath: `${path}.${label}.report.csv`,
      onProgress: (counts) => {
        if (counts.read - shown >= 100_000) {
          shown = counts.read;
          process.stderr.write(`  ${label} ${name}: ${counts.read} rows\n`);
        }
      },
    });
    if (r.result.rejectedRows > 0) throw new Error(`${label}: ${r.result.rejectedRows} rows refused, first: ${JSON.stringify(r.result.rejected[0])}`);
    return {
      seconds: round(r.seconds, 2),
      rows_per_second: r.rowsPerSecond,
      inserted: r.result.inserted,
      updated: r.result.updated,
      unchanged: r.result.unchanged,
      rejected: r.result.rejectedRows,
    };
  };
  const first = await pass("import");
  process.stderr.write(`  ${label} import: ${first.rows_per_second} rows/s (${first.seconds} s)\n`);
  if (!reimport) return { first };
  const second = await pass("re-import");
  process.stderr.write(`  ${label} re-import: ${second.rows_per_second} rows/s (${second.seconds} s)\n`);
  return { first, second };
}

export const importsBenchmark: Benchmark = {
  name: "imports",
  description: "persons imported from CSV per second (validate + upsert person and enrollment), PGlite and PostgreSQL",
  async run() {
    const rows = positiveInteger("BENCH_IMPORT_ROWS", 1_000_000);
    const reimport = process.env.BENCH_IMPORT_REIMPORT !== "0";
    const adminUrl = process.env.BENCH_DATABASE_ADMIN_URL ?? process.env.TEST_DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
    const dir = mkdtempSync(join(tmpdir(), "yibao-bench-imports-"));
    const figures: Record<string, unknown> = { rows, enrollment_year: YEAR };
    try {
      const csv = join(dir, "persons.csv");
      const started = now();
      await writePersonsCsv(csv, rows);
      figures.csv_bytes = statSync(csv).size;
      figures.generate_seconds = round(now() - started, 2);

      const pglite = await openDatabase({ dataDir: join(dir, "pglite") });
      try {
        await migrateDatabase(pglite);
        const { first, second } = await importPasses(pglite, csv, "pglite", reimport);
        figures.pglite = { import: first, ...(second ? { reimport: second } : {}) };
      } finally {
        await pglite.close();
      }

      const name = `yibao_bench_${process.pid}`;
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
            const { first, second } = await importPasses(server, csv, "postgres", reimport);
            const [v] = (await admin.query<{ server_version: string }>("show server_version")).rows;
            figures.postgres = { server: `PostgreSQL ${v?.server_version ?? "?"}`, import: first, ...(second ? { reimport: second } : {}) };
          } finally {
            await server.close();
          }
        } finally {
          // pg's pool.end() resolves before its backends have exited; a forced drop while one lingers kills it, and the
          // pool then emits an 'error' nobody listens to. Wait for them to go first.
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
      const r = f as { import?: Pass; reimport?: Pass; skipped?: string } | undefined;
      if (!r?.import) return `  ${label}: ${r?.skipped ?? "not run"}`;
      return `  ${label}: ${r.import.rows_per_second} rows/s (${r.import.seconds} s)` + (r.reimport ? `, re-import ${r.reimport.rows_per_second} rows/s (${r.reimport.seconds} s)` : "");
    };
    return {
      figures,
      summary: [`  ${rows} persons, CSV ${(Number(figures.csv_bytes) / 1e6).toFixed(0)} MB`, line("PGlite", figures.pglite), line("PostgreSQL", figures.postgres)].join("\n"),
    };
  },
};
