import type { Command } from "commander";
import { buildServer } from "../api/server.js";
import { Services } from "../services/context.js";
import { seedDemo } from "../services/demo.js";
import { seedDemoCare } from "../his/demoCare.js";
import { migrateDatabase, openFromEnvironment } from "../store/db.js";
import { runCommand } from "./io.js";

export function registerServeCommands(program: Command): void {
  program
    .command("serve")
    .description("run the server (hospital-facing interface, REST API, web console and portal) on PORT (default 8080); loads the demo region into an empty database")
    .option("--no-demo", "do not load the demo data into an empty database")
    .option("--no-demo-care", "load the demo without its year of settled care (the demo's hospitals then have no bills)")
    .action((options: { demo: boolean; demoCare: boolean }) =>
      runCommand(async () => {
        const database = await openFromEnvironment();
        await migrateDatabase(database);
        const services = new Services(database);
        await services.recordPolicies();
        if (options.demo) {
          const seeded = await seedDemo(database);
          if (seeded.seeded && options.demoCare) {
            const care = await seedDemoCare(services);
            if (care.failed.length > 0) process.emitWarning(`demo care: ${care.failed.length} of ${care.flows} visits failed, first: ${care.failed[0]?.error ?? ""}`);
          }
        }
        const app = await buildServer({ services });
        const port = Number(process.env.PORT ?? 8080);
        const host = process.env.HOST ?? "0.0.0.0";
        await app.listen({ port, host });
        app.log.info(`Yibao serves on http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port} (${database.kind}: ${database.location})`);
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
