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
  };
}

function combine(acc: Accumulators, delta: AccumulatorDelta, sign: 1 | -1): Accumulators {
  const out: Accumulators = {
    year: acc.year,
    outpatient_deductible_counted_fen: acc.outpatient_deductible_counted_fen,
    outpatient_basic_paid_fen: acc.outpatient_basic_paid_fen,
    inpatient_chronic_basic_paid_fen: acc.inpatient_chronic_basic_paid_fen,
    chronic_basic_paid_fen: { ...acc.chronic_basic_paid_fen },
    tier_two_base_fen: acc.tier_two_base_fen,
    critical_illness_paid_fen: acc.critical_illness_paid_fen,
    large_amount_paid_fen: acc.large_amount_paid_fen,
    assistance_base_fen: acc.assistance_base_fen,
    assistance_paid_fen: acc.assistance_paid_fen,
  };
  for (const key of SCALAR_KEYS) {
    const value = acc[key] + sign * delta[key];
    if (!(value >= 0)) throw new InvariantError(`accumulator ${key} would become ${value}`);
    out[key] = value as Fen;
  }
  const chronic = out.chronic_basic_paid_fen as Record<string, Fen>;
  for (const [code, amount] of Object.entries(delta.chronic_basic_paid_fen)) {
    const value = (chronic[code] ?? 0) + sign * amount;
    if (!(value >= 0)) throw new InvariantError(`chronic accumulator ${code} would become ${value}`);
    if (value === 0) delete chronic[code];
    else chronic[code] = value as Fen;
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
