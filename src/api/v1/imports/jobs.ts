import { z } from "zod";
import { DomainError } from "../../../domain/errors.js";
import {
  getImportJob, type ImportJobView, JOB_STATUSES, listImportJobs, MAX_REJECTED_KEPT, parseAsOf, ROSTER_SOURCES, startImportJob, UPLOAD_KINDS,
} from "../../../services/imports/index.js";
import { NotFoundError } from "../../errors.js";
import { idIn, timeOut, yearIn } from "../../fields.js";
import { defineRoute } from "../../route.js";
import { signedIn } from "../../session.js";
import { CSV, uploadBody, uploadFormat, XLSX } from "./rosters.js";

const job = z.object({
  id: z.int(),
  kind: z.string(),
  file_name: z.string(),
  status: z.enum(JOB_STATUSES).meta({ description: "queued 排队 | running 导入中 | done 完成 | failed 失败" }),
  username: z.string().nullable(),
  started_at: timeOut,
  finished_at: timeOut.nullable(),
  progress: z.object({
    read: z.int(), inserted: z.int(), updated: z.int(), unchanged: z.int(),
    older: z.int().meta({ description: "比档案中的信息旧、未采用的行（列于错误报告）/ rows older than the facts on record, kept as they are (listed in the report)" }),
    rejected_rows: z.int(),
    fraction: z.number().meta({ description: "已读文件比例 0–1 / share of the file read" }),
  }),
  rejected: z.array(z.object({ row: z.int(), field: z.string(), reason: z.string() }))
    .meta({ description: `错误报告（最多 ${MAX_REJECTED_KEPT} 条，表头为第 1 行）/ the error report (at most ${MAX_REJECTED_KEPT} listed; the header is row 1)` }),
  rejected_listed_all: z.boolean(),
  attempts: z.int().meta({ description: "导入次数（2 及以上：服务器中途停止后从头续导）/ times a worker took the job up (2 or more: resumed from the start after a server stopped)" }),
  error: z.string().nullable(),
});

const toJob = (j: ImportJobView): z.output<typeof job> => ({
  id: j.id, kind: j.kind, file_name: j.file_name, status: j.status, username: j.username, started_at: j.started_at, finished_at: j.finished_at,
  progress: {
    read: j.progress.read, inserted: j.progress.inserted, updated: j.progress.updated, unchanged: j.progress.unchanged, older: j.progress.older,
    rejected_rows: j.progress.rejectedRows, fraction: j.progress.fraction,
  },
  rejected: j.rejected, rejected_listed_all: j.rejected_listed_all, attempts: j.attempts, error: j.error,
});

export const startImportJobRoute = defineRoute({
  method: "POST",
  path: "/import-jobs",
  operationId: "startImportJob",
  summary: { zh: "上传文件并在后台导入", en: "Upload a file and import it in the background" },
  description:
    "先检查格式与表头（不合格即 400，不建任务），再后台导入；以 GET /import-jobs/{id} 查看进度与错误报告。本地区以外的行逐行拒绝 / " +
    "the format and header are checked first (400, no job, when they are wrong); the import then runs in the background: follow it with GET " +
    "/import-jobs/{id}. Rows of persons or regions outside your region are refused by row.",
  tags: ["imports"],
  access: "write",
  status: 202,
  query: z.strictObject({
    kind: z.enum(UPLOAD_KINDS).meta({ description: "roster 名单 | persons 人员 | population 人口 | fixmedins 定点机构 | catalogue 目录 | supplementary 补充保障名单（惠民保、慈善）" }),
    source: z.enum(ROSTER_SOURCES).optional().meta({ description: "名单来源部门 / the roster's department (where the file has no source column)" }),
    year: yearIn.optional().meta({ description: "人员导入的参保年度（默认今年）/ the enrollment year of imported persons" }),
    file_name: z.string().trim().min(1).max(200).optional(),
    as_of: z.string().trim().min(1).max(19).optional()
      .meta({ description: "人员文件的信息截至时间 YYYY-MM-DD 或 YYYY-MM-DD HH:mm:ss（北京时间，默认导入时间；行中 updt_time 优先），比档案旧的行不采用 / when a persons file's facts hold from (China time; default the time of the import; a row's updt_time comes first): rows older than the facts on record are kept out" }),
  }),
  body: uploadBody("CSV（UTF-8）或 .xlsx 文件，首行为表头 / the CSV (UTF-8) or .xlsx file, header first"),
  bodyMedia: [CSV, XLSX],
  response: job,
  async handle({ query, body, request, services, principal }) {
    const me = signedIn(principal);
    if (query.source !== undefined && query.kind !== "roster") throw new DomainError("query.source", "applies to a roster only");
    if (query.as_of !== undefined && query.kind !== "persons") throw new DomainError("query.as_of", "applies to persons only");
    const asOf = query.as_of === undefined ? undefined : parseAsOf(query.as_of, "query.as_of");
    const format = uploadFormat(request);
    const started = await startImportJob(services, me, {
      kind: query.kind, fileName: query.file_name ?? `${query.kind}.${format}`, body, format, source: query.source, year: query.year, asOf,
    });
    return toJob(started);
  },
});

export const listImportJobsRoute = defineRoute({
  method: "GET",
  path: "/import-jobs",
  operationId: "listImportJobs",
  summary: { zh: "最近的导入任务", en: "Recent import jobs" },
  tags: ["imports"],
  access: "read",
  response: z.object({ items: z.array(job) }),
  async handle({ services, principal }) {
    return { items: (await listImportJobs(services, signedIn(principal))).map(toJob) };
  },
});

export const getImportJobRoute = defineRoute({
  method: "GET",
  path: "/import-jobs/{id}",
  operationId: "getImportJob",
  summary: { zh: "导入任务的进度与错误报告", en: "An import job's progress and error report" },
  tags: ["imports"],
  access: "read",
  params: z.strictObject({ id: idIn }),
  errors: [404],
  response: job,
  async handle({ params, services, principal }) {
    const found = await getImportJob(services, params.id, signedIn(principal));
    if (!found) throw new NotFoundError("params.id", `no import job ${params.id} of yours`);
    return toJob(found);
  },
});
