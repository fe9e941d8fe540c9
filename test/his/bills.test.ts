import { describe, expect, it } from "vitest";
import { BILL_DISTRIBUTIONS, HOSPITAL_LEVELS, type HospitalLevel } from "../../src/simulator/bills.js";
import { drawStay, feePickerFor, inpatientDrafts, loadFeeCatalogue, outpatientDrafts, seededRng, sumFen, type FeeLineDraft } from "../../src/simulator/flows.js";

/**
 * The simulator's bills follow the distributions stated in src/simulator/bills.ts (and the README): many bills drawn with a
 * fixed seed have their medians, tails, stay lengths, line counts and shares where the table says; a few seeded bills
 * come out to the fen as they always have.
 */

const picker = feePickerFor(loadFeeCatalogue("451000"), "2022-08-01");
const N = 2000;

function quantile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

interface Drawn {
  totals: number[];
  lines: number[];
  days: number[];
  all: FeeLineDraft[];
}

function draw(level: HospitalLevel, medType: "11" | "14" | "21"): Drawn {
  const rng = seededRng(20_221_001);
  const out: Drawn = { totals: [], lines: [], days: [], all: [] };
  for (let i = 0; i < N; i++) {
    let lines: FeeLineDraft[];
    if (medType === "21") {
      const stay = drawStay(level, rng);
      lines = inpatientDrafts(picker, rng, stay.days, Math.min(stay.days, 3), level, stay.totalFen).flat();
      out.days.push(stay.days);
    } else lines = outpatientDrafts(picker, rng, level, medType);
    out.totals.push(sumFen(lines) / 100);
    out.lines.push(lines.length);
    out.all.push(...lines);
  }
  return out;
}

const shareOf = (lines: readonly FeeLineDraft[], test: (l: FeeLineDraft) => boolean) =>
  lines.filter(test).reduce((a, l) => a + l.amountFen, 0) / lines.reduce((a, l) => a + l.amountFen, 0);

/** Where the medians fall (yuan; days), by level: what the README's table states. */
const MEDIANS: Record<HospitalLevel, { "11": [number, number]; "14": [number, number]; "21": [number, number]; days: [number, number] }> = {
  "3": { "11": [200, 320], "14": [380, 600], "21": [8000, 13_000], days: [8, 10] },
  "2": { "11": [120, 200], "14": [260, 420], "21": [4000, 6500], days: [7, 9] },
  "1": { "11": [55, 100], "14": [150, 260], "21": [2000, 3200], days: [5, 7] },
};

describe("bills by hospital level and medical type", () => {
  for (const level of HOSPITAL_LEVELS) {
    it(`level ${level}: medians, tails, stays and lines where stated`, () => {
      const d = BILL_DISTRIBUTIONS[level];
      for (const medType of ["11", "14"] as const) {
        const b = draw(level, medType);
        const median = quantile(b.totals, 0.5);
        expect(median, `${level}/${medType} median`).toBeGreaterThanOrEqual(MEDIANS[level][medType][0]);
        expect(median, `${level}/${medType} median`).toBeLessThanOrEqual(MEDIANS[level][medType][1]);
        // Right-skewed: the 90th percentile well above the median, and the tail cut near the stated cap.
        expect(quantile(b.totals, 0.9) / median).toBeGreaterThan(1.6);
        expect(Math.max(...b.totals)).toBeLessThanOrEqual(d[medType].total.max * 1.1);
        // The consultation and at least one drug; no more lines than the table allows.
        const most = 1 + Object.values(d[medType].lines).reduce((a, [, hi]) => a + hi, 0);
        expect(Math.min(...b.lines)).toBeGreaterThanOrEqual(2);
        expect(Math.max(...b.lines)).toBeLessThanOrEqual(most);
        const drugs = shareOf(b.all, (l) => l.item.list_type === "drug");
        expect(drugs, `${level}/${medType} drugs' share`).toBeGreaterThanOrEqual(d[medType].share.drugs - 0.05);
        expect(drugs, `${level}/${medType} drugs' share`).toBeLessThanOrEqual(Math.min(0.97, d[medType].share.drugs + 0.25));
      }
      const stays = draw(level, "21");
      const median = quantile(stays.totals, 0.5);
      expect(median, `${level}/21 median`).toBeGreaterThanOrEqual(MEDIANS[level]["21"][0]);
      expect(median, `${level}/21 median`).toBeLessThanOrEqual(MEDIANS[level]["21"][1]);
      expect(Math.max(...stays.totals)).toBeLessThanOrEqual(d["21"].total.max);
      const days = quantile(stays.days, 0.5);
      expect(days).toBeGreaterThanOrEqual(MEDIANS[level].days[0]);
      expect(days).toBeLessThanOrEqual(MEDIANS[level].days[1]);
      expect(Math.min(...stays.days)).toBeGreaterThanOrEqual(d["21"].days!.min);
      expect(Math.max(...stays.days)).toBeLessThanOrEqual(d["21"].days!.max);
      const materials = shareOf(stays.all, (l) => l.item.list_type === "material");
      expect(materials).toBeGreaterThanOrEqual(d["21"].share.materials * 0.6);
      expect(materials).toBeLessThanOrEqual(d["21"].share.materials * 1.4);
      // 丙类 lines among the drugs, services and materials drawn: near the stated chance.
      const drawable = stays.all.filter((l) => l.item.list_type !== "service" || /^001(20[3-6])/.test(l.item.med_list_codg));
      const classC = drawable.filter((l) => l.item.chrgitm_lv === "03").length / drawable.length;
      expect(classC).toBeGreaterThanOrEqual(d["21"].classC * 0.4);
      expect(classC).toBeLessThanOrEqual(d["21"].classC * 1.6);
    });
  }

  it("bills less at a lower level: each median below the level above's", () => {
    for (const medType of ["11", "14", "21"] as const) {
      const medians = HOSPITAL_LEVELS.map((level) => quantile(draw(level, medType).totals, 0.5));
      expect(medians[0]!).toBeGreaterThan(medians[1]!);
      expect(medians[1]!).toBeGreaterThan(medians[2]!);
    }
  });

  it("a seeded bill comes out the same to the fen", () => {
    const visit = outpatientDrafts(picker, seededRng(1), "3", "11");
    expect([sumFen(visit), visit.length]).toEqual([73_397, 8]);
    const chronic = outpatientDrafts(picker, seededRng(2), "1", "14");
    expect([sumFen(chronic), chronic.length]).toEqual([13_891, 6]);
    const rng = seededRng(3);
    const stay = drawStay("2", rng);
    expect(stay).toEqual({ days: 16, totalFen: 1_505_569 });
    const lines = inpatientDrafts(picker, rng, stay.days, 2, "2", stay.totalFen).flat();
    expect([sumFen(lines), lines.length]).toEqual([1_107_234, 21]);
    // Every amount is price × count to the fen.
    for (const l of [...visit, ...chronic, ...lines]) expect(l.amountFen).toBe(Math.floor((l.pricFen * l.cntTenths + 5) / 10));
  });
});
