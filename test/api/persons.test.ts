import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accumulators, enrollments, households, persons } from "../../src/store/schema.js";
import { makeId, openTestPlatform, type TestPlatform } from "../support/his.js";
import { expectError, signedInApi, type Api } from "./support.js";

const ZHANG_SAN = makeId("451002", "1990-01-01", 11);
const ZHANG_XIAOMING = makeId("451002", "2015-06-15", 21);
const LI_SI = makeId("360102", "1980-12-31", 31);
const WANG_PERCENT = makeId("451002", "1970-03-03", 41);
const WANG_LIU = makeId("451002", "1971-04-04", 51);

let platform: TestPlatform;
let api: Api;

beforeAll(async () => {
  platform = await openTestPlatform([
    { psn_no: "P1", certno: ZHANG_SAN, insutype: "390", categories: [{ type: "minimum_living", begin: "2021-01-01", end: null }, { type: "monitored", begin: "2021-01-01", end: "2021-12-31" }] },
    { psn_no: "P2", certno: ZHANG_XIAOMING, insutype: "390" },
    { psn_no: "P3", certno: LI_SI, insutype: "310", admdvs: "360100", balc_fen: 123456 },
    { psn_no: "P4", certno: WANG_PERCENT, insutype: "390" },
    { psn_no: "P5", certno: WANG_LIU, insutype: "390" },
  ]);
  const db = platform.database.db;
  const names: Record<string, string> = { P1: "张三", P2: "张小明", P3: "李四", P4: "王%五", P5: "王六" };
  for (const [psnNo, name] of Object.entries(names)) await db.update(persons).set({ psn_name: name }).where(eq(persons.psn_no, psnNo));
  await db.insert(households).values({ household_id: "H451002001", admdvs: "451002", head_certno: ZHANG_SAN, address: "百色市右江区龙景街道1号" });
  await db.update(persons).set({ household_id: "H451002001", rural: true, household_income_fen: 480050 }).where(eq(persons.psn_no, "P1"));
  await db.update(persons).set({ household_id: "H451002001", rural: true, disability_level: 2, serious_illness: true, household_income_fen: 480050 }).where(eq(persons.psn_no, "P2"));
  await db.update(enrollments).set({ status: "suspended", paus_insu_date: "2023-07-01" }).where(eq(enrollments.psn_no, "P2"));
  await db.insert(accumulators).values({
    psn_no: "P1", year: 2022, outpatient_basic_paid_fen: 12345, critical_illness_paid_fen: 100001, tier_two_base_fen: 2000099,
    chronic_basic_paid_fen: { M00500: 5050 },
  });
  api = await signedInApi(platform.app, platform.database);
});

afterAll(async () => platform?.close());

describe("GET /api/v1/persons", () => {
  it("finds persons by name prefix", async () => {
    const r = await api.get(`/api/v1/persons?q=${encodeURIComponent("张")}`);
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(2);
    expect(r.body.items.map((p: { psn_no: string }) => p.psn_no).sort()).toEqual(["P1", "P2"]);
    expect(r.body.items.find((p: { psn_no: string }) => p.psn_no === "P1")).toEqual({
      psn_no: "P1", certno: ZHANG_SAN, psn_name: "张三", gend: "1", brdy: "1990-01-01", insuplc_admdvs: "451000", household_id: "H451002001",
    });
  });

  it("takes % and _ in a name literally", async () => {
    const r = await api.get(`/api/v1/persons?q=${encodeURIComponent("王%")}`);
    expect(r.body.items.map((p: { psn_no: string }) => p.psn_no)).toEqual(["P4"]);
    expect((await api.get(`/api/v1/persons?q=${encodeURIComponent("王_")}`)).body.total).toBe(0);
  });

  it("finds by a whole ID number (lower-case x accepted), or by its start", async () => {
    const whole = await api.get(`/api/v1/persons?q=${LI_SI}`);
    expect(whole.body.items.map((p: { psn_no: string }) => p.psn_no)).toEqual(["P3"]);
    const prefix = await api.get("/api/v1/persons?q=451002");
    expect(prefix.body.total).toBe(4);
    const exact = await api.get(`/api/v1/persons?certno=${ZHANG_SAN.toLowerCase()}`);
    expect(exact.body.items.map((p: { psn_no: string }) => p.psn_no)).toEqual(["P1"]);
  });

  it("filters by region and pages with the total", async () => {
    expect((await api.get("/api/v1/persons?admdvs=360100")).body.items.map((p: { psn_no: string }) => p.psn_no)).toEqual(["P3"]);
    const page1 = await api.get("/api/v1/persons?admdvs=451000&page_size=2");
    const page2 = await api.get("/api/v1/persons?admdvs=451000&page_size=2&page=2");
    const page3 = await api.get("/api/v1/persons?admdvs=451000&page_size=2&page=3");
    expect([page1.body.total, page1.body.items.length, page2.body.items.length, page3.body.items.length]).toEqual([4, 2, 2, 0]);
    expect(page2.body).toMatchObject({ page: 2, page_size: 2 });
    const seen = [...page1.body.items, ...page2.body.items].map((p: { psn_no: string }) => p.psn_no).sort();
    expect(seen).toEqual(["P1", "P2", "P4", "P5"]);
  });

  it("refuses a bad ID number, a bad region, a page too large and an unknown parameter, naming the field", async () => {
    const badCheck = `${ZHANG_SAN.slice(0, 17)}${ZHANG_SAN[17] === "0" ? "1" : "0"}`;
    expectError(await api.get(`/api/v1/persons?certno=${badCheck}`), 400, "invalid_input", "query.certno");
    expect((await api.get(`/api/v1/persons?certno=${badCheck}`)).body.error.message).toMatch(/check digit/);
    expectError(await api.get(`/api/v1/persons?q=${badCheck}`), 400, "invalid_input", "query.q");
    expectError(await api.get("/api/v1/persons?certno=12345"), 400, "invalid_input", "query.certno");
    expectError(await api.get("/api/v1/persons?admdvs=4510"), 400, "invalid_input", "query.admdvs");
    const tooLarge = await api.get("/api/v1/persons?page_size=10000");
    expectError(tooLarge, 400, "invalid_input", "query.page_size");
    expect(tooLarge.body.error.message).toMatch(/500/);
    expectError(await api.get("/api/v1/persons?page=0"), 400, "invalid_input", "query.page");
    expectError(await api.get("/api/v1/persons?page_size=abc"), 400, "invalid_input", "query.page_size");
    expectError(await api.get("/api/v1/persons?pagesize=5"), 400, "invalid_input", "query.pagesize");
  });
});

describe("GET /api/v1/persons/{psn_no}", () => {
  it("shows the person, categories, enrollments and the year's accumulators in yuan", async () => {
    const r = await api.get("/api/v1/persons/P1?as_of=2022-06-30");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      psn_no: "P1", psn_name: "张三", age: 32, balc: 0, rural: true, household_income: 4800.5, disability_level: null, serious_illness: false, as_of: "2022-06-30",
    });
    expect(r.body.categories).toEqual([
      { psn_idet_type: "minimum_living", name: "低保对象", begntime: "2021-01-01", endtime: null, in_force: true },
      { psn_idet_type: "monitored", name: "防返贫监测对象", begntime: "2021-01-01", endtime: "2021-12-31", in_force: false },
    ]);
    expect(r.body.enrollments.map((e: { year: number; insutype: string; status: string }) => [e.year, e.insutype, e.status])).toEqual([
      [2022, "390", "enrolled"], [2023, "390", "enrolled"],
    ]);
    expect(r.body.enrollments[0].insutype_name).toBe("城乡居民基本医疗保险");
    expect(r.body.accumulators).toEqual({
      year: 2022,
      outpatient_deductible_counted: 0,
      outpatient_basic_paid: 123.45,
      inpatient_chronic_basic_paid: 0,
      tier_two_base: 20000.99,
      critical_illness_paid: 1000.01,
      large_amount_paid: 0,
      assistance_base: 0,
      assistance_paid: 0,
      chronic_basic_paid: { M00500: 50.5 },
    });
  });

  it("answers zero accumulators for a year without any, and the account balance to the fen", async () => {
    const r = await api.get("/api/v1/persons/P3?as_of=2023-01-01");
    expect(r.body).toMatchObject({ balc: 1234.56, age: 42, insuplc_admdvs: "360100" });
    expect(r.body.accumulators.year).toBe(2023);
    expect(r.body.accumulators.critical_illness_paid).toBe(0);
    expect((await api.get("/api/v1/persons/P1?as_of=2023-03-01")).body.accumulators.outpatient_basic_paid).toBe(0);
  });

  it("is 404 for an unknown person and 400 for a bad date", async () => {
    expectError(await api.get("/api/v1/persons/NOPE"), 404, "not_found", "params.psn_no");
    expectError(await api.get("/api/v1/persons/P1?as_of=2022-02-30"), 400, "invalid_input", "query.as_of");
  });
});

describe("GET /api/v1/households/{household_id}", () => {
  it("lists the members with their facts and categories in force", async () => {
    const r = await api.get("/api/v1/households/H451002001?as_of=2022-06-30");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ household_id: "H451002001", admdvs: "451002", head_certno: ZHANG_SAN, address: "百色市右江区龙景街道1号" });
    expect(r.body.members.map((m: { psn_no: string; head: boolean; age: number }) => [m.psn_no, m.head, m.age])).toEqual([["P1", true, 32], ["P2", false, 7]]);
    expect(r.body.members[0].categories).toEqual([{ psn_idet_type: "minimum_living", name: "低保对象" }]);
    expect(r.body.members[1]).toMatchObject({ disability_level: 2, serious_illness: true, household_income: 4800.5, categories: [] });
  });

  it("is 404 for an unknown household", async () => {
    expectError(await api.get("/api/v1/households/NOPE"), 404, "not_found", "params.household_id");
  });
});

describe("GET /api/v1/enrollments", () => {
  it("filters by year, region, status, insurance type and person", async () => {
    const y2022 = await api.get("/api/v1/enrollments?year=2022");
    expect(y2022.body.total).toBe(5);
    expect((await api.get("/api/v1/enrollments?year=2022&admdvs=451000")).body.total).toBe(4);
    const suspended = await api.get("/api/v1/enrollments?status=suspended");
    expect(suspended.body.items.map((e: { psn_no: string; year: number; paus_insu_date: string }) => [e.psn_no, e.year, e.paus_insu_date])).toEqual([
      ["P2", 2022, "2023-07-01"], ["P2", 2023, "2023-07-01"],
    ]);
    const employees = await api.get("/api/v1/enrollments?insutype=310");
    expect(employees.body.items.map((e: { psn_no: string; psn_name: string; certno: string }) => [e.psn_no, e.psn_name, e.certno])).toEqual([
      ["P3", "李四", LI_SI], ["P3", "李四", LI_SI],
    ]);
    expect((await api.get("/api/v1/enrollments?psn_no=P1&page_size=1")).body).toMatchObject({ total: 2, page_size: 1 });
  });

  it("refuses a bad year and status, naming the field", async () => {
    expectError(await api.get("/api/v1/enrollments?year=20222"), 400, "invalid_input", "query.year");
    expectError(await api.get("/api/v1/enrollments?year=abc"), 400, "invalid_input", "query.year");
    expectError(await api.get("/api/v1/enrollments?status=paid"), 400, "invalid_input", "query.status");
    expectError(await api.get("/api/v1/enrollments?insutype=39"), 400, "invalid_input", "query.insutype");
  });

  it("is 404 for the contributions of an unknown enrollment, 400 for a bad id", async () => {
    expectError(await api.get("/api/v1/enrollments/999999/contributions"), 404, "not_found", "params.id");
    expectError(await api.get("/api/v1/enrollments/abc/contributions"), 400, "invalid_input", "params.id");
  });
});
