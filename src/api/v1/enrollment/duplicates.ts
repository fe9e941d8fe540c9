import { z } from "zod";
import { toYuan, type Fen } from "../../../domain/money.js";
import {
  countDuplicateCases, DUPLICATE_KINDS, DUPLICATE_STATUSES, type DuplicateCase, getDuplicate, getDuplicateCase, listDuplicates,
  resolveAllByRule, resolveDuplicate, type ResolveResult, scanDuplicates,
} from "../../../services/enrollment/index.js";
import { DomainError } from "../../../domain/errors.js";
import { ConflictError, forbidden, NotFoundError } from "../../errors.js";
import { dateIn, dateOut, idIn, paged, pagination, regionIn, timeOut, yearIn, yuanOut } from "../../fields.js";
import { defineRoute } from "../../route.js";
import { renameFields } from "../common/inputs.js";
import type { Principal } from "../../../domain/identity/index.js";
import { regionCovers } from "../../../domain/reference/index.js";
import { regionOf } from "../../scope.js";
import { signedIn } from "../../session.js";

const duplicateCase = z.object({
  id: z.int(),
  certno: z.string(),
  psn_no: z.string(),
  psn_name: z.string(),
  year: z.int(),
  kind: z.enum(DUPLICATE_KINDS).meta({ description: "two_regions 跨统筹区 | employee_and_resident 职工与居民" }),
  kind_name: z.string(),
  enrollment_ids: z.array(z.int()),
  enrollments: z.array(z.object({
    id: z.int(),
    insutype: z.string(),
    admdvs: z.string(),
    status: z.string(),
    psn_insu_date: dateOut,
    enddate: dateOut.nullable(),
    end_reason: z.string().nullable(),
  })).meta({ description: "案件涉及的参保登记（当前状态）/ the case's enrollments as they are now" }),
  found_by: z.string().meta({ description: "import | scan" }),
  found_at: timeOut,
  status: z.enum(DUPLICATE_STATUSES),
  resolution: z.enum(["rule", "clerk"]).nullable(),
  kept_enrollment_id: z.int().nullable(),
  ended_enrollment_ids: z.array(z.int()),
  refund: yuanOut.nullable().meta({ description: "退还个人缴费（元）/ refunded to the person, yuan" }),
  resolved_by: z.string().nullable(),
  resolved_at: timeOut.nullable(),
  note: z.string().nullable(),
});

function toCase(c: DuplicateCase): z.output<typeof duplicateCase> {
  const { refund_fen, ...rest } = c;
  return { ...rest, refund: refund_fen === null ? null : toYuan(refund_fen) };
}

const resolveResult = z.object({
  case: duplicateCase,
  ended: z.array(z.object({
    enrollment_id: z.int(),
    insutype: z.string(),
    admdvs: z.string(),
    person_paid: yuanOut.meta({ description: "退还个人 / back to the person" }),
    assistance_subsidy: yuanOut.meta({ description: "退回医疗救助 / back to medical assistance" }),
    fiscal_subsidy: yuanOut.meta({ description: "退回财政 / back to the treasury" }),
  })),
  refund: yuanOut,
  also_resolved: z.array(z.int()).meta({ description: "随之一并处理的同人同年案件 / other cases of the person and year this cleared" }),
});

function toResolveResult(r: ResolveResult): z.output<typeof resolveResult> {
  return {
    case: toCase(r.case),
    ended: r.ended.map((e) => ({
      enrollment_id: e.enrollment_id,
      insutype: e.insutype,
      admdvs: e.admdvs,
      person_paid: toYuan(e.person_paid_fen),
      assistance_subsidy: toYuan(e.assistance_subsidy_fen),
      fiscal_subsidy: toYuan(e.fiscal_subsidy_fen),
    })),
    refund: toYuan(r.refund_fen),
    also_resolved: r.also_resolved,
  };
}

export const listDuplicatesRoute = defineRoute({
  method: "GET",
  path: "/duplicates",
  operationId: "listDuplicates",
  summary: { zh: "重复参保案件", en: "Duplicate-enrollment cases" },
  tags: ["duplicates"],
  access: "read",
  query: z.strictObject({
    status: z.enum(DUPLICATE_STATUSES).optional(),
    kind: z.enum(DUPLICATE_KINDS).optional().meta({ description: "two_regions 一人两地 | employee_and_resident 职工与居民重复" }),
    year: yearIn.optional(),
    admdvs: regionIn.optional().meta({ description: "在该地区有当年参保的人员的案件 / cases of persons enrolled in this region that year" }),
    psn_no: z.string().min(1).max(40).optional(),
    ...pagination,
  }),
  response: paged(duplicateCase),
  async handle({ query, services, principal }) {
    const filter = { status: query.status, kind: query.kind, year: query.year, admdvs: regionOf(signedIn(principal), query.admdvs, "query.admdvs"), psn_no: query.psn_no };
    const [items, total] = await Promise.all([
      listDuplicates(services.db, { ...filter, limit: query.page_size, offset: (query.page - 1) * query.page_size }),
      countDuplicateCases(services.db, filter),
    ]);
    return { items: items.map(toCase), page: query.page, page_size: query.page_size, total };
  },
});

const caseParams = z.strictObject({ id: idIn.meta({ description: "案件号 / case id" }) });

/** The case, if it exists and one of its enrollments lies in the principal's region (a two-region case concerns both). */
async function existingCase(services: { db: Parameters<typeof getDuplicateCase>[0] }, id: number, principal: Principal | null) {
  const found = await getDuplicateCase(services.db, id);
  if (!found) throw new NotFoundError("params.id", `no duplicate case ${id}`);
  const me = signedIn(principal);
  const full = await getDuplicate(services.db, id);
  if (!full.enrollments.some((e) => regionCovers(me.admdvs, e.admdvs))) {
    throw forbidden("params.id", `case ${id} concerns enrollments in ${full.enrollments.map((e) => e.admdvs).join(", ")}, outside your region ${me.admdvs}`);
  }
  return { found, full };
}

/** Who resolves is who is signed in: a body that names somebody else is refused rather than recorded. */
function actor(principal: Principal | null, named: string | undefined, field: string): string {
  const me = signedIn(principal);
  if (named !== undefined && named !== me.username && named !== me.display_name) {
    throw new DomainError(field, `is recorded from the signed-in user (${me.username}); leave it out or send ${me.username}`);
  }
  return me.username;
}

export const getDuplicateRoute = defineRoute({
  method: "GET",
  path: "/duplicates/{id}",
  operationId: "getDuplicate",
  summary: { zh: "重复参保案件详情", en: "A duplicate-enrollment case" },
  tags: ["duplicates"],
  access: "read",
  params: caseParams,
  errors: [404],
  response: duplicateCase,
  async handle({ params, services, principal }) {
    return toCase((await existingCase(services, params.id, principal)).full);
  },
});

const yearScope = z.strictObject({ year: yearIn, admdvs: regionIn.optional() });

export const scanDuplicatesRoute = defineRoute({
  method: "POST",
  path: "/duplicates/scan",
  operationId: "scanDuplicates",
  summary: { zh: "扫描重复参保", en: "Scan a year for duplicate enrollment" },
  description: "记录某年度（地区）一人两处或职工与居民同时参保的案件；可重复执行 / records the cases of a year (region); idempotent.",
  tags: ["duplicates"],
  access: "write",
  body: yearScope,
  response: z.object({
    year: z.int(),
    admdvs: z.string().nullable(),
    found: z.int().meta({ description: "当前重复的人次与类型 / persons and kinds enrolled twice now" }),
    created: z.int(),
    updated: z.int(),
    unchanged: z.int(),
    recurred: z.array(z.object({ case_id: z.int(), psn_no: z.string(), kind: z.enum(DUPLICATE_KINDS), enrollment_ids: z.array(z.int()) }))
      .meta({ description: "已处理案件再次重复，待人工处理 / resolved cases enrolled twice again, for a clerk" }),
  }),
  async handle({ body, services, principal }) {
    const admdvs = regionOf(signedIn(principal), body.admdvs, "body.admdvs");
    return renameFields("body", () => scanDuplicates(services.db, { year: body.year, ...(admdvs ? { admdvs } : {}) }));
  },
});

const operator = z.string().trim().min(1).max(50);

export const resolveDuplicateRoute = defineRoute({
  method: "POST",
  path: "/duplicates/{id}/resolve",
  operationId: "resolveDuplicate",
  summary: { zh: "处理重复参保案件", en: "Resolve a duplicate-enrollment case" },
  description:
    "by=rule：职工医保优先，同险种保留较早的参保；by=clerk：经办人指定保留的参保登记并说明。其余参保终止并退费 / " +
    "by=rule: employee insurance first, else the earlier enrollment; by=clerk: the clerk names the one to keep, with a note. The others end and are refunded.",
  tags: ["duplicates"],
  access: "write",
  params: caseParams,
  body: z.discriminatedUnion("by", [
    z.strictObject({
      by: z.literal("rule"),
      date: dateIn.optional().meta({ description: "终止日期，默认今天 / the end date, default today (China)" }),
      operator: operator.optional(),
    }),
    z.strictObject({
      by: z.literal("clerk"),
      keep_enrollment_id: z.int().min(1),
      clerk: operator.optional().meta({ description: "经办人，默认且只能为当前登录用户 / the clerk: the signed-in user (the default; another name is refused)" }),
      note: z.string().trim().min(1).max(500).meta({ description: "处理说明 / why" }),
      date: dateIn.optional(),
    }),
  ]),
  errors: [404, 409],
  response: resolveResult,
  async handle({ params, body, services, principal }) {
    const { found } = await existingCase(services, params.id, principal);
    if (found.status !== "open") throw new ConflictError("params.id", `case ${params.id} is already resolved`);
    const resolution = body.by === "clerk"
      ? { ...body, clerk: actor(principal, body.clerk, "body.clerk") }
      : { ...body, operator: actor(principal, body.operator, "body.operator") };
    const r = await renameFields("body", () => resolveDuplicate(services.db, params.id, resolution), { id: "params.id" });
    return toResolveResult(r);
  },
});

export const resolveAllDuplicatesRoute = defineRoute({
  method: "POST",
  path: "/duplicates/resolve-by-rule",
  operationId: "resolveAllDuplicates",
  summary: { zh: "按规则处理全部未处理案件", en: "Resolve every open case of a year by the rule" },
  tags: ["duplicates"],
  access: "write",
  body: yearScope.extend({ date: dateIn.optional(), operator: operator.optional() }),
  response: z.object({
    year: z.int(),
    resolved: z.array(resolveResult),
    also_resolved: z.array(z.int()),
    refund: yuanOut,
  }),
  async handle({ body, services, principal }) {
    const admdvs = regionOf(signedIn(principal), body.admdvs, "body.admdvs");
    const operatorName = actor(principal, body.operator, "body.operator");
    const r = await renameFields("body", () =>
      resolveAllByRule(services.db, { year: body.year, ...(admdvs ? { admdvs } : {}), ...(body.date ? { date: body.date } : {}), operator: operatorName }));
    return { year: r.year, resolved: r.resolved.map(toResolveResult), also_resolved: r.also_resolved, refund: toYuan(r.refund_fen as Fen) };
  },
});
