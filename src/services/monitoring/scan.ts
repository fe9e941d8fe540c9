import { sql, type SQL } from "drizzle-orm";
import { DomainError } from "../../domain/errors.js";
import type { Decision } from "../../domain/monitoring/index.js";
import { dayAfter } from "../../domain/monitoring/index.js";
import { parseDate, parseRegionCode } from "../../domain/ids.js";
import type { Services } from "../common/context.js";
import { inRegion } from "../common/region.js";
import { array, rowsOf } from "../common/sql.js";
import { todayInChina } from "../common/time.js";
import { planChecks, writeChecks, type PersonForCheck } from "./check.js";
import { readFigures, SELF_PAID, termsFor, type MonitoringTerms } from "./figures.js";

/**
 * The monitor's scan of a year (yibao monitor scan --year Y): every person with settlements in force in the year, and
 * every open warning, checked on one date like the hook checks after a settlement. It is set-based: one pass over the
 * settlements computes every person's window total and largest settlement and keeps only the candidates — those past a
 * threshold, or with a warning open — and only those are checked one batch at a time, each batch its own
 * transaction (persons locked in psn_no order, as a settlement locks its one), so a long scan holds few locks, what it
 * did stays done if it stops, and a settlement meanwhile is checked by its own hook. Idempotent: a second scan on the
 * same date finds the same figures and writes nothing.
 */

export interface ScanInput {
  year: number;
  /** Only persons insured in this region (and their warnings). */
  admdvs?: string;
  /** The check date: default the year's last day, or today for the year in progress. */
  date?: string;
  /** Candidates per transaction (default 2,000). */
  batch_size?: number;
  /** Who ran it, on the events it writes (default "system"). */
  actor?: string;
}

export interface ScanProgress {
  /** window: the one pass over the settlements; check: the candidates, batch by batch. */
  phase: "window" | "check";
  done: number;
  total: number;
}

export interface ScanResult {
  year: number;
  admdvs: string | null;
  date: string;
  /** Persons in scope with settlements in force in the year. */
  persons: number;
  /** Of them, insured in a region whose policy sets no monitoring thresholds for the date. */
  without_policy: number;
  /** Persons checked one by one: past a threshold, or with a warning open. */
  candidates: number;
  raised: number;
  rechecked: number;
  below_threshold: number;
  above_threshold: number;
  unchanged: number;
  /** Candidates past a threshold whose spending a closed warning already held: nothing new to raise. */
  none: number;
}

const DEFAULT_BATCH = 2_000;

export function checkScanYear(value: unknown, field = "year"): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 2000 || value > 2099) {
    throw new DomainError(field, `must be a calendar year from 2000 to 2099, got ${JSON.stringify(value)}`);
  }
  return value;
}

function scanDate(year: number, asked: string | undefined): string {
  const today = todayInChina();
  if (asked !== undefined) {
    const date = parseDate(asked, "date");
    if (date.slice(0, 4) !== String(year)) throw new DomainError("date", `${date} is not in ${year}`);
    if (date > today) throw new DomainError("date", `${date} is after today (${today})`);
    return date;
  }
  if (`${year}-01-01` > today) throw new DomainError("year", `${year} has not begun (today is ${today})`);
  const end = `${year}-12-31`;
  return end < today ? end : today;
}

/** Each policy region's thresholds on the date, numbered by their window so that one pass sums every window at once. */
function regionTerms(services: Services, date: string): { byRegion: Map<string, MonitoringTerms>; froms: string[] } {
  const byRegion = new Map<string, MonitoringTerms>();
  for (const admdvs of new Set(services.policies.map((p) => p.admdvs))) {
    const terms = termsFor(services.policies, admdvs, date);
    if (terms) byRegion.set(admdvs, terms);
  }
  const froms = [...new Set([...byRegion.values()].map((t) => t.window.from))].sort();
  return { byRegion, froms };
}

interface WindowPass {
  persons: number;
  without_policy: number;
  candidates: string[];
  /** The household sizes of the candidates' households, counted in the same pass. */
  sizes: Map<string, number>;
}

/**
 * The one pass: every settlement in force from the earliest window's first day (or the year's, if earlier) to the check
 * date, summed per person and per window; each person's own window (their region's policy) compared with the thresholds,
 * (b) against the household's income (per-capita income × the members, counted once per household here). The pass
 * only chooses whom to check: planChecks decides, from figures read again under the persons' locks.
 */
async function windowPass(services: Services, year: number, date: string, scope: SQL, terms: ReturnType<typeof regionTerms>): Promise<WindowPass> {
  const { byRegion, froms } = terms;
  if (byRegion.size === 0) {
    const [row] = await rowsOf<{ n: number | string }>(services.db, sql`
      select count(distinct s.psn_no) as n from settlements s join persons p on p.psn_no = s.psn_no
      where s.year = ${year} and s.status = 'settled' and s.setl_time < ${dayAfter(date)}::timestamp and ${scope}`);
    const n = Number(row?.n ?? 0);
    return { persons: n, without_policy: n, candidates: [], sizes: new Map() };
  }
  const params = sql.join(
    [...byRegion.entries()].map(([admdvs, t]) =>
      sql`(${admdvs}::text, ${froms.indexOf(t.window.from)}::int, ${t.monitoring.window_self_paid_over}::bigint, ${t.monitoring.single_self_paid_over}::bigint, ${t.monitoring.income_share_over}::bigint)`),
    sql`, `,
  );
  const start = [...froms, `${year}-01-01`].sort()[0] as string;
  const sums = sql.join(froms.map((from, k) => sql`
    coalesce(sum(x.self_paid) filter (where x.setl_time >= ${from}::timestamp), 0) as ${sql.raw(`w${k}`)},
    coalesce(max(x.self_paid) filter (where x.setl_time >= ${from}::timestamp), 0) as ${sql.raw(`m${k}`)}`), sql`,`);
  const pick = (prefix: string) => sql.raw(`case r.k ${froms.map((_, k) => `when ${k} then a.${prefix}${k}`).join(" ")} end`);
  const [row] = await rowsOf<{ persons: number | string; without_policy: number | string; candidates: unknown; households: unknown; sizes: unknown }>(services.db, sql`
    with params(admdvs, k, window_over, single_over, share_ppm) as (values ${params}),
    agg as (
      select x.psn_no, bool_or(x.year = ${year}) as in_year, ${sums}
      from (
        select s.psn_no, s.year, s.setl_time, ${SELF_PAID} as self_paid from settlements s
        where s.status = 'settled' and s.year between ${Number(start.slice(0, 4))} and ${year}
          and s.setl_time >= ${start}::timestamp and s.setl_time < ${dayAfter(date)}::timestamp
      ) x
      group by x.psn_no
    ),
    households as (
      select household_id, count(*) as size from persons where household_id is not null group by household_id
    ),
    scoped as (
      select a.psn_no, r.k, r.window_over, r.single_over, r.share_ppm, p.household_id, p.household_income_fen, coalesce(h.size, 1) as size,
        ${pick("w")} as w, ${pick("m")} as m
      from agg a join persons p on p.psn_no = a.psn_no left join params r on r.admdvs = p.insuplc_admdvs
        left join households h on h.household_id = p.household_id
      where a.in_year and ${scope}
    ),
    judged as (
      select *, k is not null and (w > window_over or m > single_over
        or (household_income_fen is not null and w::numeric * 1000000 > share_ppm::numeric * household_income_fen * size)) as candidate
      from scoped
    )
    select count(*) as persons, count(*) filter (where k is null) as without_policy,
      coalesce(array_agg(psn_no order by psn_no) filter (where candidate), '{}') as candidates,
      coalesce(array_agg(household_id) filter (where candidate and household_id is not null), '{}') as households,
      coalesce(array_agg(size) filter (where candidate and household_id is not null), '{}') as sizes
    from judged`);
  const households = Array.isArray(row?.households) ? (row.households as unknown[]).map(String) : [];
  const sizes = Array.isArray(row?.sizes) ? (row.sizes as unknown[]).map(Number) : [];
  return {
    persons: Number(row?.persons ?? 0),
    without_policy: Number(row?.without_policy ?? 0),
    candidates: Array.isArray(row?.candidates) ? (row.candidates as unknown[]).map(String) : [],
    sizes: new Map(households.map((h, i) => [h, sizes[i] ?? 1])),
  };
}

export interface CheckedScanInput {
  year: number;
  admdvs: string | undefined;
  date: string;
  batch_size: number;
  actor: string;
}

/** The scan's input checked without reading anything (the command line refuses bad options before opening the database). */
export function checkScanInput(input: ScanInput): CheckedScanInput {
  const year = checkScanYear(input.year);
  const admdvs = input.admdvs === undefined ? undefined : parseRegionCode(input.admdvs, "admdvs");
  const date = scanDate(year, input.date);
  const batchSize = input.batch_size ?? DEFAULT_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 20_000) throw new DomainError("batch_size", `must be a whole number from 1 to 20000, got ${batchSize}`);
  const actor = typeof input.actor === "string" && input.actor.trim() !== "" ? input.actor.trim() : "system";
  return { year, admdvs, date, batch_size: batchSize, actor };
}

export async function scanYear(services: Services, input: ScanInput, onProgress: (p: ScanProgress) => void = () => undefined): Promise<ScanResult> {
  const { year, admdvs, date, batch_size: batchSize, actor } = checkScanInput(input);
  const terms = regionTerms(services, date);

  onProgress({ phase: "window", done: 0, total: 1 });
  const pass = await windowPass(services, year, date, admdvs === undefined ? sql`true` : inRegion(sql`p.insuplc_admdvs`, admdvs), terms);
  onProgress({ phase: "window", done: 1, total: 1 });
  // Open warnings are checked too, whether or not the person settled anything this year: their figures may have fallen.
  const open = await rowsOf<{ psn_no: string }>(services.db, sql`
    select w.psn_no from warnings w where w.state <> 'closed' and ${admdvs === undefined ? sql`true` : inRegion(sql`w.admdvs`, admdvs)}`);
  const candidates = [...new Set([...pass.candidates, ...open.map((o) => o.psn_no)])].sort();

  const tally: Record<Decision, number> = { none: 0, raise: 0, recheck: 0, below_threshold: 0, above_threshold: 0, unchanged: 0 };
  const cause = { kind: "scan" as const, year };
  for (let i = 0; i < candidates.length; i += batchSize) {
    const batch = candidates.slice(i, i + batchSize);
    await services.db.transaction(async (tx) => {
      const people = await rowsOf<PersonForCheck & { household_income_fen: number | string | null }>(tx, sql`
        select psn_no, insuplc_admdvs, household_id, household_income_fen from persons
        where psn_no = any(${array(batch, "text")}) order by psn_no for update`);
      const items: { person: PersonForCheck; terms: MonitoringTerms; from: string }[] = [];
      for (const p of people) {
        const t = terms.byRegion.get(p.insuplc_admdvs);
        // An open warning of a region that no longer sets thresholds for the date is left as it is: nothing to check it by.
        if (!t) continue;
        const person = { ...p, household_income_fen: p.household_income_fen === null ? null : Number(p.household_income_fen) };
        items.push({ person, terms: t, from: t.window.from });
      }
      const figures = new Map((await readFigures(tx, items.map((it) => ({ psn_no: it.person.psn_no, from: it.from })), date)).map((f) => [f.psn_no, f]));
      const planned = await planChecks(
        tx,
        items.map((it) => ({ person: it.person, terms: it.terms, figures: figures.get(it.person.psn_no) as NonNullable<ReturnType<typeof figures.get>> })),
        pass.sizes,
      );
      for (const c of planned) tally[c.decision]++;
      await writeChecks(tx, planned.filter((c) => c.decision !== "none"), cause, actor);
    });
    onProgress({ phase: "check", done: Math.min(candidates.length, i + batchSize), total: candidates.length });
  }
  return {
    year,
    admdvs: admdvs ?? null,
    date,
    persons: pass.persons,
    without_policy: pass.without_policy,
    candidates: candidates.length,
    raised: tally.raise,
    rechecked: tally.recheck,
    below_threshold: tally.below_threshold,
    above_threshold: tally.above_threshold,
    unchanged: tally.unchanged,
    none: tally.none,
  };
}
