import { sql, type SQL } from "drizzle-orm";
import type { Fen } from "../../domain/money.js";
import type { Queryable } from "../../store/db.js";
import { rowsOf } from "../common/sql.js";
import { inRegion } from "../common/region.js";
import { where } from "../common/settlementScope.js";

export interface HospitalOverview {
  fixmedins_code: string;
  fixmedins_name: string;
  medins_lv: string;
  admdvs: string;
  settlements: number;
  medfee_sumamt: Fen;
  fund_pay_sumamt: Fen;
}

/** The hospitals of a region (or one), with their settlements in force of a year. */
export async function hospitalsOverview(q: Queryable, year: number, scope: { region?: string | undefined; fixmedins_code?: string | undefined }): Promise<HospitalOverview[]> {
  const c: SQL[] = [];
  if (scope.region !== undefined) c.push(inRegion(sql`f.admdvs`, scope.region));
  if (scope.fixmedins_code !== undefined) c.push(sql`f.fixmedins_code = ${scope.fixmedins_code}`);
  const rows = await rowsOf<Record<string, unknown>>(q, sql`
    select f.fixmedins_code, f.fixmedins_name, f.medins_lv, f.admdvs, count(s.setl_id) as settlements,
      coalesce(sum(s.medfee_sumamt), 0) as medfee_sumamt, coalesce(sum(s.fund_pay_sumamt), 0) as fund_pay_sumamt
    from fixmedins f left join settlements s on s.fixmedins_code = f.fixmedins_code and s.year = ${year} and s.status = 'settled'
    where ${where(c)} group by f.fixmedins_code order by f.fixmedins_code`);
  return rows.map((r) => ({
    fixmedins_code: String(r.fixmedins_code), fixmedins_name: String(r.fixmedins_name), medins_lv: String(r.medins_lv), admdvs: String(r.admdvs),
    settlements: Number(r.settlements), medfee_sumamt: Number(r.medfee_sumamt) as Fen, fund_pay_sumamt: Number(r.fund_pay_sumamt) as Fen,
  }));
}
