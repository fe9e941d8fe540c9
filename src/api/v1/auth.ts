import { z } from "zod";
import { ROLES, ROLE_NAMES, type Principal } from "../../domain/access.js";
import { regionName } from "../../domain/regions.js";
import { fixmedins } from "../../store/schema.js";
import { eq } from "drizzle-orm";
import { listSigninAttempts, LOCK_MINUTES, signIn, SignInError, signOut } from "../../services/auth.js";
import type { Services } from "../../services/context.js";
import { AccessRefusal } from "../errors.js";
import { paged, pagination, timeOut } from "../fields.js";
import { defineRoute } from "../route.js";
import { clearSessionCookie, sessionToken, setSessionCookie, signedIn } from "../session.js";

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
});

export async function toUser(services: Services, p: Principal): Promise<z.output<typeof userOut>> {
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
  };
}

function clientOf(request: { ip: string; headers: Record<string, string | string[] | undefined> }) {
  const agent = request.headers["user-agent"];
  return { ip: request.ip, user_agent: typeof agent === "string" ? agent : null };
}

export const signInRoute = defineRoute({
  method: "POST",
  path: "/auth/signin",
  operationId: "signIn",
  summary: { zh: "登录", en: "Sign in" },
  description:
    `成功时设置 HttpOnly 会话 Cookie 并返回 token（脚本可用 Authorization: Bearer）。连续失败 5 次锁定 ${LOCK_MINUTES} 分钟；每次尝试均记录 / ` +
    `sets an HttpOnly session cookie and returns the token (scripts may send it as a bearer token). Five failures in a row lock the account for ${LOCK_MINUTES} minutes; every attempt is recorded.`,
  tags: ["auth"],
  access: "public",
  body: z.strictObject({
    username: z.string().trim().min(1, "is required").max(100),
    password: z.string().min(1, "is required").max(200),
  }),
  errors: [401, 423],
  response: z.object({ token: z.string(), expires_at: timeOut, user: userOut }),
  async handle({ body, services, request, reply }) {
    try {
      const session = await signIn(services.db, body.username, body.password, clientOf(request));
      setSessionCookie(reply, session.token, session.expires_at);
      return { token: session.token, expires_at: session.expires_at.toISOString(), user: await toUser(services, session.principal) };
    } catch (error) {
      if (!(error instanceof SignInError)) throw error;
      if (error.reason === "locked") {
        const until = error.lockedUntil?.toISOString();
        throw new AccessRefusal(423, "locked", null, `账户已锁定至 ${until ?? "?"} / the account is locked until ${until ?? "?"} after repeated failures`, until ? { locked_until: until } : {});
      }
      if (error.reason === "inactive") throw new AccessRefusal(401, "invalid_credentials", null, "账户已停用 / the account is disabled");
      // Unknown names and wrong passwords answer alike: the answer must not tell which names exist.
      const remaining = error.remainingAttempts;
      throw new AccessRefusal(
        401,
        "invalid_credentials",
        null,
        "用户名或密码错误 / wrong username or password" + (remaining !== null ? `（还可尝试 ${remaining} 次 / ${remaining} attempts left）` : ""),
        remaining !== null ? { remaining_attempts: remaining } : {},
      );
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
    clearSessionCookie(reply);
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
  response: z.object({ user: userOut }),
  async handle({ services, principal }) {
    return { user: await toUser(services, signedIn(principal)) };
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
    reason: z.string().meta({ description: "ok | bad_password | unknown_user | locked | inactive" }),
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
