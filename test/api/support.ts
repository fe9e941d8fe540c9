import type { FastifyInstance } from "fastify";
import { expect } from "vitest";
import { apiDocument } from "../../src/api/plugin.js";
import type { OpenApiDocument } from "../../src/api/openapi.js";
import type { ParsedJson } from "../support/his.js";
import type { Role } from "../../src/domain/identity/access.js";
import { createUser } from "../../src/services/identity/auth.js";
import type { Database } from "../../src/store/db.js";

/**
 * Calls to the REST API in tests. Every JSON answer is checked against the OpenAPI document (the operation its method and
 * path match, the schema of its status): a test that passes also proves the document describes what the server sent.
 */

type Schema = Record<string, unknown>;

export interface Answer {
  status: number;
  body: ParsedJson;
  headers: Record<string, unknown>;
  text: string;
}

function operationOf(doc: OpenApiDocument, method: string, url: string) {
  const path = url.split("?")[0] ?? "";
  for (const [template, methods] of Object.entries(doc.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{\w+\}/g, "[^/]+")}$`);
    if (pattern.test(path)) {
      const op = methods[method.toLowerCase()];
      if (op) return op;
    }
  }
  return undefined;
}

function resolve(schema: Schema, doc: OpenApiDocument): Schema {
  const ref = schema.$ref;
  if (typeof ref !== "string") return schema;
  const name = ref.replace("#/components/schemas/", "");
  const found = doc.components.schemas[name];
  if (!found) throw new Error(`unresolved $ref ${ref}`);
  return found;
}

function typeMatches(value: unknown, type: string): boolean {
  switch (type) {
    case "null": return value === null;
    case "boolean": return typeof value === "boolean";
    case "integer": return Number.isInteger(value);
    case "number": return typeof value === "number" && Number.isFinite(value);
    case "string": return typeof value === "string";
    case "array": return Array.isArray(value);
    case "object": return typeof value === "object" && value !== null && !Array.isArray(value);
    default: return false;
  }
}

/**
 * Where `value` breaks `schema`: the subset of JSON Schema 2020-12 that zod's toJSONSchema writes (types, properties,
 * required, additionalProperties, items, anyOf/oneOf, enum, const, minimum/maximum, pattern, date format).
 */
export function violations(value: unknown, raw: Schema, doc: OpenApiDocument, at = "$"): string[] {
  const schema = resolve(raw, doc);
  const out: string[] = [];
  for (const key of ["anyOf", "oneOf"] as const) {
    const branches = schema[key];
    if (Array.isArray(branches)) {
      const passing = branches.filter((b) => violations(value, b as Schema, doc, at).length === 0).length;
      if (key === "anyOf" ? passing === 0 : passing !== 1) out.push(`${at}: matches ${passing} branches of ${key}`);
    }
  }
  if ("const" in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) out.push(`${at}: is not ${JSON.stringify(schema.const)}`);
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) out.push(`${at}: ${JSON.stringify(value)} not in enum`);
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
  if (types.length > 0 && !types.some((t) => typeMatches(value, t))) return [...out, `${at}: ${JSON.stringify(value)} is not ${types.join("|")}`];
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) out.push(`${at}: below ${schema.minimum}`);
    if (typeof schema.maximum === "number" && value > schema.maximum) out.push(`${at}: above ${schema.maximum}`);
  }
  if (typeof value === "string") {
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern).test(value)) out.push(`${at}: does not match ${schema.pattern}`);
    if (schema.format === "date" && !/^\d{4}-\d{2}-\d{2}$/.test(value)) out.push(`${at}: is not a date`);
  }
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => out.push(...violations(v, schema.items as Schema, doc, `${at}[${i}]`)));
  if (typeMatches(value, "object")) {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const r of (schema.required ?? []) as string[]) if (!(r in object)) out.push(`${at}.${r}: is required`);
    for (const [k, v] of Object.entries(object)) {
      const s = properties[k];
      if (s) out.push(...violations(v, s, doc, `${at}.${k}`));
      else if (schema.additionalProperties === false) out.push(`${at}.${k}: is not in the schema`);
      else if (typeof schema.additionalProperties === "object") out.push(...violations(v, schema.additionalProperties as Schema, doc, `${at}.${k}`));
    }
  }
  return out;
}

export interface Api {
  (method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  get(url: string): Promise<Answer>;
  post(url: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  delete(url: string): Promise<Answer>;
}

export function apiClient(app: FastifyInstance, doc: OpenApiDocument = apiDocument(), session: Record<string, string> = {}): Api {
  const call = async (method: string, url: string, body?: unknown, given?: Record<string, string>): Promise<Answer> => {
    const headers = { ...session, ...given };
    const res = await app.inject({
      method: method as "GET",
      url,
      ...(body !== undefined ? { payload: (typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body)) as string } : {}),
      headers: { ...(body !== undefined && typeof body === "object" && !Buffer.isBuffer(body) ? { "content-type": "application/json" } : {}), ...headers },
    });
    const isJson = String(res.headers["content-type"] ?? "").startsWith("application/json");
    const answer: Answer = { status: res.statusCode, body: isJson ? res.json() : undefined, headers: res.headers, text: res.body };
    const op = operationOf(doc, method, url);
    if (op && isJson) {
      const documented = op.responses[String(res.statusCode)];
      if (!documented) throw new Error(`${method} ${url} answered ${res.statusCode}, which its operation does not document: ${res.body.slice(0, 300)}`);
      const schema = documented.content?.["application/json"]?.schema;
      if (schema) {
        const broken = violations(answer.body, schema, doc);
        if (broken.length > 0) throw new Error(`${method} ${url} ${res.statusCode} breaks its documented schema: ${broken.slice(0, 5).join("; ")}`);
      }
    }
    return answer;
  };
  return Object.assign(call, {
    get: (url: string) => call("GET", url),
    post: (url: string, body?: unknown, headers?: Record<string, string>) => call("POST", url, body, headers),
    delete: (url: string) => call("DELETE", url),
  });
}

/** Asserts an error answer: status, code and the field it names. */
export function expectError(answer: Answer, status: number, code: string, field: string | null): void {
  expect({ status: answer.status, code: answer.body?.error?.code, field: answer.body?.error?.field }, answer.text).toEqual({ status, code, field });
  expect(typeof answer.body.error.message).toBe("string");
}

let users = 0;

/**
 * A client signed in as a new user of the given role and region (default: an administrator of the whole country, who
 * sees everything): the user is created in the database, then signs in through the API like the console does.
 */
export async function signedInApi(
  app: FastifyInstance,
  database: Database,
  user: { role?: Role; admdvs?: string; fixmedins_code?: string; psn_no?: string; username?: string } = {},
): Promise<Api & { username: string }> {
  users += 1;
  const username = user.username ?? `test_${user.role ?? "admin"}_${process.pid}_${users}`;
  await createUser(database.db, {
    username, display_name: `测试${user.role ?? "admin"}`, role: user.role ?? "admin", admdvs: user.admdvs ?? "000000", password: TEST_PASSWORD,
    ...(user.fixmedins_code ? { fixmedins_code: user.fixmedins_code } : {}), ...(user.psn_no ? { psn_no: user.psn_no } : {}),
  });
  const r = await app.inject({ method: "POST", url: "/api/v1/auth/signin", payload: { username, password: TEST_PASSWORD } });
  if (r.statusCode !== 200) throw new Error(`test sign-in failed: ${r.body}`);
  const token = (r.json() as { token: string }).token;
  return Object.assign(apiClient(app, apiDocument(), { authorization: `Bearer ${token}` }), { username });
}

export const TEST_PASSWORD = "test-password-1";
