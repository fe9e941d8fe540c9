import { z } from "zod";
import {
  APPLICATION_KIND_NAMES, APPLICATION_KINDS, APPLICATION_STATE_NAMES, APPLICATION_STATES, FILED_VIA, type AssistanceCalculation,
} from "../../../domain/assistance/index.js";
import { CATEGORY_NAMES, FUND_PAY_TYPE_NAMES } from "../../../domain/codes.js";
import { DomainError } from "../../../domain/errors.js";
import { toYuan, type Fen } from "../../../domain/money.js";
import { PPM } from "../../../domain/ratio.js";
import { regionName } from "../../../domain/reference/index.js";
import { yuanField } from "../../../domain/zodFields.js";
import type { ApplicationWithEvents, AssistanceApplication, AssistanceEvent } from "../../../services/assistance/index.js";
import { dateIn, dateOut, timeOut, yuanOut } from "../../fields.js";

/** The wire shapes of assistance on application: amounts in yuan, codes with their names. */

export const yuanIn = yuanField.meta({ type: "number", description: "元 / yuan, at most two decimals, not negative" });

export const kindIn = z.enum(APPLICATION_KINDS).meta({ description: "application 依申请救助 | secondary 再救助" });
export const stateIn = z.enum(APPLICATION_STATES).meta({ description: "submitted 已提交 | approved 已批准 | rejected 已驳回 | paid 已支付" });

/** The household's declaration: what a person or a clerk fills in to apply. */
export const declaration = {
  kind: kindIn.optional().meta({ description: "默认 application / default application (依申请救助)" }),
  household_size: z.int().min(1).max(30).meta({ description: "家庭人口数 / members of the household" }),
  household_income: yuanIn.meta({ description: "家庭人均年收入（元）/ the household's per-capita annual income, yuan" }),
};

export const step = z.object({
  step: z.enum(["eligibility", "settlement", "excluded", "deduction", "base", "pay"]),
  name: z.string().meta({ description: "步骤名称 / the step's name" }),
  text: z.string().meta({ description: "文字与数字的说明，如结算的 setl_proc_info / the explanation in words and numbers" }),
  setl_id: z.string().optional(),
});

const event = z.object({
  at: timeOut,
  actor: z.string(),
  action: z.string().meta({ description: "file | approve | reject | pay" }),
  from_state: stateIn.nullable(),
  to_state: stateIn.nullable(),
  note: z.string().nullable(),
});

export const application = z.object({
  application_id: z.string(),
  psn_no: z.string(),
  psn_name: z.string(),
  certno: z.string().meta({ description: "参保人门户中脱敏 / masked on the portal" }),
  admdvs: z.string().meta({ description: "参保地（申请时）/ the insured region when filed" }),
  admdvs_name: z.string(),
  kind: kindIn,
  kind_name: z.string(),
  fund_pay_type: z.string(),
  fund_pay_type_name: z.string(),
  policy_id: z.string(),
  application_date: dateOut,
  state: stateIn,
  state_name: z.string(),
  filed_by: z.string(),
  filed_via: z.enum(FILED_VIA).meta({ description: "portal 本人 | console 经办人代办 | cli 命令行" }),
  warning_id: z.int().nullable(),
  household_size: z.int(),
  household_income: yuanOut.meta({ description: "申报的家庭人均年收入（元）/ the declared per-capita annual income, yuan" }),
  certified_difficulty: z.boolean().meta({ description: "经办人认定家庭生活严重困难 / a clerk certified severe difficulty" }),
  note: z.string().nullable(),
  base: yuanOut.meta({ description: "救助基数（申请时测算，批准时按已存结算重算）/ the base: as filed, then as approved" }),
  amount: yuanOut.meta({ description: "救助金额 / the amount: as filed, then as approved" }),
  setl_ids: z.array(z.string()).meta({ description: "计入的结算 / the settlements counted" }),
  steps: z.array(step),
  approval_year: z.int().nullable().meta({ description: "批准年度（每人每年一次）/ the calendar year of approval (once a year)" }),
  reviewed_by: z.string().nullable(),
  reviewed_at: timeOut.nullable(),
  reject_reason: z.string().nullable(),
  paid_by: z.string().nullable(),
  paid_at: timeOut.nullable(),
  created_at: timeOut,
  events: z.array(event).optional().meta({ description: "办理记录（详情中）/ who did what and when (in a single application's answer)" }),
});

/** "123456********1234": enough to recognise one's own number on a shared screen. */
const maskCertno = (certno: string) => `${certno.slice(0, 6)}********${certno.slice(14)}`;

export function toApplication(a: AssistanceApplication | ApplicationWithEvents, options: { mask?: boolean } = {}): z.output<typeof application> {
  return {
    application_id: a.application_id,
    psn_no: a.psn_no,
    psn_name: a.psn_name,
    certno: options.mask ? maskCertno(a.certno) : a.certno,
    admdvs: a.admdvs,
    admdvs_name: regionName(a.admdvs),
    kind: a.kind,
    kind_name: APPLICATION_KIND_NAMES[a.kind],
    fund_pay_type: a.fund_pay_type,
    fund_pay_type_name: FUND_PAY_TYPE_NAMES[a.fund_pay_type] ?? a.fund_pay_type,
    policy_id: a.policy_id,
    application_date: a.application_date,
    state: a.state,
    state_name: APPLICATION_STATE_NAMES[a.state],
    filed_by: a.filed_by,
    filed_via: a.filed_via,
    warning_id: a.warning_id,
    household_size: a.household_size,
    household_income: toYuan(a.household_income_fen),
    certified_difficulty: a.certified_difficulty,
    note: a.note,
    base: toYuan(a.base_fen),
    amount: toYuan(a.amount_fen),
    setl_ids: a.setl_ids,
    steps: a.steps,
    approval_year: a.approval_year,
    reviewed_by: a.reviewed_by,
    reviewed_at: a.reviewed_at,
    reject_reason: a.reject_reason,
    paid_by: a.paid_by,
    paid_at: a.paid_at,
    created_at: a.created_at,
    ...("events" in a ? { events: a.events.map((e: AssistanceEvent) => ({ at: e.at, actor: e.actor, action: e.action, from_state: e.from_state, to_state: e.to_state, note: e.note })) } : {}),
  };
}

export const calculation = z.object({
  kind: kindIn,
  kind_name: z.string(),
  policy_id: z.string(),
  fund_pay_type: z.string(),
  window: z.object({ from: dateOut, to: dateOut, months: z.int() }).meta({ description: "申请日前的回溯期（含两端）/ the lookback window, both ends included" }),
  eligible: z.boolean(),
  eligibility: z.object({
    income: z.object({
      per_capita: yuanOut,
      limit: yuanOut.meta({ description: "低保标准 × 倍数 / the minimum-living standard × the multiple" }),
      passed: z.boolean(),
    }).nullable().meta({ description: "收入条件（再救助无）/ the income test (none for secondary)" }),
    category: z.string().nullable(),
    category_name: z.string().nullable(),
    certified_difficulty: z.boolean(),
    received_assistance: z.boolean().meta({ description: "回溯期内已获医疗救助或依申请救助 / medical or application-based assistance received in the window" }),
    refusal: z.object({ field: z.string(), rule: z.string() }).nullable(),
  }),
  settlements: z.array(z.object({
    setl_id: z.string(), setl_date: dateOut, inscp_scp_amt: yuanOut,
    funds: yuanOut.meta({ description: "hifp + hifmi + hifob + maf + oth" }),
    burden: yuanOut.meta({ description: "政策范围内个人负担 / the in-policy burden left" }),
  })),
  excluded: z.array(z.object({ setl_id: z.string(), setl_date: dateOut, reason: z.enum(["reversed", "before_window", "after_application"]) })),
  burden: yuanOut,
  deducted: yuanOut.meta({ description: "再救助：扣除的依申请救助 / secondary: the application-based assistance deducted" }),
  deducted_ids: z.array(z.string()),
  base: yuanOut,
  threshold: yuanOut,
  above: yuanOut,
  ratio: z.number().meta({ description: "救助比例（小数）/ the ratio, a decimal" }),
  raw: yuanOut,
  annual_limit: yuanOut,
  amount: yuanOut,
  setl_ids: z.array(z.string()),
  steps: z.array(step),
});

export function toCalculation(c: AssistanceCalculation): z.output<typeof calculation> {
  const y = (f: Fen) => toYuan(f);
  return {
    kind: c.kind,
    kind_name: APPLICATION_KIND_NAMES[c.kind],
    policy_id: c.policy_id,
    fund_pay_type: c.fund_pay_type,
    window: c.window,
    eligible: c.eligibility.eligible,
    eligibility: {
      income: c.eligibility.income ? { per_capita: y(c.eligibility.income.per_capita_fen), limit: y(c.eligibility.income.limit_fen), passed: c.eligibility.income.passed } : null,
      category: c.eligibility.category,
      category_name: c.eligibility.category ? CATEGORY_NAMES[c.eligibility.category] : null,
      certified_difficulty: c.eligibility.certified_difficulty,
      received_assistance: c.eligibility.received_assistance,
      refusal: c.eligibility.refusal,
    },
    settlements: c.counted.map((s) => ({ setl_id: s.setl_id, setl_date: s.setl_date, inscp_scp_amt: y(s.inscp_scp_amt), funds: y(s.funds_fen), burden: y(s.burden_fen) })),
    excluded: c.excluded,
    burden: y(c.burden_fen),
    deducted: y(c.deducted_fen),
    deducted_ids: c.deducted_ids,
    base: y(c.base_fen),
    threshold: y(c.threshold_fen),
    above: y(c.above_fen),
    ratio: c.ratio / PPM,
    raw: y(c.raw_fen),
    annual_limit: y(c.annual_limit_fen),
    amount: y(c.amount_fen),
    setl_ids: c.setl_ids,
    steps: c.steps,
  };
}

export const applicationDateIn = dateIn.optional().meta({ description: "申请日期，默认今天，不得晚于今天 / the application date: default today, never later" });

/**
 * Runs a use case and names the fields of its refusals as the request sent them ("household_size" → "body.household_size",
 * "application_id" → "params.id"), keeping the refusal's class (a conflict stays a 409, a missing application a 404).
 */
export async function asRequest<T>(run: () => Promise<T>, fields: Record<string, string>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const field = error instanceof DomainError ? fields[error.field] : undefined;
    if (error instanceof DomainError && field !== undefined) {
      const Refusal = error.constructor as new (field: string, rule: string) => DomainError;
      throw new Refusal(field, error.rule);
    }
    throw error;
  }
}

/** The fields a filing or a preview names, as the request's body. */
export const BODY_FIELDS: Record<string, string> = Object.fromEntries(
  ["psn_no", "kind", "application_date", "household_size", "household_income", "certified_difficulty", "note", "warning_id"].map((f) => [f, `body.${f}`]),
);
