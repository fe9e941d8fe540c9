import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { eq } from "drizzle-orm";
import { DomainError } from "../../domain/errors.js";
import type { Queryable } from "../../store/db.js";
import { encounters, secrets, voucherClaims } from "../../store/schema.js";
import type { Services } from "../common/context.js";

/**
 * The electronic medical-insurance voucher (医保电子凭证): the portal shows a QR code holding a short-lived token signed
 * by the platform; a hospital scans it and sends it as `mdtrt_cert_no` with `mdtrt_cert_type` 01 (1101), or decodes it
 * with 1162. The token is `YB1.<payload>.<signature>` (base64url): payload {p: psn_no, e: expiry in epoch seconds,
 * n: nonce, h: the hospital an ecToken was decoded for}, signature HMAC-SHA256 with a key the server makes at first
 * start and keeps in the database, so every process of one database checks every other's tokens. Nothing about the
 * person is readable without the platform.
 *
 * A token is good for one visit (issue 21): the first registration with it (2201/2401, mdtrt_cert_type 01) claims it
 * for that hospital and visit (voucher_claims); another registration with it, anywhere, is refused, and so is any use at
 * another hospital. The ecToken 1162 answers lives as long as the visit needs and no longer: it is bound to the hospital
 * that decoded it, expires VISIT_TOKEN_TTL_SECONDS after decoding if it registered nothing, and ends with its visit
 * (settled or cancelled) if it did.
 */

export const VOUCHER_TTL_SECONDS = 180;
/** The ecToken 1162 answers with: the same kind of token, good for the visit's transactions of the day at most. */
export const VISIT_TOKEN_TTL_SECONDS = 4 * 3600;
const PREFIX = "YB1";
const KEY_NAME = "voucher_hmac_key";

async function voucherKey(services: Services): Promise<Buffer> {
  const key = await services.cached(`secret:${KEY_NAME}`, 3_600_000, async () => {
    await services.db.insert(secrets).values({ name: KEY_NAME, value: randomBytes(32).toString("base64") }).onConflictDoNothing();
    const [row] = await services.db.select().from(secrets).where(eq(secrets.name, KEY_NAME));
    return row?.value;
  });
  if (!key) throw new Error("the voucher key could not be made");
  return Buffer.from(key, "base64");
}

const sign = (key: Buffer, payload: string) => createHmac("sha256", key).update(`${PREFIX}.${payload}`).digest();

export interface Voucher {
  token: string;
  expires_at: Date;
  ttl_seconds: number;
}

/** A token for psnNo; with `hospital`, one that only that hospital may use (1162's ecToken). */
export async function issueVoucher(services: Services, psnNo: string, now = Date.now(), ttlSeconds = VOUCHER_TTL_SECONDS, hospital?: string): Promise<Voucher> {
  const key = await voucherKey(services);
  const expires = Math.floor(now / 1000) + ttlSeconds;
  const body = { p: psnNo, e: expires, n: randomBytes(6).toString("base64url"), ...(hospital ? { h: hospital } : {}) };
  const payload = Buffer.from(JSON.stringify(body)).toString("base64url");
  return { token: `${PREFIX}.${payload}.${sign(key, payload).toString("base64url")}`, expires_at: new Date(expires * 1000), ttl_seconds: ttlSeconds };
}

/** The psn_no a token was issued to; a refusal names `field` and says why (malformed, forged, expired). */
export async function verifyVoucher(services: Services, token: string, field: string, now = Date.now()): Promise<{ psn_no: string; expires_at: Date; hospital: string | null }> {
  const parts = token.trim().split(".");
  if (parts.length !== 3 || parts[0] !== PREFIX || !parts[1] || !parts[2]) {
    throw new DomainError(field, "is not an electronic voucher token (YB1.…): scan the QR code again");
  }
  const key = await voucherKey(services);
  const given = Buffer.from(parts[2], "base64url");
  const expected = sign(key, parts[1]);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new DomainError(field, "电子凭证签名无效 / the voucher's signature is not the platform's");
  let payload: { p?: unknown; e?: unknown; h?: unknown };
  try {
    payload = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")) as { p?: unknown; e?: unknown; h?: unknown };
  } catch {
    throw new DomainError(field, "the voucher's payload is unreadable");
  }
  if (typeof payload.p !== "string" || typeof payload.e !== "number") throw new DomainError(field, "the voucher's payload is incomplete");
  if (payload.e * 1000 <= now) throw new DomainError(field, "电子凭证已过期，请刷新二维码 / the voucher has expired: refresh the QR code");
  return { psn_no: payload.p, expires_at: new Date(payload.e * 1000), hospital: typeof payload.h === "string" ? payload.h : null };
}

const tokenHash = (token: string) => createHash("sha256").update(token.trim()).digest("hex");

/**
 * Whether a verified token may be used by `fixmedinsCode` now: an ecToken only by the hospital that decoded it; a token
 * that registered a visit only by that visit's hospital and only while the visit is open.
 */
export async function checkVoucherUse(q: Queryable, token: string, voucher: { hospital: string | null }, fixmedinsCode: string, field: string): Promise<void> {
  if (voucher.hospital !== null && voucher.hospital !== fixmedinsCode) {
    throw new DomainError(field, `电子凭证属于其他机构 / the voucher token was decoded for another hospital (${voucher.hospital}): scan the QR code here`);
  }
  const [claim] = await q
    .select({ fixmedins_code: voucherClaims.fixmedins_code, mdtrt_id: voucherClaims.mdtrt_id, status: encounters.status })
    .from(voucherClaims)
    .leftJoin(encounters, eq(encounters.mdtrt_id, voucherClaims.mdtrt_id))
    .where(eq(voucherClaims.token_hash, tokenHash(token)))
    .limit(1);
  if (!claim) return;
  if (claim.fixmedins_code !== fixmedinsCode) {
    throw new DomainError(field, `电子凭证已在其他机构使用 / the voucher token registered a visit at another hospital (${claim.fixmedins_code}): it is good for one visit`);
  }
  if (claim.status === "settled" || claim.status === "cancelled" || claim.status === null) {
    throw new DomainError(field, `电子凭证已失效 / the visit ${claim.mdtrt_id} this voucher token registered is over (${claim.status ?? "gone"}): scan a fresh QR code`);
  }
}

/** Claims the token for the visit it registers (same transaction as the registration): a second claim is refused. */
export async function claimVoucher(q: Queryable, token: string, claim: { psn_no: string; fixmedins_code: string; mdtrt_id: string }, field: string): Promise<void> {
  const rows = await q.insert(voucherClaims).values({ token_hash: tokenHash(token), ...claim }).onConflictDoNothing().returning({ mdtrt_id: voucherClaims.mdtrt_id });
  if (rows.length === 0) {
    const [first] = await q.select().from(voucherClaims).where(eq(voucherClaims.token_hash, tokenHash(token))).limit(1);
    throw new DomainError(field, `电子凭证已用于就诊 ${first?.mdtrt_id ?? ""} / the voucher token registered a visit already: it is good for one visit; scan a fresh QR code`);
  }
}
