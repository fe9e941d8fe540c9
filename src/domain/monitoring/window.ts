import { DomainError } from "../errors.js";
import { isValidDate } from "../ids.js";

/** The lookback window of a check: the `months` calendar months that end on the check date, both ends included. */
export interface LookbackWindow {
  /** First day inside the window (YYYY-MM-DD). */
  from: string;
  /** The check date, the last day inside (YYYY-MM-DD). */
  to: string;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * "近12个月" of a check on `date`: from the day after the same date `months` months earlier, to `date`. 2022-12-31 with
 * 12 months is 2022-01-01 … 2022-12-31 (the calendar year); a day a shorter month lacks falls back to its last day
 * (2024-02-29 − 12 months is 2023-02-28, so the window starts 2023-03-01), so a window never covers a day twice.
 */
export function lookbackWindow(date: string, months: number): LookbackWindow {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m || !isValidDate(Number(m[1]), Number(m[2]), Number(m[3]))) throw new DomainError("date", `must be a date YYYY-MM-DD, got ${JSON.stringify(date)}`);
  if (!Number.isInteger(months) || months < 1) throw new DomainError("lookback_months", `must be a whole number of months, at least 1, got ${months}`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const index = year * 12 + (month - 1) - months;
  const startYear = Math.floor(index / 12);
  const startMonth = (index % 12) + 1;
  const back = new Date(Date.UTC(startYear, startMonth - 1, Math.min(day, daysIn(startYear, startMonth))));
  back.setUTCDate(back.getUTCDate() + 1);
  return { from: `${pad(back.getUTCFullYear(), 4)}-${pad(back.getUTCMonth() + 1)}-${pad(back.getUTCDate())}`, to: date };
}

/** The calendar years a window touches, for the settlements index on (psn_no, year). */
export function windowYears(window: LookbackWindow): { first: number; last: number } {
  return { first: Number(window.from.slice(0, 4)), last: Number(window.to.slice(0, 4)) };
}

/** The day after `date`: settlement times are compared as `setl_time < next day` so the whole check date is inside. */
export function dayAfter(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
