import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { regionPrefix } from "../../domain/reference/index.js";

/**
 * A region filter: the code column lies inside the region (451000 takes 4510xx, a county only itself; see
 * domain/reference/regions.ts). Every filter by region of the registers means this, so a prefecture's clerk and a county's see
 * what their codes cover.
 */
export function inRegion(column: SQLWrapper, admdvs: string): SQL {
  const prefix = regionPrefix(admdvs);
  return prefix === "" ? sql`true` : sql`${column} like ${`${prefix}%`}`;
}
