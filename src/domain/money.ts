import { DomainError, InvariantError } from "./errors.js";

/** Money inside Yibao: an integer number of fen (分). 1 yuan = 100 fen. */
export type Fen = number & { readonly __unit: "fen" };

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

export function fen(n: number): Fen {
  if (!(Number.isSafeInteger(n))) throw new InvariantError(`fen must be a safe integer, got ${n}`);
  return n as Fen;
}

export const ZERO = 0 as Fen;

export interface ParseMoneyOptions {
  /** Allow amounts below zero (a refund, a correction). Default: no. */
  allowNegative?: boolean;
}

/**
 * Parses yuan (a JSON number or a string such as "23442.46") into fen.
 * At most two decimals (zeros after them allowed); NaN, infinities, exponents, and negatives (unless allowed) are errors naming the field.
 */
export function parseYuan(value: unknown, field: string, options: ParseMoneyOptions = {}): Fen {
  let text: string;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new DomainError(field, "must be a finite amount in yuan");
    text = String(value);
  } else if (typeof value === "string") {
    text = value.trim();
  } else {
    throw new DomainError(field, "must be an amount in yuan (a number with at most two decimals)");
  }
  const match = DECIMAL.exec(text);
  if (!match) throw new DomainError(field, `must be an amount in yuan with at most two decimals, got "${text}"`);
  const [, sign, whole = "", decimals = ""] = match;
  // SQL scale ("12.5000", a C# decimal as stored) is the same amount; a digit below the fen is not money Yibao can hold.
  if (decimals.length > 2 && /[1-9]/.test(decimals.slice(2))) throw new DomainError(field, `has more than two decimals: "${text}"`);
  const n = Number(whole) * 100 + Number(decimals.slice(0, 2).padEnd(2, "0"));
  if (!Number.isSafeInteger(n)) throw new DomainError(field, `is too large: "${text}"`);
  if (sign && n !== 0 && !options.allowNegative) throw new DomainError(field, `must not be negative: "${text}"`);
  return (sign ? -n : n) as Fen;
}

/** Yuan as a JSON number with at most two decimals (n / 100 prints as its shortest decimal). */
export function toYuan(amount: Fen): number {
  return amount / 100;
}

/** Yuan as text with exactly two decimals: 1234.5 → "1234.50". */
const CENTS = Array.from({ length: 100 }, (_, i) => (i < 10 ? `.0${i}` : `.${i}`));

export function formatYuan(amount: Fen): string {
  const abs = amount < 0 ? -amount : amount;
  const cents = abs % 100;
  const text = `${(abs - cents) / 100}${CENTS[cents] ?? ""}`;
  return amount < 0 ? `-${text}` : text;
}

/** Yuan with two decimals and thousands separators: 1234567.8 → "1,234,567.80" (signed: "+" before a gain). */
export function formatYuanGrouped(amount: Fen, signed = false): string {
  const text = formatYuan(Math.abs(amount) as Fen);
  const [whole = "0", decimals = "00"] = text.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const sign = amount < 0 ? "-" : signed && amount > 0 ? "+" : "";
  return `${sign}${grouped}.${decimals}`;
}

export function addFen(a: Fen, b: Fen): Fen {
  return (a + b) as Fen;
}

export function subFen(a: Fen, b: Fen): Fen {
  return (a - b) as Fen;
}

export function minFen(...values: Fen[]): Fen {
  return Math.min(...values) as Fen;
}

export function maxFen(...values: Fen[]): Fen {
  return Math.max(...values) as Fen;
}

/** What is left of a limit after `used`: never below zero. */
export function room(limit: Fen, used: Fen): Fen {
  return Math.max(0, limit - used) as Fen;
}

export function sumFen(values: Iterable<Fen>): Fen {
  let total = 0;
  for (const v of values) total += v;
  return total as Fen;
}
