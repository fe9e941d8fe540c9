import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { ACCUMULATOR_KEYS } from "../../../../domain/settlement/index.js";
import { DomainError } from "../../../../domain/errors.js";
import { toYuan, type Fen } from "../../../../domain/money.js";
import { parseResidentId } from "../../../../domain/ids.js";
import { NATIONAL_MED_TYPE_CODES, NATIONAL_MED_TYPES } from "../../../../domain/codes.js";
import { dateTimeField, yearMonthField } from "../../../../domain/zodFields.js";
import { ageOn, enrollmentOn, enrollmentsOf, getPerson, personWithRecords } from "../../../../services/common/index.js";
import { loadAccumulators } from "../../../../services/settlement/index.js";
import { checkVoucherUse, issueVoucher, verifyVoucher, VISIT_TOKEN_TTL_SECONDS } from "../../../../services/identity/index.js";
import { encounters } from "../../../../store/schema.js";
import { defineHandler } from "../../types.js";

/**
 * 1101: by electronic voucher (mdtrt_cert_type 01: mdtrt_cert_no is the token the portal's QR code holds), ID card (02)
 * or social security card (03, the card carries the ID number).
 */
/** 18 characters of the resident ID form (the check digit is checked where it is read). */
function looksLikeResidentId(value: string | undefined): boolean {
  return typeof value === "string" && /^\d{17}[\dXx]$/.test(value.trim());
}

export const personInfo = defineHandler({
  infno: "1101",
  name: "人员信息获取",
  readOnly: true,
  // The person with their records is one statement; a voucher's checks read what does not change under it.
  noSnapshot: true,
  output: {
    baseinfo: ["psn_no", "psn_cert_type", "certno", "psn_name", "gend", "naty", "brdy", "age"],
    "insuinfo[]": ["balc", "insutype", "psn_type", "cvlserv_flag", "insuplc_admdvs", "emp_name", "psn_insu_stas", "psn_insu_date", "paus_insu_date"],
    "idetinfo[]": ["psn_idet_type", "psn_type_lv", "begntime", "endtime"],
  },
  input: z.object({
    data: z.object({
      mdtrt_cert_type: z.enum(["01", "02", "03"]),
      mdtrt_cert_no: z.string().optional(),
      card_sn: z.string().optional(),
      begntime: z.string().optional(),
      psn_cert_type: z.string().optional(),
      certno: z.string().optional(),
      psn_name: z.string().optional(),
    }),
  }),
  async handle(ctx, { data }) {
    let read: Awaited<ReturnType<typeof personWithRecords>>;
    if (data.mdtrt_cert_type === "01") {
      if (!data.mdtrt_cert_no) throw new DomainError("data.mdtrt_cert_no", "is required: the electronic voucher token from the QR code");
      const voucher = await verifyVoucher(ctx.services, data.mdtrt_cert_no, "data.mdtrt_cert_no");
      await checkVoucherUse(ctx.q, data.mdtrt_cert_no, voucher, ctx.fixmedins_code, "data.mdtrt_cert_no");
      read = await personWithRecords(ctx.q, { psn_no: voucher.psn_no });
      if (!read) throw new DomainError("data.mdtrt_cert_no", `no insured person ${voucher.psn_no}`);
      if (data.certno && data.certno.toUpperCase() !== read.person.certno) throw new DomainError("data.certno", "is not the voucher holder's ID number");
    } else if (data.mdtrt_cert_type === "03" && !data.certno && !looksLikeResidentId(data.mdtrt_cert_no)) {
      // A social security card's number (社会保障卡卡号) is not a key of the register: the card also carries the ID
      // number, which the card reader gives as certno.
      throw new DomainError("data.certno", "is required with mdtrt_cert_type 03 when mdtrt_cert_no is the card's number: the holder's ID number, which the card carries");
    } else {
      const certno = parseResidentId(data.certno || data.mdtrt_cert_no, data.certno ? "data.certno" : "data.mdtrt_cert_no");
      read = await personWithRecords(ctx.q, { certno });
      if (!read) throw new DomainError("data.certno", `no insured person with ID number ${certno}`);
    }
    const person = read.person;
    if (data.psn_name && data.psn_name !== person.psn_name) throw new DomainError("data.psn_name", "does not match the ID number");
    const today = ctx.inf_time.slice(0, 10);
    const { identities: ids, enrollments: enrolled } = read;
    const latest = new Map<string, (typeof enrolled)[number]>();
    for (const e of enrolled) latest.set(e.insutype, e);
    return {
      output: {
        baseinfo: {
          psn_no: person.psn_no,
          psn_cert_type: person.psn_cert_type,
          certno: person.certno,
          psn_name: person.psn_name,
          gend: person.gend,
          naty: person.naty,
          brdy: person.brdy,
          age: ageOn(person.brdy, today),
        },
        insuinfo: [...latest.values()].map((e) => ({
          balc: e.insutype === "310" ? toYuan(person.balc_fen as Fen) : 0,
          insutype: e.insutype,
          psn_type: e.insutype === "310" ? "11" : "1501",
          cvlserv_flag: "0",
          insuplc_admdvs: e.admdvs,
          emp_name: person.emp_name ?? "",
          psn_insu_stas: e.status === "enrolled" ? "1" : e.status === "suspended" ? "2" : "4",
          psn_insu_date: e.psn_insu_date,
          paus_insu_date: e.paus_insu_date,
        })),
        idetinfo: ids.map((i) => ({ psn_idet_type: i.psn_idet_type, psn_type_lv: "", begntime: i.begntime, endtime: i.endtime })),
      },
    };
  },
});

/**
 * 1162: the hospital's scanner read the portal's QR code (ecQrCode); the answer is the holder's identity and an ecToken
 * for the visit, which the hospital then sends as mdtrt_cert_no with mdtrt_cert_type 01 (1101, 2201, 2401…).
 */
export const voucherDecode = defineHandler({
  infno: "1162",
  name: "电子凭证解码",
  readOnly: true,
  output: { data: ["ecToken", "ecTokenExpireTime", "idNo", "idType", "userName", "gender", "birthday", "nationality", "ecIndexNo", "insuOrg"] },
  input: z.object({
    data: z.object({
      ecQrCode: z.string().min(1, "is required: the content of the QR code"),
      businessType: z.string().optional(),
      deptCode: z.string().optional(),
      deptName: z.string().optional(),
      operatorId: z.string().optional(),
      operatorName: z.string().optional(),
      officeId: z.string().optional(),
      officeName: z.string().optional(),
      orgId: z.string().optional(),
    }),
  }),
  async handle(ctx, { data }) {
    const voucher = await verifyVoucher(ctx.services, data.ecQrCode, "data.ecQrCode");
    await checkVoucherUse(ctx.q, data.ecQrCode, voucher, ctx.fixmedins_code, "data.ecQrCode");
    const person = await getPerson(ctx.q, voucher.psn_no, "data.ecQrCode");
    // Bound to this hospital; it ends with the visit it registers, or after VISIT_TOKEN_TTL_SECONDS if it registers none.
    const visit = await issueVoucher(ctx.services, person.psn_no, Date.now(), VISIT_TOKEN_TTL_SECONDS, ctx.fixmedins_code);
    const enrolled = await enrollmentsOf(ctx.q, person.psn_no);
    return {
      output: {
        data: {
          ecToken: visit.token,
          ecTokenExpireTime: visit.expires_at.toISOString(),
          idNo: person.certno,
          idType: person.psn_cert_type,
          userName: person.psn_name,
          gender: person.gend,
          birthday: person.brdy,
          nationality: person.naty,
          ecIndexNo: person.psn_no,
          insuOrg: enrolled.at(-1)?.admdvs ?? person.insuplc_admdvs,
        },
      },
    };
  },
});

/** 2001: whether the person may be treated and settled now (enrolled; no stay in progress elsewhere). */
export const benefitCheck = defineHandler({
  infno: "2001",
  name: "人员待遇享受检查",
  readOnly: true,
  output: { "trtinfo[]": ["psn_no", "trt_chk_type", "fund_pay_type", "trt_enjymnt_flag", "trt_chk_rslt"] },
  input: z.object({
    data: z.object({
      psn_no: z.string().min(1),
      insutype: z.string().regex(/^\d{3}$/),
      fixmedins_code: z.string().optional(),
      med_type: z.enum(NATIONAL_MED_TYPE_CODES, "must be a national medical type (医疗类别)"),
      begntime: dateTimeField,
      endtime: z.union([dateTimeField, z.literal("")]).optional(),
      dise_codg: z.string().optional(),
    }),
  }),
  async handle(ctx, { data }) {
    const person = await getPerson(ctx.q, data.psn_no, "data.psn_no");
    const date = data.begntime.slice(0, 10);
    const trtinfo: Record<string, unknown>[] = [];
    const enrollment = await enrollmentOn(ctx.q, person.psn_no, data.insutype, date);
    trtinfo.push({
      psn_no: person.psn_no,
      trt_chk_type: "01",
      fund_pay_type: data.insutype === "310" ? "310100" : "390100",
      trt_enjymnt_flag: enrollment && enrollment.status === "enrolled" ? "1" : "0",
      trt_chk_rslt: enrollment ? `参保状态：${enrollment.status}` : `${date.slice(0, 4)}年度无${data.insutype}参保记录`,
    });
    const open = await ctx.q
      .select({ mdtrt_id: encounters.mdtrt_id, fixmedins_code: encounters.fixmedins_code })
      .from(encounters)
      .where(and(eq(encounters.psn_no, person.psn_no), eq(encounters.kind, "inpatient"), inArray(encounters.status, ["admitted", "discharged"])));
    const elsewhere = open.filter((o) => o.fixmedins_code !== ctx.fixmedins_code);
    if (NATIONAL_MED_TYPES[data.med_type].care === "inpatient") {
      trtinfo.push({
        psn_no: person.psn_no,
        trt_chk_type: "02",
        fund_pay_type: data.insutype === "310" ? "310100" : "390100",
        trt_enjymnt_flag: elsewhere.length === 0 ? "1" : "0",
        trt_chk_rslt: elsewhere.length === 0 ? "无在院记录" : `在${elsewhere.map((o) => o.fixmedins_code).join("、")}有未结算住院`,
      });
    }
    return { output: { trtinfo } };
  },
});

const ACCUMULATOR_NAMES: Record<(typeof ACCUMULATOR_KEYS)[number], string> = {
  outpatient_deductible_counted_fen: "普通门诊起付线累计",
  outpatient_basic_paid_fen: "普通门诊统筹支付累计",
  inpatient_chronic_basic_paid_fen: "住院及门诊慢特病统筹支付累计",
  tier_two_base_fen: "大病保险合规费用累计",
  critical_illness_paid_fen: "大病保险支付累计",
  large_amount_paid_fen: "职工大额补助支付累计",
  assistance_base_fen: "医疗救助基数累计",
  assistance_paid_fen: "医疗救助支付累计",
};

/**
 * 5206: the person's accumulators of the year of cum_ym (yyyyMM; also yyyy-MM or a date in the month, as clients send it).
 * Each row names the month asked for and the insurance type of that year's enrollment, the columns clients key them by.
 */
export const accumulatorsQuery = defineHandler({
  infno: "5206",
  name: "人员累计信息查询",
  readOnly: true,
  input: z.object({ data: z.object({ psn_no: z.string().min(1), cum_ym: yearMonthField }).passthrough() }),
  output: { "cuminfo[]": ["cum_ym", "year", "insutype", "cum_type_code", "cum_type_name", "cum"] },
  async handle(ctx, { data }) {
    const person = await getPerson(ctx.q, data.psn_no, "data.psn_no");
    const year = Number(data.cum_ym.slice(0, 4));
    const acc = await loadAccumulators(ctx.q, person.psn_no, year);
    // The accumulators are the person's, whatever the insurance: the row names the type the person held that year.
    const ofYear = (await enrollmentsOf(ctx.q, person.psn_no)).filter((e) => e.year === year);
    const insutype = (ofYear.find((e) => e.status === "enrolled") ?? ofYear.at(-1))?.insutype ?? "";
    const row = (cum_type_code: string, cum_type_name: string, cum: Fen) => ({ cum_ym: data.cum_ym, year, insutype, cum_type_code, cum_type_name, cum: toYuan(cum) });
    const cuminfo: Record<string, unknown>[] = ACCUMULATOR_KEYS.map((key) => row(key.replace(/_fen$/, ""), ACCUMULATOR_NAMES[key], acc[key]));
    for (const [code, paid] of Object.entries(acc.chronic_basic_paid_fen)) {
      cuminfo.push(row(`chronic_basic_paid:${code}`, `门诊慢特病${code}统筹支付累计`, paid));
    }
    // The supplementary tiers (惠民保, charity) by tier id, as the chronic diseases by code: only those with something counted.
    for (const [tier, base] of Object.entries(acc.supplementary_base_fen)) {
      cuminfo.push(row(`supplementary_base:${tier}`, `补充保障${tier}计入基数累计`, base));
    }
    for (const [tier, paid] of Object.entries(acc.supplementary_paid_fen)) {
      cuminfo.push(row(`supplementary_paid:${tier}`, `补充保障${tier}支付累计`, paid));
    }
    return { output: { cuminfo } };
  },
});
