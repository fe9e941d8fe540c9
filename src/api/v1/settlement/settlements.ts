import { z } from "zod";
import { mayReadSettlement, settlementFilter } from "../../../domain/identity/index.js";
import { CHRGITM_NAMES, INSUTYPE_NAMES, NATIONAL_MED_TYPES, type ChrgitmLevel } from "../../../domain/codes.js";
import { toYuan } from "../../../domain/money.js";
import { policyId, regionName } from "../../../domain/reference/index.js";
import { plainExplanation } from "../../../domain/settlement/index.js";
import { listSettlements, settlementDetail, type FundRow, type SettlementListRow } from "../../../services/settlement/index.js";
import { forbidden, NotFoundError } from "../../errors.js";
import { paged, pagination, yearIn, yuanOut } from "../../fields.js";
import { defineRoute } from "../../route.js";
import { signedIn } from "../../session.js";
import { categoryName } from "../common/shapes.js";


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
    // The basic fund is the one the settlement's policy names for its insurance type; its supplementary tiers, by their funds.
    const policy = services.policies.find((p) => policyId(p) === s.policy_id);
    const basicFund = policy?.basic[s.insutype]?.fund_pay_type;
    const tierFunds = new Set(policy?.supplementary.map((t) => t.fund_pay_type) ?? []);
    const plain = plainExplanation({
      ...s,
      basic_step: found.steps.find((f) => f.fund_pay_type === basicFund) ?? null,
      supplementary: found.funds.filter((f) => tierFunds.has(f.fund_pay_type)).map((f) => ({ name: f.fund_pay_type_name, amount: f.fund_payamt })),
    });
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
