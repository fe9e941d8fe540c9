import { z } from "zod";
import type { Principal } from "../../../domain/identity/index.js";
import { NATIONAL_LIST_TYPES, regionCovers, regionName } from "../../../domain/reference/index.js";
import { importMatchingRows, MATCHING_COLUMNS, openUpload } from "../../../services/imports/index.js";
import { findHospital, matchingOverview, matchingPage, type MatchingRow, unmatchedOf } from "../../../services/reference/index.js";
import type { Services } from "../../../services/common/index.js";
import { forbidden, NotFoundError } from "../../errors.js";
import { paged, pagination, regionIn, timeOut } from "../../fields.js";
import { defineRoute } from "../../route.js";
import { regionOf } from "../../scope.js";
import { signedIn } from "../../session.js";
import { CSV, MAX_REJECTED_LISTED, uploadBody, uploadFormat, XLSX } from "../imports/index.js";

/**
 * 目录对照 in the console: each hospital's matching of its own codes to the national catalogue and the codes it sent
 * that found none. Staff see the hospitals of their region, a hospital operator its own; a clerk uploads a file.
 */

const hospitalCode = z.strictObject({ fixmedins_code: z.string().trim().min(1).max(30).meta({ description: "定点医药机构编号 / the hospital's code" }) });

/** The hospital a route names, if the principal may see it: 404 when there is none, 403 outside one's region or hospital. */
async function hospitalInScope(services: Services, me: Principal, code: string) {
  if (me.role === "insured") throw forbidden(null, "the insured see their own settlements in the portal");
  if (me.role === "hospital" && me.fixmedins_code !== code) throw forbidden("params.fixmedins_code", "a hospital sees only its own matching");
  const hospital = await findHospital(services.db, code);
  if (!hospital) throw new NotFoundError("params.fixmedins_code", `no designated medical institution ${code}`);
  if (me.role !== "hospital" && !regionCovers(me.admdvs, hospital.admdvs)) {
    throw forbidden("params.fixmedins_code", `${code} is in ${hospital.admdvs} (${regionName(hospital.admdvs)}), outside your region ${me.admdvs} (${regionName(me.admdvs)})`);
  }
  return hospital;
}

const matchingOut = z.object({
  rid: z.int(),
  medins_list_codg: z.string().meta({ description: "院内项目编码（3301 的 fixmedins_hilist_id）/ the hospital's own code" }),
  medins_list_name: z.string(),
  list_type: z.string(),
  list_type_name: z.string().nullable(),
  med_list_codg: z.string().meta({ description: "医疗目录编码（国家编码）/ the national code" }),
  begndate: z.string(),
  enddate: z.string().nullable(),
  status: z.enum(["active", "cancelled", "replaced"]).meta({ description: "active 有效 | cancelled 已撤销 | replaced 已被新对照取代" }),
  ended_reason: z.string().nullable(),
  source: z.string().meta({ description: "3301 接口上传 | file 经办人员上传文件" }),
  updt_time: z.string(),
});

const toMatching = (m: MatchingRow): z.output<typeof matchingOut> => ({
  rid: m.id, medins_list_codg: m.medins_list_codg, medins_list_name: m.medins_list_name, list_type: m.list_type,
  list_type_name: NATIONAL_LIST_TYPES[m.list_type]?.name ?? null, med_list_codg: m.med_list_codg, begndate: m.begndate, enddate: m.enddate,
  status: m.status as "active" | "cancelled" | "replaced", ended_reason: m.ended_reason, source: m.source, updt_time: m.updt_time.slice(0, 19),
});

export const matchingOverviewRoute = defineRoute({
  method: "GET",
  path: "/matching",
  operationId: "matchingOverview",
  summary: { zh: "各定点医疗机构的目录对照概况", en: "Each hospital's catalogue matching: codes matched and unmatched" },
  tags: ["matching"],
  access: "settlements",
  query: z.strictObject({ admdvs: regionIn.optional() }),
  response: z.object({
    items: z.array(z.object({
      fixmedins_code: z.string(), fixmedins_name: z.string(), admdvs: z.string(), admdvs_name: z.string(),
      matched: z.int().meta({ description: "有效的对照条数 / matchings in force" }),
      unmatched: z.int().meta({ description: "未对照的院内编码数 / the hospital's codes without a matching" }),
    })),
  }),
  async handle({ query, services, principal }) {
    const me = signedIn(principal);
    if (me.role === "insured") throw forbidden(null, "the insured see their own settlements in the portal");
    const scope = me.role === "hospital" ? { fixmedins_code: me.fixmedins_code ?? "\u0000" } : { region: regionOf(me, query.admdvs, "query.admdvs") };
    const rows = await matchingOverview(services.db, scope);
    return { items: rows.map((r) => ({ ...r, admdvs_name: regionName(r.admdvs) })) };
  },
});

export const listMatchingRoute = defineRoute({
  method: "GET",
  path: "/hospitals/{fixmedins_code}/matching",
  operationId: "listMatching",
  summary: { zh: "一家医疗机构的目录对照（含历史）", en: "A hospital's catalogue matching, with its history" },
  tags: ["matching"],
  access: "settlements",
  params: hospitalCode,
  query: z.strictObject({
    search: z.string().trim().min(1).max(100).optional().meta({ description: "院内编码、名称或国家编码（部分）/ a code or name, in part" }),
    vali_flag: z.enum(["0", "1"]).optional().meta({ description: "1 有效 | 0 已撤销或被取代；不填为全部 / 1 in force, 0 ended, absent both" }),
    ...pagination,
  }),
  errors: [404],
  response: paged(matchingOut),
  async handle({ params, query, services, principal }) {
    const hospital = await hospitalInScope(services, signedIn(principal), params.fixmedins_code);
    const page = await matchingPage(services.db, hospital.fixmedins_code, { search: query.search, vali_flag: query.vali_flag }, { page_num: query.page, page_size: query.page_size });
    return { items: page.rows.map(toMatching), page: query.page, page_size: query.page_size, total: page.total };
  },
});

export const listUnmatchedRoute = defineRoute({
  method: "GET",
  path: "/hospitals/{fixmedins_code}/matching/unmatched",
  operationId: "listUnmatched",
  summary: { zh: "一家医疗机构未对照的院内编码", en: "A hospital's codes without a matching" },
  description:
    "费用明细因未对照被拒绝的编码、上传对照被拒绝的编码、撤销后未重新对照的编码 / codes fee lines were refused for, codes whose matching upload was " +
    "refused, and codes whose matching was cancelled and not replaced. A code leaves the list when a matching for it is made.",
  tags: ["matching"],
  access: "settlements",
  params: hospitalCode,
  query: z.strictObject({ all: z.enum(["0", "1"]).optional().meta({ description: "1: 含已对照（已解决）的 / 1: resolved ones too" }) }),
  errors: [404],
  response: z.object({
    items: z.array(z.object({
      medins_list_codg: z.string(), medins_list_name: z.string().nullable(), reason: z.string(),
      source: z.string().meta({ description: "2204 | 2301 费用上传 | 3301 对照上传 | 3302 对照撤销 | file 对照文件" }),
      times: z.int(), first_seen: timeOut, last_seen: timeOut, resolved_at: timeOut.nullable(),
    })),
  }),
  async handle({ params, query, services, principal }) {
    const hospital = await hospitalInScope(services, signedIn(principal), params.fixmedins_code);
    const rows = await unmatchedOf(services.db, hospital.fixmedins_code, query.all === "1");
    return {
      items: rows.map((r) => ({
        medins_list_codg: r.medins_list_codg, medins_list_name: r.medins_list_name, reason: r.reason, source: r.source, times: r.times,
        first_seen: r.first_seen.toISOString(), last_seen: r.last_seen.toISOString(), resolved_at: r.resolved_at?.toISOString() ?? null,
      })),
    };
  },
});

export const importMatchingRoute = defineRoute({
  method: "POST",
  path: "/hospitals/{fixmedins_code}/matching/file",
  operationId: "importMatching",
  summary: { zh: "上传医疗机构的目录对照文件", en: "Upload a hospital's catalogue matching file" },
  description:
    "请求体即文件本身（text/csv 或 .xlsx），列同 3301。逐行校验：国家编码须在本地区医保目录中，错误行列出行号、字段与原因（其院内编码记为未对照），其余行如 3301 记录 / " +
    "the body is the file itself (text/csv or .xlsx), with the columns of 3301. Every row is checked (the national code must be in the region's " +
    "catalogue); bad rows are listed with row, field and reason (their codes noted as unmatched), good rows are recorded as 3301 records them.",
  tags: ["matching"],
  access: "write",
  params: hospitalCode,
  body: uploadBody(`目录对照文件（CSV 或 .xlsx），首行为表头 / the matching file, header first: ${MATCHING_COLUMNS.required.join(", ")}; optional ${MATCHING_COLUMNS.optional.join(", ")}`),
  bodyMedia: [CSV, XLSX],
  errors: [404],
  response: z.object({
    read: z.int(), inserted: z.int(), updated: z.int().meta({ description: "取代原有对照的行 / rows that replaced a matching" }), unchanged: z.int(),
    rejected_rows: z.int(),
    rejected: z.array(z.object({ row: z.int(), field: z.string(), reason: z.string() })),
    rejected_listed_all: z.boolean(),
  }),
  async handle({ params, body, request, services, principal }) {
    const me = signedIn(principal);
    const hospital = await hospitalInScope(services, me, params.fixmedins_code);
    const upload = await openUpload(body, uploadFormat(request), "matching");
    try {
      const r = await importMatchingRows(services, services.database, hospital.fixmedins_code, upload.source.rows, { opter: me.username });
      return {
        read: r.read, inserted: r.inserted, updated: r.updated, unchanged: r.unchanged, rejected_rows: r.rejectedRows,
        rejected: r.rejected.slice(0, MAX_REJECTED_LISTED), rejected_listed_all: r.rejected.length <= MAX_REJECTED_LISTED,
      };
    } finally {
      await upload.discard();
    }
  },
});
