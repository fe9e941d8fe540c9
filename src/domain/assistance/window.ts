import { invariant } from "../errors.js";
import { isValidDate } from "../ids.js";

/**
 * The lookback window of an application: the `months` calendar months up to and including the application date, both
 * ends included. 2022-09-15 with 12 months is 2021-09-16 … 2022-09-15: a settlement of 2021-09-15 is thirteen months'
 * care old on the day and falls outside, one of the application day itself (a discharge, then the application at the
 * window) counts. A month without the day (2022-03-31 less one month) takes its last day, so the window never overlaps
 * the day a year before.
 */
export interface LookbackWindow {
  /** First day in the window (YYYY-MM-DD). */
  from: string;
  /** Last day in the window: the application date. */
  to: string;
  months: number;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function lookbackWindow(applicationDate: string, months: number): LookbackWindow {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(applicationDate);
  invariant(m !== null && isValidDate(Number(m[1]), Number(m[2]), Number(m[3])), () => `not a date: ${applicationDate}`);
  invariant(Number.isInteger(months) && months > 0, () => `lookback of ${months} months`);
  const total = Number(m[1]) * 12 + (Number(m[2]) - 1) - months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const day = Math.min(Number(m[3]), daysIn(year, month));
  const next = new Date(Date.UTC(year, month - 1, day + 1));
  const from = `${pad(next.getUTCFullYear(), 4)}-${pad(next.getUTCMonth() + 1)}-${pad(next.getUTCDate())}`;
  return { from, to: applicationDate, months };
}

export function inWindow(date: string, window: LookbackWindow): boolean {
  return window.from <= date && date <= window.to;
}
