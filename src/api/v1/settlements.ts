import { z } from "zod";
import { mayReadSettlement, settlementFilter } from "../../domain/access.js";
import { CATEGORY_NAMES, CHRGITM_NAMES, INSUTYPE_NAMES, NATIONAL_MED_TYPES, type Category, type ChrgitmLevel } from "../../domain/codes.js";
import { toYuan, type Fen } from "../../domain/money.js";
import { regionName } from "../../domain/regions.js";
import { policyId } from "../../domain/policy/schema.js";
import { plainExplanation } from "../../domain/settlement/plain.js";
import { todayInChina } from "../../services/duplicates.js";
import { coverage } from "../../services/coverage.js";
import {
  beneficiariesByCategory, hospitalsOverview, listSettlements, reconcileHospitals, settlementDetail, spendingByMonth,
  type FundRow, type SettlementListRow,
} from "../../services/settlementViews.js";
import { forbidden, NotFoundError } from "../errors.js";
import { dateIn, paged, pagination, regionIn, timeOut, yearIn, yuanOut } from "../fields.js";
import { defineRoute } from "../route.js";
import { regionOf } from "../scope.js";
import { signedIn } from "../session.js";
import { DomainError } from "../../domain/errors.js";

const categoryName = (c: string | null) => (c === null ? null : (CATEGORY_NAMES[c as Category] ?? c));

export const settlementSummary = z.object({
  setl_id: z.string(),
  mdtrt_id: z.string(),
  psn_no: z.string(),
  psn_name: z.string(),
  certno: z.string(),
  fixmedins_code: z.string(),
  fixmedins_name: z.string(),
  insutype: z.string(),
  insutype_name: z.string(),
  med_type: z.string(),
  med_type_name: z.string(),
  setl_time: z.string().meta({ description: "YYYY-MM-DD HH:MM:SS (China time)" }),
  year: z.int(),
  insuplc_admdvs: z.string(),
  mdtrtarea_admvs: z.string(),
  medfee_sumamt: yuanOut.meta({ description: "医疗费总额" }),
  fund_pay_sumamt: yuanOut.meta({ description: "基金支付总额" }),
  hifp_pay: yuanOut.meta({ description: "基本医疗保险统筹基金支出" }),
  hifmi_pay: yuanOut.meta({ description: "居民大病保险资金支出" }),
  hifob_pay: yuanOut.meta({ description: "职工大额医疗费用补助基金支出" }),
  maf_pay: yuanOut.meta({ description: "医疗救助基金支出" }),
  oth_pay: yuanOut.meta({ description: "其他支出" }),
  acct_pay: yuanOut.meta({ description: "个人账户支出" }),
  psn_cash_pay: yuanOut.meta({ description: "个人现金支出" }),
  status: z.enum(["settled", "reversed"]),
});

function toSummary(s: SettlementListRow): z.output<typeof settlementSummary> {
  return {
    setl_id: s.setl_id, mdtrt_id: s.mdtrt_id, psn_no: s.psn_no, psn_name: s.psn_name, certno: s.certno,
    fixmedins_code: s.fixmedins_code, fixmedins_name: s.fixmedins_name, insutype: s.insutype, insutype_name: INSUTYPE_NAMES[s.insutype] ?? s.insutype,
    med_type: s.med_type, med_type_name: (NATIONAL_MED_TYPES as Record<string, { name: string }>)[s.med_type]?.name ?? s.med_type, setl_time: s.setl_time, year: s.year,
    insuplc_admdvs: s.insuplc_admdvs, mdtrtarea_admvs: s.mdtrtarea_admvs,
    medfee_sumamt: toYuan(s.medfee_sumamt), fund_pay_sumamt: toYuan(s.fund_pay_sumamt), hifp_pay: toYuan(s.hifp_pay), hifmi_pay: toYuan(s.hifmi_pay),
    hifob_pay: toYuan(s.hifob_pay), maf_pay: toYuan(s.maf_pay), oth_pay: toYuan(s.oth_pay), acct_pay: toYuan(s.acct_pay), psn_cash_pay: toYuan(s.psn_cash_pay),
    status: s.status,
  };
}

export const listSettlementsRoute = defineRoute({
  method: "GET",
  path: "/settlements",
  operationId: "listSettlements",
  summary: { zh: "结算记录", en: "Settlements" },
  description: "参保人只见本人的，医疗机构只见本机构的，医保局人员见本地区（参保地或就医地）的，最新在前 / the insured see their own, a hospital its own, bureau staff their region's (insured or treating), newest first.",
  tags: ["settlements"],
  access: "settlements",
  query: z.strictObject({
    psn_no: z.string().min(1).max(50).optional(),
    fixmedins_code: z.string().min(1).max(30).optional(),
    year: yearIn.optional(),
    status: z.enum(["settled", "reversed"]).optional(),
    ...pagination,
  }),
  response: paged(settlementSummary),
  async handle({ query, services, principal }) {
    const scope = settlementFilter(signedIn(principal));
    // A filter narrows the scope; it never widens it (both must hold).
    if (scope.psn_no !== undefined && query.psn_no !== undefined && query.psn_no !== scope.psn_no) throw forbidden("query.psn_no", "an insured person sees only their own settlements");
    if (scope.fixmedins_code !== undefined && query.fixmedins_code !== undefined && query.fixmedins_code !== scope.fixmedins_code) {
      throw forbidden("query.fixmedins_code", "a hospital sees only its own settlements");
    }
    const found = await listSettlements(services.db, {
      ...scope,
      ...(query.psn_no !== undefined ? { psn_no: query.psn_no } : {}),
      ...(query.fixmedins_code !== undefined ? { fixmedins_code: query.fixmedins_code } : {}),
      year: query.year,
      status: query.status,
    }, query);
    return { items: found.items.map(toSummary), page: query.page, page_size: query.page_size, total: found.total, total_capped: found.total_capped };
  },
});

const fundOut = z.object({
  fund_pay_type: z.string(),
  fund_pay_type_name: z.string(),
  inscp_scp_amt: yuanOut.meta({ description: "该基金计算所依据的金额 / the amount the fund's rule applied to" }),
  crt_payb_lmt_amt: yuanOut.nullable().meta({ description: "结算前剩余限额 / room left under its cap before this settlement" }),
  fund_payamt: yuanOut,
  setl_proc_info: z.string().meta({ description: "计算过程说明 / how it was computed, in words and numbers" }),
});

const toFund = (f: FundRow): z.output<typeof fundOut> => ({
  fund_pay_type: f.fund_pay_type, fund_pay_type_name: f.fund_pay_type_name, inscp_scp_amt: toYuan(f.inscp_scp_amt),
  crt_payb_lmt_amt: f.crt_payb_lmt_amt === null ? null : toYuan(f.crt_payb_lmt_amt), fund_payamt: toYuan(f.fund_payamt), setl_proc_info: f.setl_proc_info,
});

export const getSettlementRoute = defineRoute({
  method: "GET",
  path: "/settlements/{setl_id}",
  operationId: "getSettlement",
  summary: { zh: "结算详情：逐条费用分割与各基金说明", en: "A settlement: every line's split and each fund's explanation" },
  tags: ["settlements"],
  access: "settlements",
  params: z.strictObject({ setl_id: z.string().min(1).max(60) }),
  errors: [404],
  response: z.object({
    settlement: settlementSummary.extend({
      fulamt_ownpay_amt: yuanOut.meta({ description: "全自费金额" }),
      overlmt_selfpay: yuanOut.meta({ description: "超限价自费费用" }),
      preselfpay_amt: yuanOut.meta({ description: "先行自付金额" }),
      inscp_scp_amt: yuanOut.meta({ description: "符合政策范围金额" }),
      act_pay_dedc: yuanOut.meta({ description: "实际支付起付线" }),
      pool_prop_selfpay: yuanOut.meta({ description: "基本医疗保险统筹基金支付比例内个人自付" }),
      psn_part_amt: yuanOut.meta({ description: "个人负担总金额" }),
      policy_id: z.string(),
      tilt_category: z.string().nullable(),
      tilt_category_name: z.string().nullable(),
      assistance_category: z.string().nullable(),
      assistance_category_name: z.string().nullable(),
      insuplc_admdvs_name: z.string(),
      mdtrtarea_admvs_name: z.string(),
    }),
    funds: z.array(fundOut).meta({ description: "支付了的基金（setldetail）/ the funds that paid" }),
    steps: z.array(fundOut).meta({ description: "每一层的计算，含支付为 0 的 / every tier's step, those that paid nothing included" }),
    lines: z.array(z.object({
      feedetl_sn: z.string(),
      med_list_codg: z.string(),
      med_list_name: z.string().nullable(),
      list_type: z.string().nullable(),
      chrgitm_lv: z.string().nullable(),
      chrgitm_lv_name: z.string().nullable().meta({ description: "甲类 / 乙类 / 丙类" }),
      pric: z.number().meta({ description: "元 / yuan, the unit price, at most six decimals" }),
      cnt: z.number(),
      det_item_fee_sumamt: yuanOut,
      fulamt_ownpay_amt: yuanOut,
      overlmt_amt: yuanOut,
      preselfpay_amt: yuanOut,
      inscp_scp_amt: yuanOut,
    })),
    explanation_plain: z.array(z.string()).meta({ description: "给参保人的通俗说明 / the settlement in plain words (Chinese)" }),
    explanation_plain_en: z.array(z.string()).meta({ description: "the same in English" }),
  }),
  async handle({ params, services, principal }) {
    const me = signedIn(principal);
    const found = await settlementDetail(services.db, params.setl_id);
    if (!found) throw new NotFoundError("params.setl_id", `no settlement ${params.setl_id}`);
    const s = found.settlement;
    if (!mayReadSettlement(me, s)) throw forbidden("params.setl_id", `settlement ${params.setl_id} is outside what you may see`);
    // The basic fund is the one the settlement's policy names for its insurance type.
    const basicFund = services.policies.find((p) => policyId(p) === s.policy_id)?.basic[s.insutype]?.fund_pay_type;
    const plain = plainExplanation({ ...s, basic_step: found.steps.find((f) => f.fund_pay_type === basicFund) ?? null });
    return {
      settlement: {
        ...toSummary(s),
        fulamt_ownpay_amt: toYuan(s.fulamt_ownpay_amt), overlmt_selfpay: toYuan(s.overlmt_selfpay), preselfpay_amt: toYuan(s.preselfpay_amt),
        inscp_scp_amt: toYuan(s.inscp_scp_amt), act_pay_dedc: toYuan(s.act_pay_dedc), pool_prop_selfpay: toYuan(s.pool_prop_selfpay),
        psn_part_amt: toYuan(s.psn_part_amt), policy_id: s.policy_id,
        tilt_category: s.tilt_category, tilt_category_name: categoryName(s.tilt_category),
        assistance_category: s.assistance_category, assistance_category_name: categoryName(s.assistance_category),
        insuplc_admdvs_name: regionName(s.insuplc_admdvs), mdtrtarea_admvs_name: regionName(s.mdtrtarea_admvs),
      },
      funds: found.funds.map(toFund),
      steps: found.steps.map(toFund),
      lines: found.lines.map((l) => ({
        feedetl_sn: l.feedetl_sn, med_list_codg: l.med_list_codg, med_list_name: l.med_list_name, list_type: l.list_type, chrgitm_lv: l.chrgitm_lv,
        chrgitm_lv_name: l.chrgitm_lv === null ? null : (CHRGITM_NAMES[l.chrgitm_lv as ChrgitmLevel] ?? l.chrgitm_lv),
        pric: l.pric_e6 / 1_000_000, cnt: l.cnt_e4 / 10_000, det_item_fee_sumamt: toYuan(l.det_item_fee_sumamt), fulamt_ownpay_amt: toYuan(l.fulamt_ownpay_amt),
        overlmt_amt: toYuan(l.overlmt_amt), preselfpay_amt: toYuan(l.preselfpay_amt), inscp_scp_amt: toYuan(l.inscp_scp_amt),
      })),
      explanation_plain: plain.zh,
      explanation_plain_en: plain.en,
    };
  },
});

const defaultYear = () => Number(todayInChina().slice(0, 4));

export const dashboardRoute = defineRoute({
  method: "GET",
  path: "/dashboard",
  operationId: "dashboard",
  summary: { zh: "首页统计：各层级月度支出、受益人群、参保率", en: "Dashboard: spending per tier per month, beneficiaries, coverage" },
  tags: ["settlements"],
  access: "settlements",
  query: z.strictObject({ year: yearIn.optional().meta({ description: "年度，默认今年 / the year, default this year" }) }),
  response: z.object({
    year: z.int(),
    admdvs: z.string(),
    as_of: timeOut.meta({ description: "这些数字的计算时间（至多一分钟前，YIBAO_SNAPSHOT_MAX_AGE_SECONDS）/ when the figures were computed (at most a minute ago by default)" }),
    totals: z.object({ settlements: z.int(), medfee_sumamt: yuanOut, fund_pay_sumamt: yuanOut, psn_cash_pay: yuanOut }),
    spending_by_month: z.array(z.object({
      month: z.int(),
      settlements: z.int(),
      medfee_sumamt: yuanOut,
      basic: yuanOut.meta({ description: "基本医保统筹 / basic insurance" }),
      critical_illness: yuanOut.meta({ description: "大病保险 / critical-illness insurance" }),
      large_amount: yuanOut.meta({ description: "职工大额 / employees' large-expense fund" }),
      assistance: yuanOut.meta({ description: "医疗救助 / medical assistance" }),
      other: yuanOut,
      personal_account: yuanOut,
      cash: yuanOut,
    })),
    beneficiaries_by_category: z.array(z.object({ category: z.string(), category_name: z.string(), persons: z.int(), settlements: z.int(), assistance_paid: yuanOut, medfee_sumamt: yuanOut })),
    coverage: z.array(z.object({ admdvs: z.string(), admdvs_name: z.string(), population: z.int().nullable(), insured: z.int(), rate_percent: z.number().nullable() }))
      .meta({ description: "各地区参保率（人口来自导入）/ coverage per region (the population is imported); empty for a hospital or a person" }),
  }),
  async handle({ query, services, principal }) {
    const me = signedIn(principal);
    const year = query.year ?? defaultYear();
    const scope = settlementFilter(me);
    const withCoverage = !(me.role === "insured" || me.role === "hospital");
    // A read of the year's settlements of the scope (millions in a large region): answered from a snapshot at most
    // services.snapshotMaxAgeMs old (context.ts), the same for everyone of the same scope; as_of says when it was taken.
    const { value: [months, beneficiaries, covered], at } = await services.snapshot(
      `dashboard:${year}:${JSON.stringify(scope)}:${withCoverage ? "coverage" : "-"}`,
      () => Promise.all([
        spendingByMonth(services.db, year, scope),
        beneficiariesByCategory(services.db, year, scope),
        withCoverage ? coverage(services.db, { year, ...(scope.region ? { admdvs: scope.region } : {}) }) : Promise.resolve(null),
      ]),
    );
    const sum = (k: "medfee_sumamt" | "cash") => months.reduce((a, m) => a + m[k], 0) as Fen;
    const funds = months.reduce((a, m) => a + m.basic + m.critical_illness + m.large_amount + m.assistance + m.other, 0) as Fen;
    return {
      year,
      admdvs: me.admdvs,
      as_of: at.toISOString(),
      totals: { settlements: months.reduce((a, m) => a + m.settlements, 0), medfee_sumamt: toYuan(sum("medfee_sumamt")), fund_pay_sumamt: toYuan(funds), psn_cash_pay: toYuan(sum("cash")) },
      spending_by_month: months.map((m) => ({
        month: m.month, settlements: m.settlements, medfee_sumamt: toYuan(m.medfee_sumamt), basic: toYuan(m.basic), critical_illness: toYuan(m.critical_illness),
        large_amount: toYuan(m.large_amount), assistance: toYuan(m.assistance), other: toYuan(m.other), personal_account: toYuan(m.personal_account), cash: toYuan(m.cash),
      })),
      beneficiaries_by_category: beneficiaries.map((b) => ({
        category: b.category, category_name: categoryName(b.category) ?? b.category, persons: b.persons, settlements: b.settlements,
        assistance_paid: toYuan(b.assistance_paid), medfee_sumamt: toYuan(b.medfee_sumamt),
      })),
      coverage: (covered?.rows ?? []).filter((r) => r.category === "all").map((r) => ({
        admdvs: r.admdvs, admdvs_name: regionName(r.admdvs), population: r.population, insured: r.insured, rate_percent: r.rate_bp === null ? null : r.rate_bp / 100,
      })),
    };
  },
});

export const hospitalsRoute = defineRoute({
  method: "GET",
  path: "/hospitals",
  operationId: "listHospitals",
  summary: { zh: "定点医疗机构及其年度结算", en: "Hospitals and their settlements of a year" },
  tags: ["settlements"],
  access: "settlements",
  query: z.strictObject({ year: yearIn.optional(), admdvs: regionIn.optional() }),
  response: z.object({
    year: z.int(),
    items: z.array(z.object({
      fixmedins_code: z.string(), fixmedins_name: z.string(), medins_lv: z.string(), admdvs: z.string(), admdvs_name: z.string(),
      settlements: z.int(), medfee_sumamt: yuanOut, fund_pay_sumamt: yuanOut,
    })),
  }),
  async handle({ query, services, principal }) {
    const me = signedIn(principal);
    if (me.role === "insured") throw forbidden(null, "the insured see their own settlements in the portal");
    const year = query.year ?? defaultYear();
    const scope = me.role === "hospital" ? settlementFilter(me) : { region: regionOf(me, query.admdvs, "query.admdvs") };
    const rows = await hospitalsOverview(services.db, year, scope);
    return {
      year,
      items: rows.map((h) => ({ ...h, admdvs_name: regionName(h.admdvs), medfee_sumamt: toYuan(h.medfee_sumamt), fund_pay_sumamt: toYuan(h.fund_pay_sumamt) })),
    };
  },
});

const totalsOut = z.object({ medfee_sumamt: yuanOut, fund_pay_sumamt: yuanOut, acct_pay: yuanOut, psn_cash_pay: yuanOut });

export const reconciliationRoute = defineRoute({
  method: "GET",
  path: "/reconciliation",
  operationId: "reconciliation",
  summary: { zh: "对账：各医疗机构结算与账本核对", en: "Reconciliation: each hospital's settlements against the ledger" },
  description: "按结算时间取期间内的结算；平台合计（有效结算）与账本净额逐项核对到分 / the settlements of the period by settlement time; the platform's totals (settlements in force) against the ledger's net, figure by figure, to the fen.",
  tags: ["settlements"],
  access: "settlements",
  query: z.strictObject({
    date_from: dateIn.optional().meta({ description: "默认本年 1 月 1 日 / default 1 January of this year" }),
    date_to: dateIn.optional().meta({ description: "默认今天 / default today" }),
    fixmedins_code: z.string().min(1).max(30).optional(),
  }),
  response: z.object({
    date_from: z.string(),
    date_to: z.string(),
    items: z.array(z.object({
      fixmedins_code: z.string(), fixmedins_name: z.string(), settlements: z.int(), reversed: z.int(),
      platform: totalsOut, ledger: totalsOut, balanced: z.boolean(),
    })),
  }),
  async handle({ query, services, principal }) {
    const me = signedIn(principal);
    if (me.role === "insured") throw forbidden(null, "reconciliation is for the bureau and the hospitals");
    const today = todayInChina();
    const from = query.date_from ?? `${today.slice(0, 4)}-01-01`;
    const to = query.date_to ?? today;
    if (from > to) throw new DomainError("query.date_from", `must not be after date_to (${to})`);
    if (me.role === "hospital" && query.fixmedins_code !== undefined && query.fixmedins_code !== me.fixmedins_code) {
      throw forbidden("query.fixmedins_code", "a hospital reconciles only its own settlements");
    }
    const rows = await reconcileHospitals(services.db, {
      from, to,
      ...(me.role === "hospital" ? settlementFilter(me) : { region: regionOf(me, undefined, "query"), fixmedins_code: query.fixmedins_code }),
    });
    const t = (m: { medfee_sumamt: Fen; fund_pay_sumamt: Fen; acct_pay: Fen; psn_cash_pay: Fen }) => ({
      medfee_sumamt: toYuan(m.medfee_sumamt), fund_pay_sumamt: toYuan(m.fund_pay_sumamt), acct_pay: toYuan(m.acct_pay), psn_cash_pay: toYuan(m.psn_cash_pay),
    });
    return { date_from: from, date_to: to, items: rows.map((r) => ({ ...r, platform: t(r.platform), ledger: t(r.ledger) })) };
  },
});
