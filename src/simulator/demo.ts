import { eq } from "drizzle-orm";
import { Services } from "../services/common/index.js";
import { chinaYear, DEMO_YEAR, demoDatabaseState, extendDemoYear, insideTransaction, lockDemo, seedDemo, type DemoSeedResult } from "../services/demo/index.js";
import type { Database } from "../store/db.js";
import { demoYears } from "../store/schema.js";
import { seedDemoCare, type DemoCareResult } from "./demoCare.js";

/**
 * The demo as `yibao serve` loads it: into an empty database only, data, accounts and settled care together in one
 * transaction (a start killed half-way leaves nothing, and the next start loads it again); in a demo database started
 * in a year it has no data of, that year's enrollments and care up to today; in a bureau's own database, nothing.
 */

export interface DemoInstallOptions {
  /** Settle the demo's care through the interface (default true). */
  care?: boolean;
  /** Visits of 2022 (default a full year's); the current year's are in proportion to the days gone. */
  visits?: number;
  /** The moment of the start (default now). */
  now?: Date;
}

export interface DemoInstallResult {
  /** loaded: the demo went into an empty database; extended: a new year was added; none: nothing to do or not a demo. */
  action: "loaded" | "extended" | "none";
  /** What the database was before: empty, demo or other (a bureau's own data). */
  found: "empty" | "demo" | "other";
  years: number[];
  seed: DemoSeedResult | null;
  care: { year: number; result: DemoCareResult }[];
}

export async function installDemo(database: Database, options: DemoInstallOptions = {}): Promise<DemoInstallResult> {
  const now = options.now ?? new Date();
  const year = chinaYear(now);
  const careOf = async (inTx: Database, y: number, visits?: number) => {
    if (options.care === false) return [];
    const result = await seedDemoCare(new Services(inTx), { year: y, until: now.getTime(), ...(visits !== undefined ? { visits } : {}) });
    // A failed visit is a bug of the demo or of a rule: the whole demo rolls back rather than half of a year.
    if (result.failed.length > 0) throw new Error(`demo care ${y}: ${result.failed.length} of ${result.flows} visits failed, first: ${result.failed[0]?.error ?? ""}`);
    await inTx.db.update(demoYears).set({ visits: result.settled }).where(eq(demoYears.year, y));
    return [{ year: y, result }];
  };
  return database.db.transaction(async (tx) => {
    const inTx = insideTransaction(database, tx);
    await lockDemo(tx);
    const state = await demoDatabaseState(tx);
    if (state.state === "other") return { action: "none", found: "other", years: [], seed: null, care: [] };
    if (state.state === "empty") {
      const years = [...new Set([DEMO_YEAR, year])].sort();
      const seed = await seedDemo(inTx, { years });
      const care = [...(await careOf(inTx, DEMO_YEAR, options.visits))];
      if (year !== DEMO_YEAR) care.push(...(await careOf(inTx, year)));
      return { action: "loaded", found: "empty", years, seed, care };
    }
    if (state.years.includes(year) || year < DEMO_YEAR) return { action: "none", found: "demo", years: state.years, seed: null, care: [] };
    await extendDemoYear(inTx, year);
    const care = await careOf(inTx, year);
    return { action: "extended", found: "demo", years: [...state.years, year], seed: null, care };
  });
}
