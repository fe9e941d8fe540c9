import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { todayInChina } from "../../src/services/common/index.js";
import { encounters, settlements } from "../../src/store/schema.js";
import { H3, makeId, openTestPlatform, sqlRows, type TestPerson, type TestPlatform } from "../support/his.js";
import { expectError, signedInApi, type Answer, type Api } from "./support.js";

/**
 * Assistance on application over the REST API: a clerk previews, files on a person's behalf, approves and pays; an
 * auditor reads and never writes; a clerk of another region or of a county does not see the prefecture's people; an
 * insured person applies on the portal and sees only their own. Amounts in yuan on the wire, to the fen.
 *
 * The clerks' applications are dated 2022-09-15 (a paper application received then) over stored settlements of 2022; the
 * approvals are today's, so the once-a-year rule is this calendar year's. The portal's application is dated today, over
 * settlements stored a few days before it.
 */

const person = (psnNo: string, serial: number, admdvs = "451000"): TestPerson => ({
  psn_no: psnNo, certno: makeId(admdvs === "360100" ? "360102" : admdvs === "451026" ? "451026" : "451002", "1962-02-02", serial), insutype: "390", admdvs,
  categories: [{ type: "monitored", begin: "2020-01-01", end: null }],
});

let platform: TestPlatform;
let clerk: Api & { username: string };
let auditor: Api;
let nanchang: Api;
let county: Api;
let hospital: Api;
let insured: Api & { username: string };
let other: Api;

/** A day `days` before today in China. */
const daysAgo = (days: number) => todayInChina(new Date(Date.now() - days * 86_400_000));

/** A settled stay of 100,000.00 in-policy leaving `burden` yuan to the person. */
async function bill(psnNo: string, setlId: string, date: string, burden: number, admdvs = "451000") {
  const db = platform.database.db;
  const inscp = 10_000_000;
  const left = Math.round(burden * 100);
  await db.insert(encounters).values({
    mdtrt_id: `M${setlId}`, psn_no: psnNo, insutype: "390", fixmedins_code: H3, kind: "inpatient", med_type: "21", mdtrtarea_admvs: "451000",
    insuplc_admdvs: admdvs, begntime: `${date} 08:00:00`, status: "settled",
  });
  await db.insert(settlements).values({
    setl_id: setlId, mdtrt_id: `M${setlId}`, psn_no: psnNo, fixmedins_code: H3, insutype: "390", med_type: "21", insuplc_admdvs: admdvs,
    mdtrtarea_admvs: "451000", setl_time: `${date} 10:00:00`, year: Number(date.slice(0, 4)), policy_id: admdvs === "360100" ? "360100-2022" : "451000-2022", medfee_sumamt: inscp,
    inscp_scp_amt: inscp, hifp_pay: inscp - left, fund_pay_sumamt: inscp - left, psn_part_amt: left, psn_cash_pay: left, setlinfo: {}, delta: {}, steps: [],
  });
}

beforeAll(async () => {
  platform = await openTestPlatform([person("QA", 601), person("QB", 602, "360100"), person("QC", 603), person("QD", 604), person("QE", 605), person("QF", 606, "451026")]);
  const { app, database } = platform;
  clerk = await signedInApi(app, database, { role: "clerk", admdvs: "451000" });
  auditor = await signedInApi(app, database, { role: "auditor", admdvs: "451000" });
  nanchang = await signedInApi(app, database, { role: "clerk", admdvs: "360100" });
  county = await signedInApi(app, database, { role: "clerk", admdvs: "451026" });
  hospital = await signedInApi(app, database, { role: "hospital", admdvs: "451000", fixmedins_code: H3 });
  insured = await signedInApi(app, database, { role: "insured", admdvs: "451000", psn_no: "QC" });
  other = await signedInApi(app, database, { role: "insured", admdvs: "451000", psn_no: "QD" });
  await bill("QA", "TA1", "2022-03-01", 25_000);
  await bill("QA", "TA2", "2022-08-20", 15_000);
  await bill("QB", "TB1", "2022-05-01", 40_000, "360100");
  await bill("QC", "TC1", daysAgo(20), 30_000);
  await bill("QD", "TD1", "2022-05-01", 40_000);
  await bill("QE", "TE1", "2022-05-01", 40_000);
  await bill("QF", "TF1", "2022-05-01", 40_000, "451026");
});
afterAll(async () => platform?.close());

const declaration = (psnNo: string, more: Record<string, unknown> = {}) => ({
  psn_no: psnNo, household_size: 4, household_income: 5000, application_date: "2022-09-15", ...more,
});

/** What an assistance refusal must leave as it was. */
async function assistanceState(): Promise<string> {
  const rows = await Promise.all(["assistance_applications", "assistance_events", "ledger_transfers"].map((t) =>
    sqlRows(platform.database, sql`select * from ${sql.raw(t)} order by 1`)));
  return JSON.stringify(rows);
}

async function unchanged(call: () => Promise<Answer>): Promise<Answer> {
  const before = await assistanceState();
  const answer = await call();
  expect(await assistanceState()).toBe(before);
  return answer;
}

describe("a clerk's application on a person's behalf", () => {
  let id = "";

  it("previews the calculation in yuan without filing", async () => {
    const r = await unchanged(() => clerk.post("/api/v1/assistance/preview", declaration("QA")));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ psn_no: "QA", admdvs: "451000", application_date: "2022-09-15" });
    expect(r.body.calculation).toMatchObject({
      kind: "application", kind_name: "依申请救助", policy_id: "451000-2022", fund_pay_type: "610100", window: { from: "2021-09-16", to: "2022-09-15", months: 12 },
      eligible: true, eligibility: { income: { per_capita: 5000, limit: 10800, passed: true }, category: "monitored", category_name: "防返贫监测对象", refusal: null },
      settlements: [
        { setl_id: "TA1", setl_date: "2022-03-01", inscp_scp_amt: 100000, funds: 75000, burden: 25000 },
        { setl_id: "TA2", setl_date: "2022-08-20", inscp_scp_amt: 100000, funds: 85000, burden: 15000 },
      ],
      burden: 40000, deducted: 0, base: 40000, threshold: 10000, above: 30000, ratio: 0.6, raw: 18000, annual_limit: 100000, amount: 18000,
    });
    expect(r.body.calculation.steps.at(-1).text).toContain("基数40000.00元超过起付标准10000.00元的部分30000.00元×救助比例60%=18000.00元");
  });

  it("takes the income test to the fen: 10,799.99 is eligible, 10,800.00 is not", async () => {
    const inside = await clerk.post("/api/v1/assistance/preview", declaration("QA", { household_income: "10799.99" }));
    expect([inside.body.calculation.eligible, inside.body.calculation.amount]).toEqual([true, 18000]);
    const outside = await clerk.post("/api/v1/assistance/preview", declaration("QA", { household_income: 10800 }));
    expect([outside.body.calculation.eligible, outside.body.calculation.amount]).toEqual([false, 0]);
    expect(outside.body.calculation.eligibility.refusal.field).toBe("household_income");
  });

  it("files it (201), recorded as the signed-in clerk's, through the console", async () => {
    const r = await clerk.post("/api/v1/assistance/applications", declaration("QA", { note: "社区代为申请" }));
    expect(r.status).toBe(201);
    id = r.body.application_id;
    expect(r.body).toMatchObject({
      psn_no: "QA", admdvs: "451000", admdvs_name: "百色市", kind: "application", fund_pay_type: "610100", fund_pay_type_name: "医疗救助基金",
      state: "submitted", state_name: "已提交", filed_by: clerk.username, filed_via: "console", household_size: 4, household_income: 5000,
      base: 40000, amount: 18000, setl_ids: ["TA1", "TA2"], approval_year: null, note: "社区代为申请",
    });
    expect(r.body.events).toEqual([expect.objectContaining({ actor: clerk.username, action: "file", to_state: "submitted" })]);
  });

  it("lists and shows it with its events", async () => {
    const list = await clerk.get("/api/v1/assistance/applications?psn_no=QA&state=submitted&kind=application");
    expect([list.body.total, list.body.items[0].application_id]).toEqual([1, id]);
    expect(list.body.items[0].events).toBeUndefined();
    expect((await clerk.get("/api/v1/assistance/applications?state=paid")).body.total).toBe(0);
    const one = await clerk.get(`/api/v1/assistance/applications/${id}`);
    expect(one.body).toMatchObject({ application_id: id, amount: 18000, events: [{ action: "file" }] });
    expectError(await clerk.get("/api/v1/assistance/applications?state=closed"), 400, "invalid_input", "query.state");
    expectError(await clerk.get("/api/v1/assistance/applications/ASA20220915000000000000"), 404, "not_found", "params.id");
    expectError(await clerk.get("/api/v1/assistance/applications/not-an-id"), 400, "invalid_input", "params.id");
  });

  it("approves once, pays the approved amount once, as a ledger transfer from the fund to the person", async () => {
    const approved = await clerk.post(`/api/v1/assistance/applications/${id}/approve`, {});
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ state: "approved", reviewed_by: clerk.username, approval_year: Number(todayInChina().slice(0, 4)), amount: 18000 });
    expectError(await unchanged(() => clerk.post(`/api/v1/assistance/applications/${id}/approve`, {})), 409, "conflict", "params.id");
    const wrong = await unchanged(() => clerk.post(`/api/v1/assistance/applications/${id}/pay`, { amount: 18000.01 }));
    expectError(wrong, 409, "conflict", "body.amount");
    expect(wrong.body.error.message).toMatch(/was approved for 18000\.00 yuan, not 18000\.01: pay what was approved$/);
    const paid = await clerk.post(`/api/v1/assistance/applications/${id}/pay`, { amount: 18000 });
    expect(paid.status).toBe(200);
    expect(paid.body.transfer).toEqual({ debit_account: "fund:610100:451000", credit_account: "person:QA", amount: 18000, fund_pay_type: "610100" });
    expect(paid.body.application).toMatchObject({ state: "paid", paid_by: clerk.username });
    const twice = await unchanged(() => clerk.post(`/api/v1/assistance/applications/${id}/pay`, {}));
    expectError(twice, 409, "conflict", "params.id");
    expect(twice.body.error.message).toMatch(/paying twice is refused$/);
    const [ledger] = await sqlRows<{ n: number | string; total: number | string }>(platform.database, sql`
      select count(*) as n, sum(amount_fen) as total from ledger_transfers where application_id = ${id} and kind = 'assistance'`);
    expect([Number(ledger?.n), Number(ledger?.total)]).toEqual([1, 1_800_000]);
  });

  it("refuses a second approval of the person's application-based assistance this year (409), and rejects with a reason", async () => {
    const again = await clerk.post("/api/v1/assistance/applications", declaration("QA", { application_date: "2022-10-01" }));
    const refused = await unchanged(() => clerk.post(`/api/v1/assistance/applications/${again.body.application_id}/approve`, {}));
    expectError(refused, 409, "conflict", "psn_no");
    expect(refused.body.error.message).toMatch(new RegExp(`^QA already has application-based assistance \\(依申请救助\\) approved in ${todayInChina().slice(0, 4)} \\(application ${id}\\)`));
    expectError(await clerk.post(`/api/v1/assistance/applications/${again.body.application_id}/reject`, {}), 400, "invalid_input", "body.reason");
    const rejected = await clerk.post(`/api/v1/assistance/applications/${again.body.application_id}/reject`, { reason: "本年度已获依申请救助" });
    expect(rejected.body).toMatchObject({ state: "rejected", reject_reason: "本年度已获依申请救助" });
    expectError(await clerk.post(`/api/v1/assistance/applications/${again.body.application_id}/reject`, { reason: "again" }), 409, "conflict", "params.id");
  });

  it("then files the secondary assistance on what the first left: (40,000 − 18,000 − 5,000) × 50% = 8,500.00 from fund 610102", async () => {
    const s = await clerk.post("/api/v1/assistance/applications", declaration("QA", { kind: "secondary", application_date: "2022-09-20" }));
    expect(s.body).toMatchObject({ kind: "secondary", kind_name: "再救助", fund_pay_type: "610102", base: 22000, amount: 8500 });
    await clerk.post(`/api/v1/assistance/applications/${s.body.application_id}/approve`, {});
    const paid = await clerk.post(`/api/v1/assistance/applications/${s.body.application_id}/pay`, { amount: "8500.00" });
    expect(paid.body.transfer).toEqual({ debit_account: "fund:610102:451000", credit_account: "person:QA", amount: 8500, fund_pay_type: "610102" });
  });

  it("names the field of bad input", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ household_income: "12.345" }, "body.household_income"],
      [{ household_income: -1 }, "body.household_income"],
      [{ household_size: 0 }, "body.household_size"],
      [{ kind: "third" }, "body.kind"],
      [{ application_date: "2999-01-01" }, "body.application_date"],
      [{ psn_no: "NOBODY" }, "body.psn_no"],
      [{ warning_id: 12345 }, "body.warning_id"],
      [{ filed_via: "portal" }, "body.filed_via"],
    ];
    for (const [more, field] of cases) expectError(await unchanged(() => clerk.post("/api/v1/assistance/applications", declaration("QE", more))), 400, "invalid_input", field);
    const { household_size: _, ...withoutSize } = declaration("QE");
    expectError(await clerk.post("/api/v1/assistance/applications", withoutSize), 400, "invalid_input", "body.household_size");
  });
});

describe("who may do what", () => {
  let qe = "";
  beforeAll(async () => {
    qe = (await clerk.post("/api/v1/assistance/applications", declaration("QE"))).body.application_id;
  });

  it("an auditor reads and previews, and never writes (403)", async () => {
    expect((await auditor.get("/api/v1/assistance/applications?psn_no=QE")).body.total).toBe(1);
    expect((await auditor.get(`/api/v1/assistance/applications/${qe}`)).status).toBe(200);
    expect((await auditor.post("/api/v1/assistance/preview", declaration("QE"))).status).toBe(200);
    for (const [url, body] of [
      ["/api/v1/assistance/applications", declaration("QE")],
      [`/api/v1/assistance/applications/${qe}/approve`, {}],
      [`/api/v1/assistance/applications/${qe}/reject`, { reason: "x" }],
      [`/api/v1/assistance/applications/${qe}/pay`, {}],
    ] as const) {
      expectError(await unchanged(() => auditor.post(url, body)), 403, "forbidden", null);
    }
  });

  it("a clerk of another region sees none of the region's applications and may act on none (403)", async () => {
    expect((await nanchang.get("/api/v1/assistance/applications?psn_no=QE")).body.total).toBe(0);
    expectError(await nanchang.get(`/api/v1/assistance/applications/${qe}`), 403, "forbidden", "params.id");
    expectError(await unchanged(() => nanchang.post(`/api/v1/assistance/applications/${qe}/approve`, {})), 403, "forbidden", "params.id");
    expectError(await unchanged(() => nanchang.post(`/api/v1/assistance/applications/${qe}/pay`, {})), 403, "forbidden", "params.id");
    expectError(await unchanged(() => nanchang.post("/api/v1/assistance/applications", declaration("QE"))), 403, "forbidden", "body.psn_no");
    expectError(await nanchang.post("/api/v1/assistance/preview", declaration("QE")), 403, "forbidden", "body.psn_no");
    expectError(await nanchang.get("/api/v1/assistance/applications?admdvs=451000"), 403, "forbidden", "query.admdvs");
    // Their own people they serve: QB, insured in Nanchang, under the policy 360100-2022.
    const own = await nanchang.post("/api/v1/assistance/applications", declaration("QB"));
    expect(own.body).toMatchObject({ admdvs: "360100", policy_id: "360100-2022", base: 40000 });
    expect((await nanchang.get("/api/v1/assistance/applications")).body.items.map((a: { psn_no: string }) => a.psn_no)).toEqual(["QB"]);
    expectError(await clerk.get(`/api/v1/assistance/applications/${own.body.application_id}`), 403, "forbidden", "params.id");
  });

  it("a clerk of a county sees only its people: those insured in the county, none insured at the prefecture", async () => {
    expect((await county.get("/api/v1/assistance/applications")).body.total).toBe(0);
    expectError(await county.get(`/api/v1/assistance/applications/${qe}`), 403, "forbidden", "params.id");
    expectError(await unchanged(() => county.post("/api/v1/assistance/applications", declaration("QE"))), 403, "forbidden", "body.psn_no");
    // 那坡县's own: insured in 451026, under the policy of its pooling region 百色市 (451000-2022).
    const own = await county.post("/api/v1/assistance/applications", declaration("QF"));
    expect(own.body).toMatchObject({ admdvs: "451026", admdvs_name: "那坡县", policy_id: "451000-2022", amount: 18000 });
    expect((await county.get("/api/v1/assistance/applications")).body.items.map((a: { psn_no: string }) => a.psn_no)).toEqual(["QF"]);
    expectError(await county.get("/api/v1/assistance/applications?admdvs=451000"), 403, "forbidden", "query.admdvs");
    // The prefecture's clerk sees the county's applications too.
    expect((await clerk.get(`/api/v1/assistance/applications/${own.body.application_id}`)).status).toBe(200);
    expect((await clerk.get("/api/v1/assistance/applications?admdvs=451026")).body.items.map((a: { psn_no: string }) => a.psn_no)).toEqual(["QF"]);
  });

  it("a hospital has no door here (403)", async () => {
    expectError(await hospital.get("/api/v1/assistance/applications"), 403, "forbidden", null);
    expectError(await hospital.post("/api/v1/me/assistance/applications", { household_size: 3, household_income: 4000 }), 403, "forbidden", null);
  });
});

describe("the insured person's portal", () => {
  it("previews and applies with the household's declaration, dated today, and cannot certify their own difficulty", async () => {
    const preview = await insured.post("/api/v1/me/assistance/preview", { household_size: 3, household_income: "4000.00" });
    expect(preview.body).toMatchObject({ application_date: todayInChina(), calculation: { base: 30000, amount: 12000, eligible: true } });
    expectError(await unchanged(() => insured.post("/api/v1/me/assistance/applications", { household_size: 3, household_income: 4000, certified_difficulty: true })),
      400, "invalid_input", "body.certified_difficulty");
    expectError(await unchanged(() => insured.post("/api/v1/me/assistance/applications", { household_size: 3, household_income: 4000, psn_no: "QD" })),
      400, "invalid_input", "body.psn_no");
    const r = await insured.post("/api/v1/me/assistance/applications", { household_size: 3, household_income: 4000, note: "家中两位老人，均患慢性病" });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      psn_no: "QC", application_date: todayInChina(), state: "submitted", filed_by: insured.username, filed_via: "portal", base: 30000, amount: 12000,
      certified_difficulty: false,
    });
    expect(r.body.certno).toMatch(/^451002\*{8}\d{3}[\dX]$/);
  });

  it("shows the person their own applications only, and their state as a clerk moves it", async () => {
    await clerk.post("/api/v1/assistance/applications", declaration("QD"));
    const mine = await insured.get("/api/v1/me/assistance/applications");
    expect(mine.body.items.map((a: { psn_no: string }) => a.psn_no)).toEqual(["QC"]);
    const id = mine.body.items[0].application_id;
    await clerk.post(`/api/v1/assistance/applications/${id}/approve`, {});
    expect((await insured.get("/api/v1/me/assistance/applications")).body.items[0]).toMatchObject({ state: "approved", state_name: "已批准", amount: 12000 });
    expect((await other.get("/api/v1/me/assistance/applications")).body.items.map((a: { psn_no: string }) => a.psn_no)).toEqual(["QD"]);
    expectError(await insured.get("/api/v1/assistance/applications"), 403, "forbidden", null);
    expectError(await insured.get(`/api/v1/assistance/applications/${id}`), 403, "forbidden", null);
    expectError(await unchanged(() => insured.post(`/api/v1/assistance/applications/${id}/pay`, {})), 403, "forbidden", null);
    expectError(await clerk.post("/api/v1/me/assistance/applications", { household_size: 3, household_income: 4000 }), 403, "forbidden", null);
  });
});
