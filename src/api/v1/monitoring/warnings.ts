import { z } from "zod";
import { CATEGORY_NAMES, NATIONAL_MED_TYPES, type Category } from "../../../domain/codes.js";
import type { Principal } from "../../../domain/identity/index.js";
import { toYuan } from "../../../domain/money.js";
import {
  allowedActions, CRITERIA, CRITERION_NAMES, WARNING_ACTION_NAMES, WARNING_ACTIONS, WARNING_EVENT_NAMES, WARNING_STATE_NAMES, WARNING_STATES,
  WarningStateError,
} from "../../../domain/monitoring/index.js";
import { regionName } from "../../../domain/reference/index.js";
import { yuanField } from "../../../domain/zodFields.js";
import { actOnWarning, getWarning, listWarnings, scanYear, type WarningDetail, type WarningSummary } from "../../../services/monitoring/index.js";
import type { Services } from "../../../services/common/index.js";
import { ConflictError, NotFoundError } from "../../errors.js";
import { categoryIn, dateOut, idIn, paged, pagination, regionIn, timeOut, yearIn, yuanOut } from "../../fields.js";
import { defineRoute } from "../../route.js";
import { checkPerson, regionOf } from "../../scope.js";
import { signedIn } from "../../session.js";
import { renameFields } from "../common/inputs.js";

/**
 * 高额医疗费用预警 over the REST API: the list with its filters, one warning with its figures, settlements and events, the
 * clerk's actions, and the scan of a year. Bureau staff see the warnings of persons insured in their region; auditors
 * read and never act (the routes' access); a county's clerk sees only the county's people.
 */

export const warningSummary = z.object({
  id: z.int(),
  psn_no: z.string(),
  psn_name: z.string(),
  certno: z.string(),
  admdvs: z.string().meta({ description: "参保地 / the insured region" }),
  admdvs_name: z.string(),
  policy_id: z.string(),
  state: z.enum(WARNING_STATES).meta({ description: "new 新预警 → contacted 已联系 → helped 已帮扶 | not_eligible 不符合 → closed 已办结" }),
  state_name: z.string(),
  criteria: z.array(z.enum(CRITERIA)).meta({ description: "成立的预警条件 / the thresholds that hold: window (a), income (b), single (c); empty when below all" }),
  criteria_names: z.array(z.string()),
  proactive: z.boolean().meta({ description: "主动发现：核算日无医疗救助身份 / (d) no assistance category on the check date" }),
  category: z.string().nullable().meta({ description: "核算日的医疗救助身份 / the assistance category held on the check date" }),
  category_name: z.string().nullable(),
  window_from: dateOut,
  window_to: dateOut.meta({ description: "核算日 / the check date" }),
  window_self_paid: yuanOut.meta({ description: "期间政策范围内个人自付（元）/ the window's in-policy self-paid, yuan" }),
  household_income: yuanOut.nullable().meta({ description: "家庭年收入（人均 × 人数），未登记为空 / the household's annual income, null when unknown" }),
  max_single_self_paid: yuanOut.meta({ description: "单次结算最高个人自付 / the largest self-paid of one settlement" }),
  settlement_count: z.int(),
  below_threshold: z.boolean().meta({ description: "撤销结算等使其已低于全部预警线（预警保留）/ back under every threshold (the warning is kept)" }),
  explanation: z.string().meta({ description: "核算说明 / the figures and thresholds in words and numbers" }),
  raised_at: timeOut,
  checked_at: timeOut,
  updated_at: timeOut,
});

export function toWarningSummary(w: WarningSummary): z.output<typeof warningSummary> {
  return {
    id: w.id, psn_no: w.psn_no, psn_name: w.psn_name, certno: w.certno, admdvs: w.admdvs, admdvs_name: regionName(w.admdvs), policy_id: w.policy_id,
    state: w.state, state_name: WARNING_STATE_NAMES[w.state], criteria: w.criteria, criteria_names: w.criteria.map((c) => CRITERION_NAMES[c]),
    proactive: w.proactive, category: w.category, category_name: w.category === null ? null : (CATEGORY_NAMES[w.category as Category] ?? w.category),
    window_from: w.window_from, window_to: w.window_to, window_self_paid: toYuan(w.window_self_paid_fen),
    household_income: w.household_income_fen === null ? null : toYuan(w.household_income_fen), max_single_self_paid: toYuan(w.max_single_self_paid_fen),
    settlement_count: w.settlement_count, below_threshold: w.below_threshold, explanation: w.explanation,
    raised_at: w.raised_at, checked_at: w.checked_at, updated_at: w.updated_at,
  };
}

const warningSettlement = z.object({
  setl_id: z.string(),
  setl_time: z.string().meta({ description: "YYYY-MM-DD HH:MM:SS (China time)" }),
  fixmedins_code: z.string(),
  fixmedins_name: z.string(),
  med_type: z.string(),
  med_type_name: z.string(),
  medfee_sumamt: yuanOut.meta({ description: "医疗费总额 / the bill" }),
  self_paid: yuanOut.meta({ description: "政策范围内个人自付 / in-policy self-paid" }),
  status: z.enum(["settled", "reversed"]),
});

const warningEvent = z.object({
  id: z.int(),
  at: timeOut,
  actor: z.string().meta({ description: "操作人，system 为监测程序 / who: a user, or system for the monitor" }),
  action: z.string().meta({ description: "raised | rechecked | below_threshold | above_threshold | contact | help | not_eligible | close" }),
  action_name: z.string(),
  from_state: z.enum(WARNING_STATES).nullable(),
  to_state: z.enum(WARNING_STATES).nullable(),
  note: z.string().nullable(),
});

export const warningDetail = warningSummary.extend({
  settlements: z.array(warningSettlement).meta({ description: "预警所依据的结算 / the settlements behind the figures" }),
  events: z.array(warningEvent),
  allowed_actions: z.array(z.enum(WARNING_ACTIONS)).meta({ description: "当前状态允许的操作 / what the state allows now" }),
});

export function toWarningDetail(w: WarningDetail): z.output<typeof warningDetail> {
  return {
    ...toWarningSummary(w),
    settlements: w.settlements.map((s) => ({
      setl_id: s.setl_id, setl_time: s.setl_time, fixmedins_code: s.fixmedins_code, fixmedins_name: s.fixmedins_name, med_type: s.med_type,
      med_type_name: (NATIONAL_MED_TYPES as Record<string, { name: string }>)[s.med_type]?.name ?? s.med_type,
      medfee_sumamt: toYuan(s.medfee_sumamt), self_paid: toYuan(s.self_paid_fen), status: s.status,
    })),
    events: w.events.map((e) => ({ ...e, action_name: WARNING_EVENT_NAMES[e.action] ?? e.action })),
    allowed_actions: allowedActions(w),
  };
}

const yuanIn = yuanField.meta({ type: "string", pattern: "^\\d+(\\.\\d{1,2})?$", description: "元，至多两位小数 / yuan, at most two decimals" });
const flagIn = z.enum(["true", "false"]).transform((v) => v === "true");

export const listWarningsRoute = defineRoute({
  method: "GET",
  path: "/warnings",
  operationId: "listWarnings",
  summary: { zh: "高额医疗费用预警", en: "Warnings of catastrophic spending" },
  description: "本地区参保人员的预警，最新在前 / the warnings of persons insured in your region, newest first.",
  tags: ["monitoring"],
  access: "read",
  query: z.strictObject({
    state: z.enum(WARNING_STATES).optional(),
    category: categoryIn.optional().meta({ description: "核算日的医疗救助身份 / the assistance category held on the check date" }),
    proactive: flagIn.optional().meta({ description: "true：主动发现名单（无救助身份）/ true: the proactive list (no assistance category)" }),
    below_threshold: flagIn.optional(),
    admdvs: regionIn.optional().meta({ description: "参保地（县区），须在本人地区内 / the insured region (a county), inside yours" }),
    min_window_self_paid: yuanIn.optional().meta({ description: "期间个人自付不低于（元）/ the window's self-paid at least, yuan" }),
    psn_no: z.string().min(1).max(40).optional(),
    ...pagination,
  }),
  response: paged(warningSummary),
  async handle({ query, services, principal }) {
    const admdvs = regionOf(signedIn(principal), query.admdvs, "query.admdvs");
    const found = await renameFields("query", () => listWarnings(services.db, {
      ...(query.state !== undefined ? { state: query.state } : {}),
      ...(query.category !== undefined ? { category: query.category } : {}),
      ...(query.proactive !== undefined ? { proactive: query.proactive } : {}),
      ...(query.below_threshold !== undefined ? { below_threshold: query.below_threshold } : {}),
      ...(admdvs !== undefined ? { admdvs } : {}),
      ...(query.min_window_self_paid !== undefined ? { min_window_self_paid_fen: query.min_window_self_paid } : {}),
      ...(query.psn_no !== undefined ? { psn_no: query.psn_no } : {}),
    }, query));
    return { items: found.items.map(toWarningSummary), page: query.page, page_size: query.page_size, total: found.total, total_capped: found.total_capped };
  },
});

const warningParams = z.strictObject({ id: idIn.meta({ description: "预警编号 / warning id" }) });

/** The warning, if it exists and its person is insured inside the principal's region (403 outside, 404 when none). */
async function visibleWarning(services: Services, id: number, principal: Principal | null): Promise<WarningDetail> {
  const w = await getWarning(services.db, id);
  if (!w) throw new NotFoundError("params.id", `no warning ${id}`);
  checkPerson(signedIn(principal), { psn_no: w.psn_no, insuplc_admdvs: w.admdvs }, "params.id");
  return w;
}

export const getWarningRoute = defineRoute({
  method: "GET",
  path: "/warnings/{id}",
  operationId: "getWarning",
  summary: { zh: "预警详情：核算数据、所依据的结算与处理记录", en: "A warning: its figures, the settlements behind them and what was done" },
  tags: ["monitoring"],
  access: "read",
  params: warningParams,
  errors: [404],
  response: warningDetail,
  async handle({ params, services, principal }) {
    return toWarningDetail(await visibleWarning(services, params.id, principal));
  },
});

export const actOnWarningRoute = defineRoute({
  method: "POST",
  path: "/warnings/{id}/actions",
  operationId: "actOnWarning",
  summary: { zh: "处理预警：联系、帮扶、认定不符合、办结", en: "Act on a warning: contact, help, not eligible, close" },
  description:
    "new →contact→ contacted →help→ helped | →not_eligible→ not_eligible →close→ closed；已低于全部预警线的预警可在 new、contacted 时直接办结。" +
    "not_eligible 须说明原因。操作人为当前登录用户 / a below-threshold warning may be closed from new or contacted; not_eligible needs a note; " +
    "the actor is the signed-in user.",
  tags: ["monitoring"],
  access: "write",
  params: warningParams,
  body: z.strictObject({
    action: z.enum(WARNING_ACTIONS).meta({ description: Object.entries(WARNING_ACTION_NAMES).map(([k, v]) => `${k} ${v}`).join(" | ") }),
    note: z.string().max(500).optional().meta({ description: "说明（not_eligible 必填）/ a note (required for not_eligible)" }),
  }),
  errors: [404, 409],
  response: warningDetail,
  async handle({ params, body, services, principal }) {
    await visibleWarning(services, params.id, principal);
    try {
      const after = await renameFields("body", () =>
        actOnWarning(services.db, params.id, { action: body.action, note: body.note ?? null, actor: signedIn(principal).username }), { id: "params.id" });
      return toWarningDetail(after);
    } catch (error) {
      if (error instanceof WarningStateError) throw new ConflictError("body.action", error.rule);
      throw error;
    }
  },
});

export const scanWarningsRoute = defineRoute({
  method: "POST",
  path: "/warnings/scan",
  operationId: "scanWarnings",
  summary: { zh: "预警扫描（按年度）", en: "Scan a year for warnings" },
  description:
    "核算本地区当年有结算的人员及全部未办结预警；核算日为年末（当年为今天）；可重复执行，结果不变则不写 / checks every person of your region " +
    "with settlements in the year and every open warning, on the year's last day (today for this year); idempotent.",
  tags: ["monitoring"],
  access: "write",
  body: z.strictObject({ year: yearIn, admdvs: regionIn.optional() }),
  response: z.object({
    year: z.int(),
    admdvs: z.string().nullable(),
    date: dateOut.meta({ description: "核算日 / the check date" }),
    persons: z.int().meta({ description: "当年有结算的人数 / persons with settlements in force in the year" }),
    without_policy: z.int().meta({ description: "参保地政策未设预警线的人数 / of them, insured where no policy sets thresholds" }),
    candidates: z.int().meta({ description: "逐人核算的人数 / persons checked one by one" }),
    raised: z.int(),
    rechecked: z.int(),
    below_threshold: z.int(),
    above_threshold: z.int(),
    unchanged: z.int(),
    none: z.int().meta({ description: "超过预警线但支出已由已办结预警处理 / past a threshold, but the spending is what a closed warning held" }),
  }),
  async handle({ body, services, principal }) {
    const me = signedIn(principal);
    const admdvs = regionOf(me, body.admdvs, "body.admdvs");
    return renameFields("body", () => scanYear(services, { year: body.year, ...(admdvs !== undefined ? { admdvs } : {}), actor: me.username }));
  },
});
