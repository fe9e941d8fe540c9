import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildServer } from "../../src/api/server.js";
import { REPLAY_WINDOW_MS } from "../../src/gateway/his/guard.js";
import { signRequest, type HisCredential } from "../../src/lib/hisSignature.js";
import { issueCredential, revokeCredential, rotateCredential } from "../../src/services/identity/hisCredentials.js";
import { issueVoucher } from "../../src/services/identity/voucher.js";
import { hisCredentials, hisRefusals } from "../../src/store/schema.js";
import { signedInApi, expectError } from "../api/support.js";
import { H1, H2, H3, HisSession, makeId, openTestPlatform, refused, sqlRows, stateOf, testCredential, type TestPlatform } from "../support/his.js";

/**
 * Issue 21: the hospital-facing interface authenticates each institution. Every request is signed with a credential
 * the bureau issued; the institution is the credential's; a replay, a stale request or a flood is refused before any
 * work, and every refusal is in the auditors' log.
 */

const RESIDENT = { psn_no: "P451000000101", certno: makeId("451002", "1990-07-01", 101), insutype: "390" as const };
const OTHER = { psn_no: "P451000000102", certno: makeId("451002", "1975-03-09", 102), insutype: "390" as const };
const PATH = "/fsi/api/rsfComIfsService/callService";

let platform: TestPlatform;
let his: HisSession;

beforeAll(async () => {
  platform = await openTestPlatform([RESIDENT, OTHER]);
  his = new HisSession(platform.app, H3);
  await his.signIn();
});
afterAll(() => platform.close());

const lookup = (h: HisSession, certno = RESIDENT.certno) => h.envelope("1101", { data: { mdtrt_cert_type: "02", certno } });

/** Sends a body with the given headers (the body's text exactly as signed). */
async function raw(payload: string, headers: Record<string, string>) {
  const res = await platform.app.inject({ method: "POST", url: PATH, payload, headers: { "content-type": "application/json", ...headers } });
  expect(res.statusCode).toBe(200);
  return res.json() as { infcode: number; err_msg: string | null; output: Record<string, unknown> | null };
}

async function lastRefusal() {
  const [row] = await platform.database.db.select().from(hisRefusals).orderBy(sql`${hisRefusals.id} desc`).limit(1);
  return row;
}

describe("a request without a valid credential is refused before any work, and logged", () => {
  it("unsigned: refused, nothing changed, the refusal logged with the address and the claimed institution", async () => {
    const anon = new HisSession(platform.app, H3, { time: "2022-03-02 08:00:00" });
    anon.credential = null;
    const r = await refused(platform.database, () => anon.call("9001", { signIn: { opter_no: "X", mac: "00", ip: "127.0.0.1" } }));
    expect(r.err_msg).toBe("[unsigned] 请求被拒绝 / refused: the request lacks the header _api_access_key: sign every request with the institution's credential (_api_* headers)");
    expect(r).toMatchObject({ output: null });
    expect(await lastRefusal()).toMatchObject({ reason: "unsigned", fixmedins_code: H3, infno: "9001", address: "127.0.0.1", access_key: null });
  });

  it("an unknown access key, a wrong secret, a changed body and a revoked key are each refused with their reason", async () => {
    const mine = testCredential(platform.app, H3) as HisCredential;
    const body = JSON.stringify(lookup(his));

    const unknown = await raw(body, signRequest({ access_key: "AKUNKNOWN00000000000X", secret: "x" }, body));
    expect(unknown.err_msg).toBe("[unknown_key] 请求被拒绝 / refused: _api_access_key AKUNKNOWN00000000000X is not a credential issued by the bureau");

    const wrongSecret = await raw(body, signRequest({ access_key: mine.access_key, secret: `${mine.secret}x` }, body));
    expect(wrongSecret.err_msg).toBe("[bad_signature] 请求被拒绝 / refused: _api_signature does not verify with the credential's secret");
    expect(await lastRefusal()).toMatchObject({ reason: "bad_signature", access_key: mine.access_key, fixmedins_code: H3 });

    // Signed, then changed on the way: the digest no longer matches the body.
    const headers = signRequest(mine, body);
    const changed = await raw(body.replace(RESIDENT.certno, OTHER.certno), headers);
    expect(changed.err_msg).toMatch(/^\[body_digest\] /);

    // The digest rewritten to fit the new body: the signature (over the digest) no longer verifies.
    const forgedDigest = await raw(body.replace(RESIDENT.certno, OTHER.certno), { ...headers, _api_body_sha256: signRequest(mine, body.replace(RESIDENT.certno, OTHER.certno))._api_body_sha256 });
    expect(forgedDigest.err_msg).toMatch(/^\[bad_signature\] /);

    const revoked = await issueCredential(platform.services, H3, "test");
    const signIn = JSON.stringify(his.envelope("9001", { signIn: { opter_no: "T001", mac: "00", ip: "127.0.0.1" } }));
    expect((await raw(signIn, signRequest(revoked, signIn))).infcode).toBe(0);
    await revokeCredential(platform.services, revoked.access_key, "test");
    const fresh = JSON.stringify(lookup(his));
    const afterRevoke = await raw(fresh, signRequest(revoked, fresh));
    expect(afterRevoke.err_msg).toBe(`[revoked] 请求被拒绝 / refused: _api_access_key ${revoked.access_key} is revoked: ask the bureau for a new credential`);
  });

  it("a revocation takes effect at once in this process, though the credential was cached a moment before", async () => {
    const c = await issueCredential(platform.services, H1, "test");
    const h1 = new HisSession(platform.app, H1, { time: "2022-03-02 08:10:00" });
    h1.credential = c;
    await h1.signIn();
    expect((await h1.call("1101", { data: { mdtrt_cert_type: "02", certno: RESIDENT.certno } })).infcode).toBe(0);
    await revokeCredential(platform.services, c.access_key, "test");
    const r = await h1.call("1101", { data: { mdtrt_cert_type: "02", certno: RESIDENT.certno } });
    expect(r.err_msg).toMatch(/^\[revoked\] /);
  });

  it("a rotation: the new secret works at once, the old one for the overlap only", async () => {
    const c = await issueCredential(platform.services, H2, "test");
    const h2 = new HisSession(platform.app, H2, { time: "2022-03-02 08:20:00" });
    h2.credential = c;
    await h2.signIn();
    const rotated = await rotateCredential(platform.services, c.access_key, "test");
    expect(rotated.secret).not.toBe(c.secret);
    expect(rotated.fingerprint).not.toBe(c.fingerprint);
    expect((await h2.call("1101", { data: { mdtrt_cert_type: "02", certno: RESIDENT.certno } })).infcode).toBe(0);
    h2.credential = { access_key: c.access_key, secret: rotated.secret };
    expect((await h2.call("1101", { data: { mdtrt_cert_type: "02", certno: RESIDENT.certno } })).infcode).toBe(0);
    // The overlap over: the old secret is refused, the new one still works.
    await platform.database.db.update(hisCredentials).set({ previous_valid_until: new Date(Date.now() - 1000) }).where(sql`${hisCredentials.access_key} = ${c.access_key}`);
    await platform.services.forget(`his_credential:${c.access_key}`);
    h2.credential = c;
    expect((await h2.call("1101", { data: { mdtrt_cert_type: "02", certno: RESIDENT.certno } })).err_msg).toMatch(/^\[bad_signature\] /);
    h2.credential = { access_key: c.access_key, secret: rotated.secret };
    expect((await h2.call("1101", { data: { mdtrt_cert_type: "02", certno: RESIDENT.certno } })).infcode).toBe(0);
  });
});

describe("the institution is the credential's, and a sign_no belongs to the credential that obtained it", () => {
  it("a body naming another institution than the credential's is refused", async () => {
    const h3credential = testCredential(platform.app, H3) as HisCredential;
    const body = JSON.stringify({ ...lookup(his), fixmedins_code: H2, sign_no: "" });
    const before = await stateOf(platform.database);
    const r = await raw(body, signRequest(h3credential, body));
    expect(r.err_msg).toBe(`[institution_mismatch] 请求被拒绝 / refused: fixmedins_code ${H2} is not the institution of _api_access_key ${h3credential.access_key} (${H3})`);
    expect(await stateOf(platform.database)).toBe(before);
    expect(await lastRefusal()).toMatchObject({ reason: "institution_mismatch", fixmedins_code: H3, access_key: h3credential.access_key });
  });

  it("a sign_no obtained with another credential, of the same hospital or another, opens nothing", async () => {
    const second = await issueCredential(platform.services, H3, "test");
    const other = new HisSession(platform.app, H3, { time: "2022-03-02 08:30:00" });
    other.credential = second;
    other.signNo = his.signNo; // seen on the wire, or guessed
    const r = await refused(platform.database, () => other.call("1101", { data: { mdtrt_cert_type: "02", certno: RESIDENT.certno } }));
    expect(r.err_msg).toBe(`[sign_no_of_other_credential] sign_no: ${his.signNo} was obtained with another credential: sign in with 9001 under this one`);
    expect(await lastRefusal()).toMatchObject({ reason: "sign_no_of_other_credential", access_key: second.access_key, fixmedins_code: H3, infno: "1101" });

    const h2 = new HisSession(platform.app, H2, { time: "2022-03-02 08:40:00" });
    h2.signNo = his.signNo;
    const elsewhere = await h2.call("1101", { data: { mdtrt_cert_type: "02", certno: RESIDENT.certno } });
    expect(elsewhere.err_msg).toBe(`sign_no: ${his.signNo} is not a sign-in of ${H2}`);
    // Its own sign-in works; it cannot sign the other credential's out.
    await other.signIn();
    expect((await other.call("1101", { data: { mdtrt_cert_type: "02", certno: RESIDENT.certno } })).infcode).toBe(0);
    const signOut = await refused(platform.database, () => other.call("9002", { signOut: { sign_no: his.signNo, opter_no: "T001" } }));
    expect(signOut.err_msg).toBe(`signOut.sign_no: ${his.signNo} is not an open sign-in of ${H3} under this credential`);
    expect((await his.call("1101", { data: { mdtrt_cert_type: "02", certno: RESIDENT.certno } })).infcode).toBe(0);
  });
});

describe("the replay window", () => {
  it("a timestamp more than five minutes off either way is refused; within, accepted", async () => {
    const mine = testCredential(platform.app, H3) as HisCredential;
    for (const offset of [-(REPLAY_WINDOW_MS + 5_000), REPLAY_WINDOW_MS + 5_000]) {
      const body = JSON.stringify(lookup(his));
      const r = await raw(body, signRequest(mine, body, Date.now() + offset));
      expect(r.err_msg).toMatch(/^\[stale_timestamp\] 请求被拒绝 \/ refused: _api_timestamp \d+ is not within 5 minutes of the server's time/);
    }
    const body = JSON.stringify(lookup(his));
    expect((await raw(body, signRequest(mine, body, Date.now() - REPLAY_WINDOW_MS + 30_000))).infcode).toBe(0);
  });

  it("the same request again (its nonce seen before) is refused, even for a message that is idempotent by msgid", async () => {
    const mine = testCredential(platform.app, H3) as HisCredential;
    const body = JSON.stringify(lookup(his));
    const headers = signRequest(mine, body);
    expect((await raw(body, headers)).infcode).toBe(0);
    const again = await raw(body, headers);
    expect(again.err_msg).toBe(`[replayed_nonce] 请求被拒绝 / refused: _api_nonce ${headers._api_nonce} was used already with this access key: a request is sent once (a retry signs again)`);
    // The same nonce on another body is refused as well (it is the nonce, not the body, that counts).
    const other = JSON.stringify(lookup(his, OTHER.certno));
    expect((await raw(other, signRequest(mine, other, Date.now(), headers._api_nonce))).err_msg).toMatch(/^\[replayed_nonce\] /);
    // A retry of the same body signed afresh is a new request.
    expect((await raw(body, signRequest(mine, body))).infcode).toBe(0);
    const [kept] = await sqlRows<{ n: number }>(platform.database, sql`select count(*)::int as n from his_nonces where nonce = ${headers._api_nonce}`);
    expect(kept?.n).toBe(1);
  });
});

describe("rate limits per institution on 9001 and 1101", () => {
  it("past the bucket, 1101 and 9001 are refused for that institution only", async () => {
    const limited = await buildServer({ services: platform.services, logger: false, web: false, his: { limits: { "1101": { capacity: 3, perSecond: 0.001 }, "9001": { capacity: 2, perSecond: 0.001 } } } });
    try {
      const a = new HisSession(limited, H3, { time: "2022-03-02 08:50:00" });
      a.credential = testCredential(platform.app, H3) as HisCredential;
      const b = new HisSession(limited, H2, { time: "2022-03-02 09:00:00" });
      b.credential = testCredential(platform.app, H2) as HisCredential;
      await a.signIn();
      await b.signIn();
      for (let i = 0; i < 3; i++) expect((await a.call("1101", { data: { mdtrt_cert_type: "02", certno: RESIDENT.certno } })).infcode).toBe(0);
      const flood = await a.call("1101", { data: { mdtrt_cert_type: "02", certno: RESIDENT.certno } });
      expect(flood.err_msg).toBe(`[rate_limited] 请求被拒绝 / refused: too many 1101 of ${H3}: at most 3 at once and 0.001 a second; retry later`);
      expect(await lastRefusal()).toMatchObject({ reason: "rate_limited", fixmedins_code: H3, infno: "1101" });
      // Another institution has its own bucket; other transactions are not limited.
      expect((await b.call("1101", { data: { mdtrt_cert_type: "02", certno: RESIDENT.certno } })).infcode).toBe(0);
      expect((await a.call("5206", { data: { psn_no: RESIDENT.psn_no, cum_ym: "202203" } })).infcode).toBe(0);
      await a.signIn();
      expect((await a.call("9001", { signIn: { opter_no: "T001", mac: "00", ip: "127.0.0.1" } })).err_msg).toMatch(/^\[rate_limited\] .*too many 9001 of H45100000001/);
    } finally {
      await limited.close();
    }
  });
});

describe("the refusal log and the credentials over REST", () => {
  it("auditors and administrators read the refusals of their region, filtered and paged; a hospital may not", async () => {
    const auditor = await signedInApi(platform.app, platform.database, { role: "auditor", admdvs: "451000" });
    const all = await auditor.get("/api/v1/his/refusals?page_size=500");
    expect(all.status).toBe(200);
    expect(all.body.total).toBeGreaterThanOrEqual(8);
    const unsigned = await auditor.get("/api/v1/his/refusals?reason=unsigned");
    expect(unsigned.body.items.map((r: { reason: string }) => r.reason)).toEqual(Array(unsigned.body.total).fill("unsigned"));
    expect(unsigned.body.items[0]).toMatchObject({ fixmedins_code: H3, fixmedins_name: "百色市人民医院", infno: "9001", address: "127.0.0.1" });
    const paged = await auditor.get("/api/v1/his/refusals?page=2&page_size=2");
    expect(paged.body).toMatchObject({ page: 2, page_size: 2, total: all.body.total });
    expect(paged.body.items).toEqual(all.body.items.slice(2, 4));
    // An unknown key's refusal is filed under the institution its body claimed; a made-up institution is the nation's to see.
    expect(all.body.items.filter((r: { reason: string }) => r.reason === "unknown_key").map((r: { fixmedins_code: string }) => r.fixmedins_code)).toEqual([H3]);
    await raw(JSON.stringify({ ...lookup(his), fixmedins_code: "H99999900000" }), {});
    const national = await signedInApi(platform.app, platform.database, { role: "auditor" });
    expect((await national.get("/api/v1/his/refusals?fixmedins_code=H99999900000")).body).toMatchObject({ total: 1, items: [{ reason: "unsigned", fixmedins_name: null }] });
    expect((await auditor.get("/api/v1/his/refusals?fixmedins_code=H99999900000")).body.total).toBe(0);
    const nanchang = await signedInApi(platform.app, platform.database, { role: "auditor", admdvs: "360100" });
    expect((await nanchang.get("/api/v1/his/refusals")).body.total).toBe(0);
    const hospital = await signedInApi(platform.app, platform.database, { role: "hospital", admdvs: "451000", fixmedins_code: H3 });
    expectError(await hospital.get("/api/v1/his/refusals"), 403, "forbidden", null);
    expectError(await auditor.get("/api/v1/his/refusals?reason=bogus"), 400, "invalid_input", "query.reason");
  });

  it("an administrator issues (the secret once), the HIS signs with it, rotates and revokes; an auditor only reads", async () => {
    const admin = await signedInApi(platform.app, platform.database, { role: "admin", admdvs: "451000" });
    const issued = await admin.post(`/api/v1/hospitals/${H1}/his-credentials`, {});
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ fixmedins_code: H1, status: "active", issued_by: expect.stringMatching(/^test_admin_/), rotated_at: null, revoked_at: null });
    expect(issued.body.access_key).toMatch(/^AK[A-Z0-9]{20}$/);
    const h1 = new HisSession(platform.app, H1, { time: "2022-03-02 09:10:00" });
    h1.credential = { access_key: issued.body.access_key, secret: issued.body.secret };
    await h1.signIn();
    expect((await h1.call("1101", { data: { mdtrt_cert_type: "02", certno: RESIDENT.certno } })).infcode).toBe(0);

    const listed = await admin.get(`/api/v1/hospitals/${H1}/his-credentials`);
    const row = listed.body.items.find((c: { access_key: string }) => c.access_key === issued.body.access_key);
    expect(row).toEqual(Object.fromEntries(Object.entries(issued.body).filter(([k]) => k !== "secret")));
    expect(JSON.stringify(listed.body)).not.toContain(issued.body.secret);
    const [stored] = await sqlRows(platform.database, sql`select * from his_credentials where access_key = ${issued.body.access_key}`);
    expect(JSON.stringify(stored)).not.toContain(issued.body.secret);

    const rotated = await admin.post(`/api/v1/his-credentials/${issued.body.access_key}/rotate`, {});
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(issued.body.secret);
    expect(Date.parse(rotated.body.previous_valid_until) - Date.parse(rotated.body.rotated_at)).toBe(24 * 3600_000);

    const auditor = await signedInApi(platform.app, platform.database, { role: "auditor", admdvs: "451000" });
    expect((await auditor.get(`/api/v1/hospitals/${H1}/his-credentials`)).status).toBe(200);
    expectError(await auditor.post(`/api/v1/hospitals/${H1}/his-credentials`, {}), 403, "forbidden", null);
    expectError(await auditor.post(`/api/v1/his-credentials/${issued.body.access_key}/revoke`, {}), 403, "forbidden", null);
    const nanchang = await signedInApi(platform.app, platform.database, { role: "admin", admdvs: "360100" });
    expectError(await nanchang.post(`/api/v1/his-credentials/${issued.body.access_key}/revoke`, {}), 403, "forbidden", "params.access_key");
    expectError(await admin.post("/api/v1/hospitals/H45199999999/his-credentials", {}), 404, "not_found", "params.fixmedins_code");

    const revoked = await admin.post(`/api/v1/his-credentials/${issued.body.access_key}/revoke`, {});
    expect(revoked.body).toMatchObject({ status: "revoked", previous_valid_until: null, revoked_by: expect.stringContaining(admin.username) });
    expectError(await admin.post(`/api/v1/his-credentials/${issued.body.access_key}/revoke`, {}), 409, "conflict", "access_key");
    expectError(await admin.post(`/api/v1/his-credentials/${issued.body.access_key}/rotate`, {}), 409, "conflict", "access_key");
    expect((await h1.call("1101", { data: { mdtrt_cert_type: "02", certno: RESIDENT.certno } })).err_msg).toMatch(/^\[revoked\] /);
  });
});

describe("the e-voucher token is good for one visit", () => {
  const register = (h: HisSession, token: string, ipt: string) =>
    h.call("2201", { data: { psn_no: RESIDENT.psn_no, insutype: "390", begntime: "2022-03-01 10:00:00", mdtrt_cert_type: "01", mdtrt_cert_no: token, ipt_otp_no: ipt } });
  const read = (h: HisSession, token: string) => h.call("1101", { data: { mdtrt_cert_type: "01", mdtrt_cert_no: token } });

  it("a token that registered a visit at one hospital is refused at another, and for a second visit", async () => {
    const h2 = new HisSession(platform.app, H2, { time: "2022-03-02 09:20:00" });
    await h2.signIn();
    const { token } = await issueVoucher(platform.services, RESIDENT.psn_no);
    expect((await read(h2, token)).infcode).toBe(0); // a look before registering is fine
    const first = await register(his, token, "MZ-V1");
    expect(first.infcode).toBe(0);
    const mdtrt = first.output.data.mdtrt_id as string;
    expect((await read(his, token)).infcode).toBe(0); // the visit's own hospital may read it again

    const elsewhere = await refused(platform.database, () => register(h2, token, "MZ-V2"));
    expect(elsewhere.err_msg).toBe(`data.mdtrt_cert_no: 电子凭证已在其他机构使用 / the voucher token registered a visit at another hospital (${H3}): it is good for one visit`);
    expect((await read(h2, token)).err_msg).toMatch(/registered a visit at another hospital/);
    const again = await refused(platform.database, () => register(his, token, "MZ-V3"));
    expect(again.err_msg).toBe(`data.mdtrt_cert_no: 电子凭证已用于就诊 ${mdtrt} / the voucher token registered a visit already: it is good for one visit; scan a fresh QR code`);

    // The visit over (cancelled), the token is too.
    expect((await his.call("2202", { data: { mdtrt_id: mdtrt, psn_no: RESIDENT.psn_no } })).infcode).toBe(0);
    expect((await read(his, token)).err_msg).toBe(`data.mdtrt_cert_no: 电子凭证已失效 / the visit ${mdtrt} this voucher token registered is over (cancelled): scan a fresh QR code`);
  });

  it("1162's ecToken is bound to the hospital that decoded it", async () => {
    const h2 = new HisSession(platform.app, H2, { time: "2022-03-02 09:30:00" });
    await h2.signIn();
    const { token: qr } = await issueVoucher(platform.services, OTHER.psn_no);
    const decoded = await his.ok("1162", { data: { ecQrCode: qr } });
    const ecToken = decoded.output.data.ecToken as string;
    const left = Date.parse(decoded.output.data.ecTokenExpireTime as string) - Date.now();
    expect(left).toBeGreaterThan(4 * 3600_000 - 60_000);
    expect(left).toBeLessThanOrEqual(4 * 3600_000);
    expect((await his.call("1101", { data: { mdtrt_cert_type: "01", mdtrt_cert_no: ecToken } })).infcode).toBe(0);
    const stolen = await h2.call("1101", { data: { mdtrt_cert_type: "01", mdtrt_cert_no: ecToken } });
    expect(stolen.err_msg).toBe(`data.mdtrt_cert_no: 电子凭证属于其他机构 / the voucher token was decoded for another hospital (${H3}): scan the QR code here`);
  });
});
