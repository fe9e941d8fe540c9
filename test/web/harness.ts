import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
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

/** A full-page screenshot; `hideToasts` leaves out the messages that float over the page's top for a few seconds. */
export async function screenshot(page: Page, name: string, options: { hideToasts?: boolean } = {}): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true, ...(options.hideToasts ? { style: ".ant-message { display: none !important; }" } : {}) });
}

/**
 * A new page in a fresh context (Chinese, the given viewport) whose Content-Security-Policy violations are pushed to
 * `violations` — a test file checks the list is empty after each test.
 */
export async function openPage(world: WebWorld, violations: string[], contexts: BrowserContext[], viewport = { width: 1366, height: 900 }): Promise<Page> {
  const context = await world.browser.newContext({ viewport, locale: "zh-CN" });
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on("console", (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(`${page.url()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => {
    if (/Content[- ]Security[- ]Policy|unsafe-eval|unsafe-inline/i.test(error.message)) violations.push(`${page.url()}: ${error.message}`);
  });
  return page;
}

/** Signs in on the sign-in page and waits for the console or the portal. */
export async function signInAs(world: WebWorld, page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${world.url}/login`);
  await page.getByTestId("login-username").fill(username);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-submit").click();
  await page.waitForURL(/\/(console|portal)/);
}

// Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern (a <script> tag
// of the test would be refused, as an injected one must be).
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe-core's WCAG 2 A and AA rules on the page as it is: the violations, and how many rules passed. */
export async function axeReport(page: Page): Promise<{ passes: number; violations: string[] }> {
  await page.evaluate(AXE);
  return (await page.evaluate(`axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] })
    .then((r) => ({ passes: r.passes.length, violations: r.violations.map((v) => v.id + " (" + v.impact + "): " + v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")) }))`)) as { passes: number; violations: string[] };
}
