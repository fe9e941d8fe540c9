import { InvariantError } from "../errors.js";
import { ZERO, type Fen } from "../money.js";
import type { AccumulatorDelta, Accumulators } from "./types.js";

const SCALAR_KEYS = [
  "outpatient_deductible_counted_fen",
  "outpatient_basic_paid_fen",
  "inpatient_chronic_basic_paid_fen",
  "tier_two_base_fen",
  "critical_illness_paid_fen",
  "large_amount_paid_fen",
  "assistance_base_fen",
  "assistance_paid_fen",
] as const satisfies readonly (keyof AccumulatorDelta)[];
export type ScalarAccumulatorKey = (typeof SCALAR_KEYS)[number];
export { SCALAR_KEYS as ACCUMULATOR_KEYS };

/**
 * The accumulators kept per key inside the year (a chronic disease code, a supplementary tier id): a key appears once
 * something is counted under it and goes when a reversal takes it back to zero, so that a year reversed whole is empty.
 */
export const ACCUMULATOR_MAP_KEYS = [
  "chronic_basic_paid_fen",
  "supplementary_base_fen",
  "supplementary_paid_fen",
] as const satisfies readonly (keyof AccumulatorDelta)[];
export type MapAccumulatorKey = (typeof ACCUMULATOR_MAP_KEYS)[number];

export function emptyAccumulators(year: number): Accumulators {
  return { year, ...emptyDelta() };
}

export function emptyDelta(): AccumulatorDelta {
  return {
    outpatient_deductible_counted_fen: ZERO,
    outpatient_basic_paid_fen: ZERO,
    inpatient_chronic_basic_paid_fen: ZERO,
    chronic_basic_paid_fen: {},
    tier_two_base_fen: ZERO,
    critical_illness_paid_fen: ZERO,
    large_amount_paid_fen: ZERO,
    assistance_base_fen: ZERO,
    assistance_paid_fen: ZERO,
    supplementary_base_fen: {},
    supplementary_paid_fen: {},
  };
}

/**
 * A delta as stored with a settlement, made whole: settlements stored before a key existed (the supplementary maps)
 * carry no entry for it, which is what they added to it — nothing.
 */
export function storedDelta(stored: unknown): AccumulatorDelta {
  return { ...emptyDelta(), ...(stored as Partial<AccumulatorDelta>) };
}

function combine(acc: Accumulators, delta: AccumulatorDelta, sign: 1 | -1): Accumulators {
  const out: Accumulators = { ...acc };
  for (const key of SCALAR_KEYS) {
    const value = acc[key] + sign * delta[key];
    if (!(value >= 0)) throw new InvariantError(`accumulator ${key} would become ${value}`);
    out[key] = value as Fen;
  }
  for (const key of ACCUMULATOR_MAP_KEYS) {
    const map: Record<string, Fen> = { ...acc[key] };
    for (const [code, amount] of Object.entries(delta[key])) {
      const value = (map[code] ?? 0) + sign * amount;
      if (!(value >= 0)) throw new InvariantError(`accumulator ${key} of ${code} would become ${value}`);
      if (value === 0) delete map[code];
      else map[code] = value as Fen;
    }
    out[key] = map;
  }
  return out;
}

export function applyDelta(acc: Accumulators, delta: AccumulatorDelta): Accumulators {
  return combine(acc, delta, 1);
}

/** A reversal: subtracts exactly what the settlement added. Later settlements are not recomputed. */
export function reverseDelta(acc: Accumulators, delta: AccumulatorDelta): Accumulators {
  return combine(acc, delta, -1);
}
