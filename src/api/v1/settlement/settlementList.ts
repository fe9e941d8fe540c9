import { z } from "zod";
import { FUND_PAY_TYPE_NAMES } from "../../../domain/codes.js";
import { mayReadSettlement } from "../../../domain/identity/index.js";
import { toYuan } from "../../../domain/money.js";
import { DIAG_TYPE_NAMES, DSCG_WAY_NAMES, IPT_MED_TYPE_NAMES, MED_CHRGITM_NAMES, OPRN_TYPE_NAMES } from "../../../domain/settlement/index.js";
import { readSettlementList, settlementOwners, type StoredSettlementList } from "../../../services/settlement/index.js";
import { forbidden, NotFoundError } from "../../errors.js";
import { yuanOut } from "../../fields.js";
import { defineRoute } from "../../route.js";
import { signedIn } from "../../session.js";

const nameOf = (names: Readonly<Record<string, string>>, code: string | null): string | null => (code === null ? null : (names[code] ?? code));

const listOut = z.object({
  version: z.int().meta({ description: "第几次上传 / the upload's version: 1, then one more for each re-upload" }),
  infno: z.string().meta({ description: "4101 或 4101A / the transaction it came by" }),
  uploaded_at: z.string().meta({ description: "本版上传时间 / when this version was uploaded (YYYY-MM-DD HH:MM:SS, China time)" }),
  first_uploaded_at: z.string(),
  gend: z.string(),
  age: z.int().meta({ description: "入院时年龄（周岁）/ whole years at admission" }),
  nwb_age_days: z.int().nullable().meta({ description: "不足1周岁的年龄（天）/ a newborn's age in days" }),
  nwb_bir_wt: z.int().nullable().meta({ description: "新生儿出生体重（克）/ grams" }),
  nwb_adm_wt: z.int().nullable().meta({ description: "新生儿入院体重（克）/ grams" }),
  ipt_med_type: z.string().nullable(),
  ipt_med_type_name: z.string().nullable(),
  adm_time: z.string().nullable(),
  dscg_time: z.string().nullable(),
  ipt_days: z.int().nullable().meta({ description: "实际住院天数 / days in hospital" }),
  dscg_way: z.string().nullable(),
  dscg_way_name: z.string().nullable().meta({ description: "离院方式 / leave type" }),
  main_diag_code: z.string().nullable(),
  main_oprn_code: z.string().nullable(),
  medfee_sumamt: yuanOut.meta({ description: "医疗费总额（结算的）/ the settlement's total" }),
  diagnoses: z.array(z.object({
    diag_type: z.string(), diag_type_name: z.string(), diag_code: z.string(), diag_name: z.string(), maindiag_flag: z.boolean(), adm_cond_type: z.string().nullable(),
  })),
  procedures: z.array(z.object({
    oprn_oprt_type: z.string(), oprn_oprt_type_name: z.string(), oprn_oprt_code: z.string(), oprn_oprt_name: z.string(), oprn_oprt_date: z.string(),
    oprn_oprt_begntime: z.string().nullable(), oprn_oprt_endtime: z.string().nullable(), anst_way: z.string().nullable(),
    oper_dr_name: z.string().nullable(), oper_dr_code: z.string().nullable(), anst_dr_name: z.string().nullable(), anst_dr_code: z.string().nullable(),
  })),
  items: z.array(z.object({
    med_chrgitm: z.string(), med_chrgitm_name: z.string(), amt: yuanOut, claa_sumfee: yuanOut, clab_amt: yuanOut, fulamt_ownpay_amt: yuanOut, oth_amt: yuanOut,
  })).meta({ description: "收费项目信息：按类别的费用 / the fees by category" }),
  funds: z.array(z.object({ fund_pay_type: z.string(), fund_pay_type_name: z.string(), fund_payamt: yuanOut })).nullable()
    .meta({ description: "基金支付信息（payinfo）；4101A 不报 / as reported, or null (4101A: the settlement's funds)" }),
  icu: z.array(z.object({ scs_cutd_ward_type: z.string(), scs_cutd_inpool_time: z.string(), scs_cutd_exit_time: z.string(), scs_cutd_sum_dura: z.string().nullable() })),
  opspdise: z.array(z.object({ diag_code: z.string(), diag_name: z.string(), oprn_oprt_code: z.string().nullable(), oprn_oprt_name: z.string().nullable() })),
});

function toOut(l: StoredSettlementList): z.output<typeof listOut> {
  return {
    version: l.version, infno: l.infno, uploaded_at: l.uploaded_at, first_uploaded_at: l.first_uploaded_at, gend: l.gend, age: l.age,
    nwb_age_days: l.nwb_age_days, nwb_bir_wt: l.nwb_bir_wt, nwb_adm_wt: l.nwb_adm_wt,
    ipt_med_type: l.ipt_med_type, ipt_med_type_name: nameOf(IPT_MED_TYPE_NAMES, l.ipt_med_type), adm_time: l.adm_time, dscg_time: l.dscg_time, ipt_days: l.ipt_days,
    dscg_way: l.dscg_way, dscg_way_name: nameOf(DSCG_WAY_NAMES, l.dscg_way), main_diag_code: l.main_diag_code, main_oprn_code: l.main_oprn_code,
    medfee_sumamt: toYuan(l.medfee_sumamt),
    diagnoses: l.diagnoses.map((d) => ({ ...d, diag_type_name: nameOf(DIAG_TYPE_NAMES, d.diag_type) ?? d.diag_type })),
    procedures: l.procedures.map((p) => ({ ...p, oprn_oprt_type_name: nameOf(OPRN_TYPE_NAMES, p.oprn_oprt_type) ?? p.oprn_oprt_type })),
    items: l.items.map((i) => ({
      med_chrgitm: i.med_chrgitm, med_chrgitm_name: nameOf(MED_CHRGITM_NAMES, i.med_chrgitm) ?? i.med_chrgitm, amt: toYuan(i.amt), claa_sumfee: toYuan(i.claa_sumfee),
      clab_amt: toYuan(i.clab_amt), fulamt_ownpay_amt: toYuan(i.fulamt_ownpay_amt), oth_amt: toYuan(i.oth_amt),
    })),
    funds: l.funds === null ? null : l.funds.map((f) => ({ fund_pay_type: f.fund_pay_type, fund_pay_type_name: FUND_PAY_TYPE_NAMES[f.fund_pay_type] ?? f.fund_pay_type, fund_payamt: toYuan(f.fund_payamt) })),
    icu: l.icu,
    opspdise: l.opspdise,
  };
}

export const getSettlementListRoute = defineRoute({
  method: "GET",
  path: "/settlements/{setl_id}/list",
  operationId: "getSettlementList",
  summary: { zh: "结算清单：诊断、手术操作与按类别的费用", en: "A settlement's list (医保结算清单): diagnoses, procedures and fees by category" },
  description: "医院出院后上传（4101/4101A）的结算清单，最新一版；未上传时 list 为 null。与结算详情同一可见范围 / the list its hospital uploaded after discharge, the latest version; null when none was. Seen by whoever may see the settlement.",
  tags: ["settlements"],
  access: "settlements",
  params: z.strictObject({ setl_id: z.string().min(1).max(60) }),
  errors: [404],
  response: z.object({ setl_id: z.string(), list: listOut.nullable() }),
  async handle({ params, services, principal }) {
    const me = signedIn(principal);
    const owners = await settlementOwners(services.db, params.setl_id);
    if (!owners) throw new NotFoundError("params.setl_id", `no settlement ${params.setl_id}`);
    if (!mayReadSettlement(me, owners)) throw forbidden("params.setl_id", `settlement ${params.setl_id} is outside what you may see`);
    const list = await readSettlementList(services.db, params.setl_id);
    return { setl_id: params.setl_id, list: list ? toOut(list) : null };
  },
});
