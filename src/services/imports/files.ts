import { createReadStream, statSync, writeFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { Transform, type Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import ExcelJS from "exceljs";
import { DomainError } from "../../domain/errors.js";
import { csvField, CsvParser } from "../../lib/csv.js";
import { formatYuan, type Fen } from "../../domain/money.js";
import type { Database } from "../../store/db.js";
import { IMPORT_COLUMNS, importRows, type ImportCounts, type ImportKind, type ImportResult, type RejectedRow, type SourceRow } from "./rows.js";
import { importRoster, ROSTER_COLUMNS, type RosterSource } from "./rosters.js";
import { importSupplementary, SUPPLEMENTARY_COLUMNS } from "./supplementary.js";
import { MATCHING_COLUMNS } from "./matching.js";
import type { Policy } from "../../domain/reference/index.js";

/**
 * Import files: CSV (UTF-8, an optional byte-order mark) or Excel .xlsx (the first sheet), the first row the header.
 * Both are streamed, so a file of millions of rows never sits in memory. Row numbers are the file's: the header is row 1.
 */

/**
 * What a file can hold: the reference-data kinds, category rosters from the departments (src/services/imports/rosters.ts),
 * and the rosters of the supplementary tiers (惠民保 from the insurer, a charity's families: supplementary.ts).
 */
export type FileKind = ImportKind | "roster" | "supplementary" | "matching";
export const FILE_COLUMNS: Record<FileKind, { required: readonly string[]; optional: readonly string[] }> = {
  ...IMPORT_COLUMNS, roster: ROSTER_COLUMNS, supplementary: SUPPLEMENTARY_COLUMNS, matching: MATCHING_COLUMNS,
};

export interface ImportSource {
  path: string;
  format: "csv" | "xlsx";
  /** Column names as found (trimmed, lower-cased). */
  header: string[];
  /** The file's size in bytes and how many have been read so far (for a progress bar). */
  size: number;
  bytesRead(): number;
  rows: AsyncIterable<SourceRow>;
  /** Stops reading early (after an error). */
  close(): void;
}

interface RawRow {
  row: number;
  fields: string[];
}

/** Counts the bytes that pass, for progress. */
function byteCounter(): { stream: Transform; count: () => number } {
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  return { stream, count: () => bytes };
}

/**
 * CSV rows with the line each starts on. Lines are fed to the parser one at a time; a row that ends on line L and holds
 * k line breaks inside quoted fields started on line L − k.
 */
async function* csvRows(input: Readable): AsyncGenerator<RawRow> {
  const parser = new CsvParser();
  const decoder = new StringDecoder("utf8");
  let line = 0;
  let rest = "";
  const numbered = (rows: string[][]): RawRow[] =>
    rows.map((fields) => {
      let breaks = 0;
      for (const f of fields) for (let i = f.indexOf("\n"); i !== -1; i = f.indexOf("\n", i + 1)) breaks++;
      return { row: line - breaks, fields };
    });
  for await (const chunk of input) {
    const textChunk = rest + decoder.write(chunk as Buffer);
    let start = 0;
    for (let nl = textChunk.indexOf("\n"); nl !== -1; nl = textChunk.indexOf("\n", start)) {
      line++;
      const rows = parser.push(textChunk.slice(start, nl + 1));
      if (rows.length > 0) yield* numbered(rows);
      start = nl + 1;
    }
    rest = textChunk.slice(start);
  }
  rest += decoder.end();
  if (rest !== "") {
    line++;
    yield* numbered(parser.push(rest));
  }
  yield* numbered(parser.end());
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/**
 * A cell as text. Dates become YYYY-MM-DD (with the time when it is not midnight); an integer too large to be exact (an
 * 18-digit ID number typed into a number cell) keeps its exponent form, so that it is refused rather than read wrong.
 */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return Number.isInteger(value) && !Number.isSafeInteger(value) ? value.toExponential() : String(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return "";
    const date = `${pad(value.getUTCFullYear(), 4)}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
    const h = value.getUTCHours();
    const m = value.getUTCMinutes();
    const s = value.getUTCSeconds();
    return h === 0 && m === 0 && s === 0 ? date : `${date} ${pad(h)}:${pad(m)}:${pad(s)}`;
  }
  if (typeof value === "object") {
    const v = value as { richText?: { text: string }[]; result?: unknown; formula?: string; sharedFormula?: string; text?: unknown; error?: string };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join("");
    if ("result" in v || v.formula !== undefined || v.sharedFormula !== undefined) return cellText(v.result);
    if (v.text !== undefined) return cellText(v.text);
    if (v.error !== undefined) return String(v.error);
  }
  return String(value);
}

async function* xlsxRows(input: Readable): AsyncGenerator<RawRow> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    worksheets: "emit",
    sharedStrings: "cache",
    styles: "cache", // number formats tell dates from numbers
    hyperlinks: "ignore",
    entries: "emit",
  });
  for await (const sheet of workbook) {
    for await (const row of sheet) {
      const values = row.values as unknown[];
      const fields: string[] = [];
      for (let c = 1; c < values.length; c++) fields.push(cellText(values[c]));
      yield { row: row.number, fields };
    }
    break; // the first sheet only
  }
}

function formatOf(path: string): "csv" | "xlsx" {
  const ext = extname(path).toLowerCase();
  if (ext === ".xlsx") return "xlsx";
  if (ext === ".xls") throw new DomainError(path, "旧版Excel（.xls）不支持，请另存为.xlsx或CSV / .xls is not supported: save as .xlsx or CSV (UTF-8)");
  return "csv";
}

/** Opens an import file and reads its header; a missing required column is an error naming it (nothing is imported). */
export async function openImportSource(path: string, kind: FileKind): Promise<ImportSource> {
  const format = formatOf(path);
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new DomainError(path, "不是文件 / is not a file");
    size = stat.size;
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw new DomainError(path, `无法读取文件 / cannot be read: ${(error as Error).message}`);
  }
  const open = () => {
    const file = createReadStream(path);
    const counter = byteCounter();
    file.on("error", (error) => counter.stream.destroy(error));
    const input = file.pipe(counter.stream);
    const close = () => {
      file.destroy();
      counter.stream.destroy();
    };
    return { counter, close, raw: (format === "csv" ? csvRows(input) : xlsxRows(input))[Symbol.asyncIterator]() };
  };

  // exceljs's streaming reader now and then loses the zip's last entry (xl/workbook.xml when exceljs wrote the file) and
  // fails before the first row with "reading 'sheets'": about 1 read in 100. Nothing has been read then; read again.
  let opened = open();
  let first: IteratorResult<RawRow>;
  for (let attempt = 1; ; attempt++) {
    try {
      do first = await opened.raw.next();
      while (!first.done && first.value.fields.every((f) => f.trim() === ""));
      break;
    } catch (error) {
      opened.close();
      const message = (error as Error).message;
      if (format === "xlsx" && attempt < 5 && /reading 'sheets'/.test(message)) {
        opened = open();
        continue;
      }
      if (format === "xlsx") throw new DomainError(path, `不是有效的.xlsx文件 / is not a readable .xlsx workbook: ${message}`);
      throw new DomainError(path, `无法读取文件 / cannot be read: ${message}`);
    }
  }
  const { counter, close, raw } = opened;
  if (first.done) {
    close();
    throw new DomainError(path, "文件为空，缺少表头 / is empty: the first row must be the header");
  }
  const header = first.value.fields.map((h) => h.trim().toLowerCase());
  const headerRow = first.value.row;
  const { required, optional } = FILE_COLUMNS[kind];
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    close();
    throw new DomainError(
      path,
      `表头缺少必需的列 ${missing.join(", ")} / the header (row ${headerRow}) lacks the required column${missing.length > 1 ? "s" : ""} ${missing.join(", ")}` +
        ` (${kind} needs ${required.join(", ")}${optional.length > 0 ? `; optional ${optional.join(", ")}` : ""})`,
    );
  }
  const repeated = header.filter((h, i) => h !== "" && header.indexOf(h) !== i);
  if (repeated.length > 0) {
    close();
    throw new DomainError(path, `表头有重复的列 ${repeated.join(", ")} / the header repeats the column ${repeated.join(", ")}`);
  }
  const known = new Set([...required, ...optional]);
  const columns = header.map((h, i) => ({ name: h, index: i })).filter((c) => known.has(c.name));

  async function* rows(): AsyncGenerator<SourceRow> {
    try {
      for (let next = await raw.next(); !next.done; next = await raw.next()) {
        const { row, fields } = next.value;
        const values: Record<string, string> = {};
        for (const c of columns) values[c.name] = fields[c.index] ?? "";
        // A field beyond the header is usually an unquoted comma inside a name, which shifts every later field.
        let last = fields.length;
        while (last > header.length && (fields[last - 1] ?? "").trim() === "") last--;
        const problem = last > header.length
          ? `字段数（${last}）多于表头列数（${header.length}），含逗号的内容须加引号 / has ${last} fields but the header has ${header.length}: quote values that hold commas`
          : undefined;
        yield problem ? { row, values, problem } : { row, values };
      }
    } finally {
      close();
    }
  }

  return { path, format, header, size, bytesRead: counter.count, rows: rows(), close };
}

/** An uploaded file opened as an import source, in a temporary folder of its own that `discard` removes. */
export interface OpenedUpload {
  source: ImportSource;
  /** The folder holding the file; a report may be written beside it. */
  dir: string;
  discard(): Promise<void>;
}

/**
 * The bytes of an upload (the REST API's raw body) opened as the CLI opens a file — streamed, header checked — so that
 * an upload and a file import are the same import. A file that cannot be opened is refused naming `body`, and leaves
 * nothing behind.
 */
export async function openUpload(body: Buffer, format: "csv" | "xlsx", kind: FileKind): Promise<OpenedUpload> {
  const dir = await mkdtemp(join(tmpdir(), `yibao-${kind}-`));
  const discard = () => rm(dir, { recursive: true, force: true });
  const path = join(dir, `upload.${format}`);
  try {
    await writeFile(path, body);
    return { source: await openImportSource(path, kind), dir, discard };
  } catch (error) {
    await discard();
    if (error instanceof DomainError && error.field === path) throw new DomainError("body", error.rule);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------------------

export interface ImportFileOptions {
  /** Where the report goes (default: beside the input, <input>.report.csv). */
  reportPath?: string;
  /** The enrollment year of imported persons (default: the current year). */
  year?: number;
  /** The department a roster comes from, where the file has no `source` column (or to check it). */
  source?: RosterSource;
  /** Only persons insured inside this region may be named by a roster's rows (uploads in the console). */
  region?: string;
  /** The policies a supplementary roster's tiers are looked up in (default: the shipped ones). */
  policies?: readonly Policy[];
  /** When the facts of a persons file hold from (ISO instant), where a row has no updt_time; default the import's time. */
  asOf?: string;
  batchSize?: number;
  /** Called after every batch with the counts and the share of the file read (0 to 1). */
  onProgress?: (counts: ImportCounts, fraction: number) => void;
}

export interface ImportFileResult {
  kind: FileKind;
  path: string;
  result: ImportResult;
  reportPath: string;
  seconds: number;
  rowsPerSecond: number;
}

export function defaultReportPath(path: string): string {
  return `${path}.report.csv`;
}

/** The report: one line per refused field (row, field, reason), always written, so an old report never lingers. */
export function writeReport(path: string, rejected: readonly RejectedRow[]): void {
  const lines = ["row,field,reason", ...rejected.map((r) => `${r.row},${csvField(r.field)},${csvField(r.reason)}`)];
  // The byte-order mark lets Excel open the Chinese reasons as UTF-8.
  writeFileSync(path, `\uFEFF${lines.join("\r\n")}\r\n`);
}

/** Imports one file of `kind` into the database; the source must have been opened (and its header checked) already. */
export async function importSource(database: Database, kind: FileKind, source: ImportSource, options: ImportFileOptions = {}): Promise<ImportFileResult> {
  const reportPath = options.reportPath ?? defaultReportPath(source.path);
  // An unwritable report path is found before anything is imported (and an old report is cleared).
  try {
    writeReport(reportPath, []);
  } catch (error) {
    source.close();
    throw new DomainError(reportPath, `无法写入报告文件 / the report cannot be written: ${(error as Error).message}`);
  }
  // A hospital's matching names its hospital: importMatchingRows (src/services/imports/matching.ts) imports it.
  if (kind === "matching") throw new DomainError("kind", "a matching file is imported for one hospital: yibao matching import --hospital CODE FILE");
  const started = process.hrtime.bigint();
  let result: ImportResult;
  try {
    const common = {
      ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
      onProgress: (counts: ImportCounts) => options.onProgress?.(counts, source.size > 0 ? Math.min(1, source.bytesRead() / source.size) : 1),
    };
    result =
      kind === "roster"
        ? await importRoster(database, source.rows, { ...common, ...(options.source !== undefined ? { source: options.source } : {}), region: options.region })
        : kind === "supplementary"
          ? await importSupplementary(database, source.rows, { ...common, region: options.region, ...(options.policies !== undefined ? { policies: options.policies } : {}) })
          : await importRows(kind, database, source.rows, {
              ...common, ...(options.year !== undefined ? { year: options.year } : {}), ...(options.asOf !== undefined ? { asOf: options.asOf } : {}),
            });
  } finally {
    source.close();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  writeReport(reportPath, result.rejected);
  return { kind, path: source.path, result, reportPath, seconds, rowsPerSecond: seconds > 0 ? Math.round(result.read / seconds) : result.read };
}

export async function importFile(database: Database, kind: FileKind, path: string, options: ImportFileOptions = {}): Promise<ImportFileResult> {
  return importSource(database, kind, await openImportSource(path, kind), options);
}

export function importSummary(r: ImportFileResult): string {
  const { read, inserted, updated, unchanged, older, rejectedRows, subsidies } = r.result;
  const contributions =
    subsidies && (subsidies.initial > 0 || subsidies.adjustments > 0)
      ? `; contributions: ${subsidies.initial} initial, ${subsidies.adjustments} adjustments (${formatYuan(subsidies.adjustment_fen as Fen)} yuan refunded or credited)`
      : "";
  return (
    `${r.kind}: read ${read}, inserted ${inserted}, updated ${updated}, unchanged ${unchanged}` +
    `${older > 0 ? `, older than the facts on record (kept) ${older}` : ""}, rejected ${rejectedRows}` +
    ` in ${r.seconds.toFixed(1)} s (${r.rowsPerSecond} rows/s)${contributions}; report ${r.reportPath}`
  );
}
