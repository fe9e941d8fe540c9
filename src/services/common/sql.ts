import { getTableColumns, getTableName, sql, type SQL } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
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

/**
 * A row of `table` as one JSON value, for reads that gather several tables in one statement (one round trip): dates and
 * timestamps as the driver's own text (so that `rowFromJson` gives what a select of the table gives), other columns as
 * they are. `rowFromJson` reads it back through each column's own mapping.
 */
export function jsonRow(table: PgTable): SQL {
  let text = jsonRowTexts.get(table);
  if (text === undefined) {
    // Built once per table as one piece of text: a statement that reads several rows this way stays cheap to build.
    const name = getTableName(table).replaceAll('"', '""');
    const pairs = Object.entries(getTableColumns(table)).map(([key, column]) => {
      const type = column.getSQLType();
      const ref = `"${name}"."${column.name.replaceAll('"', '""')}"`;
      return `'${key.replaceAll("'", "''")}', ${type === "date" || type.startsWith("timestamp") ? `${ref}::text` : ref}`;
    });
    text = `json_build_object(${pairs.join(", ")})`;
    jsonRowTexts.set(table, text);
  }
  return sql.raw(text);
}

const jsonRowTexts = new WeakMap<PgTable, string>();

export function rowFromJson<T extends PgTable>(table: T, json: Record<string, unknown>): T["$inferSelect"] {
  const out: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = json[key];
    out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return out as T["$inferSelect"];
}
