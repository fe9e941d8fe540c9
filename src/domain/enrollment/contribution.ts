import { CATEGORY_NAMES, FUND_PAY_TYPE_NAMES, INSUTYPE_NAMES, type Category } from "../codes.js";
import { invariant } from "../errors.js";
import { formatYuan as y, type Fen } from "../money.js";
import { formatRatio, RATIO_ZERO, type Ratio } from "../ratio.js";
import {
  entitlement, subsidyAtPayment, unmetCategories, yearShares, type EnrollmentTerms, type MonthShare, type ShareChoice, type SubsidyCondition,
  type SubsidyFacts, type YearShares,
} from "./subsidy.js";

/**
 * The contribution rows of a resident enrollment (缴费与资助), computed from the policy: the first one at payment
 * (`initial`), later ones when a category gained after paying raises the year's entitlement (`adjustment`: refunded or
 * credited to the person). Every row explains itself in Chinese, like a settlement's setl_proc_info.
 */

export type ContributionKind = "initial" | "adjustment";

export interface ContributionDraft {
  kind: ContributionKind;
  /** The individual contribution due (个人缴费标准); 0 on an adjustment. */
  individual_fen: Fen;
  /** What the person pays; negative on an adjustment (refunded or credited). */
  person_paid_fen: Fen;
  /** What medical assistance pays for the person (资助参保). */
  assistance_subsidy_fen: Fen;
  /** The fiscal per-capita subsidy (财政补助); 0 on an adjustment. */
  fiscal_subsidy_fen: Fen;
  /** The category whose share applied (on an adjustment: the one of its first month), and the share. */
  category: Category | null;
  share_ppm: Ratio;
  /** The fund that pays the assistance subsidy (the policy's assistance fund), where there is one. */
  subsidy_fund: string | null;
  /** First month (1–12) an adjustment covers. */
  effective_month: number | null;
  reason: string;
}

/** A contribution row already recorded (what the rules need of it). */
export interface RecordedContribution {
  kind: string;
  assistance_subsidy_fen: Fen;
  share_ppm: Ratio;
  effective_month: number | null;
}

export interface ContributionContext {
  terms: EnrollmentTerms;
  facts: SubsidyFacts;
  year: number;
  /** The day the contribution was paid (the enrollment's psn_insu_date). */
  paidDate: string;
  /** The fund that pays assistance subsidies (policy.assistance.fund_pay_type, 610100). */
  subsidyFund: string;
  /** A note that goes before the explanation (e.g. which year's policy was used). */
  note?: string | null;
}

const CONDITION_NAMES: Record<SubsidyCondition, string> = {
  serious_illness: "重病患者",
  severe_disability: "重度残疾（一、二级）",
  age_60_plus: "1月1日年满60周岁",
  under_18: "1月1日未满18周岁",
};

/** "低保边缘家庭成员（重病患者，资助比例60%）" */
function categoryWords(c: ShareChoice): string {
  if (c.category === null) return "无资助参保身份";
  return `${CATEGORY_NAMES[c.category]}（${c.condition ? `${CONDITION_NAMES[c.condition]}，` : ""}资助比例${formatRatio(c.share)}）`;
}

function choiceWords(c: ShareChoice): string {
  if (c.category === null) return "无资助参保身份";
  const condition = c.condition ? `（${CONDITION_NAMES[c.condition]}）` : "";
  return `${CATEGORY_NAMES[c.category]}${condition}，资助比例${formatRatio(c.share)}`;
}

const fundName = (fund: string) => FUND_PAY_TYPE_NAMES[fund] ?? fund;

/** The row written when the contribution is paid: round(C × s) from assistance, the rest from the person. */
export function initialContribution(ctx: ContributionContext, shares: YearShares = yearShares(ctx.terms, ctx.facts, ctx.year, ctx.paidDate)): ContributionDraft {
  const { terms, facts, year, paidDate } = ctx;
  const c = terms.individual_contribution;
  const choice = shares.atPayment;
  const assistance = subsidyAtPayment(c, choice.share);
  const paid = (c - assistance) as Fen;
  invariant(assistance >= 0 && paid >= 0, "a subsidy beyond the contribution");
  const words = [
    `${year}年度${INSUTYPE_NAMES[terms.insutype] ?? terms.insutype}个人缴费标准${y(c)}元，财政补助${y(terms.fiscal_subsidy)}元`,
  ];
  const unmet = unmetCategories(terms, facts, shares.conditions, paidDate);
  if (unmet.length > 0 && choice.share === RATIO_ZERO) {
    words.push(`${unmet.map((u) => CATEGORY_NAMES[u]).join("、")}须为重病患者、重度残疾、1月1日年满60周岁或未满18周岁方可资助`);
  }
  if (assistance > 0) {
    words.push(
      `缴费日${paidDate}为${choiceWords(choice)}：医疗救助资助${y(c)}元×${formatRatio(choice.share)}=${y(assistance)}元（${fundName(ctx.subsidyFund)}支付），个人缴纳${y(paid)}元`,
    );
  } else {
    words.push(`缴费日${paidDate}${choiceWords(choice)}，个人全额缴纳${y(paid)}元`);
  }
  return {
    kind: "initial",
    individual_fen: c,
    person_paid_fen: paid,
    assistance_subsidy_fen: assistance,
    fiscal_subsidy_fen: terms.fiscal_subsidy,
    category: choice.category,
    share_ppm: choice.share,
    subsidy_fund: assistance > 0 ? ctx.subsidyFund : null,
    effective_month: null,
    reason: `${ctx.note ? `${ctx.note}；` : ""}${words.join("；")}。`,
  };
}

/** "1–4月0%，5–12月60%": runs of months at one share. */
export function monthRuns(months: readonly { month: number; share: Ratio }[]): { from: number; to: number; share: Ratio }[] {
  const runs: { from: number; to: number; share: Ratio }[] = [];
  for (const m of months) {
    const last = runs[runs.length - 1];
    if (last && last.share === m.share && last.to === m.month - 1) last.to = m.month;
    else runs.push({ from: m.month, to: m.month, share: m.share });
  }
  return runs;
}

/**
 * The share each month is already paid for by the recorded rows: the initial row's share from month 1, each
 * adjustment's share from its first month (never lower than an earlier one).
 */
function coveredShares(recorded: readonly RecordedContribution[]): number[] {
  const covered = new Array<number>(13).fill(0);
  for (const r of recorded) {
    const from = r.kind === "initial" ? 1 : r.kind === "adjustment" ? (r.effective_month ?? 1) : 13;
    for (let k = from; k <= 12; k++) covered[k] = Math.max(covered[k] ?? 0, r.share_ppm);
  }
  return covered;
}

/**
 * The adjustment a recompute owes, or null: when the year's entitlement exceeds what the recorded rows granted, the
 * difference (assistance pays it, the person gets it back). Never below zero: a category that ends does not claw back.
 * Recording it makes the next call return null.
 */
export function subsidyAdjustment(
  ctx: ContributionContext,
  recorded: readonly RecordedContribution[],
  shares: YearShares = yearShares(ctx.terms, ctx.facts, ctx.year, ctx.paidDate),
): ContributionDraft | null {
  const { terms, paidDate } = ctx;
  const c = terms.individual_contribution;
  const due = entitlement(c, shares.months);
  let granted = 0;
  for (const r of recorded) granted += r.assistance_subsidy_fen;
  const difference = (due - granted) as Fen;
  if (difference <= 0) return null;

  // The first month paid at more than the rows cover; failing that, more than the share at payment.
  const covered = coveredShares(recorded);
  const first: MonthShare =
    shares.months.find((m) => m.share > (covered[m.month] ?? 0)) ?? shares.months.find((m) => m.share > shares.atPayment.share) ?? (shares.months[0] as MonthShare);
  const since = first.since ?? paidDate;
  const how =
    first.category === null
      ? ""
      : since > paidDate
        ? `${since}起为${categoryWords(first)}，在缴费日${paidDate}之后取得：当月参保、次月资助，自${first.month}月起资助`
        : `缴费日${paidDate}已为${categoryWords(first)}，${since}起有效，身份信息后到，自${first.month}月起补足资助`;
  const runs = monthRuns(shares.months)
    .map((r) => `${formatRatio(r.share)}×${r.to - r.from + 1}个月`)
    .join("+");
  const words = [
    ...(how ? [how] : []),
    `全年应资助${y(c)}元×（${runs}）÷12=${y(due)}元，已资助${y(granted as Fen)}元，补资助${y(difference)}元（${fundName(ctx.subsidyFund)}支付），退还或抵扣个人缴费${y(difference)}元`,
  ];
  return {
    kind: "adjustment",
    individual_fen: 0 as Fen,
    person_paid_fen: -difference as Fen,
    assistance_subsidy_fen: difference,
    fiscal_subsidy_fen: 0 as Fen,
    category: first.category,
    share_ppm: first.share,
    subsidy_fund: ctx.subsidyFund,
    effective_month: first.month,
    reason: `${ctx.note ? `${ctx.note}；` : ""}${words.join("；")}。`,
  };
}

/**
 * Everything a recompute of one enrollment writes: the initial row where there is none, then the adjustment (if any)
 * against all rows including it. Calling it again with the rows it returned added returns nothing.
 */
export function contributionsDue(ctx: ContributionContext, recorded: readonly RecordedContribution[]): ContributionDraft[] {
  const shares = yearShares(ctx.terms, ctx.facts, ctx.year, ctx.paidDate);
  const due: ContributionDraft[] = [];
  let rows = recorded;
  if (!recorded.some((r) => r.kind === "initial")) {
    const initial = initialContribution(ctx, shares);
    due.push(initial);
    rows = [...recorded, initial];
  }
  const adjustment = subsidyAdjustment(ctx, rows, shares);
  if (adjustment) due.push(adjustment);
  return due;
}
