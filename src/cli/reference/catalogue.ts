import type { Command } from "commander";
import { DomainError } from "../../domain/errors.js";
import { parseDateTime, parseRegionCode } from "../../domain/ids.js";
import { CATALOGUE_FILE_COLUMNS, catalogueFileLine } from "../../gateway/his/handlers/reference/index.js";
import { catalogueFileRows, hasCatalogue } from "../../services/reference/index.js";
import { runCommand, withDatabase } from "../common/io.js";

/**
 * `yibao catalogue export`: a region's catalogue as a HIS downloads it (the lines of a 1301… file, every list type), with
 * a header of the column names: what an operator compares with a hospital's copy.
 */
export function registerCatalogueCommands(program: Command): void {
  const group = program.command("catalogue").description("the catalogues (医保目录) as the hospitals' interface answers them");
  group
    .command("export")
    .description("write a region's catalogue to standard output, tab-separated, as the catalogue files (1301…) hold it")
    .requiredOption("--region <admdvs>", "the treating region (6 digits)")
    .option("--since <time>", "only the rows changed after this time (yyyy-MM-dd HH:mm:ss), as 1312's updt_time")
    .action((o: { region: string; since?: string }) =>
      runCommand(async () => {
        const region = parseRegionCode(o.region, "--region");
        const since = o.since === undefined ? undefined : parseDateTime(o.since, "--since");
        await withDatabase(async (database) => {
          if (!(await hasCatalogue(database.db, region))) throw new DomainError("--region", `区划 ${region} 无医保目录 / no catalogue for region ${region}`);
          process.stdout.write(`${CATALOGUE_FILE_COLUMNS.join("\t")}\n`);
          // Every row: the file's bound of rows per version does not apply to an export.
          let after = since;
          for (;;) {
            const rows = await catalogueFileRows(database.db, { admdvs: region }, after);
            if (rows.length === 0) break;
            for (const r of rows) process.stdout.write(`${catalogueFileLine(r)}\n`);
            after = rows.at(-1)?.updt_time;
          }
        });
      }),
    );
}
