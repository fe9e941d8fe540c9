import { DomainError } from "./errors.js";
import type { Fen } from "./money.js";
import { roundHalfUpDiv } from "./ratio.js";

/** A count of units (`cnt`) in ten-thousandths, so that 0.5 tablets or 2.25 hours stay exact. */
export type Quantity = number & { readonly __unit: "cnt_e4" };
export const QUANTITY_SCALE = 10_000;

export function parseQuantity(value: unknown, field: string): Quantity {
  const text = typeof value === "number" && Number.isFinite(value) ? String(value) : typeof value === "string" ? value.trim() : "";
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new DomainError(field, `must be a positive count with at most four decimals, got ${JSON.stringify(value)}`);
  const [, whole = "", decimals = ""] = match;
  if (decimals.length > 4) throw new DomainError(field, `has more than four decimals: ${text}`);
  const n = Number(whole) * QUANTITY_SCALE + Number(decimals.padEnd(4, "0"));
  if (n <= 0) throw new DomainError(field, "must be greater than 0");
  if (n > 1_000_000 * QUANTITY_SCALE) throw new DomainError(field, `is implausibly large: ${text}`);
  return n as Quantity;
}

export function quantityToNumber(q: Quantity): number {
  return q / QUANTITY_SCALE;
}

/** round(unit price × count), half up, in fen. */
export function priceTimesCount(price: Fen, count: Quantity): Fen {
  return roundHalfUpDiv(price * count, QUANTITY_SCALE) as Fen;
}
