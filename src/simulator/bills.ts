/**
 * What the HIS simulator bills: the distributions of a visit's or a stay's total, its length and its lines, per hospital
 * level (medins_lv 3 三级, 2 二级, 1 一级) and medical type (11 普通门诊, 14 门诊慢特病, 21 住院). The one place they are
 * stated; src/simulator/flows.ts draws from them, the README shows them, test/his/bills.test.ts checks them.
 *
 * Basis: the orders of magnitude of the China Health Statistics Yearbook (中国卫生健康统计年鉴) for public general
 * hospitals around 2021 — an outpatient visit costs some 330–370 yuan on average at 三级, about 240 at 二级 and below 200
 * at 一级 (township health centres, 乡镇卫生院, nearer 100); an inpatient stay some 13,000–14,000 yuan at 三级, 6,000–7,000
 * at 二级 and 2,000–3,000 at a township centre, with stays of about 9 days (8–10 by level); drugs near 40% of an
 * outpatient bill (more at lower levels) and a quarter to a third of an inpatient one, materials (卫生材料) about a fifth
 * of an inpatient bill at 三级. A western prefecture such as Baise bills somewhat below the national averages, so the
 * medians here sit below those means. Costs are right-skewed: a total is log-normal, its mean median × e^(σ²/2) (with
 * σ 0.7, 1.28 × the median), cut at a stated floor and cap (the cap stands for the rare stay that a real region settles
 * by hand or by DRG outlier rules). A stay's length is log-normal too, correlated with its total (ρ 0.6): long stays
 * cost more. These are stated assumptions for realistic-looking test data, not measurements of a region.
 */

export type HospitalLevel = "1" | "2" | "3";
export const HOSPITAL_LEVELS: readonly HospitalLevel[] = ["3", "2", "1"];
export type BilledMedType = "11" | "14" | "21";
export const BILLED_MED_TYPES: readonly BilledMedType[] = ["11", "14", "21"];

/** The kinds of line a bill's total is shared among. */
export type LineKind = "drugs" | "tests" | "services" | "materials";
export const LINE_KINDS: readonly LineKind[] = ["drugs", "tests", "services", "materials"];

export interface LogNormal {
  /** The median, in yuan (totals) or days (stays). */
  median: number;
  /** The spread: the standard deviation of the logarithm. */
  sigma: number;
  /** The floor and the cap (the tails are cut there). */
  min: number;
  max: number;
}

export interface BillDistribution {
  /** The bill's total, yuan. */
  total: LogNormal;
  /** The stay's length, days (inpatient only). */
  days?: LogNormal;
  /**
   * The share of the total each kind of line aims at (they sum to 1). For a stay, services include the bed and the
   * nursing of each day, at their catalogue prices.
   */
  share: Record<LineKind, number>;
  /**
   * Lines of each kind besides the fixed ones (the consultation of a visit; the bed and nursing of each upload of a
   * stay), from–to; for a stay, per upload (2301 batch), materials in the first upload only.
   */
  lines: Record<LineKind, readonly [number, number]>;
  /** The chance that a drawn drug, service or material is one of class 03 (丙类, paid wholly by the patient). */
  classC: number;
}

const outpatientShare = (drugs: number, tests: number, services: number): Record<LineKind, number> => ({
  drugs, tests, services, materials: Math.round((1 - drugs - tests - services) * 1000) / 1000,
});

export const BILL_DISTRIBUTIONS: Readonly<Record<HospitalLevel, Readonly<Record<BilledMedType, BillDistribution>>>> = {
  "3": {
    "11": { total: { median: 260, sigma: 0.75, min: 20, max: 3000 }, share: outpatientShare(0.42, 0.36, 0.17), lines: { drugs: [1, 6], tests: [1, 3], services: [0, 1], materials: [0, 1] }, classC: 0.06 },
    "14": { total: { median: 480, sigma: 0.55, min: 60, max: 4000 }, share: outpatientShare(0.78, 0.14, 0.06), lines: { drugs: [2, 6], tests: [0, 2], services: [0, 0], materials: [0, 0] }, classC: 0.04 },
    "21": {
      total: { median: 11_000, sigma: 0.7, min: 1500, max: 200_000 }, days: { median: 9, sigma: 0.45, min: 2, max: 45 },
      share: { drugs: 0.3, tests: 0.24, services: 0.26, materials: 0.2 }, lines: { drugs: [3, 6], tests: [1, 3], services: [1, 2], materials: [1, 3] }, classC: 0.06,
    },
  },
  "2": {
    "11": { total: { median: 160, sigma: 0.7, min: 15, max: 2000 }, share: outpatientShare(0.48, 0.3, 0.17), lines: { drugs: [1, 5], tests: [0, 2], services: [0, 1], materials: [0, 1] }, classC: 0.04 },
    "14": { total: { median: 330, sigma: 0.5, min: 40, max: 3000 }, share: outpatientShare(0.82, 0.12, 0.04), lines: { drugs: [2, 5], tests: [0, 1], services: [0, 0], materials: [0, 0] }, classC: 0.03 },
    "21": {
      total: { median: 5500, sigma: 0.65, min: 800, max: 80_000 }, days: { median: 8, sigma: 0.4, min: 2, max: 30 },
      share: { drugs: 0.34, tests: 0.22, services: 0.3, materials: 0.14 }, lines: { drugs: [3, 5], tests: [1, 2], services: [1, 2], materials: [1, 2] }, classC: 0.04,
    },
  },
  "1": {
    "11": { total: { median: 75, sigma: 0.65, min: 10, max: 800 }, share: outpatientShare(0.6, 0.2, 0.17), lines: { drugs: [1, 4], tests: [0, 1], services: [0, 1], materials: [0, 1] }, classC: 0.02 },
    "14": { total: { median: 200, sigma: 0.5, min: 30, max: 1500 }, share: outpatientShare(0.88, 0.08, 0.03), lines: { drugs: [1, 4], tests: [0, 1], services: [0, 0], materials: [0, 0] }, classC: 0.02 },
    "21": {
      total: { median: 2600, sigma: 0.6, min: 400, max: 25_000 }, days: { median: 6, sigma: 0.4, min: 2, max: 20 },
      share: { drugs: 0.4, tests: 0.16, services: 0.34, materials: 0.1 }, lines: { drugs: [2, 4], tests: [1, 2], services: [1, 1], materials: [1, 1] }, classC: 0.02,
    },
  },
};

/** How strongly a stay's length follows its total (the correlation of their logarithms). */
export const DAYS_TOTAL_CORRELATION = 0.6;

/** A standard normal draw (Box–Muller) from two uniform ones. */
export function standardNormal(rng: () => number): number {
  const u = 1 - rng(); // (0, 1]: the logarithm stays finite
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** The value of a log-normal at a standard normal z, cut at its floor and cap. */
export function logNormalAt(d: LogNormal, z: number): number {
  return Math.min(d.max, Math.max(d.min, d.median * Math.exp(d.sigma * z)));
}
