import type { Category } from "../codes.js";
import { room, type Fen } from "../money.js";
import { policyId, type Policy } from "../reference/index.js";
import { chooseAssistance } from "./assistance.js";
import { moreFavourable, termsOptions } from "./tierTwo.js";
import type { Accumulators } from "./types.js";

/**
 * How far a person is, this year, from the thresholds and caps of each tier (the portal's 年度进度): the critical-illness
 * deductible on the accumulated base (with the most favourable tilt the categories held give, as the engine chooses it),
 * the basic caps, the employees' large-expense cap, and the assistance limit. Pure: policy, insurance type, categories
 * held and accumulators in; figures in fen out.
 */
export interface Meter {
  /** The limit (cap, or deductible for a threshold); null when there is none (a tilt lifted the cap). */
  limit: Fen | null;
  used: Fen;
  /** limit − used, never below zero; null without a limit. */
  remaining: Fen | null;
}

export interface YearProgress {
  year: number;
  policy_id: string;
  insutype: string;
  critical_illness: (Meter & { deductible: Fen; base_so_far: Fen; deductible_remaining: Fen; paid: Fen; tilt: string | null; tilt_category: Category | null }) | null;
  large_amount: Meter | null;
  basic_inpatient: Meter | null;
  outpatient: (Meter & { deductible: Fen; deductible_counted: Fen }) | null;
  assistance: (Meter & { category: Category }) | null;
}

const meter = (limit: Fen | null, used: Fen): Meter => ({ limit, used, remaining: limit === null ? null : room(limit, used) });

export function yearProgress(policy: Policy, insutype: string, held: ReadonlySet<Category>, acc: Accumulators): YearProgress {
  const basic = policy.basic[insutype];
  const ci = policy.critical_illness;
  let critical: YearProgress["critical_illness"] = null;
  if (ci.insutypes.includes(insutype)) {
    // The terms that stand for the rest of the year: the most favourable the categories held open (tierTwo's order).
    const terms = termsOptions(ci, held).reduce((best, option) => (moreFavourable(option, best) ? option : best));
    critical = {
      ...meter(terms.capLifted ? null : ci.annual_cap, acc.critical_illness_paid_fen),
      deductible: terms.deductible,
      base_so_far: acc.tier_two_base_fen,
      deductible_remaining: room(terms.deductible, acc.tier_two_base_fen),
      paid: acc.critical_illness_paid_fen,
      tilt: terms.tiltName,
      tilt_category: terms.category,
    };
  }
  const la = policy.large_amount;
  const assisted = chooseAssistance(policy, held);
  return {
    year: acc.year,
    policy_id: policyId(policy),
    insutype,
    critical_illness: critical,
    large_amount: la.insutypes.includes(insutype) ? meter(la.annual_cap, acc.large_amount_paid_fen) : null,
    basic_inpatient: basic ? meter(basic.inpatient_chronic_annual_cap, acc.inpatient_chronic_basic_paid_fen) : null,
    outpatient: basic
      ? { ...meter(basic.outpatient.annual_cap, acc.outpatient_basic_paid_fen), deductible: basic.outpatient.annual_deductible, deductible_counted: acc.outpatient_deductible_counted_fen }
      : null,
    assistance: assisted ? { ...meter(assisted.terms.annual_limit, acc.assistance_paid_fen), category: assisted.category } : null,
  };
}
