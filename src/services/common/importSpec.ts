/**
 * What an import is made of, apart from the running of it (imports.ts): a source row, and the spec of a kind of row —
 * how it is parsed, keyed and written. A kind defined in its own module (population.ts) needs only this, so that
 * imports.ts may import the kinds without a circle.
 */
import type { Queryable } from "../../store/db.js";

export interface SourceRow {
  row: number;
  values: Readonly<Record<string, string | undefined>>;
  /** A problem of the row as a whole found while reading it (e.g. more fields than the header has). */
  problem?: string;
}

/** Refuses the row for one field, saying why. */
export type Fail = (field: string, reason: string) => void;

export interface Written {
  inserted: number;
  updated: number;
}

export interface ImportSpec<T> {
  /** Validates a row; returns undefined when `fail` was called. */
  parse(values: SourceRow["values"], fail: Fail): T | undefined;
  /** The natural key, to refuse a second row of the same key in one file. */
  key(value: T): string;
  keyField: string;
  /**
   * Upserts a batch inside a transaction; may refuse rows that the database shows to be bad, or keep what is stored
   * where a row is older than the facts on record (`keep`: the row is listed in the report, not counted as refused).
   */
  write(
    tx: Queryable, batch: { row: number; value: T }[], present: ReadonlySet<string>, reject: (row: number, field: string, reason: string) => void,
    keep: (row: number, field: string, reason: string) => void,
  ): Promise<Written>;
}
