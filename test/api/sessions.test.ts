import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, sessionPrincipal, setUserActive } from "../../src/services/identity/auth.js";
import { DEMO_PASSWORD } from "../../src/services/demo/demo.js";
import { openTestPlatform, type TestPlatform } from "../support/his.js";
import { apiClient, expectError, signedInApi, TEST_PASSWORD, type Api } from "./support.js";

/**
 * Passwords and sessions: the rules of a new password, an administrator's reset that forces a change at the next
 * sign-in, the self-service change, the idle timeout, every session ended when the password changes or the account is
 * disabled, and an administrator's list of a user's sessions.
 */

let platform: TestPlatform;
let boss: Api & { username: string };

beforeAll(async () => {
  platform = await openTestPlatform([]);
  boss = await signedInApi(platform.app, platform.database, { role: "admin", admdvs: "451000" });
});
afterAll(async () => platform?.close());

async function signIn(username: string, password: string, userAgent = "vitest") {
  const r = await platform.app.inject({ method: "POST", url: "/api/v1/auth/signin", payload: { username, password }, headers: { "user-agent": userAgent } });
  return { status: r.statusCode, body: r.json(), api: apiClient(platform.app, undefined, { authorization: `Bearer ${r.json().token as string}` }), token: r.json().token as string };
}

const rows = async <T>(query: ReturnType<typeof sql>) => ((await platform.database.db.execute(query)) as unknown as { rows: T[] }).rows;

describe("password rules on every way a password is set", () => {
  it("refuse the demo's password and one containing the username, naming the field and adding nobody", async () => {
    const add = (username: string, password: string) => boss.post("/api/v1/users", { username, display_name: "新用户", role: "clerk", admdvs: "451000", password });
    expectError(await add("pw_demo", DEMO_PASSWORD), 400, "invalid_input", "body.password");
    expectError(await add("pw_name", "PW_NAME-2024!"), 400, "invalid_input", "body.password");
    expectError(await add("pw_short", "short"), 400, "invalid_input", "body.password");
    const [found] = await rows<{ n: number }>(sql`select count(*)::int as n from users where username like 'pw\\_%'`);
    expect(found?.n).toBe(0);
    await expect(createUser(platform.database.db, { username: "pw_cli", display_name: "x", role: "clerk", admdvs: "451000", password: "yibao@2022" }))
      .rejects.toThrow("password: 不能使用演示系统的公开密码 / must not be the demo's published password");
    expect((await add("pw_good", TEST_PASSWORD)).status).toBe(201);
    expectError(await boss.post("/api/v1/users/pw_good/password", { password: "pw_good_again" }), 400, "invalid_input", "body.password");
  });
});

describe("an administrator's reset", () => {
  it("ends the user's sessions and lets the next sign-in only change the password, after which everything opens", async () => {
    await createUser(platform.database.db, { username: "reset_me", display_name: "重置测试", role: "clerk", admdvs: "451000", password: TEST_PASSWORD });
    const before = await signIn("reset_me", TEST_PASSWORD);
    expect((await before.api.get("/api/v1/persons?q=x")).status).toBe(200);

    const reset = await boss.post("/api/v1/users/reset_me/password", { password: "temporary-pass-1" });
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ username: "reset_me", must_change_password: true, locked_until: null });
    expectError(await before.api.get("/api/v1/auth/me"), 401, "unauthenticated", null);
    expectError(await boss.post(`/api/v1/users/${boss.username}/password`, { password: "another-pass-1" }), 400, "invalid_input", "params.username");

    const next = await signIn("reset_me", "temporary-pass-1");
    expect(next.status).toBe(200);
    expect(next.body.user.must_change_password).toBe(true);
    expect((await next.api.get("/api/v1/auth/me")).body.user.must_change_password).toBe(true);
    expectError(await next.api.get("/api/v1/persons?q=x"), 403, "password_change_required", null);
    expectError(await next.api.get("/api/v1/settlements"), 403, "password_change_required", null);

    expectError(await next.api.post("/api/v1/auth/password", { current_password: "wrong-current", new_password: "my-own-pass-1" }), 400, "invalid_input", "body.current_password");
    expectError(await next.api.post("/api/v1/auth/password", { current_password: "temporary-pass-1", new_password: "temporary-pass-1" }), 400, "invalid_input", "body.new_password");
    expectError(await next.api.post("/api/v1/auth/password", { current_password: "temporary-pass-1", new_password: "reset_me-2" }), 400, "invalid_input", "body.new_password");
    const changed = await next.api.post("/api/v1/auth/password", { current_password: "temporary-pass-1", new_password: "my-own-pass-1" });
    expect(changed.body).toEqual({ changed: true, sessions_ended: 0 });
    expect((await next.api.get("/api/v1/persons?q=x")).status).toBe(200);
    expect((await next.api.get("/api/v1/auth/me")).body.user.must_change_password).toBe(false);
    expect((await signIn("reset_me", "temporary-pass-1")).status).toBe(401);
  });

  it("with yibao users password too (the CLI's setPassword), unless told the owner chose it", async () => {
    const { setPassword } = await import("../../src/services/identity/auth.js");
    await createUser(platform.database.db, { username: "cli_reset", display_name: "命令行", role: "clerk", admdvs: "451000", password: TEST_PASSWORD });
    await setPassword(platform.database.db, "cli_reset", "cli-temporary-1");
    expect((await signIn("cli_reset", "cli-temporary-1")).body.user.must_change_password).toBe(true);
    await setPassword(platform.database.db, "cli_reset", "cli-chosen-pw-1", "000000", new Date(), { mustChange: false });
    expect((await signIn("cli_reset", "cli-chosen-pw-1")).body.user.must_change_password).toBe(false);
  });
});

describe("sessions", () => {
  it("a self-service change ends every other session of the user and keeps the one that changed it", async () => {
    await createUser(platform.database.db, { username: "many_desks", display_name: "多处登录", role: "clerk", admdvs: "451000", password: TEST_PASSWORD });
    const a = await signIn("many_desks", TEST_PASSWORD, "desk A");
    const b = await signIn("many_desks", TEST_PASSWORD, "desk B");
    const c = await signIn("many_desks", TEST_PASSWORD, "desk C");
    expect((await a.api.post("/api/v1/auth/password", { current_password: TEST_PASSWORD, new_password: "changed-pass-1" })).body).toEqual({ changed: true, sessions_ended: 2 });
    expect((await a.api.get("/api/v1/auth/me")).status).toBe(200);
    expectError(await b.api.get("/api/v1/auth/me"), 401, "unauthenticated", null);
    expectError(await c.api.get("/api/v1/auth/me"), 401, "unauthenticated", null);
  });

  it("disabling the account ends every session at once", async () => {
    await createUser(platform.database.db, { username: "to_disable", display_name: "停用", role: "clerk", admdvs: "451000", password: TEST_PASSWORD });
    const a = await signIn("to_disable", TEST_PASSWORD);
    const b = await signIn("to_disable", TEST_PASSWORD);
    await setUserActive(platform.database.db, "to_disable", false);
    await setUserActive(platform.database.db, "to_disable", true);
    // Re-enabled, the old sessions stay ended.
    expectError(await a.api.get("/api/v1/auth/me"), 401, "unauthenticated", null);
    expectError(await b.api.get("/api/v1/auth/me"), 401, "unauthenticated", null);
  });

  it("end after the idle timeout; a request keeps one alive, noted at most once a minute", async () => {
    await createUser(platform.database.db, { username: "idler", display_name: "闲置", role: "clerk", admdvs: "451000", password: TEST_PASSWORD });
    const s = await signIn("idler", TEST_PASSWORD);
    const lastSeen = async () => (await rows<{ at: string | Date }>(sql`select last_seen_at as at from user_sessions s join users u on u.id = s.user_id where u.username = 'idler'`))
      .map((r) => new Date(r.at).getTime());
    const [first] = await lastSeen();
    const me = await s.api.get("/api/v1/auth/me");
    expect(Date.parse(me.body.idle_expires_at as string)).toBe((first ?? 0) + 30 * 60_000);
    // Within the minute, requests do not write.
    await s.api.get("/api/v1/auth/me");
    expect(await lastSeen()).toEqual([first]);
    // 29 minutes without a request: still alive, and the request moves last_seen_at to now.
    await platform.database.db.execute(sql`update user_sessions set last_seen_at = now() - interval '29 minutes' where user_id = (select id from users where username = 'idler')`);
    const started = Date.now();
    expect((await s.api.get("/api/v1/auth/me")).status).toBe(200);
    const [moved] = await lastSeen();
    expect(moved).toBeGreaterThanOrEqual(started - 1000);
    // 31 minutes without a request: ended, although the absolute end is hours away.
    await platform.database.db.execute(sql`update user_sessions set last_seen_at = now() - interval '31 minutes' where user_id = (select id from users where username = 'idler')`);
    expectError(await s.api.get("/api/v1/auth/me"), 401, "unauthenticated", null);
    expect(await sessionPrincipal(platform.database.db, s.token)).toBeUndefined();
  });

  it("an administrator lists a user's live sessions and signs them all out; others may not", async () => {
    await createUser(platform.database.db, { username: "watched", display_name: "会话列表", role: "clerk", admdvs: "451000", password: TEST_PASSWORD });
    const a = await signIn("watched", TEST_PASSWORD, "Firefox at the desk");
    await signIn("watched", TEST_PASSWORD, "Chromium at home");
    const ended = await signIn("watched", TEST_PASSWORD, "signed out");
    await ended.api.post("/api/v1/auth/signout");
    const listed = await boss.get("/api/v1/users/watched/sessions");
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((s: { user_agent: string; ip: string; current: boolean }) => [s.user_agent, s.ip, s.current]).sort()).toEqual([
      ["Chromium at home", "127.0.0.1", false], ["Firefox at the desk", "127.0.0.1", false],
    ]);
    const one = listed.body.items[0];
    expect(Date.parse(one.expires_at) - Date.parse(one.created_at)).toBe(8 * 3_600_000);
    expect(Date.parse(one.idle_expires_at) - Date.parse(one.last_seen_at)).toBe(30 * 60_000);
    // The administrator's own list marks the session asking.
    expect((await boss.get(`/api/v1/users/${boss.username}/sessions`)).body.items.map((s: { current: boolean }) => s.current)).toEqual([true]);

    const clerk = await signedInApi(platform.app, platform.database, { role: "clerk", admdvs: "451000" });
    expectError(await clerk.get("/api/v1/users/watched/sessions"), 403, "forbidden", null);
    expectError(await clerk.delete("/api/v1/users/watched/sessions"), 403, "forbidden", null);
    const nanchang = await signedInApi(platform.app, platform.database, { role: "admin", admdvs: "360100" });
    expectError(await nanchang.get("/api/v1/users/watched/sessions"), 404, "not_found", "params.username");
    expectError(await nanchang.delete("/api/v1/users/watched/sessions"), 404, "not_found", "params.username");
    expect((await a.api.get("/api/v1/auth/me")).status).toBe(200);

    expect((await boss.delete("/api/v1/users/watched/sessions")).body).toEqual({ sessions_ended: 2 });
    expectError(await a.api.get("/api/v1/auth/me"), 401, "unauthenticated", null);
    expect((await boss.get("/api/v1/users/watched/sessions")).body.items).toEqual([]);
    // The password stays: the user signs in again.
    expect((await signIn("watched", TEST_PASSWORD)).status).toBe(200);
  });
});
