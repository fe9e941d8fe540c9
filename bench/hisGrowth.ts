/**
 * Growth: does settlement slow down as the region's history piles up? The HIS bench's light pass (2 clerks, the same
 * outpatient and inpatient flows as bench/his.ts) runs in one go against two PostgreSQL databases: an empty one (the
 * demo only, created and dropped here) and a grown one, `yibao_bench_his_growth`, holding the same demo plus 1,000,000
 * persons and 10,000,000 settlements generated in bulk in SQL (bench/apiData.ts: copies of the demo's own settled care,
 * with their encounters and funds). The goal: 2207's p99 on the grown database within 1.5× of the empty one's.
 *
 * On the grown database the clerks settle for a sample of the generated persons as well as the demo's, so that every
 * lookup of a person, an enrollment, an encounter or a year's settlements reads the big tables.
 *
 * The pass runs BENCH_HIS_GROWTH_ROUNDS times (default 5) on each database, alternating which goes first, both servers
 * up meanwhile, so that the machine's other work weighs on both alike; the percentiles are taken over every call of every
 * round (and per round as well, in the record). On the grown database the 2207s are also split by whose they were.
 *
 * The grown database is kept: a second run finds it with its counts and only measures (the generation takes about an
 * hour on this machine). BENCH_HIS_GROWTH_FRESH=1 starts it over; BENCH_HIS_GROWTH_PERSONS / BENCH_HIS_GROWTH_SETTLEMENTS
 * set the sizes and BENCH_HIS_GROWTH_DB the database's name (for a small trial beside the kept one).
 */
import { sql } from "drizzle-orm";
import pg from "pg";
import os from "node:os";
import { installDemo } from "../src/simulator/demo.js";
import { percentile, runSimulation, type FlowResult } from "../src/simulator/flows.js";
import type { HisCredential } from "../src/lib/hisSignature.js";
import { Services } from "../src/services/common/context.js";
import { rowsOf } from "../src/services/common/sql.js";
import { issueCredential } from "../src/services/identity/hisCredentials.js";
import { migrateDatabase, openDatabase } from "../src/store/db.js";
import { generateApiData, generatedCounts, restoreSecondaryIndexes, type ApiDataSizes } from "./apiData.js";
import { round, type Benchmark } from "./harness.js";
import { freePort, startServer, stopServer } from "./server.js";

const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const GROWN_NAME = process.env.BENCH_HIS_GROWTH_DB ?? "yibao_bench_his_growth";
const HOSPITAL = "H45100000001";
const LIGHT_CONCURRENCY = 2;
/** Generated persons the clerks settle for on the grown database (beside the demo's). */
const GENERATED_SAMPLE = 2000;

function count(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return process.env[name] !== undefined && Number.isInteger(v) && v > 0 ? v : fallback;
}

export function growthSizes(): ApiDataSizes {
  return { persons: count("BENCH_HIS_GROWTH_PERSONS", 1_000_000), settlements: count("BENCH_HIS_GROWTH_SETTLEMENTS", 10_000_000) };
}

function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Prints a line per batch: the generation of 10,000,000 settlements takes a while. */
function progressLine(started: number) {
  return (done: number, total: number, what: string) => {
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(`  ${what}: ${done.toLocaleString("en")} / ${total.toLocaleString("en")} (${Math.round((100 * done) / total)}%, ${seconds.toFixed(0)} s)\n`);
  };
}

interface Prepared {
  url: string;
  /** Persons the clerks settle for. */
  certnos: string[];
  /** Of which generated (BP…). */
  generated_in_sample: number;
  credential: HisCredential;
  /** The generated persons among them. */
  generatedCertnos: Set<string>;
  stored: ApiDataSizes & { all_persons: number; all_settlements: number; all_encounters: number };
  generate_seconds: number | null;
}

/**
 * Opens (creating if need be) the database `name`, loads the demo with its settled care when it is empty, adds the
 * generated persons and settlements up to `sizes` (none when sizes are zero), issues the bench's hospital a credential
 * and draws the persons to settle for.
 */
async function prepare(name: string, sizes: ApiDataSizes | null): Promise<Prepared> {
  await admin(async (client) => {
    const exists = await client.query("select 1 from pg_database where datname = $1", [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  });
  const url = databaseUrl(name);
  const database = await openDatabase({ url });
  try {
    await migrateDatabase(database);
    const started = Date.now();
    let generated = false;
    // The demo with its settled care (the templates of the generated settlements); nothing when it is there already.
    const demo = await installDemo(database, { now: new Date() });
    if (demo.action !== "none") process.stdout.write(`  ${name}: the demo ${demo.action} (${demo.care.map((c) => `${c.year}: ${c.result.settled} visits`).join(", ")})\n`);
    if (sizes) {
      const have = await generatedCounts(database);
      if (have.persons < sizes.persons || have.settlements < sizes.settlements) {
        process.stdout.write(`  ${name}: generating ${sizes.persons.toLocaleString("en")} persons and ${sizes.settlements.toLocaleString("en")} settlements (have ${have.persons.toLocaleString("en")} and ${have.settlements.toLocaleString("en")})…\n`);
        await generateApiData(database, sizes, progressLine(started));
        generated = true;
      }
    }
    // A load stopped part-way (and found complete since) may have left the big tables without their secondary indexes.
    await restoreSecondaryIndexes(database, progressLine(started));
    const issued = await issueCredential(new Services(database), HOSPITAL, "bench");
    const demoCertnos = (await rowsOf<{ certno: string }>(database.db, sql`
      select certno from persons where insuplc_admdvs = '451000' and psn_no not like 'BP%' order by certno`)).map((r) => r.certno);
    // A sample spread over all the generated persons (a fixed stride, so that two runs settle for the same ones).
    const have = await generatedCounts(database);
    const stride = Math.max(1, Math.floor(have.persons / GENERATED_SAMPLE));
    const generatedCertnos = have.persons === 0 ? [] : (await rowsOf<{ certno: string }>(database.db, sql`
      select certno from persons where psn_no in (
        select 'BP' || lpad((1 + k * ${stride})::text, 10, '0') from generate_series(0, ${GENERATED_SAMPLE - 1}) k)
      order by psn_no`)).map((r) => r.certno);
    // Interleaved, so that the clerks alternate between generated persons and the demo's from the first flow.
    const certnos: string[] = [];
    for (let i = 0; i < Math.max(demoCertnos.length, generatedCertnos.length); i++) {
      if (i < generatedCertnos.length) certnos.push(generatedCertnos[i] as string);
      if (i < demoCertnos.length) certnos.push(demoCertnos[i] as string);
    }
    const [all] = await rowsOf<{ p: number | string; s: number | string; e: number | string }>(database.db, sql`
      select (select count(*) from persons) as p, (select count(*) from settlements) as s, (select count(*) from encounters) as e`);
    return {
      url, certnos, generated_in_sample: generatedCertnos.length, generatedCertnos: new Set(generatedCertnos),
      credential: { access_key: issued.access_key, secret: issued.secret },
      stored: { ...have, all_persons: Number(all?.p ?? 0), all_settlements: Number(all?.s ?? 0), all_encounters: Number(all?.e ?? 0) },
      generate_seconds: generated ? round((Date.now() - started) / 1000, 1) : null,
    };
  } finally {
    await database.close();
  }
}

/** Only the grown database, made or completed (for a start ahead of the run: it is the long part). */
export async function prepareGrown(): Promise<void> {
  if (process.env.BENCH_HIS_GROWTH_FRESH === "1") await admin((c) => c.query(`DROP DATABASE IF EXISTS ${GROWN_NAME} WITH (FORCE)`));
  const p = await prepare(GROWN_NAME, growthSizes());
  process.stdout.write(`${GROWN_NAME}: ${JSON.stringify(p.stored)}; generated in ${p.generate_seconds ?? "(already there)"} s\n`);
}

/** The light pass of bench/his.ts: 300 outpatient and 30 inpatient flows, 2 clerks. */
const LIGHT = { outpatient: 300, inpatient: 30 };

interface Samples {
  /** Milliseconds per infno, every answered call of every round. */
  byInfno: Map<string, number[]>;
  /** 2207 on the grown database, split by whose it was: a generated person's or a demo person's. */
  generated2207: number[];
  demo2207: number[];
  rounds: { p50_2207_ms: number | null; p99_2207_ms: number | null; p99_2304_ms: number | null; flows_per_second: number; seconds: number; load_average_1min: number }[];
  ok: number;
  failed: number;
  errors: Map<string, number>;
}

const emptySamples = (): Samples => ({ byInfno: new Map(), generated2207: [], demo2207: [], rounds: [], ok: 0, failed: 0, errors: new Map() });
const sorted = (values: readonly number[]) => Array.from(Float64Array.from(values).sort());
const ms = (v: number | null) => (v === null ? null : round(v, 2));

interface Target {
  label: "empty" | "grown";
  prepared: Prepared;
  url: string;
  samples: Samples;
  statements: Record<string, { per_unit: number | null }>;
}

/** One light pass against a target, its calls added to the target's samples. `round` rotates the persons. */
async function lightPass(target: Target, roundNo: number): Promise<void> {
  const { certnos, credential } = target.prepared;
  const offset = (roundNo * (LIGHT.outpatient + LIGHT.inpatient)) % certnos.length;
  const persons = [...certnos.slice(offset), ...certnos.slice(0, offset)];
  const round2207: number[] = [];
  const round2304: number[] = [];
  const report = await runSimulation({
    url: target.url, persons, counts: LIGHT, concurrency: LIGHT_CONCURRENCY, fixmedinsCode: HOSPITAL, credential,
    maxSeconds: 600, reverseShare: 0, seed: 4 + roundNo,
    onFlow: (flow: FlowResult) => {
      for (const call of flow.calls) {
        if (call.latencyMs === null) continue;
        const list = target.samples.byInfno.get(call.infno) ?? [];
        list.push(call.latencyMs);
        target.samples.byInfno.set(call.infno, list);
        if (call.infno === "2207") {
          round2207.push(call.latencyMs);
          (target.prepared.generatedCertnos.has(flow.certno) ? target.samples.generated2207 : target.samples.demo2207).push(call.latencyMs);
        }
        if (call.infno === "2304") round2304.push(call.latencyMs);
      }
    },
  });
  target.samples.ok += report.ok;
  target.samples.failed += report.failed + report.aborted;
  for (const e of report.errors) target.samples.errors.set(e.message, (target.samples.errors.get(e.message) ?? 0) + e.count);
  target.samples.rounds.push({
    p50_2207_ms: ms(percentile(sorted(round2207), 50)),
    p99_2207_ms: ms(percentile(sorted(round2207), 99)),
    p99_2304_ms: ms(percentile(sorted(round2304), 99)),
    flows_per_second: round(report.flowsPerSecond, 1),
    seconds: round(report.seconds, 2),
    load_average_1min: round(os.loadavg()[0] ?? 0, 2),
  });
  process.stdout.write(`  round ${roundNo + 1}, ${target.label}: 2207 p50 ${ms(percentile(sorted(round2207), 50))} ms, p99 ${ms(percentile(sorted(round2207), 99))} ms; ${report.ok} flows ok, ${report.failed} failed\n`);
}

function figuresOf(target: Target) {
  const s = target.samples;
  const pct = (infno: string, p: number) => ms(percentile(sorted(s.byInfno.get(infno) ?? []), p));
  return {
    stored: target.prepared.stored,
    generate_seconds: target.prepared.generate_seconds,
    persons_settled_for: { listed: target.prepared.certnos.length, generated: target.prepared.generated_in_sample },
    calls_2207: (s.byInfno.get("2207") ?? []).length,
    p50_2207_ms: pct("2207", 50),
    p99_2207_ms: pct("2207", 99),
    p50_2304_ms: pct("2304", 50),
    p99_2304_ms: pct("2304", 99),
    ...(target.label === "grown"
      ? {
          p99_2207_generated_persons_ms: ms(percentile(sorted(s.generated2207), 99)),
          p99_2207_demo_persons_ms: ms(percentile(sorted(s.demo2207), 99)),
          calls_2207_generated_persons: s.generated2207.length,
        }
      : {}),
    p50_ms_by_infno: Object.fromEntries([...s.byInfno.keys()].sort().map((k) => [k, pct(k, 50)])),
    p99_ms_by_infno: Object.fromEntries([...s.byInfno.keys()].sort().map((k) => [k, pct(k, 99)])),
    rounds: s.rounds,
    flows: { ok: s.ok, failed: s.failed },
    statements_per_message: Object.fromEntries(Object.entries(target.statements).map(([k, v]) => [k, v.per_unit])),
    first_errors: [...s.errors].slice(0, 5).map(([message, n]) => ({ message, count: n })),
  };
}

async function startTarget(label: Target["label"], prepared: Prepared) {
  const port = await freePort();
  const server = await startServer({
    DATABASE_URL: prepared.url,
    // As bench/his.ts: the clerks sign in from one address; the limits are not what is measured.
    YIBAO_HIS_SIGNIN_LIMIT: "1000000", YIBAO_HIS_RATE_LIMITS: "9001=100000:10000,1101=100000:10000", YIBAO_COUNT_STATEMENTS: "1",
  }, port);
  const target: Target = { label, prepared, url: `http://127.0.0.1:${port}`, samples: emptySamples(), statements: {} };
  return { server, target };
}

export const hisGrowthBenchmark: Benchmark = {
  name: "his-growth",
  description: "2207/2304 p50/p99 with 2 clerks (bench/his.ts's light pass) on an empty PostgreSQL database and on one holding 1,000,000 persons and 10,000,000 settlements",
  async run() {
    const rounds = count("BENCH_HIS_GROWTH_ROUNDS", 5);
    const emptyName = `yibao_bench_his_empty_${process.pid}`;
    const servers: Awaited<ReturnType<typeof startServer>>[] = [];
    try {
      if (process.env.BENCH_HIS_GROWTH_FRESH === "1") await admin((c) => c.query(`DROP DATABASE IF EXISTS ${GROWN_NAME} WITH (FORCE)`));
      process.stdout.write(`the grown database ${GROWN_NAME}:\n`);
      const grownPrepared = await prepare(GROWN_NAME, growthSizes());
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${emptyName} WITH (FORCE)`));
      process.stdout.write(`the empty database ${emptyName}:\n`);
      const emptyPrepared = await prepare(emptyName, null);
      const empty = await startTarget("empty", emptyPrepared);
      servers.push(empty.server);
      const grown = await startTarget("grown", grownPrepared);
      servers.push(grown.server);
      // As bench/his.ts: a warm-up first (the JIT, the catalogue cache; on the grown database the indexes' upper pages), not counted.
      for (const t of [empty.target, grown.target]) {
        await runSimulation({ url: t.url, persons: t.prepared.certnos, counts: { outpatient: 100, inpatient: 0 }, concurrency: 32, fixmedinsCode: HOSPITAL, credential: t.prepared.credential, seed: 1 });
      }
      // Rounds alternate (empty first, then grown first), so that the machine's other work weighs on both alike.
      for (let r = 0; r < rounds; r++) {
        const order = r % 2 === 0 ? [empty.target, grown.target] : [grown.target, empty.target];
        for (const t of order) await lightPass(t, r);
      }
      for (const t of [empty.target, grown.target]) {
        t.statements = (await (await fetch(`${t.url}/health/statements`)).json()) as Target["statements"];
      }
      const e = figuresOf(empty.target);
      const g = figuresOf(grown.target);
      const ratio = (a: number | null, b: number | null) => (a === null || b === null || b === 0 ? null : round(a / b, 2));
      const figures = {
        concurrency: LIGHT_CONCURRENCY,
        flows_per_round: LIGHT,
        rounds,
        goal: "2207 p99 on the grown database ≤ 1.5 × the empty database's (PostgreSQL, 2 clerks)",
        percentiles: "over every call of every round (nearest rank)",
        empty: e,
        grown: g,
        ratio_p99_2207: ratio(g.p99_2207_ms, e.p99_2207_ms),
        ratio_p50_2207: ratio(g.p50_2207_ms, e.p50_2207_ms),
        ratio_p99_2304: ratio(g.p99_2304_ms, e.p99_2304_ms),
        ratio_p50_2304: ratio(g.p50_2304_ms, e.p50_2304_ms),
      };
      const holds = figures.ratio_p99_2207 !== null && figures.ratio_p99_2207 <= 1.5;
      const summary = [
        `empty: 2207 p50 ${e.p50_2207_ms} ms, p99 ${e.p99_2207_ms} ms; 2304 p50 ${e.p50_2304_ms} ms, p99 ${e.p99_2304_ms} ms (${e.flows.ok} flows ok, ${e.flows.failed} failed)`,
        `grown (${g.stored.all_persons.toLocaleString("en")} persons, ${g.stored.all_settlements.toLocaleString("en")} settlements): 2207 p50 ${g.p50_2207_ms} ms, p99 ${g.p99_2207_ms} ms; 2304 p50 ${g.p50_2304_ms} ms, p99 ${g.p99_2304_ms} ms (${g.flows.ok} flows ok, ${g.flows.failed} failed)`,
        `2207 p99 grown ÷ empty = ${figures.ratio_p99_2207} (goal ≤ 1.5: ${holds ? "holds" : "does not hold"})`,
      ].join("\n");
      return { figures: { ...figures, holds }, summary };
    } finally {
      for (const s of servers) await stopServer(s);
      await admin((c) => c.query(`DROP DATABASE IF EXISTS ${emptyName} WITH (FORCE)`));
    }
  },
};
