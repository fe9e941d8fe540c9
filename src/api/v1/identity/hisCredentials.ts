import { eq } from "drizzle-orm";
import { z } from "zod";
import { regionCovers } from "../../../domain/reference/index.js";
import type { Principal } from "../../../domain/identity/index.js";
import type { Services } from "../../../services/common/index.js";
import {
  type CredentialView, issueCredential, listCredentials, listRefusals, REFUSAL_REASONS, revokeCredential, rotateCredential,
  ROTATION_OVERLAP_MS,
} from "../../../services/identity/index.js";
import { fixmedins, hisCredentials } from "../../../store/schema.js";
import { forbidden, NotFoundError } from "../../errors.js";
import { dateIn, paged, pagination, timeOut } from "../../fields.js";
import { defineRoute } from "../../route.js";
import { signedIn } from "../../session.js";

/**
 * The bureau's side of the interface's credentials (issue 21): each designated institution's access keys, issued,
 * rotated and revoked by an administrator of its region; the secret is in the answer of issue and rotate only. And the
 * log of refused requests, for auditors.
 */

const credentialOut = z.object({
  access_key: z.string().meta({ description: "访问密钥标识（请求头 _api_access_key）/ the access key, sent as _api_access_key" }),
  fixmedins_code: z.string(),
  fingerprint: z.string().meta({ description: "当前密钥指纹（SHA-256 前 16 位）/ first 16 hex of SHA-256(secret): which secret is current" }),
  status: z.enum(["active", "revoked"]),
  issued_at: timeOut,
  issued_by: z.string(),
  rotated_at: timeOut.nullable(),
  rotated_by: z.string().nullable(),
  revoked_at: timeOut.nullable(),
  revoked_by: z.string().nullable(),
  previous_valid_until: timeOut.nullable().meta({ description: "轮换前的旧密钥有效至 / until when the secret before the last rotation is still accepted" }),
});

const issuedOut = credentialOut.extend({
  secret: z.string().meta({ description: "密钥，仅此一次显示，服务器不保存 / the secret, shown this once: the server cannot show it again" }),
});

const codeParams = z.strictObject({ fixmedins_code: z.string().regex(/^[A-Z0-9]{1,30}$/, "must be a fixmedins_code (capital letters and digits)") });
const keyParams = z.strictObject({ access_key: z.string().regex(/^AK[A-Z0-9]{20}$/, "must be an access key AK + 20 capital letters or digits") });

/** The hospital, if the administrator's region covers it (404 when there is none, 403 outside the region). */
async function hospitalInScope(services: Services, principal: Principal, code: string, field: string): Promise<void> {
  const [h] = await services.db.select({ admdvs: fixmedins.admdvs }).from(fixmedins).where(eq(fixmedins.fixmedins_code, code)).limit(1);
  if (!h) throw new NotFoundError(field, `${code} is not a designated institution`);
  if (!regionCovers(principal.admdvs, h.admdvs)) throw forbidden(field, `${code} is outside your region ${principal.admdvs}`);
}

async function credentialInScope(services: Services, principal: Principal, accessKey: string): Promise<void> {
  const [c] = await services.db.select({ code: hisCredentials.fixmedins_code }).from(hisCredentials).where(eq(hisCredentials.access_key, accessKey)).limit(1);
  if (!c) throw new NotFoundError("params.access_key", `${accessKey} is not an access key of the interface`);
  await hospitalInScope(services, principal, c.code, "params.access_key");
}

const who = (p: Principal) => `${p.username} (${p.display_name})`;
const asOut = (v: CredentialView) => v;

export const listCredentialsRoute = defineRoute({
  method: "GET",
  path: "/hospitals/{fixmedins_code}/his-credentials",
  operationId: "listHisCredentials",
  summary: { zh: "机构接口凭证", en: "A hospital's interface credentials" },
  description: "不含密钥 / without the secrets (the server keeps none).",
  tags: ["his"],
  access: "audit",
  params: codeParams,
  errors: [404],
  response: z.object({ items: z.array(credentialOut) }),
  async handle({ params, services, principal }) {
    await hospitalInScope(services, signedIn(principal), params.fixmedins_code, "params.fixmedins_code");
    return { items: (await listCredentials(services, { fixmedins_code: params.fixmedins_code })).map(asOut) };
  },
});

export const issueCredentialRoute = defineRoute({
  method: "POST",
  path: "/hospitals/{fixmedins_code}/his-credentials",
  operationId: "issueHisCredential",
  summary: { zh: "签发接口凭证", en: "Issue an interface credential" },
  description: "答复中的 secret 仅显示这一次 / the answer's secret is shown this once.",
  tags: ["his"],
  access: "manage",
  params: codeParams,
  body: z.strictObject({}),
  status: 201,
  errors: [404],
  response: issuedOut,
  async handle({ params, services, principal }) {
    const me = signedIn(principal);
    await hospitalInScope(services, me, params.fixmedins_code, "params.fixmedins_code");
    return issueCredential(services, params.fixmedins_code, who(me));
  },
});

export const rotateCredentialRoute = defineRoute({
  method: "POST",
  path: "/his-credentials/{access_key}/rotate",
  operationId: "rotateHisCredential",
  summary: { zh: "轮换接口密钥", en: "Rotate an interface credential's secret" },
  description: `新密钥仅显示这一次；旧密钥在 ${ROTATION_OVERLAP_MS / 3600_000} 小时内仍有效 / the new secret is shown this once; the previous one is still accepted for ${ROTATION_OVERLAP_MS / 3600_000} hours.`,
  tags: ["his"],
  access: "manage",
  params: keyParams,
  body: z.strictObject({}),
  errors: [404, 409],
  response: issuedOut,
  async handle({ params, services, principal }) {
    const me = signedIn(principal);
    await credentialInScope(services, me, params.access_key);
    return rotateCredential(services, params.access_key, who(me));
  },
});

export const revokeCredentialRoute = defineRoute({
  method: "POST",
  path: "/his-credentials/{access_key}/revoke",
  operationId: "revokeHisCredential",
  summary: { zh: "吊销接口凭证", en: "Revoke an interface credential" },
  description: "立即生效（其他服务进程 10 秒内）/ at once (within 10 seconds in other server processes).",
  tags: ["his"],
  access: "manage",
  params: keyParams,
  body: z.strictObject({}),
  errors: [404, 409],
  response: credentialOut,
  async handle({ params, services, principal }) {
    const me = signedIn(principal);
    await credentialInScope(services, me, params.access_key);
    return revokeCredential(services, params.access_key, who(me));
  },
});

export const refusalsRoute = defineRoute({
  method: "GET",
  path: "/his/refusals",
  operationId: "listHisRefusals",
  summary: { zh: "接口拒绝日志", en: "Refused interface requests" },
  description:
    "医疗机构接口因凭证、机构、重放或频率被拒绝的每个请求，最新在前；本地区机构的（全国范围另含未知机构的）/ every request the hospital-facing interface refused " +
    "for its credential, institution, replay or rate, newest first: those naming an institution of your region (a national scope: all).",
  tags: ["his"],
  access: "audit",
  query: z.strictObject({
    ...pagination,
    fixmedins_code: z.string().max(30).optional(),
    reason: z.enum(REFUSAL_REASONS).optional(),
    date_from: dateIn.optional().meta({ description: "自（含，北京时间）/ from this day (China time), included" }),
    date_to: dateIn.optional().meta({ description: "至（含，北京时间）/ to this day (China time), included" }),
  }),
  response: paged(z.object({
    id: z.int(),
    at: timeOut,
    address: z.string().nullable(),
    access_key: z.string().nullable(),
    fixmedins_code: z.string().nullable(),
    fixmedins_name: z.string().nullable(),
    infno: z.string().nullable(),
    msgid: z.string().nullable(),
    reason: z.string().meta({ description: REFUSAL_REASONS.join(" | ") }),
    detail: z.string(),
  })),
  async handle({ query, services, principal }) {
    const me = signedIn(principal);
    // Days are China's (UTC+8): a day runs from 16:00 UTC of the day before.
    const dayStart = (d: string) => new Date(`${d}T00:00:00+08:00`);
    const found = await listRefusals(services, {
      scope: me.admdvs,
      fixmedins_code: query.fixmedins_code,
      reason: query.reason,
      from: query.date_from ? dayStart(query.date_from) : undefined,
      to: query.date_to ? new Date(dayStart(query.date_to).getTime() + 86_400_000) : undefined,
      page: query.page,
      page_size: query.page_size,
    });
    return { items: found.items.map((r) => ({ ...r, at: r.at.toISOString() })), page: query.page, page_size: query.page_size, total: found.total };
  },
});
