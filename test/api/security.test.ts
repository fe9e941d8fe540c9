import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rateLimitsFrom } from "../../src/api/security.js";
import { buildServer } from "../../src/api/server.js";
import { SIGNIN_REFUSED } from "../../src/api/v1/identity/auth.js";
import { createUser, sessionLimits } from "../../src/services/identity/auth.js";
import { signRequest } from "../../src/lib/hisSignature.js";
import { H3, HisSession, issueTestCredentials, openTestPlatform, testCredential, type TestPlatform } from "../support/his.js";
import { TEST_PASSWORD } from "./support.js";

/**
 * The browser security headers on every kind of response (the API, the console's files, an error, the interface), HSTS
 * only over https behind the trusted proxy, and the per-address rate limits of the sign-in and of 9001.
 */

let platform: TestPlatform;
let app: FastifyInstance;
let webDir: string;

const CSP =
  "default-src 'self';base-uri 'self';form-action 'self';object-src 'none';script-src 'self';script-src-attr 'none';" +
  "style-src 'self' 'unsafe-inline';img-src 'self' data:;font-src 'self' data:;connect-src 'self';frame-ancestors 'none'";

beforeAll(async () => {
  platform = await openTestPlatform([]);
  webDir = mkdtempSync(join(tmpdir(), "yibao-web-"));
  mkdirSync(join(webDir, "assets"));
  writeFileSync(join(webDir, "index.html"), '<!doctype html><script type="module" src="/assets/app.js"></script>');
  writeFileSync(join(webDir, "assets", "app.js"), "export {};");
  app = await buildServer({
    services: platform.services, logger: false, webDir,
    limits: { signin: { max: 3, window_ms: 60_000 }, his_signin: { max: 2, window_ms: 60_000 } },
  });
  await issueTestCredentials(app, platform.services);
});
afterAll(async () => {
  await app?.close();
  await platform?.close();
  rmSync(webDir, { recursive: true, force: true });
});

function expectSecurityHeaders(headers: Record<string, unknown>): void {
  expect(headers["content-security-policy"]).toBe(CSP);
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["referrer-policy"]).toBe("no-referrer");
  expect(headers["strict-transport-security"]).toBeUndefined();
}

describe("browser security headers", () => {
  it("are on the API, the console's page and files, an API error, an unknown path and the interface", async () => {
    const answers = [
      await app.inject({ url: "/health" }),
      await app.inject({ url: "/console/users" }),
      await app.inject({ url: "/assets/app.js" }),
      await app.inject({ url: "/api/v1/auth/me" }),
      await app.inject({ url: "/api/v1/no-such-route" }),
      await app.inject({ method: "POST", url: "/api/v1/auth/signin", headers: { "content-type": "application/json" }, payload: "{not json" }),
      await app.inject({ method: "POST", url: "/fsi/api/rsfComIfsService/callService", payload: { infno: "9999" } }),
    ];
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 401, 404, 400, 200]);
    expect(answers[1]?.headers["content-type"]).toBe("text/html; charset=utf-8");
    for (const a of answers) expectSecurityHeaders(a.headers);
  });

  it("add Strict-Transport-Security only over https through the trusted proxy", async () => {
    const https = { "x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.9" };
    // Not trusted: the header of a client saying https is no proof of TLS.
    expect((await app.inject({ url: "/health", headers: https })).headers["strict-transport-security"]).toBeUndefined();
    process.env.YIBAO_TRUST_PROXY = "1";
    const proxied = await buildServer({ services: platform.services, logger: false, web: false });
    delete process.env.YIBAO_TRUST_PROXY;
    try {
      expect((await proxied.inject({ url: "/health", headers: https })).headers["strict-transport-security"]).toBe("max-age=63072000; includeSubDomains");
      const error = await proxied.inject({ url: "/api/v1/auth/me", headers: https });
      expect([error.statusCode, error.headers["strict-transport-security"]]).toEqual([401, "max-age=63072000; includeSubDomains"]);
      expect((await proxied.inject({ url: "/health", headers: { "x-forwarded-proto": "http" } })).headers["strict-transport-security"]).toBeUndefined();
    } finally {
      await proxied.close();
    }
  });
});

describe("rate limits per client address", () => {
  const signIn = (username: string, password: string, remoteAddress: string) =>
    app.inject({ method: "POST", url: "/api/v1/auth/signin", payload: { username, password }, remoteAddress });

  it("refuse the sign-ins of one address beyond the limit (429, Retry-After), while another address signs in", async () => {
    await createUser(platform.database.db, { username: "rl_admin", display_name: "限速测试", role: "admin", admdvs: "451000", password: TEST_PASSWORD });
    for (let i = 0; i < 3; i++) {
      const r = await signIn("rl_admin", "wrong-password", "198.51.100.1");
      expect([r.statusCode, r.json().error.message]).toEqual([401, SIGNIN_REFUSED]);
    }
    const limited = await signIn("rl_admin", TEST_PASSWORD, "198.51.100.1");
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe("rate_limited");
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(Number(limited.headers["retry-after"])).toBeLessThanOrEqual(60);
    // The limited attempt never reached the password check: nothing was logged for it.
    const { rows } = (await platform.database.db.execute("select count(*)::int as n from signin_attempts where username = 'rl_admin'")) as unknown as { rows: { n: number }[] };
    expect(rows[0]?.n).toBe(3);
    expect((await signIn("rl_admin", TEST_PASSWORD, "198.51.100.2")).statusCode).toBe(200);
  });

  it("refuse a 9001 beyond the limit with the interface's envelope, and never limit the other transactions", async () => {
    const his = new HisSession(app, H3);
    // Signed by the hospital's credential (the guard admits it), from one address or another.
    const signed = (infno: string, input: Record<string, unknown>, remoteAddress: string) => {
      const payload = JSON.stringify(his.envelope(infno, input));
      const credential = testCredential(app, H3);
      if (!credential) throw new Error("no test credential for H3");
      return app.inject({
        method: "POST", url: "/fsi/api/rsfComIfsService/callService", payload, remoteAddress,
        headers: { "content-type": "application/json", ...signRequest(credential, payload) },
      });
    };
    const send = (infno: string, input: Record<string, unknown>) => signed(infno, input, "198.51.100.7");
    const signin = { signIn: { opter_no: "T001", mac: "00-00", ip: "198.51.100.7" } };
    expect((await send("9001", signin)).json().infcode).toBe(0);
    expect((await send("9001", signin)).json().infcode).toBe(0);
    const limited = await send("9001", signin);
    expect(limited.statusCode).toBe(200);
    expect(limited.json()).toMatchObject({ infcode: -1, output: null });
    expect(limited.json().err_msg).toMatch(/^9001 签到过于频繁，请 \d+ 秒后再试 \/ too many 9001 sign-ins from your address: retry in \d+ s$/);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    // Other transactions of the same address go on (a catalogue query needs no sign-in result here: any answer but the limit).
    for (let i = 0; i < 5; i++) expect((await send("1101", { data: {} })).json().err_msg).not.toMatch(/过于频繁/);
    // Another address still signs in.
    const other = await signed("9001", signin, "198.51.100.8");
    expect(other.json().infcode).toBe(0);
  });

  it("are read from the environment, and a mistyped one stops the start", () => {
    expect(rateLimitsFrom({})).toEqual({ signin: { max: 10, window_ms: 60_000 }, his_signin: { max: 30, window_ms: 60_000 } });
    expect(rateLimitsFrom({ YIBAO_SIGNIN_LIMIT: "5", YIBAO_SIGNIN_WINDOW_SECONDS: "300", YIBAO_HIS_SIGNIN_LIMIT: "100", YIBAO_HIS_SIGNIN_WINDOW_SECONDS: "10" }))
      .toEqual({ signin: { max: 5, window_ms: 300_000 }, his_signin: { max: 100, window_ms: 10_000 } });
    expect(() => rateLimitsFrom({ YIBAO_SIGNIN_LIMIT: "ten" })).toThrow('YIBAO_SIGNIN_LIMIT: must be a whole number from 1 to 1000000, got "ten"');
    expect(() => rateLimitsFrom({ YIBAO_HIS_SIGNIN_WINDOW_SECONDS: "0" })).toThrow("YIBAO_HIS_SIGNIN_WINDOW_SECONDS: must be a whole number from 1 to 86400");
    expect(sessionLimits({})).toEqual({ hours: 8, idle_minutes: 30 });
    expect(sessionLimits({ YIBAO_SESSION_HOURS: "12", YIBAO_SESSION_IDLE_MINUTES: "5" })).toEqual({ hours: 12, idle_minutes: 5 });
    expect(() => sessionLimits({ YIBAO_SESSION_IDLE_MINUTES: "1.5" })).toThrow("YIBAO_SESSION_IDLE_MINUTES: must be a whole number from 1 to 1440");
  });
});
