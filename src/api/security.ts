import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { DomainError } from "../domain/errors.js";
import { AccessRefusal } from "./errors.js";

/**
 * The browser-facing hardening of every response (the API, the console's files, the interface, errors alike) and the
 * per-address rate limits of the two doors a guesser knocks on: the console's sign-in and the interface's 9001.
 */

/**
 * The Content-Security-Policy of the built console (dist/web: one module script from /assets, no inline script, the
 * API on the same origin). Ant Design writes its styles at run time as <style> elements (CSS-in-JS, no build-time
 * extraction), and its components set style="" attributes: style-src needs 'unsafe-inline' — scripts stay 'self' only,
 * which is what stops an injected script. The portal's QR code is a data: image and ECharts' "save as image" exports
 * a data: URL, hence img-src data:. Nobody may frame the app (clickjacking a clerk into approving something).
 */
export const CONTENT_SECURITY_POLICY: Record<string, string[]> = {
  "default-src": ["'self'"],
  "base-uri": ["'self'"],
  "form-action": ["'self'"],
  "object-src": ["'none'"],
  "script-src": ["'self'"],
  "script-src-attr": ["'none'"],
  "style-src": ["'self'", "'unsafe-inline'"],
  "img-src": ["'self'", "data:"],
  "font-src": ["'self'", "data:"],
  "connect-src": ["'self'"],
  "frame-ancestors": ["'none'"],
};

/** Two years, the preload list's minimum: once a browser saw the site over https, it never tries http again. */
const HSTS = "max-age=63072000; includeSubDomains";

export async function securityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    frameguard: { action: "deny" },
    referrerPolicy: { policy: "no-referrer" },
    // Strict-Transport-Security is sent below, only over https: on the demo's http://127.0.0.1 it would be ignored at
    // best, and a plain-http intranet install must not be told it has TLS.
    strictTransportSecurity: false,
  });
  // request.protocol is https only for a TLS socket or, behind YIBAO_TRUST_PROXY, a proxy that says so.
  app.addHook("onRequest", async (request, reply) => {
    if (request.protocol === "https") reply.header("strict-transport-security", HSTS);
  });
}

export interface RateLimits {
  /** Sign-ins (POST /api/v1/auth/signin, and password changes) per client address and window. */
  signin: { max: number; window_ms: number };
  /** 9001 (the hospital's sign-in) per client address and window; the interface's other transactions are not limited. */
  his_signin: { max: number; window_ms: number };
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new DomainError(name, `must be a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}

/**
 * The limits from the environment: YIBAO_SIGNIN_LIMIT sign-ins per YIBAO_SIGNIN_WINDOW_SECONDS (default 10 a minute:
 * a person mistyping never meets it, a guesser gets 14,400 tries a day at most instead of thousands a minute), and
 * YIBAO_HIS_SIGNIN_LIMIT 9001 calls per YIBAO_HIS_SIGNIN_WINDOW_SECONDS (default 30 a minute: a hospital's HIS signs
 * in each of its operators' terminals, several behind one address).
 */
export function rateLimitsFrom(env: NodeJS.ProcessEnv = process.env): RateLimits {
  return {
    signin: { max: wholeNumber(env, "YIBAO_SIGNIN_LIMIT", 10, 1, 1_000_000), window_ms: 1000 * wholeNumber(env, "YIBAO_SIGNIN_WINDOW_SECONDS", 60, 1, 86_400) },
    his_signin: { max: wholeNumber(env, "YIBAO_HIS_SIGNIN_LIMIT", 30, 1, 1_000_000), window_ms: 1000 * wholeNumber(env, "YIBAO_HIS_SIGNIN_WINDOW_SECONDS", 60, 1, 86_400) },
  };
}

/** The answer of a refused sign-in attempt: how long to wait (Retry-After says it in seconds too). */
function tooMany(_request: FastifyRequest, context: { after: string; ttl: number }): AccessRefusal {
  return new AccessRefusal(429, "rate_limited", null, `登录尝试过于频繁，请 ${Math.ceil(context.ttl / 1000)} 秒后再试 / too many sign-in attempts from your address: retry in ${context.after}`);
}

/** The rate-limit plugin, off by default: a route opts in with its `config.rateLimit` (see rateLimitConfig). */
export async function registerRateLimits(app: FastifyInstance): Promise<void> {
  await app.register(rateLimit, { global: false, errorResponseBuilder: tooMany });
}

/** The route option that limits a route per client address (request.ip: behind YIBAO_TRUST_PROXY, the client's). */
export const rateLimitConfig = (limit: { max: number; window_ms: number }, groupId: string) => ({
  rateLimit: { max: limit.max, timeWindow: limit.window_ms, groupId },
});
