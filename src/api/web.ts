import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { fromRoot } from "../lib/paths.js";

/**
 * The console and the portal (src/web, built by Vite into dist/web) served at the same port as the API: a file as it
 * is (hashed assets cached for a year), and index.html for any other GET outside /api, /fsi and /health, so that the
 * single-page app's routes (/console/…, /portal/…) survive a reload. Nothing else is read from disk.
 */

export const WEB_DIR = fromRoot("dist", "web");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".map": "application/json; charset=utf-8",
};

/** Text worth compressing (the console's JavaScript is about 2 MB as built, a third of that compressed). */
const COMPRESSIBLE = new Set([".html", ".js", ".mjs", ".css", ".json", ".svg", ".txt", ".map"]);
const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/** The encoding to answer with: brotli, else gzip, else none (a q=0 refuses one). */
export function encodingFor(acceptEncoding: string | undefined): "br" | "gzip" | null {
  const accepted = new Map<string, number>();
  for (const part of (acceptEncoding ?? "").split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    accepted.set(name, q === undefined ? 1 : Number(q.slice(2)) || 0);
  }
  if ((accepted.get("br") ?? 0) > 0) return "br";
  if ((accepted.get("gzip") ?? 0) > 0) return "gzip";
  return null;
}

export async function webApp(app: FastifyInstance, options: { dir?: string } = {}): Promise<void> {
  const dir = options.dir ?? WEB_DIR;
  const index = join(dir, "index.html");
  const built = existsSync(index);
  const notBuilt =
    "<!doctype html><meta charset=utf-8><title>Yibao</title><p>网页控制台尚未构建 / the web console is not built: run <code>npm run build</code> " +
    "(or <code>npm start</code>, which builds it).</p><p>API: <a href=/api/docs>/api/docs</a></p>";

  // Hashed assets never change, so each is compressed once per encoding and kept (a few MB in all).
  const compressed = new Map<string, Promise<Buffer>>();
  const sendFile = async (request: FastifyRequest, reply: FastifyReply, file: string, hashed: boolean) => {
    reply.type(TYPES[extname(file)] ?? "application/octet-stream").header("cache-control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
    const header = request.headers["accept-encoding"];
    const encoding = COMPRESSIBLE.has(extname(file)) ? encodingFor(Array.isArray(header) ? header.join(",") : header) : null;
    if (encoding === null) return reply.send(await readFile(file));
    const key = `${encoding}:${file}`;
    let body = hashed ? compressed.get(key) : undefined;
    if (!body) {
      body = readFile(file).then((raw) =>
        encoding === "br" ? brotli(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } }) : gzipped(raw, { level: 9 }));
      if (hashed) compressed.set(key, body);
    }
    return reply.header("content-encoding", encoding).header("vary", "accept-encoding").send(await body);
  };

  app.get("/*", async (request, reply) => {
    const path = decodeURIComponent(request.url.split("?")[0] ?? "/");
    if (path.startsWith("/api/") || path === "/api" || path.startsWith("/fsi/")) {
      return reply.code(404).send({ error: { code: "not_found", field: null, message: `no route GET ${path}` } });
    }
    if (!built) return reply.code(503).type("text/html; charset=utf-8").send(notBuilt);
    const file = normalize(join(dir, path));
    if (file.startsWith(dir + sep) && extname(file) !== "") {
      const info = await stat(file).catch(() => undefined);
      if (info?.isFile()) {
        return sendFile(request, reply, file, path.startsWith("/assets/"));
      }
      if (path.startsWith("/assets/")) return reply.code(404).type("text/plain; charset=utf-8").send("not found");
    }
    return sendFile(request, reply, index, false);
  });
}
