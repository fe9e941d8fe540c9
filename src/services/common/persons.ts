import { and, asc, eq, sql, type SQL } from "drizzle-orm";
import type { Category } from "../../domain/codes.js";
import { DomainError } from "../../domain/errors.js";
import type { Fen } from "../../domain/money.js";
import type { SettlementPerson } from "../../domain/settlement/index.js";
import type { Queryable } from "../../store/db.js";
import { jsonRow, rowFromJson, rowsOf } from "./sql.js";
import { enrollments, personIdentities, persons, supplementaryEnrollments } from "../../store/schema.js";

export type PersonRow = typeof persons.$inferSelect;

export async function findPersonByCertno(q: Queryable, certno: string): Promise<PersonRow | undefined> {
  const [row] = await q.select().from(persons).where(eq(persons.certno, certno.toUpperCase())).limit(1);
  return row;
}

export async function getPerson(q: Queryable, psnNo: string, field = "psn_no"): Promise<PersonRow> {
  const [row] = await q.select().from(persons).where(eq(persons.psn_no, psnNo)).limit(1);
  if (!row) throw new DomainError(field, `no insured person ${psnNo}`);
  return row;
}

/**
 * Locks the person's row for the rest of the transaction: settlements and reversals of one person are serialized in the
 * database (two hospitals, two windows), never in process memory only.
 */
export async function lockPerson(q: Queryable, psnNo: string, field = "psn_no"): Promise<PersonRow> {
  const [row] = await q.select().from(persons).where(eq(persons.psn_no, psnNo)).for("update");
  if (!row) throw new DomainError(field, `no insured person ${psnNo}`);
  return row;
}

/**
 * A person (by ID number or psn_no) with their identities (by begntime) and enrollments (by year), in one statement:
 * what 1101 answers.
 */
export async function personWithRecords(q: Queryable, by: { certno: string } | { psn_no: string }) {
  const where = "certno" in by ? sql`${persons.certno} = ${by.certno.toUpperCase()}` : sql`${persons.psn_no} = ${by.psn_no}`;
  const [read] = await rowsOf<{ person: Record<string, unknown>; identities: Record<string, unknown>[]; enrollments: Record<string, unknown>[] }>(q, sql`select
    ${jsonRow(persons)} as person,
    (select coalesce(json_agg(${jsonRow(personIdentities)} order by ${personIdentities.begntime}), '[]'::json) from ${personIdentities}
      where ${personIdentities.psn_no} = ${persons.psn_no}) as identities,
    (select coalesce(json_agg(${jsonRow(enrollments)} order by ${enrollments.year}), '[]'::json) from ${enrollments}
      where ${enrollments.psn_no} = ${persons.psn_no}) as enrollments
    from ${persons} where ${where} limit 1`);
  if (!read) return undefined;
  return {
    person: rowFromJson(persons, read.person),
    identities: read.identities.map((i) => rowFromJson(personIdentities, i)),
    enrollments: read.enrollments.map((e) => rowFromJson(enrollments, e)),
  };
}

export async function enrollmentsOf(q: Queryable, psnNo: string) {
  return q.select().from(enrollments).where(eq(enrollments.psn_no, psnNo)).orderBy(asc(enrollments.year));
}

/**
 * The enrollment in force for an insurance type on a date (status enrolled, that calendar year). A person may have
 * several of a year (a duplicate in another region, ended): the enrolled one comes first, else the latest.
 */
export async function enrollmentOn(q: Queryable, psnNo: string, insutype: string, date: string) {
  const [row] = await q.select().from(enrollments).where(enrollmentOnCondition(psnNo, insutype, date)).orderBy(enrollmentOnOrder).limit(1);
  return row;
}

/** enrollmentOn's condition and order, for a statement that reads it with others. */
export const enrollmentOnCondition = (psnNo: string, insutype: string, date: string): SQL =>
  and(eq(enrollments.psn_no, psnNo), eq(enrollments.insutype, insutype), eq(enrollments.year, Number(date.slice(0, 4)))) as SQL;
export const enrollmentOnOrder: SQL = sql`${enrollments.status} = 'enrolled' desc, ${enrollments.id} desc`;

export function ageOn(brdy: string, date: string): number {
  const years = Number(date.slice(0, 4)) - Number(brdy.slice(0, 4));
  return date.slice(5) < brdy.slice(5) ? years - 1 : years;
}

/**
 * The person as the settlement engine sees them, for one insurance type on the date of care, from rows read already
 * (identities ordered by begntime; the supplementary tiers whose roster holds them on the date).
 */
export function settlementPersonOf(
  person: PersonRow,
  insutype: string,
  date: string,
  ids: readonly Pick<typeof personIdentities.$inferSelect, "psn_idet_type" | "begntime" | "endtime">[],
  supplementary: readonly string[],
): SettlementPerson {
  return {
    psn_no: person.psn_no,
    insutype,
    insuplc_admdvs: person.insuplc_admdvs,
    balc: person.balc_fen as Fen,
    idetinfo: ids.map((i) => ({ psn_idet_type: i.psn_idet_type as Category, begntime: i.begntime, endtime: i.endtime })),
    ...(supplementary.length > 0 ? { supplementary: [...supplementary] } : {}),
    psn_name: person.psn_name,
    psn_cert_type: person.psn_cert_type,
    certno: person.certno,
    gend: person.gend,
    naty: person.naty,
    brdy: person.brdy,
    age: ageOn(person.brdy, date),
    psn_type: insutype === "310" ? "11" : "1501",
    cvlserv_flag: "0",
  };
}

/**
 * The supplementary tiers (惠民保, charity) whose roster holds the person on a date: the enrollment of that calendar
 * year, valid on the date (both ends included, an absent end open), of the person's insured region — a roster of a
 * region the person has left does not follow them into another region's policy. A condition, for a statement that
 * reads it with others.
 */
export function supplementaryTiersCondition(person: Pick<PersonRow, "psn_no" | "insuplc_admdvs">, date: string): SQL {
  const t = supplementaryEnrollments;
  return sql`${t.psn_no} = ${person.psn_no} and ${t.year} = ${Number(date.slice(0, 4))} and ${t.admdvs} = ${person.insuplc_admdvs}
    and ${t.begin_date} <= ${date}::date and (${t.end_date} is null or ${t.end_date} >= ${date}::date)`;
}
