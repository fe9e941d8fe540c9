import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Command } from "commander";
import { demoCredentials } from "../services/identity/index.js";
import { buildServer } from "../api/server.js";
import { Services } from "../services/common/index.js";
import { accountsWithDemoPassword, DEMO_FIXMEDINS, hasAdministrator } from "../services/demo/index.js";
import { installDemo, type DemoInstallResult } from "../simulator/demo.js";
import { migrateDatabase, openFromEnvironment } from "../store/db.js";
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

export function registerServeCommands(program: Command): void {
  program
    .command("serve")
    .description("run the server (hospital-facing interface, REST API, web console and portal) on PORT (default 8080); loads the demo region into an empty database only")
    .option("--no-demo", "do not load the demo data into an empty database")
    .option("--no-demo-care", "load the demo without its settled care (the demo's hospitals then have no bills)")
    .action((options: { demo: boolean; demoCare: boolean }) =>
      runCommand(async () => {
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
        const app = await buildServer({ services });
        const port = Number(process.env.PORT ?? 8080);
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
