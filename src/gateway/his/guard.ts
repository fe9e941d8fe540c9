import { lt } from "drizzle-orm";
import { bodyDigest, NONCE, signatureMatches, SIGNED_HEADERS, type SignedHeader } from "../../lib/hisSignature.js";
import type { Services } from "../../services/common/index.js";
import { NOT_JSON } from "./dispatch.js";
import type { HisCaller } from "./types.js";
import { recordRefusal, type RefusalReason, verifiableCredential } from "../../services/identity/index.js";
import { hisNonces } from "../../store/schema.js";

/**
 * Who may speak on the hospital-facing interface (issue 21), checked before any work: the request is signed with a
 * credential the bureau issued (src/lib/hisSignature.ts), within the replay window, with a nonce never seen before; the
 * institution is the credential's, never the body's; 9001 and 1101 are rate-limited per institution. Every refusal is
 * written to his_refusals for the auditors.
 */

/** A timestamp further than this from the server's clock, either way, is refused. */
export const REPLAY_WINDOW_MS = 5 * 60_000;
/**
 * A nonce is kept twice the window: a request is accepted only within REPLAY_WINDOW_MS of its timestamp and its nonce
 * was stored within REPLAY_WINDOW_MS of the same timestamp, so a replay accepted by the clock always finds its nonce.
 */
const NONCE_KEPT_MS = 2 * REPLAY_WINDOW_MS;
const PRUNE_EVERY_MS = 60_000;

/** A token bucket: `capacity` requests at once, refilled at `perSecond`. */
export interface RateLimit {
  capacity: number;
  perSecond: number;
}

/**
 * Default limits per institution: a hospital signs in a few clerks at a time and reads persons at the pace of its
 * counters; a flood of 1101 is how ID numbers are harvested. Buckets are in this process's memory (one server; several
 * processes each allow this much).
 */
export const DEFAULT_RATE_LIMITS: Readonly<Record<string, RateLimit>> = {
  "9001": { capacity: 60, perSecond: 1 },
  "1101": { capacity: 300, perSecond: 20 },
};

/**
 * YIBAO_HIS_RATE_LIMITS: "9001=60:1,1101=300:20" (infno=capacity:per second), or "off" for none; unset, the defaults.
 */
export function rateLimitsFrom(value: string | undefined): Record<string, RateLimit> {
  if (value === undefined || value.trim() === "") return { ...DEFAULT_RATE_LIMITS };
  if (value.trim() === "off") return {};
  const out: Record<string, RateLimit> = {};
  for (const part of value.split(",")) {
    const m = /^\s*(\d{4})\s*=\s*(\d+)\s*:\s*(\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!m || Number(m[2]) < 1 || Number(m[3]) <= 0) {
      throw new Error(`YIBAO_HIS_RATE_LIMITS: "${part}" is not infno=capacity:perSecond (e.g. 1101=300:20)`);
    }
    out[m[1] as string] = { capacity: Number(m[2]), perSecond: Number(m[3]) };
  }
  return out;
}

export type { HisCaller } from "./types.js";

export interface GuardOptions {
  /** Per infno; default DEFAULT_RATE_LIMITS ({} for none). */
  limits?: Record<string, RateLimit>;
  now?: () => number;
}

export interface Refusal {
  reason: RefusalReason;
  /** Said to the caller and kept in the log: it names what was wrong, never a secret. */
  message: string;
}

export type Admission = { caller: HisCaller; body: unknown } | { refusal: Refusal };

type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The envelope fields a refusal is logged with, read leniently (the body may be anything). */
function envelopeHints(body: unknown): { infno: string | null; msgid: string | null; fixmedins_code: string | null } {
  const o = body && typeof body === "object" ? (body as Record<string, unknown>) : {};
  const text = (v: unknown) => (typeof v === "string" ? v.slice(0, 64) : null);
  return { infno: text(o.infno), msgid: text(o.msgid), fixmedins_code: text(o.fixmedins_code) };
}

export class HisGuard {
  private readonly limits: Record<string, RateLimit>;
  private readonly now: () => number;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private lastPrune = 0;

  constructor(private readonly services: Services, options: GuardOptions = {}) {
    this.limits = options.limits ?? { ...DEFAULT_RATE_LIMITS };
    this.now = options.now ?? Date.now;
  }

  /**
   * Admits a request (its headers, the body's exact text, the sender's address) or refuses it, writing the refusal to
   * the log. The body is parsed only once the signature holds.
   */
  async admit(headers: Headers, rawBody: string, address: string | null, log?: { error(o: object, msg?: string): void }): Promise<Admission> {
    let body: unknown = null;
    // The institution logged is the credential's once known (its bureau's auditors see it), else the one the body claims.
    let institution: string | null = null;
    const refuse = async (refusal: Refusal, accessKey: string | null, parsed: unknown = body): Promise<Admission> => {
      const hints = envelopeHints(parsed);
      try {
        await recordRefusal(this.services, {
          address, access_key: accessKey, ...hints, fixmedins_code: institution ?? hints.fixmedins_code, reason: refusal.reason, detail: refusal.message,
        });
      } catch (error) {
        // The sender is refused either way; a log that cannot be written is the server's problem, said in its own log.
        log?.error({ err: error, refused: refusal.reason }, "the refusal could not be logged");
      }
      return { refusal };
    };
    const values = {} as Record<SignedHeader, string>;
    for (const name of SIGNED_HEADERS) {
      const v = header(headers, name);
      if (v === undefined || v === "") {
        return refuse({ reason: "unsigned", message: `the request lacks the header ${name}: sign every request with the institution's credential (_api_* headers)` }, header(headers, "_api_access_key")?.slice(0, 64) ?? null, safeParse(rawBody));
      }
      values[name] = v;
    }
    const signature = header(headers, "_api_signature");
    const accessKey = values._api_access_key.slice(0, 64);
    if (!signature) return refuse({ reason: "unsigned", message: "the request lacks the header _api_signature" }, accessKey, safeParse(rawBody));
    const credential = await verifiableCredential(this.services, accessKey);
    if (!credential) return refuse({ reason: "unknown_key", message: `_api_access_key ${accessKey} is not a credential issued by the bureau` }, accessKey, safeParse(rawBody));
    institution = credential.fixmedins_code;
    if (credential.status !== "active") return refuse({ reason: "revoked", message: `_api_access_key ${accessKey} is revoked: ask the bureau for a new credential` }, accessKey, safeParse(rawBody));
    const now = this.now();
    const stamp = Number(values._api_timestamp);
    if (!/^\d{1,15}$/.test(values._api_timestamp) || Math.abs(now - stamp) > REPLAY_WINDOW_MS) {
      return refuse({ reason: "stale_timestamp", message: `_api_timestamp ${values._api_timestamp} is not within ${REPLAY_WINDOW_MS / 60_000} minutes of the server's time ${now} (ms since 1970 UTC)` }, accessKey, safeParse(rawBody));
    }
    if (!NONCE.test(values._api_nonce)) return refuse({ reason: "bad_nonce", message: "_api_nonce must be 16 to 64 characters A-Z a-z 0-9 _ -" }, accessKey, safeParse(rawBody));
    if (bodyDigest(rawBody) !== values._api_body_sha256) {
      return refuse({ reason: "body_digest", message: "_api_body_sha256 is not the SHA-256 of the body sent (Base64): the body was changed or digested otherwise" }, accessKey, safeParse(rawBody));
    }
    const valid = credential.secrets.filter((s) => s.valid_until === null || s.valid_until > now);
    if (!valid.some((s) => signatureMatches(s.secret, values, signature))) {
      return refuse({ reason: "bad_signature", message: "_api_signature does not verify with the credential's secret" }, accessKey, safeParse(rawBody));
    }
    // The nonce is spent by the message itself (dispatch.ts: in its transaction, with the msgid's claim), so that a
    // request costs one commit; only a signed request reaches that point, so an unsigned flood cannot fill the table.
    await this.pruneNonces(now);
    const nonce = { value: values._api_nonce, at: now };
    try {
      body = JSON.parse(rawBody) as unknown;
    } catch {
      // Signed but not JSON: the envelope's own parser answers it as malformed (no refusal of the sender).
      return { caller: { access_key: accessKey, fixmedins_code: credential.fixmedins_code, nonce }, body: NOT_JSON };
    }
    const hints = envelopeHints(body);
    if (hints.fixmedins_code !== null && hints.fixmedins_code !== credential.fixmedins_code) {
      return refuse({ reason: "institution_mismatch", message: `fixmedins_code ${hints.fixmedins_code} is not the institution of _api_access_key ${accessKey} (${credential.fixmedins_code})` }, accessKey);
    }
    if (hints.infno !== null && !this.take(credential.fixmedins_code, hints.infno, now)) {
      const limit = this.limits[hints.infno] as RateLimit;
      return refuse({ reason: "rate_limited", message: `too many ${hints.infno} of ${credential.fixmedins_code}: at most ${limit.capacity} at once and ${limit.perSecond} a second; retry later` }, accessKey);
    }
    return { caller: { access_key: accessKey, fixmedins_code: credential.fixmedins_code, nonce }, body };
  }

  /** Old nonces are pruned about once a minute (a nonce is kept twice the replay window). */
  private async pruneNonces(now: number): Promise<void> {
    if (now - this.lastPrune <= PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    await this.services.db.delete(hisNonces).where(lt(hisNonces.seen_at, new Date(now - NONCE_KEPT_MS)));
  }

  /** Takes a token of the institution's bucket for infno; true when the request may go (no limit: always). */
  private take(fixmedinsCode: string, infno: string, now: number): boolean {
    const limit = this.limits[infno];
    if (!limit) return true;
    const key = `${fixmedinsCode}:${infno}`;
    const bucket = this.buckets.get(key) ?? { tokens: limit.capacity, at: now };
    bucket.tokens = Math.min(limit.capacity, bucket.tokens + ((now - bucket.at) / 1000) * limit.perSecond);
    bucket.at = now;
    if (bucket.tokens < 1) {
      this.buckets.set(key, bucket);
      return false;
    }
    bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    return true;
  }
}

/** The body of a refused request, read only for the log's infno, msgid and fixmedins_code (small bodies only). */
function safeParse(text: string): unknown {
  if (text.length > 65_536) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
