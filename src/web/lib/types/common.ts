/** Shapes shared by many answers of /api/v1. Money is yuan (a number with at most two decimals); dates are YYYY-MM-DD. */

export type Yuan = number;
/** YYYY-MM-DD */
export type IsoDate = string;
/** An ISO 8601 date-time. */
export type IsoDateTime = string;

export interface Paged<T> {
  items: T[];
  page: number;
  page_size: number;
  /** Rows matching, all pages. */
  total: number;
}

export interface PageQuery {
  page?: number;
  page_size?: number;
}

/** The body of every error answer. */
export interface ApiErrorBody {
  code: string;
  field?: string | null;
  message: string;
}

export type Category =
  | "destitute"
  | "orphan"
  | "de_facto_orphan"
  | "minimum_living"
  | "low_income"
  | "monitored"
  | "lifted"
  | "illness_impoverished";

export const CATEGORIES: readonly Category[] = [
  "destitute", "orphan", "de_facto_orphan", "minimum_living", "low_income", "monitored", "lifted", "illness_impoverished",
];
