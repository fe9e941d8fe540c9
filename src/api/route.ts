import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { Access, Principal } from "../domain/identity/index.js";
import { DomainError, InvariantError } from "../domain/errors.js";
import { zodToDomainError } from "../domain/zodFields.js";
import type { Services } from "../services/common/index.js";

/**
 * The REST API's routes as data: method, path, summary in Chinese and English, tags and zod schemas for the params, the
 * query, the body and the answer. The same definition validates the input, checks the answer and feeds the OpenAPI
 * document, so the document cannot drift from what the server does.
 */

export const JSON_MEDIA = "application/json";

export type Method = "GET" | "POST" | "PUT" | "DELETE";

/**
 * What a route needs (domain/identity/access.ts says which roles have it); `public` needs nobody (signing in), `signed_in` any
 * user. What a principal may see inside a route (its region, its hospital, its own records) the handler decides.
 */
export type RouteAccess = Access | "public" | "signed_in";

export interface RouteContext<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  services: Services;
  request: FastifyRequest;
  reply: FastifyReply;
  /** Who is asking: null only on public routes. */
  principal: Principal | null;
}

const noInput = z.strictObject({});
type NoInput = typeof noInput;

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType> {
  method: Method;
  /** OpenAPI style, below the version prefix: "/persons/{psn_no}". */
  path: string;
  operationId: string;
  summary: { zh: string; en: string };
  description?: string;
  tags: string[];
  access: RouteAccess;
  params?: P;
  query?: Q;
  body?: B;
  /** The media types the body may come in (default JSON); anything else is a file, the raw body as a Buffer. */
  bodyMedia?: string[];
  /** Success status (default 200). */
  status?: number;
  response: R;
  /** Statuses besides 400 the route may answer with an error (404, 409), for the document. */
  errors?: number[];
  /** Checks a password: limited per client address (RegisterOptions.limits.signin), answering 429 beyond it. */
  checksPassword?: boolean;
  handle(ctx: RouteContext<z.output<P>, z.output<Q>, z.output<B>>): Promise<z.input<R>>;
}

/** A route with its types erased, as the registry and the OpenAPI generator see it. */
export interface Route {
  method: Method;
  path: string;
  operationId: string;
  summary: { zh: string; en: string };
  description?: string;
  tags: string[];
  access: RouteAccess;
  params: z.ZodType;
  query: z.ZodType;
  body: z.ZodType | undefined;
  bodyMedia: string[];
  status: number;
  response: z.ZodType;
  errors: number[];
  checksPassword: boolean;
  handle(ctx: RouteContext<unknown, unknown, unknown>): Promise<unknown>;
}

export function defineRoute<
  R extends z.ZodType,
  P extends z.ZodType = NoInput,
  Q extends z.ZodType = NoInput,
  B extends z.ZodType = NoInput,
>(spec: RouteSpec<P, Q, B, R>): Route {
  return {
    ...spec,
    params: spec.params ?? noInput,
    query: spec.query ?? noInput,
    body: spec.body,
    bodyMedia: spec.bodyMedia ?? [JSON_MEDIA],
    status: spec.status ?? 200,
    errors: [...(spec.errors ?? []), ...(spec.checksPassword ? [429] : [])],
    checksPassword: spec.checksPassword ?? false,
    handle: spec.handle as Route["handle"],
  };
}

/**
 * Parses one part of the request; the refusal names the field below the part ("query.page_size", "body.certno"). A key
 * the schema does not know is refused by name too (a typo such as ?pagesize= must not be silently ignored).
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, part: "params" | "query" | "body"): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const first = result.error.issues[0];
  if (first?.code === "unrecognized_keys") {
    const path = [part, ...first.path.map(String), first.keys[0] ?? ""].join(".");
    throw new DomainError(path, `is not a known ${part === "query" ? "query parameter" : "field"}`);
  }
  const refusal = zodToDomainError(result.error, part);
  // A coerced field (a year, a page) reports "NaN" for what was simply not sent.
  if (first && first.code !== "invalid_union" && valueAt(value, first.path) === undefined) throw new DomainError(refusal.field, "is required");
  throw refusal;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let at = value;
  for (const key of path) {
    if (at === null || typeof at !== "object") return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

export interface RegisterOptions {
  services: Services;
  /** Called before every handler with the route's declared access: who is asking (null on a public route); throws to refuse. */
  authorize: (request: FastifyRequest, route: Route) => Promise<Principal | null>;
  limits?: { signin: { max: number; window_ms: number } };
}

export function fastifyPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ":$1");
}

export function registerRoutes(app: FastifyInstance, routes: readonly Route[], options: RegisterOptions): void {
  for (const route of routes) {
    const limit = route.checksPassword ? options.limits?.signin : undefined;
    app.route({
      method: route.method,
      url: fastifyPath(route.path),
      ...(limit ? { config: { rateLimit: { max: limit.max, timeWindow: limit.window_ms } } } : {}),
      handler: async (request, reply) => {
        const principal = await options.authorize(request, route);
        const params = parseInput(route.params, request.params ?? {}, "params");
        const query = parseInput(route.query, { ...(request.query as object) }, "query");
        const body = route.body ? parseInput(route.body, request.body, "body") : undefined;
        const answer = await route.handle({ params, query, body, services: options.services, request, reply, principal });
        // The answer is checked against the documented schema: a mismatch is our bug, never sent half-right.
        const checked = route.response.safeParse(answer);
        if (!checked.success) {
          const issue = checked.error.issues[0];
          throw new InvariantError(`${route.operationId} answered outside its schema at ${issue?.path.join(".") ?? "?"}: ${issue?.message ?? ""}`);
        }
        return reply.code(route.status).send(checked.data);
      },
    });
  }
}
