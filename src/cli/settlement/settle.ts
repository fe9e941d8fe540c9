import type { Command } from "commander";
import { runCalculator } from "../../services/settlement/index.js";
import { parseJson, readStdin, runCommand } from "../common/io.js";

export function registerSettleCommands(program: Command): void {
  program
    .command("settle")
    .description("settle one person's encounters through a year: a JSON document on standard input, a JSON array out")
    .action(() =>
      runCommand(async () => {
        const output = runCalculator(parseJson(await readStdin(), "standard input"));
        process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
      }),
    );
}
