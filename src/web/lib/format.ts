import dayjs from "dayjs";

/** How values read on screen: money in yuan with two decimals and separators, "—" for what is absent. */

export const DASH = "—";

const yuan = new Intl.NumberFormat("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const integer = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 0 });

export function formatYuan(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return DASH;
  const text = yuan.format(Math.abs(value));
  return value < 0 ? `-¥${text}` : `¥${text}`;
}

export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? DASH : integer.format(value);
}

/** A percentage the server sends as a number of percent (97.5 → "97.50%"). */
export function formatPercent(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined ? DASH : `${value.toFixed(digits)}%`;
}

/** A ratio 0–1 (0.65 → "65%"). */
export function formatRatio(value: number | null | undefined): string {
  if (value === null || value === undefined) return DASH;
  return `${Number((value * 100).toFixed(2))}%`;
}

export function formatDate(value: string | null | undefined): string {
  if (!value) return DASH;
  const d = dayjs(value);
  return d.isValid() ? d.format("YYYY-MM-DD") : value;
}

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return DASH;
  const d = dayjs(value);
  return d.isValid() ? d.format("YYYY-MM-DD HH:mm:ss") : value;
}

export function orDash(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === "" ? DASH : String(value);
}

/** Sums yuan amounts without floating-point residue (0.1 + 0.2 → 0.3). */
export function sumYuan(...values: number[]): number {
  return Math.round(values.reduce((sum, v) => sum + Math.round(v * 100), 0)) / 100;
}

/**
 * Today's date where the bureau is (China, UTC+8), whatever the browser's time zone: the server dates applications by
 * it, and a date picker must not offer a day the server would call the future, nor default to yesterday.
 */
export function chinaToday(now = Date.now()): string {
  return new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
}
