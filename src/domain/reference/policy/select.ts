import { NATIONAL_MED_TYPE_CODES, NATIONAL_MED_TYPES, type MedType, type NationalMedType } from "../../codes.js";
import { DomainError } from "../../errors.js";
import { regionCovers, regionPrefix } from "../regions.js";
import type { Policy } from "./schema.js";

export interface PolicyChoice {
  policy: Policy;
  warning: string | null;
}

/**
 * The insured region's policy for the year of the date of care; where the region has none for that year, its latest
 * earlier one, with a warning. No policy of the region at or before that year is an error. The insured region's policy
 * is its pooling region's (统筹区): a county pooled by its city (620122 by 620100) settles under the city's policy; the
 * narrowest region covering the insured one is taken.
 */
export function selectPolicy(policies: readonly Policy[], admdvs: string, date: string, field = "insuplc_admdvs"): PolicyChoice {
  const year = Number(date.slice(0, 4));
  const depth = (p: Policy) => regionPrefix(p.admdvs).length;
  let best: Policy | undefined;
  for (const p of policies) {
    if (!regionCovers(p.admdvs, admdvs) || p.year > year) continue;
    if (!best || depth(p) > depth(best) || (depth(p) === depth(best) && p.year > best.year)) best = p;
  }
  if (!best) throw new DomainError(field, `no policy of region ${admdvs} for ${year} or earlier`);
  return {
    policy: best,
    warning: best.year === year ? null : `参保地${admdvs}无${year}年度政策，按${best.year}年度政策结算`,
  };
}

/**
 * The settlement rule a region's policy gives a national medical type (policy.med_types): 12 门诊挂号 settles as general
 * outpatient, 22 外伤住院 as inpatient, and so on. A code the policy does not list is one it does not pay: refused in words.
 */
export function medTypeRule(policy: Policy, medType: string, field = "med_type"): MedType {
  const known = (NATIONAL_MED_TYPES as Record<string, { name: string; care: string }>)[medType];
  if (!known) throw new DomainError(field, `${medType} is not a national medical type (医疗类别) Yibao knows: ${NATIONAL_MED_TYPE_CODES.join(", ")}`);
  const rule = policy.med_types[medType as NationalMedType];
  if (!rule) {
    throw new DomainError(field, `${medType} (${known.name}) is not paid by the policy of ${policy.admdvs} for ${policy.year}: it gives no settlement rule for it`);
  }
  return rule.rule;
}
