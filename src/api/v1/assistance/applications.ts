import { z } from "zod";
import type { Principal } from "../../../domain/identity/index.js";
import { toYuan } from "../../../domain/money.js";
import { regionCovers, regionName } from "../../../domain/reference/index.js";
import {
  applicationWithEvents, approveApplication, fileApplication, findApplication, listApplications, payApplication, previewApplication, rejectApplication,
} from "../../../services/assistance/index.js";
import type { Services } from "../../../services/common/index.js";
import { getPerson } from "../../../services/common/index.js";
import { forbidden, NotFoundError } from "../../errors.js";
import { paged, pagination, regionIn, yuanOut } from "../../fields.js";
import { defineRoute } from "../../route.js";
import { checkPerson, regionOf } from "../../scope.js";
import { signedIn } from "../../session.js";
import {
  application, applicationDateIn, asRequest, BODY_FIELDS, calculation, declaration, kindIn, stateIn, toApplication, toCalculation, yuanIn,
} from "./shapes.js";

/**
 * Assistance on application (依申请救助) and secondary assistance (再救助) for the bureau's staff: list and read (admin,
 * clerk, auditor — each inside their region: a county's clerk sees its people only), preview the calculation, file on a
 * person's behalf, approve, reject, pay (admin and clerk). Who acts is who is signed in.
 */

const idParams = z.strictObject({ id: z.string().trim().regex(/^[A-Z0-9]{8,40}$/, "must be an application number").meta({ description: "申请编号 / application number" }) });

/** The application, if it exists, and the principal's region covers its person's insured region; else 404 or 403. */
async function applicationInScope(services: Services, id: string, principal: Principal | null) {
  const me = signedIn(principal);
  const found = await findApplication(services.db, id);
  if (!found) throw new NotFoundError("params.id", `no assistance application ${id}`);
  if (!regionCovers(me.admdvs, found.admdvs)) {
    throw forbidden("params.id", `application ${id} is of a person insured in ${found.admdvs} (${regionName(found.admdvs)}), outside your region ${me.admdvs} (${regionName(me.admdvs)})`);
  }
  return found;
}

/** The person an application is for, who must be in the principal's region. */
async function personInScope(services: Services, psnNo: string, principal: Principal | null) {
  const person = await asRequest(() => getPerson(services.db, psnNo), BODY_FIELDS);
  checkPerson(signedIn(principal), person, "body.psn_no");
  return person;
}

export const listAssistanceRoute = defineRoute({
  method: "GET",
  path: "/assistance/applications",
  operationId: "listAssistanceApplications",
  summary: { zh: "依申请救助与再救助申请", en: "Applications for assistance" },
  description: "最新的在前 / newest first. admdvs: 参保地在该地区内的人员的申请 / applications of persons insured inside the region.",
  tags: ["assistance"],
  access: "read",
  query: z.strictObject({
    state: stateIn.optional(),
    kind: kindIn.optional(),
    admdvs: regionIn.optional(),
    psn_no: z.string().trim().min(1).max(40).optional(),
    ...pagination,
  }),
  response: paged(application),
  async handle({ query, services, principal }) {
    const admdvs = regionOf(signedIn(principal), query.admdvs, "query.admdvs");
    const page = await listApplications(services.db, { state: query.state, kind: query.kind, admdvs, psn_no: query.psn_no }, query);
    return { items: page.items.map((a) => toApplication(a)), page: query.page, page_size: query.page_size, total: page.total, total_capped: page.total_capped };
  },
});

export const getAssistanceRoute = defineRoute({
  method: "GET",
  path: "/assistance/applications/{id}",
  operationId: "getAssistanceApplication",
  summary: { zh: "救助申请详情（测算与办理记录）", en: "An application for assistance, with its calculation and events" },
  tags: ["assistance"],
  access: "read",
  params: idParams,
  errors: [404],
  response: application,
  async handle({ params, services, principal }) {
    await applicationInScope(services, params.id, principal);
    return toApplication(await applicationWithEvents(services.db, params.id));
  },
});

const previewBody = z.strictObject({
  psn_no: z.string().trim().min(1).max(40),
  ...declaration,
  application_date: applicationDateIn,
  certified_difficulty: z.boolean().optional().meta({ description: "经办人认定家庭生活严重困难 / the clerk certifies severe difficulty" }),
});

export const previewAssistanceRoute = defineRoute({
  method: "POST",
  path: "/assistance/preview",
  operationId: "previewAssistance",
  summary: { zh: "救助测算（不提交）", en: "Preview the calculation of an application (nothing is filed)" },
  description:
    "按已存结算测算资格、救助基数与救助金额，逐步说明；不写入任何数据 / eligibility, base and amount on the stored settlements, explained step by step; writes nothing.",
  tags: ["assistance"],
  access: "read",
  body: previewBody,
  response: z.object({ psn_no: z.string(), psn_name: z.string(), admdvs: z.string(), application_date: z.string(), calculation }),
  async handle({ body, services, principal }) {
    await personInScope(services, body.psn_no, principal);
    const p = await asRequest(() => previewApplication(services, { ...body, household_income_fen: body.household_income }), BODY_FIELDS);
    return { psn_no: p.psn_no, psn_name: p.psn_name, admdvs: p.admdvs, application_date: p.application_date, calculation: toCalculation(p.calculation) };
  },
});

export const fileAssistanceRoute = defineRoute({
  method: "POST",
  path: "/assistance/applications",
  operationId: "fileAssistanceApplication",
  summary: { zh: "代为提交救助申请", en: "File an application on a person's behalf" },
  description: "经办人代参保人申请（可来自预警）；返回申请时的测算 / a clerk applies for the person (optionally from a warning); the answer holds the calculation as filed.",
  tags: ["assistance"],
  access: "write",
  status: 201,
  body: previewBody.extend({
    note: z.string().max(500).optional(),
    warning_id: z.int().min(1).optional().meta({ description: "来自的预警 / the early warning it comes from" }),
  }),
  errors: [404],
  response: application,
  async handle({ body, services, principal }) {
    const me = signedIn(principal);
    await personInScope(services, body.psn_no, principal);
    const filed = await asRequest(
      () => fileApplication(services, { ...body, household_income_fen: body.household_income, filed_by: me.username, filed_via: "console" }),
      BODY_FIELDS,
    );
    return toApplication(filed);
  },
});

const FACT_FIELDS = { application_id: "params.id" };

export const approveAssistanceRoute = defineRoute({
  method: "POST",
  path: "/assistance/applications/{id}/approve",
  operationId: "approveAssistanceApplication",
  summary: { zh: "批准救助申请", en: "Approve an application" },
  description:
    "按今天已存的结算重新测算；不符合条件或金额为零时拒绝（应驳回）；同一人同类救助每个批准年度一次，重复批准返回 409 / recomputed on the settlements " +
    "stored today; refused when not eligible or nothing is to be paid (reject it instead); once per person and kind a calendar year of approval: a second is 409.",
  tags: ["assistance"],
  access: "write",
  params: idParams,
  body: z.strictObject({
    certify_difficulty: z.boolean().optional().meta({ description: "经办人认定家庭生活严重困难 / the reviewing clerk certifies severe difficulty" }),
  }),
  errors: [404, 409],
  response: application,
  async handle({ params, body, services, principal }) {
    const me = signedIn(principal);
    await applicationInScope(services, params.id, principal);
    const approved = await asRequest(() => approveApplication(services, params.id, { by: me.username, certify_difficulty: body.certify_difficulty }), {
      ...FACT_FIELDS, certify_difficulty: "body.certify_difficulty",
    });
    return toApplication(approved);
  },
});

export const rejectAssistanceRoute = defineRoute({
  method: "POST",
  path: "/assistance/applications/{id}/reject",
  operationId: "rejectAssistanceApplication",
  summary: { zh: "驳回救助申请", en: "Reject an application" },
  tags: ["assistance"],
  access: "write",
  params: idParams,
  body: z.strictObject({ reason: z.string().trim().min(1).max(500).meta({ description: "驳回理由（告知申请人）/ why (the person is told)" }) }),
  errors: [404, 409],
  response: application,
  async handle({ params, body, services, principal }) {
    const me = signedIn(principal);
    await applicationInScope(services, params.id, principal);
    return toApplication(await asRequest(() => rejectApplication(services, params.id, { by: me.username, reason: body.reason }), { ...FACT_FIELDS, reason: "body.reason" }));
  },
});

export const payAssistanceRoute = defineRoute({
  method: "POST",
  path: "/assistance/applications/{id}/pay",
  operationId: "payAssistanceApplication",
  summary: { zh: "支付救助金", en: "Pay an approved application" },
  description:
    "从参保地救助基金向参保人记一笔账（fund:<基金>:<地区> → person:<人员编号>）；amount 为经办人确认的金额，与批准金额不符则 409；重复支付 409 / " +
    "one ledger transfer from the fund of the insured region to the person; amount, when sent, must be the approved amount (else 409); paying twice is 409.",
  tags: ["assistance"],
  access: "write",
  params: idParams,
  body: z.strictObject({ amount: yuanIn.optional().meta({ description: "确认的支付金额（元）/ the amount the clerk confirms, yuan" }) }),
  errors: [404, 409],
  response: z.object({
    application,
    transfer: z.object({ debit_account: z.string(), credit_account: z.string(), amount: yuanOut, fund_pay_type: z.string() }),
  }),
  async handle({ params, body, services, principal }) {
    const me = signedIn(principal);
    await applicationInScope(services, params.id, principal);
    const r = await asRequest(() => payApplication(services, params.id, { by: me.username, amount_fen: body.amount }), { ...FACT_FIELDS, amount: "body.amount" });
    const { amount_fen, ...transfer } = r.transfer;
    return { application: toApplication(r.application), transfer: { ...transfer, amount: toYuan(amount_fen) } };
  },
});
