import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "../src/domain/errors.js";
import { residentIdFacts } from "../src/domain/ids.js";
import { syntheticResidentId } from "../src/services/demo/demo.js";
import {
  findDuplicatesFor, getDuplicate, listDuplicates, resolveAllByRule, resolveDuplicate, scanDuplicates, type DuplicateCase,
} from "../src/services/enrollment/duplicates.js";
import { importPersons, numberedRows } from "../src/services/imports/rows.js";
import { rowsOf } from "../src/services/common/sql.js";
import { enrollmentOn } from "../src/services/common/persons.js";
import type { Database } from "../src/store/db.js";
import { openTestDatabase } from "./support/db.js";

let database: Database;

beforeAll(async () => {
  database = await openTestDatabase();
});

afterAll(async () => {
  await database?.close();
});

const A = "451000"; // Baise
const B = "360100"; // Nanchang
const C = "450100"; // Nanning
const YEAR = 2022;

const id = (birth: string, sequence: number) => syntheticResidentId("450102", birth, sequence);
const P = {
  twoRegions: id("19800101", 11), // 390 in A, B, then C: found at import, resolved by a clerk
  employeeResident: id("19810202", 13), // 390 in A, 310 in B: found at import, the employee enrollment wins
  scanEmployee: id("19820303", 15), // 310 in A by import, 390 in A added directly: found by the scan
  scanRegions: id("19830404", 17), // 390 in A by import, an earlier 390 in C added directly: found by the scan
  single: id("19840505", 19), // 390 in A, a suspended 310 in B, a 2021 enrollment in B: never a duplicate
  both: id("19850606", 21), // 390 in A and B, then 310 in A: two cases at once
  tie: id("19860707", 23), // 390 in A and B on the same day: the lower id is kept
};

const person = (certno: string, name: string, insutype: "310" | "390", admdvs: string) => {
  const facts = residentIdFacts(certno);
  return { certno, psn_name: name, gend: facts.gend, brdy: facts.brdy, insutype, insuplc_admdvs: admdvs };
};

/** Imports persons of one region without contributions (the tests write their own, to know every fen). */
const importRegion = (rows: ReturnType<typeof person>[]) => importPersons(database, numberedRows(rows), { year: YEAR, contributions: false });

const query = <T>(q: ReturnType<typeof sql>) => rowsOf<T>(database.db, q);
const psnNo = async (certno: string) => (await query<{ psn_no: string }>(sql`select psn_no from persons where certno = ${certno}`))[0]!.psn_no;

async function enrollmentId(certno: string, insutype: string, admdvs: string, year = YEAR): Promise<number> {
  const [row] = await query<{ id: number | string }>(sql`
    select e.id from enrollments e join persons p using (psn_no) where p.certno = ${certno} and e.insutype = ${insutype} and e.admdvs = ${admdvs} and e.year = ${year}`);
  return Number(row!.id);
}

async function enroll(certno: string, insutype: string, admdvs: string, date: string, options: { status?: string; year?: number } = {}): Promise<number> {
  const [row] = await query<{ id: number | string }>(sql`
    insert into enrollments (psn_no, insutype, admdvs, year, status, psn_insu_date)
    values (${await psnNo(certno)}, ${insutype}, ${admdvs}, ${options.year ?? YEAR}, ${options.status ?? "enrolled"}, ${date}::date) returning id`);
  return Number(row!.id);
}

interface Amounts {
  kind?: string;
  individual: number;
  paid: number;
  assistance: number;
  fiscal: number;
  category?: string | null;
  share?: number;
  fund?: string | null;
  month?: number | null;
}

async function contribute(enrollment: number, a: Amounts): Promise<void> {
  await database.db.execute(sql`
    insert into contributions (enrollment_id, psn_no, year, admdvs, kind, individual_fen, person_paid_fen, assistance_subsidy_fen,
      fiscal_subsidy_fen, category, share_ppm, subsidy_fund, effective_month, reason)
    select id, psn_no, year, admdvs, ${a.kind ?? "initial"}, ${a.individual}, ${a.paid}, ${a.assistance}, ${a.fiscal}, ${a.category ?? null},
      ${a.share ?? 0}, ${a.fund ?? null}, ${a.month ?? null}, 'test'
    from enrollments where id = ${enrollment}`);
}

interface ContributionRow {
  kind: string;
  individual: number;
  paid: number;
  assistance: number;
  fiscal: number;
  category: string | null;
  share: number;
  fund: string | null;
  reason: string;
}

async function contributionsOf(enrollment: number): Promise<ContributionRow[]> {
  const rows = await query<Record<string, unknown>>(sql`
    select kind, individual_fen, person_paid_fen, assistance_subsidy_fen, fiscal_subsidy_fen, category, share_ppm, subsidy_fund, reason
    from contributions where enrollment_id = ${enrollment} order by id`);
  return rows.map((r) => ({
    kind: String(r.kind),
    individual: Number(r.individual_fen),
    paid: Number(r.person_paid_fen),
    assistance: Number(r.assistance_subsidy_fen),
    fiscal: Number(r.fiscal_subsidy_fen),
    category: (r.category as string | null) ?? null,
    share: Number(r.share_ppm),
    fund: (r.subsidy_fund as string | null) ?? null,
    reason: String(r.reason),
  }));
}

async function enrollmentState(enrollment: number) {
  const [row] = await query<{ status: string; enddate: string | null; end_reason: string | null }>(sql`
    select status, enddate::text as enddate, end_reason from enrollments where id = ${enrollment}`);
  return row!;
}

async function caseOf(certno: string, kind: DuplicateCase["kind"]): Promise<DuplicateCase> {
  const cases = await listDuplicates(database.db, { year: YEAR, psn_no: await psnNo(certno) });
  const found = cases.find((c) => c.kind === kind);
  if (!found) throw new Error(`no ${kind} case for ${certno}`);
  return found;
}

const caseCount = async () => Number((await query<{ n: number | string }>(sql`select count(*) as n from duplicate_cases`))[0]!.n);

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe("finding duplicates", () => {
  it("finds at import a second region and a second insurance type, and no duplicate in one region", async () => {
    const first = await importRegion([
      person(P.twoRegions, "甲一", "390", A),
      person(P.employeeResident, "乙二", "390", A),
      person(P.scanEmployee, "丙三", "310", A),
      person(P.scanRegions, "丁四", "390", A),
      person(P.single, "戊五", "390", A),
      person(P.both, "己六", "390", A),
      person(P.tie, "庚七", "390", A),
    ]);
    expect(first).toMatchObject({ inserted: 7, rejectedRows: 0 });
    expect(await caseCount()).toBe(0);

    await importRegion([
      person(P.twoRegions, "甲一", "390", B),
      person(P.employeeResident, "乙二", "310", B),
      person(P.both, "己六", "390", B),
      person(P.tie, "庚七", "390", B),
    ]);
    const twoRegions = await caseOf(P.twoRegions, "two_regions");
    expect(twoRegions).toMatchObject({
      certno: P.twoRegions, psn_name: "甲一", year: YEAR, found_by: "import", status: "open", resolution: null,
      enrollment_ids: [await enrollmentId(P.twoRegions, "390", A), await enrollmentId(P.twoRegions, "390", B)],
    });
    expect(twoRegions.enrollments.map((e) => [e.insutype, e.admdvs, e.status])).toEqual([["390", A, "enrolled"], ["390", B, "enrolled"]]);
    const employeeResident = await caseOf(P.employeeResident, "employee_and_resident");
    expect(employeeResident).toMatchObject({
      found_by: "import", kind_name: "职工医保与城乡居民医保重复参保",
      enrollment_ids: [await enrollmentId(P.employeeResident, "390", A), await enrollmentId(P.employeeResident, "310", B)],
    });
    expect((await listDuplicates(database.db, { psn_no: await psnNo(P.employeeResident) })).map((c) => c.kind)).toEqual(["employee_and_resident"]);

    // A third region widens the open case; the employee enrollment of `both` adds its second case.
    await importRegion([person(P.twoRegions, "甲一", "390", C), person(P.both, "己六", "310", A)]);
    expect((await caseOf(P.twoRegions, "two_regions")).enrollment_ids).toEqual([
      await enrollmentId(P.twoRegions, "390", A), await enrollmentId(P.twoRegions, "390", B), await enrollmentId(P.twoRegions, "390", C),
    ]);
    expect((await caseOf(P.both, "employee_and_resident")).enrollment_ids).toEqual([
      await enrollmentId(P.both, "390", A), await enrollmentId(P.both, "390", B), await enrollmentId(P.both, "310", A),
    ]);
    expect(await caseCount()).toBe(5); // twoRegions, employeeResident, tie, and both × 2
    expect((await listDuplicates(database.db, { year: YEAR })).every((c) => c.found_by === "import")).toBe(true);
  });

  it("finds by a scan what came in another way, ignoring suspended enrollments and other years; a second scan changes nothing", async () => {
    await enroll(P.scanEmployee, "390", A, "2021-12-01");
    await enroll(P.scanRegions, "390", C, "2021-11-20");
    await enroll(P.single, "310", B, "2022-01-01", { status: "suspended" });
    await enroll(P.single, "390", B, "2021-01-01", { year: 2021 });

    const scan = await scanDuplicates(database.db, { year: YEAR });
    expect(scan).toMatchObject({ year: YEAR, admdvs: null, found: 7, created: 2, updated: 0, unchanged: 5, recurred: [] });
    expect(await caseOf(P.scanEmployee, "employee_and_resident")).toMatchObject({ found_by: "scan" });
    expect(await caseOf(P.scanRegions, "two_regions")).toMatchObject({ found_by: "scan" });
    expect(await listDuplicates(database.db, { psn_no: await psnNo(P.single) })).toEqual([]);
    expect(await scanDuplicates(database.db, { year: 2021 })).toMatchObject({ found: 0, created: 0 });

    const before = await listDuplicates(database.db, {});
    expect(await scanDuplicates(database.db, { year: YEAR })).toMatchObject({ found: 7, created: 0, updated: 0, unchanged: 7 });
    expect(await listDuplicates(database.db, {})).toEqual(before);
    expect(await caseCount()).toBe(7);

    // A region's scan looks at the persons enrolled there only.
    expect(await scanDuplicates(database.db, { year: YEAR, admdvs: C })).toMatchObject({ admdvs: C, found: 2, created: 0, unchanged: 2 });
    // The import's hook, called again for the same persons, finds the same cases and records nothing new.
    expect(await findDuplicatesFor(database.db, [await psnNo(P.twoRegions), await psnNo(P.single)], YEAR, "import")).toMatchObject({ found: 1, created: 0, unchanged: 1 });
  });

  it("refuses bad filters with the field named", async () => {
    expect((await refusal(scanDuplicates(database.db, { year: 22 }))).field).toBe("year");
    expect((await refusal(scanDuplicates(database.db, { year: YEAR, admdvs: "4510" }))).field).toBe("admdvs");
    expect((await refusal(listDuplicates(database.db, { status: "closed" as "open" }))).field).toBe("status");
    expect((await refusal(getDuplicate(database.db, 999_999))).field).toBe("id");
  });
});

describe("resolving by the rule", () => {
  it("keeps the employee enrollment, ends the resident one and refunds its contributions so that they net to zero", async () => {
    const resident = await enrollmentId(P.employeeResident, "390", A);
    const employee = await enrollmentId(P.employeeResident, "310", B);
    // Paid in full as an ordinary resident (350 yuan, fiscal 610), then minimum-living from April: 60% of 9 months back.
    await contribute(resident, { individual: 35_000, paid: 35_000, assistance: 0, fiscal: 61_000 });
    await contribute(resident, { kind: "adjustment", individual: 0, paid: -15_750, assistance: 15_750, fiscal: 0, category: "minimum_living", share: 600_000, fund: "610100", month: 4 });

    const c = await caseOf(P.employeeResident, "employee_and_resident");
    const r = await resolveDuplicate(database.db, c.id, { by: "rule", date: "2022-05-20" });
    expect(r.case).toMatchObject({
      status: "resolved", resolution: "rule", resolved_by: "rule", kept_enrollment_id: employee, ended_enrollment_ids: [resident], refund_fen: 19_250, note: null,
    });
    expect(r.case.resolved_at).not.toBeNull();
    expect(r.refund_fen).toBe(19_250);
    expect(r.ended).toEqual([{ enrollment_id: resident, insutype: "390", admdvs: A, person_paid_fen: 19_250, assistance_subsidy_fen: 15_750, fiscal_subsidy_fen: 61_000 }]);
    expect(r.also_resolved).toEqual([]);

    const state = await enrollmentState(resident);
    expect(state).toMatchObject({ status: "ended", enddate: "2022-05-20" });
    expect(state.end_reason).toMatch(/^职工医保与城乡居民医保重复参保（案件\d+），保留第\d+号参保记录（360100 职工基本医疗保险）/);
    expect(await enrollmentState(employee)).toMatchObject({ status: "enrolled", enddate: null });

    const rows = await contributionsOf(resident);
    expect(rows.slice(2).map(({ reason: _r, ...x }) => x)).toEqual([
      { kind: "refund", individual: -35_000, paid: -35_000, assistance: 0, fiscal: -61_000, category: null, share: 0, fund: null },
      { kind: "refund", individual: 0, paid: 15_750, assistance: -15_750, fiscal: 0, category: "minimum_living", share: 600_000, fund: "610100" },
    ]);
    expect(rows[2]!.reason).toBe(`重复参保退费（案件${c.id}，终止第${resident}号参保记录）：冲销个人缴费350.00元、医疗救助资助0.00元、财政补助610.00元`);
    const sum = (k: "individual" | "paid" | "assistance" | "fiscal") => rows.reduce((s, x) => s + x[k], 0);
    expect([sum("individual"), sum("paid"), sum("assistance"), sum("fiscal")]).toEqual([0, 0, 0, 0]);
    // The employee enrollment's place is the person's insured place again (the last import had said so already).
    expect((await query<{ a: string }>(sql`select insuplc_admdvs as a from persons where certno = ${P.employeeResident}`))[0]?.a).toBe(B);
  });

  it("keeps the earlier enrollment of two regions, whatever their ids", async () => {
    const earlier = await enrollmentId(P.scanRegions, "390", C); // 2021-11-20, added after the import
    const later = await enrollmentId(P.scanRegions, "390", A); // 2022-01-01
    expect(earlier).toBeGreaterThan(later);
    await contribute(later, { individual: 35_000, paid: 35_000, assistance: 0, fiscal: 61_000 });
    const c = await caseOf(P.scanRegions, "two_regions");
    const r = await resolveDuplicate(database.db, c.id, { by: "rule", date: "2022-03-01", operator: "王科长" });
    expect(r.case).toMatchObject({ kept_enrollment_id: earlier, ended_enrollment_ids: [later], refund_fen: 35_000, resolved_by: "王科长" });
    expect(await enrollmentState(later)).toMatchObject({ status: "ended", enddate: "2022-03-01" });
    expect((await contributionsOf(later)).map((x) => [x.kind, x.individual, x.paid, x.assistance, x.fiscal])).toEqual([
      ["initial", 35_000, 35_000, 0, 61_000],
      ["refund", -35_000, -35_000, 0, -61_000],
    ]);
    expect((await query<{ a: string }>(sql`select insuplc_admdvs as a from persons where certno = ${P.scanRegions}`))[0]?.a).toBe(C);
  });

  it("refuses a second resolution of a case, and changes nothing", async () => {
    const c = await caseOf(P.employeeResident, "employee_and_resident");
    const rowsBefore = await contributionsOf(c.ended_enrollment_ids[0]!);
    const error = await refusal(resolveDuplicate(database.db, c.id, { by: "rule" }));
    expect(error.field).toBe("id");
    expect(error.rule).toMatch(/already resolved/);
    const clerk = await refusal(resolveDuplicate(database.db, c.id, { by: "clerk", keep_enrollment_id: c.enrollment_ids[0]!, clerk: "李明", note: "再次处理" }));
    expect(clerk.rule).toMatch(/already resolved/);
    expect(await getDuplicate(database.db, c.id)).toEqual(c);
    expect(await contributionsOf(c.ended_enrollment_ids[0]!)).toEqual(rowsBefore);
  });

  it("settles the person's other case of the year with the first: both kinds at once", async () => {
    const employeeCase = await caseOf(P.both, "employee_and_resident");
    const regionsCase = await caseOf(P.both, "two_regions");
    const employee = await enrollmentId(P.both, "310", A);
    const r = await resolveDuplicate(database.db, employeeCase.id, { by: "rule", date: "2022-04-01" });
    expect(r.case.kept_enrollment_id).toBe(employee);
    expect(r.case.ended_enrollment_ids).toEqual([await enrollmentId(P.both, "390", A), await enrollmentId(P.both, "390", B)]);
    expect(r.refund_fen).toBe(0); // nothing was paid on them
    expect(r.also_resolved).toEqual([regionsCase.id]);
    expect(await getDuplicate(database.db, regionsCase.id)).toMatchObject({
      status: "resolved", resolution: "rule", kept_enrollment_id: null, ended_enrollment_ids: [], refund_fen: 0, note: `随案件${employeeCase.id}一并处理 / resolved with case ${employeeCase.id}`,
    });
  });
});

describe("resolving by a clerk", () => {
  it("refuses bad input naming the field, and changes nothing", async () => {
    const c = await caseOf(P.twoRegions, "two_regions");
    const other = await enrollmentId(P.single, "390", A);
    const keep = c.enrollment_ids[1]!;
    const cases: [() => Promise<unknown>, string, RegExp][] = [
      [() => resolveDuplicate(database.db, c.id, { by: "clerk", keep_enrollment_id: other, clerk: "李明", note: "x" }), "keep_enrollment_id", /is not one of case/],
      [() => resolveDuplicate(database.db, c.id, { by: "clerk", keep_enrollment_id: keep, clerk: " ", note: "x" }), "clerk", /is required/],
      [() => resolveDuplicate(database.db, c.id, { by: "clerk", keep_enrollment_id: keep, clerk: "李明", note: "" }), "note", /is required/],
      [() => resolveDuplicate(database.db, c.id, { by: "clerk", keep_enrollment_id: 0, clerk: "李明", note: "x" }), "keep_enrollment_id", /positive whole number/],
      [() => resolveDuplicate(database.db, c.id, { by: "clerk", keep_enrollment_id: keep, clerk: "李明", note: "x", date: "2022-02-30" }), "date", /YYYY-MM-DD/],
      [() => resolveDuplicate(database.db, c.id, { by: "clerk", keep_enrollment_id: keep, clerk: "李明", note: "x", date: "2021-12-31" }), "date", /before the case's year/],
      [() => resolveDuplicate(database.db, 999_999, { by: "rule" }), "id", /no duplicate case 999999/],
      [() => resolveDuplicate(database.db, -1, { by: "rule" }), "id", /positive whole number/],
      [() => resolveDuplicate(database.db, c.id, { by: "vote" } as never), "by", /rule or clerk/],
    ];
    for (const [attempt, field, rule] of cases) {
      const error = await refusal(attempt());
      expect([error.field, error.rule]).toEqual([field, expect.stringMatching(rule)]);
    }
    expect(await getDuplicate(database.db, c.id)).toEqual(c);
  });

  it("keeps the enrollment the clerk names, ends the others with their refund, and records who and why", async () => {
    const a = await enrollmentId(P.twoRegions, "390", A);
    const b = await enrollmentId(P.twoRegions, "390", B);
    const c3 = await enrollmentId(P.twoRegions, "390", C);
    // A destitute person: the individual contribution paid in full by medical assistance.
    await contribute(a, { individual: 35_000, paid: 0, assistance: 35_000, fiscal: 61_000, category: "destitute", share: 1_000_000, fund: "610100" });
    const c = await caseOf(P.twoRegions, "two_regions");
    const note = "本人在南昌就业居住，申请保留南昌参保";
    const r = await resolveDuplicate(database.db, c.id, { by: "clerk", keep_enrollment_id: b, clerk: "李明", note, date: "2022-06-30" });
    expect(r.case).toMatchObject({
      status: "resolved", resolution: "clerk", resolved_by: "李明", note, kept_enrollment_id: b, ended_enrollment_ids: [a, c3], refund_fen: 0,
    });
    expect(r.ended).toEqual([
      { enrollment_id: a, insutype: "390", admdvs: A, person_paid_fen: 0, assistance_subsidy_fen: 35_000, fiscal_subsidy_fen: 61_000 },
      { enrollment_id: c3, insutype: "390", admdvs: C, person_paid_fen: 0, assistance_subsidy_fen: 0, fiscal_subsidy_fen: 0 },
    ]);
    expect((await contributionsOf(a)).map((x) => [x.kind, x.individual, x.paid, x.assistance, x.fiscal, x.category, x.fund])).toEqual([
      ["initial", 35_000, 0, 35_000, 61_000, "destitute", "610100"],
      ["refund", -35_000, 0, -35_000, -61_000, "destitute", "610100"],
    ]);
    expect(await contributionsOf(c3)).toEqual([]); // nothing was paid, nothing to refund
    expect(await enrollmentState(a)).toMatchObject({ status: "ended", enddate: "2022-06-30" });
    expect(await enrollmentState(c3)).toMatchObject({ status: "ended", enddate: "2022-06-30" });
    expect(await enrollmentState(b)).toMatchObject({ status: "enrolled", enddate: null });
    // The last import (region C) had moved the person there; the kept enrollment brings them back to Nanchang.
    expect((await query<{ a: string }>(sql`select insuplc_admdvs as a from persons where certno = ${P.twoRegions}`))[0]?.a).toBe(B);
    expect((await listDuplicates(database.db, { status: "resolved", year: YEAR })).map((x) => x.id)).toContain(c.id);
  });
});

describe("in bulk and afterwards", () => {
  it("resolves every open case of a year by the rule, the lower id winning a tie", async () => {
    const open = await listDuplicates(database.db, { status: "open", year: YEAR });
    expect(open.map((c) => [c.certno, c.kind])).toEqual([
      [P.tie, "two_regions"],
      [P.scanEmployee, "employee_and_resident"],
    ]);
    const r = await resolveAllByRule(database.db, { year: YEAR, date: "2022-07-01" });
    expect(r.resolved.map((x) => x.case.id)).toEqual(open.map((c) => c.id));
    expect(r.resolved[0]!.case.kept_enrollment_id).toBe(await enrollmentId(P.tie, "390", A));
    // Care is checked against the kept enrollment (Baise), not the ended one of the same type and year (Nanchang, which
    // an index on the region would list first).
    expect((await enrollmentOn(database.db, await psnNo(P.tie), "390", "2022-08-01"))?.admdvs).toBe(A);
    expect(r.resolved[1]!.case).toMatchObject({
      kept_enrollment_id: await enrollmentId(P.scanEmployee, "310", A), ended_enrollment_ids: [await enrollmentId(P.scanEmployee, "390", A)],
    });
    expect(r.refund_fen).toBe(0);
    expect(await listDuplicates(database.db, { status: "open" })).toEqual([]);
    expect((await resolveAllByRule(database.db, { year: YEAR })).resolved).toEqual([]);
  });

  it("does not revive an ended enrollment when its region's file comes again, and reports a duplicate that returns", async () => {
    const again = await importRegion([person(P.twoRegions, "甲一", "390", A), person(P.employeeResident, "乙二", "390", A)]);
    expect(again.rejectedRows).toBe(0);
    expect(await enrollmentState(await enrollmentId(P.twoRegions, "390", A))).toMatchObject({ status: "ended" });
    expect(await scanDuplicates(database.db, { year: YEAR })).toMatchObject({ found: 0, created: 0, recurred: [] });

    const resolved = await caseOf(P.employeeResident, "employee_and_resident");
    const fresh = await enroll(P.employeeResident, "390", C, "2022-08-01");
    const scan = await scanDuplicates(database.db, { year: YEAR });
    expect(scan).toMatchObject({ found: 1, created: 0, updated: 0 });
    expect(scan.recurred).toEqual([
      { case_id: resolved.id, psn_no: await psnNo(P.employeeResident), kind: "employee_and_resident", enrollment_ids: [await enrollmentId(P.employeeResident, "310", B), fresh] },
    ]);
    expect(await getDuplicate(database.db, resolved.id)).toEqual(resolved); // the recorded resolution stands
  });

  it("refuses bad arguments on the command line with status 2 before opening a database", async () => {
    const run = promisify(execFile);
    const failed = await run(process.execPath, ["--import", "tsx", "src/cli/main.ts", "duplicates", "resolve", "12"], {
      env: { ...process.env, YIBAO_DATA: "/nonexistent/never-created", DATABASE_URL: "" },
    }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toMatch(/--rule: give --rule, or --keep ENROLLMENT_ID --clerk NAME --note TEXT/);
  });
});
