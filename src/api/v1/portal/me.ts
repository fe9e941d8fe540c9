import { z } from "zod";
import type { Category } from "../../../domain/codes.js";
import { CATEGORY_NAMES } from "../../../domain/codes.js";
import { withinValidity } from "../../../domain/ids.js";
import { toYuan } from "../../../domain/money.js";
import { policyId, regionName, selectPolicy } from "../../../domain/reference/index.js";
import { yearProgress, type Meter } from "../../../domain/settlement/index.js";
import { rowsOf, todayInChina } from "../../../services/common/index.js";
import { contributionsOf, personDetail } from "../../../services/enrollment/index.js";
import { issueVoucher } from "../../../services/identity/index.js";
import { sql } from "drizzle-orm";
import { forbidden, NotFoundError } from "../../errors.js";
import { timeOut, yearIn, yuanOut } from "../../fields.js";
import { defineRoute } from "../../route.js";
import { signedIn } from "../../session.js";
import { category, toCategory } from "../common/shapes.js";

/** The insured person's portal: their coverage and contributions, this year's progress, the electronic voucher. */

const meterOut = z.object({
  limit: yuanOut.nullable().meta({ description: "限额（无封顶时为空）/ the cap, null when there is none" }),
  used: yuanOut,
  remaining: yuanOut.nullable(),
});
const toMeter = (m: Meter) => ({ limit: m.limit === null ? null : toYuan(m.limit), used: toYuan(m.used), remaining: m.remaining === null ? null : toYuan(m.remaining) });

/** "123456********1234": enough to recognise one's own number on a shared screen. */
const maskCertno = (certno: string) => `${certno.slice(0, 6)}********${certno.slice(14)}`;

export const myRecordsRoute = defineRoute({
  method: "GET",
  path: "/me",
  operationId: "myRecords",
  summary: { zh: "我的参保、缴费与年度进度", en: "My coverage, contributions and this year's progress" },
  description:
    "year 默认为有结算的最近年度（没有则为今年）/ year defaults to the latest year with a settlement (else this year). 进度：距大病保险起付线还差多少、各项封顶线剩余 / " +
    "progress: how far from the critical-illness deductible, what is left under each cap.",
  tags: ["portal"],
  access: "self",
  query: z.strictObject({ year: yearIn.optional() }),
  errors: [404],
  response: z.object({
    person: z.object({
      psn_no: z.string(), certno: z.string().meta({ description: "脱敏 / masked" }), psn_name: z.string(), gend: z.string(), brdy: z.string(),
      insuplc_admdvs: z.string(), admdvs_name: z.string(),
    }),
    year: z.int(),
    years_with_settlements: z.array(z.int()),
    categories: z.array(category),
    years: z.array(z.object({
      year: z.int(),
      enrollments: z.array(z.object({
        enrollment_id: z.int(), insutype: z.string(), insutype_name: z.string(), admdvs: z.string(), status: z.string(), psn_insu_date: z.string(),
        contributions: z.object({
          individual: yuanOut.meta({ description: "个人应缴 / the individual contribution" }),
          paid_by_person: yuanOut.meta({ description: "个人实缴 / what the person paid" }),
          fiscal_subsidy: yuanOut.meta({ description: "财政补助 / the fiscal subsidy" }),
          assistance_subsidy: yuanOut.meta({ description: "医疗救助资助参保 / the assistance subsidy" }),
          category: z.string().nullable(),
          category_name: z.string().nullable(),
          reasons: z.array(z.string()).meta({ description: "各笔缴费/资助的说明 / each row's explanation" }),
        }),
      })),
    })),
    progress: z.object({
      year: z.int(),
      policy_id: z.string(),
      insutype: z.string(),
      critical_illness: meterOut.extend({
        deductible: yuanOut.meta({ description: "大病保险起付线（含倾斜）/ the critical-illness deductible (tilted where it applies)" }),
        base_so_far: yuanOut.meta({ description: "本年累计合规自付 / this year's base so far" }),
        deductible_remaining: yuanOut.meta({ description: "距起付线还差 / what is left before it pays" }),
        paid: yuanOut,
        tilt: z.string().nullable(),
        tilt_category_name: z.string().nullable(),
      }).nullable(),
      large_amount: meterOut.nullable(),
      basic_inpatient: meterOut.nullable(),
      outpatient: meterOut.extend({ deductible: yuanOut, deductible_counted: yuanOut }).nullable(),
      assistance: meterOut.extend({ category: z.string(), category_name: z.string() }).nullable(),
    }).nullable().meta({ description: "无该年度参保或政策时为空 / null without an enrollment or policy of the year" }),
  }),
  async handle({ query, services, principal }) {
    const me = signedIn(principal);
    const psnNo = me.psn_no;
    if (!psnNo) throw forbidden(null, "this account is not linked to an insured person");
    const withSettlements = (await rowsOf<{ year: number }>(services.db, sql`
      select distinct year from settlements where psn_no = ${psnNo} and status = 'settled' order by year desc`)).map((r) => Number(r.year));
    const year = query.year ?? withSettlements[0] ?? Number(todayInChina().slice(0, 4));
    const detail = await personDetail(services.db, psnNo, year);
    if (!detail) throw new NotFoundError("psn_no", "the insured person of this account is no longer registered");
    const person = detail.person;
    const contributions = await contributionsOf(services.db, psnNo, { policies: services.policies });
    const yearEnd = `${year}-12-31`;
    const asOf = year === Number(todayInChina().slice(0, 4)) ? todayInChina() : yearEnd;
    const held = new Set(detail.identities.filter((i) => withinValidity(asOf, i.begntime, i.endtime)).map((i) => i.psn_idet_type as Category));
    const enrolledThisYear = detail.enrollments.find((e) => e.year === year && e.status === "enrolled");
    let progress = null;
    if (enrolledThisYear) {
      const choice = (() => {
        try {
          return selectPolicy(services.policies, enrolledThisYear.admdvs, asOf);
        } catch {
          return null;
        }
      })();
      if (choice) {
        const p = yearProgress(choice.policy, enrolledThisYear.insutype, held, detail.accumulators);
        progress = {
          year,
          policy_id: policyId(choice.policy),
          insutype: p.insutype,
          critical_illness: p.critical_illness
            ? {
                ...toMeter(p.critical_illness), deductible: toYuan(p.critical_illness.deductible), base_so_far: toYuan(p.critical_illness.base_so_far),
                deductible_remaining: toYuan(p.critical_illness.deductible_remaining), paid: toYuan(p.critical_illness.paid), tilt: p.critical_illness.tilt,
                tilt_category_name: p.critical_illness.tilt_category ? CATEGORY_NAMES[p.critical_illness.tilt_category] : null,
              }
            : null,
          large_amount: p.large_amount ? toMeter(p.large_amount) : null,
          basic_inpatient: p.basic_inpatient ? toMeter(p.basic_inpatient) : null,
          outpatient: p.outpatient ? { ...toMeter(p.outpatient), deductible: toYuan(p.outpatient.deductible), deductible_counted: toYuan(p.outpatient.deductible_counted) } : null,
          assistance: p.assistance ? { ...toMeter(p.assistance), category: p.assistance.category, category_name: CATEGORY_NAMES[p.assistance.category] } : null,
        };
      }
    }
    const years = [...new Set(contributions.enrollments.map((e) => e.year))].sort((a, b) => b - a);
    return {
      person: {
        psn_no: person.psn_no, certno: maskCertno(person.certno), psn_name: person.psn_name, gend: person.gend, brdy: person.brdy,
        insuplc_admdvs: person.insuplc_admdvs, admdvs_name: regionName(person.insuplc_admdvs),
      },
      year,
      years_with_settlements: withSettlements,
      categories: detail.identities.map((i) => toCategory(i, asOf)),
      years: years.map((y) => ({
        year: y,
        enrollments: contributions.enrollments.filter((e) => e.year === y).map((e) => {
          const subsidized = [...e.contributions].reverse().find((c) => c.category !== null);
          return {
            enrollment_id: e.enrollment_id, insutype: e.insutype, insutype_name: e.insutype_name, admdvs: e.admdvs, status: e.status, psn_insu_date: e.psn_insu_date,
            contributions: {
              individual: toYuan(e.totals.individual_fen), paid_by_person: toYuan(e.totals.person_paid_fen), fiscal_subsidy: toYuan(e.totals.fiscal_subsidy_fen),
              assistance_subsidy: toYuan(e.totals.assistance_subsidy_fen), category: subsidized?.category ?? null, category_name: subsidized?.category_name ?? null,
              reasons: e.contributions.map((c) => c.reason).concat(e.note ? [e.note] : []),
            },
          };
        }),
      })),
      progress,
    };
  },
});

export const myVoucherRoute = defineRoute({
  method: "POST",
  path: "/me/voucher",
  operationId: "myVoucher",
  summary: { zh: "医保电子凭证（二维码令牌）", en: "My electronic voucher (the QR code's token)" },
  description:
    "短时有效的签名令牌；医院以 mdtrt_cert_type=01、mdtrt_cert_no=令牌 调用 1101，或以 1162 解码 / a short-lived signed token; a hospital sends it to 1101 " +
    "as mdtrt_cert_no with mdtrt_cert_type 01, or decodes it with 1162.",
  tags: ["portal"],
  access: "self",
  response: z.object({ token: z.string(), expires_at: timeOut, ttl_seconds: z.int() }),
  async handle({ services, principal }) {
    const me = signedIn(principal);
    if (!me.psn_no) throw forbidden(null, "this account is not linked to an insured person");
    const v = await issueVoucher(services, me.psn_no);
    return { token: v.token, expires_at: v.expires_at.toISOString(), ttl_seconds: v.ttl_seconds };
  },
});
