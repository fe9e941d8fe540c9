import type { Command } from "commander";
import { DomainError } from "../../domain/errors.js";
import { Services } from "../../services/common/index.js";
import { issueCredential, listCredentials, revokeCredential, rotateCredential, ROTATION_OVERLAP_MS, type IssuedCredential } from "../../services/identity/index.js";
import { runCommand, withDatabase } from "../common/io.js";

/**
 * `yibao his-credentials`: the bureau issues, rotates and revokes the credentials designated institutions sign the
 * interface's requests with. A secret is printed once, when issued or rotated, and cannot be shown again.
 */

function by(options: { by?: string }): string {
  const who = options.by ?? process.env.USER ?? "";
  if (who.trim() === "") throw new DomainError("--by", "is required: who issues (recorded with the credential)");
  return `cli:${who.trim()}`;
}

function printIssued(c: IssuedCredential, json: boolean | undefined): void {
  if (json) {
    // The file his-sim --credentials reads.
    process.stdout.write(`${JSON.stringify({ credentials: [{ fixmedins_code: c.fixmedins_code, access_key: c.access_key, secret: c.secret }] }, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    `fixmedins_code ${c.fixmedins_code}\naccess_key     ${c.access_key}\nsecret         ${c.secret}\nfingerprint    ${c.fingerprint}\n` +
      `The secret is shown this once: give it to the hospital's HIS; the server cannot show it again.\n`,
  );
}

export function registerHisCredentialCommands(program: Command): void {
  const group = program
    .command("his-credentials")
    .description("credentials of designated institutions on the hospital-facing interface: issue, rotate, revoke, list");
  group
    .command("issue <fixmedins_code>")
    .description("issue a credential to an institution; prints its access key and secret (once)")
    .option("--by <name>", "who issues (default $USER)")
    .option("--json", "print as JSON, the file `yibao his-sim --credentials` reads")
    .action((code: string, options: { by?: string; json?: boolean }) =>
      runCommand(async () => {
        const issued = await withDatabase((database) => issueCredential(new Services(database), code, by(options)));
        printIssued(issued, options.json);
      }),
    );
  group
    .command("rotate <access_key>")
    .description(`a new secret for an access key (printed once); the previous one still works for ${ROTATION_OVERLAP_MS / 3600_000} hours`)
    .option("--by <name>", "who rotates (default $USER)")
    .option("--json", "print as JSON, the file `yibao his-sim --credentials` reads")
    .action((key: string, options: { by?: string; json?: boolean }) =>
      runCommand(async () => {
        const rotated = await withDatabase((database) => rotateCredential(new Services(database), key, by(options)));
        printIssued(rotated, options.json);
        if (!options.json) process.stdout.write(`The previous secret is accepted until ${rotated.previous_valid_until ?? "-"}.\n`);
      }),
    );
  group
    .command("revoke <access_key>")
    .description("revoke an access key at once (its previous secret too)")
    .option("--by <name>", "who revokes (default $USER)")
    .action((key: string, options: { by?: string }) =>
      runCommand(async () => {
        const revoked = await withDatabase((database) => revokeCredential(new Services(database), key, by(options)));
        process.stdout.write(`${revoked.access_key} of ${revoked.fixmedins_code} revoked at ${revoked.revoked_at ?? ""}\n`);
      }),
    );
  group
    .command("list")
    .description("the credentials (without secrets), of one institution or all")
    .option("--fixmedins <code>", "one institution only")
    .action((options: { fixmedins?: string }) =>
      runCommand(async () => {
        const rows = await withDatabase((database) => listCredentials(new Services(database), options.fixmedins ? { fixmedins_code: options.fixmedins } : {}));
        for (const c of rows) {
          process.stdout.write(
            `${c.fixmedins_code}\t${c.access_key}\t${c.status}\tfingerprint ${c.fingerprint}\tissued ${c.issued_at} by ${c.issued_by}` +
              `${c.rotated_at ? `\trotated ${c.rotated_at} by ${c.rotated_by ?? ""}` : ""}${c.revoked_at ? `\trevoked ${c.revoked_at} by ${c.revoked_by ?? ""}` : ""}\n`,
          );
        }
      }),
    );
}
