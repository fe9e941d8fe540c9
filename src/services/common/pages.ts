import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "../../store/db.js";
import { rowsOf } from "./sql.js";

export interface PageRequest {
  page: number;
  page_size: number;
}

export interface PageOf<T> {
  items: T[];
  /** Rows matching, counted up to COUNT_CAP. */
  total: number;
  /** More than COUNT_CAP rows match: `total` is the cap. */
  total_capped: boolean;
}

/**
 * Lists count their matches up to this many: a count is a read of every matching row, and "all settlements of the
 * region" is ten million of them (seconds, on every page). Past the cap the console says "10,000+" and a filter narrows.
 */
export const COUNT_CAP = 10_000;

/** Counts the rows of `matching` (a subquery selecting anything), reading at most COUNT_CAP + 1 of them. */
export async function countUpTo(q: Queryable, matching: SQL, cap = COUNT_CAP): Promise<{ total: number; total_capped: boolean }> {
  const [row] = await rowsOf<{ n: number | string }>(q, sql`select count(*) as n from (${matching} limit ${cap + 1}) as matching`);
  const n = Number(row?.n ?? 0);
  return n > cap ? { total: cap, total_capped: true } : { total: n, total_capped: false };
}
