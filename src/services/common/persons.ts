import { and, asc, desc, eq, gte, isNull, lte, or, sql } from "drizzle-orm";
import type { Category } from "../../domain/codes.js";
import { DomainError } from "../../domain/errors.js";
import type { Fen } from "../../domain/money.js";
import type { SettlementPerson } from "../../domain/settlement/index.js";
import type { Queryable } from "../../store/db.js";
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

export async function identitiesOf(q: Queryable, psnNo: string) {
  return q.select().from(personIdentities).where(eq(personIdentities.psn_no, psnNo)).orderBy(asc(personIdentities.begntime));
}

export async function enrollmentsOf(q: Queryable, psnNo: string) {
  return q.select().from(enrollments).where(eq(enrollments.psn_no, psnNo)).orderBy(asc(enrollments.year));
}

/**
 * The enrollment in force for an insurance type on a date (status enrolled, that calendar year). A person may have
 * several of a year (a duplicate in another region, ended): the enrolled one comes first, else the latest.
 */
export async function enrollmentOn(q: Queryable, psnNo: string, insutype: string, date: string) {
  const [row] = await q
    .select()
    .from(enrollments)
    .where(and(eq(enrollments.psn_no, psnNo), eq(enrollments.insutype, insutype), eq(enrollments.year, Number(date.slice(0, 4)))))
    .orderBy(sql`${enrollments.status} = 'enrolled' desc`, desc(enrollments.id))
    .limit(1);
  return row;
}

export function ageOn(brdy: string, date: string): number {
  const years = Number(date.slice(0, 4)) - Number(brdy.slice(0, 4));
  return date.slice(5) < brdy.slice(5) ? years - 1 : years;
}

/**
 * The supplementary tiers (惠民保, charity) whose roster holds the person on a date: the enrollment of that calendar
 * year, valid on the date (both ends included, an absent end open), of the person's insured region — a roster of a
 * region the person has left does not follow them into another region's policy.
 */
export async function supplementaryTiersOn(q: Queryable, person: Pick<PersonRow, "psn_no" | "insuplc_admdvs">, date: string): Promise<string[]> {
  const rows = await q
    .select({ tier_id: supplementaryEnrollments.tier_id })
    .from(supplementaryEnrollments)
    .where(and(
      eq(supplementaryEnrollments.psn_no, person.psn_no),
      eq(supplementaryEnrollments.year, Number(date.slice(0, 4))),
      eq(supplementaryEnrollments.admdvs, person.insuplc_admdvs),
      lte(supplementaryEnrollments.begin_date, date),
      or(isNull(supplementaryEnrollments.end_date), gte(supplementaryEnrollments.end_date, date)),
    ))
    .orderBy(asc(supplementaryEnrollments.tier_id));
  return rows.map((r) => r.tier_id);
}

/** The person as the settlement engine sees them, for one insurance type on the date of care. */
export async function settlementPerson(q: Queryable, person: PersonRow, insutype: string, date: string): Promise<SettlementPerson> {
  const ids = await identitiesOf(q, person.psn_no);
  const supplementary = await supplementaryTiersOn(q, person, date);
  return {
    psn_no: person.psn_no,
    insutype,
    insuplc_admdvs: person.insuplc_admdvs,
    balc: person.balc_fen as Fen,
    idetinfo: ids.map((i) => ({ psn_idet_type: i.psn_idet_type as Category, begntime: i.begntime, endtime: i.endtime })),
    ...(supplementary.length > 0 ? { supplementary } : {}),
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
