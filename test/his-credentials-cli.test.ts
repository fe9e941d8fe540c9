import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCredential } from "../src/cli/hisSim.js";
import { DomainError } from "../src/domain/errors.js";
import { importFixmedins, numberedRows } from "../src/services/imports/rows.js";
import { migrateDatabase, openDatabase } from "../src/store/db.js";

/** `yibao his-credentials` and `yibao his-sim --credentials`, on an embedded database of their own. */

const run = promisify(execFile);
let dir: string;
const HOSPITAL = "H45100000001";

async function yibao(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, ["--import", "tsx", "src/cli/main.ts", "his-credentials", ...args], { env: { ...process.env, DATABASE_URL: "", YIBAO_DATA: join(dir, "data") } }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "yibao-his-cred-"));
  const database = await openDatabase({ dataDir: join(dir, "data") });
  try {
    await migrateDatabase(database);
    await importFixmedins(database, numberedRows([{ fixmedins_code: HOSPITAL, fixmedins_name: "百色市人民医院", medins_lv: "3", admdvs: "451000" }]));
  } finally {
    await database.close();
  }
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe("yibao his-credentials", () => {
  it("issues (the secret printed once, as the simulator's file), lists, rotates and revokes; refuses bad input with exit 2", async () => {
    const issued = await yibao(["issue", HOSPITAL, "--json", "--by", "tester"]);
    expect(issued.code).toBe(0);
    const file = JSON.parse(issued.stdout) as { credentials: { fixmedins_code: string; access_key: string; secret: string }[] };
    expect(file.credentials).toEqual([{ fixmedins_code: HOSPITAL, access_key: expect.stringMatching(/^AK[A-Z0-9]{20}$/), secret: expect.stringMatching(/^[\w-]{43}$/) }]);
    const key = file.credentials[0]?.access_key as string;

    const listed = await yibao(["list"]);
    expect(listed.stdout).toMatch(new RegExp(`^${HOSPITAL}\\t${key}\\tactive\\tfingerprint [0-9a-f]{16}\\tissued \\S+ by cli:tester\\n$`));
    expect(listed.stdout).not.toContain(file.credentials[0]?.secret);

    const unknown = await yibao(["issue", "H45199999999", "--by", "tester"]);
    expect([unknown.code, unknown.stderr]).toEqual([2, "yibao: fixmedins_code: H45199999999 is not a designated institution\n"]);

    const rotated = await yibao(["rotate", key, "--by", "tester"]);
    expect(rotated.stdout).toMatch(new RegExp(`^fixmedins_code ${HOSPITAL}\\naccess_key     ${key}\\nsecret         [\\w-]{43}\\nfingerprint    [0-9a-f]{16}\\n`));
    expect(rotated.stdout).not.toContain(file.credentials[0]?.secret);
    expect(rotated.stdout).toMatch(/The previous secret is accepted until \d{4}-\d\d-\d\dT/);

    expect((await yibao(["revoke", key, "--by", "tester"])).stdout).toMatch(new RegExp(`^${key} of ${HOSPITAL} revoked at `));
    const twice = await yibao(["revoke", key, "--by", "tester"]);
    expect([twice.code, twice.stderr]).toEqual([2, `yibao: access_key: ${key} is revoked already\n`]);
    expect((await yibao(["list", "--fixmedins", HOSPITAL])).stdout).toMatch(/\trevoked \S+ by cli:tester\n$/);
  }, 180_000); // seven processes, each compiling the CLI with tsx: slow on a busy machine

  it("his-sim reads the hospital's credential from the file, and says what is missing", () => {
    const path = join(dir, "creds.json");
    writeFileSync(path, JSON.stringify({ credentials: [{ fixmedins_code: HOSPITAL, access_key: "AKAAAAAAAAAAAAAAAAAAAA", secret: "s" }] }));
    expect(readCredential(path, HOSPITAL)).toEqual({ access_key: "AKAAAAAAAAAAAAAAAAAAAA", secret: "s" });
    expect(() => readCredential(path, "H45100000002")).toThrow(new DomainError("--credentials", `${path} holds no credential (access_key, secret) of H45100000002`));
    expect(() => readCredential(undefined, HOSPITAL, () => false)).toThrow(/^--credentials: is required: the hospital's credential file \(yibao his-credentials issue H45100000001 --json > FILE\)/);
    writeFileSync(path, "{not json");
    expect(() => readCredential(path, HOSPITAL)).toThrow(/^--credentials: cannot read /);
  });
});
