import { sql, type SQL } from "drizzle-orm";
import { todayInChina } from "../common/time.js";
import { INSUTYPE_NAMES } from "../../domain/codes.js";
import { DomainError, invariant } from "../../domain/errors.js";
import { parseDate, parseRegionCode } from "../../domain/ids.js";
import { formatYuan, type Fen } from "../../domain/money.js";
import type { Queryable } from "../../store/db.js";
import { lockContributions } from "./enrollment.js";
import { inRegion } from "../common/region.js";

/**
 * Duplicate enrollment (重复参保): one ID number enrolled twice in a year — in two regions with the same insurance type,
 * or in both employee (310) and resident (390) insurance. Cases are found after each batch of a persons import and by a
 * scan, one per (person, year, kind), and resolved by the rule or by a clerk. A resolution keeps one enrollment of the
 * case, ends the others and refunds their contributions (a `refund` row that nets each one to zero).
 *
 * Active means status `enrolled` and no end date: a suspended enrollment (an employee who stopped paying and moved to
 * resident insurance) is not a duplicate. Only the basic insurances (310, 390) count; 392, 330 and the like ride on them.
 */

export const DUPLICATE_KINDS = ["two_regions", "employee_and_resident"] as const;
export type DuplicateKind = (typeof DUPLICATE_KINDS)[number];
export const DUPLICATE_KIND_NAMES: Record<DuplicateKind, string> = {
  two_regions: "跨统筹区重复参保",
  employee_and_resident: "职工医保与城乡居民医保重复参保",
};
export type FoundBy = "import" | "scan";
export const DUPLICATE_STATUSES = ["open", "resolved"] as const;
export type DuplicateStatus = (typeof DUPLICATE_STATUSES)[number];

export interface DuplicateEnrollment {
  id: number;
  insutype: string;
  admdvs: string;
  status: string;
  psn_insu_date: string;
  enddate: string | null;
  end_reason: string | null;
}

export interface DuplicateCase {
  id: number;
  certno: string;
  psn_no: string;
  psn_name: string;
  year: number;
  kind: DuplicateKind;
  kind_name: string;
  enrollment_ids: number[];
  /** The case's enrollments as they are now. */
  enrollments: DuplicateEnrollment[];
  found_by: FoundBy;
  found_at: string;
  status: DuplicateStatus;
  resolution: "rule" | "clerk" | null;
  kept_enrollment_id: number | null;
  ended_enrollment_ids: number[];
  /** What the person gets back (their own payments on the ended enrollments). */
  refund_fen: Fen | null;
  resolved_by: string | null;
  resolved_at: string | null;
  note: string | null;
}

export interface FindResult {
  /** Persons-and-kinds enrolled twice now. */
  found: number;
  created: number;
  /** Open cases whose enrollments changed (a third region appeared). */
  updated: number;
  unchanged: number;
  /** Cases already resolved whose person is enrolled twice again: listed for a clerk, the case is not reopened. */
  recurred: { case_id: number; psn_no: string; kind: DuplicateKind; enrollment_ids: number[] }[];
}

export interface ScanInput {
  year: number;
  /** Only persons with an active enrollment in this region. */
  admdvs?: string;
}

export interface ScanResult extends FindResult {
  year: number;
  admdvs: string | null;
}

export type Resolution =
  /** Employee insurance wins; between regions of one type the earlier enrollment (psn_insu_date, then id) is kept. */
  | { by: "rule"; date?: string; operator?: string }
  | { by: "clerk"; keep_enrollment_id: number; clerk: string; note: string; date?: string };

export interface EndedEnrollment {
  enrollment_id: number;
  insutype: string;
  admdvs: string;
  /** The refund row's amounts, positive: what goes back to the person, to the assistance fund, to the treasury. */
  person_paid_fen: Fen;
  assistance_subsidy_fen: Fen;
  fiscal_subsidy_fen: Fen;
}

export interface ResolveResult {
  case: DuplicateCase;
  ended: EndedEnrollment[];
  refund_fen: Fen;
  /** Other open cases of the person and year that this resolution cleared too. */
  also_resolved: number[];
}

// ---------------------------------------------------------------------------------------------------------------------

const rowsOf = async <T>(q: Queryable, query: SQL): Promise<T[]> => ((await q.execute(query)) as unknown as { rows: T[] }).rows;
const array = (values: readonly unknown[], type: string): SQL => sql`${sql.param(values)}::${sql.raw(type)}[]`;
const ids = (value: unknown): number[] => (Array.isArray(value) ? value.map(Number) : []);
const sameIds = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** An active basic enrollment of the year, as SQL on the alias `e`. */
const ACTIVE = sql.raw("e.status = 'enrolled' and e.enddate is null and e.insutype in ('310', '390')");

export function checkYear(year: unknown, field = "year"): number {
  if (typeof year !== "number" || !Number.isInteger(year) || year < 1990 || year > 2100) {
    throw new DomainError(field, `must be a calendar year such as 2022, got ${JSON.stringify(year)}`);
  }
  return year;
}

function checkId(id: unknown, field: string): number {
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id <= 0) throw new DomainError(field, `must be a positive whole number, got ${JSON.stringify(id)}`);
  return id;
}

function checkText(value: unknown, field: string, maxLength: number): string {
  const text = typeof value === "string" ? value.trim() : "";
  if (text === "") throw new DomainError(field, "is required");
  if (text.length > maxLength) throw new DomainError(field, `is longer than ${maxLength} characters`);
  return text;
}

/** Today in China (the resolution date when none is given). */

interface Found {
  psn_no: string;
  certno: string;
  kind: DuplicateKind;
  enrollment_ids: number[];
}

/**
 * Persons enrolled twice in `year`: two_regions lists the active enrollments of every insurance type held in two or more
 * regions; employee_and_resident lists all the active 310 and 390 enrollments.
 */
async function detect(q: Queryable, year: number, scope: SQL): Promise<Found[]> {
  const rows = await rowsOf<{ psn_no: string; certno: string; region_ids: unknown; all_ids: unknown; both_types: boolean | string }>(q, sql`
    with active as (
      select e.id, e.psn_no, e.insutype from enrollments e where e.year = ${year} and ${ACTIVE} and ${scope}
    ), types as (
      select psn_no, insutype, count(*) as n from active group by psn_no, insutype
    ), twice as (
      select psn_no, count(*) = 2 as both_types from types group by psn_no having count(*) = 2 or max(n) > 1
    )
    select w.psn_no, p.certno, w.both_types,
      coalesce(array_agg(a.id order by a.id) filter (where t.n > 1), '{}') as region_ids,
      array_agg(a.id order by a.id) as all_ids
    from twice w
    join active a on a.psn_no = w.psn_no
    join types t on t.psn_no = a.psn_no and t.insutype = a.insutype
    join persons p on p.psn_no = w.psn_no
    group by w.psn_no, p.certno, w.both_types
    order by w.psn_no`);
  const found: Found[] = [];
  for (const r of rows) {
    const regionIds = ids(r.region_ids);
    if (regionIds.length > 0) found.push({ psn_no: r.psn_no, certno: r.certno, kind: "two_regions", enrollment_ids: regionIds });
    if (r.both_types === true || r.both_types === "t") {
      found.push({ psn_no: r.psn_no, certno: r.certno, kind: "employee_and_resident", enrollment_ids: ids(r.all_ids) });
    }
  }
  return found;
}

/** Records what `detect` found: new cases, open cases brought up to date, resolved ones reported as recurred. */
async function record(q: Queryable, year: number, found: Found[], foundBy: FoundBy): Promise<FindResult> {
  const result: FindResult = { found: found.length, created: 0, updated: 0, unchanged: 0, recurred: [] };
  if (found.length === 0) return result;
  const existing = new Map(
    (
      await rowsOf<{ id: number | string; psn_no: string; kind: string; status: string; enrollment_ids: unknown }>(q, sql`
        select id, psn_no, kind, status, enrollment_ids from duplicate_cases
        where year = ${year} and psn_no = any(${array([...new Set(found.map((f) => f.psn_no))], "text")})`)
    ).map((c) => [`${c.psn_no}|${c.kind}`, c]),
  );
  const fresh: Found[] = [];
  const changed: { id: number; enrollment_ids: number[] }[] = [];
  for (const f of found) {
    const c = existing.get(`${f.psn_no}|${f.kind}`);
    if (!c) fresh.push(f);
    else if (c.status !== "open") result.recurred.push({ case_id: Number(c.id), psn_no: f.psn_no, kind: f.kind, enrollment_ids: f.enrollment_ids });
    else if (sameIds(ids(c.enrollment_ids), f.enrollment_ids)) result.unchanged++;
    else changed.push({ id: Number(c.id), enrollment_ids: f.enrollment_ids });
  }
  if (fresh.length > 0) {
    // A concurrent import or scan may have recorded the same case a moment ago: the key decides, nothing is doubled.
    const inserted = await rowsOf<{ id: number | string }>(q, sql`
      insert into duplicate_cases (certno, psn_no, year, kind, enrollment_ids, found_by)
      select f.certno, f.psn_no, ${year}::integer, f.kind, f.ids::jsonb, ${foundBy}
      from unnest(${array(fresh.map((f) => f.certno), "text")}, ${array(fresh.map((f) => f.psn_no), "text")},
        ${array(fresh.map((f) => f.kind), "text")}, ${array(fresh.map((f) => JSON.stringify(f.enrollment_ids)), "text")}) as f(certno, psn_no, kind, ids)
      on conflict (psn_no, year, kind) do nothing
      returning id`);
    result.created = inserted.length;
    result.unchanged += fresh.length - inserted.length;
  }
  if (changed.length > 0) {
    const updated = await rowsOf<{ id: number | string }>(q, sql`
      update duplicate_cases c set enrollment_ids = u.ids::jsonb
      from unnest(${array(changed.map((c) => c.id), "bigint")}, ${array(changed.map((c) => JSON.stringify(c.enrollment_ids)), "text")}) as u(id, ids)
      where c.id = u.id and c.status = 'open'
      returning c.id`);
    result.updated = updated.length;
    result.unchanged += changed.length - updated.length;
  }
  return result;
}

/**
 * Finds and records the duplicate cases of some persons in a year, inside the caller's transaction: the persons import
 * calls it after each batch with the persons whose enrollment the batch created.
 */
export async function findDuplicatesFor(q: Queryable, psnNos: readonly string[], year: number, foundBy: FoundBy): Promise<FindResult> {
  if (psnNos.length === 0) return { found: 0, created: 0, updated: 0, unchanged: 0, recurred: [] };
  const found = await detect(q, year, sql`e.psn_no = any(${array([...new Set(psnNos)], "text")})`);
  return record(q, year, found, foundBy);
}

/** Scans a year (every region, or the persons enrolled in one) and records its duplicate cases. Idempotent. */
export async function scanDuplicates(db: Queryable, input: ScanInput): Promise<ScanResult> {
  const year = checkYear(input.year);
  const admdvs = input.admdvs === undefined ? undefined : parseRegionCode(input.admdvs, "admdvs");
  const scope =
    admdvs === undefined
      ? sql`true`
      : sql`e.psn_no in (select r.psn_no from enrollments r where r.year = ${year} and ${inRegion(sql`r.admdvs`, admdvs)} and r.status = 'enrolled' and r.enddate is null)`;
  return db.transaction(async (tx) => {
    const found = await detect(tx, year, scope);
    return { year, admdvs: admdvs ?? null, ...(await record(tx, year, found, "scan")) };
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Reading cases

export interface ListInput {
  status?: DuplicateStatus;
  kind?: DuplicateKind;
  year?: number;
  admdvs?: string;
  psn_no?: string;
  /** At most this many, oldest first (default 1,000, at most 10,000). */
  limit?: number;
  offset?: number;
}

interface CaseRow {
  id: number | string;
  certno: string;
  psn_no: string;
  psn_name: string;
  year: number;
  kind: DuplicateKind;
  enrollment_ids: unknown;
  found_by: FoundBy;
  found_at: string | Date;
  status: DuplicateStatus;
  resolution: "rule" | "clerk" | null;
  kept_enrollment_id: number | string | null;
  ended_enrollment_ids: unknown;
  refund_fen: number | string | null;
  resolved_by: string | null;
  resolved_at: string | Date | null;
  note: string | null;
}

const iso = (value: string | Date | null): string | null => (value === null ? null : new Date(value).toISOString());

async function casesWhere(q: Queryable, where: SQL, limit = 10_000, offset = 0): Promise<DuplicateCase[]> {
  const rows = await rowsOf<CaseRow>(q, sql`
    select c.id, c.certno, c.psn_no, p.psn_name, c.year, c.kind, c.enrollment_ids, c.found_by, c.created_at as found_at, c.status,
      c.resolution, c.kept_enrollment_id, c.ended_enrollment_ids, c.refund_fen, c.resolved_by, c.resolved_at, c.note
    from duplicate_cases c join persons p on p.psn_no = c.psn_no
    where ${where} order by c.id limit ${limit} offset ${offset}`);
  const all = [...new Set(rows.flatMap((r) => ids(r.enrollment_ids)))];
  const enrollments = new Map(
    all.length === 0
      ? []
      : (
          await rowsOf<{ id: number | string; insutype: string; admdvs: string; status: string; psn_insu_date: string; enddate: string | null; end_reason: string | null }>(q, sql`
            select id, insutype, admdvs, status, psn_insu_date::text as psn_insu_date, enddate::text as enddate, end_reason
            from enrollments where id = any(${array(all, "bigint")})`)
        ).map((e) => [Number(e.id), { ...e, id: Number(e.id) }]),
  );
  return rows.map((r) => {
    const enrollmentIds = ids(r.enrollment_ids);
    return {
      id: Number(r.id),
      certno: r.certno,
      psn_no: r.psn_no,
      psn_name: r.psn_name,
      year: Number(r.year),
      kind: r.kind,
      kind_name: DUPLICATE_KIND_NAMES[r.kind] ?? r.kind,
      enrollment_ids: enrollmentIds,
      enrollments: enrollmentIds.map((id) => enrollments.get(id)).filter((e): e is DuplicateEnrollment => e !== undefined),
      found_by: r.found_by,
      found_at: iso(r.found_at) as string,
      status: r.status,
      resolution: r.resolution,
      kept_enrollment_id: r.kept_enrollment_id === null ? null : Number(r.kept_enrollment_id),
      ended_enrollment_ids: ids(r.ended_enrollment_ids),
      refund_fen: r.refund_fen === null ? null : (Number(r.refund_fen) as Fen),
      resolved_by: r.resolved_by,
      resolved_at: iso(r.resolved_at),
      note: r.note,
    };
  });
}

export async function listDuplicates(db: Queryable, input: ListInput = {}): Promise<DuplicateCase[]> {
  const conditions: SQL[] = [sql`true`];
  if (input.status !== undefined) {
    if (!(DUPLICATE_STATUSES as readonly string[]).includes(input.status)) throw new DomainError("status", `must be open or resolved, got ${JSON.stringify(input.status)}`);
    conditions.push(sql`c.status = ${input.status}`);
  }
  if (input.year !== undefined) conditions.push(sql`c.year = ${checkYear(input.year)}`);
  if (input.kind !== undefined) {
    if (!(DUPLICATE_KINDS as readonly string[]).includes(input.kind)) throw new DomainError("kind", `must be ${DUPLICATE_KINDS.join(" or ")}, got ${JSON.stringify(input.kind)}`);
    conditions.push(sql`c.kind = ${input.kind}`);
  }
  if (input.admdvs !== undefined) {
    const admdvs = parseRegionCode(input.admdvs, "admdvs");
    conditions.push(sql`exists (select 1 from enrollments e where e.psn_no = c.psn_no and e.year = c.year and ${inRegion(sql`e.admdvs`, admdvs)})`);
  }
  if (input.psn_no !== undefined) conditions.push(sql`c.psn_no = ${checkText(input.psn_no, "psn_no", 40)}`);
  const limit = input.limit ?? 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new DomainError("limit", `must be a whole number from 1 to 10000, got ${JSON.stringify(input.limit)}`);
  const offset = input.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) throw new DomainError("offset", `must be a whole number, at least 0, got ${JSON.stringify(input.offset)}`);
  return casesWhere(db, sql.join(conditions, sql` and `), limit, offset);
}

export async function getDuplicate(db: Queryable, id: number): Promise<DuplicateCase> {
  const [found] = await casesWhere(db, sql`c.id = ${checkId(id, "id")}`);
  if (!found) throw new DomainError("id", `no duplicate case ${id}`);
  return found;
}

// ---------------------------------------------------------------------------------------------------------------------
// Resolving

interface LockedEnrollment {
  id: number;
  psn_no: string;
  insutype: string;
  admdvs: string;
  year: number;
  status: string;
  psn_insu_date: string;
  enddate: string | null;
}

const isActive = (e: LockedEnrollment) => e.status === "enrolled" && e.enddate === null;

/** The rule's order: employee insurance first, then the earlier enrollment, then the lower id. */
function ruleOrder(a: LockedEnrollment, b: LockedEnrollment): number {
  const employee = (e: LockedEnrollment) => (e.insutype === "310" ? 0 : 1);
  return employee(a) - employee(b) || (a.psn_insu_date < b.psn_insu_date ? -1 : a.psn_insu_date > b.psn_insu_date ? 1 : 0) || a.id - b.id;
}

async function lockEnrollments(q: Queryable, enrollmentIds: readonly number[]): Promise<LockedEnrollment[]> {
  if (enrollmentIds.length === 0) return [];
  const rows = await rowsOf<LockedEnrollment & { id: number | string }>(q, sql`
    select id, psn_no, insutype, admdvs, year, status, psn_insu_date::text as psn_insu_date, enddate::text as enddate
    from enrollments where id = any(${array(enrollmentIds, "bigint")}) order by id for update`);
  return rows.map((r) => ({ ...r, id: Number(r.id), year: Number(r.year) }));
}

/** Ends an enrollment and refunds its contributions: one refund row per (category, share, fund) that does not net to zero. */
async function endAndRefund(q: Queryable, e: LockedEnrollment, caseId: number, kind: DuplicateKind, kept: LockedEnrollment | undefined, date: string): Promise<EndedEnrollment> {
  const keptText = kept ? `，保留第${kept.id}号参保记录（${kept.admdvs} ${INSUTYPE_NAMES[kept.insutype] ?? kept.insutype}）` : "";
  const reason = `${DUPLICATE_KIND_NAMES[kind]}（案件${caseId}）${keptText} / duplicate enrollment, case ${caseId}${kept ? `, kept enrollment ${kept.id}` : ""}`;
  await q.execute(sql`update enrollments set status = 'ended', enddate = ${date}::date, end_reason = ${reason} where id = ${e.id}`);
  const groups = await rowsOf<{ category: string | null; share_ppm: number; subsidy_fund: string | null; individual: string | number; paid: string | number; assistance: string | number; fiscal: string | number }>(q, sql`
    select category, share_ppm, subsidy_fund, sum(individual_fen) as individual, sum(person_paid_fen) as paid,
      sum(assistance_subsidy_fen) as assistance, sum(fiscal_subsidy_fen) as fiscal
    from contributions where enrollment_id = ${e.id}
    group by category, share_ppm, subsidy_fund
    order by category nulls first, share_ppm, subsidy_fund nulls first`);
  const ended: EndedEnrollment = {
    enrollment_id: e.id, insutype: e.insutype, admdvs: e.admdvs, person_paid_fen: 0 as Fen, assistance_subsidy_fen: 0 as Fen, fiscal_subsidy_fen: 0 as Fen,
  };
  for (const g of groups) {
    const individual = Number(g.individual);
    const paid = Number(g.paid);
    const assistance = Number(g.assistance);
    const fiscal = Number(g.fiscal);
    if (individual === 0 && paid === 0 && assistance === 0 && fiscal === 0) continue;
    // The amounts written off (the row holds their negatives); an adjustment's own refund shows as a negative here.
    const reasonText =
      `重复参保退费（案件${caseId}，终止第${e.id}号参保记录）：冲销个人缴费${formatYuan(paid as Fen)}元、` +
      `医疗救助资助${formatYuan(assistance as Fen)}元、财政补助${formatYuan(fiscal as Fen)}元`;
    await q.execute(sql`
      insert into contributions (enrollment_id, psn_no, year, admdvs, kind, individual_fen, person_paid_fen, assistance_subsidy_fen,
        fiscal_subsidy_fen, category, share_ppm, subsidy_fund, reason)
      values (${e.id}, ${e.psn_no}, ${e.year}, ${e.admdvs}, 'refund', ${-individual}, ${-paid}, ${-assistance}, ${-fiscal},
        ${g.category}, ${g.share_ppm}, ${g.subsidy_fund}, ${reasonText})`);
    ended.person_paid_fen = (ended.person_paid_fen + paid) as Fen;
    ended.assistance_subsidy_fen = (ended.assistance_subsidy_fen + assistance) as Fen;
    ended.fiscal_subsidy_fen = (ended.fiscal_subsidy_fen + fiscal) as Fen;
  }
  const [net] = await rowsOf<{ n: string | number }>(q, sql`
    select count(*) as n from (
      select 1 from contributions where enrollment_id = ${e.id}
      having sum(individual_fen) <> 0 or sum(person_paid_fen) <> 0 or sum(assistance_subsidy_fen) <> 0 or sum(fiscal_subsidy_fen) <> 0
    ) x`);
  invariant(Number(net?.n) === 0, `the contributions of enrollment ${e.id} do not net to zero after its refund`);
  return ended;
}

function checkResolution(resolution: Resolution): { date: string | undefined; by: string; note: string | null; keep: number | null } {
  if (typeof resolution !== "object" || resolution === null) throw new DomainError("by", "must be rule or clerk");
  const date = resolution.date === undefined ? undefined : parseDate(resolution.date, "date");
  if (resolution.by === "rule") {
    const operator = resolution.operator === undefined ? "rule" : checkText(resolution.operator, "operator", 50);
    return { date, by: operator, note: null, keep: null };
  }
  if (resolution.by === "clerk") {
    return {
      date,
      by: checkText(resolution.clerk, "clerk", 50),
      note: checkText(resolution.note, "note", 500),
      keep: checkId(resolution.keep_enrollment_id, "keep_enrollment_id"),
    };
  }
  throw new DomainError("by", `must be rule or clerk, got ${JSON.stringify((resolution as { by: unknown }).by)}`);
}

/**
 * Locks in one order — the person, the writers of contributions, the person's cases of the year, their enrollments — the
 * order the persons import takes them in (person row, then the contributions lock, then cases), so the two never deadlock.
 * Returns null for a case already resolved when `skipResolved` (a bulk run that another resolution overtook).
 */
async function resolveIn(tx: Queryable, id: number, resolution: Resolution, checked: ReturnType<typeof checkResolution>, skipResolved = false): Promise<ResolveResult | null> {
  const [head] = await rowsOf<{ psn_no: string; year: number }>(tx, sql`select psn_no, year from duplicate_cases where id = ${id}`);
  if (!head) throw new DomainError("id", `no duplicate case ${id}`);
  const year = Number(head.year);
  await tx.execute(sql`select psn_no from persons where psn_no = ${head.psn_no} for update`);
  await lockContributions(tx);
  const cases = await rowsOf<{ id: number | string; psn_no: string; kind: DuplicateKind; status: string; enrollment_ids: unknown }>(tx, sql`
    select id, psn_no, kind, status, enrollment_ids from duplicate_cases where psn_no = ${head.psn_no} and year = ${year} order by id for update`);
  const c = cases.find((x) => Number(x.id) === id);
  invariant(c !== undefined, `case ${id} vanished while being resolved`);
  if (c.status !== "open") {
    if (skipResolved) return null;
    throw new DomainError("id", `case ${id} is already resolved`);
  }
  const date = checked.date ?? todayInChina();
  if (date < `${year}-01-01`) throw new DomainError("date", `${date} is before the case's year ${year}`);

  const enrollments = await lockEnrollments(tx, ids(c.enrollment_ids));
  const active = enrollments.filter(isActive).sort(ruleOrder);
  let kept: LockedEnrollment | undefined;
  if (checked.keep !== null) {
    kept = enrollments.find((e) => e.id === checked.keep);
    if (!kept) throw new DomainError("keep_enrollment_id", `enrollment ${checked.keep} is not one of case ${id}'s (${ids(c.enrollment_ids).join(", ")})`);
    if (!isActive(kept)) throw new DomainError("keep_enrollment_id", `enrollment ${checked.keep} is ${kept.status}: keep an active one`);
  } else {
    kept = active[0];
  }
  const toEnd = active.filter((e) => e !== kept);
  const early = toEnd.find((e) => date < e.psn_insu_date);
  if (early) throw new DomainError("date", `${date} is before enrollment ${early.id} began (${early.psn_insu_date})`);
  const ended: EndedEnrollment[] = [];
  for (const e of toEnd) ended.push(await endAndRefund(tx, e, id, c.kind, kept, date));
  const refund = ended.reduce((s, e) => s + e.person_paid_fen, 0) as Fen;
  const note = checked.note ?? (toEnd.length === 0 ? "重复已不存在，无需终止 / no longer enrolled twice: nothing to end" : null);

  await tx.execute(sql`
    update duplicate_cases set status = 'resolved', resolution = ${resolution.by}, kept_enrollment_id = ${kept?.id ?? null},
      ended_enrollment_ids = ${JSON.stringify(toEnd.map((e) => e.id))}::jsonb, refund_fen = ${refund}, resolved_by = ${checked.by},
      resolved_at = now(), note = ${note}
    where id = ${id}`);

  // The person's insured place follows the kept enrollment, unless a later year has already moved it.
  if (kept && toEnd.length > 0) {
    await tx.execute(sql`
      update persons set insuplc_admdvs = ${kept.admdvs}
      where psn_no = ${c.psn_no} and insuplc_admdvs <> ${kept.admdvs}
        and not exists (select 1 from enrollments e where e.psn_no = ${c.psn_no} and e.year > ${year} and ${ACTIVE})`);
  }

  // The person's other open case of the year (two regions and two insurances at once) may be settled by this one.
  const alsoResolved: number[] = [];
  for (const s of cases.filter((x) => Number(x.id) !== id && x.status === "open")) {
    const remaining = (await lockEnrollments(tx, ids(s.enrollment_ids))).filter(isActive).sort(ruleOrder);
    if (remaining.length > 1) continue;
    await tx.execute(sql`
      update duplicate_cases set status = 'resolved', resolution = ${resolution.by}, kept_enrollment_id = ${remaining[0]?.id ?? null},
        ended_enrollment_ids = '[]'::jsonb, refund_fen = 0, resolved_by = ${checked.by}, resolved_at = now(),
        note = ${`随案件${id}一并处理 / resolved with case ${id}`}
      where id = ${Number(s.id)}`);
    alsoResolved.push(Number(s.id));
  }
  const [after] = await casesWhere(tx, sql`c.id = ${id}`);
  invariant(after !== undefined, `case ${id} vanished while being resolved`);
  return { case: after, ended, refund_fen: refund, also_resolved: alsoResolved };
}

/**
 * Resolves an open case in one transaction: keeps one enrollment (by the rule, or the clerk's choice among the case's),
 * ends the case's other active enrollments on `date` (default today in China) and refunds their contributions.
 */
export async function resolveDuplicate(db: Queryable, id: number, resolution: Resolution): Promise<ResolveResult> {
  checkId(id, "id");
  const checked = checkResolution(resolution);
  const result = await db.transaction((tx) => resolveIn(tx, id, resolution, checked));
  invariant(result !== null, `case ${id} was skipped`);
  return result;
}

export interface ResolveAllInput {
  year: number;
  admdvs?: string;
  date?: string;
  operator?: string;
}

export interface ResolveAllResult {
  year: number;
  resolved: ResolveResult[];
  /** Cases closed along with another of the same person. */
  also_resolved: number[];
  refund_fen: Fen;
}

/**
 * Resolves every open case of a year by the rule. Each case is its own transaction, so that a long run holds few locks
 * and what is done stays done if it stops; a case another resolution closed meanwhile is skipped.
 */
export async function resolveAllByRule(db: Queryable, input: ResolveAllInput): Promise<ResolveAllResult> {
  const year = checkYear(input.year);
  const resolution: Resolution = { by: "rule", ...(input.date !== undefined ? { date: input.date } : {}), ...(input.operator !== undefined ? { operator: input.operator } : {}) };
  const checked = checkResolution(resolution);
  const filter: ListInput = { status: "open", year, limit: 1000, ...(input.admdvs !== undefined ? { admdvs: input.admdvs } : {}) };
  const result: ResolveAllResult = { year, resolved: [], also_resolved: [], refund_fen: 0 as Fen };
  // Every pass resolves what it lists, so the next one starts again from the first open case.
  for (let page = await listDuplicates(db, filter); page.length > 0; page = await listDuplicates(db, filter)) {
    for (const c of page) {
      const done = await db.transaction((tx) => resolveIn(tx, c.id, resolution, checked, true));
      if (!done) continue;
      result.resolved.push(done);
      result.refund_fen = (result.refund_fen + done.refund_fen) as Fen;
      result.also_resolved.push(...done.also_resolved);
    }
  }
  return result;
}

/** How many cases of a year are open (the persons import's summary points the operator to them). */
export async function countOpenDuplicates(db: Queryable, year: number): Promise<number> {
  const [row] = await rowsOf<{ n: number | string }>(db, sql`select count(*) as n from duplicate_cases where year = ${checkYear(year)} and status = 'open'`);
  return Number(row?.n ?? 0);
}
