import { sql, type SQL } from "drizzle-orm";
import { CATEGORIES, CATEGORY_NAMES, FUND_PAY_TYPE_NAMES, INSUTYPE_NAMES, type Category } from "../../domain/codes.js";
import {
  type CategoryPeriod, type ContributionDraft, contributionsDue, enrollmentTerms, type EnrollmentTerms, type RecordedContribution,
} from "../../domain/enrollment/index.js";
import { DomainError } from "../../domain/errors.js";
import { parseRegionCode } from "../../domain/ids.js";
import type { Fen } from "../../domain/money.js";
import type { Policy } from "../../domain/reference/index.js";
import type { Ratio } from "../../domain/ratio.js";
import type { Database, Queryable } from "../../store/db.js";
import { shippedPolicies } from "../reference/index.js";
import { inRegion } from "../common/region.js";

/**
 * Subsidized enrollment (资助参保) as use cases: contributions of resident enrollments computed from the region's policy
 * (src/domain/enrollment/), recomputed when categories or person facts change, and the "资助参保" register.
 *
 * - Only enrollments whose insurance type has an `enrollment` entry in the policy get contributions (residents, 390).
 *   Employees (310) pay by payroll through their employer: nothing is recorded for them here (decision, documented).
 * - Only enrollments with status `enrolled`: an ended or suspended one keeps the rows it has, so that a refund recorded
 *   when a duplicate is ended is never granted back by a later recompute.
 * - The policy is the region's for the enrollment year; where there is none, its latest earlier one, noted in the
 *   explanation and counted (as settlements do). A region without any policy gets no rows (counted).
 * - Writers of contributions take one transaction-scoped advisory lock, so that two recomputes (or an import and a
 *   recompute) never both add the same initial row or adjustment.
 * - Set-based: enrollments are read in batches (5,000) with their person's facts; the batch's categories and recorded rows
 *   in one statement each; the rules run in memory; the new rows of the batch go in one INSERT … SELECT FROM unnest(…).
 *   A few statements per batch, never one per person.
 */

/** Key of the advisory lock that serializes writers of contributions ("yibao", issue 4). */
const CONTRIBUTIONS_LOCK = 0x7969_0004;

type Target = Database | Queryable;
const queryableOf = (target: Target): Queryable => ("kind" in target && "close" in target ? (target as Database).db : (target as Queryable));

async function rows<T>(q: Queryable, query: SQL): Promise<T[]> {
  return ((await q.execute(query)) as unknown as { rows: T[] }).rows;
}

/** A JavaScript array as one array parameter. */
const array = (values: readonly unknown[], type: string): SQL => sql`${sql.param(values)}::${sql.raw(type)}[]`;

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

// ---------------------------------------------------------------------------------------------------------------------
// Inputs

function yearOf(value: unknown, field = "year"): number {
  const n = typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1990 || n > 2100) {
    throw new DomainError(field, `must be a calendar year such as 2022, got ${JSON.stringify(value)}`);
  }
  return n;
}

const CATEGORY_BY_NAME = new Map<string, Category>([
  ...CATEGORIES.map((c) => [c, c] as [string, Category]),
  ...CATEGORIES.map((c) => [CATEGORY_NAMES[c], c] as [string, Category]),
]);

export function parseCategory(value: unknown, field = "category"): Category {
  const c = typeof value === "string" ? CATEGORY_BY_NAME.get(value.trim()) : undefined;
  if (!c) throw new DomainError(field, `must be one of ${CATEGORIES.join(", ")} (or their Chinese names), got ${JSON.stringify(value)}`);
  return c;
}

// ---------------------------------------------------------------------------------------------------------------------
// Recompute

export interface SubsidyCounts {
  /** Resident enrollments examined. */
  enrollments: number;
  /** Initial rows written (an enrollment that had none). */
  initial: number;
  /** Adjustment rows written, and their total (refunded or credited to the persons). */
  adjustments: number;
  adjustment_fen: number;
  /** Assistance subsidy of every row written. */
  assistance_fen: number;
  /** Enrollments of a region with no policy at or before their year (left without rows). */
  without_policy: number;
  /** Enrollments computed with an earlier year's policy. */
  policy_fallbacks: number;
}

export const emptySubsidyCounts = (): SubsidyCounts => ({
  enrollments: 0, initial: 0, adjustments: 0, adjustment_fen: 0, assistance_fen: 0, without_policy: 0, policy_fallbacks: 0,
});

export interface RecomputeInput {
  year: number;
  /** One region (insuplc 6-digit code); absent: every region. */
  admdvs?: string | null;
}

export interface RecomputeOptions {
  policies?: readonly Policy[];
  /** Enrollments per statement (default 5,000). */
  batchSize?: number;
  onProgress?: (counts: SubsidyCounts) => void;
}

export interface RecomputeResult extends SubsidyCounts {
  year: number;
  admdvs: string | null;
  seconds: number;
}

/** An enrollment with its person's facts, as read; its categories and recorded rows are read beside it. */
interface EnrollmentRow {
  id: number | string;
  psn_no: string;
  insutype: string;
  admdvs: string;
  year: number;
  paid: string;
  brdy: string;
  serious_illness: boolean | string;
  disability_level: number | null;
}

interface EnrollmentFacts extends EnrollmentRow {
  categories: CategoryPeriod[];
  recorded: RecordedContribution[];
}

interface PolicyTerms {
  terms: EnrollmentTerms;
  fund: string;
  note: string | null;
}

/** Policies by region and year, with the fallback to the latest earlier year (settlement-spec.md). */
class PolicyBook {
  private readonly cache = new Map<string, { terms: PolicyTerms | null; fallback: boolean; policy: boolean }>();
  constructor(private readonly policies: readonly Policy[]) {}

  terms(admdvs: string, year: number, insutype: string): { terms: PolicyTerms | null; fallback: boolean; policy: boolean } {
    const key = `${admdvs}|${year}|${insutype}`;
    let found = this.cache.get(key);
    if (!found) {
      let best: Policy | undefined;
      for (const p of this.policies) if (p.admdvs === admdvs && p.year <= year && (!best || p.year > best.year)) best = p;
      const terms = best ? enrollmentTerms(best, insutype) : null;
      found = {
        terms:
          best && terms
            ? { terms, fund: best.assistance.fund_pay_type, note: best.year === year ? null : `参保地${admdvs}无${year}年度政策，按${best.year}年度政策计算` }
            : null,
        fallback: best !== undefined && best.year !== year,
        policy: best !== undefined,
      };
      this.cache.set(key, found);
    }
    return found;
  }

  /** Insurance types that have contributions in some policy (390). */
  insutypes(): string[] {
    return [...new Set(this.policies.flatMap((p) => p.enrollment.map((e) => e.insutype)))];
  }
}

/**
 * Every read of a batch is a LATERAL lookup per key (`offset 0` keeps the planner from flattening it into a join), one
 * index probe per key, so that its plan cannot become a scan of the whole table per batch — quadratic — whatever the
 * statistics say: none at all on PGlite (no autovacuum) or on a server whose autovacuum is off or behind a bulk load, and
 * none of the rows a recompute adds inside its own long transaction. (Seen: `= any(…) order by id` scanned the primary
 * key of `contributions`; `persons where certno = any(…)` scanned `persons`.)
 */
const PERSON_FACTS = sql`
  cross join lateral (select p.brdy::text as brdy, p.serious_illness, p.disability_level from persons p where p.psn_no = e.psn_no offset 0) p`;

/**
 * The categories of the batch's persons and the recorded rows of its enrollments: two statements, grouped here — much
 * cheaper, on PGlite above all, than aggregating per row in SQL.
 */
async function withFacts(q: Queryable, enrolled: readonly EnrollmentRow[]): Promise<EnrollmentFacts[]> {
  if (enrolled.length === 0) return [];
  const psnNos = [...new Set(enrolled.map((e) => e.psn_no))];
  const categories = new Map<string, CategoryPeriod[]>();
  for (const i of await rows<{ psn_no: string; psn_idet_type: string; begntime: string; endtime: string | null }>(q, sql`
    select i.psn_no, i.psn_idet_type, i.begntime::text as begntime, i.endtime::text as endtime
    from unnest(${array(psnNos, "text")}) as u(psn_no)
    cross join lateral (select * from person_identities i where i.psn_no = u.psn_no offset 0) i`)) {
    let list = categories.get(i.psn_no);
    if (!list) categories.set(i.psn_no, (list = []));
    list.push({ psn_idet_type: i.psn_idet_type as Category, begntime: i.begntime, endtime: i.endtime });
  }
  const recorded = new Map<number, RecordedContribution[]>();
  for (const c of await rows<{ enrollment_id: number | string; kind: string; assistance_subsidy_fen: number | string; share_ppm: number; effective_month: number | null }>(q, sql`
    select c.enrollment_id, c.kind, c.assistance_subsidy_fen, c.share_ppm, c.effective_month
    from unnest(${array(enrolled.map((e) => Number(e.id)), "bigint")}) as u(id)
    cross join lateral (select * from contributions c where c.enrollment_id = u.id offset 0) c`)) {
    const id = Number(c.enrollment_id);
    let list = recorded.get(id);
    if (!list) recorded.set(id, (list = []));
    list.push({ kind: c.kind, assistance_subsidy_fen: Number(c.assistance_subsidy_fen) as Fen, share_ppm: Number(c.share_ppm) as Ratio, effective_month: c.effective_month === null ? null : Number(c.effective_month) });
  }
  return enrolled.map((e) => ({ ...e, categories: categories.get(e.psn_no) ?? [], recorded: recorded.get(Number(e.id)) ?? [] }));
}

/**
 * The year's keyset pages (`id > after and year = … order by id limit n`) need statistics that know how much of the
 * table the year is: without them the planner may sort every row of the year for every page. They are refreshed first,
 * in a transaction (a savepoint inside a caller's) of their own so that ANALYZE's lock is let go at once and a failure
 * spoils nothing (a sample: well under a second for millions of rows). A user that may not analyze only loses speed.
 */
async function freshStatistics(q: Queryable): Promise<void> {
  try {
    await q.transaction(async (tx) => {
      await tx.execute(sql`analyze enrollments`);
    });
  } catch (error) {
    process.emitWarning(`analyze enrollments failed, the recompute may be slow: ${(error as Error).message}`);
  }
}

/**
 * Serializes writers of contributions for the rest of the transaction (recomputes, imports, and whoever else adds rows,
 * e.g. a refund when a duplicate is ended): two of them never both add the row one of them owes.
 */
export async function lockContributions(q: Queryable): Promise<void> {
  await q.execute(sql`select pg_advisory_xact_lock(${CONTRIBUTIONS_LOCK}::bigint)`);
}

function draftsOf(f: EnrollmentFacts, book: PolicyBook, counts: SubsidyCounts): ContributionDraft[] {
  counts.enrollments++;
  const { terms, fallback, policy } = book.terms(f.admdvs, f.year, f.insutype);
  if (!terms) {
    if (!policy) counts.without_policy++;
    return [];
  }
  if (fallback) counts.policy_fallbacks++;
  return contributionsDue(
    {
      terms: terms.terms,
      facts: {
        brdy: f.brdy,
        serious_illness: f.serious_illness === true || f.serious_illness === "t",
        disability_level: f.disability_level === null ? null : Number(f.disability_level),
        categories: f.categories,
      },
      year: Number(f.year),
      paidDate: f.paid,
      subsidyFund: terms.fund,
      note: terms.note,
    },
    f.recorded,
  );
}

/** Runs the rules over a batch of enrollments and writes what they owe in one statement. */
async function applyBatch(q: Queryable, facts: readonly EnrollmentFacts[], book: PolicyBook, counts: SubsidyCounts): Promise<void> {
  const out: { f: EnrollmentFacts; d: ContributionDraft }[] = [];
  for (const f of facts) for (const d of draftsOf(f, book, counts)) out.push({ f, d });
  if (out.length === 0) return;
  for (const { d } of out) {
    counts.assistance_fen += d.assistance_subsidy_fen;
    if (d.kind === "initial") counts.initial++;
    else {
      counts.adjustments++;
      counts.adjustment_fen += d.assistance_subsidy_fen;
    }
  }
  const col = <T>(pick: (x: { f: EnrollmentFacts; d: ContributionDraft }) => T) => out.map(pick);
  // Explanations repeat (everyone without a category in a year has the same one): each distinct text is sent once.
  const reasons = new Map<string, number>();
  const reasonIndex = col((x) => {
    let i = reasons.get(x.d.reason);
    if (i === undefined) reasons.set(x.d.reason, (i = reasons.size + 1));
    return i;
  });
  await q.execute(sql`
    insert into contributions (enrollment_id, psn_no, year, admdvs, kind, individual_fen, person_paid_fen, assistance_subsidy_fen,
      fiscal_subsidy_fen, category, share_ppm, subsidy_fund, effective_month, reason)
    select u.enrollment_id, u.psn_no, u.year, u.admdvs, u.kind, u.individual_fen, u.person_paid_fen, u.assistance_subsidy_fen,
      u.fiscal_subsidy_fen, u.category, u.share_ppm, u.subsidy_fund, u.effective_month, (${array([...reasons.keys()], "text")})[u.reason]
    from unnest(${array(col((x) => Number(x.f.id)), "bigint")}, ${array(col((x) => x.f.psn_no), "text")},
      ${array(col((x) => Number(x.f.year)), "integer")}, ${array(col((x) => x.f.admdvs), "text")}, ${array(col((x) => x.d.kind), "text")},
      ${array(col((x) => x.d.individual_fen), "bigint")}, ${array(col((x) => x.d.person_paid_fen), "bigint")},
      ${array(col((x) => x.d.assistance_subsidy_fen), "bigint")}, ${array(col((x) => x.d.fiscal_subsidy_fen), "bigint")},
      ${array(col((x) => x.d.category), "text")}, ${array(col((x) => x.d.share_ppm), "integer")}, ${array(col((x) => x.d.subsidy_fund), "text")},
      ${array(col((x) => x.d.effective_month), "integer")}, ${array(reasonIndex, "integer")})
      as u(enrollment_id, psn_no, year, admdvs, kind, individual_fen, person_paid_fen, assistance_subsidy_fen, fiscal_subsidy_fen, category,
        share_ppm, subsidy_fund, effective_month, reason)`);
}

export interface PersonsScope {
  psnNos: readonly string[];
  /** Only these enrollment years (default: every year). */
  years?: readonly number[];
}

/**
 * Recomputes the enrollments of some persons inside the caller's transaction (an import batch): the initial row where
 * there is none, an adjustment where a category or fact now entitles them to more. Adds to `counts`.
 */
export async function recomputePersons(q: Queryable, scope: PersonsScope, counts: SubsidyCounts, policies: readonly Policy[] = shippedPolicies()): Promise<void> {
  if (scope.psnNos.length === 0) return;
  const book = new PolicyBook(policies);
  const insutypes = book.insutypes();
  if (insutypes.length === 0) return;
  await lockContributions(q);
  const years = scope.years && scope.years.length > 0 ? sql`and e.year = any(${array(scope.years, "integer")})` : sql``;
  const enrolled = await rows<EnrollmentRow>(q, sql`
    select e.id, e.psn_no, e.insutype, e.admdvs, e.year, e.psn_insu_date::text as paid, p.*
    from unnest(${array(scope.psnNos, "text")}) as u(psn_no)
    cross join lateral (
      select * from enrollments e
      where e.psn_no = u.psn_no and e.status = 'enrolled' and e.insutype = any(${array(insutypes, "text")}) ${years}
      offset 0) e
    ${PERSON_FACTS}
    order by e.id`);
  await applyBatch(q, await withFacts(q, enrolled), book, counts);
}

/**
 * Recomputes every resident enrollment of a year (of one region, or all): initial contributions where missing, and the
 * adjustments the "当月参保、次月资助" rule owes. One transaction; running it twice changes nothing the second time.
 */
export async function recomputeSubsidies(target: Target, input: RecomputeInput, options: RecomputeOptions = {}): Promise<RecomputeResult> {
  const year = yearOf(input.year);
  const admdvs = input.admdvs === undefined || input.admdvs === null || input.admdvs === "" ? null : parseRegionCode(input.admdvs, "admdvs");
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 5000, 50_000));
  const book = new PolicyBook(options.policies ?? shippedPolicies());
  const insutypes = book.insutypes();
  const counts = emptySubsidyCounts();
  const started = process.hrtime.bigint();
  if (insutypes.length > 0) {
    await freshStatistics(queryableOf(target));
    await queryableOf(target).transaction(async (tx) => {
      await lockContributions(tx);
      const region = admdvs ? sql`and ${inRegion(sql`e.admdvs`, admdvs)}` : sql``;
      let after = 0;
      for (;;) {
        // Keyset pages on the primary key; the person of each enrollment by its key.
        const enrolled = await rows<EnrollmentRow>(tx, sql`
          select e.id, e.psn_no, e.insutype, e.admdvs, e.year, e.psn_insu_date::text as paid, p.*
          from (
            select * from enrollments e
            where e.id > ${after} and e.year = ${year} and e.status = 'enrolled' and e.insutype = any(${array(insutypes, "text")}) ${region}
            order by e.id
            limit ${batchSize}) e
          ${PERSON_FACTS}
          order by e.id`);
        if (enrolled.length === 0) break;
        await applyBatch(tx, await withFacts(tx, enrolled), book, counts);
        after = Number(enrolled[enrolled.length - 1]?.id);
        options.onProgress?.({ ...counts });
        if (enrolled.length < batchSize) break;
      }
    });
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { year, admdvs, ...counts, seconds };
}

// ---------------------------------------------------------------------------------------------------------------------
// Reading: one person's contributions, and the register

export interface ContributionView {
  id: number;
  kind: string;
  individual_fen: Fen;
  person_paid_fen: Fen;
  assistance_subsidy_fen: Fen;
  fiscal_subsidy_fen: Fen;
  category: string | null;
  category_name: string | null;
  share_ppm: number;
  subsidy_fund: string | null;
  subsidy_fund_name: string | null;
  effective_month: number | null;
  /** The explanation, in Chinese. */
  reason: string;
  created_at: string;
}

export interface ContributionTotals {
  individual_fen: Fen;
  person_paid_fen: Fen;
  assistance_subsidy_fen: Fen;
  fiscal_subsidy_fen: Fen;
}

export interface EnrollmentContributions {
  enrollment_id: number;
  insutype: string;
  insutype_name: string;
  admdvs: string;
  year: number;
  status: string;
  psn_insu_date: string;
  contributions: ContributionView[];
  totals: ContributionTotals;
  /** Why there are no rows, where there are none. */
  note: string | null;
}

export interface PersonContributions {
  psn_no: string;
  certno: string;
  psn_name: string;
  enrollments: EnrollmentContributions[];
}

const categoryName = (c: string | null) => (c === null ? null : (CATEGORY_NAMES[c as Category] ?? c));

/** A person's enrollments with their contribution rows (oldest first), totals and explanations. */
export async function contributionsOf(target: Target, psnNo: string, options: { policies?: readonly Policy[] } = {}): Promise<PersonContributions> {
  if (typeof psnNo !== "string" || psnNo.trim() === "") throw new DomainError("psn_no", "is required");
  const book = new PolicyBook(options.policies ?? shippedPolicies());
  return queryableOf(target).transaction(async (tx) => {
    const [person] = await rows<{ psn_no: string; certno: string; psn_name: string }>(tx, sql`select psn_no, certno, psn_name from persons where psn_no = ${psnNo.trim()}`);
    if (!person) throw new DomainError("psn_no", `no insured person ${psnNo}`);
    const enrolled = await rows<{ id: number; insutype: string; admdvs: string; year: number; status: string; psn_insu_date: string }>(tx, sql`
      select id, insutype, admdvs, year, status, psn_insu_date::text as psn_insu_date from enrollments where psn_no = ${person.psn_no} order by year, id`);
    const recorded = await rows<Record<string, unknown>>(tx, sql`
      select id, enrollment_id, kind, individual_fen, person_paid_fen, assistance_subsidy_fen, fiscal_subsidy_fen, category, share_ppm,
        subsidy_fund, effective_month, reason, to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at
      from contributions where psn_no = ${person.psn_no} order by id`);
    return {
      ...person,
      enrollments: enrolled.map((e) => {
        const mine = recorded.filter((r) => Number(r.enrollment_id) === Number(e.id));
        const contributions: ContributionView[] = mine.map((r) => ({
          id: Number(r.id),
          kind: String(r.kind),
          individual_fen: num(r.individual_fen) as Fen,
          person_paid_fen: num(r.person_paid_fen) as Fen,
          assistance_subsidy_fen: num(r.assistance_subsidy_fen) as Fen,
          fiscal_subsidy_fen: num(r.fiscal_subsidy_fen) as Fen,
          category: (r.category as string | null) ?? null,
          category_name: categoryName((r.category as string | null) ?? null),
          share_ppm: num(r.share_ppm),
          subsidy_fund: (r.subsidy_fund as string | null) ?? null,
          subsidy_fund_name: r.subsidy_fund ? (FUND_PAY_TYPE_NAMES[String(r.subsidy_fund)] ?? String(r.subsidy_fund)) : null,
          effective_month: r.effective_month === null || r.effective_month === undefined ? null : Number(r.effective_month),
          reason: String(r.reason),
          created_at: String(r.created_at),
        }));
        const total = (k: keyof ContributionTotals) => contributions.reduce((s, c) => s + c[k], 0) as Fen;
        let note: string | null = null;
        if (contributions.length === 0) {
          const { terms, policy } = book.terms(e.admdvs, e.year, e.insutype);
          note = !policy
            ? `参保地${e.admdvs}无${e.year}年度及以前的政策，不计算缴费`
            : !terms
              ? `${INSUTYPE_NAMES[e.insutype] ?? e.insutype}由单位和个人按工资缴费，不在资助参保中记录`
              : e.status !== "enrolled"
                ? `参保状态为${e.status}，不计算缴费`
                : "尚未计算缴费（yibao enrollment recompute）";
        }
        return {
          enrollment_id: Number(e.id),
          insutype: e.insutype,
          insutype_name: INSUTYPE_NAMES[e.insutype] ?? e.insutype,
          admdvs: e.admdvs,
          year: Number(e.year),
          status: e.status,
          psn_insu_date: e.psn_insu_date,
          contributions,
          totals: {
            individual_fen: total("individual_fen"),
            person_paid_fen: total("person_paid_fen"),
            assistance_subsidy_fen: total("assistance_subsidy_fen"),
            fiscal_subsidy_fen: total("fiscal_subsidy_fen"),
          },
          note,
        };
      }),
    };
  });
}

export interface RegisterInput {
  year: number;
  admdvs?: string | null;
  category?: string | null;
  /** Lines to return (default all), after skipping `offset`; the totals always cover everything. */
  limit?: number;
  offset?: number;
}

/** One line of the register: a person subsidized in a region and year, by one category, paid by one fund. */
export interface RegisterLine {
  psn_no: string;
  certno: string;
  psn_name: string;
  admdvs: string;
  category: string | null;
  category_name: string | null;
  /** The highest share among the rows. */
  share_ppm: number;
  assistance_subsidy_fen: Fen;
  subsidy_fund: string | null;
  subsidy_fund_name: string | null;
  /** The first month the subsidy covers (1 for a subsidy at payment). */
  from_month: number;
  /** The kinds of rows it sums (initial, adjustment, …). */
  kinds: string[];
}

export interface RegisterTotal {
  persons: number;
  assistance_subsidy_fen: Fen;
}

export interface SubsidyRegister {
  year: number;
  admdvs: string | null;
  category: string | null;
  lines: RegisterLine[];
  /** Lines in all (before limit/offset). */
  line_count: number;
  totals: RegisterTotal & {
    by_category: (RegisterTotal & { category: string | null; category_name: string | null })[];
    by_fund: (RegisterTotal & { subsidy_fund: string | null; subsidy_fund_name: string | null })[];
  };
  /** Every resident contribution of the year and region (subsidized or not): what was due, paid by whom. */
  contributions: ContributionTotals & { enrollments: number };
}

/** The "资助参保" register: who was subsidized, by which category, how much, paid by which fund; with totals. */
export async function subsidyRegister(target: Target, input: RegisterInput): Promise<SubsidyRegister> {
  const year = yearOf(input.year);
  const admdvs = input.admdvs === undefined || input.admdvs === null || input.admdvs === "" ? null : parseRegionCode(input.admdvs, "admdvs");
  const category = input.category === undefined || input.category === null || input.category === "" ? null : parseCategory(input.category);
  const limit = input.limit ?? null;
  const offset = input.offset ?? 0;
  if (limit !== null && !(Number.isInteger(limit) && limit >= 0)) throw new DomainError("limit", `must be a whole number ≥ 0, got ${JSON.stringify(limit)}`);
  if (!(Number.isInteger(offset) && offset >= 0)) throw new DomainError("offset", `must be a whole number ≥ 0, got ${JSON.stringify(offset)}`);

  const where = sql.join(
    [sql`c.year = ${year}`, ...(admdvs ? [inRegion(sql`c.admdvs`, admdvs)] : []), ...(category ? [sql`c.category = ${category}`] : [])],
    sql` and `,
  );
  const region = admdvs ? sql`and ${inRegion(sql`c.admdvs`, admdvs)}` : sql``;
  return queryableOf(target).transaction(async (tx) => {
    const grouped = sql`
      select c.psn_no, c.admdvs, c.category, c.subsidy_fund, sum(c.assistance_subsidy_fen) as assistance, max(c.share_ppm) as share,
        min(coalesce(c.effective_month, 1)) as from_month, string_agg(distinct c.kind, ',') as kinds
      from contributions c
      where ${where} and c.assistance_subsidy_fen <> 0
      group by c.psn_no, c.admdvs, c.category, c.subsidy_fund
      having sum(c.assistance_subsidy_fen) <> 0`;
    const lines = await rows<Record<string, unknown>>(tx, sql`
      select g.*, p.certno, p.psn_name from (${grouped}) g join persons p on p.psn_no = g.psn_no
      order by g.admdvs, g.psn_no, g.category nulls last, g.subsidy_fund
      ${limit !== null ? sql`limit ${limit}` : sql``} offset ${offset}`);
    const [count] = await rows<{ n: unknown; persons: unknown; assistance: unknown }>(tx, sql`
      select count(*) as n, count(distinct psn_no) as persons, coalesce(sum(assistance), 0) as assistance from (${grouped}) g`);
    const byCategory = await rows<{ category: string | null; persons: unknown; assistance: unknown }>(tx, sql`
      select category, count(distinct psn_no) as persons, sum(assistance) as assistance from (${grouped}) g group by category order by category nulls last`);
    const byFund = await rows<{ subsidy_fund: string | null; persons: unknown; assistance: unknown }>(tx, sql`
      select subsidy_fund, count(distinct psn_no) as persons, sum(assistance) as assistance from (${grouped}) g group by subsidy_fund order by subsidy_fund nulls last`);
    const [all] = await rows<Record<string, unknown>>(tx, sql`
      select count(distinct c.enrollment_id) as enrollments, coalesce(sum(c.individual_fen), 0) as individual, coalesce(sum(c.person_paid_fen), 0) as paid,
        coalesce(sum(c.assistance_subsidy_fen), 0) as assistance, coalesce(sum(c.fiscal_subsidy_fen), 0) as fiscal
      from contributions c where c.year = ${year} ${region}`);
    const fundName = (f: string | null) => (f === null ? null : (FUND_PAY_TYPE_NAMES[f] ?? f));
    return {
      year,
      admdvs,
      category,
      lines: lines.map((l) => ({
        psn_no: String(l.psn_no),
        certno: String(l.certno),
        psn_name: String(l.psn_name),
        admdvs: String(l.admdvs),
        category: (l.category as string | null) ?? null,
        category_name: categoryName((l.category as string | null) ?? null),
        share_ppm: num(l.share),
        assistance_subsidy_fen: num(l.assistance) as Fen,
        subsidy_fund: (l.subsidy_fund as string | null) ?? null,
        subsidy_fund_name: fundName((l.subsidy_fund as string | null) ?? null),
        from_month: num(l.from_month),
        kinds: String(l.kinds ?? "").split(",").filter((k) => k !== ""),
      })),
      line_count: num(count?.n),
      totals: {
        persons: num(count?.persons),
        assistance_subsidy_fen: num(count?.assistance) as Fen,
        by_category: byCategory.map((b) => ({
          category: b.category,
          category_name: categoryName(b.category),
          persons: num(b.persons),
          assistance_subsidy_fen: num(b.assistance) as Fen,
        })),
        by_fund: byFund.map((b) => ({
          subsidy_fund: b.subsidy_fund,
          subsidy_fund_name: fundName(b.subsidy_fund),
          persons: num(b.persons),
          assistance_subsidy_fen: num(b.assistance) as Fen,
        })),
      },
      contributions: {
        enrollments: num(all?.enrollments),
        individual_fen: num(all?.individual) as Fen,
        person_paid_fen: num(all?.paid) as Fen,
        assistance_subsidy_fen: num(all?.assistance) as Fen,
        fiscal_subsidy_fen: num(all?.fiscal) as Fen,
      },
    };
  });
}
