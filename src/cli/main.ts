#!/usr/bin/env node
import { Command } from "commander";
import { registerSettleCommands } from "./settle.js";

const program = new Command();
program
  .name("yibao")
  .description("Yibao (医保): multi-tier medical security platform")
  .showHelpAfterError();

registerSettleCommands(program);

await program.parseAsync(process.argv);
