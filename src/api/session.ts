import type { FastifyReply, FastifyRequest } from "fastify";
import { mayAccess, ROLE_NAMES, type Principal } from "../domain/identity/index.js";
import { sessionPrincipal } from "../services/identity/index.js";
import type { Services } from "../services/common/index.js";
import { forbidden, passwordChangeRequired, unauthenticated } from "./errors.js";
import type { Route } from "./route.js";

/**
 * Who is asking: the session token comes in the HttpOnly cookie the sign-in sets (the console and the portal) or as
 * `Authorization: Bearer …` (scripts). The cookie is SameSite=Strict, and every write of the API takes JSON or a file
 * whose content type a cross-site form cannot send, so a forged cross-site request carries no session.
 */

export const SESSION_COOKIE = "yibao_session";

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export function sessionToken(request: FastifyRequest): string | undefined {
  const auth = request.headers.authorization;
  if (auth?.startsWith("Bearer ")) return auth.slice(7).trim() || undefined;
  return cookieValue(request.headers.cookie, SESSION_COOKIE);
}

/**
 * Over HTTPS (directly, or behind a proxy that says so and is trusted: YIBAO_TRUST_PROXY) the cookie is also Secure, so
 * that it never travels in clear; the demo on http://127.0.0.1 works without.
 */
const secure = (request: FastifyRequest) => (request.protocol === "https" ? "; Secure" : "");

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string, expires: Date): void {
  reply.header("set-cookie", `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict${secure(request)}; Expires=${expires.toUTCString()}`);
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.header("set-cookie", `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict${secure(request)}; Expires=Thu, 01 Jan 1970 00:00:00 GMT`);
}

/**
 * What a session whose password was reset by an administrator may still do: see who it is, sign out, and change the
 * password. Everything else answers 403 password_change_required until then.
 */
export const ALLOWED_BEFORE_PASSWORD_CHANGE: ReadonlySet<string> = new Set(["whoAmI", "signOut", "changePassword"]);

/** The authorize hook of the API: the session's principal, checked against the route's access. */
export function authorizer(services: Services) {
  return async (request: FastifyRequest, route: Route): Promise<Principal | null> => {
    if (route.access === "public") return null;
    const token = sessionToken(request);
    const found = token ? await sessionPrincipal(services.db, token) : undefined;
    if (!found) throw unauthenticated();
    if (found.must_change_password && !ALLOWED_BEFORE_PASSWORD_CHANGE.has(route.operationId)) throw passwordChangeRequired();
    const principal = found.principal;
    if (route.access !== "signed_in" && !mayAccess(principal, route.access)) {
      const role = ROLE_NAMES[principal.role];
      throw forbidden(null, `${role.zh}无权使用“${route.summary.zh}” / a user of the role ${role.en.toLowerCase()} may not use ${route.method} ${route.path} (${route.operationId})`);
    }
    return principal;
  };
}

/** The principal of a route that is not public (the hook ran): null here is a bug of the route's declaration. */
export function signedIn(principal: Principal | null): Principal {
  if (!principal) throw unauthenticated();
  return principal;
}
