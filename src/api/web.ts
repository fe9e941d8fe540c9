import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import type { FastifyInstance } from "fastify";
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

export async function webApp(app: FastifyInstance, options: { dir?: string } = {}): Promise<void> {
  const dir = options.dir ?? WEB_DIR;
  const index = join(dir, "index.html");
  const built = existsSync(index);
  const notBuilt =
    "<!doctype html><meta charset=utf-8><title>Yibao</title><p>网页控制台尚未构建 / the web console is not built: run <code>npm run build</code> " +
    "(or <code>npm start</code>, which builds it).</p><p>API: <a href=/api/docs>/api/docs</a></p>";

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
        const hashed = path.startsWith("/assets/");
        return reply
          .type(TYPES[extname(file)] ?? "application/octet-stream")
          .header("cache-control", hashed ? "public, max-age=31536000, immutable" : "no-cache")
          .send(await readFile(file));
      }
      if (path.startsWith("/assets/")) return reply.code(404).type("text/plain; charset=utf-8").send("not found");
    }
    return reply.type("text/html; charset=utf-8").header("cache-control", "no-cache").send(await readFile(index));
  });
}
