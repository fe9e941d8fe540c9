import type { Category } from "../codes.js";
import { withinValidity } from "../ids.js";
import type { Fen } from "../money.js";
import type { SUBSIDY_CONDITIONS, Policy } from "../reference/index.js";
import { applyRatio, PPM, RATIO_ZERO, roundHalfUpDiv, type Ratio } from "../ratio.js";

/**
 * Subsidized enrollment (资助参保), settlement-spec.md "Subsidized enrollment, reference": who pays how much of the resident
 * individual contribution, and how much medical assistance pays for them. Pure: plain data in, plain data out.
 *
 * The share paid by assistance is the highest among the person's categories valid on the day they paid (a category whose
 * policy entry has `requires_any` counts only when one of its conditions holds). A category gained after paying counts
 * from the next month (当月参保、次月资助): month k of the year counts at the best share valid on its 1st day, never below
 * the share at payment, and the year's entitlement is C × Σ s_k / 12, rounded once, half up.
 */

export type SubsidyCondition = (typeof SUBSIDY_CONDITIONS)[number];
export type EnrollmentTerms = Policy["enrollment"][number];

/** A category the person holds, with its validity (both ends included, a null end open). */
export interface CategoryPeriod {
  psn_idet_type: Category;
  begntime: string;
  endtime: string | null;
}

/** What the rules read about a person. */
export interface SubsidyFacts {
  brdy: string;
  serious_illness: boolean;
  /** Disability grade 1–4; 1 and 2 are severe. */
  disability_level: number | null;
  categories: readonly CategoryPeriod[];
}

/** The policy's enrollment entry for an insurance type; null where it has none (employees pay by payroll). */
export function enrollmentTerms(policy: Policy, insutype: string): EnrollmentTerms | null {
  return policy.enrollment.find((e) => e.insutype === insutype) ?? null;
}

/** Whole years of age on `date` (a birthday on that day counts). */
export function ageOn(brdy: string, date: string): number {
  const years = Number(date.slice(0, 4)) - Number(brdy.slice(0, 4));
  return date.slice(5) < brdy.slice(5) ? years - 1 : years;
}

/** The conditions a person meets for year Y: ages are taken on 1 January of Y, illness and disability as recorded. */
export function subsidyConditions(facts: SubsidyFacts, year: number): Set<SubsidyCondition> {
  const held = new Set<SubsidyCondition>();
  const age = ageOn(facts.brdy, `${year}-01-01`);
  if (facts.serious_illness) held.add("serious_illness");
  if (facts.disability_level === 1 || facts.disability_level === 2) held.add("severe_disability");
  if (age >= 60) held.add("age_60_plus");
  if (age < 18) held.add("under_18");
  return held;
}

/** The share that applies on a date: the category it comes from (null: none held), and the condition that admitted it. */
export interface ShareChoice {
  category: Category | null;
  share: Ratio;
  /** For a category with requires_any: the first of its conditions the person meets. */
  condition: SubsidyCondition | null;
  /** The start of the chosen category's period valid on the date. */
  since: string | null;
}

export const NO_SHARE: ShareChoice = { category: null, share: RATIO_ZERO, condition: null, since: null };

/** The category period valid on `date`, if the person holds `category` then. */
function periodOn(facts: SubsidyFacts, category: Category, date: string): CategoryPeriod | undefined {
  let found: CategoryPeriod | undefined;
  for (const p of facts.categories) {
    if (p.psn_idet_type === category && withinValidity(date, p.begntime, p.endtime) && (!found || p.begntime < found.begntime)) found = p;
  }
  return found;
}

/** The highest share among the categories valid on `date` whose conditions are met; the policy's order breaks ties. */
export function shareOn(terms: EnrollmentTerms, facts: SubsidyFacts, conditions: ReadonlySet<SubsidyCondition>, date: string): ShareChoice {
  let best: ShareChoice = NO_SHARE;
  for (const entry of terms.assistance_share) {
    if (best.category !== null && entry.ratio <= best.share) continue;
    const period = periodOn(facts, entry.category, date);
    if (!period) continue;
    let condition: SubsidyCondition | null = null;
    if (entry.requires_any) {
      condition = entry.requires_any.find((c) => conditions.has(c)) ?? null;
      if (condition === null) continue;
    }
    best = { category: entry.category, share: entry.ratio, condition, since: period.begntime };
  }
  return best;
}

/** Categories held on `date` whose policy entry asks for a condition the person does not meet (for the explanation). */
export function unmetCategories(terms: EnrollmentTerms, facts: SubsidyFacts, conditions: ReadonlySet<SubsidyCondition>, date: string): Category[] {
  const unmet: Category[] = [];
  for (const entry of terms.assistance_share) {
    if (!entry.requires_any || !periodOn(facts, entry.category, date)) continue;
    if (!entry.requires_any.some((c) => conditions.has(c)) && !unmet.includes(entry.category)) unmet.push(entry.category);
  }
  return unmet;
}

export interface MonthShare extends ShareChoice {
  /** 1–12 */
  month: number;
}

export interface YearShares {
  conditions: Set<SubsidyCondition>;
  /** The share on the day of payment. */
  atPayment: ShareChoice;
  /** Month k counts at max(share at payment, best share on the 1st of month k). */
  months: MonthShare[];
}

const firstOfMonth = (year: number, month: number) => `${year}-${String(month).padStart(2, "0")}-01`;

export function yearShares(terms: EnrollmentTerms, facts: SubsidyFacts, year: number, paidDate: string): YearShares {
  const conditions = subsidyConditions(facts, year);
  const atPayment = shareOn(terms, facts, conditions, paidDate);
  const months: MonthShare[] = [];
  for (let month = 1; month <= 12; month++) {
    const onFirst = shareOn(terms, facts, conditions, firstOfMonth(year, month));
    months.push({ month, ...(onFirst.share > atPayment.share ? onFirst : atPayment) });
  }
  return { conditions, atPayment, months };
}

/** The year's assistance entitlement: round(C × Σ_k s_k / 12), exact, one half-up rounding. */
export function entitlement(individual: Fen, months: readonly { share: Ratio }[]): Fen {
  let ppmMonths = 0;
  for (const m of months) ppmMonths += m.share;
  return roundHalfUpDiv(individual * ppmMonths, 12 * PPM) as Fen;
}

/** round(C × share): the subsidy granted at payment. */
export function subsidyAtPayment(individual: Fen, share: Ratio): Fen {
  return applyRatio(individual, share);
}
