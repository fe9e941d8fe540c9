import { randomBytes } from "node:crypto";
import pg from "pg";
import { migrateDatabase, openDatabase, type Database } from "../../src/store/db.js";

/**
 * A fresh, migrated database for one test file: PGlite in memory by default, or (YIBAO_TEST_DB=postgres) a new database
 * on the server (TEST_DATABASE_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres) that close() drops.
 * One per file, never one per test: opening PGlite costs seconds.
 */
export const TEST_DB_KIND = process.env.YIBAO_TEST_DB === "postgres" ? "postgres" : "pglite";
const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** Another connection (a pool of its own) to a test database on the server: a second server on the same data. */
export async function openSecondConnection(database: Database): Promise<Database> {
  if (database.kind !== "postgres") throw new Error("a second connection needs the PostgreSQL server");
  const url = new URL(ADMIN_URL);
  url.pathname = new URL(database.location).pathname;
  return openDatabase({ url: url.toString(), poolSize: 8 });
}

export async function openTestDatabase(): Promise<Database> {
  if (TEST_DB_KIND === "pglite") {
    const database = await openDatabase({ dataDir: "memory://" });
    await migrateDatabase(database);
    return database;
  }
  const name = `yibao_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), poolSize: 8 });
  await migrateDatabase(database);
  const close = database.close;
  return {
    ...database,
    close: async () => {
      await close();
      const dropper = new pg.Client({ connectionString: ADMIN_URL });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}
