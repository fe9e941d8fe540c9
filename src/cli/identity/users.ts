import type { Command } from "commander";
import { ROLE_NAMES, ROLES, type Role } from "../../domain/identity/index.js";
import { DomainError } from "../../domain/errors.js";
import { parseResidentId } from "../../domain/ids.js";
import { regionName } from "../../domain/reference/index.js";
import { createUser, listUsers, setPassword, setUserActive, unlockUser } from "../../services/identity/index.js";
import { findPersonByCertno } from "../../services/common/index.js";
import { readStdin, runCommand, withDatabase } from "../common/io.js";

/**
 * `yibao users`: the accounts of the console and the portal. Passwords never come as an argument (it would stay in the
 * shell's history and the process list): from YIBAO_PASSWORD, or the first line of standard input.
 */

async function passwordInput(): Promise<string> {
  const fromEnv = process.env.YIBAO_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  if (process.stdin.isTTY) throw new DomainError("password", "give it in YIBAO_PASSWORD or on standard input (echo … | yibao users …)");
  const line = (await readStdin()).split(/\r?\n/)[0] ?? "";
  if (line === "") throw new DomainError("password", "standard input is empty: the password is its first line");
  return line;
}

interface AddOptions {
  name: string;
  role: string;
  region: string;
  hospital?: string;
  person?: string;
}

export function registerUserCommands(program: Command): void {
  const group = program.command("users").description("accounts of the web console and the portal: roles administrator, clerk, auditor, hospital, insured");
  group
    .command("list")
    .description("the accounts of a region (default: all), with their lock state and last sign-in")
    .option("--region <admdvs>", "a region code: 451000 takes its counties too")
    .action((options: { region?: string }) =>
      runCommand(async () => {
        const rows = await withDatabase((database) => listUsers(database.db, options.region ?? "000000"));
        for (const u of rows) {
          const state = !u.active ? "disabled" : u.locked_until && u.locked_until > new Date() ? `locked until ${u.locked_until.toISOString()}` : "active";
          const bound = u.fixmedins_code ?? u.psn_no ?? "";
          process.stdout.write(`${u.username}\t${u.role}\t${u.admdvs} ${regionName(u.admdvs)}\t${bound}\t${u.display_name}\t${state}\tlast sign-in ${u.last_signin_at?.toISOString() ?? "never"}\n`);
        }
      }),
    );
  group
    .command("add <username>")
    .description("add an account; the password comes from YIBAO_PASSWORD or the first line of standard input")
    .requiredOption("--name <name>", "the name shown in the console")
    .requiredOption("--role <role>", ROLES.map((r) => `${r} (${ROLE_NAMES[r].zh})`).join(", "))
    .requiredOption("--region <admdvs>", "the region the account works in")
    .option("--hospital <fixmedins_code>", "a hospital operator's hospital")
    .option("--person <certno>", "an insured person's ID number")
    .action((username: string, options: AddOptions) =>
      runCommand(async () => {
        if (!(ROLES as readonly string[]).includes(options.role)) throw new DomainError("--role", `must be one of ${ROLES.join(", ")}, got "${options.role}"`);
        const password = await passwordInput();
        await withDatabase(async (database) => {
          let psnNo: string | undefined;
          if (options.person !== undefined) {
            const person = await findPersonByCertno(database.db, parseResidentId(options.person, "--person"));
            if (!person) throw new DomainError("--person", `no insured person with ID number ${options.person}`);
            psnNo = person.psn_no;
          }
          const user = await createUser(database.db, {
            username, display_name: options.name, role: options.role as Role, admdvs: options.region, password,
            ...(options.hospital ? { fixmedins_code: options.hospital } : {}), ...(psnNo ? { psn_no: psnNo } : {}),
          });
          process.stdout.write(`added ${user.username} (${ROLE_NAMES[user.role as Role].zh}, ${user.admdvs} ${regionName(user.admdvs)})\n`);
        });
      }),
    );
  group
    .command("password <username>")
    .description("set a new password (from YIBAO_PASSWORD or standard input); the account's sessions end and, unless --no-change-required, its next sign-in must change it")
    .option("--no-change-required", "the account keeps this password (its owner set it): no change asked at the next sign-in")
    .action((username: string, options: { changeRequired: boolean }) =>
      runCommand(async () => {
        const password = await passwordInput();
        await withDatabase((database) => setPassword(database.db, username, password, "000000", new Date(), { mustChange: options.changeRequired }));
        process.stdout.write(`password of ${username} changed; its sessions ended${options.changeRequired ? "; it must be changed at the next sign-in" : ""}\n`);
      }),
    );
  group
    .command("unlock <username>")
    .description("lift a lock-out after repeated wrong passwords")
    .action((username: string) =>
      runCommand(async () => {
        await withDatabase((database) => unlockUser(database.db, username, "000000"));
        process.stdout.write(`${username} unlocked\n`);
      }),
    );
  for (const [name, active] of [["disable", false], ["enable", true]] as const) {
    group
      .command(`${name} <username>`)
      .description(active ? "let a disabled account sign in again" : "stop an account from signing in; its sessions end")
      .action((username: string) =>
        runCommand(async () => {
          await withDatabase((database) => setUserActive(database.db, username, active));
          process.stdout.write(`${username} ${active ? "enabled" : "disabled"}\n`);
        }),
      );
  }
}
