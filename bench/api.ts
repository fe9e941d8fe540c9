/**
 * The REST API under load, as the console uses it: p50/p99 and requests per second of the routes a clerk waits on, with
 * a large region's data stored (bench/apiData.ts: by default 1,000,000 persons and 10,000,000 settlements on the
 * PostgreSQL server). The real server runs as a child process; autocannon keeps BENCH_API_CONNECTIONS (32) requests in
 * flight for BENCH_API_SECONDS (15) per route, signed in as the demo's national administrator (who sees everything, so
 * every query runs over the whole region).
 *
 * BENCH_API_DATABASES: postgres (default), pglite, or both ("postgres,pglite"). BENCH_API_PERSONS / BENCH_API_SETTLEMENTS
 * set the sizes (PGlite defaults to a tenth: one embedded connection loads slowly). The generated database is kept
 * (database yibao_bench_api, folder bench/.data/api-pglite) so that a second run measures without generating again;
 * BENCH_API_FRESH=1 starts over.
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import autocannon from "autocannon";
import { sql } from "drizzle-orm";
import pg from "pg";
import { installDemo } from "../src/simulator/demo.js";
import { fromRoot } from "../src/lib/paths.js";
import { rowsOf } from "../src/services/common/sql.js";
import { DEMO_PASSWORD } from "../src/services/demo/demo.js";
import { migrateDatabase, openDatabase, type OpenOptions } from "../src/store/db.js";
import { generateApiData, generatedCounts, LINES_EVERY, restoreSecondaryIndexes, type ApiDataSizes } from "./apiData.js";
import { round, type Benchmark } from "./harness.js";
import { freePort, startServer, stopServer } from "./server.js";

const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const PG_NAME = "yibao_bench_api";
const PGLITE_DIR = fromRoot("bench", ".data", "api-pglite");

function count(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return process.env[name] !== undefined && Number.isInteger(v) && v > 0 ? v : fallback;
}

/** Prints a line per batch: the generation of 10,000,000 settlements takes a while. */
function progressLine(started: number) {
  return (done: number, total: number, what: string) => {
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(`  ${what}: ${done.toLocaleString("en")} / ${total.toLocaleString("en")} (${Math.round((100 * done) / total)}%, ${seconds.toFixed(0)} s)\n`);
  };
}

interface Prepared {
  sizes: ApiDataSizes;
  generate_seconds: number | null;
  certnos: string[];
  names: string[];
  psn_nos: string[];
  setl_ids: string[];
}

async function prepare(options: OpenOptions, sizes: ApiDataSizes): Promise<Prepared> {
  const database = await openDatabase(options);
  try {
    await migrateDatabase(database);
    const started = Date.now();
    let generated = false;
    const have = await generatedCounts(database);
    if (have.persons < sizes.persons || have.settlements < sizes.settlements) {
      if (have.persons === 0) {
        process.stdout.write("  the demo with its settled care (the templates)…\n");
        await installDemo(database, { now: new Date() });
      }
      await generateApiData(database, sizes, progressLine(started));
      generated = true;
    }
    // A load stopped part-way (and found complete since) may have left the big tables without their secondary indexes.
    await restoreSecondaryIndexes(database, progressLine(started));
    // What the requests ask for, drawn once: spread over the whole stored range.
    const certnos = (await rowsOf<{ certno: string }>(database.db, sql`
      select certno from persons where psn_no like 'BP%' and (substr(psn_no, 3)::bigint * 7) % 997 = 0 limit 2000`)).map((r) => r.certno);
    const psnNos = (await rowsOf<{ psn_no: string }>(database.db, sql`
      select psn_no from persons where psn_no like 'BP%' and (substr(psn_no, 3)::bigint * 13) % 991 = 0 limit 2000`)).map((r) => r.psn_no);
    const setlIds = (await rowsOf<{ setl_id: string }>(database.db, sql`
      select setl_id from settlements where setl_id like 'BS%' and substr(setl_id, 3)::bigint % ${LINES_EVERY * 499} = 0 limit 2000`)).map((r) => r.setl_id);
    // Name prefixes as a clerk types them: a surname and the first given character (about 1 in 400 persons each).
    const names = (await rowsOf<{ prefix: string }>(database.db, sql`
      select distinct substr(psn_name, 1, 2) as prefix from persons where psn_no like 'BP%' and psn_no < 'BP0000010000'`)).map((r) => r.prefix);
    return {
      sizes: await generatedCounts(database),
      generate_seconds: generated ? round((Date.now() - started) / 1000, 1) : null,
      certnos, names, psn_nos: psnNos, setl_ids: setlIds,
    };
  } finally {
    await database.close();
  }
}

interface RouteFigures {
  route: string;
  requests: number;
  requests_per_second: number;
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  max_ms: number;
  non_2xx: number;
  errors: number;
  timeouts: number;
}

async function signInCookie(url: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/signin`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password: DEMO_PASSWORD }),
  });
  const cookie = res.headers.get("set-cookie");
  if (!res.ok || !cookie) throw new Error(`sign-in as admin failed: ${res.status} ${await res.text()}`);
  return cookie.split(";")[0] as string;
}

async function measure(url: string, cookie: string, route: string, paths: readonly string[]): Promise<RouteFigures> {
  if (paths.length === 0) throw new Error(`${route}: nothing to ask for`);
  // One request first, so that a wrong path fails loudly rather than as a fast stream of 404s.
  const probe = await fetch(`${url}${paths[0]}`, { headers: { cookie } });
  if (!probe.ok) throw new Error(`${route}: ${paths[0]} answered ${probe.status} ${(await probe.text()).slice(0, 300)}`);
  let next = 0;
  const result = await autocannon({
    url,
    connections: count("BENCH_API_CONNECTIONS", 32),
    duration: count("BENCH_API_SECONDS", 15),
    timeout: 30,
    headers: { cookie },
    requests: [{
      method: "GET",
      setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length] as string }),
    }],
  });
  return {
    route,
    requests: result.requests.total,
    requests_per_second: round(result.requests.average, 1),
    p50_ms: result.latency.p50,
    p90_ms: result.latency.p90,
    p99_ms: result.latency.p99,
    max_ms: result.latency.max,
    non_2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

async function runAgainst(env: Record<string, string>, prepared: Prepared): Promise<RouteFigures[]> {
  const port = await freePort();
  const server = await startServer(env, port);
  try {
    const url = `http://127.0.0.1:${port}`;
    const cookie = await signInCookie(url);
    const q = encodeURIComponent;
    const routes: [string, string[]][] = [
      ["person search by ID number (GET /persons?q=<certno>)", prepared.certnos.map((c) => `/api/v1/persons?q=${c}`)],
      ["person search by name prefix (GET /persons?q=<2 characters>)", prepared.names.map((n) => `/api/v1/persons?q=${q(n)}`)],
      ["a person's page (GET /persons/{psn_no})", prepared.psn_nos.map((p) => `/api/v1/persons/${p}`)],
      ["a settlement's page (GET /settlements/{setl_id})", prepared.setl_ids.map((s) => `/api/v1/settlements/${s}`)],
      ["settlements, newest first (GET /settlements?page=N)", [1, 2, 3, 4, 5].map((p) => `/api/v1/settlements?page=${p}&page_size=20`)],
      ["the dashboard (GET /dashboard)", ["/api/v1/dashboard"]],
    ];
    const out: RouteFigures[] = [];
    for (const [name, paths] of routes) {
      process.stdout.write(`  ${name}…\n`);
      out.push(await measure(url, cookie, name, paths));
    }
    return out;
  } finally {
    await stopServer(server);
  }
}

const table = (label: string, rows: RouteFigures[]) =>
  [`${label}:`, ...rows.map((r) => `  ${r.route}: p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms, ${r.requests_per_second} req/s${r.non_2xx + r.errors + r.timeouts > 0 ? ` (${r.non_2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts)` : ""}`)].join("\n");

export const apiBenchmark: Benchmark = {
  name: "api",
  description: "p50/p99 of the console's REST routes (person search, a person, a settlement, the settlement list, the dashboard) with a large region stored",
  async run() {
    const which = (process.env.BENCH_API_DATABASES ?? "postgres").split(",").map((s) => s.trim());
    const fresh = process.env.BENCH_API_FRESH === "1";
    const figures: Record<string, unknown> = {
      connections: count("BENCH_API_CONNECTIONS", 32),
      seconds_per_route: count("BENCH_API_SECONDS", 15),
      goal: "p99 < 50 ms on PostgreSQL at 32 connections",
      fee_lines: `copied for one generated settlement in ${LINES_EVERY}; the settlement pages asked for are among those`,
    };
    const summaries: string[] = [];
    if (which.includes("postgres")) {
      const sizes = { persons: count("BENCH_API_PERSONS", 1_000_000), settlements: count("BENCH_API_SETTLEMENTS", 10_000_000) };
      const admin = new pg.Client({ connectionString: ADMIN_URL });
      await admin.connect();
      try {
        if (fresh) await admin.query(`DROP DATABASE IF EXISTS ${PG_NAME} WITH (FORCE)`);
        const exists = await admin.query("select 1 from pg_database where datname = $1", [PG_NAME]);
        if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${PG_NAME}`);
      } finally {
        await admin.end();
      }
      const url = new URL(ADMIN_URL);
      url.pathname = `/${PG_NAME}`;
      process.stdout.write(`PostgreSQL (${sizes.persons.toLocaleString("en")} persons, ${sizes.settlements.toLocaleString("en")} settlements):\n`);
      const prepared = await prepare({ url: url.toString() }, sizes);
      const rows = await runAgainst({ DATABASE_URL: url.toString() }, prepared);
      figures.postgres = { stored: prepared.sizes, generate_seconds: prepared.generate_seconds, routes: rows };
      summaries.push(table("PostgreSQL", rows));
    }
    if (which.includes("pglite")) {
      const sizes = { persons: count("BENCH_API_PGLITE_PERSONS", 100_000), settlements: count("BENCH_API_PGLITE_SETTLEMENTS", 1_000_000) };
      if (fresh && existsSync(PGLITE_DIR)) rmSync(PGLITE_DIR, { recursive: true, force: true });
      mkdirSync(PGLITE_DIR, { recursive: true });
      process.stdout.write(`PGlite (${sizes.persons.toLocaleString("en")} persons, ${sizes.settlements.toLocaleString("en")} settlements):\n`);
      const prepared = await prepare({ dataDir: PGLITE_DIR }, sizes);
      const rows = await runAgainst({ YIBAO_DATA: PGLITE_DIR }, prepared);
      figures.pglite = { stored: prepared.sizes, generate_seconds: prepared.generate_seconds, routes: rows };
      summaries.push(table("PGlite", rows));
    }
    return { figures, summary: summaries.join("\n") };
  },
};
