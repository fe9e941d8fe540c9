import { z } from "zod";
import { FILING_TYPES, MED_TYPES, NATIONAL_MED_TYPE_CODES, NATIONAL_MED_TYPES, type NationalMedType } from "../../codes.js";
import { categoryField, parseWith, ratioField, regionField, yuanField } from "../../zodFields.js";

/**
 * A region-and-year policy document (policies/<admdvs>-<year>.yaml). Amounts are yuan in the document and fen once
 * parsed; ratios are decimals (0.65) in the document and exact millionths once parsed.
 */

const yuan = yuanField;
const ratio = ratioField;
const regionCode = regionField;
const category = categoryField;
const byLevel = <T extends z.ZodType>(schema: T) => z.object({ "1": schema, "2": schema, "3": schema });
const fundCode = z.string().regex(/^\d{6}$/, "must be a 6-digit fund code (fund_pay_type)");
const diseaseCode = z.string().regex(/^[A-Z0-9]{3,20}$/, "must be a disease code of 3 to 20 capitals and digits");

const chronicDisease = z.object({ code: diseaseCode, name: z.string().min(1), annual_limit: yuan });

const basicPolicy = z.object({
  fund_pay_type: fundCode,
  inpatient: z.object({ deductible_by_level: byLevel(yuan), ratio_by_level: byLevel(ratio) }),
  chronic: z
    .object({ ratio_by_level: byLevel(ratio), diseases: z.array(chronicDisease) })
    .refine((c) => new Set(c.diseases.map((d) => d.code)).size === c.diseases.length, "disease codes must be unique"),
  inpatient_chronic_annual_cap: yuan,
  outpatient: z.object({ annual_deductible: yuan, ratio, annual_cap: yuan }),
});

const band = z.object({ upto: yuan.nullable(), ratio });

const tilt = z.object({
  name: z.string().min(1),
  categories: z.array(category).min(1),
  deductible: yuan,
  ratio_points: ratio,
  cap_lifted: z.boolean(),
});

const criticalIllness = z
  .object({
    fund_pay_type: fundCode,
    insutypes: z.array(z.string().regex(/^\d{3}$/)).min(1),
    deductible: yuan,
    bands: z.array(band).min(1),
    annual_cap: yuan,
    tilts: z.array(tilt).default([]),
  })
  .superRefine((ci, ctx) => {
    let previous = ci.deductible as number;
    ci.bands.forEach((b, i) => {
      const last = i === ci.bands.length - 1;
      if (last && b.upto !== null) ctx.addIssue({ code: "custom", path: ["bands", i, "upto"], message: "the last band must be open (upto: null)" });
      if (!last && b.upto === null) ctx.addIssue({ code: "custom", path: ["bands", i, "upto"], message: "only the last band may be open" });
      if (b.upto !== null && b.upto <= previous) {
        ctx.addIssue({ code: "custom", path: ["bands", i, "upto"], message: "bands must rise above the deductible and each other" });
      }
      if (b.upto !== null) previous = b.upto;
    });
    const firstUpto = ci.bands[0]?.upto;
    ci.tilts.forEach((t, i) => {
      if (t.deductible > ci.deductible || (firstUpto != null && t.deductible >= firstUpto)) {
        ctx.addIssue({ code: "custom", path: ["tilts", i, "deductible"], message: "a tilted deductible must not exceed the deductible and must lie below the first band's top" });
      }
    });
  });

const largeAmount = z.object({
  fund_pay_type: fundCode,
  insutypes: z.array(z.string().regex(/^\d{3}$/)).min(1),
  ratio,
  annual_cap: yuan,
});

const assistanceTerms = z.object({ deductible: yuan, ratio, annual_limit: yuan });

const assistance = z.object({
  fund_pay_type: fundCode,
  categories: z.partialRecord(category, assistanceTerms),
});

const offsite = z.object({ ratio_cut: z.object(Object.fromEntries(FILING_TYPES.map((f) => [f, ratio])) as Record<(typeof FILING_TYPES)[number], typeof ratio>) });

const applicationAssistance = z.object({
  /** The fund the payment comes from (medical assistance, 610100). */
  fund_pay_type: fundCode.default("610100"),
  minimum_living_standard_per_year: yuan,
  income_multiple: z.number().int().positive(),
  categories: z.array(category),
  lookback_months: z.number().int().min(1).max(36),
  threshold: yuan,
  ratio,
  annual_limit: yuan,
});

/**
 * Secondary assistance (再救助): after the first (the three tiers and application-based assistance), for a person still
 * carrying a heavy burden. Its base is the in-policy burden of the lookback window left after every fund and after the
 * application-based assistance paid in it; it pays `ratio` of the part above `threshold`, at most `annual_limit`, once per
 * person per calendar year of approval. Eligible: the categories listed, or anyone who received application-based
 * assistance or medical assistance (610100) in the window.
 */
const secondaryAssistance = z.object({
  fund_pay_type: fundCode,
  categories: z.array(category),
  lookback_months: z.number().int().min(1).max(36),
  threshold: yuan,
  ratio,
  annual_limit: yuan,
});

/**
 * The early-warning monitor of high medical spending (高额医疗费用支出预警监测). "Self-paid" is the in-policy burden a
 * settlement leaves to the person: inscp_scp_amt − (hifp + hifmi + hifob + maf + oth), the measure of the
 * application-based assistance. A warning is raised when any of (a) the lookback window's total above
 * `window_self_paid_over`, (b) that total above `income_share_over` of the household's annual income (per-capita
 * income × household size), (c) one settlement's part above `single_self_paid_over`, holds; (d) a warning of a person
 * who holds no assistance category on the day it is raised is on the proactive list (主动发现).
 */
const monitoring = z.object({
  lookback_months: z.number().int().min(1).max(36),
  window_self_paid_over: yuan,
  income_share_over: ratio,
  single_self_paid_over: yuan,
});

export const SUPPLEMENTARY_KINDS = ["commercial", "charity"] as const;

/**
 * A supplementary tier in the one-stop chain (惠民保-like city inclusive commercial insurance, a charity fund), paid as
 * oth_pay with its own setldetail row. Who it covers: the insurer's roster (`enrollment: roster`, imported) or the
 * holders of the listed categories. What it covers: the in-policy burden left by the tiers before it and/or the
 * out-of-catalogue (class 03) amounts; an annual deductible on that base, a ratio and an annual cap, accumulated per
 * person and year like the statutory tiers. `position` puts it before or after medical assistance.
 */
const supplementaryTier = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]{1,30}$/, "must be a short lowercase id (huiminbao)"),
    name: z.string().min(1),
    kind: z.enum(SUPPLEMENTARY_KINDS),
    fund_pay_type: fundCode,
    position: z.enum(["before_assistance", "after_assistance"]),
    enrollment: z.enum(["roster", "categories"]),
    categories: z.array(category).default([]),
    insutypes: z.array(z.string().regex(/^\d{3}$/)).min(1),
    covers: z.object({ in_policy_self_paid: z.boolean(), out_of_catalogue: z.boolean() }),
    deductible: yuan,
    ratio,
    annual_cap: yuan,
  })
  .superRefine((t, ctx) => {
    if (t.enrollment === "categories" && t.categories.length === 0) ctx.addIssue({ code: "custom", path: ["categories"], message: "a tier for categories must list them" });
    if (!t.covers.in_policy_self_paid && !t.covers.out_of_catalogue) ctx.addIssue({ code: "custom", path: ["covers"], message: "a tier must cover something" });
  });

/** Where a policy names no medical types, it pays the three the rules are: each under itself. */
const RULES_ONLY = { "11": { rule: "11" }, "14": { rule: "14" }, "21": { rule: "21" } } as const;

const medTypes = z
  .partialRecord(z.enum(NATIONAL_MED_TYPE_CODES, "must be a national medical type (med_type)"), z.object({ rule: z.enum(MED_TYPES), note: z.string().optional() }).strict())
  .default(RULES_ONLY)
  .superRefine((m, ctx) => {
    for (const [code, r] of Object.entries(m) as [NationalMedType, { rule: string }][]) {
      // The rules' own codes settle under themselves: 11, 14 and 21 keep the amounts the spec fixes for them.
      if ((MED_TYPES as readonly string[]).includes(code) && r.rule !== code) ctx.addIssue({ code: "custom", path: [code, "rule"], message: `${code} must settle under its own rule` });
      const care = NATIONAL_MED_TYPES[code].care;
      if ((r.rule === "21") !== (care === "inpatient")) ctx.addIssue({ code: "custom", path: [code, "rule"], message: `${code} is ${care} care: its rule must be ${care === "inpatient" ? "21" : "11 or 14"}` });
    }
  });

export const SUBSIDY_CONDITIONS = ["serious_illness", "severe_disability", "age_60_plus", "under_18"] as const;

const enrollment = z.object({
  insutype: z.string().regex(/^\d{3}$/),
  individual_contribution: yuan,
  fiscal_subsidy: yuan,
  assistance_share: z.array(
    z.object({ category, ratio, requires_any: z.array(z.enum(SUBSIDY_CONDITIONS)).optional() }),
  ),
});

export const policySchema = z
  .object({
    admdvs: regionCode,
    region_name: z.string().min(1),
    year: z.number().int().min(2000).max(2100),
    basic: z.record(z.string().regex(/^\d{3}$/, "insurance type keys are 3-digit insutype codes"), basicPolicy),
    critical_illness: criticalIllness,
    large_amount: largeAmount,
    assistance,
    offsite,
    application_assistance: applicationAssistance,
    secondary_assistance: secondaryAssistance.optional(),
    monitoring: monitoring.optional(),
    supplementary: z.array(supplementaryTier).default([]),
    enrollment: z.array(enrollment),
    med_types: medTypes,
  })
  .strict()
  .superRefine((p, ctx) => {
    for (const t of [...p.critical_illness.insutypes, ...p.large_amount.insutypes]) {
      if (!p.basic[t]) ctx.addIssue({ code: "custom", path: ["basic"], message: `insutype ${t} has tier-two rules but no basic rules` });
    }
    const funds = new Set([p.assistance.fund_pay_type]);
    p.supplementary.forEach((t, i) => {
      if (funds.has(t.fund_pay_type)) ctx.addIssue({ code: "custom", path: ["supplementary", i, "fund_pay_type"], message: `fund ${t.fund_pay_type} is already another tier's` });
      funds.add(t.fund_pay_type);
      if (p.supplementary.findIndex((o) => o.id === t.id) !== i) ctx.addIssue({ code: "custom", path: ["supplementary", i, "id"], message: `tier id ${t.id} appears twice` });
    });
  });

export type PolicyDocument = z.input<typeof policySchema>;
export type Policy = z.output<typeof policySchema>;
export type BasicPolicy = z.output<typeof basicPolicy>;
export type CriticalIllnessPolicy = z.output<typeof criticalIllness>;
export type AssistanceTerms = z.output<typeof assistanceTerms>;
export type Tilt = z.output<typeof tilt>;
export type ApplicationAssistancePolicy = z.output<typeof applicationAssistance>;
export type SecondaryAssistancePolicy = z.output<typeof secondaryAssistance>;
export type MonitoringPolicy = z.output<typeof monitoring>;
export type SupplementaryTier = z.output<typeof supplementaryTier>;

export function policyId(p: Pick<Policy, "admdvs" | "year">): string {
  return `${p.admdvs}-${p.year}`;
}

/** Validates a parsed document; errors name the path and the rule. */
export function parsePolicy(document: unknown, source = "policy"): Policy {
  return parseWith(policySchema, document, source);
}
