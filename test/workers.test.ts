import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workerCount } from "../src/cli/serve.js";
import { Services } from "../src/services/common/index.js";
import type { Database } from "../src/store/db.js";
import { openSecondConnection, openTestDatabase, TEST_DB_KIND } from "./support/db.js";

describe("serve --workers", () => {
  it("takes the number from the option, else YIBAO_WORKERS, else 1; several only with a PostgreSQL server", () => {
    expect(workerCount(undefined, {})).toBe(1);
    expect(workerCount(undefined, { YIBAO_WORKERS: "3", DATABASE_URL: "postgres://x/y" })).toBe(3);
    expect(workerCount("2", { YIBAO_WORKERS: "3", DATABASE_URL: "postgres://x/y" })).toBe(2);
    expect(() => workerCount("2", {})).toThrow("several server processes need a PostgreSQL server (DATABASE_URL); the embedded database lives in one process");
    expect(() => workerCount("0", {})).toThrow('--workers / YIBAO_WORKERS: "0" is not a number of processes from 1 to 64');
    expect(() => workerCount(undefined, { YIBAO_WORKERS: "two" })).toThrow('"two" is not a number of processes');
  });
});

// Two server processes on one database are two Services on two pools here: what one forgets, the other drops at commit.
describe.runIf(TEST_DB_KIND === "postgres")("a cached row forgotten in every process (LISTEN/NOTIFY)", () => {
  let first: Database;
  let second: Database;
  let a: Services;
  let b: Services;

  beforeAll(async () => {
    first = await openTestDatabase();
    second = await openSecondConnection(first);
    a = new Services(first);
    b = new Services(second);
    await a.shareForgetting();
    await b.shareForgetting();
  });

  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 100; i++) {
      if (await check()) return true;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return false;
  };

  it("drops the other process's copy when the forgetting transaction commits, not before", async () => {
    let version = 1;
    const read = () => b.cached("sign_no:SN1", 60_000, async () => version);
    expect(await read()).toBe(1);
    version = 2;
    // Still cached: nothing was forgotten yet.
    expect(await read()).toBe(1);
    await first.db.transaction(async (tx) => {
      await a.forget("sign_no:SN1", tx);
      // The notice waits for the commit: a process that re-read now would re-cache the row as it was before.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await read()).toBe(1);
    });
    expect(await until(async () => (await read()) === 2)).toBe(true);
  });

  it("a rolled-back change is not forgotten elsewhere", async () => {
    let version = 10;
    const read = () => b.cached("his_credential:K1", 60_000, async () => version);
    expect(await read()).toBe(10);
    version = 11;
    await first.db.transaction(async (tx) => {
      await a.forget("his_credential:K1", tx);
      tx.rollback();
    }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await read()).toBe(10);
  });
});
