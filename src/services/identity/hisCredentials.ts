import { createHash, createHmac, randomBytes } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import { DomainError } from "../../domain/errors.js";
import { fixmedins, hisCredentials, secrets } from "../../store/schema.js";
import type { Services } from "../common/context.js";

/**
 * Credentials of designated institutions on the hospital-facing interface (issue 21). The bureau issues an access key
 * and a secret per institution; the HIS signs every request with it (src/lib/hisSignature.ts).
 *
 * HMAC verification needs the secret itself on the server, so it cannot be stored as a one-way hash. It is not stored
 * at all: secret = Base64url(HMAC-SHA256(master key, "access_key:salt")), where the row keeps only the random salt and
 * a fingerprint. The master key is YIBAO_HIS_MASTER_KEY (at least 32 characters) — then a copy of the database alone
 * cannot sign as any hospital. Without it the server makes a key of its own in the `secrets` table at first use (fine for
 * the demo and a single machine; a bureau sets the variable before issuing, since changing it changes every secret).
 *
 * A rotation draws a new salt; the previous secret keeps working for ROTATION_OVERLAP_MS, so the hospital can deploy
 * the new one without a gap. A revocation ends the credential (and its previous secret) at once in this process and
 * within CREDENTIAL_CACHE_MS in the others.
 */

export const ROTATION_OVERLAP_MS = 24 * 3600_000;
export const CREDENTIAL_CACHE_MS = 10_000;
const MASTER_KEY_NAME = "his_master_key";

/** Refusals the REST API answers 404 and 409 (src/api/errors.ts reads their `code`). */
class UnknownKey extends DomainError {
  readonly code = "not_found";
}
class StateConflict extends DomainError {
  readonly code = "conflict";
}

export type CredentialStatus = "active" | "revoked";

export interface CredentialView {
  access_key: string;
  fixmedins_code: string;
  fingerprint: string;
  status: CredentialStatus;
  issued_at: string;
  issued_by: string;
  rotated_at: string | null;
  rotated_by: string | null;
  revoked_at: string | null;
  revoked_by: string | null;
  /** Until when the secret before the last rotation is still accepted; null: none is. */
  previous_valid_until: string | null;
}

/** A credential as issued or rotated: the secret is shown this once and never again. */
export interface IssuedCredential extends CredentialView {
  secret: string;
}

/** What the guard needs of an access key: the institution and the secrets it accepts now. */
export interface VerifiableCredential {
  access_key: string;
  fixmedins_code: string;
  status: CredentialStatus;
  secrets: { secret: string; valid_until: number | null }[];
}

async function masterKey(services: Services): Promise<Buffer> {
  const fromEnv = process.env.YIBAO_HIS_MASTER_KEY;
  if (fromEnv !== undefined && fromEnv !== "") {
    if (fromEnv.length < 32) throw new Error("YIBAO_HIS_MASTER_KEY must be at least 32 characters");
    return Buffer.from(fromEnv, "utf8");
  }
  const key = await services.cached(`secret:${MASTER_KEY_NAME}`, 3_600_000, async () => {
    await services.db.insert(secrets).values({ name: MASTER_KEY_NAME, value: randomBytes(32).toString("base64") }).onConflictDoNothing();
    const [row] = await services.db.select().from(secrets).where(eq(secrets.name, MASTER_KEY_NAME));
    return row?.value;
  });
  if (!key) throw new Error("the HIS master key could not be made");
  return Buffer.from(key, "base64");
}

function deriveSecret(key: Buffer, accessKey: string, salt: string): string {
  return createHmac("sha256", key).update(`${accessKey}:${salt}`).digest("base64url");
}

const fingerprintOf = (secret: string) => createHash("sha256").update(secret).digest("hex").slice(0, 16);
const iso = (d: Date | null) => (d ? d.toISOString() : null);

type Row = typeof hisCredentials.$inferSelect;

function view(row: Row, now = Date.now()): CredentialView {
  const previousLive = row.status === "active" && row.previous_valid_until !== null && row.previous_valid_until.getTime() > now;
  return {
    access_key: row.access_key,
    fixmedins_code: row.fixmedins_code,
    fingerprint: row.fingerprint,
    status: row.status as CredentialStatus,
    issued_at: row.issued_at.toISOString(),
    issued_by: row.issued_by,
    rotated_at: iso(row.rotated_at),
    rotated_by: row.rotated_by,
    revoked_at: iso(row.revoked_at),
    revoked_by: row.revoked_by,
    previous_valid_until: previousLive ? iso(row.previous_valid_until) : null,
  };
}

const newSalt = () => randomBytes(16).toString("base64url");
/** AK + 20 characters: readable in a header and a log, unguessable. */
const newAccessKey = () => `AK${randomBytes(15).toString("base64url").replace(/[-_]/g, "0").toUpperCase().slice(0, 20)}`;

async function getRow(services: Services, accessKey: string): Promise<Row> {
  const [row] = await services.db.select().from(hisCredentials).where(eq(hisCredentials.access_key, accessKey)).limit(1);
  if (!row) throw new UnknownKey("access_key", `${accessKey} is not an access key of the interface`);
  return row;
}

export async function issueCredential(services: Services, fixmedinsCode: string, by: string): Promise<IssuedCredential> {
  const [hospital] = await services.db.select().from(fixmedins).where(eq(fixmedins.fixmedins_code, fixmedinsCode)).limit(1);
  if (!hospital) throw new UnknownKey("fixmedins_code", `${fixmedinsCode} is not a designated institution`);
  const key = await masterKey(services);
  const access_key = newAccessKey();
  const salt = newSalt();
  const secret = deriveSecret(key, access_key, salt);
  const [row] = await services.db
    .insert(hisCredentials)
    .values({ access_key, fixmedins_code: fixmedinsCode, salt, fingerprint: fingerprintOf(secret), issued_by: by })
    .returning();
  return { ...view(row as Row), secret };
}

export async function rotateCredential(services: Services, accessKey: string, by: string, now = new Date()): Promise<IssuedCredential> {
  const row = await getRow(services, accessKey);
  if (row.status !== "active") throw new StateConflict("access_key", `${accessKey} is revoked: issue a new credential instead`);
  const key = await masterKey(services);
  const salt = newSalt();
  const secret = deriveSecret(key, accessKey, salt);
  const [updated] = await services.db
    .update(hisCredentials)
    .set({
      salt, fingerprint: fingerprintOf(secret), previous_salt: row.salt, previous_valid_until: new Date(now.getTime() + ROTATION_OVERLAP_MS),
      rotated_at: now, rotated_by: by,
    })
    .where(and(eq(hisCredentials.access_key, accessKey), eq(hisCredentials.status, "active")))
    .returning();
  if (!updated) throw new StateConflict("access_key", `${accessKey} was revoked meanwhile`);
  await services.forget(`his_credential:${accessKey}`);
  return { ...view(updated, now.getTime()), secret };
}

export async function revokeCredential(services: Services, accessKey: string, by: string, now = new Date()): Promise<CredentialView> {
  const row = await getRow(services, accessKey);
  if (row.status === "revoked") throw new StateConflict("access_key", `${accessKey} is revoked already`);
  const [updated] = await services.db
    .update(hisCredentials)
    .set({ status: "revoked", revoked_at: now, revoked_by: by, previous_salt: null, previous_valid_until: null })
    .where(eq(hisCredentials.access_key, accessKey))
    .returning();
  await services.forget(`his_credential:${accessKey}`);
  return view(updated as Row, now.getTime());
}

export async function listCredentials(services: Services, filter: { fixmedins_code?: string } = {}): Promise<CredentialView[]> {
  const rows = await services.db
    .select()
    .from(hisCredentials)
    .where(filter.fixmedins_code ? eq(hisCredentials.fixmedins_code, filter.fixmedins_code) : undefined)
    .orderBy(asc(hisCredentials.fixmedins_code), asc(hisCredentials.issued_at));
  return rows.map((r) => view(r));
}

/**
 * The access key as the guard checks it, cached for CREDENTIAL_CACHE_MS (every request reads it; deriving the secrets
 * costs two HMACs). Null when no such key exists (not cached, so that a key issued meanwhile works at once).
 */
export async function verifiableCredential(services: Services, accessKey: string): Promise<VerifiableCredential | null> {
  const found = await services.cached(`his_credential:${accessKey}`, CREDENTIAL_CACHE_MS, async () => {
    const [row] = await services.db.select().from(hisCredentials).where(eq(hisCredentials.access_key, accessKey)).limit(1);
    if (!row) return undefined;
    const key = await masterKey(services);
    const list: VerifiableCredential["secrets"] = [{ secret: deriveSecret(key, row.access_key, row.salt), valid_until: null }];
    if (row.previous_salt && row.previous_valid_until) {
      list.push({ secret: deriveSecret(key, row.access_key, row.previous_salt), valid_until: row.previous_valid_until.getTime() });
    }
    return { access_key: row.access_key, fixmedins_code: row.fixmedins_code, status: row.status as CredentialStatus, secrets: list };
  });
  return found ?? null;
}

/**
 * The demo's credentials (demo databases only): one per demo hospital, issued by "demo" the first time, its secret
 * derived again at every start so that `npm start` can write data/demo-his-credentials.json for the simulator.
 */
export async function demoCredentials(services: Services, codes: readonly string[]): Promise<{ fixmedins_code: string; access_key: string; secret: string }[]> {
  const key = await masterKey(services);
  const out: { fixmedins_code: string; access_key: string; secret: string }[] = [];
  for (const code of codes) {
    const [row] = await services.db
      .select()
      .from(hisCredentials)
      .where(and(eq(hisCredentials.fixmedins_code, code), eq(hisCredentials.issued_by, "demo"), eq(hisCredentials.status, "active")))
      .limit(1);
    if (row) out.push({ fixmedins_code: code, access_key: row.access_key, secret: deriveSecret(key, row.access_key, row.salt) });
    else {
      const issued = await issueCredential(services, code, "demo");
      out.push({ fixmedins_code: code, access_key: issued.access_key, secret: issued.secret });
    }
  }
  return out;
}
