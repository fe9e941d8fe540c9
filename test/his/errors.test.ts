import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { callService, internalErrorText } from "../../src/gateway/his/dispatch.js";
import { HANDLERS } from "../../src/gateway/his/handlers/index.js";
import { InvariantError } from "../../src/domain/errors.js";
import { TEST_PASSWORD } from "../api/support.js";
import { createUser } from "../../src/services/identity/auth.js";
import { H3, HisSession, makeId, openTestPlatform, testCredential, type TestPlatform } from "../support/his.js";

/**
 * Issue 21, item 6: an error of the server (a stack overflow, a broken invariant, a raw exception) never reaches the
 * client as its text: the interface answers a stable code and the msgid, the REST API a stable code and the request id;
 * the detail is in the server log.
 */

const RESIDENT = { psn_no: "P451000000201", certno: makeId("451002", "1990-07-01", 201), insutype: "390" as const };
const SECRET_DETAIL = "Maximum call stack size exceeded at settleInternals (/srv/yibao/src/services/secret.ts:42) password=hunter2";

let platform: TestPlatform;
let his: HisSession;

beforeAll(async () => {
  platform = await openTestPlatform([RESIDENT]);
  his = new HisSession(platform.app, H3);
  await his.signIn();
});
afterAll(() => platform.close());

describe("internal errors carry no internal text to the client", () => {
  it("the interface answers [internal_error] with the msgid; the log has the detail with the msgid", async () => {
    const handler = HANDLERS.get("1101");
    if (!handler) throw new Error("no 1101 handler");
    for (const thrown of [new RangeError(SECRET_DETAIL), new InvariantError(SECRET_DETAIL), Object.assign(new Error(SECRET_DETAIL), { code: "XX000" })]) {
      const spy = vi.spyOn(handler, "handle").mockRejectedValueOnce(thrown);
      try {
        const envelope = his.envelope("1101", { data: { mdtrt_cert_type: "02", certno: RESIDENT.certno } });
        const r = await his.send(envelope);
        expect(r).toMatchObject({ infcode: -1, output: null });
        expect(r.err_msg).toBe(`[internal_error] 内部错误，交易未生效 / internal error, nothing was changed (msgid ${envelope.msgid}; the server log has the details)`);
        expect(r.err_msg).toBe(internalErrorText(envelope.msgid));
        expect(JSON.stringify(r)).not.toContain("hunter2");
      } finally {
        spy.mockRestore();
      }
    }
    // In process, with a log: the detail and the msgid are there.
    const logged: object[] = [];
    const spy = vi.spyOn(handler, "handle").mockRejectedValueOnce(new RangeError(SECRET_DETAIL));
    try {
      const credential = testCredential(platform.app, H3);
      if (!credential) throw new Error("no credential");
      const envelope = his.envelope("1101", { data: { mdtrt_cert_type: "02", certno: RESIDENT.certno } });
      const r = await callService(platform.services, envelope, { access_key: credential.access_key, fixmedins_code: H3 }, { info: () => undefined, error: (o) => logged.push(o) });
      expect(r.err_msg).toBe(internalErrorText(envelope.msgid));
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ infno: "1101", msgid: envelope.msgid, err: { message: SECRET_DETAIL } });
    } finally {
      spy.mockRestore();
    }
  });

  it("the REST API answers 500 internal_error with the request id, not the exception's text", async () => {
    await createUser(platform.database.db, { username: "auditor_e", display_name: "稽核", role: "auditor", admdvs: "451000", password: TEST_PASSWORD });
    const signIn = await platform.app.inject({ method: "POST", url: "/api/v1/auth/signin", payload: { username: "auditor_e", password: TEST_PASSWORD } });
    const token = (signIn.json() as { token: string }).token;
    const spy = vi.spyOn(platform.services, "cached").mockRejectedValue(new RangeError(SECRET_DETAIL));
    try {
      const res = await platform.app.inject({ url: "/api/v1/auth/me", headers: { authorization: `Bearer ${token}` } });
      const r = { status: res.statusCode, body: res.json() as { error: unknown }, text: res.body };
      expect(r.status).toBe(500);
      expect(r.body.error).toEqual({ code: "internal_error", field: null, message: expect.stringMatching(/^internal error; the server log has the details \(request [\w-]+\)$/) });
      expect(r.text).not.toContain("hunter2");
      expect(r.text).not.toContain("Maximum call stack");
    } finally {
      spy.mockRestore();
    }
  });
});
