import { z } from "zod";
import { NATIONAL_MED_TYPE_CODES, NATIONAL_MED_TYPES, type MedType } from "../../../../domain/codes.js";
import { medTypeRule, selectPolicy } from "../../../../domain/reference/index.js";
import { DomainError } from "../../../../domain/errors.js";
import { dateTimeField, unitPriceField } from "../../../../domain/zodFields.js";
import {
  cancelDischarge, cancelEncounter, cancelFeeLines, discharge, getEncounter, openEncounter, updateVisit, uploadFeeLines, type Diagnosis,
} from "../../../../services/settlement/index.js";
import { feeLineWire, LINE_RESULT_FIELDS, lineSplitToWire } from "../../../../wire/settlement.js";
import { getPerson } from "../../../../services/common/index.js";
import { checkVoucherUse, claimVoucher, verifyVoucher } from "../../../../services/identity/index.js";
import { defineHandler, type MessageContext } from "../../types.js";

const diseinfo = z
  .array(
    z.object({
      diag_type: z.string().min(1).max(3),
      diag_srt_no: z.union([z.string(), z.number()]).transform(Number).pipe(z.number().int().min(0)),
      diag_code: z.string().min(1).max(30),
      diag_name: z.string().min(1).max(200),
      vali_flag: z.union([z.literal("0"), z.literal("1")]).optional().transform((v) => v !== "0"),
    }).passthrough(),
  )
  .max(100)
  .default([]);

function toDiagnoses(list: z.output<typeof diseinfo>): Diagnosis[] {
  return list.map((d) => ({ diag_type: d.diag_type, diag_srt_no: d.diag_srt_no, diag_code: d.diag_code, diag_name: d.diag_name, vali_flag: d.vali_flag }));
}

const ids = { mdtrt_id: z.string().min(1).max(30), psn_no: z.string().min(1).max(30) };

export const outpatientRegister = defineHandler({
  infno: "2201",
  name: "门诊挂号",
  readOnly: false,
  output: { data: ["mdtrt_id", "psn_no", "ipt_otp_no"] },
  input: z.object({
    data: z.object({
      psn_no: z.string().min(1).max(30),
      insutype: z.string().regex(/^\d{3}$/),
      begntime: dateTimeField,
      mdtrt_cert_type: z.string().optional(),
      mdtrt_cert_no: z.string().optional(),
      ipt_otp_no: z.string().min(1).max(30),
      atddr_no: z.string().optional(),
      dr_name: z.string().optional(),
      dept_code: z.string().optional(),
      dept_name: z.string().optional(),
      caty: z.string().optional(),
    }).passthrough(),
  }),
  async handle(ctx, { data }) {
    const { psn_no, insutype, begntime, ipt_otp_no, ...info } = data;
    const token = await checkVoucherOf(ctx, info, psn_no, "data");
    const e = await openEncounter(ctx.services, ctx.q, {
      kind: "outpatient", psn_no, insutype, begntime, ipt_otp_no, fixmedins_code: ctx.fixmedins_code, med_type: "11", info,
    });
    if (token) await claimVoucher(ctx.q, token, { psn_no, fixmedins_code: ctx.fixmedins_code, mdtrt_id: e.mdtrt_id }, "data.mdtrt_cert_no");
    return { output: { data: { mdtrt_id: e.mdtrt_id, psn_no, ipt_otp_no } }, effects: { mdtrt_id: e.mdtrt_id, psn_no } };
  },
});

export const outpatientRegisterCancel = defineHandler({
  infno: "2202",
  name: "门诊挂号撤销",
  readOnly: false,
  input: z.object({ data: z.object({ ...ids, ipt_otp_no: z.string().optional() }) }),
  async handle(ctx, { data }) {
    await cancelEncounter(ctx.q, data.mdtrt_id, ctx.fixmedins_code, data.psn_no, "outpatient");
    return { output: {} };
  },
});

const nationalMedType = z.enum(NATIONAL_MED_TYPE_CODES, `must be a national medical type (医疗类别): ${NATIONAL_MED_TYPE_CODES.join(", ")}`);

/** The rule the insured region's policy of the date of care settles a medical type under; refused where it pays none. */
function ruleOf(ctx: MessageContext, insuplcAdmdvs: string, date: string, medType: string, field: string): MedType {
  return medTypeRule(selectPolicy(ctx.services.policies, insuplcAdmdvs, date).policy, medType, field);
}

const visitInfo = z.object({
  ...ids,
  med_type: nationalMedType,
  begntime: z.string().optional(),
  main_cond_dscr: z.string().optional(),
  dise_codg: z.string().optional(),
  dise_name: z.string().optional(),
  opsp_dise_code: z.string().optional(),
}).passthrough();

export const outpatientVisitInfo = defineHandler({
  infno: "2203",
  name: "门诊就诊信息上传",
  readOnly: false,
  input: z.object({ mdtrtinfo: visitInfo, diseinfo }),
  async handle(ctx, { mdtrtinfo, diseinfo: list }) {
    const { mdtrt_id, psn_no, med_type, opsp_dise_code, ...info } = mdtrtinfo;
    if (NATIONAL_MED_TYPES[med_type].care === "inpatient") throw new DomainError("mdtrtinfo.med_type", `${med_type} (${NATIONAL_MED_TYPES[med_type].name}) is inpatient: admit with 2401`);
    // A stay's medical type is its own (2401/2403): outpatient visit info must not turn it into a visit settled by outpatient rules.
    const e = await getEncounter(ctx.q, mdtrt_id, ctx.fixmedins_code, psn_no);
    if (e.kind !== "outpatient") throw new DomainError("mdtrtinfo.mdtrt_id", `${mdtrt_id} is an inpatient stay: change it with 2403`);
    const rule = ruleOf(ctx, e.insuplc_admdvs, e.begntime, med_type, "mdtrtinfo.med_type");
    await updateVisit(ctx.q, {
      mdtrt_id, psn_no, fixmedins_code: ctx.fixmedins_code, med_type, rule,
      opsp_dise_code: opsp_dise_code ?? (rule === "14" ? (mdtrtinfo.dise_codg ?? null) : null), info, diagnoses: toDiagnoses(list),
    }, e);
    return { output: {} };
  },
});

const feedetail = z
  .array(
    feeLineWire.extend({
      // Six decimals, as the national document gives a price (a tablet of a box: 0.0833); the amount stays in fen.
      pric: unitPriceField,
      mdtrt_id: z.string().min(1).max(30),
      psn_no: z.string().min(1).max(30),
      // Either code: a line with only the hospital's own code is priced through its matching (3301).
      med_list_codg: z.string().min(1).max(50).optional(),
      chrg_bchno: z.string().max(30).optional(),
      medins_list_codg: z.string().max(50).optional(),
      fee_ocur_time: dateTimeField.optional(),
    }).passthrough(),
  )
  .min(1, "must hold at least one fee line")
  .max(5_000);

async function upload(ctx: MessageContext, lines: z.output<typeof feedetail>, kind: "outpatient" | "inpatient") {
  const first = lines[0] as (typeof lines)[number];
  lines.forEach((l, i) => {
    if (l.mdtrt_id !== first.mdtrt_id || l.psn_no !== first.psn_no) throw new DomainError(`feedetail[${i}].mdtrt_id`, "all lines of one upload must be of one encounter and person");
  });
  const splits = await uploadFeeLines(
    ctx.services, ctx.q, first.mdtrt_id, ctx.fixmedins_code, first.psn_no,
    lines.map((l) => ({
      ...l, med_list_codg: l.med_list_codg ?? null, chrg_bchno: l.chrg_bchno ?? null, medins_list_codg: l.medins_list_codg || null, fee_ocur_time: l.fee_ocur_time ?? null,
    })),
    kind,
  );
  return {
    output: { result: splits.map(lineSplitToWire) },
    effects: { mdtrt_id: first.mdtrt_id, psn_no: first.psn_no, feedetl_sns: lines.map((l) => l.feedetl_sn) },
  };
}

export const outpatientFeeUpload = defineHandler({
  infno: "2204",
  name: "门诊费用明细上传",
  readOnly: false,
  output: { "result[]": LINE_RESULT_FIELDS },
  input: z.object({ feedetail }),
  handle: (ctx, input) => upload(ctx, input.feedetail, "outpatient"),
});

export const outpatientFeeCancel = defineHandler({
  infno: "2205",
  name: "门诊费用明细撤销",
  readOnly: false,
  output: { "": ["cancelled"] },
  input: z.object({ data: z.object({ ...ids, chrg_bchno: z.string().min(1) }) }),
  async handle(ctx, { data }) {
    const n = await cancelFeeLines(ctx.q, data.mdtrt_id, ctx.fixmedins_code, data.psn_no, { chrg_bchno: data.chrg_bchno === "0000" ? null : data.chrg_bchno });
    return { output: { cancelled: n } };
  },
});

const admission = z.object({
  psn_no: z.string().min(1).max(30),
  insutype: z.string().regex(/^\d{3}$/),
  begntime: dateTimeField,
  med_type: nationalMedType.optional(),
  ipt_no: z.string().min(1).max(30),
}).passthrough();

/**
 * A visit opened with the electronic voucher (mdtrt_cert_type 01) must carry a live token of the platform for the same
 * person; the other certificates are the hospital's to check (an ID card is read by its own reader).
 */
async function checkVoucherOf(ctx: MessageContext, info: Record<string, unknown>, psnNo: string, at: string): Promise<string | null> {
  if (info.mdtrt_cert_type !== "01") return null;
  if (typeof info.mdtrt_cert_no !== "string" || info.mdtrt_cert_no === "") {
    throw new DomainError(`${at}.mdtrt_cert_no`, "is required with mdtrt_cert_type 01: the electronic voucher token (ecToken)");
  }
  const voucher = await verifyVoucher(ctx.services, info.mdtrt_cert_no, `${at}.mdtrt_cert_no`);
  if (voucher.psn_no !== psnNo) throw new DomainError(`${at}.mdtrt_cert_no`, `is the voucher of another person than ${at}.psn_no`);
  await checkVoucherUse(ctx.q, info.mdtrt_cert_no, voucher, ctx.fixmedins_code, `${at}.mdtrt_cert_no`);
  return info.mdtrt_cert_no;
}

/** A stay's medical type must be inpatient care that the insured region's policy pays (as 21). */
async function inpatientType(ctx: MessageContext, psnNo: string, begntime: string, medType: keyof typeof NATIONAL_MED_TYPES, field: string) {
  if (NATIONAL_MED_TYPES[medType].care !== "inpatient") throw new DomainError(field, `${medType} (${NATIONAL_MED_TYPES[medType].name}) is outpatient care: register it with 2201 and 2203`);
  const person = await getPerson(ctx.q, psnNo);
  ruleOf(ctx, person.insuplc_admdvs, begntime, medType, field);
}

export const admit = defineHandler({
  infno: "2401",
  name: "入院办理",
  readOnly: false,
  output: { result: ["mdtrt_id", "psn_no", "ipt_no"] },
  input: z.object({ mdtrtinfo: admission, diseinfo }),
  async handle(ctx, { mdtrtinfo, diseinfo: list }) {
    const { psn_no, insutype, begntime, ipt_no, med_type = "21", ...info } = mdtrtinfo;
    const token = await checkVoucherOf(ctx, info, psn_no, "mdtrtinfo");
    if (NATIONAL_MED_TYPES[med_type].care !== "inpatient") throw new DomainError("mdtrtinfo.med_type", `${med_type} (${NATIONAL_MED_TYPES[med_type].name}) is outpatient care: register it with 2201 and 2203`);
    const e = await openEncounter(ctx.services, ctx.q, {
      kind: "inpatient", psn_no, insutype, begntime, ipt_otp_no: ipt_no, fixmedins_code: ctx.fixmedins_code, med_type, info, diagnoses: toDiagnoses(list),
      checkPerson: (person) => ruleOf(ctx, person.insuplc_admdvs, begntime, med_type, "mdtrtinfo.med_type"),
    });
    if (token) await claimVoucher(ctx.q, token, { psn_no, fixmedins_code: ctx.fixmedins_code, mdtrt_id: e.mdtrt_id }, "mdtrtinfo.mdtrt_cert_no");
    return { output: { result: { mdtrt_id: e.mdtrt_id, psn_no, ipt_no } }, effects: { mdtrt_id: e.mdtrt_id, psn_no } };
  },
});

export const dischargeHandler = defineHandler({
  infno: "2402",
  name: "出院办理",
  readOnly: false,
  input: z.object({
    dscginfo: z.object({ ...ids, insutype: z.string().optional(), endtime: dateTimeField, dscg_way: z.string().optional() }).passthrough(),
    diseinfo,
  }),
  async handle(ctx, { dscginfo, diseinfo: list }) {
    await discharge(ctx.q, dscginfo.mdtrt_id, ctx.fixmedins_code, dscginfo.psn_no, dscginfo.endtime, dscginfo.dscg_way ?? null, toDiagnoses(list));
    return { output: {}, effects: { mdtrt_id: dscginfo.mdtrt_id, psn_no: dscginfo.psn_no } };
  },
});

export const inpatientInfoChange = defineHandler({
  infno: "2403",
  name: "住院信息变更",
  readOnly: false,
  input: z.object({ adminfo: z.object({ ...ids, med_type: nationalMedType.optional() }).passthrough(), diseinfo }),
  async handle(ctx, { adminfo, diseinfo: list }) {
    const { mdtrt_id, psn_no, med_type, ...info } = adminfo;
    const e = await getEncounter(ctx.q, mdtrt_id, ctx.fixmedins_code, psn_no);
    if (e.kind !== "inpatient") throw new DomainError("adminfo.mdtrt_id", `${mdtrt_id} is not an inpatient stay`);
    // The stay keeps its medical type unless the change names another inpatient one (外伤住院 found to be 普通住院).
    if (med_type) await inpatientType(ctx, psn_no, e.begntime, med_type, "adminfo.med_type");
    await updateVisit(ctx.q, { mdtrt_id, psn_no, fixmedins_code: ctx.fixmedins_code, med_type: med_type ?? e.med_type, rule: "21", opsp_dise_code: null, info, diagnoses: toDiagnoses(list) }, e);
    return { output: {} };
  },
});

export const admissionCancel = defineHandler({
  infno: "2404",
  name: "入院办理撤销",
  readOnly: false,
  input: z.object({ data: z.object(ids) }),
  async handle(ctx, { data }) {
    await cancelEncounter(ctx.q, data.mdtrt_id, ctx.fixmedins_code, data.psn_no, "inpatient");
    return { output: {} };
  },
});

export const dischargeCancel = defineHandler({
  infno: "2405",
  name: "出院撤销",
  readOnly: false,
  input: z.object({ data: z.object(ids) }),
  async handle(ctx, { data }) {
    await cancelDischarge(ctx.q, data.mdtrt_id, ctx.fixmedins_code, data.psn_no);
    return { output: {} };
  },
});

export const inpatientFeeUpload = defineHandler({
  infno: "2301",
  name: "住院费用明细上传",
  readOnly: false,
  output: { "result[]": LINE_RESULT_FIELDS },
  input: z.object({ feedetail }),
  handle: (ctx, input) => upload(ctx, input.feedetail, "inpatient"),
});

const inpatientCancelLine = z.object({ ...ids, feedetl_sn: z.union([z.string().min(1), z.number()]).transform(String) }).passthrough();

export const inpatientFeeCancel = defineHandler({
  infno: "2302",
  name: "住院费用明细撤销",
  readOnly: false,
  output: { "": ["cancelled"] },
  // One line, or (as several clients send it) an array of lines to cancel together: all or none.
  input: z.object({ data: z.union([inpatientCancelLine, z.array(inpatientCancelLine).min(1, "must name at least one line").max(5_000)]) }),
  async handle(ctx, { data }) {
    let n = 0;
    for (const line of Array.isArray(data) ? data : [data]) {
      n += await cancelFeeLines(ctx.q, line.mdtrt_id, ctx.fixmedins_code, line.psn_no, { feedetl_sn: line.feedetl_sn });
    }
    return { output: { cancelled: n } };
  },
});
