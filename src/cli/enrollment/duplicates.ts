import type { Command } from "commander";
import { DomainError } from "../../domain/errors.js";
import { formatYuan, ZERO } from "../../domain/money.js";
import {
  listDuplicates, resolveAllByRule, resolveDuplicate, scanDuplicates, type DuplicateCase, type DuplicateStatus, type Resolution, type ResolveResult,
} from "../../services/enrollment/index.js";
import { runCommand, withDatabase } from "../common/io.js";
import { yearOption } from "../reports/index.js";

/** `yibao duplicates`: find, list and resolve duplicate enrollments (清理重复参保). */

function idArgument(value: string, name: string): number {
  if (!/^\d{1,15}$/.test(value.trim()) || Number(value) === 0) throw new DomainError(name, `must be a positive whole number, got "${value}"`);
  return Number(value);
}

function caseLine(c: DuplicateCase): string {
  const enrollments = c.enrollments
    .map((e) => `${e.id} ${e.insutype}@${e.admdvs} ${e.status}${e.id === c.kept_enrollment_id ? " (kept)" : ""}`)
    .join("; ");
  const resolved =
    c.status === "resolved"
      ? ` | resolved by ${c.resolution} (${c.resolved_by}) ${c.resolved_at?.slice(0, 10) ?? ""}, refund ${formatYuan(c.refund_fen ?? ZERO)}${c.note ? `, note: ${c.note}` : ""}`
      : "";
  return `#${c.id} ${c.year} ${c.kind} ${c.status} ${c.certno} ${c.psn_name} | ${enrollments} | found by ${c.found_by}${resolved}`;
}

function resolvedLine(r: ResolveResult): string {
  const c = r.case;
  const kept = c.enrollments.find((e) => e.id === c.kept_enrollment_id);
  const ended = r.ended
    .map((e) =>
      `${e.enrollment_id} (${e.insutype} ${e.admdvs}): person ${formatYuan(e.person_paid_fen)}, assistance ${formatYuan(e.assistance_subsidy_fen)}, fiscal ${formatYuan(e.fiscal_subsidy_fen)} yuan refunded`)
    .join("; ");
  return (
    `case ${c.id} resolved by ${c.resolution}: kept ${kept ? `enrollment ${kept.id} (${kept.insutype} ${kept.admdvs})` : "none"}` +
    `; ended ${ended === "" ? "none" : ended}; refund to the person ${formatYuan(r.refund_fen)} yuan` +
    (r.also_resolved.length > 0 ? `; also resolved case ${r.also_resolved.join(", ")}` : "")
  );
}

interface ResolveOptions {
  rule?: boolean;
  keep?: string;
  clerk?: string;
  note?: string;
  date?: string;
  year?: string;
  admdvs?: string;
}

export function registerDuplicateCommands(program: Command): void {
  const group = program
    .command("duplicates")
    .description("duplicate enrollments (重复参保): one ID number enrolled in two regions, or in employee and resident insurance, in one year");
  group
    .command("scan")
    .description("find the duplicate enrollments of a year and record them as cases (idempotent)")
    .requiredOption("--year <year>", "the enrollment year")
    .option("--admdvs <region>", "only persons enrolled in this region")
    .action((options: { year: string; admdvs?: string }) =>
      runCommand(async () => {
        const year = yearOption(options.year);
        const r = await withDatabase((database) => scanDuplicates(database.db, { year, ...(options.admdvs !== undefined ? { admdvs: options.admdvs } : {}) }));
        process.stdout.write(`scan ${r.year}${r.admdvs ? ` ${r.admdvs}` : ""}: ${r.found} enrolled twice; ${r.created} new cases, ${r.updated} updated, ${r.unchanged} unchanged\n`);
        for (const x of r.recurred) {
          process.stdout.write(`  case ${x.case_id} (${x.kind}, ${x.psn_no}) was resolved but is enrolled twice again: enrollments ${x.enrollment_ids.join(", ")}\n`);
        }
      }),
    );
  group
    .command("list")
    .description("list cases, oldest first")
    .option("--status <status>", "open or resolved")
    .option("--year <year>", "the enrollment year")
    .option("--admdvs <region>", "cases of persons enrolled in this region")
    .option("--limit <n>", "at most this many (default 1000)")
    .option("--format <format>", "text (default) or json")
    .action((options: { status?: string; year?: string; admdvs?: string; limit?: string; format?: string }) =>
      runCommand(async () => {
        const format = options.format ?? "text";
        if (format !== "text" && format !== "json") throw new DomainError("--format", `must be text or json, got "${format}"`);
        const input = {
          ...(options.status !== undefined ? { status: options.status as DuplicateStatus } : {}),
          ...(options.year !== undefined ? { year: yearOption(options.year) } : {}),
          ...(options.admdvs !== undefined ? { admdvs: options.admdvs } : {}),
          ...(options.limit !== undefined ? { limit: idArgument(options.limit, "--limit") } : {}),
        };
        const cases = await withDatabase((database) => listDuplicates(database.db, input));
        if (format === "json") process.stdout.write(`${JSON.stringify(cases, null, 2)}\n`);
        else process.stdout.write(cases.length === 0 ? "no cases\n" : `${cases.map(caseLine).join("\n")}\n`);
      }),
    );
  group
    .command("resolve <id>")
    .description("resolve a case: --rule (employee insurance wins, else the earlier enrollment) or --keep ENROLLMENT_ID --clerk NAME --note TEXT")
    .option("--rule", "resolve by the rule")
    .option("--keep <enrollment_id>", "the enrollment to keep (one of the case's)")
    .option("--clerk <name>", "who decided")
    .option("--note <text>", "why")
    .option("--date <YYYY-MM-DD>", "the end date of the ended enrollments (default today)")
    .action((id: string, options: ResolveOptions) =>
      runCommand(async () => {
        const caseId = idArgument(id, "id");
        const byClerk = options.keep !== undefined || options.clerk !== undefined || options.note !== undefined;
        if (options.rule && byClerk) throw new DomainError("--rule", "give either --rule or --keep with --clerk and --note, not both");
        if (!options.rule && !byClerk) throw new DomainError("--rule", "give --rule, or --keep ENROLLMENT_ID --clerk NAME --note TEXT");
        if (byClerk && options.keep === undefined) throw new DomainError("--keep", "is required: the enrollment to keep");
        const date = options.date !== undefined ? { date: options.date } : {};
        const resolution: Resolution = options.rule
          ? { by: "rule", ...date }
          : { by: "clerk", keep_enrollment_id: idArgument(options.keep ?? "", "--keep"), clerk: options.clerk ?? "", note: options.note ?? "", ...date };
        const r = await withDatabase((database) => resolveDuplicate(database.db, caseId, resolution));
        process.stdout.write(`${resolvedLine(r)}\n`);
      }),
    );
  group
    .command("resolve-all")
    .description("resolve every open case of a year by the rule")
    .option("--rule", "resolve by the rule (required: the only way to resolve in bulk)")
    .requiredOption("--year <year>", "the enrollment year")
    .option("--admdvs <region>", "only cases of persons enrolled in this region")
    .option("--date <YYYY-MM-DD>", "the end date of the ended enrollments (default today)")
    .action((options: ResolveOptions) =>
      runCommand(async () => {
        if (!options.rule) throw new DomainError("--rule", "is required: cases are resolved in bulk by the rule only");
        const year = yearOption(options.year);
        const r = await withDatabase((database) =>
          resolveAllByRule(database.db, {
            year,
            ...(options.admdvs !== undefined ? { admdvs: options.admdvs } : {}),
            ...(options.date !== undefined ? { date: options.date } : {}),
          }),
        );
        for (const x of r.resolved) process.stdout.write(`${resolvedLine(x)}\n`);
        process.stdout.write(`${r.year}: ${r.resolved.length} cases resolved by the rule (${r.also_resolved.length} more with them); refund to persons ${formatYuan(r.refund_fen)} yuan\n`);
      }),
    );
}
