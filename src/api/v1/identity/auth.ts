import { z } from "zod";
import { passwordProblem, type Principal, ROLE_NAMES, ROLES, settlementFilter } from "../../../domain/identity/index.js";
import { DomainError } from "../../../domain/errors.js";
import { regionCovers, regionName } from "../../../domain/reference/index.js";
import { fixmedins, users } from "../../../store/schema.js";
import { eq } from "drizzle-orm";
import {
  changeOwnPassword, createUser, listSessions, listSigninAttempts, listUsers, LOCK_MINUTES, MAX_FAILED_ATTEMPTS, MIN_PASSWORD_LENGTH, sessionPrincipal,
  setPassword, setUserActive, signIn, SignInError, signOut, signOutUser, unlockUser, type UserView,
} from "../../../services/identity/index.js";
import { findPersonByCertno, todayInChina } from "../../../services/common/index.js";
import { workingYear } from "../../../services/settlement/index.js";
import type { Services } from "../../../services/common/index.js";
import { AccessRefusal, ConflictError, forbidden, NotFoundError, unauthenticated } from "../../errors.js";
import { certnoIn, paged, pagination, regionIn, timeOut } from "../../fields.js";
import { defineRoute } from "../../route.js";
import { clearSessionCookie, sessionToken, setSessionCookie, signedIn } from "../../session.js";

export const userOut = z.object({
  username: z.string(),
  display_name: z.string(),
  role: z.enum(ROLES),
  role_name: z.string().meta({ description: "角色名称 / the role, in Chinese" }),
  admdvs: z.string().meta({ description: "所属地区 / the region the user works in" }),
  admdvs_name: z.string(),
  fixmedins_code: z.string().nullable().meta({ description: "医疗机构操作员所属机构 / a hospital operator's hospital" }),
  fixmedins_name: z.string().nullable(),
  psn_no: z.string().nullable().meta({ description: "参保人本人的人员编号 / an insured person's own psn_no" }),
  must_change_password: z.boolean().meta({ description: "管理员重置了密码：须先修改密码，其他功能暂不可用 / an administrator reset the password: only changing it is allowed until then" }),
  working_year: z.int().meta({ description: "页面默认年度：今年有结算则为今年，否则为有结算的最近年度 / the year pages open on: this year once it has a settlement in the user's scope, else the latest that has" }),
});

export async function toUser(services: Services, p: Principal, mustChangePassword: boolean): Promise<z.output<typeof userOut>> {
  let hospitalName: string | null = null;
  if (p.fixmedins_code) {
    const code = p.fixmedins_code;
    const row = await services.cached(`fixmedins-name:${code}`, 60_000, async () =>
      (await services.db.select({ name: fixmedins.fixmedins_name }).from(fixmedins).where(eq(fixmedins.fixmedins_code, code)))[0]);
    hospitalName = row?.name ?? null;
  }
  return {
    username: p.username,
    display_name: p.display_name,
    role: p.role,
    role_name: ROLE_NAMES[p.role].zh,
    admdvs: p.admdvs,
    admdvs_name: regionName(p.admdvs),
    fixmedins_code: p.fixmedins_code,
    fixmedins_name: hospitalName,
    psn_no: p.psn_no,
    must_change_password: mustChangePassword,
    working_year: await services.cached(`working-year:${p.user_id}`, 60_000, () =>
      workingYear(services.db, settlementFilter(p), Number(todayInChina().slice(0, 4)))) ?? Number(todayInChina().slice(0, 4)),
  };
}

function clientOf(request: { ip: string; headers: Record<string, string | string[] | undefined> }) {
  const agent = request.headers["user-agent"];
  return { ip: request.ip, user_agent: typeof agent === "string" ? agent : null };
}

/**
 * The one answer of every failed sign-in: an unknown name, a wrong password, a disabled or a locked account alike (and
 * in about the same time, see signIn), so that the answer tells a guesser neither which names exist nor which
 * accounts it has locked. The sign-in log tells the administrator which it was.
 */
export const SIGNIN_REFUSED =
  `用户名或密码错误；同一地址连续失败 ${MAX_FAILED_ATTEMPTS} 次后须等待 ${LOCK_MINUTES} 分钟，或请管理员解除锁定 / ` +
  `wrong username or password; after ${MAX_FAILED_ATTEMPTS} failures in a row from one address, wait ${LOCK_MINUTES} minutes or ask an administrator to unlock the account`;

export const signInRoute = defineRoute({
  method: "POST",
  path: "/auth/signin",
  operationId: "signIn",
  summary: { zh: "登录", en: "Sign in" },
  description:
    `成功时设置 HttpOnly 会话 Cookie 并返回 token（脚本可用 Authorization: Bearer）。同一地址连续失败 ${MAX_FAILED_ATTEMPTS} 次，该账户对此地址锁定 ${LOCK_MINUTES} 分钟；` +
    `每个地址的登录次数受限（429）；每次尝试均记录。失败一律答 401 invalid_credentials / ` +
    `sets an HttpOnly session cookie and returns the token (scripts may send it as a bearer token). ${MAX_FAILED_ATTEMPTS} failures in a row from one address lock the account ` +
    `for ${LOCK_MINUTES} minutes from that address; sign-ins per address are rate-limited (429); every attempt is recorded. Every failure answers 401 invalid_credentials alike.`,
  tags: ["auth"],
  access: "public",
  checksPassword: true,
  body: z.strictObject({
    username: z.string().trim().min(1, "is required").max(100),
    password: z.string().min(1, "is required").max(200),
  }),
  errors: [401],
  response: z.object({ token: z.string(), expires_at: timeOut, user: userOut }),
  async handle({ body, services, request, reply }) {
    try {
      const session = await signIn(services.db, body.username, body.password, clientOf(request));
      setSessionCookie(request, reply, session.token, session.expires_at);
      return { token: session.token, expires_at: session.expires_at.toISOString(), user: await toUser(services, session.principal, session.must_change_password) };
    } catch (error) {
      if (!(error instanceof SignInError)) throw error;
      throw new AccessRefusal(401, "invalid_credentials", null, SIGNIN_REFUSED);
    }
  },
});

export const signOutRoute = defineRoute({
  method: "POST",
  path: "/auth/signout",
  operationId: "signOut",
  summary: { zh: "退出登录", en: "Sign out" },
  tags: ["auth"],
  access: "signed_in",
  response: z.object({ signed_out: z.boolean() }),
  async handle({ services, request, reply }) {
    const token = sessionToken(request);
    const done = token ? await signOut(services.db, token) : false;
    clearSessionCookie(request, reply);
    return { signed_out: done };
  },
});

export const meRoute = defineRoute({
  method: "GET",
  path: "/auth/me",
  operationId: "whoAmI",
  summary: { zh: "当前用户", en: "The signed-in user" },
  tags: ["auth"],
  access: "signed_in",
  response: z.object({
    user: userOut,
    expires_at: timeOut.meta({ description: "会话到期时间 / when the session ends" }),
    idle_expires_at: timeOut.meta({ description: "若无操作，会话于此时结束 / when the session ends if no request comes before" }),
  }),
  async handle({ services, principal, request }) {
    const token = sessionToken(request);
    const session = token ? await sessionPrincipal(services.db, token) : undefined;
    if (!session) throw unauthenticated();
    return {
      user: await toUser(services, signedIn(principal), session.must_change_password),
      expires_at: session.expires_at.toISOString(), idle_expires_at: session.idle_expires_at.toISOString(),
    };
  },
});

const newPassword = z.string().min(MIN_PASSWORD_LENGTH, `must have at least ${MIN_PASSWORD_LENGTH} characters`).max(200);

export const changePasswordRoute = defineRoute({
  method: "POST",
  path: "/auth/password",
  operationId: "changePassword",
  summary: { zh: "修改本人密码", en: "Change one's own password" },
  description:
    "须提供当前密码；新密码至少 8 位，不能是演示密码，不能包含用户名。本人的其他会话全部结束 / the current password is required; the new one has at least 8 characters, " +
    "is not the demo's and does not contain the username. Every other session of the user ends.",
  tags: ["auth"],
  access: "signed_in",
  checksPassword: true,
  body: z.strictObject({ current_password: z.string().min(1, "is required").max(200), new_password: newPassword }),
  response: z.object({ changed: z.literal(true), sessions_ended: z.int().meta({ description: "结束的其他会话数 / the other sessions ended" }) }),
  async handle({ body, services, principal, request }) {
    const me = signedIn(principal);
    const token = sessionToken(request);
    if (!token) throw unauthenticated();
    const done = await changeOwnPassword(services.db, me.user_id, body.current_password, body.new_password, token);
    return { changed: true as const, ...done };
  },
});

export const signInLogRoute = defineRoute({
  method: "GET",
  path: "/auth/signins",
  operationId: "signInLog",
  summary: { zh: "登录日志", en: "The sign-in log" },
  description: "本地区用户的每次登录尝试，最新在前 / every sign-in attempt of the region's users, newest first.",
  tags: ["auth"],
  access: "audit",
  query: z.strictObject({ ...pagination }),
  response: paged(z.object({
    at: timeOut,
    username: z.string(),
    display_name: z.string().nullable(),
    ip: z.string().nullable(),
    user_agent: z.string().nullable(),
    success: z.boolean(),
    reason: z.string().meta({ description: "ok | bad_password | lockout (the wrong password that locked the account from its address) | locked | unknown_user | inactive" }),
  })),
  async handle({ query, services, principal }) {
    const found = await listSigninAttempts(services.db, signedIn(principal).admdvs, query);
    return {
      items: found.items.map((a) => ({
        at: a.at.toISOString(), username: a.username, display_name: a.display_name, ip: a.ip, user_agent: a.user_agent, success: a.success, reason: a.reason,
      })),
      page: query.page,
      page_size: query.page_size,
      total: found.total,
    };
  },
});

const userRow = z.object({
  username: z.string(),
  display_name: z.string(),
  role: z.enum(ROLES),
  role_name: z.string(),
  admdvs: z.string(),
  admdvs_name: z.string(),
  fixmedins_code: z.string().nullable(),
  psn_no: z.string().nullable(),
  active: z.boolean(),
  locked_until: timeOut.nullable().meta({ description: "某地址的锁定至（未锁定为空）/ the latest end of a lock-out from some address, null when none runs" }),
  failed_attempts: z.int().meta({ description: "同一地址连续失败的最多次数 / the most failures in a row from one address" }),
  must_change_password: z.boolean(),
  created_at: timeOut,
  last_signin_at: timeOut.nullable(),
});

const toUserRow = (u: UserView, now = new Date()): z.output<typeof userRow> => ({
  username: u.username, display_name: u.display_name, role: u.role, role_name: ROLE_NAMES[u.role].zh, admdvs: u.admdvs, admdvs_name: regionName(u.admdvs),
  fixmedins_code: u.fixmedins_code, psn_no: u.psn_no, active: u.active, must_change_password: u.must_change_password,
  locked_until: u.locked_until && u.locked_until > now ? u.locked_until.toISOString() : null,
  failed_attempts: u.failed_attempts, created_at: u.created_at.toISOString(), last_signin_at: u.last_signin_at?.toISOString() ?? null,
});

export const listUsersRoute = defineRoute({
  method: "GET",
  path: "/users",
  operationId: "listUsers",
  summary: { zh: "本地区用户", en: "The region's users" },
  tags: ["auth"],
  access: "audit",
  response: z.object({ items: z.array(userRow) }),
  async handle({ services, principal }) {
    return { items: (await listUsers(services.db, signedIn(principal).admdvs)).map((u) => toUserRow(u)) };
  },
});

export const createUserRoute = defineRoute({
  method: "POST",
  path: "/users",
  operationId: "createUser",
  summary: { zh: "新增用户", en: "Add a user" },
  description: "只能在本地区内新增；参保人账户以身份证号关联本人 / only inside one's own region; an insured person's account is bound by their ID number.",
  tags: ["auth"],
  access: "manage",
  status: 201,
  body: z.strictObject({
    username: z.string().trim().min(3).max(40),
    display_name: z.string().trim().min(1).max(60),
    role: z.enum(ROLES),
    admdvs: regionIn,
    password: newPassword,
    fixmedins_code: z.string().trim().min(1).max(30).optional(),
    certno: certnoIn.optional().meta({ description: "参保人的身份证号 / the insured person's ID number (role insured)" }),
  }),
  errors: [409],
  response: userRow,
  async handle({ body, services, principal }) {
    const me = signedIn(principal);
    if (!regionCovers(me.admdvs, body.admdvs)) throw forbidden("body.admdvs", `${body.admdvs} is outside your region ${me.admdvs}`);
    const weak = passwordProblem(body.password, body.username);
    if (weak) throw new DomainError("body.password", weak);
    let psnNo: string | undefined;
    if (body.role === "insured") {
      if (!body.certno) throw new DomainError("body.certno", "is required for an insured person's account");
      const person = await findPersonByCertno(services.db, body.certno);
      if (!person) throw new DomainError("body.certno", "no insured person has this ID number");
      psnNo = person.psn_no;
    }
    if (body.role === "hospital") {
      if (!body.fixmedins_code) throw new DomainError("body.fixmedins_code", "is required for a hospital operator");
      const [hospital] = await services.db.select().from(fixmedins).where(eq(fixmedins.fixmedins_code, body.fixmedins_code));
      if (!hospital || !regionCovers(me.admdvs, hospital.admdvs)) throw new DomainError("body.fixmedins_code", "no hospital of your region has this code");
    }
    const [exists] = await services.db.select({ username: users.username }).from(users).where(eq(users.username, body.username));
    if (exists) throw new ConflictError("body.username", `${body.username} exists already`);
    await createUser(services.db, {
      username: body.username, display_name: body.display_name, role: body.role, admdvs: body.admdvs, password: body.password,
      ...(body.fixmedins_code && body.role === "hospital" ? { fixmedins_code: body.fixmedins_code } : {}), ...(psnNo ? { psn_no: psnNo } : {}),
    });
    const created = (await listUsers(services.db, body.admdvs)).find((u) => u.username === body.username);
    if (!created) throw new Error("the user just added is not found");
    return toUserRow(created);
  },
});

const usernameParams = z.strictObject({ username: z.string().min(1).max(100) });

export const unlockUserRoute = defineRoute({
  method: "POST",
  path: "/users/{username}/unlock",
  operationId: "unlockUser",
  summary: { zh: "解除锁定", en: "Unlock a user" },
  tags: ["auth"],
  access: "manage",
  params: usernameParams,
  body: z.strictObject({}),
  errors: [404],
  response: userRow,
  async handle({ params, services, principal }) {
    const me = signedIn(principal);
    await renameUserErrors(() => unlockUser(services.db, params.username, me.admdvs));
    return toUserRow(await oneUser(services, params.username, me.admdvs));
  },
});

export const setUserActiveRoute = defineRoute({
  method: "POST",
  path: "/users/{username}/active",
  operationId: "setUserActive",
  summary: { zh: "停用或启用用户", en: "Disable or enable a user" },
  description: "停用即结束其全部会话；不能停用自己 / disabling ends the user's sessions; one cannot disable oneself.",
  tags: ["auth"],
  access: "manage",
  params: usernameParams,
  body: z.strictObject({ active: z.boolean() }),
  errors: [404],
  response: userRow,
  async handle({ params, body, services, principal }) {
    const me = signedIn(principal);
    if (!body.active && params.username === me.username) throw new DomainError("params.username", "one cannot disable one's own account");
    await renameUserErrors(() => setUserActive(services.db, params.username, body.active, me.admdvs));
    return toUserRow(await oneUser(services, params.username, me.admdvs));
  },
});

export const resetPasswordRoute = defineRoute({
  method: "POST",
  path: "/users/{username}/password",
  operationId: "resetPassword",
  summary: { zh: "重置用户密码", en: "Reset a user's password" },
  description:
    "管理员设定新密码：该用户的全部会话结束、锁定解除，下次登录后须先修改密码 / an administrator sets a new password: the user's sessions end, " +
    "lock-outs are lifted, and after the next sign-in the user must change it before anything else.",
  tags: ["auth"],
  access: "manage",
  params: usernameParams,
  body: z.strictObject({ password: newPassword }),
  errors: [404],
  response: userRow,
  async handle({ params, body, services, principal }) {
    const me = signedIn(principal);
    // One's own password is changed with the current one (POST /auth/password), not reset past it.
    if (params.username === me.username) throw new DomainError("params.username", "change your own password at POST /api/v1/auth/password");
    await renameUserErrors(() => setPassword(services.db, params.username, body.password, me.admdvs, new Date(), { field: "body.password" }));
    return toUserRow(await oneUser(services, params.username, me.admdvs));
  },
});

const sessionRow = z.object({
  created_at: timeOut,
  last_seen_at: timeOut.meta({ description: "最近一次请求（每分钟至多记录一次）/ the last request, noted at most once a minute" }),
  expires_at: timeOut,
  idle_expires_at: timeOut.meta({ description: "若无操作，于此时结束 / when it ends if no request comes before" }),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  current: z.boolean().meta({ description: "即本次请求的会话 / the session of this request" }),
});

export const listUserSessionsRoute = defineRoute({
  method: "GET",
  path: "/users/{username}/sessions",
  operationId: "listUserSessions",
  summary: { zh: "用户的会话", en: "A user's sessions" },
  description: "该用户仍有效的会话，最近使用的在前 / the user's live sessions, the most recently used first.",
  tags: ["auth"],
  access: "manage",
  params: usernameParams,
  errors: [404],
  response: z.object({ items: z.array(sessionRow) }),
  async handle({ params, services, principal, request }) {
    const me = signedIn(principal);
    const found = await renameUserErrors(() => listSessions(services.db, params.username, me.admdvs, sessionToken(request)));
    return {
      items: found.map((v) => ({
        created_at: v.created_at.toISOString(), last_seen_at: v.last_seen_at.toISOString(), expires_at: v.expires_at.toISOString(),
        idle_expires_at: v.idle_expires_at.toISOString(), ip: v.ip, user_agent: v.user_agent, current: v.current,
      })),
    };
  },
});

export const endUserSessionsRoute = defineRoute({
  method: "DELETE",
  path: "/users/{username}/sessions",
  operationId: "endUserSessions",
  summary: { zh: "结束用户的全部会话", en: "Sign a user out everywhere" },
  description: "该用户须重新登录（密码不变）/ the user must sign in again (the password stays).",
  tags: ["auth"],
  access: "manage",
  params: usernameParams,
  errors: [404],
  response: z.object({ sessions_ended: z.int() }),
  async handle({ params, services, principal }) {
    const me = signedIn(principal);
    return { sessions_ended: await renameUserErrors(() => signOutUser(services.db, params.username, me.admdvs)) };
  },
});

async function oneUser(services: Services, username: string, scope: string): Promise<UserView> {
  const found = (await listUsers(services.db, scope)).find((u) => u.username === username);
  if (!found) throw new NotFoundError("params.username", `no user ${username} in your region`);
  return found;
}

async function renameUserErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError && error.field === "username") throw new NotFoundError("params.username", error.rule);
    throw error;
  }
}
