import { DomainError, invariant, InvariantError } from "./errors.js";
import type { Fen } from "./money.js";

/**
 * An exact ratio in millionths (ppm): 65% is 650_000. Six decimals cover every ratio a policy or catalogue states,
 * and integer arithmetic keeps money exact: amount × ratio is an exact number of micro-fen, rounded once, half up.
 */
export type Ratio = number & { readonly __unit: "ppm" };

export const PPM = 1_000_000;
export const RATIO_ZERO = 0 as Ratio;
export const RATIO_ONE = PPM as Ratio;

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** Parses a decimal ratio such as 0.65 or "0.1" (between 0 and 1, at most six decimals). */
export function parseRatio(value: unknown, field: string): Ratio {
  const text = typeof value === "number" && Number.isFinite(value) ? String(value) : typeof value === "string" ? value.trim() : "";
  const match = DECIMAL.exec(text);
  if (!match) throw new DomainError(field, `must be a ratio between 0 and 1 (e.g. 0.65), got ${JSON.stringify(value)}`);
  const [, whole = "", decimals = ""] = match;
  if (decimals.length > 6) throw new DomainError(field, `has more than six decimals: ${text}`);
  const ppm = Number(whole) * PPM + Number(decimals.padEnd(6, "0"));
  if (ppm > PPM) throw new DomainError(field, `must not exceed 1, got ${text}`);
  return ppm as Ratio;
}

export function ratioFromPpm(ppm: number): Ratio {
  if (!(Number.isInteger(ppm) && ppm >= 0 && ppm <= PPM)) throw new InvariantError(`ratio out of range: ${ppm} ppm`);
  return ppm as Ratio;
}

/** a + b points, never above 100%. */
export function addRatio(a: Ratio, b: Ratio): Ratio {
  return Math.min(PPM, a + b) as Ratio;
}

/** a − b points, never below 0%. */
export function subRatio(a: Ratio, b: Ratio): Ratio {
  return Math.max(0, a - b) as Ratio;
}

/** "65%" or "62.5%". */
const formatted = new Map<number, string>();
export function formatRatio(r: Ratio): string {
  let text = formatted.get(r);
  if (text === undefined) {
    text = `${Number((r / 10_000).toFixed(4))}%`;
    if (formatted.size < 10_000) formatted.set(r, text);
  }
  return text;
}

/** An exact product in micro-fen (fen × ppm), to be summed and then rounded once. */
export function microFen(amount: Fen, r: Ratio): number {
  const product = amount * r;
  if (!(Number.isSafeInteger(product))) throw new InvariantError(`amount ${amount} × ratio ${r} exceeds exact integer range`);
  return product;
}

/** Half-up rounding of a non-negative quotient n / d to an integer, exactly. */
export function roundHalfUpDiv(n: number, d: number): number {
  if (!(n >= 0 && d > 0 && Number.isSafeInteger(n) && Number.isSafeInteger(d))) throw new InvariantError(`bad division ${n} / ${d}`);
  // The float quotient can be one off near an integer for large n; correct it so q·d ≤ n < (q+1)·d exactly.
  let q = Math.floor(n / d);
  let rem = n - q * d;
  if (rem < 0) {
    q -= 1;
    rem += d;
  } else if (rem >= d) {
    q += 1;
    rem -= d;
  }
  return 2 * rem >= d ? q + 1 : q;
}

/** Micro-fen rounded half up to fen: the one rounding of a step. */
export function roundMicroFen(micro: number): Fen {
  return roundHalfUpDiv(micro, PPM) as Fen;
}

/** round(amount × r), half up. */
export function applyRatio(amount: Fen, r: Ratio): Fen {
  return roundMicroFen(microFen(amount, r));
}

/** round(amount ÷ r), half up (r > 0). */
export function divideByRatio(amount: Fen, r: Ratio): Fen {
  invariant(r > 0, "division by a zero ratio");
  return roundHalfUpDiv(amount * PPM, r) as Fen;
}
