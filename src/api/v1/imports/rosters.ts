import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { toYuan, type Fen } from "../../../domain/money.js";
import { importRoster, openUpload, ROSTER_COLUMNS, ROSTER_SOURCES } from "../../../services/imports/index.js";
import { yuanOut } from "../../fields.js";
import { defineRoute } from "../../route.js";
import { regionOf } from "../../scope.js";
import { signedIn } from "../../session.js";

export const CSV = "text/csv";
export const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Rejected rows listed in the answer; the counts cover all of them. */
export const MAX_REJECTED_LISTED = 1000;

/** The uploaded file: the raw body as bytes (the content-type parser of /api keeps CSV and .xlsx bodies as a Buffer). */
/**
 * A file uploaded as the raw body (the content-type parser of /api keeps CSV and .xlsx bodies as a Buffer): the zod
 * schema of such a body, described for the document as `what`.
 */
export function uploadBody(what: string) {
  return z
    .unknown()
    .transform((value, ctx): Buffer => {
      if (!Buffer.isBuffer(value)) {
        ctx.addIssue({ code: "custom", message: `must be the file itself, sent as ${CSV} or ${XLSX}` });
        return z.NEVER;
      }
      if (value.length === 0) {
        ctx.addIssue({ code: "custom", message: "is empty: the first row must be the header" });
        return z.NEVER;
      }
      return value;
    })
    .meta({ type: "string", format: "binary", description: what });
}

/** The upload's format, by its content type. */
export const uploadFormat = (request: FastifyRequest): "csv" | "xlsx" =>
  (request.headers["content-type"] ?? "").toLowerCase().startsWith(XLSX) ? "xlsx" : "csv";

export const importRosterRoute = defineRoute({
  method: "POST",
  path: "/rosters",
  operationId: "importRoster",
  summary: { zh: "上传民政/乡村振兴部门名单", en: "Upload a category roster" },
  description:
    "请求体即文件本身（Content-Type: text/csv 或 .xlsx），不用 multipart。逐行校验，错误行列出行号、字段与原因，其余行导入，并重算受影响人员的资助 / " +
    "the body is the file itself (Content-Type text/csv or .xlsx), not multipart. Every row is validated; bad rows are listed with row, field and " +
    "reason, good rows are imported, and the subsidies of the persons whose categories changed are recomputed.",
  tags: ["rosters"],
  access: "write",
  query: z.strictObject({
    source: z.enum(ROSTER_SOURCES).optional().meta({ description: "来源部门（文件无 source 列时必填）/ the department, where the file has no source column" }),
  }),
  body: uploadBody(`名单文件（CSV 或 .xlsx），首行为表头 / the roster file, header first: ${ROSTER_COLUMNS.required.join(", ")}; optional ${ROSTER_COLUMNS.optional.join(", ")}`),
  bodyMedia: [CSV, XLSX],
  response: z.object({
    read: z.int().meta({ description: "读取的数据行 / data rows read" }),
    inserted: z.int(),
    updated: z.int(),
    unchanged: z.int(),
    rejected_rows: z.int().meta({ description: "被拒绝的行数 / rows refused" }),
    rejected: z.array(z.object({ row: z.int(), field: z.string(), reason: z.string() }))
      .meta({ description: `被拒绝的行（最多列出 ${MAX_REJECTED_LISTED} 条）/ refused rows (at most ${MAX_REJECTED_LISTED} listed), row 1 being the header` }),
    rejected_listed_all: z.boolean(),
    subsidies: z.object({
      enrollments: z.int(),
      initial: z.int(),
      adjustments: z.int(),
      adjustment_subsidy: yuanOut,
      assistance_subsidy: yuanOut,
      without_policy: z.int(),
      policy_fallbacks: z.int(),
    }).nullable().meta({ description: "重算资助的结果 / what the recompute of the subsidies wrote" }),
  }),
  async handle({ query, body, request, services, principal }) {
    const region = regionOf(signedIn(principal), undefined, "query");
    // The import reads files (CSV or Excel, streamed, header checked) as the CLI does: the upload becomes one, briefly.
    const upload = await openUpload(body, uploadFormat(request), "roster");
    try {
      const r = await importRoster(services.database, upload.source.rows, { ...(query.source ? { source: query.source } : {}), policies: services.policies, region });
      const s = r.subsidies;
      return {
        read: r.read,
        inserted: r.inserted,
        updated: r.updated,
        unchanged: r.unchanged,
        rejected_rows: r.rejectedRows,
        rejected: r.rejected.slice(0, MAX_REJECTED_LISTED),
        rejected_listed_all: r.rejected.length <= MAX_REJECTED_LISTED,
        subsidies: s
          ? {
              enrollments: s.enrollments,
              initial: s.initial,
              adjustments: s.adjustments,
              adjustment_subsidy: toYuan(s.adjustment_fen as Fen),
              assistance_subsidy: toYuan(s.assistance_fen as Fen),
              without_policy: s.without_policy,
              policy_fallbacks: s.policy_fallbacks,
            }
          : null,
      };
    } finally {
      await upload.discard();
    }
  },
});
