import { describe, expect, it } from "vitest";
import { canonicalText, signatureMatches, signRequest } from "../src/lib/hisSignature.js";

/** The README's worked example of the interface's signature, to the character (a HIS vendor checks against it). */
describe("the signature of the hospital-facing interface", () => {
  const credential = { access_key: "AK3Q9ZTV0K7M2H4R8B1XWQ", secret: "demo-secret-of-the-hospital" };
  const body = '{"infno":"9001","msgid":"H45100000001202203011000000001","fixmedins_code":"H45100000001","sign_no":"","inf_time":"2022-03-01 10:00:00","input":{"signIn":{"opter_no":"A001"}}}';

  it("signs the README's example exactly", () => {
    const headers = signRequest(credential, body, 1764842400000, "9f86d081884c7d659a2feaa0c55ad015");
    expect(headers).toEqual({
      _api_access_key: "AK3Q9ZTV0K7M2H4R8B1XWQ",
      _api_body_sha256: "XSAarpJQDF0z/qKsJf+esqagX9Cg/bRTj9WdLqecuQQ=",
      _api_name: "callService",
      _api_nonce: "9f86d081884c7d659a2feaa0c55ad015",
      _api_timestamp: "1764842400000",
      _api_version: "1.0.0",
      _api_signature: "WvSxFl7N+IQWVikNiIDXrq1EKYvp3NvtFAblsCxFCqs=",
    });
    expect(canonicalText(headers)).toBe(
      "_api_access_key=AK3Q9ZTV0K7M2H4R8B1XWQ&_api_body_sha256=XSAarpJQDF0z/qKsJf+esqagX9Cg/bRTj9WdLqecuQQ=&_api_name=callService&_api_nonce=9f86d081884c7d659a2feaa0c55ad015&_api_timestamp=1764842400000&_api_version=1.0.0",
    );
    expect(signatureMatches(credential.secret, headers, headers._api_signature)).toBe(true);
    expect(signatureMatches(`${credential.secret}!`, headers, headers._api_signature)).toBe(false);
    expect(signatureMatches(credential.secret, { ...headers, _api_timestamp: "1764842400001" }, headers._api_signature)).toBe(false);
    expect(signatureMatches(credential.secret, headers, "")).toBe(false);
  });

  it("draws a fresh nonce each time", () => {
    const a = signRequest(credential, body);
    const b = signRequest(credential, body);
    expect(a._api_nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a._api_nonce).not.toBe(b._api_nonce);
    expect(a._api_signature).not.toBe(b._api_signature);
  });
});
