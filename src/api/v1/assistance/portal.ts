import { z } from "zod";
import { fileApplication, listApplications, previewApplication } from "../../../services/assistance/index.js";
import { forbidden } from "../../errors.js";
import { paged, pagination } from "../../fields.js";
import { defineRoute } from "../../route.js";
import { signedIn } from "../../session.js";
import { application, asRequest, BODY_FIELDS, calculation, declaration, toApplication, toCalculation } from "./shapes.js";

/**
 * The insured person's door to assistance on application: they apply with their household's declaration (size and
 * per-capita income; the date is today), see what it would give first, and follow their applications' states. They
 * cannot certify their own difficulty: that is a clerk's.
 */

function myPsnNo(principal: Parameters<typeof signedIn>[0]): string {
  const me = signedIn(principal);
  if (!me.psn_no) throw forbidden(null, "this account is not linked to an insured person");
  return me.psn_no;
}

const myDeclaration = z.strictObject({ ...declaration });

export const myAssistancePreviewRoute = defineRoute({
  method: "POST",
  path: "/me/assistance/preview",
  operationId: "myAssistancePreview",
  summary: { zh: "我的救助测算（不提交）", en: "What my application would give (nothing is filed)" },
  tags: ["portal"],
  access: "self",
  body: myDeclaration,
  response: z.object({ application_date: z.string(), calculation }),
  async handle({ body, services, principal }) {
    const psnNo = myPsnNo(principal);
    const p = await asRequest(() => previewApplication(services, { ...body, psn_no: psnNo, household_income_fen: body.household_income }), BODY_FIELDS);
    return { application_date: p.application_date, calculation: toCalculation(p.calculation) };
  },
});

export const myAssistanceFileRoute = defineRoute({
  method: "POST",
  path: "/me/assistance/applications",
  operationId: "myAssistanceApply",
  summary: { zh: "申请依申请救助", en: "Apply for assistance" },
  description: "申请日期为今天；经办人审核后批准或驳回 / dated today; a clerk reviews it, then approves or rejects it.",
  tags: ["portal"],
  access: "self",
  status: 201,
  body: myDeclaration.extend({ note: z.string().max(500).optional().meta({ description: "情况说明 / the household's situation" }) }),
  response: application,
  async handle({ body, services, principal }) {
    const me = signedIn(principal);
    const psnNo = myPsnNo(principal);
    const filed = await asRequest(
      () => fileApplication(services, { ...body, psn_no: psnNo, household_income_fen: body.household_income, filed_by: me.username, filed_via: "portal" }),
      BODY_FIELDS,
    );
    return toApplication(filed, { mask: true });
  },
});

export const myAssistanceListRoute = defineRoute({
  method: "GET",
  path: "/me/assistance/applications",
  operationId: "myAssistanceApplications",
  summary: { zh: "我的救助申请", en: "My applications for assistance" },
  description: "最新的在前，含测算说明 / newest first, with the calculation's steps.",
  tags: ["portal"],
  access: "self",
  query: z.strictObject({ ...pagination }),
  response: paged(application),
  async handle({ query, services, principal }) {
    const page = await listApplications(services.db, { psn_no: myPsnNo(principal) }, query);
    return { items: page.items.map((a) => toApplication(a, { mask: true })), page: query.page, page_size: query.page_size, total: page.total, total_capped: page.total_capped };
  },
});
