import { desc, eq, getTableColumns, sql } from "drizzle-orm";
import type { Principal } from "../../domain/identity/index.js";
import { regionCovers } from "../../domain/reference/index.js";
import { importJobs } from "../../store/schema.js";
import type { Services } from "../common/context.js";
import { openUpload } from "./files.js";
import type { ImportCounts, RejectedRow } from "./rows.js";
import type { RosterSource } from "./rosters.js";

/**
 * Files uploaded in the console. The upload is checked at once (format, header), then stored with its bytes as a job
 * row, `queued`; a worker of any server on the database claims it and imports it (src/services/imports/queue.ts), writing
 * its progress and at the end its report into the row, so that every server answers for every job.
 */

/** What the console may upload, and the column that says which region a row belongs to. */
export const UPLOAD_KINDS = ["roster", "persons", "population", "fixmedins", "catalogue", "supplementary"] as const;
export type UploadKind = (typeof UPLOAD_KINDS)[number];

export const MAX_REJECTED_KEPT = 1000;

export const JOB_STATUSES = ["queued", "running", "done", "failed"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export interface JobProgress extends ImportCounts {
  fraction: number;
}

/** What a job row's `options` hold: how the worker imports the file. */
export interface JobOptions {
  source?: RosterSource;
  year?: number;
  /** When the facts of a persons file hold from (ISO instant); absent: the time of the import. */
  as_of?: string;
}

export interface ImportJobView {
  id: number;
  kind: string;
  file_name: string;
  status: JobStatus;
  username: string | null;
  started_at: string;
  finished_at: string | null;
  progress: JobProgress;
  /** Times a worker took the job up (2 or more: resumed from its start after a server stopped during it). */
  attempts: number;
  rejected: RejectedRow[];
  rejected_listed_all: boolean;
  error: string | null;
}

export interface StartJob {
  kind: UploadKind;
  fileName: string;
  body: Buffer;
  format: "csv" | "xlsx";
  source?: RosterSource | undefined;
  year?: number | undefined;
  asOf?: string | undefined;
}

/**
 * Checks the file (format, header) at once — a file that cannot be imported is refused before a job exists — then
 * queues it and answers with the job: `running` when this server's worker was free to take it at once, else `queued`.
 */
export async function startImportJob(services: Services, principal: Principal, input: StartJob): Promise<ImportJobView> {
  const upload = await openUpload(input.body, input.format, input.kind);
  upload.source.close();
  await upload.discard();
  const options: JobOptions = {
    ...(input.source ? { source: input.source } : {}),
    ...(input.year ? { year: input.year } : {}),
    ...(input.asOf ? { as_of: input.asOf } : {}),
  };
  const [job] = await services.db.insert(importJobs).values({
    kind: input.kind, file_name: input.fileName.slice(0, 200), user_id: principal.user_id, admdvs: principal.admdvs, status: "queued",
    format: input.format, options, file: input.body,
  }).returning({ id: importJobs.id });
  if (!job) throw new Error("the import job was not recorded");
  await services.importQueued();
  return (await getImportJob(services, job.id, principal))!;
}

type JobRow = Omit<typeof importJobs.$inferSelect, "file"> & { username: string | null };

const emptyProgress = (): JobProgress => ({ read: 0, inserted: 0, updated: 0, unchanged: 0, older: 0, rejectedRows: 0, fraction: 0 });

function progressOf(value: unknown, status: string): JobProgress {
  const p = (value ?? {}) as Partial<JobProgress>;
  const base = emptyProgress();
  return {
    read: p.read ?? base.read, inserted: p.inserted ?? base.inserted, updated: p.updated ?? base.updated, unchanged: p.unchanged ?? base.unchanged,
    older: p.older ?? base.older, rejectedRows: p.rejectedRows ?? base.rejectedRows, fraction: p.fraction ?? (status === "done" ? 1 : 0),
  };
}

function toView(row: JobRow): ImportJobView {
  const result = (row.result ?? null) as (Partial<JobProgress> & { rejected?: RejectedRow[]; rejected_total?: number }) | null;
  const rejected = result?.rejected ?? [];
  return {
    id: row.id,
    kind: row.kind,
    file_name: row.file_name,
    status: row.status as JobStatus,
    username: row.username,
    started_at: row.started_at.toISOString(),
    finished_at: row.finished_at ? row.finished_at.toISOString() : null,
    progress: progressOf(result ?? row.progress, row.status),
    attempts: row.attempts,
    rejected,
    rejected_listed_all: (result?.rejected_total ?? rejected.length) <= rejected.length,
    error: row.error ?? null,
  };
}

// Every column but the file's bytes, which a view never needs.
const { file: _file, ...viewColumns } = getTableColumns(importJobs);
const columns = { ...viewColumns, username: sql<string | null>`(select username from users u where u.id = ${importJobs.user_id})` };

/** A job the principal may see: their own, or (administrators, auditors and clerks) any of their region's. */
export async function getImportJob(services: Services, id: number, principal: Principal): Promise<ImportJobView | undefined> {
  const [job] = await services.db.select(columns).from(importJobs).where(eq(importJobs.id, id));
  if (!job || !mayReadJob(principal, job)) return undefined;
  return toView(job);
}

function mayReadJob(principal: Principal, job: JobRow): boolean {
  if (job.user_id === principal.user_id) return true;
  return (principal.role === "admin" || principal.role === "auditor" || principal.role === "clerk") && job.admdvs !== null && regionCovers(principal.admdvs, job.admdvs);
}

export async function listImportJobs(services: Services, principal: Principal, limit = 50): Promise<ImportJobView[]> {
  const rows = await services.db.select(columns).from(importJobs).orderBy(desc(importJobs.id)).limit(500);
  return rows.filter((j) => mayReadJob(principal, j)).slice(0, limit).map(toView);
}
