import type { Command } from "commander";
import {
  APPLICATION_KIND_NAMES, APPLICATION_KINDS, APPLICATION_STATES, isApplicationKind, isApplicationState, type ApplicationKind, type ApplicationState,
} from "../../domain/assistance/index.js";
import { DomainError } from "../../domain/errors.js";
import { parseDate, parseRegionCode } from "../../domain/ids.js";
import { formatYuan, parseYuan } from "../../domain/money.js";
import {
  approveApplication, checkApplicationId, fileApplication, listApplications, payApplication, rejectApplication, type ApplicationWithEvents,
  type AssistanceApplication,
} from "../../services/assistance/index.js";
import { Services } from "../../services/common/index.js";
import { runCommand, withDatabase } from "../common/io.js";

/**
 * `yibao assistance`: assistance on application (依申请救助) and secondary assistance (再救助) at a clerk's terminal — file
 * on a person's behalf, approve, reject, pay, list. Every argument is checked before the database is opened.
 */

function required(value: string | undefined, name: string, what: string): string {
  if (value === undefined || value.trim() === "") throw new DomainError(name, `is required: ${what}`);
  return value.trim();
}

function wholeNumber(value: string, name: string, min: number, max: number): number {
  if (!/^\d{1,9}$/.test(value.trim()) || Number(value) < min || Number(value) > max) {
    throw new DomainError(name, `must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return Number(value);
}

function formatOption(value: string | undefined): "text" | "json" {
  const format = value ?? "text";
  if (format !== "text" && format !== "json") throw new DomainError("--format", `must be text or json, got "${format}"`);
  return format;
}

function line(a: AssistanceApplication): string {
  const reviewed = a.reviewed_by ? `; reviewed by ${a.reviewed_by} ${a.reviewed_at?.slice(0, 10) ?? ""}` : "";
  const paid = a.paid_by ? `; paid by ${a.paid_by} ${a.paid_at?.slice(0, 10) ?? ""}` : "";
  const rejected = a.reject_reason ? `; rejected: ${a.reject_reason}` : "";
  return (
    `${a.application_id} ${a.psn_no} ${a.psn_name} ${a.kind} (${APPLICATION_KIND_NAMES[a.kind]}) ${a.state} | applied ${a.application_date} via ${a.filed_via} by ${a.filed_by}` +
    ` | base ${formatYuan(a.base_fen)}, amount ${formatYuan(a.amount_fen)} yuan${a.approval_year ? ` (${a.approval_year})` : ""}${reviewed}${rejected}${paid}`
  );
}

function detail(a: ApplicationWithEvents): string {
  return [line(a), ...a.steps.map((s) => `  ${s.text}`), ...a.events.map((e) => `  [${e.at}] ${e.actor} ${e.action}${e.note ? `: ${e.note}` : ""}`)].join("\n");
}

interface FileOptions {
  psnNo?: string;
  kind?: string;
  householdSize?: string;
  income?: string;
  date?: string;
  certified?: boolean;
  note?: string;
  warning?: string;
  clerk?: string;
  format?: string;
}

export function registerAssistanceCommands(program: Command): void {
  const group = program
    .command("assistance")
    .description("assistance on application (依申请救助) and secondary assistance (再救助): file on a person's behalf, approve, reject, pay, list");
  group
    .command("list")
    .description("list applications, newest first")
    .option("--state <state>", APPLICATION_STATES.join(" | "))
    .option("--kind <kind>", APPLICATION_KINDS.join(" | "))
    .option("--admdvs <region>", "applications of persons insured in this region")
    .option("--psn-no <psn_no>", "one person's")
    .option("--limit <n>", "at most this many (default 100, at most 500)")
    .option("--format <format>", "text (default) or json")
    .action((options: { state?: string; kind?: string; admdvs?: string; psnNo?: string; limit?: string; format?: string }) =>
      runCommand(async () => {
        const format = formatOption(options.format);
        if (options.state !== undefined && !isApplicationState(options.state)) {
          throw new DomainError("--state", `must be ${APPLICATION_STATES.join(", ")}, got "${options.state}"`);
        }
        if (options.kind !== undefined && !isApplicationKind(options.kind)) throw new DomainError("--kind", `must be ${APPLICATION_KINDS.join(" or ")}, got "${options.kind}"`);
        const filter = {
          state: options.state as ApplicationState | undefined,
          kind: options.kind as ApplicationKind | undefined,
          admdvs: options.admdvs === undefined ? undefined : parseRegionCode(options.admdvs, "--admdvs"),
          psn_no: options.psnNo,
        };
        const limit = options.limit === undefined ? 100 : wholeNumber(options.limit, "--limit", 1, 500);
        const page = await withDatabase((database) => listApplications(database.db, filter, { page: 1, page_size: limit }));
        if (format === "json") process.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
        else process.stdout.write(page.items.length === 0 ? "no applications\n" : `${page.items.map(line).join("\n")}\n${page.items.length} of ${page.total}${page.total_capped ? "+" : ""}\n`);
      }),
    );
  group
    .command("file")
    .description("file an application on a person's behalf, with the household's declaration; prints the calculation")
    .option("--psn-no <psn_no>", "the person")
    .option("--kind <kind>", `${APPLICATION_KINDS.join(" | ")} (default application)`)
    .option("--household-size <n>", "members of the household")
    .option("--income <yuan>", "the household's per-capita annual income, yuan")
    .option("--date <YYYY-MM-DD>", "the application date (default today; never later)")
    .option("--certified", "the clerk certifies the household's severe difficulty")
    .option("--note <text>", "a note")
    .option("--warning <id>", "the early warning the application comes from")
    .option("--clerk <name>", "who files")
    .option("--format <format>", "text (default) or json")
    .action((options: FileOptions) =>
      runCommand(async () => {
        const format = formatOption(options.format);
        const kind = options.kind ?? "application";
        if (!isApplicationKind(kind)) throw new DomainError("--kind", `must be ${APPLICATION_KINDS.join(" or ")}, got "${kind}"`);
        const input = {
          psn_no: required(options.psnNo, "--psn-no", "the person"),
          kind,
          household_size: wholeNumber(required(options.householdSize, "--household-size", "members of the household"), "--household-size", 1, 30),
          household_income_fen: parseYuan(required(options.income, "--income", "the per-capita annual income in yuan"), "--income"),
          ...(options.date !== undefined ? { application_date: parseDate(options.date, "--date") } : {}),
          certified_difficulty: options.certified === true,
          ...(options.note !== undefined ? { note: options.note } : {}),
          ...(options.warning !== undefined ? { warning_id: wholeNumber(options.warning, "--warning", 1, 999_999_999) } : {}),
          filed_by: required(options.clerk, "--clerk", "who files"),
          filed_via: "cli" as const,
        };
        const a = await withDatabase((database) => fileApplication(new Services(database), input));
        process.stdout.write(format === "json" ? `${JSON.stringify(a, null, 2)}\n` : `${detail(a)}\n`);
      }),
    );
  group
    .command("approve <id>")
    .description("approve a submitted application: the calculation again on the settlements stored now; once per person and kind a calendar year")
    .option("--clerk <name>", "who approves")
    .option("--certify-difficulty", "the clerk certifies the household's severe difficulty")
    .action((id: string, options: { clerk?: string; certifyDifficulty?: boolean }) =>
      runCommand(async () => {
        const applicationId = checkApplicationId(id, "id");
        const by = required(options.clerk, "--clerk", "who approves");
        const a = await withDatabase((database) =>
          approveApplication(new Services(database), applicationId, { by, ...(options.certifyDifficulty ? { certify_difficulty: true } : {}) }));
        process.stdout.write(`${a.application_id} approved: ${formatYuan(a.amount_fen)} yuan (${a.approval_year})\n${a.steps.map((s) => `  ${s.text}`).join("\n")}\n`);
      }),
    );
  group
    .command("reject <id>")
    .description("reject a submitted application, with the reason the person is told")
    .option("--clerk <name>", "who rejects")
    .option("--reason <text>", "why")
    .action((id: string, options: { clerk?: string; reason?: string }) =>
      runCommand(async () => {
        const applicationId = checkApplicationId(id, "id");
        const by = required(options.clerk, "--clerk", "who rejects");
        const reason = required(options.reason, "--reason", "why it is rejected (the person is told)");
        const a = await withDatabase((database) => rejectApplication(new Services(database), applicationId, { by, reason }));
        process.stdout.write(`${a.application_id} rejected: ${a.reject_reason}\n`);
      }),
    );
  group
    .command("pay <id>")
    .description("pay an approved application: one ledger transfer from the fund to the person")
    .option("--clerk <name>", "who pays")
    .action((id: string, options: { clerk?: string }) =>
      runCommand(async () => {
        const applicationId = checkApplicationId(id, "id");
        const by = required(options.clerk, "--clerk", "who pays");
        const r = await withDatabase((database) => payApplication(new Services(database), applicationId, { by }));
        process.stdout.write(`${r.application.application_id} paid: ${formatYuan(r.transfer.amount_fen)} yuan, ${r.transfer.debit_account} → ${r.transfer.credit_account}\n`);
      }),
    );
}
