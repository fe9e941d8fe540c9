import { defuseFormula } from "./spreadsheet.js";

/**
 * RFC 4180 CSV: fields separated by commas, optionally quoted with "", quotes doubled inside. Line ends \n or \r\n.
 * A leading UTF-8 byte-order mark is dropped. Incremental, so that imports of millions of rows stream.
 */
export class CsvParser {
  private field = "";
  private row: string[] = [];
  private inQuotes = false;
  private quotePending = false;
  private started = false;

  /** Feeds a chunk; returns the rows completed by it. */
  push(chunk: string): string[][] {
    const rows: string[][] = [];
    let text = chunk;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    for (let i = 0; i < text.length; i++) {
      const ch = text[i] as string;
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (ch === '"') {
            this.field += '"';
            continue;
          }
          this.inQuotes = false;
        } else if (ch === '"') {
          this.quotePending = true;
          continue;
        } else {
          this.field += ch;
          continue;
        }
      }
      if (ch === '"' && this.field === "") this.inQuotes = true;
      else if (ch === ",") this.endField();
      else if (ch === "\n") this.endRow(rows);
      else if (ch !== "\r") this.field += ch;
    }
    return rows;
  }

  /** Ends the input; returns the last row if it had no line end. */
  end(): string[][] {
    const rows: string[][] = [];
    if (this.quotePending) {
      this.quotePending = false;
      this.inQuotes = false;
    }
    if (this.field !== "" || this.row.length > 0) this.endRow(rows);
    return rows;
  }

  private endField(): void {
    this.row.push(this.field);
    this.field = "";
  }

  private endRow(rows: string[][]): void {
    this.endField();
    const row = this.row;
    this.row = [];
    if (row.length === 1 && row[0] === "") return; // a blank line
    rows.push(row);
  }
}

export function parseCsv(text: string): string[][] {
  const parser = new CsvParser();
  return [...parser.push(text), ...parser.end()];
}

/** Rows as records keyed by the header (trimmed); the header is the first row. */
export function csvRecords(text: string): { header: string[]; records: Record<string, string>[] } {
  const [header = [], ...rows] = parseCsv(text);
  const names = header.map((h) => h.trim());
  return { header: names, records: rows.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i] ?? ""]))) };
}

/** One CSV field: quoted when it must be, and a text that a spreadsheet would run as a formula defused (spreadsheet.ts). */
export function csvField(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? "" : typeof value === "number" ? String(value) : defuseFormula(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
