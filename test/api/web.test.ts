import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodingFor, webApp } from "../../src/api/web.js";

/** The built console as the server gives it: compressed when the browser accepts it, cached by its hash, nothing outside the folder. */

let app: FastifyInstance;
let dir: string;
const SCRIPT = `console.log(${JSON.stringify("医保".repeat(5000))});\n`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "yibao-web-"));
  mkdirSync(join(dir, "assets"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>医保</title><script type=module src=/assets/app-1234.js></script>");
  writeFileSync(join(dir, "assets", "app-1234.js"), SCRIPT);
  writeFileSync(join(dir, "assets", "logo-1234.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  app = Fastify();
  await app.register(webApp, { dir });
});
afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the console's files", () => {
  it("are sent with brotli when accepted, the same bytes once decoded, and cached for a year", async () => {
    const res = await app.inject({ method: "GET", url: "/assets/app-1234.js", headers: { "accept-encoding": "gzip, deflate, br" } });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-encoding"]).toBe("br");
    expect(res.headers.vary).toBe("accept-encoding");
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(brotliDecompressSync(res.rawPayload).toString("utf8")).toBe(SCRIPT);
    expect(res.rawPayload.length).toBeLessThan(Buffer.byteLength(SCRIPT) / 10);
    // The second answer comes from the kept compression, identical.
    const again = await app.inject({ method: "GET", url: "/assets/app-1234.js", headers: { "accept-encoding": "br" } });
    expect(again.rawPayload.equals(res.rawPayload)).toBe(true);
  });

  it("are sent with gzip to a client without brotli, and as they are to one that accepts neither", async () => {
    const gz = await app.inject({ method: "GET", url: "/assets/app-1234.js", headers: { "accept-encoding": "gzip" } });
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.rawPayload).toString("utf8")).toBe(SCRIPT);
    const plain = await app.inject({ method: "GET", url: "/assets/app-1234.js" });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body).toBe(SCRIPT);
  });

  it("sends the page of the app's routes compressed and never cached, and an image as it is", async () => {
    const page = await app.inject({ method: "GET", url: "/console/persons", headers: { "accept-encoding": "gzip" } });
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.headers["cache-control"]).toBe("no-cache");
    expect(gunzipSync(page.rawPayload).toString("utf8")).toContain("<title>医保</title>");
    const image = await app.inject({ method: "GET", url: "/assets/logo-1234.png", headers: { "accept-encoding": "br" } });
    expect(image.headers["content-encoding"]).toBeUndefined();
    expect([...image.rawPayload]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it("reads the browser's preferences, a q of 0 refusing", () => {
    expect(encodingFor("gzip, deflate, br, zstd")).toBe("br");
    expect(encodingFor("gzip;q=1.0, br;q=0")).toBe("gzip");
    expect(encodingFor("identity")).toBeNull();
    expect(encodingFor(undefined)).toBeNull();
    expect(encodingFor("BR")).toBe("br");
  });
});
