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

/** A timestamp "yyyy-MM-dd HH:mm:ss" (the national interface's form); a bare date is taken at 00:00:00. */
export function parseDateTime(value: unknown, field: string): string {
  const text = typeof value === "string" ? value.trim() : "";
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2}))?$/.exec(text);
  if (!m) throw new DomainError(field, `must be a time "yyyy-MM-dd HH:mm:ss", got ${JSON.stringify(value)}`);
  parseDate(m[1], field);
  if (m[2] !== undefined && (Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4]) > 59)) {
    throw new DomainError(field, `has an invalid time of day "${text}"`);
  }
  return m[2] === undefined ? `${m[1]} 00:00:00` : `${m[1]} ${m[2]}:${m[3]}:${m[4]}`;
}

/** Whether `date` (YYYY-MM-DD) lies in [begin, end], both ends included, an absent end open. */
export function withinValidity(date: string, begin: string, end: string | null | undefined): boolean {
  return begin <= date && (end === null || end === undefined || date <= end);
}
