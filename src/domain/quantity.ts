import { DomainError, InvariantError } from "./errors.js";
import type { Fen } from "./money.js";
import { roundHalfUpDiv } from "./ratio.js";

/** A count of units (`cnt`) in ten-thousandths, so that 0.5 tablets or 2.25 hours stay exact. */
export type Quantity = number & { readonly __unit: "cnt_e4" };
export const QUANTITY_SCALE = 10_000;

/**
 * A unit price (`pric`) in millionths of a yuan: the national document gives prices six decimals (a tablet of a
 * 12-tablet box at 1.00 is 0.0833), and only the line's amount is money in fen. 1 fen = 10,000.
 */
export type UnitPrice = number & { readonly __unit: "pric_e6" };
export const PRICE_SCALE = 1_000_000;
export const PRICE_PER_FEN = 10_000;
/** A price above this (a hundred million yuan a unit) is a mistake, not a price. */
const MAX_PRICE = 100_000_000 * PRICE_SCALE;

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** Decimals beyond `keep` must be zeros: SQL scale ("12.5000") is accepted, a digit below the unit is not. */
function decimalsOf(text: string, keep: number): string | null {
  const match = DECIMAL.exec(text);
  if (!match) return null;
  const decimals = match[2] ?? "";
  return decimals.length > keep && /[1-9]/.test(decimals.slice(keep)) ? null : decimals.slice(0, keep).padEnd(keep, "0");
}

function textOf(value: unknown): string {
  return typeof value === "number" && Number.isFinite(value) ? String(value) : typeof value === "string" ? value.trim() : "";
}

export function parseQuantity(value: unknown, field: string): Quantity {
  const text = textOf(value);
  if (!DECIMAL.test(text)) throw new DomainError(field, `must be a positive count with at most four decimals, got ${JSON.stringify(value)}`);
  const decimals = decimalsOf(text, 4);
  if (decimals === null) throw new DomainError(field, `has more than four decimals: ${text}`);
  const n = Number(text.split(".")[0]) * QUANTITY_SCALE + Number(decimals);
  if (n <= 0) throw new DomainError(field, "must be greater than 0");
  if (n > 1_000_000 * QUANTITY_SCALE) throw new DomainError(field, `is implausibly large: ${text}`);
  return n as Quantity;
}

export function quantityToNumber(q: Quantity): number {
  return q / QUANTITY_SCALE;
}

/** A unit price in yuan with at most six decimals (not negative), as the national document gives `pric`. */
export function parseUnitPrice(value: unknown, field: string): UnitPrice {
  const text = textOf(value);
  if (!DECIMAL.test(text)) throw new DomainError(field, `must be a unit price in yuan with at most six decimals, got ${JSON.stringify(value)}`);
  const decimals = decimalsOf(text, 6);
  if (decimals === null) throw new DomainError(field, `has more than six decimals: ${text}`);
  const n = Number(text.split(".")[0]) * PRICE_SCALE + Number(decimals);
  if (!(n <= MAX_PRICE)) throw new DomainError(field, `is implausibly large: ${text}`);
  return n as UnitPrice;
}

export function priceOfFen(amount: Fen): UnitPrice {
  return (amount * PRICE_PER_FEN) as UnitPrice;
}

export function priceToNumber(p: UnitPrice): number {
  return p / PRICE_SCALE;
}

/** price × count in hundred-millionths of a fen (price in 10⁻⁴ fen × count in 10⁻⁴): exact, as a BigInt where it must be. */
const PRODUCT_PER_FEN = PRICE_PER_FEN * QUANTITY_SCALE;

/** round(unit price × count), half up, once, in fen: exact for any price and count (BigInt past 2⁵³). */
export function priceTimesCount(price: UnitPrice, count: Quantity): Fen {
  if (!(price >= 0 && count >= 0)) throw new InvariantError(`negative price ${price} or count ${count}`);
  const product = price * count;
  if (Number.isSafeInteger(product)) return roundHalfUpDiv(product, PRODUCT_PER_FEN) as Fen;
  const p = BigInt(price) * BigInt(count);
  const d = BigInt(PRODUCT_PER_FEN);
  const q = p / d;
  return Number(2n * (p - q * d) >= d ? q + 1n : q) as Fen;
}

/**
 * Whether a line's stated amount is price × count to within one fen (the exact product, not a rounded one): a HIS that
 * rounds its own way, or sums after rounding, is a fen off at most; anything more is a different bill.
 */
export function agreesWithinOneFen(stated: Fen, price: UnitPrice, count: Quantity): boolean {
  const product = price * count;
  const given = stated * PRODUCT_PER_FEN;
  if (Number.isSafeInteger(product) && Number.isSafeInteger(given)) return Math.abs(given - product) <= PRODUCT_PER_FEN;
  const exact = BigInt(price) * BigInt(count);
  const diff = BigInt(stated) * BigInt(PRODUCT_PER_FEN) - exact;
  return (diff < 0n ? -diff : diff) <= BigInt(PRODUCT_PER_FEN);
}
