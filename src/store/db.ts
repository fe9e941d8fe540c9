import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import type { ExtractTablesWithRelations } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import { fromRoot } from "../lib/paths.js";
import * as schema from "./schema.js";
import { countingStatements, statementCounter } from "./statements.js";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Either the database or a transaction: repositories take this so use cases compose inside one transaction. */
export type Queryable = Db | Tx;

export const MIGRATIONS_DIR = fromRoot("drizzle");

export interface Database {
  db: Db;
  kind: "pglite" | "postgres";
  /** Where it lives: the data folder, or the server's URL without its password. */
  location: string;
  pglite?: PGlite;
  /**
   * PostgreSQL only: listens on a channel (LISTEN) on a connection of its own; `onMessage` gets each payload, also of
   * this process's own NOTIFY. For what several server processes must tell each other (a cache entry gone stale).
   */
  listen?(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** A PostgreSQL server's URL; absent: embedded PGlite. */
  url?: string | undefined;
  /** PGlite's data folder; absent or "memory://": in memory. */
  dataDir?: string | undefined;
  /** A prepared PGlite data folder as a tar blob (tests clone one instead of initialising a new cluster). */
  loadDataDir?: Blob | undefined;
  poolSize?: number;
}

/** Opens the database named by the environment: DATABASE_URL, else PGlite in YIBAO_DATA (default ./data). */
export function openFromEnvironment(): Promise<Database> {
  return openDatabase({ url: process.env.DATABASE_URL, dataDir: process.env.YIBAO_DATA ?? "./data" });
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.url) {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    // An idle connection the server drops (a restart, a terminated backend) must not end the process: the pool replaces it.
    pool.on("error", (error) => process.emitWarning(`PostgreSQL connection lost: ${error.message}`));
    // bigint (int8) and numeric arrive as text by default: fen fits a JS safe integer, so read int8 as a number.
    const db = drizzlePg(pool, { schema, ...(countingStatements() ? { logger: statementCounter } : {}) }) as unknown as Db;
    await pool.query("select 1");
    const url = options.url;
    const listeners: pg.Client[] = [];
    return {
      db,
      kind: "postgres",
      location: url.replace(/\/\/[^@/]*@/, "//"),
      async listen(channel, onMessage) {
        const client = new pg.Client({ connectionString: url });
        client.on("error", (error) => process.emitWarning(`PostgreSQL LISTEN connection lost: ${error.message}`));
        client.on("notification", (n) => {
          if (n.channel === channel && n.payload !== undefined) onMessage(n.payload);
        });
        await client.connect();
        await client.query(`LISTEN ${JSON.stringify(channel)}`);
        listeners.push(client);
        return () => client.end();
      },
      close: async () => {
        await Promise.all(listeners.map((c) => c.end().catch(() => undefined)));
        await pool.end();
      },
    };
  }
  const dataDir = options.dataDir && options.dataDir !== "memory://" ? options.dataDir : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir, options.loadDataDir ? { loadDataDir: options.loadDataDir } : {});
  const db = drizzlePglite(client, { schema, ...(countingStatements() ? { logger: statementCounter } : {}) }) as unknown as Db;
  return { db, kind: "pglite", location: dataDir ?? "memory://", pglite: client, close: () => client.close() };
}

export async function migrateDatabase(database: Database): Promise<void> {
  if (database.kind === "pglite") {
    await migratePglite(database.db as unknown as Parameters<typeof migratePglite>[0], { migrationsFolder: MIGRATIONS_DIR });
  } else {
    await migratePg(database.db as unknown as Parameters<typeof migratePg>[0], { migrationsFolder: MIGRATIONS_DIR });
  }
}
