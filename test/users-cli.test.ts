import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** `yibao users`: the accounts, from the command line, on an embedded database of its own (one folder for the file). */

const run = promisify(execFile);
let dir: string;
let env: Record<string, string>;

async function yibao(args: string[], extra: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, ["--import", "tsx", "src/cli/main.ts", "users", ...args], { env: { ...process.env, DATABASE_URL: "", ...env, ...extra } }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "yibao-users-"));
  env = { YIBAO_DATA: join(dir, "data") };
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe("yibao users", () => {
  it("adds an account with the password from the environment, lists, unlocks and disables it; refuses bad input with exit 2", async () => {
    const added = await yibao(["add", "wang", "--name", "王经办", "--role", "clerk", "--region", "451000"], { YIBAO_PASSWORD: "a-good-password" });
    expect(added).toMatchObject({ code: 0, stdout: "added wang (经办人员, 451000 百色市)\n" });
    const badRole = await yibao(["add", "li", "--name", "李", "--role", "boss", "--region", "451000"], { YIBAO_PASSWORD: "a-good-password" });
    expect([badRole.code, badRole.stderr]).toEqual([2, expect.stringContaining("--role: must be one of admin, clerk, auditor, hospital, insured")]);
    const shortPassword = await yibao(["add", "lisi", "--name", "李", "--role", "clerk", "--region", "451000"], { YIBAO_PASSWORD: "short" });
    expect([shortPassword.code, shortPassword.stderr]).toEqual([2, "yibao: password: 密码至少 8 位 / must have at least 8 characters\n"]);
    const demoPassword = await yibao(["add", "lisi", "--name", "李", "--role", "clerk", "--region", "451000"], { YIBAO_PASSWORD: "Yibao@2022" });
    expect([demoPassword.code, demoPassword.stderr]).toEqual([2, "yibao: password: 不能使用演示系统的公开密码 / must not be the demo's published password\n"]);
    const twice = await yibao(["add", "wang", "--name", "王", "--role", "clerk", "--region", "451000"], { YIBAO_PASSWORD: "a-good-password" });
    expect([twice.code, twice.stderr]).toEqual([2, expect.stringContaining("wang exists already")]);
    const listed = await yibao(["list", "--region", "451000"]);
    expect(listed.stdout.trim().split("\n")).toEqual([expect.stringMatching(/^wang\tclerk\t451000 百色市\t\t王经办\tactive\tlast sign-in never$/)]);
    expect((await yibao(["unlock", "wang"])).stdout).toBe("wang unlocked\n");
    expect((await yibao(["password", "wang"], { YIBAO_PASSWORD: "a-reset-password" })).stdout)
      .toBe("password of wang changed; its sessions ended; it must be changed at the next sign-in\n");
    const ownName = await yibao(["password", "wang"], { YIBAO_PASSWORD: "Wang-2024-pw" });
    expect([ownName.code, ownName.stderr]).toEqual([2, "yibao: password: 不能包含用户名 / must not contain the username\n"]);
    expect((await yibao(["disable", "wang"])).stdout).toBe("wang disabled\n");
    expect((await yibao(["list"])).stdout).toContain("\tdisabled\t");
    const unknown = await yibao(["unlock", "nobody"]);
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining("no user nobody")]);
    // Twelve processes, each opening the embedded database: slow on a loaded machine, not a hang.
  }, 240_000);
});
