import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The project's root folder (the one holding package.json), found from this file whether it runs from src/ through tsx
 * or compiled into dist/src/: the shipped policies, catalogues and migrations live there.
 */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "policies"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find the project root (package.json with policies/) above this file");
    dir = parent;
  }
}

export const PROJECT_ROOT = findRoot();

export function fromRoot(...parts: string[]): string {
  return join(PROJECT_ROOT, ...parts);
}

/** How to run the `yibao` command in a child process: compiled when this process runs compiled code, else through tsx. */
export function cliCommand(): { command: string; args: string[] } {
  const compiled = fileURLToPath(import.meta.url).endsWith(".js");
  return compiled
    ? { command: process.execPath, args: [join(PROJECT_ROOT, "dist", "src", "cli", "main.js")] }
    : { command: process.execPath, args: ["--import", "tsx", join(PROJECT_ROOT, "src", "cli", "main.ts")] };
}
