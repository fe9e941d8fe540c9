import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { DomainError } from "../../domain/errors.js";
import { WARNING_STATE_NAMES, WARNING_STATES } from "../../domain/monitoring/index.js";
import { Services } from "../../services/common/index.js";
import { checkScanInput, countWarnings, scanYear, type ScanInput, type ScanProgress, type ScanResult } from "../../services/monitoring/index.js";
import { runCommand, withDatabase } from "../common/io.js";
import { yearOption } from "../reports/index.js";

/** `yibao monitor`: the early warning of catastrophic spending (高额医疗费用支出预警监测). */

const count = (n: number) => n.toLocaleString("en");

/** The service's refusals named as the options the operator typed (year → --year). */
function asOptions<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof DomainError && error.constructor === DomainError) throw new DomainError(`--${error.field.replace(/_/g, "-")}`, error.rule);
    throw error;
  }
}

function scanLines(r: ScanResult): string[] {
  return [
    `monitor scan ${r.year}${r.admdvs ? ` ${r.admdvs}` : ""} on ${r.date}: ${count(r.persons)} persons with settlements in the year, ${count(r.candidates)} checked one by one`,
    `  raised ${count(r.raised)} · rechecked ${count(r.rechecked)} · below every threshold ${count(r.below_threshold)} · above again ${count(r.above_threshold)} · ` +
      `unchanged ${count(r.unchanged)} · held by a closed warning ${count(r.none)}`,
    ...(r.without_policy > 0 ? [`  ${count(r.without_policy)} persons are insured where no policy sets monitoring thresholds for ${r.date}: not checked`] : []),
  ];
}

/** A bar on a terminal (the window pass first, then the candidates batch by batch); nothing when output is piped. */
function progressBar(): { update(p: ScanProgress): void; stop(): void } {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({ stream: process.stderr, format: "monitor [{bar}] {percentage}% | {what} | {duration_formatted}", hideCursor: true, fps: 5 });
  let started = false;
  return {
    update(p) {
      if (p.phase === "window") {
        if (!started) bar.start(1, 0, { what: "summing every person's window over the settlements" });
        started = true;
        return;
      }
      bar.setTotal(Math.max(1, p.total));
      bar.update(p.done, { what: `${count(p.done)} / ${count(p.total)} candidates checked` });
    },
    stop: () => bar.stop(),
  };
}

export function registerMonitorCommands(program: Command): void {
  const group = program
    .command("monitor")
    .description("the early warning of catastrophic spending (高额医疗费用支出预警监测): the thresholds are the insured region's policy's");
  group
    .command("scan")
    .description("check every person with settlements in a year, and every open warning: raise, refresh or mark below the thresholds (idempotent)")
    .requiredOption("--year <year>", "the year (its last day is the check date; today for the year in progress)")
    .option("--admdvs <region>", "only persons insured in this region (a prefecture takes its counties)")
    .option("--date <YYYY-MM-DD>", "the check date, in the year (default its last day, or today)")
    .action((options: { year: string; admdvs?: string; date?: string }) =>
      runCommand(async () => {
        // Every option is checked before the database is opened: a wrong one costs nothing and changes nothing.
        const input: ScanInput = {
          year: yearOption(options.year),
          ...(options.admdvs !== undefined ? { admdvs: options.admdvs } : {}),
          ...(options.date !== undefined ? { date: options.date } : {}),
          actor: "yibao monitor scan",
        };
        asOptions(() => checkScanInput(input));
        const bar = progressBar();
        const { result, open } = await withDatabase(async (database) => {
          try {
            const services = new Services(database);
            const scanned = await scanYear(services, input, (p) => bar.update(p));
            return { result: scanned, open: await countWarnings(database.db, scanned.admdvs ?? undefined) };
          } finally {
            bar.stop();
          }
        });
        for (const line of scanLines(result)) process.stdout.write(`${line}\n`);
        const states = WARNING_STATES.map((s) => `${WARNING_STATE_NAMES[s]} ${count(open.by_state[s])}`).join(" · ");
        process.stdout.write(`warnings${result.admdvs ? ` of ${result.admdvs}` : ""} now: ${states}; below every threshold ${count(open.below_threshold)}\n`);
      }),
    );
}
