import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { join } from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { DomainError } from "../../domain/errors.js";
import { regionCovers, regionName } from "../../domain/reference/index.js";
import { importJobs } from "../../store/schema.js";
import type { Services } from "../common/context.js";
import { importSource, openUpload, type FileKind } from "./files.js";
import { MAX_REJECTED_KEPT, type JobOptions, type JobProgress, type UploadKind } from "./jobs.js";
import { type SourceRow } from "./rows.js";
import { rowsOf } from "../common/sql.js";

/**
 * The import queue: the job rows of import_jobs, claimed by a worker in each server. One table on PGlite and PostgreSQL
 * alike — a queue library such as pg-boss runs on a PostgreSQL server only (its own schema, LISTEN/NOTIFY, a maintenance
 * loop), where the embedded database must behave the same; and a few uploads a day need no more than one row each.
 *
 * - A worker claims the oldest waiting job with `FOR UPDATE SKIP LOCKED` and a lease (locked_by, lease_until): two
 *   servers on one PostgreSQL never claim one job, and a job is run again only once its lease has run out.
 * - While it runs, a heartbeat renews the lease and writes the progress into the row. A worker that finds its lease
 *   taken over stops at the next row.
 * - A server stopped during an import (a crash, a kill) leaves the job `running` under an expired lease: the next
 *   worker to look takes it up again from the start of the file. That is safe because every import writes each row as
 *   an upsert by its natural key and leaves identical rows alone (src/services/imports/rows.ts): rows imported before the
 *   stop come out `unchanged` the second time, and the report names the rows refused, as a first run would. Contributions
 *   are recomputed from what is stored (an initial row where there is none, the difference where more is owed), so a
 *   second run adds nothing twice. A job taken up MAX_ATTEMPTS times without finishing (a file that stops the server
 *   every time) is marked failed with its report instead.
 * - A server that shuts down in order gives its running job back to the queue at once.
 */

export const MAX_ATTEMPTS = 3;

export interface ImportWorkerOptions {
  /** How long a claim holds without a heartbeat (default 30 s). */
  leaseMs?: number;
  /** How often the heartbeat renews the lease and writes the progress (default 1 s). */
  heartbeatMs?: number;
  /** How often an idle worker looks for jobs queued by other servers or left by a stopped one (default 5 s). */
  pollMs?: number;
  /** The worker's name in locked_by (default host:pid:random). */
  id?: string;
  /** Rows per transaction of the import (default the import's own). */
  batchSize?: number;
  /** Where problems of the worker itself are told (a lost database connection); default nowhere. */
  log?: (message: string) => void;
}

interface Claimed {
  id: number;
  kind: string;
  format: string;
  options: JobOptions;
  admdvs: string | null;
  attempts: number;
  has_file: boolean;
}

/**
 * The column that says which region a row belongs to, for uploads of a regional principal. Rosters name persons, whose
 * region the import checks by row (RosterImportOptions.region, SupplementaryImportOptions.region).
 */
const REGION_COLUMN: Record<Exclude<UploadKind, "roster" | "supplementary">, string> = {
  persons: "insuplc_admdvs",
  population: "admdvs",
  fixmedins: "admdvs",
  catalogue: "admdvs",
};

/** Rows outside the uploader's region are refused by row, before they reach the import. */
async function* withinRegion(rows: AsyncIterable<SourceRow>, column: string, region: string): AsyncGenerator<SourceRow> {
  for await (const r of rows) {
    const code = (r.values[column] ?? "").trim();
    if (!r.problem && /^\d{6}$/.test(code) && !regionCovers(region, code)) {
      yield { ...r, problem: `${column} ${code}（${regionName(code)}）不在本地区 ${region}（${regionName(region)}）/ ${column} ${code} is outside your region ${region}` };
    } else yield r;
  }
}

class Stopped extends Error {
  constructor(readonly why: "shutdown" | "lease_lost") {
    super(why === "shutdown" ? "the server is stopping" : "another worker took the job over");
  }
}

/** Stops the rows at the next one once `stopped()` says so: the batch in flight still commits. */
async function* stoppable(rows: AsyncIterable<SourceRow>, stopped: () => Stopped | null): AsyncGenerator<SourceRow> {
  for await (const r of rows) {
    const why = stopped();
    if (why) throw why;
    yield r;
  }
}

const ms = (n: number) => sql`${n} * interval '1 millisecond'`;

/**
 * Claims the oldest job that waits — queued, or running under a lease that has run out — for `workerId`. One
 * statement: the subquery locks the row it picks and skips rows another worker is claiming at the same moment.
 */
export async function claimImportJob(services: Services, workerId: string, leaseMs: number): Promise<Claimed | undefined> {
  const [row] = await rowsOf<Claimed>(services.db, sql`
    update import_jobs j set status = 'running', locked_by = ${workerId}, lease_until = now() + ${ms(leaseMs)}, attempts = j.attempts + 1
    where j.id = (
      select w.id from import_jobs w
      where w.status = 'queued' or (w.status = 'running' and (w.lease_until is null or w.lease_until < now()))
      order by w.id limit 1
      for update skip locked)
    returning j.id, j.kind, j.format, j.options, j.admdvs, j.attempts, (j.file is not null) as has_file`);
  return row ? { ...row, id: Number(row.id), attempts: Number(row.attempts) } : undefined;
}

export class ImportWorker {
  readonly id: string;
  /** The ids of the jobs this worker ran to their end (done or failed), in order. */
  readonly finished: number[] = [];
  private readonly leaseMs: number;
  private readonly heartbeatMs: number;
  private readonly pollMs: number;
  private timer: NodeJS.Timeout | null = null;
  private busy: Promise<void> | null = null;
  private stopping = false;
  private stopReason: Stopped | null = null;

  constructor(
    private readonly services: Services,
    private readonly options: ImportWorkerOptions = {},
  ) {
    this.id = options.id ?? `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.heartbeatMs = options.heartbeatMs ?? 1000;
    this.pollMs = options.pollMs ?? 5000;
  }

  /** Looks for work now and then every pollMs; this server's uploads poke it at once. */
  start(): this {
    this.services.importWorkers.add(this);
    this.schedule(0);
    return this;
  }

  private schedule(delay: number): void {
    if (this.stopping) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poke().finally(() => this.schedule(this.pollMs)), delay);
  }

  /**
   * When idle, claims a job and starts it (answering once it is claimed, so that an upload's answer says `running`);
   * when busy, does nothing: the job waits for the end of this one, or for another server.
   */
  poke(): Promise<void> {
    // One claim at a time: two pokes at once (the poll and an upload) must not start two jobs.
    this.claiming = this.claiming
      .then(() => this.claimAndStart())
      .catch((error: unknown) => this.options.log?.(`import worker ${this.id}: ${(error as Error).message}`));
    return this.claiming;
  }

  private claiming: Promise<void> = Promise.resolve();

  private async claimAndStart(): Promise<void> {
    if (this.busy || this.stopping) return;
    let claimed: Claimed | undefined;
    try {
      claimed = await claimImportJob(this.services, this.id, this.leaseMs);
    } catch (error) {
      this.options.log?.(`import worker ${this.id}: cannot claim a job: ${(error as Error).message}`);
      return;
    }
    if (!claimed || this.stopping) {
      if (claimed) await this.giveBack(claimed.id);
      return;
    }
    const job = claimed;
    this.busy = this.run(job)
      .catch((error: unknown) => this.options.log?.(`import worker ${this.id}: job ${job.id}: ${(error as Error).message}`))
      .finally(() => {
        this.busy = null;
        // The next waiting job, if any, without waiting for the poll.
        this.schedule(0);
      });
  }

  /** Runs jobs until none waits (tests and the CLI); answers with the ids run. */
  async drain(): Promise<number[]> {
    const before = this.finished.length;
    for (;;) {
      await this.poke();
      if (!this.busy) break;
      await this.busy;
    }
    return this.finished.slice(before);
  }

  /** Stops looking for jobs; a job running is stopped at its next row and given back to the queue. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopReason = new Stopped("shutdown");
    if (this.timer) clearTimeout(this.timer);
    if (this.busy) await this.busy;
    this.services.importWorkers.delete(this);
  }

  private mine(id: number) {
    return and(eq(importJobs.id, id), eq(importJobs.locked_by, this.id), eq(importJobs.status, "running"));
  }

  private async giveBack(id: number): Promise<void> {
    await this.services.db.update(importJobs).set({ status: "queued", locked_by: null, lease_until: null, attempts: sql`${importJobs.attempts} - 1` }).where(this.mine(id));
  }

  private async fail(id: number, error: string, progress: JobProgress | null): Promise<void> {
    await this.services.db.update(importJobs)
      .set({ status: "failed", finished_at: new Date(), error, result: progress, progress, file: null, locked_by: null, lease_until: null })
      .where(this.mine(id));
    this.finished.push(id);
  }

  private async run(job: Claimed): Promise<void> {
    if (!job.has_file) {
      // A job of a version that kept the file in the process only: the bytes are gone with it.
      return this.fail(job.id, "服务器在导入期间停止，且文件未保存，请重新上传 / the server stopped during the import and the file was not kept: upload it again (what was imported stays)", null);
    }
    if (job.attempts > MAX_ATTEMPTS) {
      const [row] = await this.services.db.select({ progress: importJobs.progress }).from(importJobs).where(eq(importJobs.id, job.id));
      return this.fail(
        job.id,
        `导入已中断${MAX_ATTEMPTS}次（服务器在导入期间停止），不再重试；已导入的行保留，重新上传可补完 / the import was interrupted ${MAX_ATTEMPTS} times ` +
          "(the server stopped during it) and is not tried again; the rows imported stay, upload the file again to finish",
        (row?.progress ?? null) as JobProgress | null,
      );
    }
    const [stored] = await this.services.db.select({ file: importJobs.file }).from(importJobs).where(eq(importJobs.id, job.id));
    if (!stored?.file) return;
    const kind = job.kind as UploadKind;
    const format = job.format === "xlsx" ? "xlsx" : "csv";
    const region = job.admdvs === null || job.admdvs === "000000" ? undefined : job.admdvs;
    let progress: JobProgress = { read: 0, inserted: 0, updated: 0, unchanged: 0, older: 0, rejectedRows: 0, fraction: 0 };
    let lost: Stopped | null = null;

    // The heartbeat: the lease renewed and the progress written, or the discovery that another worker has the job.
    let beating: Promise<void> | null = null;
    const beat = async () => {
      const renewed = await this.services.db.update(importJobs)
        .set({ lease_until: sql`now() + ${ms(this.leaseMs)}`, progress })
        .where(this.mine(job.id))
        .returning({ id: importJobs.id });
      if (renewed.length === 0) lost = new Stopped("lease_lost");
    };
    const heartbeat = setInterval(() => {
      if (beating) return;
      beating = beat()
        .catch((error: unknown) => this.options.log?.(`import worker ${this.id}: heartbeat of job ${job.id}: ${(error as Error).message}`))
        .finally(() => (beating = null));
    }, this.heartbeatMs);

    let upload;
    try {
      upload = await openUpload(stored.file, format, kind);
    } catch (error) {
      clearInterval(heartbeat);
      return this.fail(job.id, error instanceof DomainError ? `${error.field}: ${error.rule}` : (error as Error).message, null);
    }
    try {
      let rows: AsyncIterable<SourceRow> = upload.source.rows;
      if (region !== undefined && kind !== "roster" && kind !== "supplementary") rows = withinRegion(rows, REGION_COLUMN[kind], region);
      const source = { ...upload.source, rows: stoppable(rows, () => lost ?? this.stopReason) };
      const r = await importSource(this.services.database, kind as FileKind, source, {
        reportPath: join(upload.dir, "report.csv"),
        ...(job.options.source ? { source: job.options.source } : {}),
        ...(job.options.year ? { year: job.options.year } : {}),
        ...(job.options.as_of ? { asOf: job.options.as_of } : {}),
        ...((kind === "roster" || kind === "supplementary") && region ? { region } : {}),
        ...(kind === "supplementary" ? { policies: this.services.policies } : {}),
        ...(this.options.batchSize ? { batchSize: this.options.batchSize } : {}),
        onProgress: (counts, fraction) => (progress = { ...counts, fraction }),
      });
      clearInterval(heartbeat);
      if (beating) await beating;
      const result = r.result;
      progress = { read: result.read, inserted: result.inserted, updated: result.updated, unchanged: result.unchanged, older: result.older, rejectedRows: result.rejectedRows, fraction: 1 };
      const done = await this.services.db.update(importJobs).set({
        status: "done", finished_at: new Date(), progress, file: null, locked_by: null, lease_until: null,
        result: {
          ...progress, rejected: result.rejected.slice(0, MAX_REJECTED_KEPT), rejected_total: result.rejected.length, seconds: r.seconds,
          subsidies: result.subsidies ?? null, attempts: job.attempts,
        },
      }).where(this.mine(job.id)).returning({ id: importJobs.id });
      if (done.length > 0) this.finished.push(job.id);
      if (kind === "catalogue") await this.services.invalidateCatalogues();
    } catch (error) {
      clearInterval(heartbeat);
      if (beating) await beating;
      if (error instanceof Stopped) {
        // Shut down in order: the job goes back to the queue for the next worker (the rows so far stay, and are
        // unchanged the next time). Lease lost: the other worker has it, nothing of ours to write.
        if (error.why === "shutdown") await this.giveBack(job.id);
        return;
      }
      await this.fail(job.id, error instanceof DomainError ? `${error.field}: ${error.rule}` : (error as Error).message, progress);
    } finally {
      clearInterval(heartbeat);
      await upload.discard();
    }
  }
}
