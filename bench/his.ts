/**
 * Flows per second over the hospital-facing interface, and the latency of settlement (2207, 2304), with the real server
 * as a child process on this machine: on a fresh embedded PGlite folder and on a fresh PostgreSQL database (created and
 * dropped). The HIS simulator (src/simulator) drives outpatient flows (1101, 2201, 2203, 2204 of 10 lines, 2206, 2207) and then
 * inpatient flows (1101, 2401, 2301 in batches, 2402, 2303, 2304).
 *
 * Beside the flows it records the machine's ceiling (pgbench TPC-B on the same PostgreSQL server, just before the HIS
 * pass) and the ratio of HIS messages committed per second to pgbench's transactions per second; the statements each
 * message sends (YIBAO_COUNT_STATEMENTS in the server, src/store/statements.ts); where the server's CPU goes (a V8
 * profile of the server summed by part, bench/profile.ts); and the simulator's own CPU, which is kept out of the figure
 * (it runs in this process, the server in its own).
 *
 * BENCH_HIS_OUTPATIENT / BENCH_HIS_INPATIENT set the flow counts (default 2,000 / 200), BENCH_HIS_CONCURRENCY the number
 * of clerks at once (default 32), BENCH_DATABASE_ADMIN_URL the PostgreSQL server. BENCH_HIS_QUICK=1 is the check before
 * a change lands: a few hundred flows, no pgbench, no profile.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import pg from "pg";
import { runHisBench, type HisBenchResult } from "../src/simulator/bench.js";
import type { HisCredential } from "../src/lib/hisSignature.js";
import { Services } from "../src/services/common/context.js";
import { seedDemo } from "../src/services/demo/demo.js";
import { issueCredential } from "../src/services/identity/hisCredentials.js";
import { migrateDatabase, openDatabase, type OpenOptions } from "../src/store/db.js";
import { persons } from "../src/store/schema.js";
import { round, type Benchmark } from "./harness.js";
import { runPgbench, type PgbenchResult } from "./pgbench.js";
import { summariseProfiles } from "./profile.js";
import { freePort, startServer, stopServer, treeCpuSeconds } from "./server.js";

const LIGHT_CONCURRENCY = 2;
const QUICK = process.env.BENCH_HIS_QUICK === "1";
/** A V8 profile of the server: always in the full run; BENCH_HIS_PROFILE=1 adds it to the quick mode. */
const PROFILE = !QUICK || process.env.BENCH_HIS_PROFILE === "1";
/** BENCH_HIS_DATABASES=postgres (or pglite) measures one database only (a look at one path; the full run measures both). */
const DATABASES = (process.env.BENCH_HIS_DATABASES ?? "pglite,postgres").split(",").map((s) => s.trim());
/** Server processes on PostgreSQL (serve --workers; PGlite is one process): BENCH_HIS_WORKERS, default 2 (this machine's cores). */
const WORKERS = count("BENCH_HIS_WORKERS", 2);
/**
 * The server, as a deployment on one machine reaches it: by its Unix socket where there is one (the kernel's TCP path
 * on loopback costs each statement a good deal more), else TCP; pgbench reaches it the same way.
 */
const SOCKET_DIR = "/var/run/postgresql";
const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL
  ?? (existsSync(`${SOCKET_DIR}/.s.PGSQL.5432`) ? `postgres://postgres@localhost/postgres?host=${encodeURIComponent(SOCKET_DIR)}` : "postgres://postgres@127.0.0.1:5432/postgres");

function count(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return process.env[name] !== undefined && Number.isInteger(v) && v > 0 ? v : fallback;
}

const HOSPITAL = "H45100000001";

/**
 * Seeds the demo into the database, issues the simulated hospital its credential (the server refuses unsigned
 * requests; signing and checking every request is part of what is measured) and returns the ID numbers of its 451000
 * persons.
 */
async function prepare(options: OpenOptions): Promise<{ certnos: string[]; credential: HisCredential }> {
  const database = await openDatabase(options);
  try {
    await migrateDatabase(database);
    await seedDemo(database);
    const issued = await issueCredential(new Services(database), HOSPITAL, "bench");
    const rows = await database.db.select({ certno: persons.certno }).from(persons).where(eq(persons.insuplc_admdvs, "451000"));
    return { certnos: rows.map((r) => r.certno), credential: { access_key: issued.access_key, secret: issued.secret } };
  } finally {
    await database.close();
  }
}

interface DatabaseRun {
  outpatient: HisBenchResult;
  inpatient: HisBenchResult;
  /** Few clerks at once: latency without the queueing that the throughput run causes. */
  light: HisBenchResult;
  /** Statements per message (and the guard's, per request), as the server counted them over the three runs. */
  statements: Record<string, { units: number; statements: number; per_unit: number | null }>;
  /** The server's CPU by part (null in quick mode). */
  profile: ReturnType<typeof summariseProfiles> | null;
  /** CPU seconds of this process (the simulator: building, signing and checking the messages) during the timed runs. */
  simulator_cpu_seconds: number;
  /** CPU seconds of the server's processes (the primary and its workers, from /proc) during the timed runs, and the messages they answered. */
  server_cpu_seconds: number;
  messages: number;
}

async function runAgainst(env: Record<string, string>, { certnos, credential }: { certnos: string[]; credential: HisCredential }, profileDir: string | null): Promise<DatabaseRun> {
  const port = await freePort();
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  // Every simulated clerk signs in (9001) from 127.0.0.1 for one hospital: the per-address limit would refuse all but
  // the first 30, and the per-institution limits of 9001 and 1101 are raised far above the flows' pace. The benchmark
  // measures the platform's throughput (the limiters' bookkeeping is still done on every request), not the limits.
  const server = await startServer({
    YIBAO_HIS_SIGNIN_LIMIT: "1000000", YIBAO_HIS_RATE_LIMITS: "9001=100000:10000,1101=100000:10000", YIBAO_COUNT_STATEMENTS: "1",
    ...env,
  }, port, profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []);
  try {
    const url = `http://127.0.0.1:${port}`;
    const concurrency = count("BENCH_HIS_CONCURRENCY", 32);
    const flows = (name: string, full: number, quick: number) => count(name, QUICK ? quick : full);
    // A short warm-up, so that the JIT and the catalogue cache are ready; not counted.
    await runHisBench({ url, persons: certnos, credential, fixmedinsCode: HOSPITAL, outpatient: QUICK ? 30 : 100, inpatient: 0, concurrency, seed: 1 });
    const cpu0 = process.cpuUsage();
    const serverCpu0 = server.pid ? treeCpuSeconds(server.pid) : 0;
    const outpatient = await runHisBench({ url, persons: certnos, credential, fixmedinsCode: HOSPITAL, outpatient: flows("BENCH_HIS_OUTPATIENT", 2_000, 200), inpatient: 0, concurrency, seed: 2 });
    const inpatient = await runHisBench({ url, persons: certnos, credential, fixmedinsCode: HOSPITAL, outpatient: 0, inpatient: flows("BENCH_HIS_INPATIENT", 200, 30), concurrency, seed: 3 });
    const light = await runHisBench({ url, persons: certnos, credential, fixmedinsCode: HOSPITAL, outpatient: QUICK ? 60 : 300, inpatient: QUICK ? 6 : 30, concurrency: LIGHT_CONCURRENCY, seed: 4 });
    const cpu = process.cpuUsage(cpu0);
    const serverCpu = server.pid ? treeCpuSeconds(server.pid) - serverCpu0 : 0;
    const messages = [outpatient, inpatient, light].reduce((sum, r) => sum + Object.values(r.report.latency).reduce((n, l) => n + l.count, 0), 0);
    const statements = (await (await fetch(`${url}/health/statements`)).json()) as DatabaseRun["statements"];
    return { outpatient, inpatient, light, statements, profile: null, simulator_cpu_seconds: (cpu.user + cpu.system) / 1e6, server_cpu_seconds: serverCpu, messages };
  } finally {
    await stopServer(server);
  }
}

/** HIS messages answered per second in a run (every message of every flow, ok or refused). */
function messagesPerSecond(run: HisBenchResult): number {
  const messages = Object.values(run.report.latency).reduce((sum, l) => sum + l.count, 0);
  return run.seconds > 0 ? messages / run.seconds : 0;
}

function figuresOf(run: DatabaseRun) {
  const ms = (v: number | null | undefined) => (v === null || v === undefined ? null : round(v, 2));
  return {
    outpatient_flows_per_second: round(run.outpatient.flowsPerSecond, 1),
    outpatient_flows: { ok: run.outpatient.ok, failed: run.outpatient.failed, seconds: round(run.outpatient.seconds, 2) },
    p50_2207_ms: ms(run.outpatient.p50["2207"]),
    p99_2207_ms: ms(run.outpatient.p99["2207"]),
    inpatient_flows_per_second: round(run.inpatient.flowsPerSecond, 1),
    inpatient_flows: { ok: run.inpatient.ok, failed: run.inpatient.failed, seconds: round(run.inpatient.seconds, 2) },
    p50_2304_ms: ms(run.inpatient.p50["2304"]),
    p99_2304_ms: ms(run.inpatient.p99["2304"]),
    p50_ms_by_infno: Object.fromEntries(Object.entries({ ...run.outpatient.p50, ...run.inpatient.p50 }).map(([k, v]) => [k, ms(v)])),
    p99_ms_by_infno: Object.fromEntries(Object.entries({ ...run.outpatient.p99, ...run.inpatient.p99 }).map(([k, v]) => [k, ms(v)])),
    light_load: {
      concurrency: LIGHT_CONCURRENCY,
      flows_per_second: round(run.light.flowsPerSecond, 1),
      p50_2207_ms: ms(run.light.p50["2207"]),
      p99_2207_ms: ms(run.light.p99["2207"]),
      p50_2304_ms: ms(run.light.p50["2304"]),
      p99_2304_ms: ms(run.light.p99["2304"]),
    },
    outpatient_messages_per_second: round(messagesPerSecond(run.outpatient), 1),
    statements_per_message: Object.fromEntries(Object.entries(run.statements).map(([k, v]) => [k, v.per_unit])),
    server_cpu: run.profile,
    simulator_cpu_seconds: round(run.simulator_cpu_seconds, 2),
    // The server's own CPU per message answered (all its processes; user + system, so the kernel's work on its sockets too):
    // what throughput costs, much less swayed by other work on the machine than the wall-clock figures.
    server_cpu_ms_per_message: run.messages > 0 ? round((run.server_cpu_seconds * 1000) / run.messages, 2) : null,
    first_errors: [...run.outpatient.report.errors, ...run.inpatient.report.errors, ...run.light.report.errors].slice(0, 5),
  };
}

export const hisBenchmark: Benchmark = {
  name: "his",
  description: "outpatient and inpatient flows per second over the HIS interface, p50/p99 of 2207 and 2304, PGlite and PostgreSQL",
  async run() {
    const folder = mkdtempSync(join(tmpdir(), "yibao-bench-his-"));
    const dataDir = join(folder, "data");
    const name = `yibao_bench_his_${process.pid}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    try {
      const pgliteProfile = PROFILE ? join(folder, "profile-pglite") : null;
      const pgliteRun = DATABASES.includes("pglite") ? await runAgainst({ YIBAO_DATA: dataDir }, await prepare({ dataDir }), pgliteProfile) : null;
      const pglite = pgliteRun ? { ...pgliteRun, profile: pgliteProfile ? summariseProfiles(pgliteProfile) : null } : null;
      let postgres: (DatabaseRun & { profile: ReturnType<typeof summariseProfiles> | null }) | null = null;
      let pgbench: PgbenchResult | null = null;
      if (DATABASES.includes("postgres")) {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.query(`CREATE DATABASE ${name}`);
        const url = new URL(ADMIN_URL);
        url.pathname = `/${name}`;
        const prepared = await prepare({ url: url.toString() });
        // The machine's ceiling, just before the HIS pass on the same server.
        pgbench = QUICK ? null : await runPgbench(ADMIN_URL, { clients: 16, threads: 2, seconds: 20, scale: 10 });
        const postgresProfile = PROFILE ? join(folder, "profile-postgres") : null;
        const postgresRun = await runAgainst({ DATABASE_URL: url.toString(), YIBAO_WORKERS: String(WORKERS) }, prepared, postgresProfile);
        postgres = { ...postgresRun, profile: postgresProfile ? summariseProfiles(postgresProfile) : null };
      }
      const figures = {
        quick: QUICK,
        concurrency: count("BENCH_HIS_CONCURRENCY", 32),
        postgres_server_processes: WORKERS,
        postgres_connection: new URL(ADMIN_URL).searchParams.has("host") ? "unix socket" : "tcp",
        target: "PostgreSQL, 32 clerks: ≥ 300 outpatient flows/s (≥ 0.5 of pgbench), ≥ 100 inpatient flows/s, 2207 p99 < 150 ms (< 20 ms with 2 clerks); PGlite ≥ 100 outpatient flows/s",
        pgbench,
        ratio_to_pgbench: pgbench && postgres ? round(messagesPerSecond(postgres.outpatient) / pgbench.tps, 3) : null,
        pglite: pglite ? figuresOf(pglite) : null,
        postgres: postgres ? figuresOf(postgres) : null,
      };
      const line = (n: string, f: ReturnType<typeof figuresOf> | null) => f === null ? `${n}: not measured in this run` :
        `${n}: ${f.outpatient_flows_per_second} outpatient flows/s (${f.outpatient_messages_per_second} messages/s; 2207 p50 ${f.p50_2207_ms} ms, p99 ${f.p99_2207_ms} ms); ` +
        `${f.inpatient_flows_per_second} inpatient flows/s (2304 p50 ${f.p50_2304_ms} ms, p99 ${f.p99_2304_ms} ms); ` +
        `${LIGHT_CONCURRENCY} clerks: 2207 p99 ${f.light_load.p99_2207_ms} ms, 2304 p99 ${f.light_load.p99_2304_ms} ms; ` +
        `statements per 2207 ${f.statements_per_message["2207"] ?? "?"}, per 2204 ${f.statements_per_message["2204"] ?? "?"}, guard ${f.statements_per_message["guard"] ?? "?"}; ` +
        `server CPU ${f.server_cpu_ms_per_message} ms per message`;
      const ceiling = pgbench ? `\npgbench (TPC-B, prepared, 16 clients, 20 s): ${round(pgbench.tps, 0)} tps; HIS messages/s ÷ pgbench tps = ${figures.ratio_to_pgbench}` : "";
      return { figures, summary: `${line("PGlite", figures.pglite)}\n${line("PostgreSQL", figures.postgres)}${ceiling}` };
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
      rmSync(folder, { recursive: true, force: true });
    }
  },
};
