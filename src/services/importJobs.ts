import { join } from "node:path";
import { desc, eq, sql } from "drizzle-orm";
import type { Principal } from "../domain/access.js";
import { DomainError } from "../domain/errors.js";
import { regionCovers } from "../domain/regions.js";
import { importJobs } from "../store/schema.js";
import type { Services } from "./context.js";
import { importSource, openUpload, type FileKind } from "./importFiles.js";
import type { ImportCounts, RejectedRow, SourceRow } from "./imports.js";
import { regionName } from "../domain/regions.js";
import type { RosterSource } from "./rosters.js";

/**
 * Files uploaded in the console, imported in the background of the server process (on the embedded database too: the
 * import goes through the same connection as everything else). A job row records who sent what, and at the end the
 * counts and the refused rows; while it runs, its progress lives in memory. A server stopped mid-import leaves the
 * job `running` with no progress: the next start marks such jobs failed (the import's batches already committed stay,
 * and re-importing the file changes nothing that was imported).
 */

/** What the console may upload, and the column that says which region a row belongs to. */
export const UPLOAD_KINDS = ["roster", "persons", "population", "fixmedins", "catalogue"] as const;
export type UploadKind = (typeof UPLOAD_KINDS)[number];
const REGION_COLUMN: Record<Exclude<UploadKind, "roster">, string> = {
  persons: "insuplc_admdvs",
  population: "admdvs",
  fixmedins: "admdvs",
  catalogue: "admdvs",
};

export const MAX_REJECTED_KEPT = 1000;

export interface JobProgress extends ImportCounts {
  fraction: number;
}

export interface ImportJobView {
  id: number;
  kind: string;
  file_name: string;
  status: "running" | "done" | "failed";
  username: string | null;
  started_at: string;
  finished_at: string | null;
  progress: JobProgress;
  rejected: RejectedRow[];
  rejected_listed_all: boolean;
  error: string | null;
}

const running = new Map<number, JobProgress>();

/** Rows outside the uploader's region are refused by row, before they reach the import. */
async function* withinRegion(rows: AsyncIterable<SourceRow>, column: string, region: string): AsyncGenerator<SourceRow> {
  for await (const r of rows) {
    const code = (r.values[column] ?? "").trim();
    if (!r.problem && /^\d{6}$/.test(code) && !regionCovers(region, code)) {
      yield { ...r, problem: `${column} ${code}（${regionName(code)}）不在本地区 ${region}（${regionName(region)}）/ ${column} ${code} is outside your region ${region}` };
    } else yield r;
  }
}

export interface StartJob {
  kind: UploadKind;
  fileName: string;
  body: Buffer;
  format: "csv" | "xlsx";
  source?: RosterSource | undefined;
  year?: number | undefined;
}

/**
 * Checks the file (format, header) at once — a file that cannot be imported is refused before a job exists — then
 * imports it in the background and answers with the job.
 */
export async function startImportJob(services: Services, principal: Principal, input: StartJob): Promise<ImportJobView> {
  const upload = await openUpload(input.body, input.format, input.kind);
  let source = upload.source;
  const region = principal.admdvs === "000000" ? undefined : principal.admdvs;
  if (region !== undefined && input.kind !== "roster") {
    const rows = source.rows;
    source = { ...source, rows: withinRegion(rows, REGION_COLUMN[input.kind], region) };
  }
  const [job] = await services.db.insert(importJobs).values({
    kind: input.kind, file_name: input.fileName.slice(0, 200), user_id: principal.user_id, admdvs: principal.admdvs, status: "running",
  }).returning();
  if (!job) throw new Error("the import job was not recorded");
  const progress: JobProgress = { read: 0, inserted: 0, updated: 0, unchanged: 0, rejectedRows: 0, fraction: 0 };
  running.set(job.id, progress);
  const work = async () => {
    try {
      const r = await importSource(services.database, input.kind as FileKind, source, {
        reportPath: join(upload.dir, "report.csv"),
        ...(input.source ? { source: input.source } : {}),
        ...(input.year ? { year: input.year } : {}),
        ...(input.kind === "roster" && region ? { region } : {}),
        onProgress: (counts, fraction) => Object.assign(progress, counts, { fraction }),
      });
      const result = r.result;
      Object.assign(progress, { read: result.read, inserted: result.inserted, updated: result.updated, unchanged: result.unchanged, rejectedRows: result.rejectedRows, fraction: 1 });
      await services.db.update(importJobs).set({
        status: "done", finished_at: new Date(),
        result: { ...progress, rejected: result.rejected.slice(0, MAX_REJECTED_KEPT), rejected_total: result.rejected.length, seconds: r.seconds, subsidies: result.subsidies ?? null },
      }).where(eq(importJobs.id, job.id));
      if (input.kind === "catalogue") services.invalidateCatalogues();
    } catch (error) {
      const message = error instanceof DomainError ? `${error.field}: ${error.rule}` : (error as Error).message;
      await services.db.update(importJobs).set({ status: "failed", finished_at: new Date(), error: message, result: { ...progress } }).where(eq(importJobs.id, job.id)).catch(() => undefined);
    } finally {
      running.delete(job.id);
      await upload.discard();
    }
  };
  void work();
  return (await getImportJob(services, job.id, principal))!;
}

type JobRow = typeof importJobs.$inferSelect & { username: string | null };

function toView(row: JobRow): ImportJobView {
  const result = (row.result ?? {}) as Partial<JobProgress> & { rejected?: RejectedRow[]; rejected_total?: number };
  const live = running.get(row.id);
  const progress: JobProgress = live
    ? { ...live }
    : {
        read: result.read ?? 0, inserted: result.inserted ?? 0, updated: result.updated ?? 0, unchanged: result.unchanged ?? 0,
        rejectedRows: result.rejectedRows ?? 0, fraction: result.fraction ?? (row.status === "done" ? 1 : 0),
      };
  const rejected = result.rejected ?? [];
  return {
    id: row.id,
    kind: row.kind,
    file_name: row.file_name,
    status: row.status === "running" && !live ? "failed" : (row.status as ImportJobView["status"]),
    username: row.username,
    started_at: row.started_at.toISOString(),
    finished_at: row.finished_at ? row.finished_at.toISOString() : null,
    progress,
    rejected,
    rejected_listed_all: (result.rejected_total ?? rejected.length) <= rejected.length,
    error: row.error ?? (row.status === "running" && !live ? "the server stopped during the import; what was imported stays, re-import the file to finish" : null),
  };
}

const columns = { job: importJobs, username: sql<string | null>`(select username from users u where u.id = ${importJobs.user_id})` };

/** A job the principal may see: their own, or (administrators and auditors) any of their region's. */
export async function getImportJob(services: Services, id: number, principal: Principal): Promise<ImportJobView | undefined> {
  const [row] = await services.db.select(columns).from(importJobs).where(eq(importJobs.id, id));
  if (!row) return undefined;
  const job = { ...row.job, username: row.username };
  if (!mayReadJob(principal, job)) return undefined;
  return toView(job);
}

function mayReadJob(principal: Principal, job: JobRow): boolean {
  if (job.user_id === principal.user_id) return true;
  return (principal.role === "admin" || principal.role === "auditor" || principal.role === "clerk") && job.admdvs !== null && regionCovers(principal.admdvs, job.admdvs);
}

export async function listImportJobs(services: Services, principal: Principal, limit = 50): Promise<ImportJobView[]> {
  const rows = await services.db.select(columns).from(importJobs).orderBy(desc(importJobs.id)).limit(500);
  return rows.map((r) => ({ ...r.job, username: r.username })).filter((j) => mayReadJob(principal, j)).slice(0, limit).map(toView);
}
