import { z } from "zod";
import { DomainError } from "../domain/errors.js";

/**
 * Errors of the REST API, always JSON: `{ error: { code, field, message } }`. The status is decided by the error's class
 * (or a `code` it carries), never by its message text: a DomainError is bad input (400), a NotFoundError 404, a
 * ConflictError 409. Services that want a 404 or 409 may throw a DomainError subclass whose `code` is "not_found" or
 * "conflict" (the API does not need to know the class).
 */

export class NotFoundError extends DomainError {
  readonly code = "not_found";
}

export class ConflictError extends DomainError {
  readonly code = "conflict";
}

/** A refusal about who is asking rather than what was sent: its own status, code and (often) no field. */
export class AccessRefusal extends Error {
  constructor(
    readonly status: 401 | 403 | 429,
    readonly code: string,
    readonly field: string | null,
    message: string,
  ) {
    super(message);
    this.name = "AccessRefusal";
  }
}

/** 401: nobody is signed in (no session, or it expired or was ended). */
export const unauthenticated = () =>
  new AccessRefusal(401, "unauthenticated", null, "not signed in, or the session expired: sign in at POST /api/v1/auth/signin");

/** 403 after an administrator's reset: the session may only change the password (POST /api/v1/auth/password). */
export const passwordChangeRequired = () =>
  new AccessRefusal(403, "password_change_required", null, "请先修改密码 / the password was reset: change it first (POST /api/v1/auth/password)");

/** 403: signed in, but this role, region, hospital or person may not. */
export const forbidden = (field: string | null, message: string) => new AccessRefusal(403, "forbidden", field, message);

export const errorBody = z
  .object({
    error: z.object({
      code: z.string().meta({
        description:
          "invalid_input | not_found | conflict | unauthenticated | invalid_credentials | forbidden | password_change_required | rate_limited | unsupported_media_type | payload_too_large | internal_error",
      }),
      field: z.string().nullable().meta({ description: "The input that was refused, as a path: body.certno, query.page_size, params.psn_no" }),
      message: z.string(),
    }),
  })
  .meta({ description: "错误 / An error: which field, which rule" });

export type ErrorBody = z.infer<typeof errorBody>;

export interface ApiErrorReply {
  status: number;
  body: ErrorBody;
}

const STATUS_OF_CODE: Record<string, number> = { not_found: 404, conflict: 409 };

function body(code: string, field: string | null, message: string): ErrorBody {
  return { error: { code, field, message } };
}

/** The status and body for anything a route threw; undefined field where none applies. */
export function apiError(error: unknown): ApiErrorReply {
  if (error instanceof AccessRefusal) return { status: error.status, body: body(error.code, error.field, error.message) };
  if (error instanceof DomainError) {
    const carried = (error as { code?: unknown }).code;
    const status = typeof carried === "string" ? (STATUS_OF_CODE[carried] ?? 400) : 400;
    const code = status === 400 ? "invalid_input" : (carried as string);
    return { status, body: body(code, error.field, error.rule) };
  }
  // Errors Fastify raises before a handler runs (a body that is not JSON, a content type with no parser, a body too large).
  const e = error as { statusCode?: unknown; code?: unknown; message?: unknown };
  const status = typeof e.statusCode === "number" ? e.statusCode : 500;
  const message = typeof e.message === "string" ? e.message : String(error);
  if (status === 415) return { status, body: body("unsupported_media_type", "body", message) };
  if (status === 413) return { status, body: body("payload_too_large", "body", message) };
  if (status === 404) return { status, body: body("not_found", null, message) };
  if (status === 401) return { status, body: body("unauthorized", null, message) };
  if (status === 403) return { status, body: body("forbidden", null, message) };
  if (status >= 400 && status < 500) return { status, body: body("invalid_input", "body", message) };
  return { status: 500, body: body("internal_error", null, "internal error; the server log has the details") };
}
