import { z } from "zod";
import { FUND_PAY_TYPE_NAMES } from "../../../domain/codes.js";
import { toYuan, type Fen } from "../../../domain/money.js";
import { PPM } from "../../../domain/ratio.js";
import {
  contributionsOf, type ContributionView, getEnrollment, listEnrollments, recomputeSubsidies, subsidyRegister,
} from "../../../services/enrollment/index.js";
import { NotFoundError } from "../../errors.js";
import { categoryIn, enrollmentStatus, idIn, paged, pagination, regionIn, timeOut, yearIn, yuanOut } from "../../fields.js";
import { defineRoute } from "../../route.js";
import { contributionAmounts, enrollment, toAmounts, toEnrollment } from "../common/shapes.js";
import { checkPerson, regionOf } from "../../scope.js";
import { signedIn } from "../../session.js";

export const listEnrollmentsRoute = defineRoute({
  method: "GET",
  path: "/enrollments",
  operationId: "listEnrollments",
  summary: { zh: "参保登记查询", en: "List enrollments" },
  tags: ["enrollments"],
  access: "read",
  query: z.strictObject({
    psn_no: z.string().min(1).max(50).optional(),
    year: yearIn.optional(),
    admdvs: regionIn.optional().meta({ description: "参保地 / the region of the enrollment" }),
    status: enrollmentStatus.optional(),
    insutype: z.string().regex(/^\d{3}$/, "must be a 3-digit insurance type (310, 390…)").optional().meta({ description: "险种 / insurance type" }),
    ...pagination,
  }),
  response: paged(enrollment.extend({ psn_name: z.string(), certno: z.string() })),
  async handle({ query, services, principal }) {
    const me = signedIn(principal);
    const found = await listEnrollments(services.db, { ...query, admdvs: regionOf(me, query.admdvs, "query.admdvs") }, query);
    return {
      items: found.items.map((e) => ({ ...toEnrollment(e), psn_name: e.psn_name, certno: e.certno })),
      page: query.page,
      page_size: query.page_size,
      total: found.total,
      total_capped: found.total_capped,
    };
  },
});

const fundName = z.string().nullable().meta({ description: "资助资金名称 / the name of the fund that pays the subsidy" });

const contribution = z.object({
  id: z.int(),
  kind: z.string().meta({ description: "initial 首次缴费 | adjustment 调整 | refund 退费" }),
  ...contributionAmounts.shape,
  category: z.string().nullable(),
  category_name: z.string().nullable(),
  share: z.number().meta({ description: "资助比例 / share of the individual contribution paid by assistance, 0–1" }),
  subsidy_fund: z.string().nullable(),
  subsidy_fund_name: fundName,
  effective_month: z.int().nullable().meta({ description: "调整自该月起 / first month (1–12) an adjustment covers" }),
  reason: z.string().meta({ description: "计算说明 / the explanation, in Chinese" }),
  created_at: timeOut,
});

function toContribution(c: ContributionView): z.output<typeof contribution> {
  return {
    id: c.id,
    kind: c.kind,
    ...toAmounts(c),
    category: c.category,
    category_name: c.category_name,
    share: c.share_ppm / PPM,
    subsidy_fund: c.subsidy_fund,
    subsidy_fund_name: c.subsidy_fund_name,
    effective_month: c.effective_month,
    reason: c.reason,
    created_at: c.created_at,
  };
}

export const enrollmentContributionsRoute = defineRoute({
  method: "GET",
  path: "/enrollments/{id}/contributions",
  operationId: "enrollmentContributions",
  summary: { zh: "参保登记的缴费与资助明细", en: "Contributions of an enrollment" },
  description: "首笔缴费及其后的调整与退费；合计即实缴与资助 / the initial payment, then adjustments and refunds; the totals are what was paid and by whom.",
  tags: ["contributions"],
  access: "read",
  params: z.strictObject({ id: idIn }),
  errors: [404],
  response: z.object({
    enrollment,
    contributions: z.array(contribution),
    totals: contributionAmounts,
    note: z.string().nullable().meta({ description: "无缴费记录的原因 / why there are no rows, where there are none" }),
  }),
  async handle({ params, services, principal }) {
    const found = await getEnrollment(services.db, params.id);
    if (!found) throw new NotFoundError("params.id", `no enrollment ${params.id}`);
    checkPerson(signedIn(principal), { psn_no: found.psn_no, insuplc_admdvs: found.admdvs }, "params.id");
    const person = await contributionsOf(services.db, found.psn_no, { policies: services.policies });
    const mine = person.enrollments.find((e) => e.enrollment_id === found.id);
    return {
      enrollment: toEnrollment(found),
      contributions: (mine?.contributions ?? []).map(toContribution),
      totals: toAmounts(mine?.totals ?? { individual_fen: 0, person_paid_fen: 0, assistance_subsidy_fen: 0, fiscal_subsidy_fen: 0 }),
      note: mine?.note ?? null,
    };
  },
});

const registerTotal = { persons: z.int(), assistance_subsidy: yuanOut };

export const subsidyRegisterRoute = defineRoute({
  method: "GET",
  path: "/contributions",
  operationId: "subsidyRegister",
  summary: { zh: "资助参保台账", en: "The subsidized-enrollment register" },
  description:
    "某年度（地区、类别）受资助的人员：类别、比例、资助金额、资助资金；合计覆盖全部符合条件的记录，不限于本页 / " +
    "who was subsidized in a year (region, category): category, share, amount, paying fund; the totals cover every matching line, not only this page.",
  tags: ["contributions"],
  access: "read",
  query: z.strictObject({
    year: yearIn,
    admdvs: regionIn.optional(),
    category: categoryIn.optional(),
    ...pagination,
  }),
  response: paged(z.object({
    psn_no: z.string(),
    certno: z.string(),
    psn_name: z.string(),
    admdvs: z.string(),
    category: z.string().nullable(),
    category_name: z.string().nullable(),
    share: z.number().meta({ description: "资助比例（最高）/ the highest share, 0–1" }),
    assistance_subsidy: yuanOut,
    subsidy_fund: z.string().nullable(),
    subsidy_fund_name: fundName,
    from_month: z.int().meta({ description: "资助起始月 / first month the subsidy covers" }),
    kinds: z.array(z.string()),
  })).extend({
    year: z.int(),
    admdvs: z.string().nullable(),
    category: z.string().nullable(),
    totals: z.object({
      ...registerTotal,
      by_category: z.array(z.object({ category: z.string().nullable(), category_name: z.string().nullable(), ...registerTotal })),
      by_fund: z.array(z.object({ subsidy_fund: z.string().nullable(), subsidy_fund_name: fundName, ...registerTotal })),
    }),
    contributions: contributionAmounts.extend({
      enrollments: z.int().meta({ description: "该年度（地区）全部居民缴费的参保登记数 / enrollments with contributions in the year (region)" }),
    }).meta({ description: "全部居民缴费（含未资助）/ every resident contribution of the year and region, subsidized or not" }),
  }),
  async handle({ query, services, principal }) {
    const r = await subsidyRegister(services.db, {
      year: query.year,
      admdvs: regionOf(signedIn(principal), query.admdvs, "query.admdvs") ?? null,
      category: query.category ?? null,
      limit: query.page_size,
      offset: (query.page - 1) * query.page_size,
    });
    const fund = (code: string | null) => (code === null ? null : (FUND_PAY_TYPE_NAMES[code] ?? code));
    return {
      items: r.lines.map((l) => ({
        psn_no: l.psn_no,
        certno: l.certno,
        psn_name: l.psn_name,
        admdvs: l.admdvs,
        category: l.category,
        category_name: l.category_name,
        share: l.share_ppm / PPM,
        assistance_subsidy: toYuan(l.assistance_subsidy_fen),
        subsidy_fund: l.subsidy_fund,
        subsidy_fund_name: l.subsidy_fund_name ?? fund(l.subsidy_fund),
        from_month: l.from_month,
        kinds: l.kinds,
      })),
      page: query.page,
      page_size: query.page_size,
      total: r.line_count,
      year: r.year,
      admdvs: r.admdvs,
      category: r.category,
      totals: {
        persons: r.totals.persons,
        assistance_subsidy: toYuan(r.totals.assistance_subsidy_fen),
        by_category: r.totals.by_category.map((b) => ({
          category: b.category, category_name: b.category_name, persons: b.persons, assistance_subsidy: toYuan(b.assistance_subsidy_fen),
        })),
        by_fund: r.totals.by_fund.map((b) => ({
          subsidy_fund: b.subsidy_fund, subsidy_fund_name: b.subsidy_fund_name, persons: b.persons, assistance_subsidy: toYuan(b.assistance_subsidy_fen),
        })),
      },
      contributions: { enrollments: r.contributions.enrollments, ...toAmounts(r.contributions) },
    };
  },
});

export const recomputeSubsidiesRoute = defineRoute({
  method: "POST",
  path: "/subsidies/recompute",
  operationId: "recomputeSubsidies",
  summary: { zh: "重算资助参保", en: "Recompute enrollment subsidies" },
  description:
    "为某年度（地区）的居民参保计算首次缴费与“当月参保、次月资助”的调整；重复执行不再改变 / writes the initial contributions and the " +
    "adjustments owed for a year (region); running it twice changes nothing the second time.",
  tags: ["subsidies"],
  access: "write",
  body: z.strictObject({ year: yearIn, admdvs: regionIn.optional() }),
  response: z.object({
    year: z.int(),
    admdvs: z.string().nullable(),
    enrollments: z.int().meta({ description: "检查的居民参保登记 / resident enrollments examined" }),
    initial: z.int().meta({ description: "新增首次缴费记录 / initial rows written" }),
    adjustments: z.int().meta({ description: "新增调整记录 / adjustment rows written" }),
    adjustment_subsidy: yuanOut.meta({ description: "调整记录的资助合计 / assistance subsidy of the adjustments" }),
    assistance_subsidy: yuanOut.meta({ description: "本次写入记录的资助合计 / assistance subsidy of every row written" }),
    without_policy: z.int(),
    policy_fallbacks: z.int(),
    seconds: z.number(),
  }),
  async handle({ body, services, principal }) {
    const admdvs = regionOf(signedIn(principal), body.admdvs, "body.admdvs") ?? null;
    const r = await recomputeSubsidies(services.db, { year: body.year, admdvs }, { policies: services.policies });
    return {
      year: r.year,
      admdvs: r.admdvs,
      enrollments: r.enrollments,
      initial: r.initial,
      adjustments: r.adjustments,
      adjustment_subsidy: toYuan(r.adjustment_fen as Fen),
      assistance_subsidy: toYuan(r.assistance_fen as Fen),
      without_policy: r.without_policy,
      policy_fallbacks: r.policy_fallbacks,
      seconds: r.seconds,
    };
  },
});
