import type { FastifyInstance } from "fastify";
import type { Services } from "../services/common/index.js";
import { docsHtml } from "./docs.js";
import { apiError } from "./errors.js";
import { openApiDocument, type OpenApiDocument } from "./openapi.js";
import { registerRoutes, type RegisterOptions } from "./route.js";
import type { RateLimits } from "./security.js";
import { authorizer } from "./session.js";
import { V1_ROUTES, V1_TAGS } from "./v1/index.js";
import { CSV, XLSX } from "./v1/imports/index.js";

export interface ApiOptions {
  services: Services;
  /** Who is asking and whether they may (default: the session of the cookie or bearer token, see session.ts). */
  authorize?: RegisterOptions["authorize"];
  /** The per-address limit of the routes that check a password (none when absent). */
  limits?: Pick<RateLimits, "signin">;
}

/** Largest file an upload may send (a roster of some 300,000 rows). */
export const FILE_BODY_LIMIT = 32 * 1024 * 1024;

let cachedDocument: OpenApiDocument | undefined;

export function apiDocument(): OpenApiDocument {
  cachedDocument ??= openApiDocument(V1_ROUTES, { basePath: "/api/v1", version: "1", tags: V1_TAGS });
  return cachedDocument;
}

/**
 * The REST API (registered under /api): /api/v1/… for the console and the portal, the OpenAPI document at
 * /api/docs/openapi.json and its readable page at /api/docs. Every error below /api is JSON {error: {code, field, message}}.
 */
export async function restApi(app: FastifyInstance, options: ApiOptions): Promise<void> {
  app.setErrorHandler((error, request, reply) => {
    const { status, body } = apiError(error);
    if (status >= 500) {
      // The detail (a stack overflow, a broken invariant, a driver's text) is for the log; the client gets the stable
      // code and the request's id to quote.
      request.log.error({ err: error, reqId: request.id }, "API request failed");
      return reply.code(status).send({ error: { ...body.error, message: `${body.error.message} (request ${request.id})` } });
    }
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: { code: "not_found", field: null, message: `no route ${request.method} ${request.url.split("?")[0]}` } }));
  // Files (rosters) arrive as the raw body, CSV or .xlsx: no multipart, one file per request, nothing native to install.
  app.addContentTypeParser([CSV, XLSX], { parseAs: "buffer", bodyLimit: FILE_BODY_LIMIT }, (_request, body, done) => done(null, body));

  const document = apiDocument();
  const html = docsHtml(document, "/api/docs/openapi.json");
  app.get("/docs/openapi.json", async () => document);
  app.get("/docs", async (_request, reply) => reply.type("text/html; charset=utf-8").send(html));

  const authorize = options.authorize ?? authorizer(options.services);
  await app.register(async (v1) => registerRoutes(v1, V1_ROUTES, { services: options.services, authorize, ...(options.limits ? { limits: options.limits } : {}) }), { prefix: "/v1" });
}
