import { DomainError } from "../errors.js";
import type { Policy } from "./schema.js";

export interface PolicyChoice {
  policy: Policy;
  warning: string | null;
}

/**
 * The insured region's policy for the year of the date of care; where the region has none for that year, its latest
 * earlier one, with a warning. No policy of the region at or before that year is an error.
 */
export function selectPolicy(policies: readonly Policy[], admdvs: string, date: string, field = "insuplc_admdvs"): PolicyChoice {
  const year = Number(date.slice(0, 4));
  let best: Policy | undefined;
  for (const p of policies) {
    if (p.admdvs !== admdvs || p.year > year) continue;
    if (!best || p.year > best.year) best = p;
  }
  if (!best) throw new DomainError(field, `no policy of region ${admdvs} for ${year} or earlier`);
  return {
    policy: best,
    warning: best.year === year ? null : `参保地${admdvs}无${year}年度政策，按${best.year}年度政策结算`,
  };
}
