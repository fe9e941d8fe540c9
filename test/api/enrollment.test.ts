import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { population } from "../../src/store/schema.js";
import { makeId, openTestPlatform, type TestPlatform } from "../support/his.js";
import { expectError, signedInApi, type Api } from "./support.js";

/**
 * Subsidized enrollment over the API: recompute, the contributions of an enrollment, the register, the statistics, a
 * roster upload (CSV and .xlsx) and coverage. Policy 2022 of both regions: individual contribution 350 yuan, fiscal
 * subsidy 610 yuan; assistance pays 100% for the destitute, 60% for minimum-living and (under 18) low-income persons.
 */

const A = makeId("451002", "1985-02-02", 11); // minimum_living: 60%
const B = makeId("451002", "1986-03-03", 21); // no category (destitute from April by the roster)
const C = makeId("451002", "1950-04-04", 31); // destitute: 100%
const D = makeId("360102", "2010-05-05", 41); // 360100, low_income and under 18: 60%
const CSV = { "content-type": "text/csv" };
const XLSX = { "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" };

let platform: TestPlatform;
let api: Api;

beforeAll(async () => {
  platform = await openTestPlatform([
    { psn_no: "PA", certno: A, insutype: "390", categories: [{ type: "minimum_living", begin: "2021-01-01", end: null }] },
    { psn_no: "PB", certno: B, insutype: "390" },
    { psn_no: "PC", certno: C, insutype: "390", categories: [{ type: "destitute", begin: "2021-01-01", end: null }] },
    { psn_no: "PD", certno: D, insutype: "390", admdvs: "360100", categories: [{ type: "low_income", begin: "2021-01-01", end: null }] },
  ]);
  api = await signedInApi(platform.app, platform.database);
});

afterAll(async () => platform?.close());

async function enrollmentId(psnNo: string, year: number): Promise<number> {
  const r = await api.get(`/api/v1/enrollments?psn_no=${psnNo}&year=${year}`);
  expect(r.body.total).toBe(1);
  return r.body.items[0].id;
}

describe("POST /api/v1/subsidies/recompute", () => {
  it("writes the initial contributions of a year, once", async () => {
    const first = await api.post("/api/v1/subsidies/recompute", { year: 2022 });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      year: 2022, admdvs: null, enrollments: 4, initial: 4, adjustments: 0, adjustment_subsidy: 0, assistance_subsidy: 770, without_policy: 0, policy_fallbacks: 0,
    });
    const again = await api.post("/api/v1/subsidies/recompute", { year: 2022 });
    expect(again.body).toMatchObject({ enrollments: 4, initial: 0, adjustments: 0, assistance_subsidy: 0 });
    const region = await api.post("/api/v1/subsidies/recompute", { year: "2022", admdvs: "360100" });
    expect(region.body).toMatchObject({ admdvs: "360100", enrollments: 1, initial: 0 });
  });

  it("refuses a bad year, a bad region and an unknown field, naming the field", async () => {
    expectError(await api.post("/api/v1/subsidies/recompute", { year: 1999 }), 400, "invalid_input", "body.year");
    const missing = await api.post("/api/v1/subsidies/recompute", {});
    expectError(missing, 400, "invalid_input", "body.year");
    expect(missing.body.error.message).toBe("is required");
    expectError(await api.post("/api/v1/subsidies/recompute", { year: 2022, admdvs: "99" }), 400, "invalid_input", "body.admdvs");
    expectError(await api.post("/api/v1/subsidies/recompute", { year: 2022, region: "451000" }), 400, "invalid_input", "body.region");
    expectError(await api.post("/api/v1/subsidies/recompute"), 400, "invalid_input", "body");
  });
});

describe("GET /api/v1/enrollments/{id}/contributions", () => {
  it("lists the rows with amounts in yuan and their totals", async () => {
    const r = await api.get(`/api/v1/enrollments/${await enrollmentId("PA", 2022)}/contributions`);
    expect(r.status).toBe(200);
    expect(r.body.enrollment).toMatchObject({ psn_no: "PA", year: 2022, insutype: "390", status: "enrolled" });
    expect(r.body.contributions).toHaveLength(1);
    expect(r.body.contributions[0]).toMatchObject({
      kind: "initial", individual: 350, person_paid: 140, assistance_subsidy: 210, fiscal_subsidy: 610,
      category: "minimum_living", category_name: "低保对象", share: 0.6, subsidy_fund: "610100", subsidy_fund_name: "医疗救助基金", effective_month: null,
    });
    expect(r.body.contributions[0].reason).toContain("210.00");
    expect(r.body.totals).toEqual({ individual: 350, person_paid: 140, assistance_subsidy: 210, fiscal_subsidy: 610 });
    expect(r.body.note).toBeNull();
  });

  it("explains an enrollment without rows", async () => {
    const r = await api.get(`/api/v1/enrollments/${await enrollmentId("PB", 2023)}/contributions`);
    expect(r.body.contributions).toEqual([]);
    expect(r.body.totals).toEqual({ individual: 0, person_paid: 0, assistance_subsidy: 0, fiscal_subsidy: 0 });
    expect(typeof r.body.note).toBe("string");
  });
});

describe("GET /api/v1/contributions (the 资助参保 register)", () => {
  it("lists the subsidized persons of a year with totals over every page", async () => {
    const r = await api.get("/api/v1/contributions?year=2022");
    expect(r.status).toBe(200);
    expect(r.body.items.map((l: { psn_no: string; admdvs: string; category: string; share: number; assistance_subsidy: number }) =>
      [l.psn_no, l.admdvs, l.category, l.share, l.assistance_subsidy])).toEqual([
      ["PD", "360100", "low_income", 0.6, 210],
      ["PA", "451000", "minimum_living", 0.6, 210],
      ["PC", "451000", "destitute", 1, 350],
    ]);
    expect(r.body.items[2]).toMatchObject({ certno: C, psn_name: "测试PC", subsidy_fund: "610100", from_month: 1, kinds: ["initial"] });
    expect(r.body).toMatchObject({ total: 3, page: 1, page_size: 50, year: 2022, admdvs: null, category: null });
    expect(r.body.totals.persons).toBe(3);
    expect(r.body.totals.assistance_subsidy).toBe(770);
    expect(r.body.totals.by_category.map((b: { category: string; persons: number; assistance_subsidy: number }) => [b.category, b.persons, b.assistance_subsidy])).toEqual([
      ["destitute", 1, 350], ["low_income", 1, 210], ["minimum_living", 1, 210],
    ]);
    expect(r.body.contributions).toEqual({ enrollments: 4, individual: 1400, person_paid: 630, assistance_subsidy: 770, fiscal_subsidy: 2440 });

    const page2 = await api.get("/api/v1/contributions?year=2022&page_size=1&page=2");
    expect(page2.body.items.map((l: { psn_no: string }) => l.psn_no)).toEqual(["PA"]);
    expect(page2.body.total).toBe(3);
    expect(page2.body.totals.assistance_subsidy).toBe(770);

    const one = await api.get("/api/v1/contributions?year=2022&admdvs=451000&category=minimum_living");
    expect(one.body.items.map((l: { psn_no: string }) => l.psn_no)).toEqual(["PA"]);
    expect(one.body.totals.assistance_subsidy).toBe(210);
  });

  it("needs a year and a known category", async () => {
    const missing = await api.get("/api/v1/contributions");
    expectError(missing, 400, "invalid_input", "query.year");
    expect(missing.body.error.message).toBe("is required");
    expectError(await api.get("/api/v1/contributions?year=2022&category=poor"), 400, "invalid_input", "query.category");
    expectError(await api.get("/api/v1/contributions?year=2022&page_size=501"), 400, "invalid_input", "query.page_size");
  });
});

describe("GET /api/v1/subsidies/statistics", () => {
  it("sums the contributions by category, with the total", async () => {
    const r = await api.get("/api/v1/subsidies/statistics?year=2022&admdvs=451000");
    expect(r.status).toBe(200);
    const row = (category: string) => r.body.rows.find((x: { category: string }) => x.category === category);
    expect(row("all")).toMatchObject({ admdvs: "451000", group: "all", persons: 3, persons_subsidized: 2, individual: 1050, person_paid: 490, assistance_subsidy: 560, fiscal_subsidy: 1830 });
    expect(row("minimum_living")).toMatchObject({ persons: 1, persons_subsidized: 1, person_paid: 140, assistance_subsidy: 210 });
    expect(row("destitute")).toMatchObject({ persons: 1, person_paid: 0, assistance_subsidy: 350 });
    expect(row("none")).toMatchObject({ persons: 1, persons_subsidized: 0, person_paid: 350, assistance_subsidy: 0 });
    expectError(await api.get("/api/v1/subsidies/statistics?year=22"), 400, "invalid_input", "query.year");
  });
});

describe("POST /api/v1/rosters", () => {
  it("imports a CSV roster: bad rows listed by row and field, subsidies recomputed from the next month", async () => {
    const csv = [
      "certno,psn_name,psn_idet_type,begntime,endtime",
      `${B},测试PB,destitute,2022-04-01,`,
      `${B.slice(0, 17)}${B[17] === "0" ? "1" : "0"},某人,destitute,2022-04-01,`,
      `${A},不是他,orphan,2022-01-01,`,
      `${C},测试PC,monitored,2022-01-01,`,
    ].join("\n");
    const r = await api.post("/api/v1/rosters?source=civil_affairs", csv, CSV);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ read: 4, inserted: 1, updated: 0, unchanged: 0, rejected_rows: 3, rejected_listed_all: true });
    expect(r.body.rejected.map((x: { row: number; field: string }) => [x.row, x.field])).toEqual([[3, "certno"], [4, "psn_name"], [5, "psn_idet_type"]]);
    // 2022: destitute from April, months 4–12 at 100% instead of 0: 350 × 9/12 = 262.50; 2023 (the 2022 policy): 350.
    expect(r.body.subsidies).toEqual({
      enrollments: 2, initial: 1, adjustments: 1, adjustment_subsidy: 262.5, assistance_subsidy: 612.5, without_policy: 0, policy_fallbacks: 1,
    });
    const rows = await api.get(`/api/v1/enrollments/${await enrollmentId("PB", 2022)}/contributions`);
    expect(rows.body.contributions.map((c: { kind: string; person_paid: number; assistance_subsidy: number; effective_month: number | null; category: string | null }) =>
      [c.kind, c.person_paid, c.assistance_subsidy, c.effective_month, c.category])).toEqual([
      ["initial", 350, 0, null, null],
      ["adjustment", -262.5, 262.5, 4, "destitute"],
    ]);
    expect(rows.body.totals).toEqual({ individual: 350, person_paid: 87.5, assistance_subsidy: 262.5, fiscal_subsidy: 610 });
  });

  it("imports an .xlsx roster the same way (a row already held is unchanged)", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("名单");
    sheet.addRow(["certno", "psn_name", "psn_idet_type", "begntime", "endtime", "source"]);
    sheet.addRow([B, "测试PB", "destitute", "2022-04-01", "", "民政"]);
    const file = Buffer.from(await workbook.xlsx.writeBuffer());
    const r = await api.post("/api/v1/rosters", file, XLSX);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ read: 1, inserted: 0, unchanged: 1, rejected_rows: 0, rejected: [] });
    expect(r.body.subsidies).toMatchObject({ initial: 0, adjustments: 0, assistance_subsidy: 0 });
  });

  it("refuses a file without the required columns, a JSON body, another content type and an unknown department", async () => {
    const header = await api.post("/api/v1/rosters?source=civil_affairs", "certno,psn_name\n", CSV);
    expectError(header, 400, "invalid_input", "body");
    expect(header.body.error.message).toMatch(/psn_idet_type/);
    expectError(await api.post("/api/v1/rosters", { certno: B }), 400, "invalid_input", "body");
    expectError(await api.post("/api/v1/rosters", "certno\n", { "content-type": "application/xml" }), 415, "unsupported_media_type", "body");
    expectError(await api.post("/api/v1/rosters", "certno\n", { "content-type": "text/plain" }), 400, "invalid_input", "body");
    expectError(await api.post("/api/v1/rosters?source=police", "certno\n", CSV), 400, "invalid_input", "query.source");
    expectError(await api.post("/api/v1/rosters", "", CSV), 400, "invalid_input", "body");
  });
});

describe("GET /api/v1/coverage", () => {
  it("rates the insured against the registered population", async () => {
    await platform.database.db.insert(population).values([
      { admdvs: "451000", year: 2022, category: "all", count: 4 },
      { admdvs: "451000", year: 2022, category: "poverty_relief", count: 3 },
      { admdvs: "451000", year: 2022, category: "destitute", count: 2 },
    ]);
    const r = await api.get("/api/v1/coverage?year=2022&admdvs=451000");
    expect(r.status).toBe(200);
    const row = (category: string) => r.body.rows.find((x: { category: string }) => x.category === category);
    expect(row("all")).toMatchObject({ population: 4, insured: 3, uninsured: 1, rate_percent: 75, target_percent: 95, meets_target: false });
    expect(row("poverty_relief")).toMatchObject({ population: 3, insured: 3, rate_percent: 100, target_percent: 99, meets_target: true });
    expect(row("destitute")).toMatchObject({ population: 2, insured: 2, rate_percent: 100 });
    expect(row("orphan")).toMatchObject({ population: null, insured: 0, rate_percent: null, meets_target: null });
    expect(typeof r.body.rules.insured).toBe("string");
  });

  it("needs a year", async () => {
    expectError(await api.get("/api/v1/coverage"), 400, "invalid_input", "query.year");
    expectError(await api.get("/api/v1/coverage?year=2022&admdvs=abc"), 400, "invalid_input", "query.admdvs");
  });
});
