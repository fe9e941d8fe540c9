import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { DomainError } from "../../domain/errors.js";
import { formatReportTable, reportToJson, runSimulation, SIMULATE_COLUMNS } from "../../services/settlement/index.js";
import { runCommand } from "../common/io.js";

const FORMATS = ["table", "json"] as const;

function readInput(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new DomainError(file, `cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export function registerSimulateCommands(program: Command): void {
  program
    .command("simulate")
    .description(
      "policy analysis: settle past encounters through the year under a base and an alternative policy and print the fund " +
        "impact per tier (basic, critical illness, large amount, assistance, total fund, personal share)",
    )
    .argument("<file>", `CSV of fee lines, one row per line with the encounter columns repeated: ${SIMULATE_COLUMNS.join(",")}`)
    .option("--base <policy>", "the base policy (required): a shipped policy id such as 451000-2022, or a YAML policy file")
    .option("--alt <policy>", "the alternative policy (required): a shipped policy id, or a YAML policy file")
    .option("--format <format>", `output: ${FORMATS.join(" or ")}`, "table")
    .action((file: string, options: { base?: string; alt?: string; format: string }) =>
      runCommand(async () => {
        if (!(FORMATS as readonly string[]).includes(options.format)) {
          throw new DomainError("--format", `must be ${FORMATS.join(" or ")}, got "${options.format}"`);
        }
        const report = runSimulation({ base: options.base, alt: options.alt, csv: readInput(file), source: file });
        process.stdout.write(options.format === "json" ? `${JSON.stringify(reportToJson(report), null, 2)}\n` : formatReportTable(report));
      }),
    );
}
