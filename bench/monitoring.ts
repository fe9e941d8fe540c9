/**
 * The early-warning monitor's scan of a year (yibao monitor scan) over a large region: persons per second, and the whole
 * scan, on PostgreSQL and on PGlite; and what the hook after a settlement costs with that much stored (statements and
 * latency of checkPerson, for a person under every threshold and for one with a warning open).
 *
 * The data is generated in bulk by SQL (generate_series), not through the interface: persons in households of three with
 * a per-capita income (one household in ten without), a category for one household in twelve, and settlements of 2022
 * spread over the year and over everyone (ten a person) — 97.9% outpatient visits (self-paid 25 to 250 yuan), 2% inpatient
 * stays (1,050 to 10,500: about one stay in five persons a year), 0.1% catastrophic stays (10,000 to 60,000), one in a
 * hundred reversed — each with its encounter. The settlement rows are as
 * wide as real ones: their setlinfo, steps and delta are copies of what the engine (domain/settlement) answers for such a
 * visit or stay, since the scan's one pass reads every row of the table and its cost follows the table's size.
 *
 * BENCH_MONITORING_DATABASES: "postgres,pglite" (default both). BENCH_MONITORING_PERSONS / BENCH_MONITORING_SETTLEMENTS
 * (default 1,000,000 / 10,000,000 on PostgreSQL; PGlite a tenth by default, BENCH_MONITORING_PGLITE_SCALE=1 for all:
 * one embedded connection generates ten million wide rows slowly and holds them in its own folder). The generated
 * databases are kept (database yibao_bench_monitoring, folder bench/.data/monitoring-pglite) so that a second run only
 * measures; BENCH_MONITORING_FRESH=1 generates again. The warnings are deleted before the first scan of each run.
 */
import { existsSync, rmSync } from "node:fs";
import { sql } from "drizzle-orm";
import pg from "pg";
import type { Level } from "../src/domain/codes.js";
import { householdSizeMatters } from "../src/domain/monitoring/index.js";
import type { Fen } from "../src/domain/money.js";
import { priceOfFen, type Quantity } from "../src/domain/quantity.js";
import { emptyAccumulators, settle } from "../src/domain/settlement/index.js";
import { fromRoot } from "../src/lib/paths.js";
import { Services } from "../src/services/common/context.js";
import { lockPerson } from "../src/services/common/persons.js";
import { rowsOf } from "../src/services/common/sql.js";
import { checkPerson, scanYear, SELF_PAID, type ScanResult } from "../src/services/monitoring/index.js";
import { shippedCatalogue, shippedCatalogueEntries, shippedPolicy } from "../src/services/reference/shipped.js";
import { migrateDatabase, openDatabase, type Database, type OpenOptions, type Queryable } from "../src/store/db.js";
import { round, type Benchmark } from "./harness.js";

const ADMIN_URL = process.env.BENCH_DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const PG_NAME = "yibao_bench_monitoring";
const PGLITE_DIR = fromRoot("bench", ".data", "monitoring-pglite");
const YEAR = 2022;
const REGION = "451000";
const HOSPITAL = "HM4510000001";
/** Generated rows per statement: large enough to be fast, small enough to show progress and keep memory flat. */
const BATCH = 250_000;
/** Persons whose hook is timed, of each kind. */
const HOOK_SAMPLE = 300;

function count(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return process.env[name] !== undefined && Number.isInteger(v) && v > 0 ? v : fallback;
}

interface Sizes {
  persons: number;
  settlements: number;
}

const since = (started: number) => (performance.now() - started) / 1000;

function progressLine(started: number) {
  return (done: number, total: number, what: string) =>
    process.stdout.write(`  ${what}: ${done.toLocaleString("en")} / ${total.toLocaleString("en")} (${Math.round((100 * done) / total)}%, ${since(started).toFixed(0)} s)\n`);
}

/** setlinfo, steps and delta as the engine answers them for an outpatient visit, an inpatient stay and a catastrophic one. */
function templates(): { setlinfo: string; delta: string; steps: string }[] {
  const policy = shippedPolicy("451000-2022");
  const catalogue = shippedCatalogue(REGION);
  const entries = shippedCatalogueEntries(REGION).filter((e) => e.chrgitm_lv !== "03" && e.pric_uplmt_amt === null && e.begndate <= `${YEAR}-01-01`);
  const bill = (kind: "11" | "21", lines: number, totalYuan: number) => {
    const result = settle({
      policy,
      catalogue,
      person: { psn_no: "MP000000001", insutype: "390", insuplc_admdvs: REGION, balc: 0 as Fen, idetinfo: [], psn_name: "监测样例", psn_cert_type: "01", certno: "451002197001010011", gend: "1", naty: "01", brdy: "1970-01-01", age: 52, psn_type: "1501", cvlserv_flag: "0" },
      accumulators: emptyAccumulators(YEAR),
      encounter: { mdtrt_id: "ME0000000001", med_type: kind, setl_time: `${YEAR}-06-01 10:00:00`, medins_lv: "3" as Level, mdtrtarea_admvs: REGION, offsite_filing: null, opsp_dise_code: null, acct_used_flag: false },
      lines: Array.from({ length: lines }, (_, i) => ({
        feedetl_sn: String(i + 1),
        med_list_codg: entries[(i * 7) % entries.length]?.med_list_codg ?? "",
        pric: priceOfFen(Math.round((totalYuan * 100) / lines) as Fen),
        cnt: 10_000 as Quantity,
      })),
    });
    return { setlinfo: JSON.stringify({ ...result.setlinfo, setl_id: "MS0000000001" }), delta: JSON.stringify(result.delta), steps: JSON.stringify(result.steps) };
  };
  return [bill("11", 3, 180), bill("21", 15, 9_000), bill("21", 30, 150_000)];
}

async function generatedCounts(database: Database): Promise<Sizes> {
  const [p] = await rowsOf<{ n: number | string }>(database.db, sql`select count(*) as n from persons where psn_no like 'MP%'`);
  const [s] = await rowsOf<{ n: number | string }>(database.db, sql`select count(*) as n from settlements where setl_id like 'MS%'`);
  return { persons: Number(p?.n ?? 0), settlements: Number(s?.n ?? 0) };
}

/** Persons, their categories, and settlements with their encounters, as described at the top. */
async function generate(database: Database, sizes: Sizes, progress: ReturnType<typeof progressLine>): Promise<void> {
  const run = (text: string) => database.db.execute(sql.raw(text));
  await run(`insert into fixmedins (fixmedins_code, fixmedins_name, medins_lv, admdvs) values ('${HOSPITAL}', '百色市监测基准医院', '3', '${REGION}') on conflict do nothing`);
  const h = "((i + 2) / 3)"; // the household of person i: three members each
  for (let lo = 1; lo <= sizes.persons; lo += BATCH) {
    const hi = Math.min(sizes.persons, lo + BATCH - 1);
    await run(`insert into persons (psn_no, certno, psn_name, gend, brdy, insuplc_admdvs, household_id, household_income_fen, rural)
      select 'MP' || lpad(i::text, 9, '0'), 'MC' || lpad(i::text, 16, '0'), '监测' || i, case when i % 2 = 0 then '2' else '1' end,
        date '1940-01-01' + (i % 25000)::int, '${REGION}', 'MH' || lpad(${h}::text, 9, '0'),
        case when ${h} % 10 = 0 then null else 500000 + (${h} * 7919) % 5500000 end, i % 3 <> 0
      from generate_series(${lo}::bigint, ${hi}::bigint) i`);
    await run(`insert into person_identities (psn_no, psn_idet_type, begntime, endtime)
      select 'MP' || lpad(i::text, 9, '0'),
        (array['minimum_living', 'low_income', 'monitored', 'lifted', 'destitute', 'illness_impoverished'])[1 + (${h} / 12) % 6],
        date '2020-01-01', null
      from generate_series(${lo}::bigint, ${hi}::bigint) i where ${h} % 12 = 0`);
    progress(hi, sizes.persons, "persons");
  }
  await run(`drop table if exists bench_monitor_templates`);
  await run(`create table bench_monitor_templates (kind int primary key, setlinfo jsonb not null, delta jsonb not null, steps jsonb not null)`);
  const t = templates();
  for (const [kind, x] of t.entries()) {
    await database.db.execute(sql`insert into bench_monitor_templates values (${kind}, ${x.setlinfo}::jsonb, ${x.delta}::jsonb, ${x.steps}::jsonb)`);
  }
  const persons = sizes.persons;
  for (let lo = 1; lo <= sizes.settlements; lo += BATCH) {
    const hi = Math.min(sizes.settlements, lo + BATCH - 1);
    // j's person spread over everyone (7919 is prime to any count here) and its time over the year; its kind, size and
    // reversal are independent draws of PostgreSQL's own hash of j, so that they do not follow the person (j and
    // j + persons fall to the same person: a multiplicative draw would give all of a person's settlements one kind).
    const gen = `select j, 'MS' || lpad(j::text, 10, '0') as setl_id, 'ME' || lpad(j::text, 10, '0') as mdtrt_id,
        'MP' || lpad((1 + (j * 7919) % ${persons})::text, 9, '0') as psn_no,
        timestamp '${YEAR}-01-01 08:00:00' + ((j * 5237) % 365) * interval '1 day' + ((j * 31) % 600) * interval '1 minute' as at,
        case when abs(hashint8(j)) % 1000 < 979 then 0 when abs(hashint8(j)) % 1000 < 999 then 1 else 2 end as kind,
        abs(hashint8(j + 7777777)) % 1000000 as r,
        case when abs(hashint8(j * 3 + 1)) % 100 = 0 then 'reversed' else 'settled' end as status
      from generate_series(${lo}::bigint, ${hi}::bigint) j`;
    // Fen: outpatient in-policy 50–500 yuan, basic pays half; inpatient 3,000–30,000, basic pays 65%; catastrophic
    // 50,000–300,000, basic 60% and critical illness 20%.
    const amounts = `select g.*,
        case g.kind when 0 then 5000 + g.r % 45000 when 1 then 300000 + g.r * 27 / 10 else 5000000 + g.r * 25 end as inscp
      from (${gen}) g`;
    const funds = `select a.*,
        case a.kind when 0 then a.inscp / 2 when 1 then a.inscp * 65 / 100 else a.inscp * 60 / 100 end as hifp,
        case a.kind when 2 then a.inscp * 20 / 100 else 0 end as hifmi,
        a.r % 3000 as ownpay
      from (${amounts}) a`;
    await run(`insert into encounters (mdtrt_id, psn_no, insutype, fixmedins_code, kind, med_type, mdtrtarea_admvs, insuplc_admdvs, begntime, endtime, status)
      select g.mdtrt_id, g.psn_no, '390', '${HOSPITAL}', case g.kind when 0 then 'outpatient' else 'inpatient' end, case g.kind when 0 then '11' else '21' end,
        '${REGION}', '${REGION}', g.at - case g.kind when 0 then interval '0' else interval '7 days' end, g.at,
        case g.status when 'settled' then 'settled' else 'registered' end
      from (${gen}) g`);
    await run(`insert into settlements (setl_id, mdtrt_id, psn_no, fixmedins_code, insutype, med_type, insuplc_admdvs, mdtrtarea_admvs, setl_time, year,
        policy_id, medfee_sumamt, fulamt_ownpay_amt, inscp_scp_amt, act_pay_dedc, hifp_pay, pool_prop_selfpay, hifmi_pay, fund_pay_sumamt, psn_part_amt,
        psn_cash_pay, setlinfo, delta, steps, status, reversed_at)
      select f.setl_id, f.mdtrt_id, f.psn_no, '${HOSPITAL}', '390', case f.kind when 0 then '11' else '21' end, '${REGION}', '${REGION}', f.at, ${YEAR},
        '451000-2022', f.inscp + f.ownpay, f.ownpay, f.inscp, 0, f.hifp, f.inscp - f.hifp, f.hifmi, f.hifp + f.hifmi, f.inscp + f.ownpay - f.hifp - f.hifmi,
        f.inscp + f.ownpay - f.hifp - f.hifmi, t.setlinfo, t.delta, t.steps, f.status, case f.status when 'reversed' then f.at + interval '1 hour' end
      from (${funds}) f join bench_monitor_templates t on t.kind = f.kind`);
    progress(hi, sizes.settlements, "settlements");
  }
  // As autovacuum leaves a database in service: statistics for the planner, the visibility map.
  for (const table of ["persons", "person_identities", "encounters", "settlements"]) {
    await run(`vacuum (analyze) ${table}`);
    progress(1, 1, `vacuum ${table}`);
  }
}

/** How long the kept data took to generate, recorded with it so that a later run that only measures can say. */
async function recordGenerated(database: Database, seconds: number): Promise<void> {
  await database.db.execute(sql`create table if not exists bench_monitor_generated (seconds real not null, at timestamptz not null default now())`);
  await database.db.execute(sql`delete from bench_monitor_generated`);
  await database.db.execute(sql`insert into bench_monitor_generated (seconds) values (${seconds})`);
}

async function generatedSeconds(database: Database): Promise<number | null> {
  const [exists] = await rowsOf<{ t: string | null }>(database.db, sql`select to_regclass('bench_monitor_generated')::text as t`);
  if (!exists?.t) return null;
  const [row] = await rowsOf<{ seconds: number | string }>(database.db, sql`select seconds from bench_monitor_generated limit 1`);
  return row === undefined ? null : round(Number(row.seconds), 1);
}

async function openPrepared(kind: "postgres" | "pglite", sizes: Sizes): Promise<{ database: Database; generated_now: boolean; generate_seconds: number | null }> {
  const fresh = process.env.BENCH_MONITORING_FRESH === "1";
  let options: OpenOptions;
  if (kind === "postgres") {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    const exists = (await admin.query("select 1 from pg_database where datname = $1", [PG_NAME])).rowCount === 1;
    if (exists && fresh) await admin.query(`drop database ${PG_NAME} with (force)`);
    if (!exists || fresh) await admin.query(`create database ${PG_NAME}`);
    await admin.end();
    const url = new URL(ADMIN_URL);
    url.pathname = `/${PG_NAME}`;
    options = { url: url.toString(), poolSize: 4 };
  } else {
    if (fresh && existsSync(PGLITE_DIR)) rmSync(PGLITE_DIR, { recursive: true, force: true });
    options = { dataDir: PGLITE_DIR };
  }
  let database = await openDatabase(options);
  await migrateDatabase(database);
  const have = await generatedCounts(database);
  if (have.persons === sizes.persons && have.settlements === sizes.settlements) return { database, generated_now: false, generate_seconds: await generatedSeconds(database) };
  if (have.persons > 0 || have.settlements > 0) {
    // Another size was generated here before: start over rather than mix two populations.
    await database.close();
    if (kind === "postgres") {
      const admin = new pg.Client({ connectionString: ADMIN_URL });
      await admin.connect();
      await admin.query(`drop database ${PG_NAME} with (force)`);
      await admin.query(`create database ${PG_NAME}`);
      await admin.end();
    } else {
      rmSync(PGLITE_DIR, { recursive: true, force: true });
    }
    database = await openDatabase(options);
    await migrateDatabase(database);
  }
  const started = performance.now();
  process.stdout.write(`  generating ${sizes.persons.toLocaleString("en")} persons and ${sizes.settlements.toLocaleString("en")} settlements (${kind})…\n`);
  await generate(database, sizes, progressLine(started));
  const seconds = round(since(started), 1);
  await recordGenerated(database, seconds);
  return { database, generated_now: true, generate_seconds: seconds };
}

interface HookFigures {
  persons: number;
  statements: { min: number; max: number };
  p50_ms: number;
  p99_ms: number;
}

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

/**
 * checkPerson as the hook runs it after a settlement (the person's row locked and passed, the date the settlement's),
 * timed per person, with its statements counted. Each check is rolled back: the hook's cost, not what it writes, is measured.
 */
async function timeHook(services: Services, psnNos: readonly string[]): Promise<HookFigures> {
  const ms: number[] = [];
  const statements: number[] = [];
  for (const psnNo of psnNos) {
    await services.db
      .transaction(async (tx) => {
        const person = await lockPerson(tx, psnNo);
        let n = 0;
        const counted = new Proxy(tx, {
          get(target, prop, receiver) {
            const value: unknown = Reflect.get(target, prop, receiver);
            if (prop === "execute" && typeof value === "function") {
              return (...args: unknown[]) => {
                n += 1;
                return (value as (...a: unknown[]) => unknown).apply(target, args);
              };
            }
            return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
          },
        }) as Queryable;
        const started = performance.now();
        await checkPerson(services, counted, person, `${YEAR}-12-31`, { kind: "settlement", setl_id: "bench" });
        ms.push(performance.now() - started);
        statements.push(n);
        throw new RollBack();
      })
      .catch((error: unknown) => {
        if (!(error instanceof RollBack)) throw error;
      });
  }
  ms.sort((a, b) => a - b);
  return {
    persons: psnNos.length,
    statements: { min: Math.min(...statements), max: Math.max(...statements) },
    p50_ms: round(percentile(ms, 0.5), 2),
    p99_ms: round(percentile(ms, 0.99), 2),
  };
}

class RollBack extends Error {}

interface DatabaseFigures {
  server?: string;
  persons: number;
  settlements: number;
  settlements_table_bytes: number;
  /** Whether this run generated the data (else it was kept from an earlier run). */
  generated_now: boolean;
  /** How long generating it took, when it was generated. */
  generate_seconds: number | null;
  scan: ScanResult & { seconds: number; window_pass_seconds: number; check_seconds: number; persons_per_second: number };
  rescan: { seconds: number; persons_per_second: number; raised: number; rechecked: number; unchanged: number };
  hook_under_thresholds: HookFigures;
  /** Without a warning, but over half of one member's income: (b) needs the household counted. */
  hook_counting_household: HookFigures;
  hook_with_open_warning: HookFigures;
}

async function runOn(kind: "postgres" | "pglite", sizes: Sizes): Promise<DatabaseFigures> {
  process.stdout.write(`  ${kind}\n`);
  const { database, generated_now, generate_seconds } = await openPrepared(kind, sizes);
  try {
    const services = new Services(database);
    await database.db.execute(sql`delete from warning_events`);
    await database.db.execute(sql`delete from warnings`);
    const [bytes] = await rowsOf<{ n: number | string }>(database.db, sql`select pg_total_relation_size('settlements') as n`);
    let windowDone = 0;
    const started = performance.now();
    const scan = await scanYear(services, { year: YEAR }, (p) => {
      if (p.phase === "window" && p.done === 1) windowDone = performance.now();
    });
    const seconds = since(started);
    process.stdout.write(`  scan: ${scan.persons.toLocaleString("en")} persons, ${scan.candidates.toLocaleString("en")} candidates, ${scan.raised.toLocaleString("en")} raised in ${seconds.toFixed(1)} s\n`);
    const again = performance.now();
    const rescan = await scanYear(services, { year: YEAR });
    const rescanSeconds = since(again);
    process.stdout.write(`  second scan: ${rescan.raised} raised, ${rescan.unchanged.toLocaleString("en")} unchanged in ${rescanSeconds.toFixed(1)} s\n`);

    // A spread sample of persons without a warning — those the hook settles in one statement, and those whose window is
    // over half of one member's income, for whom (b) needs the household counted — and of persons with a warning open.
    const monitoring = services.policies.find((p) => p.admdvs === REGION && p.year === YEAR)?.monitoring;
    if (!monitoring) throw new Error(`the shipped policy of ${REGION} for ${YEAR} sets no monitoring thresholds`);
    const sample = await rowsOf<{ psn_no: string; income: number | string | null; total: number | string; max: number | string }>(database.db, sql`
      select p.psn_no, p.household_income_fen as income, w.total, w.max from persons p
      cross join lateral (
        select coalesce(sum(${SELF_PAID}), 0) as total, coalesce(max(${SELF_PAID}), 0) as max from settlements s
        where s.psn_no = p.psn_no and s.year = ${YEAR} and s.status = 'settled'
      ) w
      where p.psn_no like 'MP%' and (substr(p.psn_no, 3)::bigint * 13) % ${Math.max(2, Math.round(sizes.persons / 3_000))} = 0
        and not exists (select 1 from warnings x where x.psn_no = p.psn_no)`);
    const counts = (r: (typeof sample)[number]) => householdSizeMatters(monitoring, {
      window_self_paid_fen: Number(r.total) as Fen, max_single_self_paid_fen: Number(r.max) as Fen, per_capita_income_fen: r.income === null ? null : (Number(r.income) as Fen),
    }, false);
    const under = sample.filter((r) => !counts(r)).slice(0, HOOK_SAMPLE).map((r) => r.psn_no);
    const counting = sample.filter(counts).slice(0, HOOK_SAMPLE).map((r) => r.psn_no);
    const warned = (await rowsOf<{ psn_no: string }>(database.db, sql`
      select psn_no from warnings where state <> 'closed' order by (id * 7919) % 10007 limit ${HOOK_SAMPLE}`)).map((r) => r.psn_no);
    const hookUnder = await timeHook(services, under);
    const hookCounting = await timeHook(services, counting);
    const hookWarned = await timeHook(services, warned);
    const [version] = kind === "postgres" ? await rowsOf<{ v: string }>(database.db, sql`select version() as v`) : [];
    return {
      ...(version ? { server: version.v.split(" on ")[0] } : {}),
      persons: sizes.persons,
      settlements: sizes.settlements,
      settlements_table_bytes: Number(bytes?.n ?? 0),
      generated_now,
      generate_seconds,
      scan: {
        ...scan,
        seconds: round(seconds, 2),
        window_pass_seconds: round((windowDone - started) / 1000, 2),
        check_seconds: round(seconds - (windowDone - started) / 1000, 2),
        persons_per_second: Math.round(scan.persons / seconds),
      },
      rescan: { seconds: round(rescanSeconds, 2), persons_per_second: Math.round(rescan.persons / rescanSeconds), raised: rescan.raised, rechecked: rescan.rechecked, unchanged: rescan.unchanged },
      hook_under_thresholds: hookUnder,
      hook_counting_household: hookCounting,
      hook_with_open_warning: hookWarned,
    };
  } finally {
    await database.close();
  }
}

export const monitoringBenchmark: Benchmark = {
  name: "monitoring",
  description: "the early-warning scan of a year over 1,000,000 persons and 10,000,000 settlements (PGlite a tenth), persons per second, and the hook's cost",
  async run() {
    const databases = (process.env.BENCH_MONITORING_DATABASES ?? "postgres,pglite").split(",").map((d) => d.trim()).filter((d) => d !== "");
    const unknown = databases.filter((d) => d !== "postgres" && d !== "pglite");
    if (unknown.length > 0) throw new Error(`BENCH_MONITORING_DATABASES: unknown ${unknown.join(", ")} (postgres, pglite)`);
    const pgSizes = { persons: count("BENCH_MONITORING_PERSONS", 1_000_000), settlements: count("BENCH_MONITORING_SETTLEMENTS", 10_000_000) };
    const scale = count("BENCH_MONITORING_PGLITE_SCALE", 10);
    const pgliteSizes = { persons: Math.ceil(pgSizes.persons / scale), settlements: Math.ceil(pgSizes.settlements / scale) };
    const figures: Record<string, unknown> = { year: YEAR, goal: "PostgreSQL: the scan of 1,000,000 persons and 10,000,000 settlements under 60 s" };
    const lines: string[] = [];
    for (const kind of databases as ("postgres" | "pglite")[]) {
      const f = await runOn(kind, kind === "postgres" ? pgSizes : pgliteSizes);
      figures[kind] = f;
      lines.push(
        `  ${kind}: ${f.persons.toLocaleString("en")} persons, ${f.settlements.toLocaleString("en")} settlements: scan ${f.scan.seconds} s ` +
          `(${f.scan.persons_per_second.toLocaleString("en")} persons/s; one pass ${f.scan.window_pass_seconds} s, ${f.scan.candidates.toLocaleString("en")} candidates), ` +
          `again ${f.rescan.seconds} s; hook p50 ${f.hook_under_thresholds.p50_ms} ms (${f.hook_under_thresholds.statements.max} statement), ` +
          `${f.hook_counting_household.p50_ms} ms counting a household, ${f.hook_with_open_warning.p50_ms} ms with a warning open ` +
          `(${f.hook_with_open_warning.statements.max} statements)`,
      );
    }
    return { figures, summary: lines.join("\n") };
  },
};
