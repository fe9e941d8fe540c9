import type { ApiErrorBody } from "./types";

/**
 * The one way the app talks to /api/v1: JSON over fetch with the session cookie (same origin), errors as ApiError
 * carrying the server's {code, field, message}. An answer of 401 "unauthenticated" tells the auth layer the session
 * ended, so every page falls back to the sign-in page without handling it itself.
 */

export const API_BASE = "/api/v1";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
    this.name = "ApiError";
  }

  get code(): string {
    return this.body.code;
  }
}

let sessionEnded: (() => void) | undefined;

/** Called (once per answer) when the server says the caller is not signed in. */
export function onSessionEnded(handler: (() => void) | undefined): void {
  sessionEnded = handler;
}

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue>;

export function apiUrl(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const search = params.toString();
  return `${API_BASE}${path}${search ? `?${search}` : ""}`;
}

function errorOf(status: number, statusText: string, payload: unknown): ApiError {
  const body = (payload as { error?: ApiErrorBody } | null)?.error;
  if (body && typeof body.code === "string") return new ApiError(status, { ...body, message: body.message ?? statusText });
  return new ApiError(status, { code: `http_${status}`, field: null, message: statusText || `HTTP ${status}` });
}

function parse(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function settle<T>(status: number, statusText: string, text: string, path: string): T {
  const payload = parse(text);
  if (status >= 200 && status < 300) return payload as T;
  const error = errorOf(status, statusText, payload);
  if (status === 401 && !path.startsWith("/auth/signin")) sessionEnded?.();
  throw error;
}

export async function request<T>(method: "GET" | "POST" | "DELETE", path: string, options: { query?: Query; body?: unknown } = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method,
      credentials: "same-origin",
      headers: { accept: "application/json", ...(options.body === undefined ? {} : { "content-type": "application/json" }) },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
  } catch (error) {
    throw new ApiError(0, { code: "network", field: null, message: error instanceof Error ? error.message : String(error) });
  }
  return settle<T>(response.status, response.statusText, await response.text(), path);
}

export const get = <T>(path: string, query?: Query) => request<T>("GET", path, { query });
export const post = <T>(path: string, body?: unknown, query?: Query) => request<T>("POST", path, { query, body: body ?? {} });
export const del = <T>(path: string) => request<T>("DELETE", path);

export interface Upload<T> {
  done: Promise<T>;
  abort(): void;
}

/**
 * Sends a file as the raw body with XMLHttpRequest, the only browser API that reports upload progress
 * (`onProgress` gets 0–1).
 */
export function uploadFile<T>(path: string, query: Query, file: File, contentType: string, onProgress: (fraction: number) => void): Upload<T> {
  const xhr = new XMLHttpRequest();
  const done = new Promise<T>((resolve, reject) => {
    xhr.open("POST", apiUrl(path, query));
    xhr.setRequestHeader("content-type", contentType);
    xhr.setRequestHeader("accept", "application/json");
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      onProgress(1);
      try {
        resolve(settle<T>(xhr.status, xhr.statusText, xhr.responseText, path));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, { code: "network", field: null, message: "network error" }));
    xhr.onabort = () => reject(new ApiError(0, { code: "aborted", field: null, message: "upload cancelled" }));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}
