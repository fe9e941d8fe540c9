import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Services } from "../../src/services/common/context.js";
import { checkPerson } from "../../src/services/monitoring/index.js";
import { shippedPolicies } from "../../src/services/reference/shipped.js";
import { makeId, openTestPlatform, type TestPlatform } from "../support/his.js";
import { storeSettlement } from "../support/monitoring.js";
import { expectError, signedInApi, type Api } from "./support.js";

/**
 * 高额医疗费用预警 over the API. Four warnings: P1 (百色市 451000, 16,000.01 yuan in 12 months), P2 (451000, one settlement of
 * 10,000.01), K1 (insured in 那坡县 451026, a county inside 百色, 20,000.00) and Q1 (南昌市 360100, 18,000.00). A clerk of
 * 百色 sees P1, P2 and K1; a clerk of 那坡 only K1; one of 南昌 only Q1. Auditors read and never act; the insured see only
 * their own warnings' outcome, in the portal.
 */

let platform: TestPlatform;
let admin: Api & { username: string };
let clerk: Api & { username: string }; // 451000
let county: Api & { username: string }; // 451026
let nanchang: Api & { username: string }; // 360100
let auditor: Api & { username: string }; // 451000
const ids: Record<string, number> = {};

const person = (psn_no: string, serial: number, admdvs: string) => ({
  psn_no, certno: makeId(admdvs === "360100" ? "360102" : "451026", "1975-05-05", serial), insutype: "390" as const, admdvs,
});

beforeAll(async () => {
  platform = await openTestPlatform([person("P1", 11, "451000"), person("P2", 13, "451000"), person("K1", 15, "451026"), person("Q1", 17, "360100"), person("P3", 19, "451000")]);
  const { database } = platform;
  await database.db.execute(sql`insert into person_identities (psn_no, psn_idet_type, begntime, endtime) values ('P2', 'monitored', '2021-01-01', null)`);
  await storeSettlement(database, { psn_no: "P1", time: "2022-03-01 10:00:00", self_paid_fen: 800_000 });
  await storeSettlement(database, { psn_no: "P1", time: "2022-04-01 10:00:00", self_paid_fen: 800_001 });
  await storeSettlement(database, { psn_no: "P2", time: "2022-04-01 10:00:00", self_paid_fen: 1_000_001 });
  await storeSettlement(database, { psn_no: "K1", time: "2022-05-01 10:00:00", self_paid_fen: 2_000_000, admdvs: "451026" });
  await storeSettlement(database, { psn_no: "Q1", time: "2022-05-01 10:00:00", self_paid_fen: 1_800_000, admdvs: "360100" });
  // 那坡县 pooled on its own in this test: a copy of 百色's policy under the county's code, so that its people have thresholds.
  const baise = shippedPolicies().find((p) => p.admdvs === "451000");
  const services = new Services(database, [...shippedPolicies(), { ...baise!, admdvs: "451026" }]);
  for (const [psn, date] of [["P1", "2022-04-01"], ["P2", "2022-04-01"], ["K1", "2022-05-01"], ["Q1", "2022-05-01"]] as const) {
    const r = await database.db.transaction((tx) => checkPerson(services, tx, psn, date, { kind: "settlement", setl_id: "test" }));
    expect(r.decision, psn).toBe("raise");
    ids[psn] = r.warning_id as number;
  }
  admin = await signedInApi(platform.app, database);
  clerk = await signedInApi(platform.app, database, { role: "clerk", admdvs: "451000" });
  county = await signedInApi(platform.app, database, { role: "clerk", admdvs: "451026" });
  nanchang = await signedInApi(platform.app, database, { role: "clerk", admdvs: "360100" });
  auditor = await signedInApi(platform.app, database, { role: "auditor", admdvs: "451000" });
});
afterAll(() => platform?.close());

const psnsOf = (body: { items: { psn_no: string }[] }) => body.items.map((w) => w.psn_no).sort();

describe("GET /api/v1/warnings", () => {
  it("lists the warnings with their figures in yuan to the fen, newest first", async () => {
    const r = await admin.get("/api/v1/warnings");
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ total: 4, page: 1, page_size: 50 });
    expect(r.body.items.map((w: { psn_no: string }) => w.psn_no)).toEqual(["Q1", "K1", "P2", "P1"]);
    const p1 = r.body.items.find((w: { psn_no: string }) => w.psn_no === "P1");
    expect(p1).toMatchObject({
      id: ids.P1, admdvs: "451000", admdvs_name: "百色市", policy_id: "451000-2022", state: "new", state_name: "新预警", criteria: ["window"],
      criteria_names: ["近期个人自付超过预警线"], proactive: true, category: null, category_name: null, window_from: "2021-04-02", window_to: "2022-04-01",
      window_self_paid: 16000.01, household_income: null, max_single_self_paid: 8000.01, settlement_count: 2, below_threshold: false,
    });
    expect(p1.explanation).toMatch(/^近12个月政策范围内个人自付 16,000.01 元，超过预警线 16,000.00 元；/);
  });

  it("filters by state, category, the proactive list, an amount, a region inside the caller's, a person", async () => {
    expect(psnsOf((await admin.get("/api/v1/warnings?state=new")).body)).toEqual(["K1", "P1", "P2", "Q1"]);
    expect((await admin.get("/api/v1/warnings?state=closed")).body.total).toBe(0);
    expect(psnsOf((await admin.get("/api/v1/warnings?category=monitored")).body)).toEqual(["P2"]);
    expect(psnsOf((await admin.get("/api/v1/warnings?proactive=false")).body)).toEqual(["P2"]);
    expect(psnsOf((await admin.get("/api/v1/warnings?proactive=true")).body)).toEqual(["K1", "P1", "Q1"]);
    expect(psnsOf((await admin.get("/api/v1/warnings?min_window_self_paid=16000.01")).body)).toEqual(["K1", "P1", "Q1"]);
    expect(psnsOf((await admin.get("/api/v1/warnings?min_window_self_paid=16000.02")).body)).toEqual(["K1", "Q1"]);
    expect(psnsOf((await admin.get("/api/v1/warnings?admdvs=451000")).body)).toEqual(["K1", "P1", "P2"]);
    expect(psnsOf((await admin.get("/api/v1/warnings?admdvs=451026")).body)).toEqual(["K1"]);
    expect(psnsOf((await admin.get("/api/v1/warnings?psn_no=Q1")).body)).toEqual(["Q1"]);
    expect((await admin.get("/api/v1/warnings?below_threshold=true")).body.total).toBe(0);
    const page = await admin.get("/api/v1/warnings?page_size=1&page=2");
    expect([page.body.total, psnsOf(page.body)]).toEqual([4, ["K1"]]);
  });

  it("refuses a filter it cannot read, naming it", async () => {
    expectError(await admin.get("/api/v1/warnings?state=open"), 400, "invalid_input", "query.state");
    expectError(await admin.get("/api/v1/warnings?category=poor"), 400, "invalid_input", "query.category");
    expectError(await admin.get("/api/v1/warnings?proactive=yes"), 400, "invalid_input", "query.proactive");
    expectError(await admin.get("/api/v1/warnings?min_window_self_paid=12.345"), 400, "invalid_input", "query.min_window_self_paid");
    expectError(await admin.get("/api/v1/warnings?min_window_self_paid=-1"), 400, "invalid_input", "query.min_window_self_paid");
    expectError(await admin.get("/api/v1/warnings?admdvs=4510"), 400, "invalid_input", "query.admdvs");
    expectError(await admin.get("/api/v1/warnings?amount=1"), 400, "invalid_input", "query.amount");
  });

  it("shows a clerk only the people of their region: a prefecture its counties, a county itself", async () => {
    expect(psnsOf((await clerk.get("/api/v1/warnings")).body)).toEqual(["K1", "P1", "P2"]);
    expect(psnsOf((await county.get("/api/v1/warnings")).body)).toEqual(["K1"]);
    expect(psnsOf((await nanchang.get("/api/v1/warnings")).body)).toEqual(["Q1"]);
    expect(psnsOf((await auditor.get("/api/v1/warnings")).body)).toEqual(["K1", "P1", "P2"]);
    expectError(await county.get("/api/v1/warnings?admdvs=451000"), 403, "forbidden", "query.admdvs");
    expectError(await clerk.get("/api/v1/warnings?admdvs=360100"), 403, "forbidden", "query.admdvs");
    expect(psnsOf((await county.get("/api/v1/warnings?psn_no=P1")).body)).toEqual([]);
  });

  it("is refused to a hospital and to an insured person", async () => {
    const hospital = await signedInApi(platform.app, platform.database, { role: "hospital", admdvs: "451000", fixmedins_code: "H45100000001" });
    expectError(await hospital.get("/api/v1/warnings"), 403, "forbidden", null);
    const insured = await signedInApi(platform.app, platform.database, { role: "insured", admdvs: "451000", psn_no: "P1" });
    expectError(await insured.get("/api/v1/warnings"), 403, "forbidden", null);
    expectError(await insured.get(`/api/v1/warnings/${ids.P1}`), 403, "forbidden", null);
  });
});

describe("GET /api/v1/warnings/{id}", () => {
  it("shows the figures, the settlements behind them and the events", async () => {
    const r = await clerk.get(`/api/v1/warnings/${ids.P1}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: ids.P1, psn_no: "P1", window_self_paid: 16000.01, allowed_actions: ["contact"] });
    expect(r.body.settlements).toEqual([
      expect.objectContaining({ setl_time: "2022-03-01 10:00:00", fixmedins_name: "百色市人民医院", med_type: "21", med_type_name: "普通住院", medfee_sumamt: 12873.45, self_paid: 8000, status: "settled" }),
      expect.objectContaining({ setl_time: "2022-04-01 10:00:00", medfee_sumamt: 12873.46, self_paid: 8000.01, status: "settled" }),
    ]);
    expect(r.body.events).toEqual([
      expect.objectContaining({ actor: "system", action: "raised", action_name: "触发预警", from_state: null, to_state: "new", note: expect.stringContaining("触发预警") }),
    ]);
  });

  it("is 403 outside the caller's region, 404 for none, 400 for an id that is not one", async () => {
    expect((await county.get(`/api/v1/warnings/${ids.K1}`)).status).toBe(200);
    expectError(await county.get(`/api/v1/warnings/${ids.P1}`), 403, "forbidden", "params.id");
    expectError(await nanchang.get(`/api/v1/warnings/${ids.P1}`), 403, "forbidden", "params.id");
    expectError(await clerk.get(`/api/v1/warnings/${ids.Q1}`), 403, "forbidden", "params.id");
    expectError(await clerk.get("/api/v1/warnings/999999"), 404, "not_found", "params.id");
    expectError(await clerk.get("/api/v1/warnings/abc"), 400, "invalid_input", "params.id");
  });
});

describe("POST /api/v1/warnings/{id}/actions", () => {
  it("moves a warning by the clerk's actions, recording who and why", async () => {
    const contacted = await clerk.post(`/api/v1/warnings/${ids.P1}/actions`, { action: "contact", note: "入户走访，核实住院费用" });
    expect(contacted.status).toBe(200);
    expect(contacted.body).toMatchObject({ state: "contacted", state_name: "已联系", allowed_actions: ["help", "not_eligible"] });
    expect(contacted.body.events.at(-1)).toMatchObject({ actor: clerk.username, action: "contact", action_name: "联系核实", from_state: "new", to_state: "contacted", note: "入户走访，核实住院费用" });
    const helped = await clerk.post(`/api/v1/warnings/${ids.P1}/actions`, { action: "help", note: "代为提交依申请救助" });
    expect(helped.body.state).toBe("helped");
    const closed = await clerk.post(`/api/v1/warnings/${ids.P1}/actions`, { action: "close" });
    expect(closed.body).toMatchObject({ state: "closed", allowed_actions: [] });
    expect(closed.body.events.map((e: { action: string; actor: string }) => [e.action, e.actor])).toEqual([
      ["raised", "system"], ["contact", clerk.username], ["help", clerk.username], ["close", clerk.username],
    ]);
  });

  it("refuses what the state does not allow (409), bad input (400), and changes nothing", async () => {
    const before = (await clerk.get(`/api/v1/warnings/${ids.P2}`)).body;
    expectError(await clerk.post(`/api/v1/warnings/${ids.P2}/actions`, { action: "help" }), 409, "conflict", "body.action");
    expectError(await clerk.post(`/api/v1/warnings/${ids.P2}/actions`, { action: "close" }), 409, "conflict", "body.action");
    expectError(await clerk.post(`/api/v1/warnings/${ids.P1}/actions`, { action: "contact" }), 409, "conflict", "body.action");
    expectError(await clerk.post(`/api/v1/warnings/${ids.P2}/actions`, { action: "forget" }), 400, "invalid_input", "body.action");
    expectError(await clerk.post(`/api/v1/warnings/${ids.P2}/actions`, { action: "contact", note: "字".repeat(501) }), 400, "invalid_input", "body.note");
    expectError(await clerk.post(`/api/v1/warnings/${ids.P2}/actions`, { action: "contact", by: "someone" }), 400, "invalid_input", "body.by");
    await clerk.post(`/api/v1/warnings/${ids.P2}/actions`, { action: "contact" });
    expectError(await clerk.post(`/api/v1/warnings/${ids.P2}/actions`, { action: "not_eligible" }), 400, "invalid_input", "body.note");
    const after = (await clerk.get(`/api/v1/warnings/${ids.P2}`)).body;
    expect(after.events.length).toBe(before.events.length + 1);
    expect(after.state).toBe("contacted");
    const ne = await clerk.post(`/api/v1/warnings/${ids.P2}/actions`, { action: "not_eligible", note: "家庭收入高于低保标准两倍" });
    expect(ne.body).toMatchObject({ state: "not_eligible", state_name: "经核实不符合救助条件" });
  });

  it("is refused to an auditor (403), outside the clerk's region (403), and 404 for no warning", async () => {
    expectError(await auditor.post(`/api/v1/warnings/${ids.K1}/actions`, { action: "contact" }), 403, "forbidden", null);
    expectError(await county.post(`/api/v1/warnings/${ids.P2}/actions`, { action: "close" }), 403, "forbidden", "params.id");
    expectError(await nanchang.post(`/api/v1/warnings/${ids.K1}/actions`, { action: "contact" }), 403, "forbidden", "params.id");
    expectError(await clerk.post("/api/v1/warnings/999999/actions", { action: "contact" }), 404, "not_found", "params.id");
    expect((await admin.get(`/api/v1/warnings/${ids.K1}`)).body.state).toBe("new");
    const own = await county.post(`/api/v1/warnings/${ids.K1}/actions`, { action: "contact" });
    expect(own.body.state).toBe("contacted");
  });
});

describe("POST /api/v1/warnings/scan", () => {
  it("scans the caller's region by default, idempotently", async () => {
    await storeSettlement(platform.database, { psn_no: "P3", time: "2022-10-01 10:00:00", self_paid_fen: 1_600_100 });
    const r = await clerk.post("/api/v1/warnings/scan", { year: 2022 });
    expect(r.status).toBe(200);
    // 百色 (451000) takes 那坡 (451026), whose people have no thresholds under the shipped policies (K1 is left as it is).
    // P1's spending is what its closed warning held: nothing new. P2's warning keeps its figures over the year's window.
    expect(r.body).toEqual({
      year: 2022, admdvs: "451000", date: "2022-12-31", persons: 4, without_policy: 1, candidates: 4,
      raised: 1, rechecked: 0, below_threshold: 0, above_threshold: 0, unchanged: 1, none: 1,
    });
    const p3 = (await clerk.get("/api/v1/warnings?psn_no=P3")).body.items[0];
    expect(p3).toMatchObject({ window_from: "2022-01-01", window_to: "2022-12-31", window_self_paid: 16001, criteria: ["window", "single"] });
    const events = (await clerk.get(`/api/v1/warnings/${p3.id}`)).body.events;
    expect(events).toEqual([expect.objectContaining({ actor: clerk.username, action: "raised", note: expect.stringMatching(/^2022年度预警扫描触发预警/) })]);
    const again = await clerk.post("/api/v1/warnings/scan", { year: 2022 });
    expect(again.body).toMatchObject({ raised: 0, rechecked: 0, unchanged: 2 });
  });

  it("is refused to an auditor, outside the caller's region, and for a year that is not one", async () => {
    expectError(await auditor.post("/api/v1/warnings/scan", { year: 2022 }), 403, "forbidden", null);
    expectError(await county.post("/api/v1/warnings/scan", { year: 2022, admdvs: "451000" }), 403, "forbidden", "body.admdvs");
    expectError(await clerk.post("/api/v1/warnings/scan", { year: 1999 }), 400, "invalid_input", "body.year");
    expectError(await clerk.post("/api/v1/warnings/scan", {}), 400, "invalid_input", "body.year");
    expectError(await clerk.post("/api/v1/warnings/scan", { year: 2098 }), 400, "invalid_input", "body.year");
  });
});

describe("GET /api/v1/me/warnings", () => {
  it("shows the insured their own warnings' outcome, without the staff's names", async () => {
    const insured = await signedInApi(platform.app, platform.database, { role: "insured", admdvs: "451000", psn_no: "P1" });
    const r = await insured.get("/api/v1/me/warnings");
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(1);
    expect(r.body.items[0]).toMatchObject({ id: ids.P1, state: "closed", state_name: "已办结", window_self_paid: 16000.01, criteria_names: ["近期个人自付超过预警线"] });
    expect(r.body.items[0].history.map((h: { action_name: string; state: string; note: string | null }) => [h.action_name, h.state])).toEqual([
      ["触发预警", "new"], ["联系核实", "contacted"], ["落实帮扶", "helped"], ["办结", "closed"],
    ]);
    expect(JSON.stringify(r.body)).not.toContain(clerk.username);
    const other = await signedInApi(platform.app, platform.database, { role: "insured", admdvs: "360100", psn_no: "Q1" });
    expect((await other.get("/api/v1/me/warnings")).body.items.map((w: { id: number }) => w.id)).toEqual([ids.Q1]);
    const p3 = await signedInApi(platform.app, platform.database, { role: "insured", admdvs: "451000", psn_no: "P3" });
    expect((await p3.get("/api/v1/me/warnings")).body.items.map((w: { state: string }) => w.state)).toEqual(["new"]);
  });

  it("is refused to staff", async () => {
    expectError(await clerk.get("/api/v1/me/warnings"), 403, "forbidden", null);
    expectError(await auditor.get("/api/v1/me/warnings"), 403, "forbidden", null);
  });
});
