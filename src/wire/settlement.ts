import { z } from "zod";
import { FILING_TYPES, LEVELS, MED_TYPES } from "../domain/codes.js";
import { ZERO, toYuan, type Fen } from "../domain/money.js";
import { priceOfFen, priceToNumber, quantityToNumber } from "../domain/quantity.js";
import { PPM } from "../domain/ratio.js";
import type { Encounter, FeeLine, FundStep, LineSplit, SetlInfo, SettlementPerson } from "../domain/settlement/index.js";
import { categoryField, dateTimeField, quantityField, regionField, yuanField } from "../domain/zodFields.js";

/** Wire shapes shared by the calculator (yibao settle) and the hospital-facing interface: yuan outside, fen inside. */

const flag = z
  .union([z.literal("0"), z.literal("1"), z.literal(0), z.literal(1), z.boolean()])
  .transform((v) => v === "1" || v === 1 || v === true);

export const idetinfoWire = z.object({
  psn_idet_type: categoryField,
  begntime: dateTimeField,
  endtime: dateTimeField.nullable().optional().transform((v) => v ?? null),
});

export const personWire = z.object({
  psn_no: z.string().min(1).max(30),
  insutype: z.string().regex(/^\d{3}$/, "must be a 3-digit insurance type"),
  insuplc_admdvs: regionField,
  balc: yuanField.optional().transform((v) => v ?? ZERO),
  idetinfo: z.array(idetinfoWire).max(50).default([]),
  /** The supplementary tiers (policy.supplementary ids) whose roster holds the person (惠民保, charity). */
  supplementary: z.array(z.string().regex(/^[a-z][a-z0-9_]{1,30}$/, "must be the id of a supplementary tier of the policy (huiminbao)")).max(20).optional(),
  psn_name: z.string().optional(),
  certno: z.string().optional(),
  gend: z.string().optional(),
  brdy: z.string().optional(),
});

export const feeLineWire = z.object({
  feedetl_sn: z.union([z.string().min(1).max(30), z.number().int().nonnegative()]).transform(String),
  med_list_codg: z.string().min(1).max(50),
  // The calculator's files give prices to the fen; the hospital interface reads six decimals (unitPriceField).
  pric: yuanField.transform(priceOfFen),
  cnt: quantityField,
  det_item_fee_sumamt: yuanField.optional(),
});

export const encounterWire = z.object({
  mdtrt_id: z.string().min(1).max(30),
  med_type: z.enum(MED_TYPES),
  setl_time: dateTimeField,
  medins_lv: z.union([z.enum(LEVELS), z.number().int().min(1).max(3)]).transform((v) => String(v) as (typeof LEVELS)[number]),
  mdtrtarea_admvs: regionField,
  offsite_filing: z.enum(FILING_TYPES).nullable().optional().transform((v) => v ?? null),
  opsp_dise_code: z.string().min(1).nullable().optional().transform((v) => v ?? null),
  acct_used_flag: flag.optional().transform((v) => v ?? false),
  feedetail: z.array(feeLineWire).min(1, "must hold at least one fee line").max(20_000),
});

export function toPerson(p: z.output<typeof personWire>): SettlementPerson {
  return { ...p };
}

export function toEncounter(e: z.output<typeof encounterWire>): { encounter: Encounter; lines: FeeLine[] } {
  const { feedetail, ...encounter } = e;
  return { encounter, lines: feedetail };
}

const SETLINFO_MONEY = new Set<keyof SetlInfo>([
  "medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt", "act_pay_dedc", "hifp_pay",
  "pool_prop_selfpay", "cvlserv_pay", "hifes_pay", "hifmi_pay", "hifob_pay", "maf_pay", "hifdm_pay", "oth_pay",
  "fund_pay_sumamt", "psn_part_amt", "acct_pay", "psn_cash_pay", "hosp_part_amt", "balc", "acct_mulaid_pay",
]);

/** Every field of a settlement's setlinfo (2206/2207, 2303/2304), in the national document's order. */
export const SETLINFO_FIELDS = [
  "mdtrt_id", "setl_id", "psn_no", "psn_name", "psn_cert_type", "certno", "gend", "naty", "brdy", "age", "insutype", "psn_type",
  "cvlserv_flag", "setl_time", "mdtrt_cert_type", "med_type", "medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay",
  "preselfpay_amt", "inscp_scp_amt", "act_pay_dedc", "hifp_pay", "pool_prop_selfpay", "cvlserv_pay", "hifes_pay", "hifmi_pay",
  "hifob_pay", "maf_pay", "hifdm_pay", "oth_pay", "fund_pay_sumamt", "psn_part_amt", "acct_pay", "psn_cash_pay", "hosp_part_amt",
  "balc", "acct_mulaid_pay", "medins_setl_id", "clr_optins", "clr_way", "clr_type",
] as const;
export const SETLDETAIL_FIELDS = ["fund_pay_type", "fund_pay_type_name", "inscp_scp_amt", "crt_payb_lmt_amt", "fund_payamt", "setl_proc_info"] as const;

export function setlinfoToWire(s: SetlInfo & Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) out[k] = SETLINFO_MONEY.has(k as keyof SetlInfo) ? toYuan(v as Fen) : v;
  return out;
}

export function fundStepToWire(d: FundStep): Record<string, unknown> {
  return {
    fund_pay_type: d.fund_pay_type,
    fund_pay_type_name: d.fund_pay_type_name,
    inscp_scp_amt: toYuan(d.inscp_scp_amt),
    // A client reads a decimal: an uncapped fund answers 0, and setl_proc_info says in words that it has no cap.
    crt_payb_lmt_amt: d.crt_payb_lmt_amt === null ? 0 : toYuan(d.crt_payb_lmt_amt),
    fund_payamt: toYuan(d.fund_payamt),
    setl_proc_info: d.setl_proc_info,
  };
}

/**
 * 医疗收费项目类别 (med_chrgitm_type) of a line. The catalogue holds the list type, not this class: a drug's class is the
 * first letter of its national code (X 西药, Z 中成药, T 中药饮片), a material is 08, a service is read from its name's
 * kind, and 14 (其他) is what is left.
 */
const SERVICE_CLASSES: readonly [RegExp, string][] = [
  [/床位/, "01"], [/挂号/, "13"], [/诊查|诊察/, "02"], [/护理/, "07"], [/手术|麻醉/, "06"], [/化验|检验/, "04"], [/检查|影像|超声|CT|磁共振/, "03"],
  [/一般诊疗/, "12"], [/治疗|透析|注射|输液|换药|理疗/, "05"],
];
export function medChrgitmType(l: Pick<LineSplit, "med_list_codg" | "med_list_name" | "list_type">): string {
  if (l.list_type === "material") return "08";
  const first = l.med_list_codg.charAt(0);
  if (l.list_type === "drug" || l.list_type === null) {
    if (first === "X") return "09";
    if (first === "Z") return "11";
    if (first === "T") return "10";
    if (l.list_type === "drug") return "09";
  }
  if (first === "C" && l.list_type === null) return "08";
  const name = l.med_list_name ?? "";
  for (const [pattern, code] of SERVICE_CLASSES) if (pattern.test(name)) return code;
  return "14";
}

/** Every field of a fee line's answer (2204/2301 result[]), in the national document's order. */
export const LINE_RESULT_FIELDS = [
  "feedetl_sn", "det_item_fee_sumamt", "cnt", "pric", "pric_uplmt_amt", "selfpay_prop", "fulamt_ownpay_amt", "overlmt_amt",
  "preselfpay_amt", "inscp_scp_amt", "chrgitm_lv", "med_chrgitm_type", "bas_medn_flag", "hi_nego_drug_flag", "chld_medc_flag",
  "list_sp_item_flag", "lmt_used_flag", "drt_reim_flag", "memo", "med_list_codg", "med_list_name", "list_type",
] as const;

/**
 * A line's split as the national document answers it: every field present, numbers as numbers, flags "0"/"1". A HIS
 * deserialises it into non-nullable types (a C# decimal throws on null and the lines are never stored).
 */
export function lineSplitToWire(l: LineSplit): Record<(typeof LINE_RESULT_FIELDS)[number], unknown> {
  return {
    feedetl_sn: l.feedetl_sn,
    det_item_fee_sumamt: toYuan(l.det_item_fee_sumamt),
    cnt: quantityToNumber(l.cnt),
    pric: priceToNumber(l.pric),
    // 0 where the item has no price cap, as the national document answers it.
    pric_uplmt_amt: l.pric_uplmt_amt === null ? 0 : toYuan(l.pric_uplmt_amt),
    selfpay_prop: l.selfpay_prop / PPM,
    fulamt_ownpay_amt: toYuan(l.fulamt_ownpay_amt),
    overlmt_amt: toYuan(l.overlmt_amt),
    preselfpay_amt: toYuan(l.preselfpay_amt),
    inscp_scp_amt: toYuan(l.inscp_scp_amt),
    // A text: null for an item outside the catalogue (it has no class there; the memo says so), which a client's string takes.
    chrgitm_lv: l.chrgitm_lv,
    med_chrgitm_type: medChrgitmType(l),
    // The catalogue carries none of these marks: "0" (not marked), as the platform answers for an item without them.
    bas_medn_flag: "0",
    hi_nego_drug_flag: "0",
    chld_medc_flag: "0",
    list_sp_item_flag: "0",
    lmt_used_flag: "0",
    drt_reim_flag: "0",
    memo: l.memo,
    med_list_codg: l.med_list_codg,
    med_list_name: l.med_list_name,
    list_type: l.list_type,
  };
}
