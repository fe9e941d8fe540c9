#!/usr/bin/env node
import { Command } from "commander";
import { registerServeCommands } from "./serve.js";
import { registerSettleCommands } from "./settle.js";
import { registerImportCommands } from "./import.js";
import { registerHisSimCommands } from "./hisSim.js";
import { registerSimulateCommands } from "./simulate.js";
import { registerEnrollmentCommands } from "./enrollment.js";
import { registerDuplicateCommands } from "./duplicates.js";
import { registerReportCommands } from "./report.js";
import { registerUserCommands } from "./users.js";
import { registerHisCredentialCommands } from "./hisCredentials.js";
import { registerDocsCommands } from "./docs.js";

const program = new Command();
program
  .name("yibao")
  .description("Yibao (医保): multi-tier medical security platform")
  .showHelpAfterError();

registerServeCommands(program);
registerSettleCommands(program);
registerImportCommands(program);
registerHisSimCommands(program);
registerSimulateCommands(program);
registerEnrollmentCommands(program);
registerDuplicateCommands(program);
registerReportCommands(program);
registerUserCommands(program);
registerHisCredentialCommands(program);
registerDocsCommands(program);

await program.parseAsync(process.argv);
