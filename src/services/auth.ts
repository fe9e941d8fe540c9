import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import { ROLES, type Principal, type Role } from "../domain/access.js";
import { DomainError } from "../domain/errors.js";
import { regionCovers } from "../domain/regions.js";
import type { Queryable } from "../store/db.js";
import { signinAttempts, userSessions, users } from "../store/schema.js";
import { inRegion } from "./region.js";

/**
 * Sign-in for the console and the portal: scrypt password hashes (node:crypto, nothing native), opaque session tokens
 * whose SHA-256 alone is stored, a lock-out after repeated failures, and a record of every attempt.
 */

export const SESSION_HOURS = 8;
export const MAX_FAILED_ATTEMPTS = 5;
export const LOCK_MINUTES = 15;
export const MIN_PASSWORD_LENGTH = 8;

/** N = 2^14, r = 8, p = 1: some 50 ms and 16 MiB per hash — slow for a guesser, bearable for a sign-in. */
const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_LENGTH = 32;

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCallback(password, salt, keyLength, options, (e, key) => (e ? reject(e) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4] ?? "", "base64");
  const expected = Buffer.from(parts[5] ?? "", "base64");
  const key = await scrypt(password, salt, expected.length, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash nobody's password matches, checked for unknown usernames so that they take as long as known ones. */
let decoyHash: Promise<string> | undefined;

export const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export type UserRow = typeof users.$inferSelect;

export function principalOf(u: UserRow): Principal {
  return {
    user_id: u.id,
    username: u.username,
    display_name: u.display_name,
    role: u.role as Role,
    admdvs: u.admdvs,
    fixmedins_code: u.fixmedins_code,
    psn_no: u.psn_no,
  };
}

export interface NewUser {
  username: string;
  display_name: string;
  role: Role;
  admdvs: string;
  password: string;
  fixmedins_code?: string | null;
  psn_no?: string | null;
}

/** Adds a user (or, with `replace`, resets an existing one's details and password). Refuses what cannot work. */
export async function createUser(q: Queryable, input: NewUser, options: { replace?: boolean } = {}): Promise<UserRow> {
  if (!/^[A-Za-z0-9_.@-]{3,40}$/.test(input.username)) throw new DomainError("username", "must be 3–40 letters, digits or _ . @ -");
  if (!ROLES.includes(input.role)) throw new DomainError("role", `must be one of ${ROLES.join(", ")}`);
  if (!/^\d{6}$/.test(input.admdvs)) throw new DomainError("admdvs", "must be a 6-digit region code");
  if (input.password.length < MIN_PASSWORD_LENGTH) throw new DomainError("password", `must have at least ${MIN_PASSWORD_LENGTH} characters`);
  if (input.role === "hospital" && !input.fixmedins_code) throw new DomainError("fixmedins_code", "is required for a hospital operator");
  if (input.role === "insured" && !input.psn_no) throw new DomainError("psn_no", "is required for an insured person");
  const row = {
    username: input.username,
    display_name: input.display_name,
    role: input.role,
    admdvs: input.admdvs,
    fixmedins_code: input.role === "hospital" ? (input.fixmedins_code ?? null) : null,
    psn_no: input.role === "insured" ? (input.psn_no ?? null) : null,
    password_hash: await hashPassword(input.password),
  };
  const inserted = options.replace
    ? await q.insert(users).values(row).onConflictDoUpdate({
        target: users.username,
        set: { ...row, failed_attempts: 0, locked_until: null, active: true },
      }).returning()
    : await q.insert(users).values(row).onConflictDoNothing().returning();
  const user = inserted[0];
  if (!user) throw new DomainError("username", `${input.username} exists already`);
  return user;
}

export interface Client {
  ip: string | null;
  user_agent: string | null;
}

export type SignInFailure = "bad_password" | "unknown_user" | "locked" | "inactive";

export class SignInError extends Error {
  constructor(
    readonly reason: SignInFailure,
    readonly lockedUntil: Date | null,
    readonly remainingAttempts: number | null,
  ) {
    super(reason);
  }
}

export interface Session {
  token: string;
  expires_at: Date;
  principal: Principal;
}

/**
 * Checks a username and password. Every attempt is recorded. A wrong password counts towards the lock-out; the
 * MAX_FAILED_ATTEMPTS-th in a row locks the account for LOCK_MINUTES (a correct password during the lock is refused
 * too, and recorded as such). Unknown usernames cost a hash as well, so that timing does not tell which names exist.
 */
export async function signIn(q: Queryable, username: string, password: string, client: Client, now = new Date()): Promise<Session> {
  const [user] = await q.select().from(users).where(eq(users.username, username));
  const record = (success: boolean, reason: string, u?: UserRow) =>
    q.insert(signinAttempts).values({
      username: username.slice(0, 100), user_id: u?.id ?? null, admdvs: u?.admdvs ?? null,
      ip: client.ip, user_agent: client.user_agent?.slice(0, 300) ?? null, success, reason, at: now,
    });
  if (!user) {
    decoyHash ??= hashPassword(randomBytes(16).toString("hex"));
    await verifyPassword(password, await decoyHash);
    await record(false, "unknown_user");
    throw new SignInError("unknown_user", null, null);
  }
  if (!user.active) {
    await record(false, "inactive", user);
    throw new SignInError("inactive", null, null);
  }
  if (user.locked_until && user.locked_until > now) {
    await record(false, "locked", user);
    throw new SignInError("locked", user.locked_until, 0);
  }
  if (!(await verifyPassword(password, user.password_hash))) {
    // Counted in the database, not from what was read: two wrong attempts at once both count.
    const [after] = await q.update(users).set({
      failed_attempts: sql`case when ${users.locked_until} is not null and ${users.locked_until} <= ${now.toISOString()}::timestamptz then 1 else ${users.failed_attempts} + 1 end`,
    }).where(eq(users.id, user.id)).returning({ failed: users.failed_attempts });
    const failed = after?.failed ?? MAX_FAILED_ATTEMPTS;
    if (failed >= MAX_FAILED_ATTEMPTS) {
      const until = new Date(now.getTime() + LOCK_MINUTES * 60_000);
      await q.update(users).set({ locked_until: until, failed_attempts: 0 }).where(eq(users.id, user.id));
      await record(false, "bad_password", user);
      throw new SignInError("locked", until, 0);
    }
    await record(false, "bad_password", user);
    throw new SignInError("bad_password", null, MAX_FAILED_ATTEMPTS - failed);
  }
  await q.update(users).set({ failed_attempts: 0, locked_until: null }).where(eq(users.id, user.id));
  // The user's ended sessions are of no more use: each sign-in sweeps them, so the table holds live ones (and recent ones).
  await q.delete(userSessions).where(and(eq(userSessions.user_id, user.id), sql`(${userSessions.expires_at} < ${now.toISOString()}::timestamptz or ${userSessions.revoked_at} is not null)`));
  await record(true, "ok", user);
  const token = randomBytes(32).toString("base64url");
  const expires = new Date(now.getTime() + SESSION_HOURS * 3_600_000);
  await q.insert(userSessions).values({ token_sha256: sha256(token), user_id: user.id, expires_at: expires, ip: client.ip, created_at: now });
  return { token, expires_at: expires, principal: principalOf(user) };
}

/** The principal of a live session, or undefined (unknown, expired, signed out, or the user disabled). */
export async function sessionPrincipal(q: Queryable, token: string, now = new Date()): Promise<{ principal: Principal; expires_at: Date } | undefined> {
  const [row] = await q
    .select({ user: users, expires_at: userSessions.expires_at })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.user_id))
    .where(and(eq(userSessions.token_sha256, sha256(token)), gt(userSessions.expires_at, now), isNull(userSessions.revoked_at), eq(users.active, true)));
  return row ? { principal: principalOf(row.user), expires_at: row.expires_at } : undefined;
}

export async function signOut(q: Queryable, token: string, now = new Date()): Promise<boolean> {
  const done = await q.update(userSessions).set({ revoked_at: now })
    .where(and(eq(userSessions.token_sha256, sha256(token)), isNull(userSessions.revoked_at))).returning({ t: userSessions.token_sha256 });
  return done.length > 0;
}

export type SigninAttemptRow = typeof signinAttempts.$inferSelect & { display_name: string | null };

/** The sign-in log of a region's users, newest first (attempts on unknown names are shown to a national scope only). */
export async function listSigninAttempts(q: Queryable, scope: string, page: { page: number; page_size: number }): Promise<{ items: SigninAttemptRow[]; total: number }> {
  const where = inRegion(signinAttempts.admdvs, scope);
  const items = await q
    .select({
      id: signinAttempts.id, at: signinAttempts.at, username: signinAttempts.username, user_id: signinAttempts.user_id, admdvs: signinAttempts.admdvs,
      ip: signinAttempts.ip, user_agent: signinAttempts.user_agent, success: signinAttempts.success, reason: signinAttempts.reason,
      display_name: users.display_name,
    })
    .from(signinAttempts)
    .leftJoin(users, eq(users.id, signinAttempts.user_id))
    .where(where)
    .orderBy(desc(signinAttempts.at), desc(signinAttempts.id))
    .limit(page.page_size)
    .offset((page.page - 1) * page.page_size);
  const [count] = await q.select({ n: sql<number>`count(*)::int` }).from(signinAttempts).where(where);
  return { items, total: count?.n ?? 0 };
}

export interface UserView {
  username: string;
  display_name: string;
  role: Role;
  admdvs: string;
  fixmedins_code: string | null;
  psn_no: string | null;
  active: boolean;
  locked_until: Date | null;
  failed_attempts: number;
  created_at: Date;
  last_signin_at: Date | null;
}

/** The users of a region (a national scope: everyone), with their lock state and last successful sign-in. */
export async function listUsers(q: Queryable, scope: string): Promise<UserView[]> {
  const rows = await q
    .select({
      username: users.username, display_name: users.display_name, role: users.role, admdvs: users.admdvs, fixmedins_code: users.fixmedins_code,
      psn_no: users.psn_no, active: users.active, locked_until: users.locked_until, failed_attempts: users.failed_attempts, created_at: users.created_at,
      // Written out: drizzle would print the outer column unqualified, which the subquery would take for its own.
      last_signin_at: sql<string | null>`(select max(a.at) from signin_attempts a where a.user_id = "users"."id" and a.success)`,
    })
    .from(users)
    .where(inRegion(users.admdvs, scope))
    .orderBy(users.role, users.username);
  return rows.map((r) => ({ ...r, role: r.role as Role, last_signin_at: r.last_signin_at === null ? null : new Date(r.last_signin_at) }));
}

async function userInScope(q: Queryable, username: string, scope: string): Promise<UserRow> {
  const [user] = await q.select().from(users).where(eq(users.username, username));
  if (!user || !regionCovers(scope, user.admdvs)) throw new DomainError("username", `no user ${username} in your region`);
  return user;
}

/** Lifts a lock-out (and the count of failures) before it runs out: an administrator's act, for a user who called. */
export async function unlockUser(q: Queryable, username: string, scope: string): Promise<UserRow> {
  const user = await userInScope(q, username, scope);
  const [after] = await q.update(users).set({ locked_until: null, failed_attempts: 0 }).where(eq(users.id, user.id)).returning();
  return after ?? user;
}

/** A new password; the user's sessions end (whoever held them must sign in again). */
export async function setPassword(q: Queryable, username: string, password: string, scope = "000000", now = new Date()): Promise<void> {
  if (password.length < MIN_PASSWORD_LENGTH) throw new DomainError("password", `must have at least ${MIN_PASSWORD_LENGTH} characters`);
  const user = await userInScope(q, username, scope);
  await q.update(users).set({ password_hash: await hashPassword(password), failed_attempts: 0, locked_until: null }).where(eq(users.id, user.id));
  await q.update(userSessions).set({ revoked_at: now }).where(and(eq(userSessions.user_id, user.id), isNull(userSessions.revoked_at)));
}

/** Disables or re-enables an account; disabling ends its sessions. */
export async function setUserActive(q: Queryable, username: string, active: boolean, scope = "000000", now = new Date()): Promise<void> {
  const user = await userInScope(q, username, scope);
  await q.update(users).set({ active }).where(eq(users.id, user.id));
  if (!active) await q.update(userSessions).set({ revoked_at: now }).where(and(eq(userSessions.user_id, user.id), isNull(userSessions.revoked_at)));
}
