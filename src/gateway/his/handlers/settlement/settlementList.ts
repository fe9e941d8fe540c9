import { z } from "zod";
import { DSCG_WAY_NAMES, feesByCategory, type ListFeeItem, type SettlementListInput } from "../../../../domain/settlement/index.js";
import type { ListType } from "../../../../domain/codes.js";
import { dateTimeField, dayField, yuanField } from "../../../../domain/zodFields.js";
import { settlementDetail, settlementListStatus, uploadSettlementList } from "../../../../services/settlement/index.js";
import { medChrgitmType } from "../../../../wire/settlement.js";
import { defineHandler } from "../../types.js";

/** A code the document types as text that clients also send as a number (dscg_way 1, diag_type 1). */
const code = z.union([z.string(), z.number()]).transform((v) => String(v).trim());
const codeOf = <T extends readonly [string, ...string[]]>(values: T, message: string) => code.pipe(z.enum(values, message));
const flag = z.union([z.literal("0"), z.literal("1"), z.literal(0), z.literal(1)]).transform((v) => v === "1" || v === 1);
/** Optional text kept as null when absent or "" (a HIS writes "" for every field it has no value for). */
const text = z.string().optional().transform((v) => (v === undefined || v.trim() === "" ? null : v.trim()));
const name = z.string().trim().min(1).max(500);
const count = z.union([z.number(), z.string()]).transform(Number).pipe(z.number().int("must be a whole number").min(0));
const grams = z.union([z.number(), z.string()]).transform(Number).pipe(z.number().int("grams, a whole number").min(100, "grams: at least 100").max(10_000, "grams: at most 10000"));

const setlinfo = z.object({
  mdtrt_id: z.string().min(1).max(30),
  setl_id: z.string().min(1).max(30),
  psn_no: z.string().min(1).max(30),
  ipt_med_type: codeOf(["1", "2"], "must be 1 (住院) or 2 (日间手术)").describe("1 住院 or 2 日间手术").optional(),
  adm_time: dateTimeField.optional(),
  dscg_time: dateTimeField.optional(),
  dscg_way: codeOf(["1", "2", "3", "4", "5", "9"], `must be a 离院方式: ${Object.entries(DSCG_WAY_NAMES).map(([k, v]) => `${k} ${v}`).join(", ")}`)
    .describe("离院方式 1, 2, 3, 4, 5 or 9; required for a stay, and the discharge's (2402) if it gave one").optional(),
  act_ipt_days: count.describe("whole days: discharge day − admission day (a same-day stay: 1)").optional(),
  setl_begn_date: dayField.optional(),
  setl_end_date: dayField.optional(),
  nwb_bir_wt: grams.describe("grams, 100–10000").optional(),
  nwb_adm_wt: grams.describe("grams, 100–10000").optional(),
  acct_pay: yuanField.optional(),
  psn_cashpay: yuanField.optional(),
}).passthrough();

const diagnosis = z.object({
  diag_type: code.describe("1 西医诊断, 2 中医主病诊断, 3 中医主证诊断"),
  diag_code: z.string().trim().min(1).max(20).describe("ICD-10 医保版 for diag_type 1 (K22.301, I21.000x001, I10.x00x002); exactly one with maindiag_flag 1"),
  diag_name: name,
  maindiag_flag: flag.optional().transform((v) => v ?? false),
  adm_cond_type: text,
}).passthrough();

const procedure = z.object({
  oprn_oprt_type: code.describe("1 主要手术及操作 (exactly one when any is listed), 2 其他手术及操作"),
  oprn_oprt_code: z.string().trim().min(1).max(30).describe("ICD-9-CM-3 医保版 (51.2300, 36.0600x003)"),
  oprn_oprt_name: name,
  oprn_oprt_date: dayField.optional(),
  oprn_oprt_begntime: dateTimeField.optional(),
  oprn_oprt_endtime: dateTimeField.optional(),
  anst_way: text,
  oper_dr_code: text,
  oper_dr_name: text,
  anst_dr_code: text,
  anst_dr_name: text,
}).passthrough().superRefine((p, ctx) => {
  if (p.oprn_oprt_date === undefined && p.oprn_oprt_begntime === undefined) {
    ctx.addIssue({ code: "custom", path: ["oprn_oprt_date"], message: "is required (or oprn_oprt_begntime, as 4101A sends it)" });
  }
});

const item = z.object({
  med_chrgitm: code.describe("医疗收费项目类别 01–14, each once"),
  amt: yuanField.describe("amount in yuan: the items' amt sum to the settlement's medfee_sumamt, and claa_sumfee + clab_amt + fulamt_ownpay_amt + oth_amt make amt"),
  claa_sumfee: yuanField.optional(),
  clab_amt: yuanField.optional(),
  fulamt_ownpay_amt: yuanField.optional(),
  oth_amt: yuanField.optional(),
}).passthrough();

const fund = z.object({ fund_pay_type: code, fund_payamt: yuanField.describe("amount in yuan: what the fund paid in the settlement, to the fen") }).passthrough();

const icu = z.object({
  scs_cutd_ward_type: code,
  scs_cutd_inpool_time: dateTimeField,
  scs_cutd_exit_time: dateTimeField,
  scs_cutd_sum_dura: text,
}).passthrough();

const opspdise = z.object({
  diag_code: z.string().trim().min(1).max(20).describe("ICD-10 医保版"),
  diag_name: name,
  oprn_oprt_code: text.describe("ICD-9-CM-3 医保版"),
  oprn_oprt_name: text,
}).passthrough();

const list = <T extends z.ZodType>(of: T, max: number) => z.array(of).max(max).optional().transform((v) => v ?? []);

const items = z.array(item).min(1, "the fees by category (收费项目信息) are required: at least one").max(14);

/** 4101A's input: iteminfo may be left out, and the fees by category are then the settlement's own lines'. */
const listInputA = z.object({
  setlinfo,
  diseinfo: list(diagnosis, 50),
  oprninfo: list(procedure, 50),
  iteminfo: items.optional(),
  payinfo: z.array(fund).max(20).optional(),
  icuinfo: list(icu, 20),
  opspdiseinfo: list(opspdise, 20),
  bldinfo: z.array(z.record(z.string(), z.unknown())).max(20).optional(),
}).passthrough();
/** 4101's input: the same, iteminfo required. */
const listInput = listInputA.extend({ iteminfo: items });

type ListMessage = z.output<typeof listInputA>;

const toYmd = (t: string) => t.slice(0, 10);

function toList(m: ListMessage, derived: ListFeeItem[]): SettlementListInput {
  const s = m.setlinfo;
  return {
    setl_id: s.setl_id,
    mdtrt_id: s.mdtrt_id,
    psn_no: s.psn_no,
    ipt_med_type: s.ipt_med_type ?? null,
    adm_time: s.adm_time ?? null,
    dscg_time: s.dscg_time ?? null,
    dscg_way: s.dscg_way ?? null,
    act_ipt_days: s.act_ipt_days ?? null,
    setl_begn_date: s.setl_begn_date ?? null,
    setl_end_date: s.setl_end_date ?? null,
    nwb_bir_wt: s.nwb_bir_wt ?? null,
    nwb_adm_wt: s.nwb_adm_wt ?? null,
    acct_pay: s.acct_pay ?? null,
    psn_cashpay: s.psn_cashpay ?? null,
    diagnoses: m.diseinfo.map((d) => ({ diag_type: d.diag_type, diag_code: d.diag_code, diag_name: d.diag_name, maindiag_flag: d.maindiag_flag, adm_cond_type: d.adm_cond_type })),
    procedures: m.oprninfo.map((p) => ({
      oprn_oprt_type: p.oprn_oprt_type, oprn_oprt_code: p.oprn_oprt_code, oprn_oprt_name: p.oprn_oprt_name,
      oprn_oprt_date: p.oprn_oprt_date ?? toYmd(p.oprn_oprt_begntime ?? ""),
      oprn_oprt_begntime: p.oprn_oprt_begntime ?? null, oprn_oprt_endtime: p.oprn_oprt_endtime ?? null, anst_way: p.anst_way,
      oper_dr_code: p.oper_dr_code, oper_dr_name: p.oper_dr_name, anst_dr_code: p.anst_dr_code, anst_dr_name: p.anst_dr_name,
    })),
    items: m.iteminfo === undefined ? derived : m.iteminfo.map((i) => ({
      med_chrgitm: i.med_chrgitm, amt: i.amt, claa_sumfee: i.claa_sumfee ?? (0 as typeof i.amt), clab_amt: i.clab_amt ?? (0 as typeof i.amt),
      fulamt_ownpay_amt: i.fulamt_ownpay_amt ?? (0 as typeof i.amt), oth_amt: i.oth_amt ?? (0 as typeof i.amt),
    })),
    funds: m.payinfo ? m.payinfo.map((f) => ({ fund_pay_type: f.fund_pay_type, fund_payamt: f.fund_payamt })) : null,
    icu: m.icuinfo.map((c) => ({ scs_cutd_ward_type: c.scs_cutd_ward_type, scs_cutd_inpool_time: c.scs_cutd_inpool_time, scs_cutd_exit_time: c.scs_cutd_exit_time, scs_cutd_sum_dura: c.scs_cutd_sum_dura })),
    opspdise: m.opspdiseinfo.map((d) => ({ diag_code: d.diag_code, diag_name: d.diag_name, oprn_oprt_code: d.oprn_oprt_code, oprn_oprt_name: d.oprn_oprt_name })),
  };
}

export const SETTLEMENT_LIST_INPUT_A = listInputA;

export const settlementListUpload = defineHandler({
  infno: "4101",
  name: "医疗保障基金结算清单信息上传",
  readOnly: false,
  output: { data: ["setl_list_id", "setl_id", "mdtrt_id", "list_ver", "upld_time"] },
  input: listInput,
  async handle(ctx, message) {
    const input = message as ListMessage;
    // 4101A may leave iteminfo out: the fees by category are then the settled lines', each in its 收费项目类别 (the class
    // 2301 answered for it). Another hospital's settlement is refused by the upload's checks, in this same transaction.
    let derived: ListFeeItem[] = [];
    if (input.iteminfo === undefined) {
      const detail = await settlementDetail(ctx.q, input.setlinfo.setl_id);
      derived = feesByCategory((detail?.lines ?? []).map((l) => ({ med_chrgitm: medChrgitmType({ ...l, list_type: l.list_type as ListType | null }), chrgitm_lv: l.chrgitm_lv, det_item_fee_sumamt: l.det_item_fee_sumamt, fulamt_ownpay_amt: l.fulamt_ownpay_amt })));
    }
    const uploaded = await uploadSettlementList(ctx.q, {
      fixmedins_code: ctx.fixmedins_code,
      infno: ctx.infno,
      msgid: ctx.msgid,
      time: ctx.inf_time,
      list: toList(input, derived),
      setlinfo: { ...input.setlinfo, ...(input.bldinfo ? { bldinfo: input.bldinfo } : {}) },
    });
    return {
      output: { data: { setl_list_id: uploaded.setl_id, setl_id: uploaded.setl_id, mdtrt_id: input.setlinfo.mdtrt_id, list_ver: uploaded.version, upld_time: uploaded.uploaded_at } },
      effects: { setl_id: uploaded.setl_id, list_ver: uploaded.version },
    };
  },
});

const statusQuery = z.object({ setl_id: z.string().min(1).max(30), psn_no: z.string().min(1).max(30).optional() }).passthrough();

export const settlementListStatusQuery = defineHandler({
  infno: "4102",
  name: "医疗保障基金结算清单状态查询",
  readOnly: true,
  output: { "result[]": ["setl_id", "mdtrt_id", "psn_no", "setl_stas", "upld_stas", "upld_stas_name", "list_ver", "upld_infno", "upld_time", "first_upld_time"] },
  // The settlements asked about, under data (one or a list) or, as some clients name the node, stastinfo.
  input: z.object({
    data: z.union([statusQuery, z.array(statusQuery).min(1).max(100)]).optional(),
    stastinfo: z.union([statusQuery, z.array(statusQuery).min(1).max(100)]).optional(),
  }).superRefine((v, ctx) => {
    if (v.data === undefined && v.stastinfo === undefined) ctx.addIssue({ code: "custom", path: ["data"], message: "is required: the settlement (setl_id) whose list is asked about" });
  }),
  async handle(ctx, input) {
    const asked = input.data ?? input.stastinfo ?? [];
    const result = [];
    for (const q of Array.isArray(asked) ? asked : [asked]) {
      const s = await settlementListStatus(ctx.q, ctx.fixmedins_code, q.setl_id, q.psn_no);
      result.push({
        setl_id: s.setl_id,
        mdtrt_id: s.mdtrt_id,
        psn_no: s.psn_no,
        setl_stas: s.settlement_status === "settled" ? "1" : "0",
        upld_stas: s.list ? "1" : "0",
        upld_stas_name: s.list ? "已上传" : "未上传",
        list_ver: s.list?.version ?? 0,
        upld_infno: s.list?.infno ?? "",
        upld_time: s.list?.uploaded_at ?? "",
        first_upld_time: s.list?.first_uploaded_at ?? "",
      });
    }
    return { output: { result } };
  },
});
