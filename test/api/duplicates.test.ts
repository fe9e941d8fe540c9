import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enrollments } from "../../src/store/schema.js";
import { makeId, openTestPlatform, type TestPlatform } from "../support/his.js";
import { expectError, signedInApi, type Api } from "./support.js";

/**
 * Duplicate enrollment over the API: PX is enrolled as a resident in 451000 and (later) in 360100, PY as a resident and an
 * employee in 451000, PW in two regions too; PZ once. Resident contributions are 350 yuan (fiscal subsidy 610 yuan).
 */

let platform: TestPlatform;
let api: Api & { username: string };
const ids: Record<string, number> = {};

beforeAll(async () => {
  platform = await openTestPlatform([
    { psn_no: "PX", certno: makeId("451002", "1990-01-01", 11), insutype: "390" },
    { psn_no: "PY", certno: makeId("451002", "1991-01-01", 21), insutype: "390" },
    { psn_no: "PW", certno: makeId("451002", "1992-01-01", 31), insutype: "390" },
    { psn_no: "PZ", certno: makeId("451002", "1993-01-01", 41), insutype: "390" },
  ]);
  const db = platform.database.db;
  const [x2] = await db.insert(enrollments).values({ psn_no: "PX", insutype: "390", admdvs: "360100", year: 2022, psn_insu_date: "2022-03-01" }).returning();
  const [y310] = await db.insert(enrollments).values({ psn_no: "PY", insutype: "310", admdvs: "451000", year: 2022, psn_insu_date: "2022-02-01" }).returning();
  await db.insert(enrollments).values({ psn_no: "PW", insutype: "390", admdvs: "360100", year: 2022, psn_insu_date: "2022-05-01" });
  ids.x360100 = x2?.id ?? 0;
  ids.y310 = y310?.id ?? 0;
  api = await signedInApi(platform.app, platform.database);
  for (const [key, psnNo] of [["x451000", "PX"], ["y390", "PY"]] as const) {
    const r = await api.get(`/api/v1/enrollments?psn_no=${psnNo}&year=2022&admdvs=451000&insutype=390`);
    ids[key] = r.body.items[0].id;
  }
  expect((await api.post("/api/v1/subsidies/recompute", { year: 2022 })).body.initial).toBe(6);
});

afterAll(async () => platform?.close());

async function caseOf(psnNo: string): Promise<number> {
  const r = await api.get(`/api/v1/duplicates?psn_no=${psnNo}`);
  expect(r.body.total).toBe(1);
  return r.body.items[0].id;
}

describe("POST /api/v1/duplicates/scan", () => {
  it("records the cases of a year, once", async () => {
    const r = await api.post("/api/v1/duplicates/scan", { year: 2022 });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ year: 2022, admdvs: null, found: 3, created: 3, updated: 0, unchanged: 0, recurred: [] });
    const again = await api.post("/api/v1/duplicates/scan", { year: 2022, admdvs: "451000" });
    expect(again.body).toMatchObject({ admdvs: "451000", found: 3, created: 0, unchanged: 3 });
  });

  it("refuses a bad year", async () => {
    expectError(await api.post("/api/v1/duplicates/scan", { year: 1800 }), 400, "invalid_input", "body.year");
    expectError(await api.post("/api/v1/duplicates/scan", { admdvs: "451000" }), 400, "invalid_input", "body.year");
  });
});

describe("GET /api/v1/duplicates", () => {
  it("lists and pages the cases with filters", async () => {
    const all = await api.get("/api/v1/duplicates?status=open&year=2022");
    expect(all.body.total).toBe(3);
    expect(all.body.items.map((c: { psn_no: string; kind: string }) => [c.psn_no, c.kind]).sort()).toEqual([
      ["PW", "two_regions"], ["PX", "two_regions"], ["PY", "employee_and_resident"],
    ]);
    const page = await api.get("/api/v1/duplicates?year=2022&page_size=1&page=3");
    expect(page.body).toMatchObject({ total: 3, page: 3, page_size: 1 });
    expect(page.body.items).toHaveLength(1);
    expect((await api.get("/api/v1/duplicates?admdvs=360100")).body.total).toBe(2);
    expect((await api.get("/api/v1/duplicates?status=resolved")).body.total).toBe(0);
    const byKind = await api.get("/api/v1/duplicates?kind=employee_and_resident");
    expect([byKind.body.total, byKind.body.items.map((c: { psn_no: string }) => c.psn_no)]).toEqual([1, ["PY"]]);
    expect((await api.get("/api/v1/duplicates?kind=two_regions&year=2022")).body.total).toBe(2);
    expectError(await api.get("/api/v1/duplicates?kind=twice"), 400, "invalid_input", "query.kind");
    expectError(await api.get("/api/v1/duplicates?status=closed"), 400, "invalid_input", "query.status");
    expectError(await api.get("/api/v1/duplicates?year=99"), 400, "invalid_input", "query.year");
  });

  it("shows one case with its enrollments, or 404", async () => {
    const r = await api.get(`/api/v1/duplicates/${await caseOf("PX")}`);
    expect(r.body).toMatchObject({ psn_no: "PX", year: 2022, kind: "two_regions", kind_name: "跨统筹区重复参保", status: "open", found_by: "scan", refund: null });
    expect(r.body.enrollments.map((e: { id: number; admdvs: string; status: string }) => [e.id, e.admdvs, e.status])).toEqual([
      [ids.x451000, "451000", "enrolled"], [ids.x360100, "360100", "enrolled"],
    ]);
    expectError(await api.get("/api/v1/duplicates/999999"), 404, "not_found", "params.id");
    expectError(await api.get("/api/v1/duplicates/0"), 400, "invalid_input", "params.id");
  });
});

describe("POST /api/v1/duplicates/{id}/resolve", () => {
  it("by the rule: keeps the earlier enrollment, ends the other and refunds what the person paid", async () => {
    const id = await caseOf("PX");
    const r = await api.post(`/api/v1/duplicates/${id}/resolve`, { by: "rule", date: "2022-06-30" });
    expect(r.status).toBe(200);
    expect(r.body.case).toMatchObject({
      status: "resolved", resolution: "rule", kept_enrollment_id: ids.x451000, ended_enrollment_ids: [ids.x360100], refund: 350, resolved_by: api.username,
    });
    expect(r.body.ended).toEqual([{ enrollment_id: ids.x360100, insutype: "390", admdvs: "360100", person_paid: 350, assistance_subsidy: 0, fiscal_subsidy: 610 }]);
    expect(r.body.refund).toBe(350);
    const ended = await api.get(`/api/v1/enrollments/${ids.x360100}/contributions`);
    expect(ended.body.enrollment).toMatchObject({ status: "ended", enddate: "2022-06-30" });
    expect(ended.body.contributions.map((c: { kind: string; person_paid: number; fiscal_subsidy: number }) => [c.kind, c.person_paid, c.fiscal_subsidy])).toEqual([
      ["initial", 350, 610], ["refund", -350, -610],
    ]);
    expect(ended.body.totals).toEqual({ individual: 0, person_paid: 0, assistance_subsidy: 0, fiscal_subsidy: 0 });
  });

  it("is 409 for a case already resolved and 404 for an unknown one", async () => {
    expectError(await api.post(`/api/v1/duplicates/${await caseOf("PX")}/resolve`, { by: "rule" }), 409, "conflict", "params.id");
    expectError(await api.post("/api/v1/duplicates/999999/resolve", { by: "rule" }), 404, "not_found", "params.id");
  });

  it("by a clerk: refuses an enrollment not of the case and incomplete input, then keeps the one named", async () => {
    const id = await caseOf("PY");
    const clerk = { by: "clerk", note: "本人申请保留居民医保" };
    expectError(await api.post(`/api/v1/duplicates/${id}/resolve`, { ...clerk, keep_enrollment_id: ids.x451000 }), 400, "invalid_input", "body.keep_enrollment_id");
    expectError(await api.post(`/api/v1/duplicates/${id}/resolve`, { by: "clerk", keep_enrollment_id: ids.y390 }), 400, "invalid_input", "body.note");
    // The clerk recorded is whoever is signed in: naming somebody else is refused, not recorded.
    expectError(await api.post(`/api/v1/duplicates/${id}/resolve`, { ...clerk, clerk: "王经办", keep_enrollment_id: ids.y390 }), 400, "invalid_input", "body.clerk");
    expectError(await api.post(`/api/v1/duplicates/${id}/resolve`, { by: "boss" }), 400, "invalid_input", "body.by");
    expectError(await api.post(`/api/v1/duplicates/${id}/resolve`, { ...clerk, keep_enrollment_id: ids.y390, date: "2022-13-01" }), 400, "invalid_input", "body.date");
    expect((await api.get(`/api/v1/duplicates/${id}`)).body.status).toBe("open");

    const r = await api.post(`/api/v1/duplicates/${id}/resolve`, { ...clerk, keep_enrollment_id: ids.y390, date: "2022-07-01" });
    expect(r.status).toBe(200);
    expect(r.body.case).toMatchObject({
      status: "resolved", resolution: "clerk", kept_enrollment_id: ids.y390, ended_enrollment_ids: [ids.y310], resolved_by: api.username, note: "本人申请保留居民医保", refund: 0,
    });
    expect(r.body.ended).toEqual([{ enrollment_id: ids.y310, insutype: "310", admdvs: "451000", person_paid: 0, assistance_subsidy: 0, fiscal_subsidy: 0 }]);
  });
});

describe("POST /api/v1/duplicates/resolve-by-rule", () => {
  it("resolves every open case of a year", async () => {
    const r = await api.post("/api/v1/duplicates/resolve-by-rule", { year: 2022, date: "2022-08-01" });
    expect(r.status).toBe(200);
    expect(r.body.resolved.map((x: { case: { psn_no: string; resolved_by: string } }) => [x.case.psn_no, x.case.resolved_by])).toEqual([["PW", api.username]]);
    expect(r.body.refund).toBe(350);
    expect((await api.get("/api/v1/duplicates?status=resolved&year=2022")).body.total).toBe(3);
    expect((await api.post("/api/v1/duplicates/resolve-by-rule", { year: 2022 })).body).toEqual({ year: 2022, resolved: [], also_resolved: [], refund: 0 });
  });
});
