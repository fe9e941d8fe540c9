import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "../../store/db.js";

/** The rows of a raw query, on PGlite and on node-postgres alike. */
export async function rowsOf<T>(q: Queryable, query: SQL): Promise<T[]> {
  return ((await q.execute(query)) as unknown as { rows: T[] }).rows;
}

/**
 * A JavaScript array as one array parameter (drizzle would otherwise spread it into a list).
 *
 * A batch looks rows up by key as `unnest(keys) cross join lateral (… where key = u.key offset 0)`: one index probe per
 * key whatever the planner's statistics say. With `key = any(keys)` or a plain join, a table that has never been analyzed
 * (PGlite has no autovacuum; a server's may be off or behind a bulk load) can get a full scan per batch: quadratic.
 */
export const array = (values: readonly unknown[], type: string): SQL => sql`${sql.param(values)}::${sql.raw(type)}[]`;
