/**
 * The signature a hospital's HIS puts in front of every request to the hospital-facing interface, as the national
 * platform's gateway does (shared/docs/his-interface.md, Transport), extended with a nonce and a digest of the body so
 * that the signature covers what is sent and cannot be replayed:
 *
 *   _api_name         the gateway's name of the service: "callService"
 *   _api_version      "1.0.0"
 *   _api_timestamp    milliseconds since 1970 (UTC) when the request was signed
 *   _api_access_key   the institution's access key (issued by the bureau)
 *   _api_nonce        16–64 characters [A-Za-z0-9_-], never used twice with one access key
 *   _api_body_sha256  Base64(SHA-256(the request body's bytes))
 *   _api_signature    Base64(HMAC-SHA256(secret, "k=v&k=v…" of the six headers above, sorted by name))
 *
 * One module for both sides: the server's guard (src/gateway/his/guard.ts) and the client (src/simulator/client.ts), so that
 * the simulator, the demo and the benchmarks sign exactly as the server checks.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const API_NAME = "callService";
export const API_VERSION = "1.0.0";

export const SIGNED_HEADERS = ["_api_access_key", "_api_body_sha256", "_api_name", "_api_nonce", "_api_timestamp", "_api_version"] as const;
export type SignedHeader = (typeof SIGNED_HEADERS)[number];
export type SignatureHeaders = Record<SignedHeader | "_api_signature", string>;

export const NONCE = /^[A-Za-z0-9_-]{16,64}$/;

export interface HisCredential {
  access_key: string;
  secret: string;
}

export function bodyDigest(body: string | Buffer): string {
  return createHash("sha256").update(body).digest("base64");
}

/** The text signed: the six headers as k=v, sorted by name, joined by &. */
export function canonicalText(headers: Record<SignedHeader, string>): string {
  return SIGNED_HEADERS.map((name) => `${name}=${headers[name]}`).join("&");
}

export function signatureOf(secret: string, headers: Record<SignedHeader, string>): string {
  return createHmac("sha256", secret).update(canonicalText(headers)).digest("base64");
}

/** The headers of one request: a fresh nonce each call, so a retry of the same body is a new signature. */
export function signRequest(credential: HisCredential, body: string | Buffer, now = Date.now(), nonce = randomBytes(16).toString("base64url")): SignatureHeaders {
  const signed: Record<SignedHeader, string> = {
    _api_access_key: credential.access_key,
    _api_body_sha256: bodyDigest(body),
    _api_name: API_NAME,
    _api_nonce: nonce,
    _api_timestamp: String(Math.floor(now)),
    _api_version: API_VERSION,
  };
  return { ...signed, _api_signature: signatureOf(credential.secret, signed) };
}

/** Whether `given` is the signature of the headers with `secret`, in constant time. */
export function signatureMatches(secret: string, headers: Record<SignedHeader, string>, given: string): boolean {
  const expected = Buffer.from(signatureOf(secret, headers), "base64");
  const actual = Buffer.from(given, "base64");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
