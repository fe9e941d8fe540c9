import cluster from "node:cluster";
import { mkdirSync, writeFileSync } from "node:fs";
import { pino } from "pino";
import { dirname, join } from "node:path";
import type { Command } from "commander";
import { demoCredentials } from "../services/identity/index.js";
import { buildServer } from "../api/server.js";
import { Services } from "../services/common/index.js";
import { accountsWithDemoPassword, DEMO_FIXMEDINS, hasAdministrator } from "../services/demo/index.js";
import { installDemo, type DemoInstallResult } from "../simulator/demo.js";
import { migrateDatabase, openFromEnvironment, type Database } from "../store/db.js";
import { runCommand } from "./common/io.js";

/**
 * Where the server listens: HOST when set; else every interface — except while an account still has the demo's
 * published password, when only this machine may reach it (the README's password must not open a bureau's server).
 */
export function listenHost(env: NodeJS.ProcessEnv, demoPasswordAccounts: readonly string[]): { host: string; why: string } {
  if (env.HOST !== undefined && env.HOST !== "") return { host: env.HOST, why: "HOST" };
  if (demoPasswordAccounts.length > 0) {
    return { host: "127.0.0.1", why: `only this machine: ${demoPasswordAccounts.length} account(s) still have the demo's published password (${demoPasswordAccounts.slice(0, 3).join(", ")}${demoPasswordAccounts.length > 3 ? ", …" : ""}); set HOST=0.0.0.0 to listen on every interface anyway` };
  }
  return { host: "0.0.0.0", why: "every interface (HOST to change)" };
}

/** Where a demo database's hospital credentials are written for the simulator: beside the embedded database. */
export function demoCredentialsPath(env: NodeJS.ProcessEnv): string {
  return join(env.YIBAO_DATA ?? "./data", "demo-his-credentials.json");
}

/**
 * A demo database only: the demo hospitals' credentials, written (readable by this user only) so that `npm start` and
 * `yibao his-sim` work out of the box. A bureau's database never gets them.
 */
async function writeDemoCredentials(services: Services, path: string): Promise<string> {
  const list = await demoCredentials(services, DEMO_FIXMEDINS.map((f) => f.fixmedins_code));
  // On a PostgreSQL server the folder holds no embedded database and may not exist yet.
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify({ note: "demo only: the demo hospitals' interface credentials (yibao his-sim --credentials)", credentials: list }, null, 2)}\n`, { mode: 0o600 });
  return `the demo hospitals' interface credentials are in ${path} (demo only)`;
}

function describeDemo(r: DemoInstallResult): string {
  const care = r.care.map((c) => `${c.year}: ${c.result.settled} visits settled`).join(", ");
  if (r.action === "loaded") return `demo loaded into the empty database: ${r.seed?.persons ?? 0} persons, years ${r.years.join(", ")}${care ? `; ${care}` : ""}`;
  if (r.action === "extended") return `demo extended to ${r.years[r.years.length - 1]}${care ? `: ${care}` : ""}`;
  if (r.found === "other") return "the database holds a bureau's own data: no demo data and no demo account are added";
  return `demo database (years ${r.years.join(", ")}), nothing to add`;
}

/**
 * How many server processes: --workers, else YIBAO_WORKERS, else 1. Several share the port (node:cluster) and need a
 * PostgreSQL server: the embedded database lives in one process.
 */
export function workerCount(option: string | undefined, env: NodeJS.ProcessEnv): number {
  const text = option ?? env.YIBAO_WORKERS ?? "1";
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new Error(`--workers / YIBAO_WORKERS: "${text}" is not a number of processes from 1 to 64`);
  if (n > 1 && !env.DATABASE_URL) {
    throw new Error(`--workers ${n}: several server processes need a PostgreSQL server (DATABASE_URL); the embedded database lives in one process`);
  }
  return n;
}

/** A worker of `serve --workers N`: the server on the shared port; the primary has migrated and loaded the demo. */
async function serveWorker(): Promise<void> {
  const database = await openFromEnvironment();
  const services = new Services(database);
  await services.shareForgetting();
  const app = await buildServer({ services });
  await app.listen({ port: Number(process.env.PORT ?? 8080), host: process.env.YIBAO_LISTEN_HOST ?? "127.0.0.1" });
  const stop = async () => {
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

export function registerServeCommands(program: Command): void {
  program
    .command("serve")
    .description("run the server (hospital-facing interface, REST API, web console and portal) on PORT (default 8080); loads the demo region into an empty database only")
    .option("--no-demo", "do not load the demo data into an empty database")
    .option("--no-demo-care", "load the demo without its settled care (the demo's hospitals then have no bills)")
    .option("--workers <n>", "server processes sharing the port (node:cluster; PostgreSQL only; default YIBAO_WORKERS or 1)")
    .action((options: { demo: boolean; demoCare: boolean; workers?: string }) =>
      runCommand(async () => {
        if (cluster.isWorker) return serveWorker();
        const workers = workerCount(options.workers, process.env);
        const database = await openFromEnvironment();
        await migrateDatabase(database);
        const services = new Services(database);
        await services.recordPolicies();
        const notes: string[] = [];
        if (options.demo) {
          const demo = await installDemo(database, { care: options.demoCare });
          notes.push(describeDemo(demo));
          if (demo.action === "loaded" || demo.found === "demo") notes.push(await writeDemoCredentials(services, demoCredentialsPath(process.env)));
        }
        if (!(await hasAdministrator(database.db))) {
          notes.push("no administrator yet: create the first one with `echo 'PASSWORD' | yibao users add NAME --name '…' --role admin --region ADMDVS` (npm run --silent yibao -- users add …)");
        }
        if (!process.env.YIBAO_HIS_MASTER_KEY) {
          notes.push("YIBAO_HIS_MASTER_KEY is not set: the hospitals' interface secrets derive from a key kept in the database, so a copy of the database can sign as any hospital; set it (32+ characters) before issuing credentials");
        }
        const { host, why } = listenHost(process.env, await accountsWithDemoPassword(database.db));
        const port = Number(process.env.PORT ?? 8080);
        if (workers > 1) return servePrimary(database, workers, { host, why, port, notes });
        await services.shareForgetting();
        const app = await buildServer({ services });
        await app.listen({ port, host });
        for (const note of notes) app.log.info(note);
        app.log.info(`Yibao serves on http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port} (${database.kind}: ${database.location}), listening on ${host}: ${why}`);
        let closing = false;
        const stop = async () => {
          if (closing) return;
          closing = true;
          await app.close();
          await database.close();
          process.exit(0);
        };
        process.on("SIGINT", () => void stop());
        process.on("SIGTERM", () => void stop());
      }),
    );
}

/**
 * The primary of `serve --workers N`: forks the workers (each its own server and connection pool on the shared port),
 * starts a new one when one dies, and stops them all on SIGTERM / SIGINT.
 */
async function servePrimary(database: Database, workers: number, at: { host: string; why: string; port: number; notes: string[] }): Promise<void> {
  await database.close();
  const log = pino({ level: process.env.LOG_LEVEL ?? "info" });
  let closing = false;
  const fork = () => cluster.fork({ ...process.env, YIBAO_LISTEN_HOST: at.host, PORT: String(at.port) });
  cluster.on("exit", (worker, code, signal) => {
    if (closing) return;
    log.error({ pid: worker.process.pid, code, signal }, "a server process ended; starting another");
    fork();
  });
  let listening = 0;
  cluster.on("listening", () => {
    listening += 1;
    if (listening !== workers) return;
    for (const note of at.notes) log.info(note);
    log.info(`Yibao serves on http://${at.host === "0.0.0.0" ? "127.0.0.1" : at.host}:${at.port} (postgres: ${database.location}) in ${workers} processes, listening on ${at.host}: ${at.why}`);
  });
  for (let i = 0; i < workers; i++) fork();
  const stop = () => {
    if (closing) return;
    closing = true;
    const all = Object.values(cluster.workers ?? {});
    let left = all.length;
    if (left === 0) process.exit(0);
    for (const w of all) {
      w?.once("exit", () => {
        left -= 1;
        if (left === 0) process.exit(0);
      });
      w?.process.kill("SIGTERM");
    }
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
