import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../src/domain/identity/access.js";
import { createUser } from "../src/services/identity/auth.js";
import { Services } from "../src/services/common/context.js";
import { syntheticResidentId } from "../src/services/demo/demo.js";
import { getImportJob, startImportJob } from "../src/services/imports/jobs.js";
import { claimImportJob, ImportWorker, MAX_ATTEMPTS } from "../src/services/imports/queue.js";
import { importPersons, numberedRows, parseAsOf } from "../src/services/imports/rows.js";
import { rowsOf } from "../src/services/common/sql.js";
import type { Database } from "../src/store/db.js";
import { importJobs } from "../src/store/schema.js";
import { openSecondConnection, openTestDatabase, TEST_DB_KIND } from "./support/db.js";

/**
 * The durable import queue: a job lives in its row (file, status, lease, progress, report), so any server answers for
 * it, a server stopped during an import leaves a job the next worker resumes from its start, and two servers on one
 * PostgreSQL never run one job twice.
 */

let database: Database;
let services: Services;
let clerk: Principal;

beforeAll(async () => {
  database = await openTestDatabase();
  services = new Services(database);
  await services.recordPolicies();
  const user = await createUser(database.db, { username: "queue_clerk", display_name: "经办员", role: "clerk", admdvs: "451000", password: "Queue-Test-2022" });
  clerk = { user_id: user.id, username: user.username, display_name: user.display_name, role: "clerk", admdvs: "451000", fixmedins_code: null, psn_no: null };
});
afterAll(async () => database?.close());

const HEADER = "certno,psn_name,gend,brdy,insutype,insuplc_admdvs";
let drawn = 0;
/** A persons file of `n` residents of 451000 (odd sequences: men), each new to the database. */
type PersonRecord = Record<"certno" | "psn_name" | "gend" | "brdy" | "insutype" | "insuplc_admdvs", string>;
function personsFile(n: number): { csv: string; rows: PersonRecord[] } {
  const rows: PersonRecord[] = [];
  for (let i = 0; i < n; i++) {
    // Odd sequences 101–979 of a birth year, then the next year: every ID valid and new.
    const year = 1950 + Math.floor(drawn / 440);
    const sequence = 101 + 2 * (drawn % 440);
    drawn++;
    const certno = syntheticResidentId("451002", `${year}0101`, sequence);
    rows.push({ certno, psn_name: `队列${drawn}`, gend: "1", brdy: `${year}-01-01`, insutype: "390", insuplc_admdvs: "451000" });
  }
  const csv = [HEADER, ...rows.map((r) => `${r.certno},${r.psn_name},${r.gend},${r.brdy},${r.insutype},${r.insuplc_admdvs}`)].join("\n");
  return { csv, rows };
}

const upload = (csv: string, name = "persons.csv") =>
  startImportJob(services, clerk, { kind: "persons", fileName: name, body: Buffer.from(csv), format: "csv", year: 2022 });

const jobRow = async (id: number) => (await database.db.select().from(importJobs).where(eq(importJobs.id, id)))[0]!;

const contributionsOf = async (certnos: string[]) =>
  Number((await rowsOf<{ n: string | number }>(database.db, sql`
    select count(*) as n from contributions c join persons p on p.psn_no = c.psn_no where p.certno = any(${sql.param(certnos)}::text[])`))[0]?.n);

describe("jobs kept in the database", () => {
  it("queues an upload with its bytes; a worker imports it and any server reads the progress and the report from the row", async () => {
    const file = personsFile(3);
    const certno = file.rows[0]!.certno;
    const bad = `${file.csv}\n${certno.slice(0, 17)}${certno[17] === "0" ? "1" : "0"},错号,1,1980-01-01,390,451000`;
    const queued = await upload(bad);
    // No worker runs in this process: the job waits, its file stored with it.
    expect(queued).toMatchObject({ status: "queued", attempts: 0, progress: { read: 0, fraction: 0 } });
    expect((await jobRow(queued.id)).file?.toString()).toBe(bad);

    const worker = new ImportWorker(services, { id: "server-a" });
    expect(await worker.drain()).toEqual([queued.id]);
    const row = await jobRow(queued.id);
    expect(row).toMatchObject({ status: "done", locked_by: null, lease_until: null, file: null, attempts: 1 });

    // Another server (its own Services on the same database) answers with the same job.
    const other = await getImportJob(new Services(database), queued.id, clerk);
    expect(other).toMatchObject({ status: "done", attempts: 1, error: null, progress: { read: 4, inserted: 3, updated: 0, unchanged: 0, older: 0 } });
    expect(other?.progress).toMatchObject({ rejectedRows: 1, fraction: 1 });
    expect(other?.rejected.map((r) => [r.row, r.field])).toEqual([[5, "certno"]]);
  });

  it("answers `running` when this server's worker is free to take the upload at once", async () => {
    const worker = new ImportWorker(services, { id: "server-b", pollMs: 60_000 }).start();
    try {
      const started = await upload(personsFile(2).csv);
      // Taken at once, not left queued: a two-row file may even be done before the answer is read.
      expect(["running", "done"]).toContain(started.status);
      await worker.drain();
      expect((await getImportJob(services, started.id, clerk))?.progress).toMatchObject({ read: 2, inserted: 2, fraction: 1 });
    } finally {
      await worker.stop();
    }
  });
});

describe("while a job runs", () => {
  // On PostgreSQL: PGlite's one connection runs the import's transactions back to back and queues every other statement
  // (this test's reads, the heartbeat) behind them, so a running job cannot be watched from outside there.
  it.runIf(TEST_DB_KIND === "postgres")("the heartbeat renews the lease and writes the progress into the row; a worker whose job was taken over stops", async () => {
    // A thousand rows, one per transaction: the job runs long enough to be watched on a loaded machine too.
    const file = personsFile(1000);
    const job = await upload(file.csv);
    const worker = new ImportWorker(services, { id: "server-h", batchSize: 1, heartbeatMs: 10, leaseMs: 60_000 });
    await worker.poke();
    const claimedUntil = (await jobRow(job.id)).lease_until!;
    let seen: { read: number } | null = null;
    for (let status = "running"; seen === null && status === "running"; ) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const row = await jobRow(job.id);
      status = row.status;
      const p = row.progress as { read: number } | null;
      if (row.status === "running" && p && p.read > 0 && row.lease_until! > claimedUntil) seen = p;
    }
    expect(seen).not.toBeNull();
    // Another server takes the job over (as after an expired lease): this worker finds out at its next heartbeat and stops.
    await database.db.update(importJobs).set({ locked_by: "server-i" }).where(eq(importJobs.id, job.id));
    await worker.drain();
    expect(worker.finished).not.toContain(job.id);
    expect(await jobRow(job.id)).toMatchObject({ status: "running", locked_by: "server-i" });
    // Expired, the job is the next worker's: it imports the whole file, the rows done before counted unchanged.
    await database.db.update(importJobs).set({ lease_until: sql`now() - interval '1 second'` }).where(eq(importJobs.id, job.id));
    expect(await new ImportWorker(services, { id: "server-j" }).drain()).toEqual([job.id]);
    const done = await getImportJob(services, job.id, clerk);
    expect(done).toMatchObject({ status: "done", attempts: 2 });
    expect(done!.progress.read).toBe(1000);
    expect(done!.progress.inserted + done!.progress.unchanged).toBe(1000);
    expect(done!.progress.inserted).toBeLessThan(1000);
  });
});

describe("an upload's as-of date", () => {
  it("goes with the job: a file as of a time before the facts on record is kept out, and the report says so", async () => {
    const file = personsFile(1);
    const worker = new ImportWorker(services, { id: "server-g" });
    await startImportJob(services, clerk, { kind: "persons", fileName: "may.csv", body: Buffer.from(file.csv), format: "csv", year: 2022, asOf: parseAsOf("2022-05-01", "as_of") });
    await worker.drain();
    const april = await startImportJob(services, clerk, { kind: "persons", fileName: "april.csv", body: Buffer.from(file.csv.replace(/451000$/, "451002")), format: "csv", year: 2022, asOf: parseAsOf("2022-04-01", "as_of") });
    expect(await worker.drain()).toEqual([april.id]);
    const view = await getImportJob(services, april.id, clerk);
    expect(view?.progress).toMatchObject({ read: 1, updated: 0, older: 1, rejectedRows: 0 });
    expect(view?.rejected).toEqual([{ row: 2, field: "as_of", reason: expect.stringContaining("older than the facts on record (as of 2022-05-01 00:00:00), kept") }]);
  });
});

describe("a server stopped during an import", () => {
  it("leaves the job under a lease; once the lease runs out the next worker resumes it from the start, and each row counts once", async () => {
    const file = personsFile(3);
    const job = await upload(file.csv);
    // The crashed server: it claimed the job, imported the first two rows (their batch committed), and died.
    const claimed = await claimImportJob(services, "crashed-server", 200);
    expect(claimed).toMatchObject({ id: job.id, attempts: 1, has_file: true });
    await importPersons(database, numberedRows(file.rows.slice(0, 2)), { year: 2022 });
    expect(await contributionsOf(file.rows.map((r) => r.certno))).toBe(2);

    // While the lease holds, no other worker takes it.
    const early = new ImportWorker(services, { id: "server-c" });
    expect(await early.drain()).toEqual([]);
    expect((await jobRow(job.id)).locked_by).toBe("crashed-server");

    await new Promise((resolve) => setTimeout(resolve, 250));
    const restarted = new ImportWorker(services, { id: "server-c" });
    expect(await restarted.drain()).toEqual([job.id]);
    const view = await getImportJob(services, job.id, clerk);
    // The rows imported before the crash come out unchanged: the file is imported as a whole, once.
    expect(view).toMatchObject({ status: "done", attempts: 2, error: null });
    expect(view?.progress).toMatchObject({ read: 3, inserted: 1, updated: 0, unchanged: 2, rejectedRows: 0 });
    // One initial contribution per person, not two for the persons imported before the crash.
    expect(await contributionsOf(file.rows.map((r) => r.certno))).toBe(3);
    expect(Number((await rowsOf<{ n: number }>(database.db, sql`select count(*) as n from enrollments e join persons p on p.psn_no = e.psn_no
      where p.certno = any(${sql.param(file.rows.map((r) => r.certno))}::text[])`))[0]?.n)).toBe(3);
  });

  it("marks failed, with its report and why, a job interrupted MAX_ATTEMPTS times, and a job whose file was not kept", async () => {
    const job = await upload(personsFile(1).csv);
    await database.db.update(importJobs).set({ status: "running", locked_by: "dead", lease_until: sql`now() - interval '1 second'`, attempts: MAX_ATTEMPTS, progress: { read: 7, inserted: 7, updated: 0, unchanged: 0, older: 0, rejectedRows: 0, fraction: 0.5 } }).where(eq(importJobs.id, job.id));
    // A job of the old in-process kind: running, no lease, no file.
    const [legacy] = await database.db.insert(importJobs).values({ kind: "roster", file_name: "old.csv", user_id: clerk.user_id, admdvs: "451000", status: "running" }).returning();
    const worker = new ImportWorker(services, { id: "server-d" });
    expect((await worker.drain()).sort((a, b) => a - b)).toEqual([job.id, legacy!.id]);
    const failed = await getImportJob(services, job.id, clerk);
    expect(failed).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS + 1, progress: { read: 7, inserted: 7, fraction: 0.5 } });
    expect(failed?.error).toContain(`interrupted ${MAX_ATTEMPTS} times`);
    expect((await jobRow(job.id)).file).toBeNull();
    const old = await getImportJob(services, legacy!.id, clerk);
    expect(old).toMatchObject({ status: "failed" });
    expect(old?.error).toContain("the file was not kept");
  });

  it("a server shutting down in order gives its running job back to the queue, and the next worker finishes it", async () => {
    const file = personsFile(30);
    const job = await upload(file.csv);
    const stopping = new ImportWorker(services, { id: "server-e", batchSize: 1 });
    await stopping.poke(); // claims and starts the job
    await stopping.stop();
    const row = await jobRow(job.id);
    expect(row).toMatchObject({ status: "queued", locked_by: null, attempts: 0 });
    expect(await new ImportWorker(services, { id: "server-f" }).drain()).toEqual([job.id]);
    const done = await getImportJob(services, job.id, clerk);
    expect(done).toMatchObject({ status: "done", attempts: 1 });
    expect(done!.progress.read).toBe(30);
    expect(done!.progress.inserted + done!.progress.unchanged).toBe(30);
  });
});

describe("two servers on one database", () => {
  it("never claim one job twice: concurrent claims get distinct jobs, and every job runs exactly once", async () => {
    // The second server: its own connection (a pool of its own on PostgreSQL).
    const second: Database = TEST_DB_KIND === "postgres" ? await openSecondConnection(database) : database;
    try {
      const servicesB = new Services(second);
      const raced: number[] = [];
      for (let i = 0; i < 8; i++) raced.push((await upload(personsFile(1).csv)).id);
      // Sixteen claims at once from both servers for eight jobs: each job is claimed by one of them, once.
      const claims = await Promise.all(Array.from({ length: 16 }, (_, i) => claimImportJob(i % 2 === 0 ? services : servicesB, `racer-${i % 2}`, 60_000)));
      const got = claims.filter((c) => c !== undefined).map((c) => c.id);
      expect([...got].sort((a, b) => a - b)).toEqual(raced);
      await database.db.update(importJobs).set({ status: "done", locked_by: null, lease_until: null, file: null }).where(sql`${importJobs.id} = any(${sql.param(raced)}::bigint[])`);

      const ids: number[] = [];
      for (let i = 0; i < 10; i++) ids.push((await upload(personsFile(3).csv)).id);
      const a = new ImportWorker(services, { id: "server-a" });
      const b = new ImportWorker(servicesB, { id: "server-b" });
      const [ranA, ranB] = await Promise.all([a.drain(), b.drain()]);
      expect([...ranA, ...ranB].sort((x, y) => x - y)).toEqual(ids);
      if (TEST_DB_KIND === "postgres") expect(ranA.length * ranB.length).toBeGreaterThan(0);
      const rows = await database.db.select({ status: importJobs.status, attempts: importJobs.attempts, result: importJobs.result }).from(importJobs).where(sql`${importJobs.id} = any(${sql.param(ids)}::bigint[])`);
      expect(rows.map((r) => [r.status, r.attempts])).toEqual(ids.map(() => ["done", 1]));
      expect(rows.map((r) => (r.result as { inserted: number }).inserted)).toEqual(ids.map(() => 3));
    } finally {
      if (second !== database) await second.close();
    }
  });
});
