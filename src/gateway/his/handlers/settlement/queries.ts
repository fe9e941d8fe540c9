import { z } from "zod";
import { DomainError } from "../../../../domain/errors.js";
import { toYuan } from "../../../../domain/money.js";
import { priceToNumber, quantityToNumber, type Quantity, type UnitPrice } from "../../../../domain/quantity.js";
import { PPM } from "../../../../domain/ratio.js";
import { dateTimeField } from "../../../../domain/zodFields.js";
import {
  chronicDrugUse, chronicFilingsOf, diagnosesOfVisit, feeLinesOfVisit, settlementAtHospital, staysInProgress, visitsAtHospital,
  type FeeLineRow,
} from "../../../../services/settlement/index.js";
import { fundStepToWire, medChrgitmType, SETLDETAIL_FIELDS, SETLINFO_FIELDS, setlinfoToWire } from "../../../../wire/settlement.js";
import type { SetlInfo } from "../../../../domain/settlement/index.js";
import { defineHandler } from "../../types.js";

/**
 * The queries of the national interface (5201–5205, 5301–5303), answered from what Yibao stored as it settled
 * (src/services/settlement/queries.ts). Read-only. A hospital reads its own visits, diagnoses, settlements and fee lines;
 * another hospital's are answered as not found, in the same words as ones that do not exist.
 */

/** Text the HIS may send empty for "not asked": "" is absent here (lenient.ts keeps "" for text fields). */
const optionalText = z.string().optional().transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));

function checkWindow(begntime: string | undefined, endtime: string | undefined): void {
  if (begntime !== undefined && endtime !== undefined && endtime < begntime) {
    throw new DomainError("data.endtime", `结束时间 ${endtime} 早于开始时间 ${begntime} (must not be before begntime)`);
  }
}

const str = (v: unknown): string => (v === null || v === undefined ? "" : String(v));

// ---- 5201

const VISIT_FIELDS = [
  "mdtrt_id", "psn_no", "psn_cert_type", "certno", "psn_name", "gend", "naty", "brdy", "age", "tel", "insutype", "emp_name", "insu_optins",
  "begntime", "endtime", "mdtrt_cert_type", "med_type", "ipt_otp_no", "atddr_no", "chfpdr_name", "adm_dept_codg", "adm_dept_name", "adm_bed",
  "dscg_maindiag_code", "dscg_maindiag_name", "dscg_way", "main_cond_dscr", "dise_codg", "dise_name", "otp_diag_info", "inhosp_stas", "ipt_days",
] as const;

/** Days in hospital as the settlement list counts them: the day of admission counts, the day of discharge not, at least one. */
function iptDays(begntime: string, endtime: string): number {
  if (endtime === "") return 0;
  const days = Math.round((Date.parse(`${endtime.slice(0, 10)}T00:00:00Z`) - Date.parse(`${begntime.slice(0, 10)}T00:00:00Z`)) / 86_400_000);
  return Math.max(1, days);
}

export const visitsQuery = defineHandler({
  infno: "5201",
  name: "就诊信息查询",
  readOnly: true,
  output: { "mdtrtinfo[]": VISIT_FIELDS },
  input: z.object({
    data: z.object({
      psn_no: z.string().min(1),
      begntime: dateTimeField.optional(),
      endtime: dateTimeField.optional(),
      med_type: optionalText,
      mdtrt_id: optionalText,
    }).passthrough(),
  }),
  async handle(ctx, { data }) {
    checkWindow(data.begntime, data.endtime);
    const visits = await visitsAtHospital(ctx.q, {
      fixmedins_code: ctx.fixmedins_code, psn_no: data.psn_no, mdtrt_id: data.mdtrt_id, med_type: data.med_type, begntime: data.begntime, endtime: data.endtime,
    });
    const mdtrtinfo = visits.map((v) => {
      const inpatient = v.kind === "inpatient";
      const discharged = inpatient && v.endtime !== "";
      const info = v.info;
      return {
        mdtrt_id: v.mdtrt_id, psn_no: v.psn_no, psn_cert_type: v.psn_cert_type, certno: v.certno, psn_name: v.psn_name, gend: v.gend, naty: v.naty,
        brdy: v.brdy, age: v.age, tel: v.tel, insutype: v.insutype, emp_name: v.emp_name, insu_optins: v.insuplc_admdvs,
        begntime: v.begntime, endtime: v.endtime, mdtrt_cert_type: str(info.mdtrt_cert_type), med_type: v.med_type, ipt_otp_no: v.ipt_otp_no,
        atddr_no: str(info.atddr_no), chfpdr_name: str(info.chfpdr_name ?? info.dr_name),
        adm_dept_codg: str(info.adm_dept_codg ?? info.dept_code), adm_dept_name: str(info.adm_dept_name ?? info.dept_name), adm_bed: str(info.adm_bed),
        dscg_maindiag_code: discharged ? v.maindiag_code : "", dscg_maindiag_name: discharged ? v.maindiag_name : "", dscg_way: v.dscg_way,
        main_cond_dscr: str(info.main_cond_dscr), dise_codg: v.opsp_dise_code ?? str(info.dise_codg), dise_name: str(info.dise_name),
        otp_diag_info: !inpatient && v.maindiag_code !== "" ? `${v.maindiag_code} ${v.maindiag_name}` : "",
        // 在院状态: 1 in hospital (admitted, not discharged), 0 otherwise.
        inhosp_stas: inpatient && v.status === "admitted" ? "1" : "0",
        ipt_days: inpatient ? iptDays(v.begntime, v.endtime) : 0,
      };
    });
    return { output: { mdtrtinfo } };
  },
});

// ---- 5202

export const diagnosesQuery = defineHandler({
  infno: "5202",
  name: "诊断信息查询",
  readOnly: true,
  output: { "diseinfo[]": ["diag_info_id", "mdtrt_id", "psn_no", "diag_type", "maindiag_flag", "diag_srt_no", "diag_code", "diag_name"] },
  input: z.object({ data: z.object({ mdtrt_id: z.string().min(1), psn_no: z.string().min(1) }).passthrough() }),
  async handle(ctx, { data }) {
    const rows = await diagnosesOfVisit(ctx.q, { fixmedins_code: ctx.fixmedins_code, psn_no: data.psn_no, mdtrt_id: data.mdtrt_id });
    return {
      output: {
        diseinfo: rows.map((d) => ({
          diag_info_id: d.diag_info_id, mdtrt_id: d.mdtrt_id, psn_no: d.psn_no, diag_type: d.diag_type, maindiag_flag: d.maindiag ? "1" : "0",
          diag_srt_no: d.diag_srt_no, diag_code: d.diag_code, diag_name: d.diag_name,
        })),
      },
    };
  },
});

// ---- 5203

/** setlinfo as 2207/2304 answered it, with what 5203 adds: the hospital, the dates, the year, and whether it was reversed. */
const SETTLEMENT_QUERY_FIELDS = [
  ...SETLINFO_FIELDS, "emp_name", "insu_optins", "fixmedins_code", "fixmedins_name", "hosp_lv", "begndate", "enddate", "year", "refd_setl_flag",
] as const;

export const settlementQuery = defineHandler({
  infno: "5203",
  name: "结算信息查询",
  readOnly: true,
  output: { setlinfo: SETTLEMENT_QUERY_FIELDS, "setldetail[]": SETLDETAIL_FIELDS },
  input: z.object({ data: z.object({ psn_no: z.string().min(1), setl_id: z.string().min(1), mdtrt_id: optionalText }).passthrough() }),
  async handle(ctx, { data }) {
    const s = await settlementAtHospital(ctx.q, { fixmedins_code: ctx.fixmedins_code, psn_no: data.psn_no, setl_id: data.setl_id, mdtrt_id: data.mdtrt_id });
    const answered = setlinfoToWire({ ...(s.setlinfo as unknown as SetlInfo), setl_id: s.setl_id, medins_setl_id: s.msgid });
    const setlinfo: Record<string, unknown> = {};
    for (const k of SETLINFO_FIELDS) setlinfo[k] = answered[k] ?? "";
    Object.assign(setlinfo, {
      emp_name: s.emp_name, insu_optins: s.insuplc_admdvs, fixmedins_code: s.fixmedins_code, fixmedins_name: s.fixmedins_name, hosp_lv: s.medins_lv,
      begndate: s.begndate, enddate: s.enddate, year: s.year,
      // 退费结算标志: "1" once the settlement has been reversed (2208/2305/2601); its amounts stay those it settled.
      refd_setl_flag: s.status === "reversed" ? "1" : "0",
    });
    const warnings = s.status === "reversed" ? [`结算 ${s.setl_id} 已于 ${s.reversed_at ?? ""} 冲销（退费），refd_setl_flag 为 1`] : [];
    return { output: { setlinfo, setldetail: s.setldetail.map(fundStepToWire) }, warnings };
  },
});

// ---- 5204, 5205

function lineToWire(l: FeeLineRow) {
  return {
    cnt: quantityToNumber(l.cnt_e4 as Quantity),
    pric: priceToNumber(l.pric_e6 as UnitPrice),
    chrgitm_lv: l.chrgitm_lv,
    hilist_code: l.med_list_codg,
    hilist_name: l.med_list_name ?? "",
    list_type: l.list_type,
    med_list_codg: l.med_list_codg,
    medins_list_codg: l.medins_list_codg,
    med_chrgitm_type: medChrgitmType(l),
  };
}

const FEE_FIELDS = [
  "feedetl_sn", "mdtrt_id", "setl_id", "med_type", "fee_ocur_time", "cnt", "pric", "det_item_fee_sumamt", "pric_uplmt_amt", "selfpay_prop",
  "fulamt_ownpay_amt", "overlmt_amt", "preselfpay_amt", "inscp_scp_amt", "chrgitm_lv", "hilist_code", "hilist_name", "list_type",
  "med_list_codg", "medins_list_codg", "med_chrgitm_type",
] as const;

export const feeLinesQuery = defineHandler({
  infno: "5204",
  name: "费用明细查询",
  readOnly: true,
  // The national answer is the list itself: `output` is an array of lines.
  output: { "[]": FEE_FIELDS },
  input: z.object({ data: z.object({ psn_no: z.string().min(1), setl_id: optionalText, mdtrt_id: z.string().min(1) }).passthrough() }),
  async handle(ctx, { data }) {
    const lines = await feeLinesOfVisit(ctx.q, { fixmedins_code: ctx.fixmedins_code, psn_no: data.psn_no, mdtrt_id: data.mdtrt_id, setl_id: data.setl_id });
    return {
      output: lines.map((l) => ({
        feedetl_sn: l.feedetl_sn, mdtrt_id: l.mdtrt_id, setl_id: l.setl_id, med_type: l.med_type, fee_ocur_time: l.fee_ocur_time,
        det_item_fee_sumamt: toYuan(l.det_item_fee_sumamt),
        // 0 where the item has no price cap, as 2204 answers it.
        pric_uplmt_amt: l.pric_uplmt_amt === null ? 0 : toYuan(l.pric_uplmt_amt),
        selfpay_prop: l.selfpay_prop_ppm / PPM,
        fulamt_ownpay_amt: toYuan(l.fulamt_ownpay_amt), overlmt_amt: toYuan(l.overlmt_amt), preselfpay_amt: toYuan(l.preselfpay_amt),
        inscp_scp_amt: toYuan(l.inscp_scp_amt),
        ...lineToWire(l),
      })),
    };
  },
});

export const chronicDrugQuery = defineHandler({
  infno: "5205",
  name: "人员慢特病用药记录查询",
  readOnly: true,
  output: {
    "feedetail[]": [
      "feedetl_sn", "fixmedins_code", "fixmedins_name", "psn_no", "med_type", "fee_ocur_time", "cnt", "pric", "chrgitm_lv", "hilist_code",
      "hilist_name", "list_type", "med_list_codg", "medins_list_codg", "med_chrgitm_type",
    ],
  },
  input: z.object({ data: z.object({ psn_no: z.string().min(1), begntime: dateTimeField, endtime: dateTimeField.optional() }).passthrough() }),
  async handle(ctx, { data }) {
    checkWindow(data.begntime, data.endtime);
    const lines = await chronicDrugUse(ctx.q, { psn_no: data.psn_no, begntime: data.begntime, endtime: data.endtime });
    return {
      output: {
        feedetail: lines.map((l) => ({
          feedetl_sn: l.feedetl_sn, fixmedins_code: l.fixmedins_code, fixmedins_name: l.fixmedins_name, psn_no: data.psn_no, med_type: l.med_type,
          fee_ocur_time: l.fee_ocur_time, ...lineToWire(l),
        })),
      },
    };
  },
});

// ---- 5301, 5302, 5303

export const chronicFilingsQuery = defineHandler({
  infno: "5301",
  name: "人员慢特病备案查询",
  readOnly: true,
  output: { "feedetail[]": ["opsp_dise_code", "opsp_dise_name", "begndate", "enddate"] },
  input: z.object({ data: z.object({ psn_no: z.string().min(1) }).passthrough() }),
  async handle(ctx, { data }) {
    const filings = await chronicFilingsOf(ctx.q, data.psn_no);
    return {
      output: { feedetail: filings.map((f) => ({ opsp_dise_code: f.opsp_dise_code, opsp_dise_name: f.opsp_dise_name, begndate: f.begndate, enddate: f.enddate })) },
    };
  },
});

/**
 * 5302: the hospitals the person is designated to (定点). The designations Yibao keeps are those of the person's chronic
 * and special disease filings (2503 names the hospital, ide_fixmedins_no), in the order they were filed; biz_appy_type
 * is accepted as clients send it and does not narrow them.
 */
export const designatedHospitalsQuery = defineHandler({
  infno: "5302",
  name: "人员定点信息查询",
  readOnly: true,
  output: { "psnfixmedin[]": ["psn_no", "insutype", "fix_srt_no", "fixmedins_code", "fixmedins_name", "begndate", "enddate", "memo"] },
  input: z.object({ data: z.object({ psn_no: z.string().min(1), biz_appy_type: z.string().optional() }).passthrough() }),
  async handle(ctx, { data }) {
    const filings = (await chronicFilingsOf(ctx.q, data.psn_no)).filter((f) => f.ide_fixmedins_no !== "");
    return {
      output: {
        psnfixmedin: filings.map((f, i) => ({
          psn_no: data.psn_no, insutype: f.insutype, fix_srt_no: String(i + 1), fixmedins_code: f.ide_fixmedins_no, fixmedins_name: f.fixmedins_name,
          begndate: f.begndate, enddate: f.enddate, memo: `门诊慢特病备案 ${f.trt_dcla_detl_sn}：${f.opsp_dise_code} ${f.opsp_dise_name}`,
        })),
      },
    };
  },
});

export const staysQuery = defineHandler({
  infno: "5303",
  name: "在院信息查询",
  readOnly: true,
  output: { "data[]": ["mdtrt_id", "psn_no", "psn_cert_type", "certno", "psn_name", "gend", "brdy", "age", "insutype", "begndate", "med_type", "ipt_otp_no", "out_flag"] },
  input: z.object({ data: z.object({ psn_no: z.string().min(1), begntime: dateTimeField.optional(), endtime: dateTimeField.optional() }).passthrough() }),
  async handle(ctx, { data }) {
    checkWindow(data.begntime, data.endtime);
    const stays = await staysInProgress(ctx.q, { psn_no: data.psn_no, begntime: data.begntime, endtime: data.endtime });
    return {
      output: {
        data: stays.map((s) => ({
          mdtrt_id: s.mdtrt_id, psn_no: s.psn_no, psn_cert_type: s.psn_cert_type, certno: s.certno, psn_name: s.psn_name, gend: s.gend, brdy: s.brdy,
          age: s.age, insutype: s.insutype, begndate: s.begndate, med_type: s.med_type, ipt_otp_no: s.ipt_otp_no, out_flag: s.out_flag ? "1" : "0",
        })),
      },
    };
  },
});

