/**
 * Subsidized enrollment end to end on the database (PGlite, or PostgreSQL with YIBAO_TEST_DB=postgres): the persons import
 * with the facts the rules read, initial contributions, category rosters from the departments with their report,
 * "当月参保、次月资助" adjustments, recompute, the register, and the command line.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "../src/domain/errors.js";
import { residentIdFacts } from "../src/domain/ids.js";
import { formatContributions, formatRegisterTable } from "../src/cli/enrollment/enrollment.js";
import { syntheticResidentId } from "../src/services/demo/demo.js";
import { contributionsOf, recomputeSubsidies, subsidyRegister } from "../src/services/enrollment/enrollment.js";
import { importFile } from "../src/services/imports/files.js";
import { importPersons, numberedRows, personNumber } from "../src/services/imports/rows.js";
import { rowsOf } from "../src/services/common/sql.js";
import { importRoster } from "../src/services/imports/rosters.js";
import type { Database } from "../src/store/db.js";
import { openTestDatabase } from "./support/db.js";

let database: Database;
let dir: string;

beforeAll(async () => {
  database = await openTestDatabase();
  dir = mkdtempSync(join(tmpdir(), "yibao-enrollment-"));
});

afterAll(async () => {
  await database?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const query = <T>(text: string) => rowsOf<T>(database.db, sql.raw(text));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const yuan = (text: string) => Math.round(Number(text) * 100);

interface Someone {
  certno: string;
  name: string;
  brdy: string;
  gend: string;
  insutype: "310" | "390";
  psn_no: string;
}
function someone(county: string, birth: string, sequence: number, name: string, insutype: "310" | "390" = "390"): Someone {
  const certno = syntheticResidentId(county, birth, sequence);
  const facts = residentIdFacts(certno);
  return { certno, name, brdy: facts.brdy, gend: facts.gend, insutype, psn_no: personNumber("451000", certno) };
}

// Residents of Baise, paying on 2022-01-01 (the persons import's enrollment date).
const A = someone("451002", "19800101", 11, "农志强"); // destitute from 2022-01-01: valid when paying, recorded late
const B = someone("451002", "19810203", 12, "黄秀英"); // minimum living from 2022-05-01: months 5–12
const C = someone("451003", "19820304", 13, "韦建华"); // minimum living from 2022-05-15: months 6–12
const D = someone("451022", "19620101", 14, "陆桂兰"); // low income, 60 on 1 January 2022
const E = someone("451022", "19620102", 15, "罗明"); // low income, 59 on 1 January 2022: no subsidy
const F = someone("451024", "19750505", 17, "梁文", "310"); // an employee: no contribution rows
const G = someone("451026", "19900606", 18, "覃玉梅"); // lifted: 0
const H = someone("451027", "19700707", 19, "岑德"); // monitored from 2022-03-01: months 3–12
const I = someone("451028", "19880808", 20, "凌春燕"); // low income and seriously ill (persons file)
const PEOPLE = [A, B, C, D, E, F, G, H, I];

const PERSONS_HEADER = "certno,psn_name,gend,brdy,insutype,insuplc_admdvs,rural,disability_level,serious_illness,household_income";
const personLine = (p: Someone, facts = "1,,0,3600") => `${p.certno},${p.name},${p.gend},${p.brdy},${p.insutype},451000,${facts}`;

const bad = (n: number) => someone("451029", "19910101", 30 + n, `错${n}`);

describe("the persons import with the facts the subsidy rules read", () => {
  it("validates rural, disability_level, serious_illness and household_income strictly, naming row and field", async () => {
    const path = file(
      "persons.csv",
      [
        PERSONS_HEADER,
        ...PEOPLE.map((p) => (p === I ? personLine(p, "是,,是,2400.5") : p === F ? personLine(p, "0,,0,") : personLine(p))), // rows 2–10
        personLine(bad(1), "2,,0,100"), // 11: rural must be 0/1/是/否
        personLine(bad(2), "1,,yes,100"), // 12: serious_illness
        personLine(bad(3), "1,5,0,100"), // 13: disability 1–4
        personLine(bad(4), "1,重度,0,100"), // 14: disability as words
        personLine(bad(5), "1,,0,-5"), // 15: negative income
        personLine(bad(6), "1,,0,1.234"), // 16: three decimals
      ].join("\n"),
    );
    const { result } = await importFile(database, "persons", path, { year: 2022 });
    expect(result).toMatchObject({ read: 15, inserted: 9, rejectedRows: 6 });
    expect(result.rejected.map((r) => [r.row, r.field])).toEqual([
      [11, "rural"],
      [12, "serious_illness"],
      [13, "disability_level"],
      [14, "disability_level"],
      [15, "household_income"],
      [16, "household_income"],
    ]);
    expect(result.rejected[0]?.reason).toBe('须为1（是）或0（否）/ must be 1 or 是 (yes), 0 or 否 (no), got "2"');
    expect(result.rejected[2]?.reason).toMatch(/^残疾等级须为1至4（1、2级为重度残疾）或留空/);
    expect(result.rejected[4]?.reason).toMatch(/^金额不能为负数 \//);
    expect(result.rejected[5]?.reason).toMatch(/^金额最多两位小数 \//);
    const [i] = await query<{ rural: boolean; disability_level: number | null; serious_illness: boolean; household_income_fen: string | number }>(
      `select rural, disability_level, serious_illness, household_income_fen from persons where certno = '${I.certno}'`,
    );
    expect({ ...i, household_income_fen: Number(i?.household_income_fen) }).toEqual({ rural: true, disability_level: null, serious_illness: true, household_income_fen: 240_050 });
    const [f] = await query<{ rural: boolean; household_income_fen: unknown }>(`select rural, household_income_fen from persons where certno = '${F.certno}'`);
    expect(f).toEqual({ rural: false, household_income_fen: null });
  });

  it("writes an initial contribution for every resident enrollment, none for employees", async () => {
    const rows = await query<{ psn_no: string; kind: string; individual_fen: string; person_paid_fen: string; assistance_subsidy_fen: string; fiscal_subsidy_fen: string }>(
      "select psn_no, kind, individual_fen, person_paid_fen, assistance_subsidy_fen, fiscal_subsidy_fen from contributions order by id",
    );
    expect(rows).toHaveLength(8);
    expect(rows.map((r) => r.psn_no).sort()).toEqual(PEOPLE.filter((p) => p !== F).map((p) => p.psn_no).sort());
    for (const r of rows) {
      expect([r.kind, Number(r.individual_fen), Number(r.person_paid_fen), Number(r.assistance_subsidy_fen), Number(r.fiscal_subsidy_fen)]).toEqual([
        "initial", 35_000, 35_000, 0, 61_000,
      ]);
    }
    const employee = await contributionsOf(database, F.psn_no);
    expect(employee.enrollments[0]).toMatchObject({ insutype: "310", contributions: [], note: "职工基本医疗保险由单位和个人按工资缴费，不在资助参保中记录" });
  });

  it("changes nothing when the same file is imported again", async () => {
    const again = await importFile(database, "persons", join(dir, "persons.csv"), { year: 2022 });
    expect(again.result).toMatchObject({ inserted: 0, updated: 0, unchanged: 9, subsidies: { initial: 0, adjustments: 0 } });
    expect(await query("select id from contributions")).toHaveLength(8);
  });
});

const ROSTER_HEADER = "certno,psn_name,psn_idet_type,begntime,endtime";

describe("category rosters", () => {
  it("imports a civil-affairs roster: good rows stored and subsidies recomputed, bad rows reported", async () => {
    const stranger = syntheticResidentId("451030", "19600101", 41);
    const path = file(
      "civil.csv",
      [
        ROSTER_HEADER,
        `${A.certno},${A.name},destitute,2022-01-01,`, // 2
        `${B.certno},${B.name},低保对象,2022-05-01,2022-12-31`, // 3: the Chinese name
        `${C.certno},${C.name},minimum_living,2022-05-15,`, // 4
        `${D.certno},${D.name},low_income,2022-01-01,2022-12-31`, // 5
        `${E.certno},${E.name},low_income,2022-01-01,2022-12-31`, // 6
        `${F.certno},${F.name},minimum_living,2022-01-01,2022-12-31`, // 7: an employee: the category, no contribution
        `${I.certno},${I.name},low_income,2021-01-01,`, // 8
        `${G.certno},农玉梅,minimum_living,2022-01-01,`, // 9: not the person's name
        `${stranger},陌生人,destitute,2022-01-01,`, // 10: nobody insured
        `${H.certno},${H.name},monitored,2022-03-01,`, // 11: monitored is decided by rural revitalisation
        `${H.certno},${H.name},poor,2022-03-01,`, // 12: unknown category
        `${H.certno},,destitute,2022-03-01,`, // 13: no name
        `${H.certno},${H.name},destitute,2022-03-01,2022-02-01`, // 14: ends before it begins
      ].join("\n"),
    );
    const { result, reportPath } = await importFile(database, "roster", path, { source: "civil_affairs" });
    expect(result).toMatchObject({ read: 13, inserted: 7, updated: 0, unchanged: 0, rejectedRows: 6 });
    expect(result.rejected.map((r) => [r.row, r.field])).toEqual([
      [9, "psn_name"],
      [10, "certno"],
      [11, "psn_idet_type"],
      [12, "psn_idet_type"],
      [13, "psn_name"],
      [14, "endtime"],
    ]);
    expect(result.rejected[0]?.reason).toBe("姓名与该身份证号的参保人员不符 / is not the name of the insured person with this certno");
    expect(result.rejected[2]?.reason).toMatch(/^该身份类别不由民政部门认定（由乡村振兴部门认定）\/ monitored is not decided by civil_affairs/);
    expect(readFileSync(reportPath, "utf8")).toContain("姓名与该身份证号的参保人员不符");
    // A 350, B 140, C 122.50, D 210, I 210: five adjustments, 1,032.50 yuan.
    expect(result.subsidies).toMatchObject({ initial: 0, adjustments: 5, adjustment_fen: yuan("1032.50") });
    const sources = await query<{ source: string; n: number | string }>("select source, count(*) as n from person_identities group by source");
    expect(sources.map((s) => [s.source, Number(s.n)])).toEqual([["civil_affairs", 7]]);
  });

  it("a person who gains a category after paying is subsidized from the next month, refunded or credited", async () => {
    const adjustment = async (p: Someone) =>
      (await contributionsOf(database, p.psn_no)).enrollments[0]?.contributions.find((c) => c.kind === "adjustment");
    expect(await adjustment(B)).toMatchObject({
      assistance_subsidy_fen: yuan("140"), person_paid_fen: -yuan("140"), effective_month: 5, category: "minimum_living", subsidy_fund: "610100", subsidy_fund_name: "医疗救助基金",
    });
    expect(await adjustment(C)).toMatchObject({ assistance_subsidy_fen: yuan("122.50"), person_paid_fen: -yuan("122.50"), effective_month: 6 });
    expect((await adjustment(C))?.reason).toContain("2022-05-15起为低保对象（资助比例60%），在缴费日2022-01-01之后取得：当月参保、次月资助，自6月起资助");
    // Valid on the day of payment, recorded later: the whole share, from month 1.
    expect(await adjustment(A)).toMatchObject({ assistance_subsidy_fen: yuan("350"), effective_month: 1, category: "destitute" });
    expect(await adjustment(D)).toMatchObject({ assistance_subsidy_fen: yuan("210"), category: "low_income" });
    expect((await adjustment(D))?.reason).toContain("低保边缘家庭成员（1月1日年满60周岁，资助比例60%）");
    expect(await adjustment(I)).toMatchObject({ assistance_subsidy_fen: yuan("210"), category: "low_income" });
    expect(await adjustment(E)).toBeUndefined();
    const a = await contributionsOf(database, A.psn_no);
    expect(a.enrollments[0]?.totals).toEqual({ individual_fen: 35_000, person_paid_fen: 0, assistance_subsidy_fen: 35_000, fiscal_subsidy_fen: 61_000 });
  });

  it("imports a rural-revitalisation roster from .xlsx with a source column (code or Chinese name)", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("名单");
    sheet.addRow(["certno", "psn_name", "psn_idet_type", "begntime", "endtime", "source"]);
    sheet.addRow([H.certno, H.name, "防返贫监测对象", new Date(Date.UTC(2022, 2, 1)), null, "乡村振兴"]);
    sheet.addRow([G.certno, G.name, "lifted", "2022-01-01", "2022-12-31", "rural_revitalisation"]);
    sheet.addRow([G.certno, G.name, "destitute", "2022-01-01", "2022-12-31", "rural_revitalisation"]); // 4: not theirs to decide
    sheet.addRow([G.certno, G.name, "monitored", "2021-01-01", "2021-12-31", "township"]); // 5: unknown department
    sheet.getColumn(4).numFmt = "yyyy-mm-dd";
    const path = join(dir, "rural.xlsx");
    await workbook.xlsx.writeFile(path);
    const { result } = await importFile(database, "roster", path);
    expect(result).toMatchObject({ read: 4, inserted: 2, rejectedRows: 2, subsidies: { adjustments: 1, adjustment_fen: yuan("175") } });
    expect(result.rejected.map((r) => [r.row, r.field])).toEqual([[4, "psn_idet_type"], [5, "source"]]);
    const h = await contributionsOf(database, H.psn_no);
    expect(h.enrollments[0]?.contributions.map((c) => [c.kind, c.assistance_subsidy_fen, c.effective_month])).toEqual([["initial", 0, null], ["adjustment", yuan("175"), 3]]);
  });

  it("refuses a row whose source disagrees with the file's, and a roster with no department at all", async () => {
    const rows = [{ certno: G.certno, psn_name: G.name, psn_idet_type: "lifted", begntime: "2022-01-01", endtime: "2022-12-31", source: "rural_revitalisation" }];
    const r = await importRoster(database, numberedRows(rows), { source: "civil_affairs" });
    expect(r.rejected).toEqual([{ row: 2, field: "source", reason: expect.stringMatching(/^与--source指定的民政部门不一致/) }]);
    const none = await importRoster(database, numberedRows([{ ...rows[0], source: "" }]));
    expect(none.rejected).toEqual([{ row: 2, field: "source", reason: expect.stringMatching(/^须填写来源部门/) }]);
    await expect(importRoster(database, numberedRows(rows), { source: "tax_bureau" })).rejects.toThrow(DomainError);
  });

  it("a category ending mid-year claws nothing back; importing the same roster again changes nothing", async () => {
    const ended = file("civil-ended.csv", [ROSTER_HEADER, `${A.certno},${A.name},destitute,2022-01-01,2022-06-30`].join("\n"));
    const { result } = await importFile(database, "roster", ended, { source: "civil_affairs" });
    expect(result).toMatchObject({ updated: 1, subsidies: { adjustments: 0 } });
    expect((await contributionsOf(database, A.psn_no)).enrollments[0]?.totals.assistance_subsidy_fen).toBe(35_000);
    const again = await importFile(database, "roster", join(dir, "civil.csv"), { source: "civil_affairs" });
    // Row 2 (A, open end) sets the end back: an update, still no clawback and no new grant.
    expect(again.result).toMatchObject({ inserted: 0, updated: 1, unchanged: 6, rejectedRows: 6, subsidies: { initial: 0, adjustments: 0 } });
  });

  it("a second, higher category later in the year adds only its months", async () => {
    const more = file("civil-more.csv", [ROSTER_HEADER, `${B.certno},${B.name},destitute,2022-09-01,`].join("\n"));
    const { result } = await importFile(database, "roster", more, { source: "civil_affairs" });
    // 350 × (60% × 4 + 100% × 4) / 12 = 186.67; 140.00 granted → 46.67 from September.
    expect(result.subsidies).toMatchObject({ adjustments: 1, adjustment_fen: yuan("46.67") });
    const b = await contributionsOf(database, B.psn_no);
    expect(b.enrollments[0]?.contributions.map((c) => [c.kind, c.assistance_subsidy_fen, c.category, c.effective_month])).toEqual([
      ["initial", 0, null, null],
      ["adjustment", yuan("140"), "minimum_living", 5],
      ["adjustment", yuan("46.67"), "destitute", 9],
    ]);
  });
});

describe("recompute", () => {
  it("is idempotent: a second run over the year writes nothing", async () => {
    const before = await query<unknown>("select * from contributions order by id");
    const r = await recomputeSubsidies(database, { year: 2022, admdvs: "451000" });
    expect(r).toMatchObject({ year: 2022, admdvs: "451000", enrollments: 8, initial: 0, adjustments: 0, adjustment_fen: 0, without_policy: 0 });
    expect(await recomputeSubsidies(database, { year: 2022 })).toMatchObject({ initial: 0, adjustments: 0 });
    expect(await query<unknown>("select * from contributions order by id")).toEqual(before);
  });

  it("creates the initial row of enrollments that have none (once, even when two recomputes run at once)", async () => {
    const late = [someone("451031", "20100101", 51, "黎小宝"), someone("451031", "20100101", 53, "黎小明")];
    const r = await importPersons(
      database,
      numberedRows(late.map((p) => ({ certno: p.certno, psn_name: p.name, gend: p.gend, brdy: p.brdy, insutype: "390", insuplc_admdvs: "451000" }))),
      { year: 2022, contributions: false },
    );
    expect(r).toMatchObject({ inserted: 2 });
    expect(r.subsidies).toBeUndefined();
    await importRoster(database, numberedRows([{ certno: late[0]!.certno, psn_name: late[0]!.name, psn_idet_type: "orphan", begntime: "2021-01-01", endtime: "" }]), { source: "civil_affairs" });
    const [x, y] = await Promise.all([recomputeSubsidies(database, { year: 2022, admdvs: "451000" }), recomputeSubsidies(database, { year: 2022 }, { batchSize: 1 })]);
    expect((x?.initial ?? 0) + (y?.initial ?? 0)).toBe(1);
    const rows = await query<{ psn_no: string; kind: string; assistance_subsidy_fen: string }>(
      `select psn_no, kind, assistance_subsidy_fen from contributions where psn_no in ('${late[0]!.psn_no}', '${late[1]!.psn_no}') order by psn_no`,
    );
    // The orphan's row came with the roster (its recompute); the other's with the recompute.
    expect(rows.map((r) => [r.psn_no, r.kind, Number(r.assistance_subsidy_fen)]).sort()).toEqual(
      [[late[0]!.psn_no, "initial", 35_000], [late[1]!.psn_no, "initial", 0]].sort(),
    );
  });

  it("leaves regions without a policy alone and counts them; an ended enrollment is not recomputed", async () => {
    const beijing = someone("110101", "19800101", 61, "北京人");
    await importPersons(database, numberedRows([{ certno: beijing.certno, psn_name: beijing.name, gend: beijing.gend, brdy: beijing.brdy, insutype: "390", insuplc_admdvs: "110100" }]), { year: 2022 });
    expect(await recomputeSubsidies(database, { year: 2022 })).toMatchObject({ without_policy: 1, initial: 0 });
    expect((await contributionsOf(database, personNumber("110100", beijing.certno))).enrollments[0]?.note).toBe("参保地110100无2022年度及以前的政策，不计算缴费");
    await query(`update enrollments set status = 'ended', enddate = '2022-03-31' where psn_no = '${E.psn_no}'`);
    const r = await recomputeSubsidies(database, { year: 2022, admdvs: "451000" });
    expect(r.enrollments).toBe(9);
    await query(`update enrollments set status = 'enrolled', enddate = null where psn_no = '${E.psn_no}'`);
  });

  it("refuses bad input with a DomainError naming the field", async () => {
    await expect(recomputeSubsidies(database, { year: 12 })).rejects.toThrow(/^year:/);
    await expect(recomputeSubsidies(database, { year: 2022, admdvs: "4510" })).rejects.toThrow(/^admdvs:/);
    await expect(contributionsOf(database, "nobody")).rejects.toThrow(/^psn_no: no insured person nobody/);
  });
});

describe("the 资助参保 register", () => {
  it("lists who was subsidized, by which category, how much, paid by which fund, with totals", async () => {
    const r = await subsidyRegister(database, { year: 2022, admdvs: "451000" });
    const line = (p: Someone, category: string) => r.lines.find((l) => l.psn_no === p.psn_no && l.category === category);
    expect(line(A, "destitute")).toMatchObject({ psn_name: A.name, certno: A.certno, assistance_subsidy_fen: 35_000, share_ppm: 1_000_000, subsidy_fund: "610100", subsidy_fund_name: "医疗救助基金", from_month: 1, kinds: ["adjustment"] });
    expect(line(B, "minimum_living")).toMatchObject({ assistance_subsidy_fen: yuan("140"), from_month: 5 });
    expect(line(B, "destitute")).toMatchObject({ assistance_subsidy_fen: yuan("46.67"), from_month: 9 });
    expect(line(C, "minimum_living")).toMatchObject({ assistance_subsidy_fen: yuan("122.50"), from_month: 6 });
    // A 350 + B 186.67 + C 122.50 + D 210 + H 175 + I 210 + the orphan 350 = 1,604.17 yuan, 7 persons.
    expect(r.totals).toMatchObject({ persons: 7, assistance_subsidy_fen: yuan("1604.17") });
    expect(r.line_count).toBe(8);
    expect(r.totals.by_category.map((c) => [c.category, c.category_name, c.persons, c.assistance_subsidy_fen])).toEqual([
      ["destitute", "特困人员", 2, yuan("396.67")],
      ["low_income", "低保边缘家庭成员", 2, yuan("420")],
      ["minimum_living", "低保对象", 2, yuan("262.50")],
      ["monitored", "防返贫监测对象", 1, yuan("175")],
      ["orphan", "孤儿", 1, yuan("350")],
    ]);
    expect(r.totals.by_fund).toEqual([{ subsidy_fund: "610100", subsidy_fund_name: "医疗救助基金", persons: 7, assistance_subsidy_fen: yuan("1604.17") }]);
    // Ten resident enrollments: 3,500 yuan due, 6,100 fiscal, assistance 1,604.17, the persons the rest.
    expect(r.contributions).toEqual({
      enrollments: 10, individual_fen: yuan("3500"), person_paid_fen: yuan("1895.83"), assistance_subsidy_fen: yuan("1604.17"), fiscal_subsidy_fen: yuan("6100"),
    });
  });

  it("filters by category (code or Chinese name) and pages the lines, the totals covering everything", async () => {
    const r = await subsidyRegister(database, { year: 2022, admdvs: "451000", category: "低保对象", limit: 1 });
    expect(r.category).toBe("minimum_living");
    expect(r.lines).toHaveLength(1);
    expect(r.line_count).toBe(2);
    expect(r.totals).toMatchObject({ persons: 2, assistance_subsidy_fen: yuan("262.50") });
    const empty = await subsidyRegister(database, { year: 2021 });
    expect(empty).toMatchObject({ lines: [], line_count: 0, totals: { persons: 0, assistance_subsidy_fen: 0, by_category: [], by_fund: [] } });
    await expect(subsidyRegister(database, { year: 2022, category: "poor" })).rejects.toThrow(/^category:/);
    await expect(subsidyRegister(database, { year: 2022, limit: -1 })).rejects.toThrow(/^limit:/);
  });
});

describe("the command line", () => {
  const run = promisify(execFile);
  const yibao = (args: string[], env: Record<string, string>) =>
    run(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { env: { ...process.env, DATABASE_URL: "", ...env } }).then(
      (ok) => ({ code: 0, stdout: ok.stdout, stderr: ok.stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  it("refuses a roster without a department before opening the database (exit 2)", async () => {
    const path = file("no-source.csv", `${ROSTER_HEADER}\n${A.certno},${A.name},destitute,2022-01-01,\n`);
    const r = await yibao(["import", "roster", path], { YIBAO_DATA: join(dir, "never-created") });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--source: 名单没有source列/);
  });

  it("imports persons and a roster, recomputes and prints the register", async () => {
    const env = { YIBAO_DATA: join(dir, "cli-data") };
    expect((await yibao(["import", "persons", join(dir, "persons.csv"), "--year", "2022"], env)).stdout).toMatch(/contributions: 8 initial, 0 adjustments/);
    const roster = await yibao(["import", "roster", join(dir, "civil.csv"), "--source", "civil_affairs"], env);
    expect(roster.stdout).toMatch(/rejected 6 .*contributions: 0 initial, 5 adjustments \(1032\.50 yuan refunded or credited\)/);
    const recompute = await yibao(["enrollment", "recompute", "--year", "2022", "--admdvs", "451000"], env);
    expect(recompute.stdout).toMatch(/8 resident enrollments, 0 initial contributions, 0 adjustments/);
    const json = await yibao(["enrollment", "register", "--year", "2022", "--admdvs", "451000", "--format", "json"], env);
    const register = JSON.parse(json.stdout) as { totals: { persons: number; assistance_subsidy: number } };
    expect(register.totals).toMatchObject({ persons: 5, assistance_subsidy: 1032.5 });
    expect((await yibao(["enrollment", "register", "--year", "20x2"], env)).code).toBe(2);
  }, 180_000);

  it("formats the register and a person's contributions for the terminal", async () => {
    const table = formatRegisterTable(await subsidyRegister(database, { year: 2022, admdvs: "451000" }));
    expect(table).toContain("资助参保台账 Subsidized-enrollment register — 2022年度 451000");
    expect(table).toMatch(/合计 Total: 受资助 7 人，资助 1,604\.17 元/);
    expect(table).toMatch(/低保对象\s+60%\s+6月\s+122\.50\s+医疗救助基金/);
    const person = formatContributions(await contributionsOf(database, C.psn_no));
    expect(person).toContain("调整（自6月）：个人缴费标准 0.00，个人实缴 -122.50，医疗救助资助 122.50，财政补助 0.00");
  });
});
