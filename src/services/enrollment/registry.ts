import { and, asc, count, eq, exists, inArray, sql, type SQL } from "drizzle-orm";
import { countUpTo, type PageOf, type PageRequest } from "../common/pages.js";
import type { Accumulators } from "../../domain/settlement/index.js";
import type { Queryable } from "../../store/db.js";
import { duplicateCases, enrollments, households, personIdentities, persons } from "../../store/schema.js";
import { loadAccumulators } from "../settlement/index.js";
import { inRegion } from "../common/region.js";

/**
 * Reads of the enrollment registry (persons, households, enrollments, duplicate cases) for the REST API
 * and the console: filters, pages, totals. No rules live here; an absent row is `undefined` and the caller decides what
 * that means (a 404 on the API).
 */

const offset = (p: PageRequest) => (p.page - 1) * p.page_size;

/** LIKE's wildcards taken literally: a name typed with % or _ matches only itself. */
/**
 * A column compared byte by byte (collation "C"), as the prefix indexes persons_name and persons_certno_prefix are
 * built: PostgreSQL serves `like 'prefix%'` from a B-tree only in that collation, and the server's default (C.UTF-8,
 * en_US.UTF-8 …) is not it — without this a name search reads every person.
 */
const byteOrder = (column: typeof persons.psn_name | typeof persons.certno) => sql`(${column} collate "C")`;

function likePrefix(text: string): string {
  return `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export type PersonRow = typeof persons.$inferSelect;

export interface PersonSearch {
  /** A name prefix, or the start of an ID number (digits, a final X). */
  name_prefix?: string | undefined;
  certno_prefix?: string | undefined;
  certno?: string | undefined;
  admdvs?: string | undefined;
  household_id?: string | undefined;
}

function personSearchWhere(search: PersonSearch): SQL | undefined {
  return and(
    search.name_prefix ? sql`${byteOrder(persons.psn_name)} like ${likePrefix(search.name_prefix)}` : undefined,
    search.certno_prefix ? sql`${byteOrder(persons.certno)} like ${likePrefix(search.certno_prefix.toUpperCase())}` : undefined,
    search.certno ? eq(persons.certno, search.certno.toUpperCase()) : undefined,
    search.admdvs ? inRegion(persons.insuplc_admdvs, search.admdvs) : undefined,
    search.household_id ? eq(persons.household_id, search.household_id) : undefined,
  );
}

/** The page of a person search, as a query (its plan is checked by the tests: a prefix must read from an index). */
export function personSearchQuery(q: Queryable, search: PersonSearch, page: PageRequest) {
  const order = search.name_prefix ? [asc(byteOrder(persons.psn_name)), asc(persons.psn_no)] : [asc(byteOrder(persons.certno))];
  return q.select().from(persons).where(personSearchWhere(search)).orderBy(...order).limit(page.page_size).offset(offset(page));
}

export async function searchPersons(q: Queryable, search: PersonSearch, page: PageRequest): Promise<PageOf<PersonRow>> {
  const [items, total] = await Promise.all([
    personSearchQuery(q, search, page),
    countUpTo(q, sql`select 1 from ${persons} where ${personSearchWhere(search) ?? sql`true`}`),
  ]);
  return { items, ...total };
}

export type IdentityRow = typeof personIdentities.$inferSelect;
export type EnrollmentRow = typeof enrollments.$inferSelect;

export interface PersonDetail {
  person: PersonRow;
  identities: IdentityRow[];
  enrollments: EnrollmentRow[];
  accumulators: Accumulators;
}

/** A person with their categories, enrollments (every year) and the accumulators of `year`. */
export async function personDetail(q: Queryable, psnNo: string, year: number): Promise<PersonDetail | undefined> {
  const [person] = await q.select().from(persons).where(eq(persons.psn_no, psnNo)).limit(1);
  if (!person) return undefined;
  const [identities, enrolled, acc] = await Promise.all([
    q.select().from(personIdentities).where(eq(personIdentities.psn_no, psnNo)).orderBy(asc(personIdentities.begntime), asc(personIdentities.psn_idet_type)),
    q.select().from(enrollments).where(eq(enrollments.psn_no, psnNo)).orderBy(asc(enrollments.year), asc(enrollments.insutype), asc(enrollments.id)),
    loadAccumulators(q, psnNo, year),
  ]);
  return { person, identities, enrollments: enrolled, accumulators: acc };
}

export type HouseholdRow = typeof households.$inferSelect;

export interface HouseholdDetail {
  household: HouseholdRow | null;
  members: PersonRow[];
  /** Categories of the members, by psn_no. */
  identities: Map<string, IdentityRow[]>;
}

/** A household and its members; undefined when neither the household nor any member is known. */
export async function householdDetail(q: Queryable, householdId: string): Promise<HouseholdDetail | undefined> {
  const [[household], members] = await Promise.all([
    q.select().from(households).where(eq(households.household_id, householdId)).limit(1),
    q.select().from(persons).where(eq(persons.household_id, householdId)).orderBy(asc(persons.brdy), asc(persons.psn_no)).limit(1000),
  ]);
  if (!household && members.length === 0) return undefined;
  const identities = new Map<string, IdentityRow[]>();
  if (members.length > 0) {
    const rows = await q.select().from(personIdentities)
      .where(inArray(personIdentities.psn_no, members.map((m) => m.psn_no)))
      .orderBy(asc(personIdentities.begntime));
    for (const r of rows) identities.set(r.psn_no, [...(identities.get(r.psn_no) ?? []), r]);
  }
  return { household: household ?? null, members, identities };
}

export interface EnrollmentFilter {
  psn_no?: string | undefined;
  year?: number | undefined;
  admdvs?: string | undefined;
  status?: string | undefined;
  insutype?: string | undefined;
}

export type EnrollmentListRow = EnrollmentRow & { psn_name: string; certno: string };

export async function listEnrollments(q: Queryable, filter: EnrollmentFilter, page: PageRequest): Promise<PageOf<EnrollmentListRow>> {
  const where = and(
    filter.psn_no ? eq(enrollments.psn_no, filter.psn_no) : undefined,
    filter.year !== undefined ? eq(enrollments.year, filter.year) : undefined,
    filter.admdvs ? inRegion(enrollments.admdvs, filter.admdvs) : undefined,
    filter.status ? eq(enrollments.status, filter.status) : undefined,
    filter.insutype ? eq(enrollments.insutype, filter.insutype) : undefined,
  );
  const [rows, total] = await Promise.all([
    q.select({ e: enrollments, psn_name: persons.psn_name, certno: persons.certno })
      .from(enrollments).innerJoin(persons, eq(persons.psn_no, enrollments.psn_no))
      .where(where).orderBy(asc(enrollments.year), asc(enrollments.psn_no), asc(enrollments.id))
      .limit(page.page_size).offset(offset(page)),
    countUpTo(q, sql`select 1 from ${enrollments} where ${where ?? sql`true`}`),
  ]);
  return { items: rows.map((r) => ({ ...r.e, psn_name: r.psn_name, certno: r.certno })), ...total };
}

export async function getEnrollment(q: Queryable, id: number): Promise<EnrollmentRow | undefined> {
  const [row] = await q.select().from(enrollments).where(eq(enrollments.id, id)).limit(1);
  return row;
}

export type DuplicateCaseRow = typeof duplicateCases.$inferSelect;

export interface DuplicateFilter {
  status?: string | undefined;
  kind?: string | undefined;
  year?: number | undefined;
  /** Cases of persons with an enrollment of the case's year in this region. */
  admdvs?: string | undefined;
  psn_no?: string | undefined;
}

/** How many cases match (duplicates.ts lists them; the API pages them and needs the total). */
export async function countDuplicateCases(q: Queryable, filter: DuplicateFilter): Promise<number> {
  const where = and(
    filter.status ? eq(duplicateCases.status, filter.status) : undefined,
    filter.kind ? eq(duplicateCases.kind, filter.kind) : undefined,
    filter.year !== undefined ? eq(duplicateCases.year, filter.year) : undefined,
    filter.psn_no ? eq(duplicateCases.psn_no, filter.psn_no) : undefined,
    filter.admdvs
      ? exists(q.select({ one: sql`1` }).from(enrollments).where(and(
          eq(enrollments.psn_no, duplicateCases.psn_no), eq(enrollments.year, duplicateCases.year), inRegion(enrollments.admdvs, filter.admdvs))))
      : undefined,
  );
  const [row] = await q.select({ n: count() }).from(duplicateCases).where(where);
  return row?.n ?? 0;
}

export async function getDuplicateCase(q: Queryable, id: number): Promise<DuplicateCaseRow | undefined> {
  const [row] = await q.select().from(duplicateCases).where(eq(duplicateCases.id, id)).limit(1);
  return row;
}
