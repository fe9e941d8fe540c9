import { and, desc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import type { Queryable } from "../../store/db.js";
import { fixmedins, hisNonces, hisRefusals } from "../../store/schema.js";
import type { Services } from "../common/context.js";
import { inRegion } from "../common/region.js";

/** Why the interface refused a sender (a stable code for filters and alerts; the detail says it in words). */
export const REFUSAL_REASONS = [
  "unsigned", "unknown_key", "revoked", "bad_signature", "stale_timestamp", "bad_nonce", "replayed_nonce", "body_digest",
  "institution_mismatch", "sign_no_of_other_credential", "rate_limited",
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export interface RefusalRecord {
  address: string | null;
  access_key: string | null;
  fixmedins_code: string | null;
  infno: string | null;
  msgid: string | null;
  reason: RefusalReason;
  detail: string;
}

/**
 * Writes one refusal. A failure to write is logged by the caller's logger, never turned into an answer: the sender
 * is refused either way.
 */
export async function recordRefusal(services: Services, r: RefusalRecord, at = new Date()): Promise<void> {
  await services.db.insert(hisRefusals).values({ ...r, at });
}

export interface RefusalFilter {
  /** The viewer's region: refusals naming an institution of it (a national scope: all, also those naming none). */
  scope: string;
  fixmedins_code?: string | undefined;
  reason?: RefusalReason | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  page: number;
  page_size: number;
}

export async function listRefusals(services: Services, f: RefusalFilter) {
  const conditions: SQL[] = [];
  // An institution outside the viewer's region, or none known (an unknown key, a made-up code), is the nation's to see.
  conditions.push(inRegion(sql`coalesce(${fixmedins.admdvs}, '000000')`, f.scope));
  if (f.fixmedins_code) conditions.push(eq(hisRefusals.fixmedins_code, f.fixmedins_code));
  if (f.reason) conditions.push(eq(hisRefusals.reason, f.reason));
  if (f.from) conditions.push(gte(hisRefusals.at, f.from));
  if (f.to) conditions.push(lt(hisRefusals.at, f.to));
  const where = and(...conditions);
  const items = await services.db
    .select({
      id: hisRefusals.id, at: hisRefusals.at, address: hisRefusals.address, access_key: hisRefusals.access_key, fixmedins_code: hisRefusals.fixmedins_code,
      fixmedins_name: fixmedins.fixmedins_name, infno: hisRefusals.infno, msgid: hisRefusals.msgid, reason: hisRefusals.reason, detail: hisRefusals.detail,
    })
    .from(hisRefusals)
    .leftJoin(fixmedins, eq(fixmedins.fixmedins_code, hisRefusals.fixmedins_code))
    .where(where)
    .orderBy(desc(hisRefusals.at), desc(hisRefusals.id))
    .limit(f.page_size)
    .offset((f.page - 1) * f.page_size);
  const [count] = await services.db
    .select({ n: sql<number>`count(*)::int` })
    .from(hisRefusals)
    .leftJoin(fixmedins, eq(fixmedins.fixmedins_code, hisRefusals.fixmedins_code))
    .where(where);
  return { items, total: count?.n ?? 0 };
}

/** What a replayed nonce is told (and the refusals' log keeps). */
export const replayedNonceText = (nonce: string) => `_api_nonce ${nonce} was used already with this access key: a request is sent once (a retry signs again)`;

/**
 * Spends a request's nonce on its own (one statement, its own commit): for the messages that change nothing and for a
 * message whose transaction rolled back. True when the nonce was new.
 */
export async function spendNonce(q: Queryable, accessKey: string, nonce: string, at: number): Promise<boolean> {
  const rows = await q.insert(hisNonces).values({ access_key: accessKey, nonce, seen_at: new Date(at) }).onConflictDoNothing().returning({ one: sql<number>`1` });
  return rows.length === 1;
}
