import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/store/db.js";
import { resetStatementTallies, statementTallies, withStatementLabel } from "../src/store/statements.js";
import { openTestDatabase } from "./support/db.js";

/** The HIS benchmark's count of statements per message (src/store/statements.ts), on whichever database the suite runs. */

let database: Database;
const before = process.env.YIBAO_COUNT_STATEMENTS;

beforeAll(async () => {
  process.env.YIBAO_COUNT_STATEMENTS = "1";
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
  if (before === undefined) delete process.env.YIBAO_COUNT_STATEMENTS;
  else process.env.YIBAO_COUNT_STATEMENTS = before;
});

describe("counting statements", () => {
  it("counts each statement under the label of the work that sent it, and the units of work", async () => {
    resetStatementTallies();
    for (let i = 0; i < 3; i++) {
      await withStatementLabel("2207", async () => {
        await database.db.execute(sql`select 1`);
        await database.db.execute(sql`select 2`);
      });
    }
    await withStatementLabel("1101", async () => {
      await database.db.execute(sql`select 3`);
    });
    await database.db.execute(sql`select 4`);
    const tallies = statementTallies();
    expect(tallies["2207"]).toEqual({ units: 3, statements: 6, per_unit: 2 });
    expect(tallies["1101"]).toEqual({ units: 1, statements: 1, per_unit: 1 });
    expect(tallies["(other)"]?.statements).toBe(1);
  });

  it("counts a transaction's statements (BEGIN and COMMIT too where the driver sends them) under its label", async () => {
    resetStatementTallies();
    await withStatementLabel("2304", () => database.db.transaction(async (tx) => {
      await tx.execute(sql`select 1`);
    }));
    const counted = statementTallies()["2304"]?.statements;
    expect(counted).toBe(database.kind === "postgres" ? 3 : 1);
  });
});
