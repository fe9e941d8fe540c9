import { CATEGORY_NAMES, FUND_PAY_TYPE_NAMES, type Category } from "../codes.js";
import { DomainError, invariant } from "../errors.js";
import { withinValidity } from "../ids.js";
import { formatYuan as y, minFen, sumFen, ZERO, type Fen } from "../money.js";
import { applyRatio, formatRatio, type Ratio } from "../ratio.js";
import { policyId, type Policy } from "../reference/index.js";
import type { PersonCategory } from "../settlement/index.js";
import { APPLICATION_KIND_NAMES, type ApplicationKind, type ApplicationState } from "./kinds.js";
import { inWindow, lookbackWindow, type LookbackWindow } from "./window.js";

/**
 * The rule of assistance on application (settlement-spec.md, "Application-based assistance"), pure: who is eligible, the
 * base over the lookback window's settlements, and what is paid, every step in words and numbers as a settlement's
 * setl_proc_info. The same function gives the preview at filing and the final figure at approval: only the settlements
 * stored by then differ.
 *
 * Application-based (依申请救助): the household's per-capita annual income below income_multiple × the local
 * minimum-living standard, and a category of the policy's list held on the application date (or a clerk's certificate of
 * severe difficulty). Base: Σ over the settlements of the window, not reversed, of the in-policy costs left after every
 * fund, inscp_scp_amt − hifp − hifmi − hifob − maf − oth. Pay: ratio × (base − threshold) rounded half up to the fen,
 * when positive, at most annual_limit.
 *
 * Secondary (再救助, after the first): the same window's burden less the application-based assistance granted for it, with
 * its own threshold, ratio and limit. Eligible (the policy's comment): a category of its list held on the application
 * date, or medical assistance (maf) or application-based assistance received in the window. No income test: the
 * assistance it follows has made it already.
 */

/** One of the person's settlements as the rule reads it (the service passes those of the window, any status). */
export interface BurdenSettlement {
  setl_id: string;
  /** The settlement's date (of setl_time), YYYY-MM-DD. */
  setl_date: string;
  /** settled | reversed */
  status: string;
  fixmedins_name?: string;
  inscp_scp_amt: Fen;
  hifp_pay: Fen;
  hifmi_pay: Fen;
  hifob_pay: Fen;
  maf_pay: Fen;
  oth_pay: Fen;
}

/** An application-based assistance application of the person: a secondary one deducts those granted for its window. */
export interface GrantedAssistance {
  application_id: string;
  application_date: string;
  state: ApplicationState;
  /** What it pays (approved) or paid; null before approval. */
  amount_fen: Fen | null;
}

export interface ApplicationFacts {
  kind: ApplicationKind;
  application_date: string;
  household_size: number;
  /** Declared household per-capita annual income. */
  household_income_fen: Fen;
  certified_difficulty: boolean;
  categories: readonly PersonCategory[];
  settlements: readonly BurdenSettlement[];
  /** For a secondary application: the person's application-based applications (the rule keeps those that count). */
  granted?: readonly GrantedAssistance[];
}

export interface CountedSettlement {
  setl_id: string;
  setl_date: string;
  inscp_scp_amt: Fen;
  /** hifp + hifmi + hifob + maf + oth. */
  funds_fen: Fen;
  /** What the settlement left to the person inside the policy (never below zero). */
  burden_fen: Fen;
}

export type ExclusionReason = "reversed" | "before_window" | "after_application";

export interface ExcludedSettlement {
  setl_id: string;
  setl_date: string;
  reason: ExclusionReason;
}

export interface Eligibility {
  eligible: boolean;
  /** Application-based: the income test; null for secondary, which has none. */
  income: { per_capita_fen: Fen; limit_fen: Fen; passed: boolean } | null;
  /** The policy's category held on the application date, first in the policy's order; null when none. */
  category: Category | null;
  certified_difficulty: boolean;
  /** Secondary: medical assistance or application-based assistance received in the window. */
  received_assistance: boolean;
  /** Why not, as the field a clerk would correct and the rule it broke; null when eligible. */
  refusal: { field: string; rule: string } | null;
}

export type StepKind = "eligibility" | "settlement" | "excluded" | "deduction" | "base" | "pay";

export interface AssistanceStep {
  step: StepKind;
  /** The step's name in Chinese (资格, 结算, 救助基数 …). */
  name: string;
  text: string;
  setl_id?: string;
}

export interface AssistanceCalculation {
  kind: ApplicationKind;
  policy_id: string;
  fund_pay_type: string;
  window: LookbackWindow;
  eligibility: Eligibility;
  counted: CountedSettlement[];
  excluded: ExcludedSettlement[];
  /** Σ burden of the counted settlements. */
  burden_fen: Fen;
  /** Secondary: the application-based assistance granted for the window, deducted from the burden. */
  deducted_fen: Fen;
  deducted_ids: string[];
  base_fen: Fen;
  threshold_fen: Fen;
  /** max(0, base − threshold). */
  above_fen: Fen;
  ratio: Ratio;
  /** round(ratio × above). */
  raw_fen: Fen;
  annual_limit_fen: Fen;
  /** What is paid: raw within the limit, zero when not eligible. */
  amount_fen: Fen;
  setl_ids: string[];
  steps: AssistanceStep[];
}

interface Terms {
  fund_pay_type: string;
  categories: readonly Category[];
  lookback_months: number;
  threshold: Fen;
  ratio: Ratio;
  annual_limit: Fen;
}

/** The terms of a kind in the policy; a policy without secondary assistance refuses a secondary application. */
export function termsOf(policy: Policy, kind: ApplicationKind): Terms {
  if (kind === "application") return policy.application_assistance;
  const secondary = policy.secondary_assistance;
  if (!secondary) throw new DomainError("kind", `the policy ${policyId(policy)} (${policy.region_name}) has no secondary assistance (再救助)`);
  return secondary;
}

const EXCLUSION_TEXT: Record<ExclusionReason, (w: LookbackWindow) => string> = {
  reversed: () => "已冲销，不计入",
  before_window: (w) => `早于申请日前${w.months}个月的起日${w.from}，不计入`,
  after_application: (w) => `晚于申请日${w.to}，不计入`,
};

/** Granted application-based assistance counts for a secondary window when its application date lies in the window. */
function grantedFor(window: LookbackWindow, granted: readonly GrantedAssistance[]): GrantedAssistance[] {
  // By the application date rather than the payment date: an application-based assistance dated in the window covers the
  // same settlements (its own window ends on its date), whether it was paid before the secondary was filed or after.
  return granted.filter((g) => (g.state === "approved" || g.state === "paid") && g.amount_fen !== null && inWindow(g.application_date, window));
}

function eligibilityOf(policy: Policy, kind: ApplicationKind, terms: Terms, facts: ApplicationFacts, window: LookbackWindow, receivedAssistance: boolean): Eligibility {
  const held = new Set(
    facts.categories.filter((c) => withinValidity(facts.application_date, c.begntime.slice(0, 10), c.endtime?.slice(0, 10) ?? null)).map((c) => c.psn_idet_type),
  );
  const category = terms.categories.find((c) => held.has(c)) ?? null;
  if (kind === "application") {
    const a = policy.application_assistance;
    const limit = (a.minimum_living_standard_per_year * a.income_multiple) as Fen;
    const passed = facts.household_income_fen < limit;
    let refusal: Eligibility["refusal"] = null;
    if (!passed) {
      refusal = {
        field: "household_income",
        rule: `the household's per-capita annual income ${y(facts.household_income_fen)} yuan is not below ${a.income_multiple} × the minimum-living standard ${y(a.minimum_living_standard_per_year)} yuan = ${y(limit)} yuan`,
      };
    } else if (category === null && !facts.certified_difficulty) {
      refusal = {
        field: "categories",
        rule: `the person holds none of ${terms.categories.join(", ") || "(none)"} on ${facts.application_date}, and no clerk certified severe difficulty (certified_difficulty)`,
      };
    }
    return { eligible: refusal === null, income: { per_capita_fen: facts.household_income_fen, limit_fen: limit, passed }, category, certified_difficulty: facts.certified_difficulty, received_assistance: receivedAssistance, refusal };
  }
  const eligible = category !== null || receivedAssistance;
  return {
    eligible,
    income: null,
    category,
    certified_difficulty: facts.certified_difficulty,
    received_assistance: receivedAssistance,
    refusal: eligible
      ? null
      : {
          field: "categories",
          rule: `the person holds none of ${terms.categories.join(", ") || "(none)"} on ${facts.application_date}, and received neither medical assistance nor application-based assistance from ${window.from} to ${window.to}`,
        },
  };
}

function eligibilityText(policy: Policy, kind: ApplicationKind, terms: Terms, e: Eligibility, facts: ApplicationFacts, window: LookbackWindow): string {
  const listed = terms.categories.map((c) => CATEGORY_NAMES[c]).join("、") || "（无）";
  const categoryText = e.category !== null ? `申请日${facts.application_date}持有救助类别：${CATEGORY_NAMES[e.category]}` : `申请日${facts.application_date}未持有${listed}中的类别`;
  if (kind === "application") {
    const a = policy.application_assistance;
    const income = e.income;
    invariant(income !== null, "an application-based eligibility without its income test");
    const incomeText =
      `家庭${facts.household_size}人，人均年收入${y(income.per_capita_fen)}元，` +
      `${income.passed ? "低于" : "不低于"}当地最低生活保障标准${y(a.minimum_living_standard_per_year)}元×${a.income_multiple}=${y(income.limit_fen)}元`;
    const difficulty = e.certified_difficulty ? "；经办人认定家庭生活严重困难" : "";
    const verdict = e.eligible ? "符合依申请救助条件。" : !income.passed ? "不符合收入条件，不予救助。" : "且未经经办人认定严重困难，不符合救助对象条件，不予救助。";
    return `资格：${incomeText}；${categoryText}${difficulty}；${verdict}`;
  }
  const received = e.received_assistance ? `${window.from}至${window.to}期间已获医疗救助或依申请救助` : `${window.from}至${window.to}期间未获医疗救助或依申请救助`;
  const verdict = e.eligible ? "符合再救助条件。" : "不符合再救助条件，不予救助。";
  return `资格：${categoryText}；${received}；${verdict}`;
}

export function calculateAssistance(policy: Policy, facts: ApplicationFacts): AssistanceCalculation {
  const kind = facts.kind;
  const terms = termsOf(policy, kind);
  const window = lookbackWindow(facts.application_date, terms.lookback_months);
  const counted: CountedSettlement[] = [];
  const excluded: ExcludedSettlement[] = [];
  const settlementSteps: AssistanceStep[] = [];
  let receivedMaf = false;
  const ordered = [...facts.settlements].sort((a, b) => (a.setl_date < b.setl_date ? -1 : a.setl_date > b.setl_date ? 1 : a.setl_id < b.setl_id ? -1 : 1));
  for (const s of ordered) {
    const reason: ExclusionReason | null =
      s.setl_date < window.from ? "before_window" : s.setl_date > window.to ? "after_application" : s.status !== "settled" ? "reversed" : null;
    const where = `结算${s.setl_id}（${s.setl_date}${s.fixmedins_name ? `，${s.fixmedins_name}` : ""}）`;
    if (reason !== null) {
      excluded.push({ setl_id: s.setl_id, setl_date: s.setl_date, reason });
      settlementSteps.push({ step: "excluded", name: "不计入的结算", text: `${where}：${EXCLUSION_TEXT[reason](window)}。`, setl_id: s.setl_id });
      continue;
    }
    const funds = sumFen([s.hifp_pay, s.hifmi_pay, s.hifob_pay, s.maf_pay, s.oth_pay]);
    // A fund that pays beyond the in-policy costs (a supplementary tier covering out-of-catalogue items) leaves the
    // person no in-policy burden on that bill; it does not lower what other bills left them.
    const burden = Math.max(0, s.inscp_scp_amt - funds) as Fen;
    if (s.maf_pay > 0) receivedMaf = true;
    counted.push({ setl_id: s.setl_id, setl_date: s.setl_date, inscp_scp_amt: s.inscp_scp_amt, funds_fen: funds, burden_fen: burden });
    settlementSteps.push({
      step: "settlement",
      name: "计入的结算",
      text:
        `${where}：政策范围内费用${y(s.inscp_scp_amt)}元−基本医保${y(s.hifp_pay)}元−大病保险${y(s.hifmi_pay)}元−大额补助${y(s.hifob_pay)}元` +
        `−医疗救助${y(s.maf_pay)}元−其他${y(s.oth_pay)}元=个人负担${y(burden)}元` +
        (s.inscp_scp_amt - funds < 0 ? "（基金支付超过政策范围内费用，按0元计）" : "") + "。",
      setl_id: s.setl_id,
    });
  }
  const burden = sumFen(counted.map((c) => c.burden_fen));
  const granted = kind === "secondary" ? grantedFor(window, facts.granted ?? []) : [];
  const deducted = sumFen(granted.map((g) => g.amount_fen ?? ZERO));
  const base = Math.max(0, burden - deducted) as Fen;
  const eligibility = eligibilityOf(policy, kind, terms, facts, window, receivedMaf || granted.some((g) => (g.amount_fen ?? 0) > 0));

  const above = Math.max(0, base - terms.threshold) as Fen;
  const raw = applyRatio(above, terms.ratio);
  const amount = eligibility.eligible ? minFen(raw, terms.annual_limit) : ZERO;

  const steps: AssistanceStep[] = [{ step: "eligibility", name: "资格", text: eligibilityText(policy, kind, terms, eligibility, facts, window) }, ...settlementSteps];
  if (kind === "secondary") {
    const list = granted.map((g) => `申请${g.application_id}（${g.application_date}）${y(g.amount_fen ?? ZERO)}元`).join("，");
    steps.push({
      step: "deduction",
      name: "扣除依申请救助",
      text: granted.length === 0
        ? `${window.from}至${window.to}期间无已批准或已支付的依申请救助，扣除0.00元。`
        : `${window.from}至${window.to}期间已批准或已支付的依申请救助：${list}，合计扣除${y(deducted)}元。`,
    });
  }
  const reversedCount = excluded.filter((e) => e.reason === "reversed").length;
  const baseText =
    `${APPLICATION_KIND_NAMES[kind]}基数：申请日前${window.months}个月（${window.from}至${window.to}）未冲销的结算${counted.length}笔` +
    (reversedCount > 0 ? `（已冲销的${reversedCount}笔不计）` : "") +
    `，政策范围内个人负担合计${y(burden)}元` +
    (kind === "secondary" ? `，减去依申请救助${y(deducted)}元，再救助基数${y(base)}元。` : `，救助基数${y(base)}元。`);
  steps.push({ step: "base", name: "救助基数", text: baseText });
  let payText: string;
  if (!eligibility.eligible) payText = `不符合${APPLICATION_KIND_NAMES[kind]}条件，救助金额0.00元。`;
  else if (above === 0) payText = `救助基数${y(base)}元未超过起付标准${y(terms.threshold)}元，救助金额0.00元。`;
  else {
    payText =
      `救助金额：基数${y(base)}元超过起付标准${y(terms.threshold)}元的部分${y(above)}元×救助比例${formatRatio(terms.ratio)}=${y(raw)}元；` +
      `年度限额${y(terms.annual_limit)}元（每人每年批准一次）` +
      (raw > terms.annual_limit ? `，受年度限额限制` : "") +
      `；本次${APPLICATION_KIND_NAMES[kind]}${y(amount)}元（${FUND_PAY_TYPE_NAMES[terms.fund_pay_type] ?? terms.fund_pay_type}）。`;
  }
  steps.push({ step: "pay", name: "救助金额", text: payText });
  invariant(amount <= base, "assistance on application pays more than its base");

  return {
    kind,
    policy_id: policyId(policy),
    fund_pay_type: terms.fund_pay_type,
    window,
    eligibility,
    counted,
    excluded,
    burden_fen: burden,
    deducted_fen: deducted,
    deducted_ids: granted.map((g) => g.application_id),
    base_fen: base,
    threshold_fen: terms.threshold,
    above_fen: above,
    ratio: terms.ratio,
    raw_fen: raw,
    annual_limit_fen: terms.annual_limit,
    amount_fen: amount,
    setl_ids: counted.map((c) => c.setl_id),
    steps,
  };
}
