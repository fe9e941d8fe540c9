import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "../../src/api/server.js";
import { SIGNIN_REFUSED } from "../../src/api/v1/identity/auth.js";
import { TEST_LIMITS } from "../support/limits.js";
import { createUser, LOCK_MINUTES, MAX_FAILED_ATTEMPTS } from "../../src/services/identity/auth.js";
import { issueVoucher } from "../../src/services/identity/voucher.js";
import { H2, H3, HisSession, makeId, openTestPlatform, type ParsedJson, type TestPlatform } from "../support/his.js";
import { apiClient, expectError, signedInApi, TEST_PASSWORD, type Api } from "./support.js";

/**
 * The console's and the portal's API: sign-in, lock-out and the sign-in log; what each role may see (its region, its
 * hospital, its own records); settlements with their lines and explanations, the dashboard, the reconciliation against
 * the ledger; the electronic voucher accepted by 1101 and 1162; uploads imported in the background with their report.
 */

const DESTITUTE = { psn_no: "P451000000001", certno: makeId("451002", "1958-04-12", 11), insutype: "390" as const, categories: [{ type: "destitute", begin: "2022-01-01", end: null }] };
const RESIDENT = { psn_no: "P451000000002", certno: makeId("451002", "1990-07-01", 22), insutype: "390" as const };
const NANCHANG = { psn_no: "P360100000001", certno: makeId("360102", "1970-05-05", 33), insutype: "390" as const, admdvs: "360100" };

const A01 = "XJ01CAA040A001010100973"; // 阿莫西林胶囊, class 01
const B02 = "XC08CAA053A008010100212"; // 硝苯地平控释片, class 02, 10% self-pay first
const C03 = "ZZ9999990000000000001"; // class 03

let platform: TestPlatform;
let admin: Api;
let his: HisSession;
let setlId = "";

beforeAll(async () => {
  platform = await openTestPlatform([DESTITUTE, RESIDENT, NANCHANG]);
  admin = await signedInApi(platform.app, platform.database, { role: "admin", admdvs: "451000" });
  his = new HisSession(platform.app, H3);
  await his.signIn();
  // One outpatient visit of the destitute resident, settled: 2201 → 2204 → 2207.
  const reg = await his.ok("2201", { data: { psn_no: DESTITUTE.psn_no, insutype: "390", begntime: "2022-03-01 08:30:00", mdtrt_cert_type: "02", mdtrt_cert_no: DESTITUTE.certno, ipt_otp_no: "MZ001", dept_code: "A01", dept_name: "内科", caty: "A03" } });
  const mdtrt = reg.output.data.mdtrt_id as string;
  const line = (sn: string, code: string, pric: number, cnt: number) => ({
    feedetl_sn: sn, mdtrt_id: mdtrt, psn_no: DESTITUTE.psn_no, chrg_bchno: "B1", med_list_codg: code, medins_list_codg: code, pric, cnt,
    det_item_fee_sumamt: Math.round(pric * cnt * 100) / 100, fee_ocur_time: his.clock.time,
  });
  await his.ok("2204", { feedetail: [line("1", A01, 80, 10), line("2", B02, 50, 2), line("3", C03, 30, 1)] });
  const setl = await his.ok("2207", { data: { psn_no: DESTITUTE.psn_no, mdtrt_id: mdtrt, med_type: "11", insutype: "390", medfee_sumamt: 930, acct_used_flag: "0", psn_setlway: "01", chrg_bchno: "B1", invono: "INV1" } });
  setlId = setl.output.setlinfo.setl_id as string;
});
afterAll(async () => platform?.close());

const signIn = (username: string, password: string, headers: Record<string, string> = {}) =>
  platform.app.inject({ method: "POST", url: "/api/v1/auth/signin", payload: { username, password }, headers: { "user-agent": "vitest-browser", ...headers } });

describe("sign-in, sessions and the lock-out", () => {
  it("signs in with an HttpOnly, SameSite=Strict cookie that /auth/me accepts, and signs out for good", async () => {
    await createUser(platform.database.db, { username: "clerk_a", display_name: "经办员甲", role: "clerk", admdvs: "451000", password: TEST_PASSWORD });
    const r = await signIn("clerk_a", TEST_PASSWORD);
    expect(r.statusCode).toBe(200);
    const cookie = String(r.headers["set-cookie"]);
    expect(cookie).toMatch(/^yibao_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Expires=/);
    expect(r.json().user).toEqual({
      username: "clerk_a", display_name: "经办员甲", role: "clerk", role_name: "经办人员", admdvs: "451000", admdvs_name: "百色市", fixmedins_code: null, fixmedins_name: null, psn_no: null,
      must_change_password: false,
      // The region's latest settlement is of 2022 (this year has none): pages open on 2022.
      working_year: 2022,
    });
    const session = { cookie: cookie.split(";")[0] as string };
    const me = await platform.app.inject({ url: "/api/v1/auth/me", headers: session });
    expect(me.json().user.username).toBe("clerk_a");
    expect(me.json().expires_at).toBe(r.json().expires_at);
    expect(Date.parse(me.json().expires_at) - Date.now()).toBeGreaterThan(7.9 * 3_600_000);
    const out = await platform.app.inject({ method: "POST", url: "/api/v1/auth/signout", headers: session });
    expect(out.json()).toEqual({ signed_out: true });
    expect(String(out.headers["set-cookie"])).toContain("Expires=Thu, 01 Jan 1970");
    expectError(await apiClient(platform.app, undefined, session).get("/api/v1/auth/me"), 401, "unauthenticated", null);
  });

  it(`locks an account from one address after ${MAX_FAILED_ATTEMPTS} wrong passwords for ${LOCK_MINUTES} minutes, answers every failure alike, records every attempt and the lock-out`, async () => {
    await createUser(platform.database.db, { username: "clerk_b", display_name: "经办员乙", role: "clerk", admdvs: "451000", password: TEST_PASSWORD });
    const refused = { error: { code: "invalid_credentials", field: null, message: SIGNIN_REFUSED } };
    for (let i = 1; i <= MAX_FAILED_ATTEMPTS; i++) {
      const r = await signIn("clerk_b", "wrong-password");
      expect(r.statusCode).toBe(401);
      expect(r.json()).toEqual(refused);
    }
    // The right password does not open the account from the address that guessed, and says nothing more than a wrong one.
    const locked = await signIn("clerk_b", TEST_PASSWORD);
    expect(locked.statusCode).toBe(401);
    expect(locked.json()).toEqual(refused);
    // An unknown name and a disabled account answer exactly the same.
    const unknown = await signIn("nobody_here", "whatever");
    expect([unknown.statusCode, unknown.json()]).toEqual([401, refused]);
    const [lock] = await platform.database.db.execute(sql`select locked_until from signin_locks l join users u on u.id = l.user_id where u.username = 'clerk_b'`)
      .then((x) => (x as unknown as { rows: { locked_until: string | Date }[] }).rows);
    const until = new Date(lock?.locked_until ?? 0).getTime();
    expect(until - Date.now()).toBeGreaterThan((LOCK_MINUTES - 1) * 60_000);
    expect(until - Date.now()).toBeLessThanOrEqual(LOCK_MINUTES * 60_000);

    const auditor = await signedInApi(platform.app, platform.database, { role: "auditor", admdvs: "451000" });
    const log = await auditor.get("/api/v1/auth/signins?page_size=20");
    const mine = log.body.items.filter((a: { username: string }) => a.username === "clerk_b");
    expect(mine.map((a: { success: boolean; reason: string }) => `${a.success}:${a.reason}`)).toEqual([
      "false:locked", "false:lockout", ...Array(MAX_FAILED_ATTEMPTS - 1).fill("false:bad_password"),
    ]);
    expect(mine[0]).toMatchObject({ ip: "127.0.0.1", user_agent: "vitest-browser", display_name: "经办员乙" });
    // Unknown names have no region: a regional auditor does not see them.
    expect(log.body.items.some((a: { username: string }) => a.username === "nobody_here")).toBe(false);

    // From another address the owner still signs in: a guesser cannot lock the account out for everyone.
    const elsewhere = await platform.app.inject({ method: "POST", url: "/api/v1/auth/signin", payload: { username: "clerk_b", password: TEST_PASSWORD }, remoteAddress: "192.0.2.44" });
    expect(elsewhere.statusCode).toBe(200);
    // …which does not lift the lock of the guessing address.
    expect((await signIn("clerk_b", TEST_PASSWORD)).statusCode).toBe(401);

    await platform.database.db.execute(sql`update signin_locks set locked_until = now() - interval '1 second' where user_id = (select id from users where username = 'clerk_b')`);
    expect((await signIn("clerk_b", TEST_PASSWORD)).statusCode).toBe(200);
    // A success clears the address's count.
    const [left] = await platform.database.db.execute(sql`select count(*)::int as n from signin_locks l join users u on u.id = l.user_id where u.username = 'clerk_b' and l.ip = '127.0.0.1'`)
      .then((x) => (x as unknown as { rows: { n: number }[] }).rows);
    expect(left?.n).toBe(0);
  });

  it("counts wrong passwords sent at once, locks once, and a late one of them does not lift the lock", async () => {
    await createUser(platform.database.db, { username: "clerk_c", display_name: "经办员并发", role: "clerk", admdvs: "451000", password: TEST_PASSWORD });
    const answers = await Promise.all(Array.from({ length: MAX_FAILED_ATTEMPTS + 3 }, () => signIn("clerk_c", "wrong-password")));
    expect(answers.map((r) => r.statusCode)).toEqual(Array(MAX_FAILED_ATTEMPTS + 3).fill(401));
    const reasons = (await platform.database.db.execute(sql`select reason from signin_attempts where username = 'clerk_c' order by reason`)
      .then((x) => (x as unknown as { rows: { reason: string }[] }).rows)).map((r) => r.reason);
    expect(reasons.filter((r) => r === "lockout")).toEqual(["lockout"]);
    expect(reasons.filter((r) => r === "bad_password")).toHaveLength(MAX_FAILED_ATTEMPTS - 1);
    expect(reasons.filter((r) => r === "locked")).toHaveLength(3);
    expect((await signIn("clerk_c", TEST_PASSWORD)).statusCode).toBe(401);
  });

  it("takes about the same time for an unknown name, a wrong password, a locked and a disabled account (one scrypt each)", async () => {
    await createUser(platform.database.db, { username: "clerk_t", display_name: "经办员丁", role: "clerk", admdvs: "451000", password: TEST_PASSWORD });
    await createUser(platform.database.db, { username: "clerk_off", display_name: "经办员戊", role: "clerk", admdvs: "451000", password: TEST_PASSWORD });
    await platform.database.db.execute(sql`update users set active = false where username = 'clerk_off'`);
    await platform.database.db.execute(sql`insert into signin_locks (user_id, ip, failed_attempts, locked_until)
      select id, '127.0.0.1', 0, now() + interval '10 minutes' from users where username = 'clerk_t'`);
    const timed = async (username: string) => {
      const times: number[] = [];
      // The fastest of five: a busy machine only ever adds time, so the minimum is the cost of the work itself.
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        const r = await signIn(username, "wrong-password");
        times.push(performance.now() - started);
        expect(r.statusCode).toBe(401);
      }
      return Math.min(...times);
    };
    await createUser(platform.database.db, { username: "clerk_w", display_name: "经办员己", role: "clerk", admdvs: "451000", password: TEST_PASSWORD });
    const wrong = await timed("clerk_w");
    // A scrypt of N = 2^14 takes tens of milliseconds; before, a locked account answered in about 3 ms.
    expect(wrong).toBeGreaterThan(15);
    // Without a scrypt these paths answer in a few milliseconds: a third of a scrypt's time tells the two apart.
    for (const name of ["nobody_timed", "clerk_t", "clerk_off"]) expect(await timed(name)).toBeGreaterThan(wrong / 3);
  });

  it("behind a trusted proxy, marks the cookie Secure over https and logs the client's address", async () => {
    process.env.YIBAO_TRUST_PROXY = "1";
    const proxied = await buildServer({ services: platform.services, logger: false, web: false, limits: TEST_LIMITS });
    delete process.env.YIBAO_TRUST_PROXY;
    try {
      await createUser(platform.database.db, { username: "clerk_p", display_name: "经办员丙", role: "clerk", admdvs: "451000", password: TEST_PASSWORD });
      const r = await proxied.inject({
        method: "POST", url: "/api/v1/auth/signin", payload: { username: "clerk_p", password: TEST_PASSWORD },
        headers: { "x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.7" },
      });
      expect(String(r.headers["set-cookie"])).toMatch(/; HttpOnly; SameSite=Strict; Secure; Expires=/);
      const [logged] = await platform.database.db.execute(sql`select ip from signin_attempts where username = 'clerk_p'`).then((x) => (x as unknown as { rows: { ip: string }[] }).rows);
      expect(logged?.ip).toBe("203.0.113.7");
      // Without trust, the same headers change nothing.
      const plain = await signIn("clerk_p", TEST_PASSWORD, { "x-forwarded-proto": "https" });
      expect(String(plain.headers["set-cookie"])).not.toContain("Secure");
    } finally {
      await proxied.close();
    }
  });

  it("refuses every /api/v1 route but sign-in without a session, and a forged or expired token", async () => {
    const anonymous = apiClient(platform.app);
    expectError(await anonymous.get("/api/v1/persons?q=测试"), 401, "unauthenticated", null);
    expectError(await anonymous.get(`/api/v1/settlements/${setlId}`), 401, "unauthenticated", null);
    expectError(await apiClient(platform.app, undefined, { authorization: "Bearer forged" }).get("/api/v1/auth/me"), 401, "unauthenticated", null);
    const bob = await signedInApi(platform.app, platform.database, { role: "clerk", admdvs: "451000" });
    await platform.database.db.execute(sql`update user_sessions set expires_at = now() - interval '1 second'
      where user_id = (select id from users where username = ${bob.username})`);
    expectError(await bob.get("/api/v1/auth/me"), 401, "unauthenticated", null);
  });
});

describe("what each role sees", () => {
  it("a clerk of Nanchang sees Nanchang's persons and is refused Baise's", async () => {
    const nanchang = await signedInApi(platform.app, platform.database, { role: "clerk", admdvs: "360100" });
    // Nanchang has no settlement: its pages open on this year.
    expect((await nanchang.get("/api/v1/auth/me")).body.user.working_year).toBe(Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4)));
    const found = await nanchang.get("/api/v1/persons?q=测试");
    expect(found.body.items.map((p: { psn_no: string }) => p.psn_no)).toEqual([NANCHANG.psn_no]);
    expectError(await nanchang.get(`/api/v1/persons/${DESTITUTE.psn_no}`), 403, "forbidden", "params.psn_no");
    expectError(await nanchang.get("/api/v1/persons?admdvs=451000"), 403, "forbidden", "query.admdvs");
    expectError(await nanchang.get(`/api/v1/settlements/${setlId}`), 403, "forbidden", "params.setl_id");
    expect((await nanchang.get("/api/v1/settlements")).body.total).toBe(0);
    expect((await admin.get("/api/v1/persons?q=测试")).body.items.map((p: { psn_no: string }) => p.psn_no)).toEqual([DESTITUTE.psn_no, RESIDENT.psn_no]);
  });

  it("a hospital sees its own bills and nothing of the registers; an auditor reads but does not write", async () => {
    const h3 = await signedInApi(platform.app, platform.database, { role: "hospital", admdvs: "451000", fixmedins_code: H3 });
    const h2 = await signedInApi(platform.app, platform.database, { role: "hospital", admdvs: "451000", fixmedins_code: H2 });
    expect((await h3.get("/api/v1/settlements")).body.items.map((s: { setl_id: string }) => s.setl_id)).toEqual([setlId]);
    expect((await h3.get(`/api/v1/settlements/${setlId}`)).status).toBe(200);
    expect((await h2.get("/api/v1/settlements")).body.total).toBe(0);
    expectError(await h2.get(`/api/v1/settlements/${setlId}`), 403, "forbidden", "params.setl_id");
    expectError(await h2.get(`/api/v1/settlements?fixmedins_code=${H3}`), 403, "forbidden", "query.fixmedins_code");
    expectError(await h3.get("/api/v1/persons?q=测试"), 403, "forbidden", null);
    expect((await h2.get("/api/v1/hospitals?year=2022")).body.items.map((h: { fixmedins_code: string }) => h.fixmedins_code)).toEqual([H2]);
    const auditor = await signedInApi(platform.app, platform.database, { role: "auditor", admdvs: "451000" });
    expect((await auditor.get(`/api/v1/persons/${DESTITUTE.psn_no}`)).status).toBe(200);
    expectError(await auditor.post("/api/v1/duplicates/scan", { year: 2022 }), 403, "forbidden", null);
  });

  it("an insured person sees their own records and nobody else's", async () => {
    const me = await signedInApi(platform.app, platform.database, { role: "insured", admdvs: "451000", psn_no: DESTITUTE.psn_no });
    const other = await signedInApi(platform.app, platform.database, { role: "insured", admdvs: "451000", psn_no: RESIDENT.psn_no });
    // The registers are the bureau's: the insured read their own records through /me.
    expectError(await me.get(`/api/v1/persons/${RESIDENT.psn_no}`), 403, "forbidden", null);
    expect((await me.get("/api/v1/me?year=2022")).body.person.psn_no).toBe(DESTITUTE.psn_no);
    expect((await me.get("/api/v1/settlements")).body.items.map((s: { setl_id: string }) => s.setl_id)).toEqual([setlId]);
    expect((await other.get("/api/v1/settlements")).body.total).toBe(0);
    expectError(await other.get(`/api/v1/settlements/${setlId}`), 403, "forbidden", "params.setl_id");
    expectError(await me.get("/api/v1/duplicates"), 403, "forbidden", null);
    expectError(await admin.get("/api/v1/me"), 403, "forbidden", null);
  });
});

describe("a settlement, the dashboard and the reconciliation", () => {
  it("shows every line's split, each tier's step and the explanation in plain words, to the fen", async () => {
    const r = await admin.get(`/api/v1/settlements/${setlId}`);
    expect(r.status).toBe(200);
    const { settlement: s, lines, steps, funds } = r.body;
    // 800.00 (class A) + 100.00 (class B: 10% = 10.00 first) + 30.00 (class C).
    expect(s).toMatchObject({ medfee_sumamt: 930, fulamt_ownpay_amt: 30, preselfpay_amt: 10, inscp_scp_amt: 890, psn_name: "测试P451000000001", fixmedins_name: "百色市人民医院", med_type_name: "普通门诊", status: "settled" });
    expect(lines.map((l: ParsedJson) => [l.med_list_codg, l.chrgitm_lv_name, l.det_item_fee_sumamt, l.fulamt_ownpay_amt, l.preselfpay_amt, l.inscp_scp_amt])).toEqual([
      [A01, "甲类", 800, 0, 0, 800], [B02, "乙类", 100, 0, 10, 90], [C03, "丙类", 30, 30, 0, 0],
    ]);
    const sum = (k: string) => Math.round(lines.reduce((a: number, l: ParsedJson) => a + l[k] * 100, 0)) / 100;
    expect([sum("det_item_fee_sumamt"), sum("fulamt_ownpay_amt"), sum("preselfpay_amt"), sum("inscp_scp_amt")]).toEqual([s.medfee_sumamt, s.fulamt_ownpay_amt, s.preselfpay_amt, s.inscp_scp_amt]);
    // Every fund that paid has its step; the steps also hold the tiers that paid nothing.
    for (const f of funds) expect(steps.find((x: ParsedJson) => x.fund_pay_type === f.fund_pay_type)?.fund_payamt).toBe(f.fund_payamt);
    expect(steps.every((x: ParsedJson) => typeof x.setl_proc_info === "string" && x.setl_proc_info.length > 10)).toBe(true);
    const paid = Math.round((s.hifp_pay + s.hifmi_pay + s.hifob_pay + s.maf_pay + s.oth_pay) * 100) / 100;
    expect(paid).toBe(s.fund_pay_sumamt);
    expect(Math.round((s.fund_pay_sumamt + s.acct_pay + s.psn_cash_pay) * 100) / 100).toBe(930);
    const yuan = (n: number) => `¥${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    expect(r.body.explanation_plain[0]).toBe("这次看病的医疗费用共 ¥930.00。");
    expect(r.body.explanation_plain).toContain("其中 ¥30.00 是医保目录以外的药品或项目（丙类），医保不报销，需要自己付。");
    // 50% of 890.00 would be 445.00: the outpatient cap of 300.00 a year stops it, and the words say so.
    expect(s.hifp_pay).toBe(300);
    expect(r.body.explanation_plain).toContain("基本医疗保险报销了 ¥300.00，已用完今年的封顶额度，超出部分不再报销。");
    expect(yuan(1234.5)).toBe("¥1,234.50");
    expect(r.body.explanation_plain.at(-1)).toBe(`医保和救助共支付 ${yuan(paid)}，您个人负担 ${yuan(s.psn_cash_pay)}，全部为现金支付。`);
    expect(r.body.explanation_plain_en[0]).toBe("The bill for this visit came to ¥930.00.");
  });

  it("the dashboard's month is the sum of its settlements, per tier", async () => {
    const s = (await admin.get(`/api/v1/settlements/${setlId}`)).body.settlement;
    const before = Date.now();
    const d = await admin.get("/api/v1/dashboard?year=2022");
    expect(d.status).toBe(200);
    // Computed for this read (the first of its scope), and said so.
    expect(Date.parse(d.body.as_of)).toBeGreaterThanOrEqual(before - 1000);
    const march = d.body.spending_by_month[2];
    expect(march).toEqual({
      month: 3, settlements: 1, medfee_sumamt: 930, basic: s.hifp_pay, critical_illness: s.hifmi_pay, large_amount: s.hifob_pay,
      assistance: s.maf_pay, other: s.oth_pay, personal_account: s.acct_pay, cash: s.psn_cash_pay,
    });
    expect(d.body.spending_by_month).toHaveLength(12);
    expect(d.body.totals).toEqual({ settlements: 1, medfee_sumamt: 930, fund_pay_sumamt: s.fund_pay_sumamt, psn_cash_pay: s.psn_cash_pay });
    // A general outpatient visit is not an assistance case (inpatient and chronic care are): nobody benefited yet.
    expect(s.maf_pay).toBe(0);
    expect(d.body.beneficiaries_by_category).toEqual([]);
  });

  it("reconciles each hospital against the ledger, before and after a reversal", async () => {
    const s = (await admin.get(`/api/v1/settlements/${setlId}`)).body.settlement;
    const before = await admin.get("/api/v1/reconciliation?date_from=2022-01-01&date_to=2022-12-31");
    const totals = { medfee_sumamt: 930, fund_pay_sumamt: s.fund_pay_sumamt, acct_pay: s.acct_pay, psn_cash_pay: s.psn_cash_pay };
    expect(before.body.items).toEqual([{ fixmedins_code: H3, fixmedins_name: "百色市人民医院", settlements: 1, reversed: 0, platform: totals, ledger: totals, balanced: true }]);
    await his.ok("2208", { data: { setl_id: setlId, mdtrt_id: s.mdtrt_id, psn_no: DESTITUTE.psn_no } });
    const after = await admin.get("/api/v1/reconciliation?date_from=2022-01-01&date_to=2022-12-31");
    const zero = { medfee_sumamt: 0, fund_pay_sumamt: 0, acct_pay: 0, psn_cash_pay: 0 };
    expect(after.body.items).toEqual([{ fixmedins_code: H3, fixmedins_name: "百色市人民医院", settlements: 0, reversed: 1, platform: zero, ledger: zero, balanced: true }]);
    expect((await admin.get(`/api/v1/settlements/${setlId}`)).body.explanation_plain.at(-1)).toBe("这笔结算已被撤销，以上金额均已退回。");
    expectError(await admin.get("/api/v1/reconciliation?date_from=2022-12-31&date_to=2022-01-01"), 400, "invalid_input", "query.date_from");
  });
});

describe("the portal: my records, my progress, my electronic voucher", () => {
  it("tells how far the person is from the critical-illness deductible and the caps, from the policy and the accumulators", async () => {
    const me = await signedInApi(platform.app, platform.database, { role: "insured", admdvs: "451000", psn_no: DESTITUTE.psn_no });
    const r = await me.get("/api/v1/me?year=2022");
    expect(r.status).toBe(200);
    expect(r.body.person).toMatchObject({ psn_no: DESTITUTE.psn_no, certno: `${DESTITUTE.certno.slice(0, 6)}********${DESTITUTE.certno.slice(14)}` });
    // The destitute tilt: deductible 7,500 instead of 15,000, no cap; assistance 100,000 a year (451000-2022).
    expect(r.body.progress).toMatchObject({
      year: 2022, policy_id: "451000-2022", insutype: "390",
      critical_illness: { deductible: 7500, base_so_far: 0, deductible_remaining: 7500, paid: 0, limit: null, remaining: null, tilt_category_name: "特困人员" },
      basic_inpatient: { limit: 150000, used: 0, remaining: 150000 },
      outpatient: { limit: 300, used: 0, remaining: 300, deductible: 0 },
      assistance: { limit: 100000, used: 0, remaining: 100000, category: "destitute", category_name: "特困人员" },
      large_amount: null,
    });
  });

  it("issues a short-lived signed token that 1101 (mdtrt_cert_type 01) and 1162 accept, and refuses a forged or expired one", async () => {
    const me = await signedInApi(platform.app, platform.database, { role: "insured", admdvs: "451000", psn_no: DESTITUTE.psn_no });
    const v = await me.post("/api/v1/me/voucher");
    expect(v.status).toBe(200);
    expect(v.body.ttl_seconds).toBe(180);
    expect(v.body.token).toMatch(/^YB1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    const byVoucher = await his.ok("1101", { data: { mdtrt_cert_type: "01", mdtrt_cert_no: v.body.token } });
    expect(byVoucher.output.baseinfo).toMatchObject({ psn_no: DESTITUTE.psn_no, certno: DESTITUTE.certno });
    const decoded = await his.ok("1162", { data: { ecQrCode: v.body.token, businessType: "01101" } });
    expect(decoded.output.data).toMatchObject({ idNo: DESTITUTE.certno, ecIndexNo: DESTITUTE.psn_no, userName: "测试P451000000001" });
    expect((await his.ok("1101", { data: { mdtrt_cert_type: "01", mdtrt_cert_no: decoded.output.data.ecToken } })).output.baseinfo.psn_no).toBe(DESTITUTE.psn_no);

    const [head, payload, signature] = (v.body.token as string).split(".") as [string, string, string];
    const forged = `${head}.${Buffer.from(JSON.stringify({ p: RESIDENT.psn_no, e: 9_999_999_999, n: "x" })).toString("base64url")}.${signature}`;
    const refusedForged = await his.call("1101", { data: { mdtrt_cert_type: "01", mdtrt_cert_no: forged } });
    expect(refusedForged.infcode).toBe(-1);
    expect(refusedForged.err_msg).toContain("data.mdtrt_cert_no");
    expect(refusedForged.err_msg).toContain("signature");
    expect(payload.length).toBeGreaterThan(10);
    const old = await issueVoucher(platform.services, DESTITUTE.psn_no, Date.now() - 181_000);
    const refusedOld = await his.call("1162", { data: { ecQrCode: old.token } });
    expect(refusedOld.infcode).toBe(-1);
    expect(refusedOld.err_msg).toContain("data.ecQrCode");
    expect(refusedOld.err_msg).toContain("expired");
    expectError(await admin.post("/api/v1/me/voucher"), 403, "forbidden", null);

    // A visit opened with the voucher must carry a live token of the same person.
    const visit = (psn_no: string, mdtrt_cert_no: string | undefined, no: string) => ({
      data: { psn_no, insutype: "390", begntime: "2022-03-02 09:00:00", mdtrt_cert_type: "01", ...(mdtrt_cert_no ? { mdtrt_cert_no } : {}), ipt_otp_no: no },
    });
    const ecToken = decoded.output.data.ecToken as string;
    expect((await his.ok("2201", visit(DESTITUTE.psn_no, ecToken, "MZV01"))).output.data.psn_no).toBe(DESTITUTE.psn_no);
    const other = await his.call("2201", visit(RESIDENT.psn_no, ecToken, "MZV02"));
    expect([other.infcode, other.err_msg]).toEqual([-1, expect.stringContaining("data.mdtrt_cert_no")]);
    expect(other.err_msg).toContain("another person");
    const without = await his.call("2201", visit(DESTITUTE.psn_no, undefined, "MZV03"));
    expect([without.infcode, without.err_msg]).toEqual([-1, expect.stringContaining("data.mdtrt_cert_no")]);
  });
});

describe("uploads imported in the background", () => {
  it("imports a roster, refuses rows by row (unknown person, another region's person) and keeps the report", async () => {
    const clerk = await signedInApi(platform.app, platform.database, { role: "clerk", admdvs: "451000" });
    const csv = [
      "certno,psn_name,psn_idet_type,begntime,endtime,source",
      `${RESIDENT.certno},测试P451000000002,minimum_living,2022-05-01,2022-12-31,civil_affairs`,
      `${makeId("451002", "1999-09-09", 99)},无此人,minimum_living,2022-05-01,2022-12-31,civil_affairs`,
      `${NANCHANG.certno},测试P360100000001,minimum_living,2022-05-01,2022-12-31,civil_affairs`,
    ].join("\n");
    const started = await clerk.post("/api/v1/import-jobs?kind=roster&file_name=roster.csv", csv, { "content-type": "text/csv" });
    expect(started.status).toBe(202);
    let job = started.body;
    for (let i = 0; i < 100 && job.status === "running"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      job = (await clerk.get(`/api/v1/import-jobs/${started.body.id}`)).body;
    }
    expect(job).toMatchObject({ kind: "roster", file_name: "roster.csv", status: "done", username: clerk.username, error: null, rejected_listed_all: true });
    expect(job.progress).toMatchObject({ read: 3, inserted: 1, rejected_rows: 2, fraction: 1 });
    expect(job.rejected.map((r: { row: number; field: string }) => [r.row, r.field])).toEqual([[3, "certno"], [4, "certno"]]);
    expect(job.rejected[1].reason).toContain("outside your region 451000");
    expect((await clerk.get("/api/v1/import-jobs")).body.items[0].id).toBe(job.id);
    // Another clerk's region does not see the job; a bad header is refused at once, with no job.
    const nanchang = await signedInApi(platform.app, platform.database, { role: "clerk", admdvs: "360100" });
    expectError(await nanchang.get(`/api/v1/import-jobs/${job.id}`), 404, "not_found", "params.id");
    expectError(await clerk.post("/api/v1/import-jobs?kind=roster", "name,id\nx,y\n", { "content-type": "text/csv" }), 400, "invalid_input", "body");
    expect((await clerk.get("/api/v1/import-jobs")).body.items).toHaveLength(1);
    // A persons file's as-of date: a date or a time of China, not one to come; for persons only. Refused, no job.
    const persons = "certno,psn_name,gend,brdy,insutype,insuplc_admdvs\n";
    expectError(await clerk.post("/api/v1/import-jobs?kind=roster&as_of=2022-05-01", csv, { "content-type": "text/csv" }), 400, "invalid_input", "query.as_of");
    expectError(await clerk.post("/api/v1/import-jobs?kind=persons&as_of=2022-13-01", persons, { "content-type": "text/csv" }), 400, "invalid_input", "query.as_of");
    expectError(await clerk.post("/api/v1/import-jobs?kind=persons&as_of=2999-01-01", persons, { "content-type": "text/csv" }), 400, "invalid_input", "query.as_of");
    expect((await clerk.get("/api/v1/import-jobs")).body.items).toHaveLength(1);
  });

  it("imports a supplementary tier's roster (惠民保), refusing another region's person by row", async () => {
    const clerk = await signedInApi(platform.app, platform.database, { role: "clerk", admdvs: "451000" });
    const csv = [
      "certno,psn_name,tier_id,year,begin_date,end_date,source",
      `${RESIDENT.certno},测试P451000000002,huiminbao,2022,2022-01-01,,百色惠民保承保公司`,
      `${NANCHANG.certno},测试P360100000001,huiminbao,2022,2022-01-01,,南昌惠民保承保公司`,
    ].join("\n");
    const started = await clerk.post("/api/v1/import-jobs?kind=supplementary&file_name=huiminbao.csv", csv, { "content-type": "text/csv" });
    expect(started.status).toBe(202);
    let job = started.body;
    for (let i = 0; i < 100 && job.status !== "done" && job.status !== "failed"; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      job = (await clerk.get(`/api/v1/import-jobs/${started.body.id}`)).body;
    }
    expect(job).toMatchObject({ kind: "supplementary", status: "done", error: null });
    expect(job.progress).toMatchObject({ read: 2, inserted: 1, rejected_rows: 1 });
    expect(job.rejected).toEqual([{ row: 3, field: "certno", reason: expect.stringContaining("outside your region 451000") }]);
    expectError(await clerk.post("/api/v1/import-jobs?kind=supplementary", "certno,psn_name\nx,y\n", { "content-type": "text/csv" }), 400, "invalid_input", "body");
  });
});

describe("policies", () => {
  it("lists the shipped policies and shows one as written", async () => {
    const list = await admin.get("/api/v1/policies");
    expect(list.body.items.map((p: { policy_id: string }) => p.policy_id)).toEqual(expect.arrayContaining(["451000-2022", "360100-2022"]));
    const p = await admin.get("/api/v1/policies/451000/2022");
    expect(p.body).toMatchObject({ admdvs: "451000", year: 2022, in_your_region: true, name: "百色市 2022 年度医疗保障政策" });
    expect(p.body.document.critical_illness.deductible).toBe(15000);
    expectError(await admin.get("/api/v1/policies/451000/2030"), 404, "not_found", "params.year");
  });
});


describe("user management", () => {
  it("an administrator adds users of the region, unlocks and disables them; others may not", async () => {
    const boss = await signedInApi(platform.app, platform.database, { role: "admin", admdvs: "451000" });
    const add = (body: Record<string, unknown>) => boss.post("/api/v1/users", { display_name: "新用户", password: TEST_PASSWORD, ...body });
    const created = await add({ username: "newclerk", role: "clerk", admdvs: "451000" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username: "newclerk", role: "clerk", role_name: "经办人员", admdvs_name: "百色市", active: true, locked_until: null, last_signin_at: null });
    expectError(await add({ username: "newclerk", role: "clerk", admdvs: "451000" }), 409, "conflict", "body.username");
    expectError(await add({ username: "farclerk", role: "clerk", admdvs: "360100" }), 403, "forbidden", "body.admdvs");
    expectError(await add({ username: "patient", role: "insured", admdvs: "451000" }), 400, "invalid_input", "body.certno");
    expectError(await add({ username: "hosp9", role: "hospital", admdvs: "451000", fixmedins_code: "H36010000001" }), 400, "invalid_input", "body.fixmedins_code");
    expectError(await add({ username: "x", role: "clerk", admdvs: "451000" }), 400, "invalid_input", "body.username");
    const patient = await add({ username: "patient", role: "insured", admdvs: "451000", certno: RESIDENT.certno });
    expect(patient.body.psn_no).toBe(RESIDENT.psn_no);

    for (let i = 0; i < MAX_FAILED_ATTEMPTS; i++) await signIn("newclerk", "wrong-password");
    expect((await signIn("newclerk", TEST_PASSWORD)).statusCode).toBe(401);
    const listed = (await boss.get("/api/v1/users")).body.items.find((u: { username: string }) => u.username === "newclerk");
    expect(listed.locked_until).not.toBeNull();
    expect(listed.failed_attempts).toBe(0);
    expect((await boss.post("/api/v1/users/newclerk/unlock", {})).body).toMatchObject({ locked_until: null, failed_attempts: 0 });
    expect((await signIn("newclerk", TEST_PASSWORD)).statusCode).toBe(200);

    expect((await boss.post("/api/v1/users/newclerk/active", { active: false })).body.active).toBe(false);
    expect((await signIn("newclerk", TEST_PASSWORD)).statusCode).toBe(401);
    expect((await boss.post("/api/v1/users/newclerk/active", { active: true })).body.active).toBe(true);
    expectError(await boss.post(`/api/v1/users/${boss.username}/active`, { active: false }), 400, "invalid_input", "params.username");
    expectError(await boss.post("/api/v1/users/nobody_at_all/unlock", {}), 404, "not_found", "params.username");

    const auditor = await signedInApi(platform.app, platform.database, { role: "auditor", admdvs: "451000" });
    expect((await auditor.get("/api/v1/users")).status).toBe(200);
    expectError(await auditor.post("/api/v1/users/newclerk/unlock", {}), 403, "forbidden", null);
    const nanchangAdmin = await signedInApi(platform.app, platform.database, { role: "admin", admdvs: "360100" });
    expect((await nanchangAdmin.get("/api/v1/users")).body.items.some((u: { username: string }) => u.username === "newclerk")).toBe(false);
    expectError(await nanchangAdmin.post("/api/v1/users/newclerk/unlock", {}), 404, "not_found", "params.username");
  });
});
