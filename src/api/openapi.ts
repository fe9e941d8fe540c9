import { z } from "zod";
import { rolesFor } from "../domain/identity/index.js";
import { SESSION_COOKIE } from "./session.js";
import { errorBody } from "./errors.js";
import type { Route } from "./route.js";

/** The OpenAPI 3.1 document of the REST API, generated from the routes' zod schemas (zod 4's toJSONSchema). */

type JsonSchema = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: "3.1.0";
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes?: Record<string, JsonSchema> };
}

export interface Parameter {
  name: string;
  in: "path" | "query";
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters: Parameter[];
  requestBody?: { required: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
  "x-access": string;
  /** The roles that may call it (domain/identity/access.ts); a handler narrows further to the caller's region, hospital or self. */
  "x-roles"?: readonly string[];
  security?: Record<string, string[]>[];
}

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const out = z.toJSONSchema(schema, { io, unrepresentable: "throw", reused: "inline" }) as JsonSchema;
  delete out.$schema; // OpenAPI 3.1's default dialect is the same draft 2020-12
  return out;
}

/** The properties of an object schema as parameters (path or query). */
function parameters(schema: z.ZodType, where: "path" | "query"): Parameter[] {
  const object = jsonSchema(schema, "input");
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, s]) => {
    const { description, ...rest } = s;
    return {
      name,
      in: where,
      required: where === "path" || required.has(name),
      ...(typeof description === "string" ? { description } : {}),
      schema: rest,
    };
  });
}

const STATUS_TEXT: Record<number, string> = {
  400: "输入有误 / Invalid input: the field and the rule",
  404: "不存在 / Not found",
  409: "冲突 / Conflict with the current state",
  401: "未登录或会话已过期 / Not signed in, or the session expired",
  403: "无权访问 / Not permitted: another role, region, hospital or person",
  413: "上传过大 / Body too large",
  415: "不支持的内容类型 / Unsupported content type",
};

export function openApiDocument(routes: readonly Route[], options: { basePath: string; version: string; tags: Record<string, string> }): OpenApiDocument {
  const paths: OpenApiDocument["paths"] = {};
  const errorRef = { $ref: "#/components/schemas/Error" };
  for (const route of routes) {
    const operation: Operation = {
      operationId: route.operationId,
      summary: `${route.summary.zh} / ${route.summary.en}`,
      ...(route.description ? { description: route.description } : {}),
      tags: route.tags,
      parameters: [...parameters(route.params, "path"), ...parameters(route.query, "query")],
      responses: {},
      "x-access": route.access,
      ...(route.access === "public" ? {} : { security: [{ session: [] }, { bearer: [] }] }),
      ...(route.access === "public" || route.access === "signed_in" ? {} : { "x-roles": rolesFor(route.access) }),
    };
    if (route.body) {
      const schema = jsonSchema(route.body, "input");
      operation.requestBody = { required: true, content: Object.fromEntries(route.bodyMedia.map((media) => [media, { schema }])) };
    }
    operation.responses[String(route.status)] = {
      description: route.status === 201 ? "已创建 / Created" : "成功 / OK",
      content: { "application/json": { schema: jsonSchema(route.response, "output") } },
    };
    const statuses = [400, ...route.errors, ...(route.body ? [413, 415] : []), ...(route.access === "public" ? [] : [401, 403])];
    for (const status of [...new Set(statuses)].sort()) {
      operation.responses[String(status)] = { description: STATUS_TEXT[status] ?? "Error", content: { "application/json": { schema: errorRef } } };
    }
    const path = `${options.basePath}${route.path}`;
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation };
  }
  const used = new Set(routes.flatMap((r) => r.tags));
  return {
    openapi: "3.1.0",
    info: {
      title: "Yibao 医保 REST API",
      version: options.version,
      description:
        "人员、家庭、参保、缴费与资助、名单、重复参保与参保率。金额以元为单位（两位小数），日期为 YYYY-MM-DD；错误为 JSON：{error: {code, field, message}}。\n\n" +
        "Persons, households, enrollments, contributions and subsidies, rosters, duplicate enrollments and coverage. Money in yuan " +
        "(at most two decimals), dates YYYY-MM-DD; errors are JSON: {error: {code, field, message}}.\n\n" +
        "医疗机构接口（POST /fsi/api/rsfComIfsService/callService，不在本文档中）须以医保局签发的凭证签名：请求头 _api_name（callService）、_api_version（1.0.0）、" +
        "_api_timestamp（毫秒，±5 分钟内）、_api_access_key、_api_nonce（16–64 位，不得重复）、_api_body_sha256（Base64(SHA-256(报文))）、" +
        "_api_signature = Base64(HMAC-SHA256(secret, 前六个请求头按名称排序的 k=v 以 & 连接))。凭证的签发、轮换、吊销及拒绝日志见 his 标签。\n\n" +
        "The hospital-facing interface (POST /fsi/api/rsfComIfsService/callService, not in this document) takes only requests signed " +
        "with a credential the bureau issued: headers _api_name (callService), _api_version (1.0.0), _api_timestamp (ms, within 5 minutes), " +
        "_api_access_key, _api_nonce (16–64 characters, never reused), _api_body_sha256 (Base64(SHA-256(body))) and _api_signature = " +
        "Base64(HMAC-SHA256(secret, the six other headers as k=v sorted by name, joined by &)). Credentials and the refusal log: tag his.",
    },
    servers: [{ url: "/" }],
    tags: Object.entries(options.tags).filter(([name]) => used.has(name)).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: { Error: jsonSchema(errorBody, "output") },
      securitySchemes: {
        session: { type: "apiKey", in: "cookie", name: SESSION_COOKIE, description: "POST /api/v1/auth/signin 设置 / set by signing in" },
        bearer: { type: "http", scheme: "bearer", description: "登录返回的 token / the token signing in returns" },
      },
    },
  };
}
