import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { interfaceDocument } from "../gateway/his/conformance.js";
import { fromRoot } from "../lib/paths.js";
import { runCommand } from "./common/io.js";

export const INTERFACE_DOC = fromRoot("docs", "interface.md");

export function registerDocsCommands(program: Command): void {
  const group = program.command("docs").description("documents generated from the code");
  group
    .command("interface")
    .description("docs/interface.md: the hospital interface's conformance table, from the schemas (--check: fail if it is stale)")
    .option("--check", "do not write; exit 1 if the committed file differs from what the schemas give")
    .action((options: { check?: boolean }) =>
      runCommand(async () => {
        const text = interfaceDocument();
        if (options.check) {
          let committed = "";
          try {
            committed = readFileSync(INTERFACE_DOC, "utf8");
          } catch {
            // A missing file is a stale one.
          }
          if (committed !== text) {
            process.stderr.write("yibao: docs/interface.md is stale: run `npm run yibao -- docs interface`\n");
            process.exitCode = 1;
          }
          return;
        }
        writeFileSync(INTERFACE_DOC, text);
        process.stdout.write(`wrote ${INTERFACE_DOC}\n`);
      }),
    );
}
