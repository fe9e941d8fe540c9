/**
 * Realistic HIS flows over the hospital-facing interface (shared/docs/his-interface.md), and a bounded runner of many of
 * them at a time: an outpatient visit (1101 → 2201 → 2203 → 2204 → 2206 → 2207) and an inpatient stay
 * (1101 → 2401 → 2301 ×n → 2402 → 2303 → 2304 → 2305 optionally). Amounts are fen inside and yuan with at most two
 * decimals on the wire; fee lines are drawn from the treating region's shipped catalogue (catalogues/<region>.csv).
 *
 * One module per part: fees.ts (the bills' lines), persons.ts, flow.ts (what every flow shares), outpatient.ts and
 * inpatient.ts (one per flow kind), statistics.ts and runner.ts. This file gathers them for the simulator's users.
 */
export * from "./fees.js";
export * from "./persons.js";
export * from "./flow.js";
export * from "./outpatient.js";
export * from "./inpatient.js";
export * from "./statistics.js";
export * from "./runner.js";
