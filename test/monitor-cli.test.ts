import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../src/services/common/sql.js";
import { migrateDatabase, openDatabase, type Database } from "../src/store/db.js";
import { openTestDatabase, TEST_DB_KIND } from "./support/db.js";
import { makeId, seedBasics } from "./support/his.js";
import { storeSettlement } from "./support/monitoring.js";

/**
 * `yibao monitor scan` as an operator runs it: bad options exit 2 naming the option before any database is opened; a
 * scan prints what it found, and a second one finds nothing new. The database is PGlite in a folder (or, with
 * YIBAO_TEST_DB=postgres, a database on the server), prepared here and closed before the command runs.
 */

const run = promisify(execFile);
let dir: string;
let env: Record<string, string>;
let server: Database | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "yibao-monitor-"));
  const database = TEST_DB_KIND === "pglite" ? await openDatabase({ dataDir: join(dir, "data") }) : await openTestDatabase();
  if (TEST_DB_KIND === "pglite") await migrateDatabase(database);
  await seedBasics(database, [
    { psn_no: "M1", certno: makeId("451002", "1966-06-06", 11), insutype: "390" },
    { psn_no: "M2", certno: makeId("451002", "1967-07-07", 13), insutype: "390" },
  ]);
  await storeSettlement(database, { psn_no: "M1", time: "2022-06-01 10:00:00", self_paid_fen: 1_600_001 });
  await storeSettlement(database, { psn_no: "M2", time: "2022-06-01 10:00:00", self_paid_fen: 500_000 });
  if (TEST_DB_KIND === "pglite") {
    await database.close();
    env = { YIBAO_DATA: join(dir, "data"), DATABASE_URL: "" };
  } else {
    server = database;
    const url = new URL(process.env.TEST_DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
    url.pathname = new URL(database.location).pathname;
    env = { DATABASE_URL: url.toString() };
  }
});

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function yibao(args: string[], extra: Record<string, string> = env) {
  return run(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { env: { ...process.env, ...extra } }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

describe("yibao monitor scan", () => {
  it("exits 2 on a bad option, naming it, before opening a database", async () => {
    const nowhere = { YIBAO_DATA: join(dir, "never-created"), DATABASE_URL: "" };
    const cases: [string[], RegExp][] = [
      [["--year", "1999"], /^yibao: --year: must be a calendar year from 2000 to 2099, got 1999\n$/],
      [["--year", "twenty"], /^yibao: --year: must be a calendar year such as 2022, got "twenty"\n$/],
      [["--year", "2022", "--admdvs", "4510"], /^yibao: --admdvs: must be a 6-digit region code, got "4510"\n$/],
      [["--year", "2022", "--date", "2023-01-01"], /^yibao: --date: 2023-01-01 is not in 2022\n$/],
      [["--year", "2022", "--date", "2022-02-30"], /^yibao: --date: must be a date YYYY-MM-DD, got "2022-02-30"\n$/],
    ];
    for (const [args, message] of cases) {
      const r = await yibao(["monitor", "scan", ...args], nowhere);
      expect([r.code, r.stderr], args.join(" ")).toEqual([2, expect.stringMatching(message)]);
    }
    expect((await yibao(["monitor", "scan"], nowhere)).stderr).toMatch(/required option '--year <year>' not specified/);
    expect(existsSync(nowhere.YIBAO_DATA)).toBe(false);
  }, 240_000); // six processes, each compiling the command line with tsx: slow on a busy machine

  it("prints what the scan found; a second scan finds nothing new", async () => {
    const first = await yibao(["monitor", "scan", "--year", "2022"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe(
      "monitor scan 2022 on 2022-12-31: 2 persons with settlements in the year, 1 checked one by one\n" +
      "  raised 1 · rechecked 0 · below every threshold 0 · above again 0 · unchanged 0 · held by a closed warning 0\n" +
      "warnings now: 新预警 1 · 已联系 0 · 已帮扶 0 · 经核实不符合救助条件 0 · 已办结 0; below every threshold 0\n",
    );
    const second = await yibao(["monitor", "scan", "--year", "2022", "--admdvs", "451000"]);
    expect(second.stdout).toMatch(/^monitor scan 2022 451000 on 2022-12-31: 2 persons with settlements in the year, 1 checked one by one\n {2}raised 0 · rechecked 0 · below every threshold 0 · above again 0 · unchanged 1 ·/);
    const database = TEST_DB_KIND === "pglite" ? await openDatabase({ dataDir: env.YIBAO_DATA }) : (server as Database);
    try {
      const rows = await rowsOf<{ psn_no: string; actor: string; action: string }>(database.db, sql`
        select w.psn_no, e.actor, e.action from warnings w join warning_events e on e.warning_id = w.id order by e.id`);
      expect(rows).toEqual([{ psn_no: "M1", actor: "yibao monitor scan", action: "raised" }]);
    } finally {
      if (TEST_DB_KIND === "pglite") await database.close();
    }
  }, 120_000);
});
