#!/usr/bin/env node
import { Command } from "commander";
import { registerServeCommands } from "./serve.js";
import { registerSettleCommands, registerSimulateCommands } from "./settlement/index.js";
import { registerImportCommands } from "./imports/index.js";
import { registerHisSimCommands } from "./hisSim.js";
import { registerDuplicateCommands, registerEnrollmentCommands } from "./enrollment/index.js";
import { registerReportCommands } from "./reports/index.js";
import { registerHisCredentialCommands, registerUserCommands } from "./identity/index.js";
import { registerDocsCommands } from "./docs.js";
import { registerAssistanceCommands } from "./assistance/index.js";
import { registerMonitorCommands } from "./monitoring/index.js";
import { registerCatalogueCommands, registerMatchingCommands } from "./reference/index.js";

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
registerAssistanceCommands(program);
registerUserCommands(program);
registerHisCredentialCommands(program);
registerDocsCommands(program);
registerMonitorCommands(program);
registerCatalogueCommands(program);
registerMatchingCommands(program);

await program.parseAsync(process.argv);
