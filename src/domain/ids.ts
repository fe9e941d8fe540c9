import { DomainError } from "./errors.js";

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = "10X98765432";
/** Province-level prefixes of GB/T 2260 (11 Beijing … 65 Xinjiang, 71 Taiwan, 81/82 HK/Macao). */
const PROVINCES = new Set([
  "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44", "45",
  "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
]);

/** The check character of the first 17 characters of a resident ID number (GB 11643-1999, ISO 7064 MOD 11-2). */
export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS[sum % 11] ?? "";
}

export function isValidDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** Validates an 18-character resident ID number; returns it upper-cased (a final x becomes X). */
export function parseResidentId(value: unknown, field = "certno"): string {
  if (typeof value !== "string") throw new DomainError(field, "must be an 18-character resident ID number");
  const id = value.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) throw new DomainError(field, `must be 17 digits and a digit or X, got "${value}"`);
  if (!PROVINCES.has(id.slice(0, 2))) throw new DomainError(field, `has an unknown province code "${id.slice(0, 2)}"`);
  const year = Number(id.slice(6, 10));
  if (year < 1900 || !isValidDate(year, Number(id.slice(10, 12)), Number(id.slice(12, 14)))) {
    throw new DomainError(field, `has an invalid birth date "${id.slice(6, 14)}"`);
  }
  const expected = residentIdCheckChar(id);
  if (id[17] !== expected) throw new DomainError(field, `check digit is wrong (expected ${expected})`);
  return id;
}

/** Birth date (YYYY-MM-DD) and sex (1 male, 2 female: the 17th digit's parity) held in a valid ID number. */
export function residentIdFacts(id: string): { brdy: string; gend: "1" | "2" } {
  return {
    brdy: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
    gend: Number(id[16]) % 2 === 1 ? "1" : "2",
  };
}

/** A 6-digit administrative division code (GB/T 2260) of a known province. */
export function parseRegionCode(value: unknown, field = "admdvs"): string {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : "";
  if (!/^\d{6}$/.test(text)) throw new DomainError(field, `must be a 6-digit region code, got ${JSON.stringify(value)}`);
  if (!PROVINCES.has(text.slice(0, 2))) throw new DomainError(field, `has an unknown province code "${text.slice(0, 2)}"`);
  return text;
}

/** A calendar date YYYY-MM-DD. */
export function parseDate(value: unknown, field: string): string {
  const text = typeof value === "string" ? value.trim() : "";
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m || !isValidDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    throw new DomainError(field, `must be a date YYYY-MM-DD, got ${JSON.stringify(value)}`);
  }
  return text;
}

const CHINA_OFFSET_MINUTES = 8 * 60;

/**
 * A timestamp "yyyy-MM-dd HH:mm:ss" (the national interface's form); a bare date is taken at 00:00:00. ISO forms as .NET
 * and Java clients write them are the same instant: "T" for the space, fractions of a second (dropped: no rule reads
 * them), and an offset ("Z", "+08:00"), which is turned into China time, the interface's clock.
 */
export function parseDateTime(value: unknown, field: string): string {
  const text = typeof value === "string" ? value.trim() : "";
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  if (!m) throw new DomainError(field, `must be a time "yyyy-MM-dd HH:mm:ss", got ${JSON.stringify(value)}`);
  parseDate(m[1], field);
  const offset = m[5];
  if (offset !== undefined && m[2] !== undefined) {
    const minutes = offset === "Z" ? 0 : (offset.startsWith("-") ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(-2)));
    if (minutes !== CHINA_OFFSET_MINUTES) {
      const utc = Date.UTC(Number(m[1]?.slice(0, 4)), Number(m[1]?.slice(5, 7)) - 1, Number(m[1]?.slice(8, 10)), Number(m[2]), Number(m[3]), Number(m[4])) - minutes * 60_000;
      const china = new Date(utc + CHINA_OFFSET_MINUTES * 60_000).toISOString();
      return `${china.slice(0, 10)} ${china.slice(11, 19)}`;
    }
  }
  if (m[2] !== undefined && (Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4]) > 59)) {
    throw new DomainError(field, `has an invalid time of day "${text}"`);
  }
  return m[2] === undefined ? `${m[1]} 00:00:00` : `${m[1]} ${m[2]}:${m[3]}:${m[4]}`;
}

/** A day: "YYYY-MM-DD", or the date of a timestamp (3201's stmt_begndate sent as "2026-12-01 00:00:00"). */
export function parseDay(value: unknown, field: string): string {
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value.trim())) return parseDate(value, field);
  try {
    return parseDateTime(value, field).slice(0, 10);
  } catch {
    throw new DomainError(field, `must be a date YYYY-MM-DD (or a time "yyyy-MM-dd HH:mm:ss"), got ${JSON.stringify(value)}`);
  }
}

/** A month "yyyyMM" from the forms clients send for it: 202203, "2022-03", "2022/03", or a date or time in the month. */
export function parseYearMonth(value: unknown, field: string): string {
  const text = typeof value === "number" && Number.isInteger(value) ? String(value) : typeof value === "string" ? value.trim() : "";
  const m = /^(\d{4})[-/]?(\d{2})(?:[-/]?(\d{2})(?:[ T].*)?)?$/.exec(text);
  const month = Number(m?.[2]);
  if (!m || month < 1 || month > 12 || (m[3] !== undefined && !isValidDate(Number(m[1]), month, Number(m[3])))) {
    throw new DomainError(field, `must be a month yyyyMM (or yyyy-MM, or a date in it), got ${JSON.stringify(value)}`);
  }
  return `${m[1]}${m[2]}`;
}

/** Whether `date` (YYYY-MM-DD) lies in [begin, end], both ends included, an absent end open. */
export function withinValidity(date: string, begin: string, end: string | null | undefined): boolean {
  return begin <= date && (end === null || end === undefined || date <= end);
}
