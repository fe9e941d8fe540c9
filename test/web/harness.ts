import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { chromium, type Browser, type Page } from "playwright-core";
import { buildServer } from "../../src/api/server.js";
import { TEST_LIMITS } from "../support/limits.js";
import { seedDemoCare } from "../../src/simulator/demoCare.js";
import { fromRoot } from "../../src/lib/paths.js";
import { Services } from "../../src/services/common/context.js";
import { seedDemo } from "../../src/services/demo/demo.js";
import type { Database } from "../../src/store/db.js";
import { openTestDatabase, TEST_DB_KIND } from "../support/db.js";

/**
 * The browser tests' world: the real server (API, HIS interface and the built web app) on a free port over a test
 * database holding the demo (with a smaller year of care), and Debian's Chromium driven by playwright-core. Screenshots
 * of the main pages go to test-output/screenshots/<database>/.
 */

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SCREENSHOTS = fromRoot("test-output", "screenshots", TEST_DB_KIND);

export interface WebWorld {
  database: Database;
  services: Services;
  app: FastifyInstance;
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

/** Builds the web app when its sources changed (the same script `npm start` runs). */
export function buildWeb(): void {
  execFileSync(process.execPath, [fromRoot("scripts", "build-web.mjs")], { stdio: "inherit", cwd: fromRoot() });
}

export async function openWebWorld(): Promise<WebWorld> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`the browser tests need Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  buildWeb();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const database = await openTestDatabase();
  const services = new Services(database);
  await services.recordPolicies();
  await seedDemo(database);
  const care = await seedDemoCare(services, { visits: 40 });
  if (care.failed.length > 0) throw new Error(`demo care failed: ${care.failed[0]?.error}`);
  const app = await buildServer({ services, logger: false, limits: TEST_LIMITS });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
  return {
    database, services, app, url: `http://127.0.0.1:${port}`, browser,
    close: async () => {
      await browser.close();
      await app.close();
      await database.close();
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
