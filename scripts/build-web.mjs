// Builds the browser app (src/web) into dist/web with Vite, only when a source is newer than the last build's stamp:
// `npm start` and the browser tests run it every time, and a build takes seconds that an unchanged tree need not pay.
import { existsSync } from "node:fs";
import { mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

const repo = dirname(dirname(fileURLToPath(import.meta.url)));
const outDir = join(repo, "dist/web");
const stamp = join(outDir, ".build-stamp");
const sources = [join(repo, "src/web"), join(repo, "vite.config.ts"), join(repo, "package-lock.json")];

/** The newest modification time under the given files and folders, with the file that has it. */
async function newest(paths) {
  let found = { mtime: 0, path: "" };
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) continue;
    if (info.isDirectory()) {
      const entries = await readdir(path);
      const inner = await newest(entries.map((name) => join(path, name)));
      if (inner.mtime > found.mtime) found = inner;
    } else if (info.mtimeMs > found.mtime) {
      found = { mtime: info.mtimeMs, path };
    }
  }
  return found;
}

async function reasonToBuild() {
  if (process.argv.includes("--force")) return "forced";
  if (!existsSync(stamp)) return "no previous build";
  const built = (await stat(stamp)).mtimeMs;
  const latest = await newest(sources);
  return latest.mtime > built ? `${relative(repo, latest.path)} changed` : null;
}

/**
 * One build at a time: test files running in parallel each call this script, and a second Vite emptying dist/web under
 * the first would leave it half-written. The lock is a directory (mkdir is atomic); one older than LOCK_STALE_MS was
 * left by a build that died, and is taken over.
 */
const lock = join(repo, "dist", ".web-build.lock");
const LOCK_STALE_MS = 5 * 60_000;

async function withLock(run) {
  await mkdir(dirname(lock), { recursive: true });
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      const held = await stat(lock).catch(() => undefined);
      if (held && Date.now() - held.mtimeMs > LOCK_STALE_MS) await rm(lock, { recursive: true, force: true });
      else await sleep(200);
    }
  }
  try {
    return await run();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

const line = await withLock(async () => {
  const reason = await reasonToBuild();
  if (reason === null) return "web: dist/web is up to date";
  const started = performance.now();
  const { build } = await import("vite");
  await build({ configFile: join(repo, "vite.config.ts"), logLevel: "warn" });
  await writeFile(stamp, `${new Date().toISOString()}\n`);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  return `web: built dist/web in ${seconds} s (${reason})`;
});
process.stdout.write(`${line}\n`);
