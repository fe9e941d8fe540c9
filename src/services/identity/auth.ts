import { createHash, randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { and, desc, eq, gt, isNull, ne, sql } from "drizzle-orm";
import { MIN_PASSWORD_LENGTH, passwordProblem, type Principal, type Role, ROLES } from "../../domain/identity/index.js";
import { DomainError } from "../../domain/errors.js";
import { regionCovers } from "../../domain/reference/index.js";
import type { Queryable } from "../../store/db.js";
import { signinAttempts, signinLocks, userSessions, users } from "../../store/schema.js";
import { inRegion } from "../common/region.js";

/**
 * Sign-in for the console and the portal: scrypt password hashes (node:crypto, nothing native), opaque session tokens
 * whose SHA-256 alone is stored, a lock-out after repeated failures from one address, and a record of every attempt.
 */

export { MIN_PASSWORD_LENGTH };
export const MAX_FAILED_ATTEMPTS = 5;
export const LOCK_MINUTES = 15;
/** Sessions: at most this long after sign-in (YIBAO_SESSION_HOURS), and ended by this long without a request (YIBAO_SESSION_IDLE_MINUTES). */
export const SESSION_HOURS = 8;
export const SESSION_IDLE_MINUTES = 30;
/** A session's last_seen_at is written at most this often: one write a minute per user, not one per request. */
const LAST_SEEN_EVERY_MS = 60_000;

export interface SessionLimits {
  hours: number;
  idle_minutes: number;
}

function positiveSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new DomainError(name, `must be a whole number from 1 to ${max}, got "${raw}"`);
  return value;
}

/** The session lengths from the environment (checked at the server's start, so a typo stops it rather than being ignored). */
export function sessionLimits(env: NodeJS.ProcessEnv = process.env): SessionLimits {
  return { hours: positiveSetting(env, "YIBAO_SESSION_HOURS", SESSION_HOURS, 24 * 30), idle_minutes: positiveSetting(env, "YIBAO_SESSION_IDLE_MINUTES", SESSION_IDLE_MINUTES, 24 * 60) };
}

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

function checkPassword(password: string, username: string, field: string, rules: { allowDemoPassword?: boolean } = {}): void {
  const problem = passwordProblem(password, username, rules);
  if (problem) throw new DomainError(field, problem);
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

/**
 * Adds a user (or, with `replace`, resets an existing one's details and password). Refuses what cannot work, and a
 * password of the demo (but for the demo's own accounts: `demo`) or containing the username.
 */
export async function createUser(q: Queryable, input: NewUser, options: { replace?: boolean; demo?: boolean } = {}): Promise<UserRow> {
  if (!/^[A-Za-z0-9_.@-]{3,40}$/.test(input.username)) throw new DomainError("username", "must be 3–40 letters, digits or _ . @ -");
  if (!ROLES.includes(input.role)) throw new DomainError("role", `must be one of ${ROLES.join(", ")}`);
  if (!/^\d{6}$/.test(input.admdvs)) throw new DomainError("admdvs", "must be a 6-digit region code");
  checkPassword(input.password, input.username, "password", { allowDemoPassword: options.demo === true });
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
        set: { ...row, active: true, must_change_password: false },
      }).returning()
    : await q.insert(users).values(row).onConflictDoNothing().returning();
  const user = inserted[0];
  if (!user) throw new DomainError("username", `${input.username} exists already`);
  if (options.replace) await q.delete(signinLocks).where(eq(signinLocks.user_id, user.id));
  return user;
}

export interface Client {
  ip: string | null;
  user_agent: string | null;
}


export type SignInFailure = "bad_password" | "unknown_user" | "locked" | "inactive";

/** Why a sign-in failed: for the log and the tests. The API answers every reason alike (see signInRoute). */
export class SignInError extends Error {
  constructor(readonly reason: SignInFailure) {
    super(reason);
  }
}

export interface Session {
  token: string;
  expires_at: Date;
  principal: Principal;
  must_change_password: boolean;
}

/** The address a lock-out is counted for: without one (a test, a script through a socket) all such share one bucket. */
const addressOf = (client: Client) => client.ip ?? "unknown";

/**
 * Checks a username and password. Every attempt is recorded. Exactly one scrypt runs whatever the outcome (the user's
 * hash, or a decoy for an unknown name), and the state of the account is looked at only after it, so that an unknown
 * name, a disabled or locked account and a wrong password take the same time.
 *
 * The lock-out is per account and client address: the MAX_FAILED_ATTEMPTS-th wrong password in a row from one address
 * locks the account for LOCK_MINUTES from that address (recorded as `lockout`); the right password from there is refused
 * meanwhile (`locked`). From any other address the account still opens, so a guesser cannot lock its owner out; the
 * per-address rate limit of the sign-in route (api/security.ts) keeps a guesser with many accounts to try slow.
 */
export async function signIn(q: Queryable, username: string, password: string, client: Client, now = new Date()): Promise<Session> {
  const [user] = await q.select().from(users).where(eq(users.username, username));
  decoyHash ??= hashPassword(randomBytes(16).toString("hex"));
  const matches = await verifyPassword(password, user ? user.password_hash : await decoyHash);
  const record = (success: boolean, reason: string, u?: UserRow) =>
    q.insert(signinAttempts).values({
      username: username.slice(0, 100), user_id: u?.id ?? null, admdvs: u?.admdvs ?? null,
      ip: client.ip, user_agent: client.user_agent?.slice(0, 300) ?? null, success, reason, at: now,
    });
  if (!user) {
    await record(false, "unknown_user");
    throw new SignInError("unknown_user");
  }
  if (!user.active) {
    await record(false, "inactive", user);
    throw new SignInError("inactive");
  }
  const address = addressOf(client);
  const here = and(eq(signinLocks.user_id, user.id), eq(signinLocks.ip, address));
  const [lock] = await q.select().from(signinLocks).where(here);
  if (lock?.locked_until && lock.locked_until > now) {
    await record(false, "locked", user);
    throw new SignInError("locked");
  }
  if (!matches) {
    // Counted in the database, not from what was read: two wrong attempts at once both count. After a lock ran out the
    // count starts again at one; a lock that a concurrent attempt has just set stays.
    const at = sql`${now.toISOString()}::timestamptz`;
    const [after] = await q.insert(signinLocks).values({ user_id: user.id, ip: address, failed_attempts: 1, updated_at: now })
      .onConflictDoUpdate({
        target: [signinLocks.user_id, signinLocks.ip],
        set: {
          failed_attempts: sql`case when ${signinLocks.locked_until} <= ${at} then 1 else ${signinLocks.failed_attempts} + 1 end`,
          locked_until: sql`case when ${signinLocks.locked_until} <= ${at} then null else ${signinLocks.locked_until} end`,
          updated_at: now,
        },
      })
      .returning({ failed: signinLocks.failed_attempts, locked_until: signinLocks.locked_until });
    if (after?.locked_until && after.locked_until > now) {
      await record(false, "locked", user);
      throw new SignInError("locked");
    }
    if ((after?.failed ?? MAX_FAILED_ATTEMPTS) >= MAX_FAILED_ATTEMPTS) {
      // Only one of the attempts that reached the count locks (the row's lock orders them): the others were too late.
      const locked = await q.update(signinLocks)
        .set({ locked_until: new Date(now.getTime() + LOCK_MINUTES * 60_000), failed_attempts: 0, updated_at: now })
        .where(and(here, sql`(${signinLocks.locked_until} is null or ${signinLocks.locked_until} <= ${at})`))
        .returning({ user_id: signinLocks.user_id });
      await record(false, locked.length > 0 ? "lockout" : "locked", user);
      throw new SignInError("locked");
    }
    await record(false, "bad_password", user);
    throw new SignInError("bad_password");
  }
  await q.delete(signinLocks).where(here);
  // The user's ended sessions are of no more use: each sign-in sweeps them, so the table holds live ones (and recent ones).
  await q.delete(userSessions).where(and(eq(userSessions.user_id, user.id), sql`(${userSessions.expires_at} < ${now.toISOString()}::timestamptz or ${userSessions.revoked_at} is not null)`));
  await record(true, "ok", user);
  const token = randomBytes(32).toString("base64url");
  const expires = new Date(now.getTime() + sessionLimits().hours * 3_600_000);
  await q.insert(userSessions).values({
    token_sha256: sha256(token), user_id: user.id, expires_at: expires, ip: client.ip, created_at: now, last_seen_at: now,
    user_agent: client.user_agent?.slice(0, 300) ?? null,
  });
  return { token, expires_at: expires, principal: principalOf(user), must_change_password: user.must_change_password };
}

export interface LiveSession {
  principal: Principal;
  expires_at: Date;
  /** When the session ends if no request comes before: the idle timeout from its last request, or its end. */
  idle_expires_at: Date;
  must_change_password: boolean;
}

const idleEnd = (lastSeen: Date, expires: Date, idleMinutes: number) => new Date(Math.min(expires.getTime(), lastSeen.getTime() + idleMinutes * 60_000));

/**
 * The principal of a live session, or undefined (unknown, expired, idle too long, signed out, or the user disabled).
 * A request keeps the session alive: its last_seen_at moves on, written at most once a minute.
 */
export async function sessionPrincipal(q: Queryable, token: string, now = new Date()): Promise<LiveSession | undefined> {
  const limits = sessionLimits();
  const hash = sha256(token);
  const [row] = await q
    .select({ user: users, expires_at: userSessions.expires_at, last_seen_at: userSessions.last_seen_at })
    .from(userSessions)
    .innerJoin(users, eq(users.id, userSessions.user_id))
    .where(and(
      eq(userSessions.token_sha256, hash), gt(userSessions.expires_at, now), isNull(userSessions.revoked_at), eq(users.active, true),
      gt(userSessions.last_seen_at, new Date(now.getTime() - limits.idle_minutes * 60_000)),
    ));
  if (!row) return undefined;
  let lastSeen = row.last_seen_at;
  if (now.getTime() - lastSeen.getTime() >= LAST_SEEN_EVERY_MS) {
    await q.update(userSessions).set({ last_seen_at: now }).where(eq(userSessions.token_sha256, hash));
    lastSeen = now;
  }
  return {
    principal: principalOf(row.user), expires_at: row.expires_at, idle_expires_at: idleEnd(lastSeen, row.expires_at, limits.idle_minutes),
    must_change_password: row.user.must_change_password,
  };
}

export async function signOut(q: Queryable, token: string, now = new Date()): Promise<boolean> {
  const done = await q.update(userSessions).set({ revoked_at: now })
    .where(and(eq(userSessions.token_sha256, sha256(token)), isNull(userSessions.revoked_at))).returning({ t: userSessions.token_sha256 });
  return done.length > 0;
}

export interface SessionView {
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  idle_expires_at: Date;
  ip: string | null;
  user_agent: string | null;
  /** The session of the given token (the administrator's own, on their own list). */
  current: boolean;
}

/** A user's live sessions, the most recently used first. */
export async function listSessions(q: Queryable, username: string, scope: string, currentToken?: string, now = new Date()): Promise<SessionView[]> {
  const user = await userInScope(q, username, scope);
  const limits = sessionLimits();
  const rows = await q.select().from(userSessions)
    .where(and(
      eq(userSessions.user_id, user.id), gt(userSessions.expires_at, now), isNull(userSessions.revoked_at),
      gt(userSessions.last_seen_at, new Date(now.getTime() - limits.idle_minutes * 60_000)),
    ))
    .orderBy(desc(userSessions.last_seen_at), desc(userSessions.created_at));
  const mine = currentToken ? sha256(currentToken) : undefined;
  return rows.map((s) => ({
    created_at: s.created_at, last_seen_at: s.last_seen_at, expires_at: s.expires_at, idle_expires_at: idleEnd(s.last_seen_at, s.expires_at, limits.idle_minutes),
    ip: s.ip, user_agent: s.user_agent, current: s.token_sha256 === mine,
  }));
}

async function endSessions(q: Queryable, userId: number, now: Date, keepToken?: string): Promise<number> {
  const ended = await q.update(userSessions).set({ revoked_at: now })
    .where(and(eq(userSessions.user_id, userId), isNull(userSessions.revoked_at), ...(keepToken ? [ne(userSessions.token_sha256, sha256(keepToken))] : [])))
    .returning({ t: userSessions.token_sha256 });
  return ended.length;
}

/** Ends every session of a user (an administrator's act: a lost laptop, a suspicion); the count of sessions ended. */
export async function signOutUser(q: Queryable, username: string, scope: string, now = new Date()): Promise<number> {
  const user = await userInScope(q, username, scope);
  return endSessions(q, user.id, now);
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
  /** The latest end of a lock-out still running from some address, or null. */
  locked_until: Date | null;
  /** The most failures in a row from one address. */
  failed_attempts: number;
  must_change_password: boolean;
  created_at: Date;
  last_signin_at: Date | null;
}

/** The users of a region (a national scope: everyone), with their lock state and last successful sign-in. */
export async function listUsers(q: Queryable, scope: string, now = new Date()): Promise<UserView[]> {
  const at = now.toISOString();
  const rows = await q
    .select({
      username: users.username, display_name: users.display_name, role: users.role, admdvs: users.admdvs, fixmedins_code: users.fixmedins_code,
      psn_no: users.psn_no, active: users.active, must_change_password: users.must_change_password, created_at: users.created_at,
      // Written out: drizzle would print the outer column unqualified, which the subquery would take for its own.
      last_signin_at: sql<string | null>`(select max(a.at) from signin_attempts a where a.user_id = "users"."id" and a.success)`,
      locked_until: sql<string | null>`(select max(l.locked_until) from signin_locks l where l.user_id = "users"."id" and l.locked_until > ${at}::timestamptz)`,
      failed_attempts: sql<number>`(select coalesce(max(l.failed_attempts), 0)::int from signin_locks l where l.user_id = "users"."id")`,
    })
    .from(users)
    .where(inRegion(users.admdvs, scope))
    .orderBy(users.role, users.username);
  return rows.map((r) => ({
    ...r, role: r.role as Role, failed_attempts: Number(r.failed_attempts),
    locked_until: r.locked_until === null ? null : new Date(r.locked_until), last_signin_at: r.last_signin_at === null ? null : new Date(r.last_signin_at),
  }));
}

async function userInScope(q: Queryable, username: string, scope: string): Promise<UserRow> {
  const [user] = await q.select().from(users).where(eq(users.username, username));
  if (!user || !regionCovers(scope, user.admdvs)) throw new DomainError("username", `no user ${username} in your region`);
  return user;
}

/** Lifts every lock-out of a user (and the counts of failures) before it runs out: an administrator's act, for a user who called. */
export async function unlockUser(q: Queryable, username: string, scope: string): Promise<UserRow> {
  const user = await userInScope(q, username, scope);
  await q.delete(signinLocks).where(eq(signinLocks.user_id, user.id));
  return user;
}

/**
 * A new password set for someone (an administrator's reset, `yibao users password`): the user's sessions end, its
 * lock-outs are lifted, and unless `mustChange` is false the next sign-in may only change the password — the one who
 * set it knows it, so it must not stay the user's.
 */
export async function setPassword(
  q: Queryable, username: string, password: string, scope = "000000", now = new Date(), options: { mustChange?: boolean; field?: string } = {},
): Promise<void> {
  const user = await userInScope(q, username, scope);
  checkPassword(password, user.username, options.field ?? "password");
  await q.update(users).set({ password_hash: await hashPassword(password), must_change_password: options.mustChange !== false }).where(eq(users.id, user.id));
  await q.delete(signinLocks).where(eq(signinLocks.user_id, user.id));
  await endSessions(q, user.id, now);
}

/**
 * The signed-in user changes their own password: the current one must be given (a session left open is not enough),
 * the new one must pass the rules and differ. Every other session of the user ends; the one that changed it goes on.
 */
export async function changeOwnPassword(
  q: Queryable, userId: number, current: string, next: string, sessionToken: string, now = new Date(),
): Promise<{ sessions_ended: number }> {
  const [user] = await q.select().from(users).where(eq(users.id, userId));
  if (!user) throw new DomainError("user", "the signed-in user no longer exists");
  if (!(await verifyPassword(current, user.password_hash))) throw new DomainError("body.current_password", "is not the current password");
  checkPassword(next, user.username, "body.new_password");
  if (next === current) throw new DomainError("body.new_password", "必须与当前密码不同 / must differ from the current password");
  await q.update(users).set({ password_hash: await hashPassword(next), must_change_password: false }).where(eq(users.id, user.id));
  return { sessions_ended: await endSessions(q, user.id, now, sessionToken) };
}

/** Disables or re-enables an account; disabling ends its sessions. */
export async function setUserActive(q: Queryable, username: string, active: boolean, scope = "000000", now = new Date()): Promise<void> {
  const user = await userInScope(q, username, scope);
  await q.update(users).set({ active }).where(eq(users.id, user.id));
  if (!active) await endSessions(q, user.id, now);
}
