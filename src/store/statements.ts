import { AsyncLocalStorage } from "node:async_hooks";
import type { Logger } from "drizzle-orm";

/**
 * Counts the statements the server sends to the database, by what it was doing (a transaction number of the hospital
 * interface), for the HIS benchmark's record of round trips (bench/his.ts): on only when YIBAO_COUNT_STATEMENTS=1,
 * through drizzle's logger, so both databases are counted the same way. On PostgreSQL a transaction's BEGIN and COMMIT
 * are statements drizzle sends (and counted); PGlite opens and ends its transactions itself (not counted).
 */

export interface StatementTally {
  /** Units of work (messages) that ran under the label. */
  units: number;
  statements: number;
}

const current = new AsyncLocalStorage<{ label: string }>();
const tallies = new Map<string, StatementTally>();

/** YIBAO_COUNT_STATEMENTS=1 counts; =print also writes each statement (label, SQL) to standard error, to read a path's round trips. */
export const countingStatements = (): boolean => process.env.YIBAO_COUNT_STATEMENTS === "1" || process.env.YIBAO_COUNT_STATEMENTS === "print";
const printing = (): boolean => process.env.YIBAO_COUNT_STATEMENTS === "print";

/** Runs `work` as one unit of `label` (a message of infno 2207 …): the statements it sends are counted under it. */
export function withStatementLabel<T>(label: string, work: () => Promise<T>): Promise<T> {
  if (!countingStatements()) return work();
  const tally = tallies.get(label) ?? { units: 0, statements: 0 };
  tally.units += 1;
  tallies.set(label, tally);
  return current.run({ label }, work);
}

/** drizzle's logger hook: one call per statement. */
export const statementCounter: Logger = {
  logQuery(query) {
    const label = current.getStore()?.label ?? "(other)";
    if (printing()) process.stderr.write(`[${label}] ${query.replace(/\s+/g, " ").slice(0, 400)}\n`);
    const tally = tallies.get(label) ?? { units: 0, statements: 0 };
    tally.statements += 1;
    tallies.set(label, tally);
  },
};

/** What was counted since the start (or the last reset), with the statements per unit. */
export function statementTallies(): Record<string, StatementTally & { per_unit: number | null }> {
  return Object.fromEntries(
    [...tallies].sort(([a], [b]) => a.localeCompare(b)).map(([label, t]) => [label, { ...t, per_unit: t.units === 0 ? null : Math.round((t.statements / t.units) * 100) / 100 }]),
  );
}

export function resetStatementTallies(): void {
  tallies.clear();
}
