import type { Command } from "commander";
import { buildServer } from "../api/server.js";
import { Services } from "../services/context.js";
import { accountsWithDemoPassword, hasAdministrator } from "../services/demo.js";
import { installDemo, type DemoInstallResult } from "../his/demo.js";
import { migrateDatabase, openFromEnvironment } from "../store/db.js";
import { runCommand } from "./io.js";

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
        if (options.demo) notes.push(describeDemo(await installDemo(database, { care: options.demoCare })));
        if (!(await hasAdministrator(database.db))) {
          notes.push("no administrator yet: create the first one with `echo 'PASSWORD' | yibao users add NAME --name '…' --role admin --region ADMDVS` (npm run --silent yibao -- users add …)");
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
