import { CATEGORY_NAMES, type Category } from "../codes.js";
import { invariant } from "../errors.js";
import { formatYuanGrouped, type Fen } from "../money.js";
import { formatRatio, PPM } from "../ratio.js";
import type { MonitoringPolicy } from "../reference/index.js";

/**
 * The early-warning rule (高额医疗费用支出预警监测), pure: which of the policy's thresholds a person's figures pass, and
 * why in words. "Self-paid" is the in-policy burden a settlement leaves to the person (inscp_scp_amt less what every fund
 * paid); the window is the policy's lookback months ending on the check date. Every comparison is "over": an amount
 * equal to its threshold does not warn.
 */

export const CRITERIA = ["window", "income", "single"] as const;
/** (a) the window's total over an amount; (b) that total over a share of the household's income; (c) one settlement over an amount. */
export type Criterion = (typeof CRITERIA)[number];

export const CRITERION_NAMES: Record<Criterion, string> = {
  window: "近期个人自付超过预警线",
  income: "个人自付超过家庭年收入的预警比例",
  single: "单次结算个人自付超过预警线",
};

export interface WarningFigures {
  /** Σ self-paid of the settlements in force in the window. */
  window_self_paid_fen: Fen;
  /** The largest self-paid of one of them. */
  max_single_self_paid_fen: Fen;
  /** The household's per-capita annual income (persons.household_income_fen); null when it was never recorded. */
  per_capita_income_fen: Fen | null;
  /** The persons sharing the household, the person included (1 without a household). */
  household_size: number;
  /** The assistance category held on the check date (the one settlement would choose), null for none: (d). */
  assistance_category: Category | null;
}

export interface Evaluation {
  /** The thresholds that hold, in the order (a), (b), (c); empty: the person is under every one. */
  criteria: Criterion[];
  /** (d): no assistance category on the check date, so the person is on the proactive list (主动发现). */
  proactive: boolean;
  /** Per-capita income × household size; null when unknown. */
  household_income_fen: Fen | null;
  /** The figures and thresholds in words and numbers, each criterion saying whether it holds. */
  explanation: string;
}

const yuan = (amount: Fen) => `${formatYuanGrouped(amount)} 元`;

function checkFigures(f: WarningFigures): void {
  const amount = (v: number) => Number.isSafeInteger(v) && v >= 0;
  invariant(amount(f.window_self_paid_fen) && amount(f.max_single_self_paid_fen), "self-paid figures must be whole fen, not negative");
  invariant(f.max_single_self_paid_fen <= f.window_self_paid_fen, "one settlement's self-paid exceeds the window's total");
  invariant(f.per_capita_income_fen === null || amount(f.per_capita_income_fen), "the per-capita income must be whole fen, not negative");
  invariant(Number.isInteger(f.household_size) && f.household_size >= 1, "a household has at least the person");
}

/** The household's annual income: per-capita income × members (null when the per-capita income is unknown). */
export function householdIncome(perCapita: Fen | null, size: number): Fen | null {
  if (perCapita === null) return null;
  const total = perCapita * size;
  invariant(Number.isSafeInteger(total), "household income beyond exact integers");
  return total as Fen;
}

/** (b) exactly: total × 1,000,000 > share_ppm × income, in integers too large for a double to hold exactly. */
function overShare(total: Fen, share: number, income: Fen): boolean {
  return BigInt(total) * BigInt(PPM) > BigInt(share) * BigInt(income);
}

/** share × income as yuan, exact: whole fen with two decimals, else the micro-fen digits that make it exact (15,000.005). */
function shareOfIncome(share: number, income: Fen): string {
  const micro = BigInt(share) * BigInt(income);
  const fen = micro / BigInt(PPM);
  const rest = micro % BigInt(PPM);
  const whole = formatYuanGrouped(Number(fen) as Fen);
  return rest === 0n ? `${whole} 元` : `${whole}${String(rest).padStart(6, "0").replace(/0+$/, "")} 元`;
}

/**
 * total ÷ income as a percentage cut (not rounded) to two decimals, so that a share just under the threshold never shows
 * as the threshold itself; the verdict beside it comes from the exact comparison, with the exact amount it compared with.
 */
function percentOf(total: Fen, income: Fen): string {
  const hundredths = (BigInt(total) * 10_000n) / BigInt(income);
  return `${hundredths / 100n}.${String(hundredths % 100n).padStart(2, "0")}%`;
}

/**
 * Whether the household's size can change what a check stores, so that the shell counts the members only then (the
 * count is a read over the persons of a household, which the hook after every settlement should not pay for nothing):
 * when a warning is open (its figures are stored), when (a) or (c) raise one (its income is stored with it), or when (b)
 * could hold — the total over the share of one member's income, the most a household of one can earn.
 */
export function householdSizeMatters(
  policy: MonitoringPolicy,
  f: { window_self_paid_fen: Fen; max_single_self_paid_fen: Fen; per_capita_income_fen: Fen | null },
  warningOpen: boolean,
): boolean {
  if (warningOpen) return true;
  if (f.window_self_paid_fen > policy.window_self_paid_over || f.max_single_self_paid_fen > policy.single_self_paid_over) return true;
  return f.per_capita_income_fen !== null && overShare(f.window_self_paid_fen, policy.income_share_over, f.per_capita_income_fen);
}

/** Which thresholds hold for the figures, and the explanation ("近12个月政策范围内个人自付 23,456.78 元，超过预警线 16,000.00 元；…"). */
export function evaluate(policy: MonitoringPolicy, f: WarningFigures): Evaluation {
  checkFigures(f);
  const criteria: Criterion[] = [];
  const parts: string[] = [];
  const total = f.window_self_paid_fen;

  const windowHolds = total > policy.window_self_paid_over;
  if (windowHolds) criteria.push("window");
  parts.push(`近${policy.lookback_months}个月政策范围内个人自付 ${yuan(total)}，${windowHolds ? "超过" : "未超过"}预警线 ${yuan(policy.window_self_paid_over)}`);

  const income = householdIncome(f.per_capita_income_fen, f.household_size);
  const share = formatRatio(policy.income_share_over);
  if (income === null) {
    parts.push(`家庭收入未登记，无法判断个人自付是否超过家庭年收入的 ${share}`);
  } else {
    const incomeHolds = overShare(total, policy.income_share_over, income);
    if (incomeHolds) criteria.push("income");
    const household = `家庭年收入 ${yuan(income)}（人均 ${yuan(f.per_capita_income_fen as Fen)} × ${f.household_size} 人）`;
    const verdict = `${incomeHolds ? "超过" : "未超过"}预警比例 ${share}（${shareOfIncome(policy.income_share_over, income)}）`;
    parts.push(income === 0 ? `${household}，个人自付${verdict}` : `占${household}的 ${percentOf(total, income)}，${verdict}`);
  }

  const singleHolds = f.max_single_self_paid_fen > policy.single_self_paid_over;
  if (singleHolds) criteria.push("single");
  parts.push(`单次结算个人自付最高 ${yuan(f.max_single_self_paid_fen)}，${singleHolds ? "超过" : "未超过"}预警线 ${yuan(policy.single_self_paid_over)}`);

  const proactive = f.assistance_category === null;
  parts.push(proactive ? "未享受医疗救助身份，列入主动发现名单" : `现享受医疗救助身份：${CATEGORY_NAMES[f.assistance_category as Category]}`);

  return { criteria, proactive, household_income_fen: income, explanation: `${parts.join("；")}。` };
}

/** "(a)(c)" as the clerk reads it: the names of the thresholds that hold, or that none does. */
export function criteriaInWords(criteria: readonly Criterion[]): string {
  return criteria.length === 0 ? "已低于全部预警线" : criteria.map((c) => CRITERION_NAMES[c]).join("、");
}
