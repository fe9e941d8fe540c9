import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BENEFIT_PERSONS, DESTITUTE, settleBenefitYear } from "../support/benefits.js";
import { H3, openTestPlatform, type ParsedJson, type TestPlatform } from "../support/his.js";
import { expectError, signedInApi } from "./support.js";

/**
 * GET /api/v1/reports/benefits over the year of test/support/benefits.ts (the service's figures are checked to the fen in
 * test/benefits.test.ts): yuan with two decimals, the chart-shaped rows and series, and who may see which region. Every
 * answer is checked against the OpenAPI document by the test client.
 */

let platform: TestPlatform;

beforeAll(async () => {
  platform = await openTestPlatform(BENEFIT_PERSONS);
  await settleBenefitYear(platform);
});
afterAll(() => platform?.close());

interface Row {
  tier: string;
  care: string;
  population: string;
  person_times: number;
  persons: number;
  amount: number;
}

const row = (body: ParsedJson, tier: string, care: string, population: string) =>
  (body.rows as Row[]).find((r) => r.tier === tier && r.care === care && r.population === population);
/** [人次, 人数, yuan]. */
const figures = (r: Row | undefined) => r && [r.person_times, r.persons, r.amount];

describe("GET /api/v1/reports/benefits", () => {
  it("answers a prefecture's staff with its year: tiers × care × population, monthly series, per county, and the notes", async () => {
    const admin = await signedInApi(platform.app, platform.database, { role: "admin", admdvs: "451000" });
    const r = await admin.get("/api/v1/reports/benefits?year=2022");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ year: 2022, month: null, admdvs: "451000", admdvs_name: "百色市", months: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] });
    expect(Date.parse(r.body.as_of)).not.toBeNaN();
    const total = row(r.body, "total", "all", "all");
    expect(total).toEqual({
      tier: "total", tier_name: "综合保障（各层级合计）", care: "all", care_name: "合计", population: "all", population_name: "全部人员", group: "all",
      person_times: 13, persons: 8, amount: 367_183.28,
      monthly: {
        person_times: [1, 3, 1, 0, 3, 1, 1, 1, 1, 0, 1, 0],
        persons: [1, 3, 1, 0, 3, 1, 1, 1, 1, 0, 1, 0],
        amount: [2000, 18_996, 1860, 0, 5280, 300, 30_000, 303_690, 3456.78, 0, 1600.5, 0],
      },
    });
    expect(figures(row(r.body, "basic", "inpatient", "all"))).toEqual([6, 5, 338_510]);
    expect(figures(row(r.body, "basic", "chronic", "all"))).toEqual([1, 1, 1209]);
    expect(figures(row(r.body, "basic", "outpatient", "all"))).toEqual([3, 3, 450]);
    expect(figures(row(r.body, "critical_illness", "inpatient", "poverty_relief"))).toEqual([1, 1, 5733.7]);
    expect(figures(row(r.body, "large_amount", "inpatient", "all"))).toEqual([1, 1, 3690]);
    expect(figures(row(r.body, "assistance", "all", "poverty_relief"))).toEqual([4, 2, 10_083.3]);
    expect(figures(row(r.body, "application_assistance", "all", "all"))).toEqual([2, 2, 5456.78]);
    expect(figures(row(r.body, "secondary_assistance", "all", "destitute"))).toEqual([1, 1, 1600.5]);
    expect(figures(row(r.body, "huiminbao", "inpatient", "lifted"))).toEqual([1, 1, 300]);
    expect(figures(row(r.body, "charity", "all", "poverty_relief"))).toEqual([1, 1, 150]);
    expect(row(r.body, "application_assistance", "inpatient", "all")).toBeUndefined();
    expect(r.body.tiers.find((t: { tier: string }) => t.tier === "basic")).toEqual({
      tier: "basic", name: "基本医疗保险", funds: ["310100", "390100"], source: "settlement", cares: ["all", "inpatient", "chronic", "outpatient"],
    });
    expect(r.body.cares.find((c: { care: string }) => c.care === "chronic")).toEqual({ care: "chronic", name: "门诊慢特病", med_types: ["14"] });
    expect(r.body.populations.slice(0, 2)).toEqual([
      { population: "all", name: "全部人员", group: "all" }, { population: "poverty_relief", name: "脱贫人口和低收入人口合计", group: "poverty_relief" },
    ]);
    expect(r.body.regions).toContainEqual({
      admdvs: "451026", admdvs_name: "那坡县", tier: "total", tier_name: "综合保障（各层级合计）", care: "all", care_name: "合计",
      population: "all", population_name: "全部人员", group: "all", person_times: 6, persons: 2, amount: 54_406.5,
    });
    expect(r.body.notes.length).toBeGreaterThan(5);
  });

  it("gives a county's clerk the county alone, and refuses the prefecture or another county", async () => {
    const clerk = await signedInApi(platform.app, platform.database, { role: "clerk", admdvs: "451026" });
    const own = await clerk.get("/api/v1/reports/benefits?year=2022");
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ admdvs: "451026", admdvs_name: "那坡县" });
    expect(figures(row(own.body, "total", "all", "all"))).toEqual([6, 2, 54_406.5]);
    expect(figures(row(own.body, "assistance", "all", "all"))).toEqual([4, 2, 10_083.3]);
    expect(new Set(own.body.regions.map((x: { admdvs: string }) => x.admdvs))).toEqual(new Set(["451026"]));
    expect((await clerk.get("/api/v1/reports/benefits?year=2022&admdvs=451026")).body.rows).toEqual(own.body.rows);
    expectError(await clerk.get("/api/v1/reports/benefits?year=2022&admdvs=451000"), 403, "forbidden", "query.admdvs");
    expectError(await clerk.get("/api/v1/reports/benefits?year=2022&admdvs=451022"), 403, "forbidden", "query.admdvs");
    const nanchang = await signedInApi(platform.app, platform.database, { role: "clerk", admdvs: "360100" });
    expectError(await nanchang.get("/api/v1/reports/benefits?year=2022&admdvs=451000"), 403, "forbidden", "query.admdvs");
  });

  it("lets auditors read, a county of their prefecture and one month", async () => {
    const auditor = await signedInApi(platform.app, platform.database, { role: "auditor", admdvs: "451000" });
    const county = await auditor.get("/api/v1/reports/benefits?year=2022&admdvs=451022");
    expect(county.status).toBe(200);
    expect(figures(row(county.body, "total", "all", "all"))).toEqual([2, 2, 5906.78]);
    const february = await auditor.get("/api/v1/reports/benefits?year=2022&month=2");
    expect(february.body).toMatchObject({ month: 2, months: [2] });
    expect(row(february.body, "total", "all", "all")).toMatchObject({ person_times: 3, persons: 3, amount: 18_996, monthly: { amount: [18_996] } });
    expect(february.body.notes[0]).toMatch(/2022年2月/);
  });

  it("gives a national administrator every region", async () => {
    const national = await signedInApi(platform.app, platform.database);
    const r = await national.get("/api/v1/reports/benefits?year=2022");
    expect(r.body).toMatchObject({ admdvs: null, admdvs_name: "全国" });
    expect(figures(row(r.body, "total", "all", "all"))).toEqual([14, 9, 367_283.28]);
    expect(r.body.regions.map((x: { admdvs: string }) => x.admdvs)).toContain("360100");
  });

  it("refuses a hospital and an insured person", async () => {
    const hospital = await signedInApi(platform.app, platform.database, { role: "hospital", admdvs: "451000", fixmedins_code: H3 });
    expectError(await hospital.get("/api/v1/reports/benefits?year=2022"), 403, "forbidden", null);
    const insured = await signedInApi(platform.app, platform.database, { role: "insured", admdvs: "451000", psn_no: DESTITUTE.psn_no });
    expectError(await insured.get("/api/v1/reports/benefits?year=2022"), 403, "forbidden", null);
  });

  it("names the query field it refuses", async () => {
    const admin = await signedInApi(platform.app, platform.database, { role: "admin", admdvs: "451000" });
    expectError(await admin.get("/api/v1/reports/benefits"), 400, "invalid_input", "query.year");
    expectError(await admin.get("/api/v1/reports/benefits?year=2022&month=13"), 400, "invalid_input", "query.month");
    expectError(await admin.get("/api/v1/reports/benefits?year=2022&month=x"), 400, "invalid_input", "query.month");
    expectError(await admin.get("/api/v1/reports/benefits?year=2022&admdvs=abc"), 400, "invalid_input", "query.admdvs");
    expectError(await admin.get("/api/v1/reports/benefits?year=2022&tier=basic"), 400, "invalid_input", "query.tier");
  });
});
