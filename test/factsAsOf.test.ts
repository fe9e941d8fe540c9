import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "../src/domain/errors.js";
import { fromRoot } from "../src/lib/paths.js";
import { syntheticResidentId } from "../src/services/demo/demo.js";
import { importFile } from "../src/services/imports/files.js";
import { importPersons, numberedRows, parseAsOf } from "../src/services/imports/rows.js";
import { rowsOf } from "../src/services/common/sql.js";
import type { Database } from "../src/store/db.js";
import { openTestDatabase } from "./support/db.js";

/**
 * Facts are dated: re-importing an older persons file never moves a person back (their region, their name…); the rows
 * older than the facts on record are kept out and named in the report.
 */

let database: Database;
let dir: string;
beforeAll(async () => {
  database = await openTestDatabase();
  dir = mkdtempSync(join(tmpdir(), "yibao-facts-"));
});
afterAll(async () => {
  await database?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const moved = syntheticResidentId("110101", "19800101", 11);
const stays = syntheticResidentId("110101", "19800101", 13);
const HEADER = "certno,psn_name,gend,brdy,insutype,insuplc_admdvs";

const personOf = async (certno: string) =>
  (await rowsOf<{ insuplc_admdvs: string; psn_name: string; as_of: string }>(database.db, sql`
    select insuplc_admdvs, psn_name, to_char(facts_as_of at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') as as_of from persons where certno = ${certno}`))[0];
const enrollmentsOf = async (certno: string) =>
  (await rowsOf<{ admdvs: string }>(database.db, sql`select e.admdvs from enrollments e join persons p on p.psn_no = e.psn_no where p.certno = ${certno} order by e.admdvs`)).map((e) => e.admdvs);

describe("facts dated by the row's updt_time", () => {
  it("imports the newer file, then the older one: the region stays, the report names the older row and says why", async () => {
    const newer = join(dir, "newer.csv");
    writeFileSync(newer, [`${HEADER},updt_time`, `${moved},王新,1,1980-01-01,310,110105,2024-06-01 10:00:00`, `${stays},李甲,1,1980-01-01,310,110101,2024-06-01`].join("\n"));
    const first = await importFile(database, "persons", newer, { year: 2024 });
    expect(first.result).toMatchObject({ read: 2, inserted: 2, older: 0, rejectedRows: 0 });
    // China time 10:00 is 02:00 UTC.
    expect(await personOf(moved)).toEqual({ insuplc_admdvs: "110105", psn_name: "王新", as_of: "2024-06-01 02:00:00" });

    // The file of January, sent again in December: the moved person's row is older; the other row, as new, applies.
    const older = join(dir, "older.csv");
    writeFileSync(older, [`${HEADER},updt_time`, `${moved},王旧,1,1980-01-01,310,110101,2024-01-15`, `${stays},李乙,1,1980-01-01,310,110101,2024-06-01 00:00:00`].join("\n"));
    const second = await importFile(database, "persons", older, { year: 2024 });
    expect(second.result).toMatchObject({ read: 2, inserted: 0, updated: 1, unchanged: 0, older: 1, rejectedRows: 0 });
    expect(second.result.rejected).toEqual([
      { row: 2, field: "updt_time", reason: "比档案中的信息旧（档案信息截至2024-06-01 10:00:00），未采用 / older than the facts on record (as of 2024-06-01 10:00:00), kept" },
    ]);
    expect(await personOf(moved)).toEqual({ insuplc_admdvs: "110105", psn_name: "王新", as_of: "2024-06-01 02:00:00" });
    // The older row opens no enrollment in the region the person has left.
    expect(await enrollmentsOf(moved)).toEqual(["110105"]);
    expect((await personOf(stays))?.psn_name).toBe("李乙");
    // The report file lists the row with the reason.
    expect(readFileSync(second.reportPath, "utf8")).toContain(`2,updt_time,"比档案中的信息旧`);
  });

  it("a newer row with the same facts moves the date on, so that a file older than it but newer than the first cannot undo them", async () => {
    const certno = syntheticResidentId("110101", "19800101", 15);
    const at = (region: string, time: string) => numberedRows([{ certno, psn_name: "赵", gend: "1", brdy: "1980-01-01", insutype: "310", insuplc_admdvs: region, updt_time: time }]);
    expect(await importPersons(database, at("110105", "2024-01-01"), { year: 2024 })).toMatchObject({ inserted: 1 });
    // March confirms January's region: unchanged, but now dated March.
    expect(await importPersons(database, at("110105", "2024-03-01"), { year: 2024 })).toMatchObject({ inserted: 0, updated: 0, unchanged: 1, older: 0 });
    // A February file saying 110101 is older than March's confirmation: kept out.
    const february = await importPersons(database, at("110101", "2024-02-01"), { year: 2024 });
    expect(february).toMatchObject({ updated: 0, older: 1 });
    expect((await personOf(certno))?.insuplc_admdvs).toBe("110105");
    // The same date applies (a correction of the same day).
    expect(await importPersons(database, at("110101", "2024-03-01"), { year: 2024 })).toMatchObject({ updated: 1, older: 0 });
    expect((await personOf(certno))?.insuplc_admdvs).toBe("110101");
  });

  it("refuses an updt_time that is not a time, or is later than the import", async () => {
    const certno = syntheticResidentId("110101", "19800101", 17);
    const r = await importPersons(database, numberedRows([
      { certno, psn_name: "钱", gend: "1", brdy: "1980-01-01", insutype: "310", insuplc_admdvs: "110101", updt_time: "2024/01/01" },
      { certno: syntheticResidentId("110101", "19800101", 19), psn_name: "孙", gend: "1", brdy: "1980-01-01", insutype: "310", insuplc_admdvs: "110101", updt_time: "2999-01-01" },
    ]), { year: 2024 });
    expect(r).toMatchObject({ read: 2, inserted: 0, rejectedRows: 2 });
    expect(r.rejected.map((x) => [x.row, x.field])).toEqual([[2, "updt_time"], [3, "updt_time"]]);
    expect(r.rejected[1]?.reason).toContain("later than the time of the import");
  });
});

describe("the example file", () => {
  it("examples/persons-451000.csv imports whole: two rows dated by updt_time, one by the time of the import", async () => {
    const r = await importFile(database, "persons", fromRoot("examples", "persons-451000.csv"), { year: 2024, reportPath: join(dir, "example.report.csv") });
    expect(r.result).toMatchObject({ read: 3, inserted: 3, older: 0, rejectedRows: 0 });
    expect((await personOf("45100219650312131X"))?.as_of).toBe("2024-03-01 01:00:00");
    expect((await personOf("451002198809201426"))?.as_of).toBe("2024-02-29 16:00:00");
  });
});

describe("facts dated by the file (--as-of, the upload's as_of), else by the time of the import", () => {
  it("keeps out a file as of a time before the facts on record; an undated import is as of its own time, and applies", async () => {
    const certno = syntheticResidentId("110101", "19800101", 21);
    const row = (region: string) => numberedRows([{ certno, psn_name: "周", gend: "1", brdy: "1980-01-01", insutype: "310", insuplc_admdvs: region }]);
    expect(await importPersons(database, row("110105"), { year: 2024, asOf: parseAsOf("2024-05-01", "--as-of") })).toMatchObject({ inserted: 1 });
    const old = await importPersons(database, row("110101"), { year: 2024, asOf: parseAsOf("2024-04-30 23:59:59", "--as-of") });
    expect(old).toMatchObject({ older: 1, updated: 0 });
    expect(old.rejected).toEqual([{ row: 2, field: "as_of", reason: expect.stringContaining("as of 2024-05-01 00:00:00") }]);
    expect((await personOf(certno))?.insuplc_admdvs).toBe("110105");
    // No date given: the facts hold from now, later than May.
    expect(await importPersons(database, row("110101"), { year: 2024 })).toMatchObject({ updated: 1, older: 0 });
    expect((await personOf(certno))?.insuplc_admdvs).toBe("110101");
    // After that, an undated re-import of the same facts changes nothing.
    expect(await importPersons(database, row("110101"), { year: 2024 })).toMatchObject({ updated: 0, unchanged: 1, older: 0 });
  });

  it("yibao import persons --as-of: a time to come exits 2 naming the option, before the database is opened", async () => {
    const path = join(dir, "cli.csv");
    writeFileSync(path, `${HEADER}\n${moved},王新,1,1980-01-01,310,110105\n`);
    const failed = await promisify(execFile)(process.execPath, ["--import", "tsx", "src/cli/main.ts", "import", "persons", path, "--as-of", "2999-01-01"], {
      env: { ...process.env, YIBAO_DATA: join(dir, "never-created"), DATABASE_URL: "" },
    }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toMatch(/--as-of.*must not be later than now/);
    expect(existsSync(join(dir, "never-created"))).toBe(false);
  });

  it("parses --as-of as China time and refuses one to come", () => {
    expect(parseAsOf("2024-05-01", "--as-of")).toBe("2024-04-30T16:00:00.000Z");
    expect(parseAsOf("2024-05-01 08:30:00", "--as-of")).toBe("2024-05-01T00:30:00.000Z");
    expect(() => parseAsOf("2024-13-01", "--as-of")).toThrow(DomainError);
    expect(() => parseAsOf("2999-01-01", "--as-of")).toThrow(/must not be later than now/);
  });
});
