import { z } from "zod";
import { FILING_TYPES, LEVELS, MED_TYPES } from "../domain/codes.js";
import { ZERO, toYuan, type Fen } from "../domain/money.js";
import { quantityToNumber } from "../domain/quantity.js";
import { PPM } from "../domain/ratio.js";
import type { Encounter, FeeLine, FundStep, LineSplit, SetlInfo, SettlementPerson } from "../domain/settlement/types.js";
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
  psn_name: z.string().optional(),
  certno: z.string().optional(),
  gend: z.string().optional(),
  brdy: z.string().optional(),
});

export const feeLineWire = z.object({
  feedetl_sn: z.union([z.string().min(1).max(30), z.number().int().nonnegative()]).transform(String),
  med_list_codg: z.string().min(1).max(50),
  pric: yuanField,
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
    crt_payb_lmt_amt: d.crt_payb_lmt_amt === null ? null : toYuan(d.crt_payb_lmt_amt),
    fund_payamt: toYuan(d.fund_payamt),
    setl_proc_info: d.setl_proc_info,
  };
}

export function lineSplitToWire(l: LineSplit): Record<string, unknown> {
  return {
    feedetl_sn: l.feedetl_sn,
    med_list_codg: l.med_list_codg,
    med_list_name: l.med_list_name,
    det_item_fee_sumamt: toYuan(l.det_item_fee_sumamt),
    cnt: quantityToNumber(l.cnt),
    pric: toYuan(l.pric),
    pric_uplmt_amt: l.pric_uplmt_amt === null ? null : toYuan(l.pric_uplmt_amt),
    selfpay_prop: l.selfpay_prop / PPM,
    fulamt_ownpay_amt: toYuan(l.fulamt_ownpay_amt),
    overlmt_amt: toYuan(l.overlmt_amt),
    preselfpay_amt: toYuan(l.preselfpay_amt),
    inscp_scp_amt: toYuan(l.inscp_scp_amt),
    chrgitm_lv: l.chrgitm_lv,
    list_type: l.list_type,
    memo: l.memo,
  };
}
