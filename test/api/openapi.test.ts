import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { apiError, ConflictError, NotFoundError } from "../../src/api/errors.js";
import type { OpenApiDocument } from "../../src/api/openapi.js";
import { apiDocument, restApi } from "../../src/api/plugin.js";
import { defineRoute, registerRoutes, type Route } from "../../src/api/route.js";
import { buildServer } from "../../src/api/server.js";
import { V1_ROUTES } from "../../src/api/v1/index.js";
import { renameFields } from "../../src/api/v1/common/inputs.js";
import { DomainError } from "../../src/domain/errors.js";
import type { Services } from "../../src/services/common/context.js";
import { apiClient, expectError, violations } from "./support.js";

/** The document, the docs page and the route layer: no database is needed (nothing here reaches a handler's query). */

const noDatabase = { database: { kind: "pglite" } } as unknown as Services;
let app: FastifyInstance;

beforeAll(async () => {
  app = await buildServer({ services: noDatabase, logger: false, importWorker: false });
});
afterAll(async () => app?.close());

/** What the issue asks for, at least: every one must be in the document. */
const REQUIRED_OPERATIONS = [
  "GET /api/v1/persons",
  "GET /api/v1/persons/{psn_no}",
  "GET /api/v1/households/{household_id}",
  "GET /api/v1/enrollments",
  "GET /api/v1/enrollments/{id}/contributions",
  "GET /api/v1/contributions",
  "POST /api/v1/rosters",
  "POST /api/v1/subsidies/recompute",
  "GET /api/v1/duplicates",
  "POST /api/v1/duplicates/scan",
  "POST /api/v1/duplicates/{id}/resolve",
  "GET /api/v1/coverage",
  "GET /api/v1/subsidies/statistics",
];

function refsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refsIn(v, out));
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string") out.push(v);
      else refsIn(v, out);
    }
  }
  return out;
}

describe("GET /api/docs/openapi.json", () => {
  let doc: OpenApiDocument;

  beforeAll(async () => {
    const r = await app.inject({ url: "/api/docs/openapi.json" });
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toMatch(/^application\/json/);
    doc = JSON.parse(r.body) as OpenApiDocument;
  });

  it("is OpenAPI 3.1 listing every route with its request and response schemas", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info.title).toMatch(/Yibao/);
    const listed = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(listed).toEqual(expect.arrayContaining(REQUIRED_OPERATIONS));
    expect(listed.sort()).toEqual(V1_ROUTES.map((r) => `${r.method} /api/v1${r.path}`).sort());
    const operationIds = V1_ROUTES.map((r) => r.operationId);
    expect(new Set(operationIds).size).toBe(operationIds.length);

    for (const route of V1_ROUTES) {
      const op = doc.paths[`/api/v1${route.path}`]?.[route.method.toLowerCase()];
      const name = `${route.method} ${route.path}`;
      expect(op, name).toBeDefined();
      if (!op) continue;
      expect(op.summary, name).toContain(" / ");
      expect(op.tags.length, name).toBeGreaterThan(0);
      const success = op.responses[String(route.status)]?.content?.["application/json"]?.schema;
      expect(success?.type, name).toBe("object");
      expect(Object.keys((success?.properties ?? {}) as object).length, name).toBeGreaterThan(0);
      expect(op.responses["400"]?.content?.["application/json"]?.schema, name).toEqual({ $ref: "#/components/schemas/Error" });
      for (const p of route.path.match(/\{(\w+)\}/g) ?? []) {
        expect(op.parameters.find((x) => x.name === p.slice(1, -1)), `${name} ${p}`).toMatchObject({ in: "path", required: true });
      }
      // Every POST takes a body but the two that act on the session alone.
      if (route.method === "POST" && !["POST /auth/signout", "POST /me/voucher"].includes(name)) {
        const content = op.requestBody?.content ?? {};
        expect(Object.keys(content).length, name).toBeGreaterThan(0);
        for (const media of Object.values(content)) expect(Object.keys(media.schema).length, name).toBeGreaterThan(0);
      }
      if (op.parameters.some((p) => p.name === "page")) {
        expect(op.parameters.find((p) => p.name === "page_size")?.schema, name).toMatchObject({ type: "integer", maximum: 500, default: 50 });
        expect(success?.required, name).toEqual(expect.arrayContaining(["items", "page", "page_size", "total"]));
      }
    }
  });

  it("describes the inputs a client sends: types, enums, required fields and both roster formats", () => {
    const search = doc.paths["/api/v1/persons"]?.get;
    expect(search?.parameters.find((p) => p.name === "certno")).toMatchObject({ in: "query", required: false, schema: { type: "string" } });
    expect(doc.paths["/api/v1/contributions"]?.get?.parameters.find((p) => p.name === "year")).toMatchObject({ required: true, schema: { type: "integer" } });
    const recompute = doc.paths["/api/v1/subsidies/recompute"]?.post?.requestBody?.content["application/json"]?.schema;
    expect(recompute).toMatchObject({ type: "object", required: ["year"], additionalProperties: false });
    const resolve = doc.paths["/api/v1/duplicates/{id}/resolve"]?.post;
    expect(JSON.stringify(resolve?.requestBody)).toContain("keep_enrollment_id");
    expect(resolve?.responses).toHaveProperty("404");
    expect(resolve?.responses).toHaveProperty("409");
    const roster = doc.paths["/api/v1/rosters"]?.post?.requestBody?.content ?? {};
    expect(Object.keys(roster).sort()).toEqual(["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv"]);
    expect(roster["text/csv"]?.schema).toMatchObject({ type: "string", format: "binary" });
  });

  it("has every $ref resolvable and no stray $schema", () => {
    for (const ref of refsIn(doc)) expect(doc.components.schemas[ref.replace("#/components/schemas/", "")], ref).toBeDefined();
    expect(JSON.stringify(doc)).not.toContain('"$schema"');
    expect(doc.components.schemas.Error).toMatchObject({ type: "object", required: ["error"] });
  });

  it("is the document the tests check every answer against", () => {
    expect(JSON.parse(JSON.stringify(apiDocument()))).toEqual(doc);
  });
});

describe("GET /api/docs", () => {
  it("is a readable HTML page of every operation, with nothing fetched from elsewhere", async () => {
    const r = await app.inject({ url: "/api/docs" });
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toMatch(/^text\/html/);
    for (const route of V1_ROUTES) expect(r.body).toContain(`/api/v1${route.path}`);
    expect(r.body).toContain("/api/docs/openapi.json");
    expect(r.body).toContain("资助参保台账");
    expect(r.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(r.body).not.toMatch(/<script/);
  });
});

describe("errors below /api", () => {
  it("are JSON for an unknown route, bad JSON and a content type without a parser", async () => {
    const api = apiClient(app);
    expectError(await api.get("/api/v1/nothing"), 404, "not_found", null);
    expectError(await api.get("/api/nothing"), 404, "not_found", null);
    expectError(await api.post("/api/v1/subsidies/recompute", "{not json", { "content-type": "application/json" }), 400, "invalid_input", "body");
    expectError(await api.post("/api/v1/subsidies/recompute", "<year/>", { "content-type": "application/xml" }), 415, "unsupported_media_type", "body");
  });

  it("leave the other faces alone: /health and the HIS envelope", async () => {
    expect((await app.inject({ url: "/health" })).json()).toEqual({ status: "ok", database: "pglite" });
    const his = await app.inject({ method: "POST", url: "/fsi/api/rsfComIfsService/callService", payload: "{bad", headers: { "content-type": "application/json" } });
    expect(his.json()).toMatchObject({ infcode: -1 });
  });

  it("map by class or code, never by message", () => {
    expect(apiError(new NotFoundError("params.id", "already resolved"))).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    expect(apiError(new ConflictError("params.id", "no such thing"))).toMatchObject({ status: 409, body: { error: { code: "conflict" } } });
    expect(apiError(new DomainError("body.year", "no insured person"))).toMatchObject({ status: 400, body: { error: { code: "invalid_input", field: "body.year", message: "no insured person" } } });
    class ServiceConflict extends DomainError {
      readonly code = "conflict";
    }
    expect(apiError(new ServiceConflict("id", "taken")).status).toBe(409);
    expect(apiError(new Error("secret detail"))).toEqual({ status: 500, body: { error: { code: "internal_error", field: null, message: expect.not.stringContaining("secret") } } });
  });

  it("name the fields of a service's refusal as the client sent them", async () => {
    await expect(renameFields("body", async () => { throw new DomainError("keep_enrollment_id", "x"); })).rejects.toMatchObject({ field: "body.keep_enrollment_id" });
    await expect(renameFields("body", async () => { throw new DomainError("id", "x"); }, { id: "params.id" })).rejects.toMatchObject({ field: "params.id" });
    await expect(renameFields("body", async () => { throw new NotFoundError("params.id", "x"); })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("the route layer", () => {
  let bare: FastifyInstance;
  const routes: Route[] = [
    defineRoute({
      method: "GET", path: "/broken", operationId: "broken", summary: { zh: "坏", en: "Broken" }, tags: ["t"], access: "read",
      response: z.object({ n: z.int() }),
      handle: async () => ({ n: "one" }) as unknown as { n: number },
    }),
    defineRoute({
      method: "POST", path: "/things/{id}", operationId: "thing", summary: { zh: "物", en: "Thing" }, tags: ["t"], access: "write",
      params: z.strictObject({ id: z.coerce.number().int() }),
      body: z.strictObject({ name: z.string().min(1) }),
      status: 201,
      response: z.object({ id: z.int(), name: z.string() }),
      handle: async ({ params, body }) => {
        if (params.id === 404) throw new NotFoundError("params.id", "no thing");
        return { id: params.id, name: body.name, extra: "stripped" } as { id: number; name: string };
      },
    }),
  ];
  const seen: string[] = [];

  beforeAll(async () => {
    bare = Fastify({ logger: false });
    bare.setErrorHandler((error, _request, reply) => {
      const { status, body } = apiError(error);
      return reply.code(status).send(body);
    });
    registerRoutes(bare, routes, {
      services: noDatabase,
      authorize: async (request, route) => {
        seen.push(`${route.operationId}:${route.access}`);
        if (route.access === "write" && request.headers["x-role"] !== "clerk") {
          throw Object.assign(new Error("clerks only"), { statusCode: 403 });
        }
        return null;
      },
    });
  });
  afterAll(async () => bare?.close());

  it("checks the answer against its schema (500, details only in the log) and strips what is not in it", async () => {
    const broken = await bare.inject({ url: "/broken" });
    expect(broken.statusCode).toBe(500);
    expect(broken.json().error.code).toBe("internal_error");
    const ok = await bare.inject({ method: "POST", url: "/things/7", payload: { name: "x" }, headers: { "x-role": "clerk" } });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toEqual({ id: 7, name: "x" });
  });

  it("calls the authorization seam before every handler with the route's access", async () => {
    seen.length = 0;
    const refused = await bare.inject({ method: "POST", url: "/things/7", payload: { name: "x" } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({ code: "forbidden", field: null });
    await bare.inject({ url: "/broken" });
    expect(seen).toEqual(["thing:write", "broken:read"]);
  });

  it("validates params and body, and maps a NotFoundError to 404", async () => {
    const role = { "x-role": "clerk" };
    expect((await bare.inject({ method: "POST", url: "/things/404", payload: { name: "x" }, headers: role })).statusCode).toBe(404);
    expect((await bare.inject({ method: "POST", url: "/things/abc", payload: { name: "x" }, headers: role })).json().error.field).toBe("params.id");
    expect((await bare.inject({ method: "POST", url: "/things/1", payload: { name: "" }, headers: role })).json().error.field).toBe("body.name");
    expect((await bare.inject({ method: "POST", url: "/things/1", payload: { name: "x", colour: 1 }, headers: role })).json().error.field).toBe("body.colour");
  });
});

describe("the document checker used by the API tests", () => {
  it("catches a wrong type, a missing field and an extra field", () => {
    const doc = apiDocument();
    const schema = doc.paths["/api/v1/persons"]?.get?.responses["200"]?.content?.["application/json"]?.schema ?? {};
    expect(violations({ items: [], page: 1, page_size: 50, total: 0 }, schema, doc)).toEqual([]);
    expect(violations({ items: [], page: "1", page_size: 50, total: 0 }, schema, doc)).toHaveLength(1);
    expect(violations({ items: [], page: 1, page_size: 50 }, schema, doc)).toEqual(["$.total: is required"]);
    expect(violations({ items: [{ psn_no: 1 }], page: 1, page_size: 50, total: 1, more: true }, schema, doc).length).toBeGreaterThan(2);
    expect(violations({ error: { code: "x", field: null, message: "m" } }, { $ref: "#/components/schemas/Error" }, doc)).toEqual([]);
  });
});

describe("restApi on its own", () => {
  it("registers under any prefix with an authorize hook", async () => {
    const own = Fastify({ logger: false });
    await own.register(restApi, { prefix: "/api", services: noDatabase, authorize: () => { throw Object.assign(new Error("no"), { statusCode: 401 }); } });
    const r = await own.inject({ url: "/api/v1/persons" });
    expect(r.statusCode).toBe(401);
    expect(r.json().error.code).toBe("unauthorized");
    expect((await own.inject({ url: "/api/docs/openapi.json" })).statusCode).toBe(200);
    await own.close();
  });
});
