import { z } from "zod";
import { NATIONAL_MED_TYPE_CODES } from "../../../../domain/codes.js";
import { toYuan, type Fen } from "../../../../domain/money.js";
import { yuanField } from "../../../../domain/zodFields.js";
import { reverseSettlement, settleEncounter } from "../../../../services/settlement/index.js";
import { fundStepToWire, SETLDETAIL_FIELDS, SETLINFO_FIELDS, setlinfoToWire } from "../../../../wire/settlement.js";
import { defineHandler, type MessageContext } from "../../types.js";

const flag = z.union([z.literal("0"), z.literal("1"), z.literal(0), z.literal(1)]).transform((v) => v === "1" || v === 1);

const settleData = z.object({
  psn_no: z.string().min(1).max(30),
  mdtrt_cert_type: z.string().optional(),
  mdtrt_cert_no: z.string().optional(),
  med_type: z.enum(NATIONAL_MED_TYPE_CODES, "must be a national medical type (医疗类别)").optional(),
  medfee_sumamt: yuanField,
  psn_setlway: z.string().optional(),
  mdtrt_id: z.string().min(1).max(30),
  chrg_bchno: z.string().optional(),
  insutype: z.string().regex(/^\d{3}$/),
  acct_used_flag: flag.optional().transform((v) => v ?? false),
  mid_setl_flag: flag.optional().transform((v) => v ?? false),
  invono: z.string().optional(),
  fulamt_ownpay_amt: yuanField.optional(),
  overlmt_selfpay: yuanField.optional(),
  preselfpay_amt: yuanField.optional(),
  inscp_scp_amt: yuanField.optional(),
}).passthrough();

const SETTLE_OUTPUT = { setlinfo: SETLINFO_FIELDS, "setldetail[]": SETLDETAIL_FIELDS };

async function settleMessage(ctx: MessageContext, data: z.output<typeof settleData>, kind: "outpatient" | "inpatient", commit: boolean) {
  const expected: Record<string, Fen> = {};
  if (commit) {
    for (const k of ["fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt"] as const) {
      const v = data[k];
      if (v !== undefined) expected[k] = v;
    }
  }
  const { setl_id, result } = await settleEncounter(ctx.services, ctx.q, {
    kind,
    mdtrt_id: data.mdtrt_id,
    psn_no: data.psn_no,
    fixmedins_code: ctx.fixmedins_code,
    insutype: data.insutype,
    med_type: data.med_type ?? null,
    medfee_sumamt: data.medfee_sumamt,
    expected,
    acct_used_flag: data.acct_used_flag,
    mid_setl_flag: kind === "inpatient" && data.mid_setl_flag,
    setl_time: ctx.inf_time,
    msgid: ctx.msgid,
    commit,
  });
  return {
    output: {
      setlinfo: setlinfoToWire({ ...result.setlinfo, setl_id: setl_id ?? "", medins_setl_id: ctx.msgid }),
      setldetail: result.setldetail.map(fundStepToWire),
    },
    warnings: result.warnings,
    effects: setl_id ? { setl_id, mdtrt_id: data.mdtrt_id, psn_no: data.psn_no } : undefined,
  };
}

export const outpatientPreSettle = defineHandler({
  infno: "2206", output: SETTLE_OUTPUT, name: "门诊预结算", readOnly: false, input: z.object({ data: settleData }),
  handle: (ctx, { data }) => settleMessage(ctx, data, "outpatient", false),
});
export const outpatientSettle = defineHandler({
  infno: "2207", output: SETTLE_OUTPUT, name: "门诊结算", readOnly: false, input: z.object({ data: settleData }),
  handle: (ctx, { data }) => settleMessage(ctx, data, "outpatient", true),
});
export const inpatientPreSettle = defineHandler({
  infno: "2303", output: SETTLE_OUTPUT, name: "住院预结算", readOnly: false, input: z.object({ data: settleData }),
  handle: (ctx, { data }) => settleMessage(ctx, data, "inpatient", false),
});
export const inpatientSettle = defineHandler({
  infno: "2304", output: SETTLE_OUTPUT, name: "住院结算", readOnly: false, input: z.object({ data: settleData }),
  handle: (ctx, { data }) => settleMessage(ctx, data, "inpatient", true),
});

const reverseData = z.object({ setl_id: z.string().min(1), mdtrt_id: z.string().min(1), psn_no: z.string().min(1) }).passthrough();

export const REVERSE_OUTPUT = { setlinfo: ["setl_id", "mdtrt_id", "psn_no", "insutype", "med_type", "setl_time", "balc", "clr_optins", "medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt", "act_pay_dedc", "hifp_pay", "pool_prop_selfpay", "hifmi_pay", "hifob_pay", "maf_pay", "oth_pay", "fund_pay_sumamt", "psn_part_amt", "acct_pay", "psn_cash_pay"] };

const MONEY = ["medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt", "act_pay_dedc", "hifp_pay", "pool_prop_selfpay", "hifmi_pay", "hifob_pay", "maf_pay", "oth_pay", "fund_pay_sumamt", "psn_part_amt", "acct_pay", "psn_cash_pay"] as const;

export async function reverseMessage(ctx: MessageContext, data: { setl_id: string; mdtrt_id: string; psn_no: string }) {
  const row = await reverseSettlement(ctx.services, ctx.q, { ...data, fixmedins_code: ctx.fixmedins_code, msgid: ctx.msgid, reversal_time: ctx.inf_time });
  // The reversal's own record: the original amounts with the opposite sign.
  const setlinfo: Record<string, unknown> = {
    setl_id: row.setl_id, mdtrt_id: row.mdtrt_id, psn_no: row.psn_no, insutype: row.insutype, med_type: row.med_type, setl_time: ctx.inf_time,
    balc: toYuan(row.balc_after_fen as Fen), clr_optins: (row.setlinfo as { clr_optins?: string }).clr_optins ?? row.insuplc_admdvs,
  };
  for (const k of MONEY) setlinfo[k] = -toYuan(row[k] as Fen) || 0;
  return { output: { setlinfo }, effects: { setl_id: row.setl_id } };
}

export const outpatientReverse = defineHandler({
  infno: "2208", output: REVERSE_OUTPUT, name: "门诊结算撤销", readOnly: false, input: z.object({ data: reverseData }),
  handle: (ctx, { data }) => reverseMessage(ctx, data),
});
export const inpatientReverse = defineHandler({
  infno: "2305", output: REVERSE_OUTPUT, name: "住院结算撤销", readOnly: false, input: z.object({ data: reverseData }),
  handle: (ctx, { data }) => reverseMessage(ctx, data),
});
