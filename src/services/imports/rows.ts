import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { array, rowsOf } from "../common/sql.js";
import { CATALOGUE_COLUMNS, type CatalogueEntry, parseCatalogueEntry, regionCovers } from "../../domain/reference/index.js";
import { CATEGORIES, CATEGORY_NAMES, LEVELS, type Category, type Level } from "../../domain/codes.js";
import { DomainError } from "../../domain/errors.js";
import { parseDate, parseDateTime, parseRegionCode, parseResidentId, residentIdFacts } from "../../domain/ids.js";
import { parseYuan, type Fen } from "../../domain/money.js";
import type { Policy } from "../../domain/reference/index.js";
import type { Database, Db, Queryable } from "../../store/db.js";
import {
  emptySubsidyCounts, findDuplicatesFor, POPULATION_COLUMNS, populationSpec, recomputePersons, type SubsidyCounts,
} from "../enrollment/index.js";

import type { Fail, ImportSpec, SourceRow, Written } from "../common/importSpec.js";

export type { Fail, ImportSpec, SourceRow, Written } from "../common/importSpec.js";

/**
 * Bulk imports of the reference data a region hands over: insured persons, their assistance categories, designated
 * hospitals (定点医药机构) and the catalogue. Every row is validated with the domain's parsers; a bad row is reported
 * (row number, field, reason in Chinese and English) and the good rows are kept. Rows are upserted by their natural key
 * in batches, each batch one transaction, and a row whose stored values are already identical is left alone, so that
 * importing the same file twice changes nothing.
 *
 * Persons and categories feed the enrollment-subsidy rules (src/services/enrollment/enrollment.ts): in the same transaction as each
 * batch, the resident enrollments of the persons it touched get their initial contribution, or the adjustment a new
 * category owes.
 */

export type ImportKind = "persons" | "identities" | "fixmedins" | "catalogue" | "population";
export const IMPORT_KINDS: readonly ImportKind[] = ["persons", "identities", "fixmedins", "catalogue", "population"];

export const IMPORT_COLUMNS: Record<ImportKind, { required: readonly string[]; optional: readonly string[] }> = {
  persons: {
    required: ["certno", "psn_name", "gend", "brdy", "insutype", "insuplc_admdvs"],
    optional: ["tel", "emp_name", "balc", "household_id", "rural", "disability_level", "serious_illness", "household_income", "updt_time"],
  },
  identities: { required: ["certno", "psn_idet_type", "begntime", "endtime"], optional: [] },
  fixmedins: { required: ["fixmedins_code", "fixmedins_name", "medins_lv", "admdvs"], optional: [] },
  catalogue: { required: CATALOGUE_COLUMNS, optional: [] },
  population: POPULATION_COLUMNS,
};

/** One data row of a file: its row number in the file (the header is row 1) and its values keyed by column. */
export interface RejectedRow {
  row: number;
  field: string;
  reason: string;
}

export interface ImportCounts {
  /** Data rows read (blank rows are skipped and not counted). */
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Rows older than the facts on record, kept as they are (listed in `rejected` with the reason). */
  older: number;
  /** Rows refused; a row may have several entries in `rejected`, one per bad field. */
  rejectedRows: number;
}

export interface ImportResult extends ImportCounts {
  rejected: RejectedRow[];
  /** Contributions written for the enrollments the import touched (persons, identities and rosters). */
  subsidies?: SubsidyCounts;
}

export interface ImportOptions {
  /** Called after every batch with the counts so far. */
  onProgress?: (counts: ImportCounts) => void;
  /** Rows per statement and transaction (default 5,000). */
  batchSize?: number;
}

export interface PersonImportOptions extends ImportOptions {
  /** The enrollment year (default: the current calendar year). */
  year?: number;
  /**
   * Write the initial contributions of the resident enrollments (default yes). The demo turns it off to load the
   * categories first, so that its persons start with the subsidy they hold rather than an adjustment.
   */
  contributions?: boolean;
  /** The policies contributions are computed from (default: the shipped ones). */
  policies?: readonly Policy[];
  /**
   * When the file's facts hold from (an ISO instant), for rows without an updt_time (default: the time of the import).
   * A row older than the facts stored for its person is kept out.
   */
  asOf?: string;
}

export interface IdentityImportOptions extends ImportOptions {
  /** The policies the subsidies of the persons touched are recomputed with (default: the shipped ones). */
  policies?: readonly Policy[];
}

/** Rows given as plain records (no file): numbered as a file would be, the first record being row 2. */
export async function* numberedRows(
  records: Iterable<Record<string, string | undefined>> | AsyncIterable<Record<string, string | undefined>>,
): AsyncGenerator<SourceRow> {
  let row = 1;
  for await (const values of records) yield { row: ++row, values };
}

// ---------------------------------------------------------------------------------------------------------------------
// Reasons in Chinese and English

const ZH_RULES: readonly [RegExp, string][] = [
  [/check digit is wrong/, "身份证校验位错误"],
  [/must be 17 digits/, "身份证号码格式错误（17位数字加校验位）"],
  [/must be an 18-character/, "须为18位公民身份号码"],
  [/unknown province code/, "省级行政区划代码无效"],
  [/invalid birth date/, "身份证中的出生日期无效"],
  [/must be a date YYYY-MM-DD/, "日期格式错误，须为YYYY-MM-DD"],
  [/must be a time/, "时间格式错误，须为yyyy-MM-dd HH:mm:ss"],
  [/invalid time of day/, "时间无效"],
  [/must be a 6-digit region code/, "须为6位行政区划代码"],
  [/more than two decimals/, "金额最多两位小数"],
  [/must not be negative/, "金额不能为负数"],
  [/amount in yuan|finite amount/, "金额格式错误（单位元，最多两位小数）"],
  [/is too large/, "数值过大"],
  [/must be a catalogue code/, "医保目录编码格式错误"],
  [/must be 01, 02 or 03/, "收费项目等级须为01（甲类）、02（乙类）或03（丙类）"],
  [/must be 0 for class 01/, "甲类项目的自付比例须为0"],
  [/must be 0 or 1 for class 03/, "丙类项目的自付比例须为0或1（全自费）"],
  [/must be a ratio|more than six decimals|must not exceed 1/, "比例格式错误（0到1之间的小数）"],
  [/must be drug, service or material/, "目录类别须为drug、service或material"],
  [/must not be before begndate/, "终止日期早于开始日期"],
];

export function reasonOf(error: unknown): string {
  if (!(error instanceof DomainError)) throw error;
  const zh = ZH_RULES.find(([pattern]) => pattern.test(error.rule))?.[1] ?? "数据无效";
  return `${zh} / ${error.rule}`;
}

export const REQUIRED = "必填 / is required";

export const text = (value: string | undefined): string => (value ?? "").trim();

/** Runs a domain parser; a DomainError becomes a rejection of `field`, anything else is a bug and propagates. */
export function attempt<T>(fail: Fail, field: string, parse: () => T): T | undefined {
  try {
    return parse();
  } catch (error) {
    fail(field, reasonOf(error));
    return undefined;
  }
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function requiredText(values: SourceRow["values"], field: string, maxLength: number, fail: Fail): string | undefined {
  const value = text(values[field]);
  if (value === "") return void fail(field, REQUIRED);
  return checkedText(value, field, maxLength, fail);
}

function optionalText(values: SourceRow["values"], field: string, maxLength: number, fail: Fail): string | null {
  const value = text(values[field]);
  return value === "" ? null : (checkedText(value, field, maxLength, fail) ?? null);
}

function checkedText(value: string, field: string, maxLength: number, fail: Fail): string | undefined {
  if (value.length > maxLength) return void fail(field, `过长（最多${maxLength}个字符）/ is longer than ${maxLength} characters`);
  if (CONTROL.test(value)) return void fail(field, "含有换行等控制字符 / holds a line break or another control character");
  return value;
}

export function certnoOf(values: SourceRow["values"], fail: Fail): string | undefined {
  const raw = text(values.certno);
  if (raw === "") return void fail("certno", REQUIRED);
  if (/e\+?\d+$/i.test(raw)) {
    return void fail("certno", `身份证号被存为数字，已丢失末几位，请将该列设为文本 / was stored as a number and lost its last digits ("${raw}"): format the column as text`);
  }
  return attempt(fail, "certno", () => parseResidentId(raw, "certno"));
}

export function dateOf(values: SourceRow["values"], field: string, fail: Fail, required: boolean): string | null | undefined {
  const raw = text(values[field]);
  if (raw === "") {
    if (required) fail(field, REQUIRED);
    return required ? undefined : null;
  }
  // A national export may carry "yyyy-MM-dd HH:mm:ss"; the column is a date, so only a time at midnight is accepted.
  if (raw.length > 10) {
    const at = attempt(fail, field, () => parseDateTime(raw, field));
    if (at === undefined) return undefined;
    if (!at.endsWith(" 00:00:00")) return void fail(field, `须为日期，不带时刻 / must be a date without a time of day, got "${raw}"`);
    return at.slice(0, 10);
  }
  return attempt(fail, field, () => parseDate(raw, field));
}

// ---------------------------------------------------------------------------------------------------------------------
// The engine shared by the four kinds


const dbOf = (target: Database | Db): Db => ("kind" in target && "close" in target ? target.db : (target as Db));



/** Rows of a `RETURNING (xmax = 0) AS inserted`: an inserted row has no deleting transaction, an updated one has. */
export function countWritten(rows: { inserted: boolean | string }[]): Written {
  let inserted = 0;
  for (const r of rows) if (r.inserted === true || r.inserted === "t") inserted++;
  return { inserted, updated: rows.length - inserted };
}

export async function runImport<T>(target: Database | Db, spec: ImportSpec<T>, rows: AsyncIterable<SourceRow> | Iterable<SourceRow>, options: ImportOptions): Promise<ImportResult> {
  const db = dbOf(target);
  const batchSize = Math.max(1, Math.min(options.batchSize ?? 5000, 20_000));
  const result: ImportResult = { read: 0, inserted: 0, updated: 0, unchanged: 0, older: 0, rejectedRows: 0, rejected: [] };
  const seen = new Map<string, number>();
  const present = new Set<string>();
  let batch: { row: number; value: T }[] = [];
  let pending: Promise<void> | null = null;

  const counts = (): ImportCounts => ({
    read: result.read, inserted: result.inserted, updated: result.updated, unchanged: result.unchanged, older: result.older, rejectedRows: result.rejectedRows,
  });

  // Validating the next batch overlaps the database's work on this one (a server works in another process); a failure
  // is caught at once (an unawaited rejection would end the process) and thrown at the next flush.
  let failure: { error: unknown } | null = null;
  const settle = async (): Promise<void> => {
    if (pending) await pending;
    pending = null;
    if (failure) throw failure.error;
  };
  const flush = async (): Promise<void> => {
    const work = batch;
    batch = [];
    await settle();
    if (work.length === 0) return;
    const columns = new Set(present);
    pending = (async () => {
      const refused = new Set<number>();
      const kept = new Set<number>();
      const notes: RejectedRow[] = [];
      const written = await db.transaction((tx) =>
        spec.write(
          tx, work, columns,
          (row, field, reason) => {
            refused.add(row);
            notes.push({ row, field, reason });
          },
          (row, field, reason) => {
            kept.add(row);
            notes.push({ row, field, reason });
          },
        ),
      );
      // Noted only once the batch committed: a batch that failed and is imported again is not reported twice.
      result.rejected.push(...notes);
      result.inserted += written.inserted;
      result.updated += written.updated;
      result.rejectedRows += refused.size;
      result.older += kept.size;
      result.unchanged += work.length - refused.size - kept.size - written.inserted - written.updated;
      options.onProgress?.(counts());
    })().catch((error: unknown) => {
      failure = { error };
    });
  };

  try {
    for await (const source of rows) {
      const values = source.values;
      let blank = true;
      for (const key in values) {
        if (text(values[key]) !== "") {
          blank = false;
          break;
        }
      }
      if (blank && !source.problem) continue;
      result.read++;
      for (const key in values) if (values[key] !== undefined) present.add(key);
      let bad = false;
      const fail: Fail = (field, reason) => {
        bad = true;
        result.rejected.push({ row: source.row, field, reason });
      };
      if (source.problem) fail("(row)", source.problem);
      for (const key in values) {
        if (values[key]?.includes("\uFFFD")) fail(key, "含有无法识别的字符，文件须为UTF-8编码 / holds bytes that are not UTF-8: save the file as UTF-8");
      }
      const value = bad ? undefined : spec.parse(values, fail);
      if (bad || value === undefined) {
        result.rejectedRows++;
        continue;
      }
      const key = spec.key(value);
      const first = seen.get(key);
      if (first !== undefined) {
        fail(spec.keyField, `与第${first}行重复 / repeats the key of row ${first}`);
        result.rejectedRows++;
        continue;
      }
      seen.set(key, source.row);
      batch.push({ row: source.row, value });
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  } finally {
    // Whatever stopped the reading, the batch in flight finishes before the caller closes the database.
    if (pending) await pending;
  }
  await settle();
  options.onProgress?.(counts());
  result.rejected.sort((a, b) => a.row - b.row);
  return result;
}

// ---------------------------------------------------------------------------------------------------------------------
// Persons (参保人员) with their enrollment of the year

export interface PersonValue {
  psn_no: string;
  certno: string;
  psn_name: string;
  gend: "1" | "2";
  brdy: string;
  insutype: "310" | "390";
  insuplc_admdvs: string;
  tel: string | null;
  emp_name: string | null;
  balc_fen: Fen;
  household_id: string | null;
  /** Facts the enrollment-subsidy rules read. */
  rural: boolean;
  disability_level: number | null;
  serious_illness: boolean;
  /** Household per-capita annual income. */
  household_income_fen: Fen | null;
}

/** A person row of an import: the facts and when they hold from (an ISO instant). */
type DatedPerson = PersonValue & { facts_as_of: string };

/** The person number: the insured region and a digest of the ID number, so the same person gets it in every import. */
export function personNumber(insuplcAdmdvs: string, certno: string): string {
  return `${insuplcAdmdvs}${createHash("sha256").update(certno).digest("hex").slice(0, 14).toUpperCase()}`;
}

/** A yes/no column: 1 or 是 yes, 0 or 否 no, empty no. */
function flagOf(values: SourceRow["values"], field: string, fail: Fail): boolean | undefined {
  const value = text(values[field]);
  if (value === "" || value === "0" || value === "否") return false;
  if (value === "1" || value === "是") return true;
  return void fail(field, `须为1（是）或0（否）/ must be 1 or 是 (yes), 0 or 否 (no), got "${value}"`);
}

/** Disability grade 1–4 (一级 … 四级) or empty. */
function disabilityOf(values: SourceRow["values"], fail: Fail): number | null | undefined {
  const value = text(values.disability_level);
  if (value === "") return null;
  if (/^[1-4]$/.test(value)) return Number(value);
  return void fail("disability_level", `残疾等级须为1至4（1、2级为重度残疾）或留空 / must be 1 to 4 (1 and 2 are severe) or empty, got "${value}"`);
}

export function parsePersonRow(values: SourceRow["values"], fail: Fail): PersonValue | undefined {
  const certno = certnoOf(values, fail);
  const psnName = requiredText(values, "psn_name", 50, fail);
  const facts = certno ? residentIdFacts(certno) : undefined;

  const gend = text(values.gend);
  if (gend === "") fail("gend", REQUIRED);
  else if (gend !== "1" && gend !== "2") fail("gend", `性别须为1（男）或2（女）/ must be 1 (male) or 2 (female), got "${gend}"`);
  else if (facts && facts.gend !== gend) {
    fail("gend", `性别与身份证号不符 / is ${gend} but the ID number's sex digit says ${facts.gend}`);
  }

  const brdy = dateOf(values, "brdy", fail, true);
  if (brdy && facts && brdy !== facts.brdy) fail("brdy", `出生日期与身份证号不符 / is ${brdy} but the ID number says ${facts.brdy}`);

  const insutype = text(values.insutype);
  if (insutype === "") fail("insutype", REQUIRED);
  else if (insutype !== "310" && insutype !== "390") {
    fail("insutype", `险种须为310（职工基本医疗保险）或390（城乡居民基本医疗保险）/ must be 310 or 390, got "${insutype}"`);
  }

  const admdvs = text(values.insuplc_admdvs) === "" ? void fail("insuplc_admdvs", REQUIRED) : attempt(fail, "insuplc_admdvs", () => parseRegionCode(values.insuplc_admdvs, "insuplc_admdvs"));

  const tel = optionalText(values, "tel", 20, fail);
  if (tel !== null && !/^\+?\d[\d\- ]{2,19}$/.test(tel)) fail("tel", `电话号码格式错误 / is not a telephone number: "${tel}"`);
  const empName = optionalText(values, "emp_name", 200, fail);
  const householdId = optionalText(values, "household_id", 50, fail);

  const balcText = text(values.balc);
  const balc = balcText === "" ? (0 as Fen) : attempt(fail, "balc", () => parseYuan(balcText, "balc"));
  if (balc !== undefined && balc !== 0 && insutype === "390") {
    fail("balc", `城乡居民医保没有个人账户，余额须为0 / must be 0: resident insurance (390) has no personal account`);
  }

  const rural = flagOf(values, "rural", fail);
  const disability = disabilityOf(values, fail);
  const seriousIllness = flagOf(values, "serious_illness", fail);
  const incomeText = text(values.household_income);
  const income = incomeText === "" ? null : attempt(fail, "household_income", () => parseYuan(incomeText, "household_income"));

  if (!certno || !psnName || !facts || !brdy || !admdvs || balc === undefined || (insutype !== "310" && insutype !== "390")) return undefined;
  if (rural === undefined || disability === undefined || seriousIllness === undefined || income === undefined) return undefined;
  if (gend !== facts.gend || brdy !== facts.brdy) return undefined;
  return {
    psn_no: personNumber(admdvs, certno),
    certno,
    psn_name: psnName,
    gend: facts.gend,
    brdy,
    insutype,
    insuplc_admdvs: admdvs,
    tel,
    emp_name: empName,
    balc_fen: balc,
    household_id: householdId,
    rural,
    disability_level: disability,
    serious_illness: seriousIllness,
    household_income_fen: income,
  };
}

/** Optional columns and the person column each one fills; only the columns the file has are updated. */
const PERSON_OPTIONAL: readonly [string, keyof PersonValue][] = [
  ["tel", "tel"],
  ["emp_name", "emp_name"],
  ["balc", "balc_fen"],
  ["household_id", "household_id"],
  ["rural", "rural"],
  ["disability_level", "disability_level"],
  ["serious_illness", "serious_illness"],
  ["household_income", "household_income_fen"],
];

/** The type of each person column a file may update, for the batch's arrays. */
const PERSON_COLUMN_TYPES: Record<string, string> = {
  psn_name: "text", gend: "text", brdy: "date", insuplc_admdvs: "text", tel: "text", emp_name: "text", balc_fen: "bigint", household_id: "text",
  rural: "boolean", disability_level: "integer", serious_illness: "boolean", household_income_fen: "bigint",
};

/** A time "yyyy-MM-dd HH:mm:ss" of China (UTC+8, the time of every national interface) as an instant. */
export function chinaTimeToIso(time: string): string {
  return new Date(`${time.replace(" ", "T")}+08:00`).toISOString();
}

/**
 * A file's as-of time (`--as-of`, the upload's `as_of`): a date or "yyyy-MM-dd HH:mm:ss" in China time, not after
 * `now`; answers the instant (ISO).
 */
export function parseAsOf(value: string, field: string, now: Date = new Date()): string {
  const iso = chinaTimeToIso(parseDateTime(value, field));
  if (iso > now.toISOString()) throw new DomainError(field, `must not be later than now (the facts of a file cannot hold from a time to come), got "${value}"`);
  return iso;
}

/** An instant as China time "yyyy-MM-dd HH:mm:ss", for messages. */
export function isoToChinaTime(iso: string | Date): string {
  return new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace("T", " ");
}

/**
 * Persons are upserted by certno, with their facts dated: a row's updt_time, else the file's as-of time, else the time
 * of the import. A row older than the facts stored for its person is kept out whole (the person, and the enrollment it
 * would open) and named in the report; an equal or newer one is applied, and moves the stored date on even where the
 * facts are the same, so that a later, older file cannot undo a fact confirmed since.
 */
function personsSpec(year: number, options: PersonImportOptions, subsidies: SubsidyCounts): ImportSpec<DatedPerson> {
  const insuDate = `${year}-01-01`;
  const importedAt = new Date();
  const fileAsOf = options.asOf ?? importedAt.toISOString();
  return {
    keyField: "certno",
    key: (p) => p.certno,
    parse(values, fail) {
      const person = parsePersonRow(values, fail);
      const raw = text(values.updt_time);
      let asOf: string | undefined;
      if (raw !== "") {
        const at = attempt(fail, "updt_time", () => parseDateTime(raw, "updt_time"));
        if (at === undefined) return undefined;
        asOf = chinaTimeToIso(at);
        // A date to come would freeze the person's facts against every real update until then.
        if (asOf > importedAt.toISOString()) return void fail("updt_time", `晚于导入时间 / ${at} is later than the time of the import`);
      }
      return person && { ...person, facts_as_of: asOf ?? fileAsOf };
    },
    async write(tx, batch, present, _reject, keep) {
      const updated = ["psn_name", "gend", "brdy", "insuplc_admdvs", ...PERSON_OPTIONAL.filter(([c]) => present.has(c)).map(([, k]) => k)];
      // What is on record for the batch's persons: when their facts hold from, and whether this row would change them.
      const inputs = sql.join(
        [array(batch.map((b) => b.value.certno), "text"), array(batch.map((b) => b.value.facts_as_of), "timestamptz"),
          ...updated.map((c) => array(batch.map((b) => b.value[c as keyof DatedPerson]), PERSON_COLUMN_TYPES[c] ?? "text"))],
        sql`, `,
      );
      const names = sql.raw(["certno", "facts_as_of", ...updated].join(", "));
      const stored = new Map(
        (await rowsOf<{ certno: string; on_record: string | number | null; older: boolean | string; changed: boolean | string }>(tx, sql`
          select u.certno, (extract(epoch from p.facts_as_of) * 1000)::bigint as on_record, coalesce(p.facts_as_of > u.facts_as_of, false) as older,
            (${sql.raw(updated.map((c) => `p.${c}`).join(", "))}) is distinct from (${sql.raw(updated.map((c) => `u.${c}`).join(", "))}) as changed
          from unnest(${inputs}) as u(${names})
          cross join lateral (select * from persons p where p.certno = u.certno offset 0) p`)).map((r) => [r.certno, r]),
      );
      const applied: typeof batch = [];
      for (const b of batch) {
        const on = stored.get(b.value.certno);
        if (on && (on.older === true || on.older === "t") && on.on_record !== null) {
          const since = isoToChinaTime(new Date(Number(on.on_record)));
          keep(b.row, present.has("updt_time") ? "updt_time" : "as_of", `比档案中的信息旧（档案信息截至${since}），未采用 / older than the facts on record (as of ${since}), kept`);
        } else applied.push(b);
      }
      if (applied.length === 0) return { inserted: 0, updated: 0 };
      const col = <K extends keyof DatedPerson>(k: K) => applied.map((b) => b.value[k]);
      const set = sql.join([...updated.map((c) => sql.raw(`${c} = excluded.${c}`)), sql`facts_as_of = excluded.facts_as_of`], sql`, `);
      const mine = sql.raw(updated.map((c) => `persons.${c}`).join(", "));
      const theirs = sql.raw(updated.map((c) => `excluded.${c}`).join(", "));
      const people = await rowsOf<{ psn_no: string; certno: string; inserted: boolean | string }>(tx, sql`
        insert into persons (psn_no, certno, psn_name, gend, brdy, tel, emp_name, household_id, insuplc_admdvs, balc_fen,
          rural, disability_level, serious_illness, household_income_fen, facts_as_of)
        select * from unnest(${array(col("psn_no"), "text")}, ${array(col("certno"), "text")}, ${array(col("psn_name"), "text")},
          ${array(col("gend"), "text")}, ${array(col("brdy"), "date")}, ${array(col("tel"), "text")}, ${array(col("emp_name"), "text")},
          ${array(col("household_id"), "text")}, ${array(col("insuplc_admdvs"), "text")}, ${array(col("balc_fen"), "bigint")},
          ${array(col("rural"), "boolean")}, ${array(col("disability_level"), "integer")}, ${array(col("serious_illness"), "boolean")},
          ${array(col("household_income_fen"), "bigint")}, ${array(col("facts_as_of"), "timestamptz")})
        on conflict (certno) do update set ${set}
        where ((${mine}) is distinct from (${theirs}) or persons.facts_as_of is distinct from excluded.facts_as_of)
          and (persons.facts_as_of is null or persons.facts_as_of <= excluded.facts_as_of)
        returning psn_no, certno, (xmax = 0) as inserted`);
      // The enrollment of the year is created once; its status afterwards belongs to the enrollment services.
      const enrolled = await rowsOf<{ psn_no: string }>(tx, sql`
        insert into enrollments (psn_no, insutype, admdvs, year, status, psn_insu_date)
        select p.psn_no, i.insutype, i.admdvs, ${year}::integer, 'enrolled', ${insuDate}::date
        from unnest(${array(col("certno"), "text")}, ${array(col("insutype"), "text")}, ${array(col("insuplc_admdvs"), "text")}) as i(certno, insutype, admdvs)
        cross join lateral (select p.psn_no from persons p where p.certno = i.certno offset 0) p
        on conflict (psn_no, insutype, admdvs, year) do nothing
        returning psn_no`);
      // A row whose facts are the ones on record, only dated anew, changes nothing the rules read: it is unchanged.
      const changed = people.filter((p) => {
        const was = stored.get(p.certno)?.changed;
        return p.inserted === true || p.inserted === "t" || (was !== false && was !== "f");
      });
      const written = countWritten(changed);
      const touched = new Set(changed.map((p) => p.psn_no));
      for (const e of enrolled) {
        if (!touched.has(e.psn_no)) {
          touched.add(e.psn_no);
          written.updated++;
        }
      }
      // A new enrollment gets its initial contribution; a changed person (a fact the rules read) may be owed more.
      if (options.contributions !== false) await recomputePersons(tx, { psnNos: [...touched], years: [year] }, subsidies, options.policies);
      // A new enrollment may be the person's second of the year (another region or insurance type): a duplicate case.
      await findDuplicatesFor(tx, enrolled.map((e) => e.psn_no), year, "import");
      return written;
    },
  };
}

export async function importPersons(target: Database | Db, rows: AsyncIterable<SourceRow> | Iterable<SourceRow>, options: PersonImportOptions = {}): Promise<ImportResult> {
  const year = options.year ?? new Date().getFullYear();
  if (!Number.isInteger(year) || year < 1990 || year > 2100) throw new DomainError("year", `must be a calendar year such as 2024, got ${year}`);
  const subsidies = emptySubsidyCounts();
  const result = await runImport(target, personsSpec(year, options, subsidies), rows, options);
  return options.contributions === false ? result : { ...result, subsidies };
}

// ---------------------------------------------------------------------------------------------------------------------
// Identities: assistance categories (psn_idet_type) with their validity

export interface IdentityValue {
  certno: string;
  psn_idet_type: Category;
  begntime: string;
  endtime: string | null;
}

/** A category by its code or its Chinese name (特困人员 → destitute). */
export const CATEGORY_BY_NAME = new Map<string, Category>([
  ...CATEGORIES.map((c) => [c, c] as [string, Category]),
  ...CATEGORIES.map((c) => [CATEGORY_NAMES[c], c] as [string, Category]),
]);

export function parseIdentityRow(values: SourceRow["values"], fail: Fail): IdentityValue | undefined {
  const certno = certnoOf(values, fail);
  const given = text(values.psn_idet_type);
  const type = CATEGORY_BY_NAME.get(given);
  if (given === "") fail("psn_idet_type", REQUIRED);
  else if (type === undefined) {
    fail("psn_idet_type", `未知的人员身份类别 / is not a known category (${CATEGORIES.join(", ")} or their Chinese names), got "${given}"`);
  }
  const begntime = dateOf(values, "begntime", fail, true);
  const endtime = dateOf(values, "endtime", fail, false);
  if (begntime && endtime && endtime < begntime) {
    fail("endtime", `终止日期早于开始日期 / ${endtime} is before begntime ${begntime}`);
    return undefined;
  }
  if (!certno || !begntime || endtime === undefined || type === undefined) return undefined;
  return { certno, psn_idet_type: type, begntime, endtime };
}

export interface IdentityWriteOptions {
  /** Roster rows carry the person's name, which must match the insured person's. */
  checkName: boolean;
  /** Where the rows come from (a department's roster); null: the plain identities import, which leaves `source` alone. */
  sourceOf: ((value: IdentityValue) => string) | null;
  policies?: readonly Policy[] | undefined;
  /** Counts of the contributions written by the recompute, added to. */
  subsidies: SubsidyCounts;
  /** Only persons insured inside this region (a clerk's upload in the console); others are refused by row. */
  region?: string | undefined;
}

/**
 * Upserts a batch of categories by (person, category, begntime), refusing rows of unknown persons (or, for a roster, of
 * a name that is not the person's), then recomputes the subsidies of the persons whose categories changed, in the same
 * transaction: a category is never stored without the contributions it entitles to.
 */
export async function writeIdentities<T extends IdentityValue & { psn_name?: string }>(
  tx: Queryable,
  batch: readonly { row: number; value: T }[],
  reject: (row: number, field: string, reason: string) => void,
  options: IdentityWriteOptions,
): Promise<Written> {
  const certnos = [...new Set(batch.map((b) => b.value.certno))];
  const known = new Map(
    (await rowsOf<{ certno: string; psn_no: string; psn_name: string; insuplc_admdvs: string }>(tx, sql`
      select p.certno, p.psn_no, p.psn_name, p.insuplc_admdvs from unnest(${array(certnos, "text")}) as u(certno)
      cross join lateral (select certno, psn_no, psn_name, insuplc_admdvs from persons p where p.certno = u.certno offset 0) p`)).map((p) => [p.certno, p]),
  );
  const rows: { psn_no: string; value: T }[] = [];
  const region = options.region;
  for (const b of batch) {
    const person = known.get(b.value.certno);
    if (person === undefined) reject(b.row, "certno", "未找到该身份证号的参保人员，请先导入人员 / no insured person has this certno: import persons first");
    else if (region !== undefined && !regionCovers(region, person.insuplc_admdvs)) {
      reject(b.row, "certno", `该人员参保地为${person.insuplc_admdvs}，不在本地区${region} / the person is insured in ${person.insuplc_admdvs}, outside your region ${region}`);
    } else if (options.checkName && b.value.psn_name !== person.psn_name) {
      reject(b.row, "psn_name", "姓名与该身份证号的参保人员不符 / is not the name of the insured person with this certno");
    } else rows.push({ psn_no: person.psn_no, value: b.value });
  }
  if (rows.length === 0) return { inserted: 0, updated: 0 };
  const psnNos = array(rows.map((r) => r.psn_no), "text");
  const types = array(rows.map((r) => r.value.psn_idet_type), "text");
  const begins = array(rows.map((r) => r.value.begntime), "date");
  const ends = array(rows.map((r) => r.value.endtime), "date");
  const sourceOf = options.sourceOf;
  const changed = await rowsOf<{ psn_no: string; inserted: boolean }>(
    tx,
    sourceOf
      ? sql`
        insert into person_identities (psn_no, psn_idet_type, begntime, endtime, source)
        select * from unnest(${psnNos}, ${types}, ${begins}, ${ends}, ${array(rows.map((r) => sourceOf(r.value)), "text")})
        on conflict (psn_no, psn_idet_type, begntime) do update set endtime = excluded.endtime, source = excluded.source
        where (person_identities.endtime, person_identities.source) is distinct from (excluded.endtime, excluded.source)
        returning psn_no, (xmax = 0) as inserted`
      : sql`
        insert into person_identities (psn_no, psn_idet_type, begntime, endtime)
        select * from unnest(${psnNos}, ${types}, ${begins}, ${ends})
        on conflict (psn_no, psn_idet_type, begntime) do update set endtime = excluded.endtime
        where person_identities.endtime is distinct from excluded.endtime
        returning psn_no, (xmax = 0) as inserted`,
  );
  await recomputePersons(tx, { psnNos: [...new Set(changed.map((c) => c.psn_no))] }, options.subsidies, options.policies);
  return countWritten(changed);
}

function identitiesSpec(options: IdentityWriteOptions): ImportSpec<IdentityValue> {
  return {
    keyField: "certno",
    key: (i) => `${i.certno}|${i.psn_idet_type}|${i.begntime}`,
    parse: parseIdentityRow,
    write: (tx, batch, _present, reject) => writeIdentities(tx, batch, reject, options),
  };
}

export async function importIdentities(target: Database | Db, rows: AsyncIterable<SourceRow> | Iterable<SourceRow>, options: IdentityImportOptions = {}): Promise<ImportResult> {
  const subsidies = emptySubsidyCounts();
  const result = await runImport(target, identitiesSpec({ checkName: false, sourceOf: null, policies: options.policies, subsidies }), rows, options);
  return { ...result, subsidies };
}

// ---------------------------------------------------------------------------------------------------------------------
// Designated medical institutions (定点医药机构)

export interface FixmedinsValue {
  fixmedins_code: string;
  fixmedins_name: string;
  medins_lv: Level;
  admdvs: string;
}

export function parseFixmedinsRow(values: SourceRow["values"], fail: Fail): FixmedinsValue | undefined {
  const code = text(values.fixmedins_code).toUpperCase();
  // msgid is fixmedins_code (12) + time (14) + sequence (4): the national code has exactly 12 characters.
  if (code === "") fail("fixmedins_code", REQUIRED);
  else if (!/^[A-Z0-9]{12}$/.test(code)) {
    fail("fixmedins_code", `定点医药机构编码须为12位字母或数字 / must be 12 letters or digits (e.g. H45100000001), got "${code}"`);
  }
  const name = requiredText(values, "fixmedins_name", 200, fail);
  const level = text(values.medins_lv);
  if (level === "") fail("medins_lv", REQUIRED);
  else if (!(LEVELS as readonly string[]).includes(level)) fail("medins_lv", `医院等级须为1、2或3 / must be 1, 2 or 3, got "${level}"`);
  const admdvs = text(values.admdvs) === "" ? void fail("admdvs", REQUIRED) : attempt(fail, "admdvs", () => parseRegionCode(values.admdvs, "admdvs"));
  if (!/^[A-Z0-9]{12}$/.test(code) || !name || !admdvs || !(LEVELS as readonly string[]).includes(level)) return undefined;
  return { fixmedins_code: code, fixmedins_name: name, medins_lv: level as Level, admdvs };
}

const fixmedinsSpec: ImportSpec<FixmedinsValue> = {
  keyField: "fixmedins_code",
  key: (f) => f.fixmedins_code,
  parse: parseFixmedinsRow,
  async write(tx, batch) {
    const col = <K extends keyof FixmedinsValue>(k: K) => array(batch.map((b) => b.value[k]), "text");
    return countWritten(
      await rowsOf<{ inserted: boolean }>(tx, sql`
        insert into fixmedins (fixmedins_code, fixmedins_name, medins_lv, admdvs)
        select * from unnest(${col("fixmedins_code")}, ${col("fixmedins_name")}, ${col("medins_lv")}, ${col("admdvs")})
        on conflict (fixmedins_code) do update
          set fixmedins_name = excluded.fixmedins_name, medins_lv = excluded.medins_lv, admdvs = excluded.admdvs
        where (fixmedins.fixmedins_name, fixmedins.medins_lv, fixmedins.admdvs)
          is distinct from (excluded.fixmedins_name, excluded.medins_lv, excluded.admdvs)
        returning (xmax = 0) as inserted`),
    );
  },
};

export function importFixmedins(target: Database | Db, rows: AsyncIterable<SourceRow> | Iterable<SourceRow>, options: ImportOptions = {}): Promise<ImportResult> {
  return runImport(target, fixmedinsSpec, rows, options);
}

// ---------------------------------------------------------------------------------------------------------------------
// The catalogue (医保目录)

const CATALOGUE_REQUIRED = ["med_list_codg", "admdvs", "chrgitm_lv"] as const;

export function parseCatalogueRow(values: SourceRow["values"], fail: Fail): CatalogueEntry | undefined {
  // The catalogue's parser stops at the first bad field; checking the required ones first names every missing one.
  let missing = false;
  for (const field of CATALOGUE_REQUIRED) {
    if (text(values[field]) === "") {
      fail(field, REQUIRED);
      missing = true;
    }
  }
  if (missing) return undefined;
  try {
    return parseCatalogueEntry(values as Record<string, unknown>);
  } catch (error) {
    fail(error instanceof DomainError ? error.field : "(row)", reasonOf(error));
    return undefined;
  }
}

const catalogueSpec: ImportSpec<CatalogueEntry> = {
  keyField: "med_list_codg",
  key: (e) => `${e.admdvs}|${e.med_list_codg}|${e.begndate}`,
  parse: parseCatalogueRow,
  async write(tx, batch) {
    const e = batch.map((b) => b.value);
    // The rows written get a time later than any the regions' rows hold: a HIS that copied up to a second (1312's
    // updt_time) never misses a change made within that same second.
    const regions = [...new Set(e.map((x) => x.admdvs))];
    const [stamp] = await rowsOf<{ t: string }>(tx, sql`
      select to_char(greatest(date_trunc('second', now() at time zone 'Asia/Shanghai'), max(updt_time) + interval '1 second'), 'YYYY-MM-DD HH24:MI:SS') as t
      from catalogue_entries where admdvs = any(${array(regions, "text")})`);
    const updt = stamp?.t ?? null;
    return countWritten(
      await rowsOf<{ inserted: boolean }>(tx, sql`
        insert into catalogue_entries as c
          (admdvs, med_list_codg, med_list_name, chrgitm_lv, selfpay_prop_ppm, pric_uplmt_amt_fen, list_type, begndate, enddate, updt_time)
        select *, ${updt}::timestamp from unnest(${array(e.map((x) => x.admdvs), "text")}, ${array(e.map((x) => x.med_list_codg), "text")},
          ${array(e.map((x) => x.med_list_name), "text")}, ${array(e.map((x) => x.chrgitm_lv), "text")},
          ${array(e.map((x) => x.selfpay_prop), "integer")}, ${array(e.map((x) => x.pric_uplmt_amt), "bigint")},
          ${array(e.map((x) => x.list_type), "text")}, ${array(e.map((x) => x.begndate), "date")}, ${array(e.map((x) => x.enddate), "date")})
        on conflict (admdvs, med_list_codg, begndate) do update
          set med_list_name = excluded.med_list_name, chrgitm_lv = excluded.chrgitm_lv, selfpay_prop_ppm = excluded.selfpay_prop_ppm,
              pric_uplmt_amt_fen = excluded.pric_uplmt_amt_fen, list_type = excluded.list_type, enddate = excluded.enddate,
              updt_time = excluded.updt_time
        where (c.med_list_name, c.chrgitm_lv, c.selfpay_prop_ppm, c.pric_uplmt_amt_fen, c.list_type, c.enddate)
          is distinct from (excluded.med_list_name, excluded.chrgitm_lv, excluded.selfpay_prop_ppm, excluded.pric_uplmt_amt_fen,
            excluded.list_type, excluded.enddate)
        returning (xmax = 0) as inserted`),
    );
  },
};

export function importCatalogue(target: Database | Db, rows: AsyncIterable<SourceRow> | Iterable<SourceRow>, options: ImportOptions = {}): Promise<ImportResult> {
  return runImport(target, catalogueSpec, rows, options);
}

export function importRows(kind: ImportKind, target: Database | Db, rows: AsyncIterable<SourceRow> | Iterable<SourceRow>, options: PersonImportOptions = {}): Promise<ImportResult> {
  switch (kind) {
    case "persons":
      return importPersons(target, rows, options);
    case "identities":
      return importIdentities(target, rows, options);
    case "fixmedins":
      return importFixmedins(target, rows, options);
    case "catalogue":
      return importCatalogue(target, rows, options);
    case "population":
      return runImport(target, populationSpec, rows, options);
  }
}
