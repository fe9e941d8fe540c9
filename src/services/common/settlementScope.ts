import { sql, type SQL } from "drizzle-orm";
import { inRegion } from "./region.js";

/** Who may see what, as a filter: the caller's region (insured or treating), one hospital, one person. */
export interface SettlementScope {
  region?: string | undefined;
  fixmedins_code?: string | undefined;
  psn_no?: string | undefined;
}

export interface SettlementFilter extends SettlementScope {
  year?: number | undefined;
  status?: "settled" | "reversed" | undefined;
}

export function scopeConditions(s: SettlementScope, alias = "s"): SQL[] {
  const c: SQL[] = [];
  const col = (name: string) => sql.raw(`${alias}.${name}`);
  if (s.region !== undefined) c.push(sql`(${inRegion(col("insuplc_admdvs"), s.region)} or ${inRegion(col("mdtrtarea_admvs"), s.region)})`);
  if (s.fixmedins_code !== undefined) c.push(sql`${col("fixmedins_code")} = ${s.fixmedins_code}`);
  if (s.psn_no !== undefined) c.push(sql`${col("psn_no")} = ${s.psn_no}`);
  return c;
}

export const where = (conditions: SQL[]): SQL => (conditions.length === 0 ? sql`true` : sql.join(conditions, sql` and `));
