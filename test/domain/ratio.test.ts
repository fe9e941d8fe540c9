import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvariantError } from "../../src/domain/errors.js";
import type { Fen } from "../../src/domain/money.js";
import { parseQuantity, priceOfFen, priceTimesCount, quantityToNumber } from "../../src/domain/quantity.js";
import {
  addRatio,
  applyRatio,
  divideByRatio,
  formatRatio,
  microFen,
  parseRatio,
  PPM,
  ratioFromPpm,
  RATIO_ONE,
  RATIO_ZERO,
  roundHalfUpDiv,
  roundMicroFen,
  subRatio,
  type Ratio,
} from "../../src/domain/ratio.js";
import { domainError } from "./helpers.js";

const r = (text: string): Ratio => parseRatio(text, "ratio");
const f = (n: number) => n as Fen;

describe("parseRatio", () => {
  it("parses decimals exactly into millionths", () => {
    expect(parseRatio(0.65, "ratio")).toBe(650_000);
    expect(parseRatio("0.1", "ratio")).toBe(100_000);
    expect(parseRatio(1, "ratio")).toBe(PPM);
    expect(parseRatio("1.00", "ratio")).toBe(PPM);
    expect(parseRatio(0, "ratio")).toBe(0);
    expect(parseRatio("0.000001", "ratio")).toBe(1);
    expect(parseRatio(0.07, "ratio")).toBe(70_000);
  });

  it("refuses ratios above 1, negatives, NaN and more than six decimals, naming the field", () => {
    expect(domainError(() => parseRatio(1.5, "critical_illness.bands[0].ratio")).field).toBe("critical_illness.bands[0].ratio");
    expect(domainError(() => parseRatio("1.000001", "x")).rule).toMatch(/exceed 1/);
    for (const bad of [-0.1, "-0.1", NaN, Infinity, "abc", "", null, undefined, "0.1234567", "1e-1"]) {
      expect(domainError(() => parseRatio(bad, "selfpay_prop")).field).toBe("selfpay_prop");
    }
  });

  it("ratioFromPpm checks its range", () => {
    expect(ratioFromPpm(650_000)).toBe(650_000);
    expect(() => ratioFromPpm(PPM + 1)).toThrow(InvariantError);
    expect(() => ratioFromPpm(-1)).toThrow(InvariantError);
    expect(() => ratioFromPpm(0.5)).toThrow(InvariantError);
  });
});

describe("ratio points", () => {
  it("adds and subtracts points within [0, 100%]", () => {
    expect(addRatio(r("0.6"), r("0.1"))).toBe(700_000);
    expect(addRatio(r("0.95"), r("0.1"))).toBe(RATIO_ONE);
    expect(subRatio(r("0.65"), r("0.2"))).toBe(450_000);
    expect(subRatio(r("0.1"), r("0.2"))).toBe(RATIO_ZERO);
  });

  it("formats as a percentage", () => {
    expect(formatRatio(r("0.65"))).toBe("65%");
    expect(formatRatio(r("0.625"))).toBe("62.5%");
    expect(formatRatio(r("1"))).toBe("100%");
    expect(formatRatio(r("0"))).toBe("0%");
    expect(formatRatio(r("0.123456"))).toBe("12.3456%");
  });
});

describe("rounding: once, half up, to the fen", () => {
  it("rounds .5 exactly up (not to even)", () => {
    expect(applyRatio(f(1), r("0.5"))).toBe(1); // 0.5 → 1
    expect(applyRatio(f(3), r("0.5"))).toBe(2); // 1.5 → 2
    expect(applyRatio(f(5), r("0.5"))).toBe(3); // 2.5 → 3, banker's rounding would give 2
    expect(applyRatio(f(25), r("0.1"))).toBe(3); // 2.5 → 3
    expect(applyRatio(f(5), r("0.1"))).toBe(1); // 0.5 → 1
    expect(applyRatio(f(4), r("0.1"))).toBe(0); // 0.4 → 0
    expect(applyRatio(f(1), r("0.65"))).toBe(1); // 0.65 → 1
    expect(applyRatio(f(1), r("0.45"))).toBe(0); // 0.45 → 0
    expect(applyRatio(f(1_100_000), r("0.65"))).toBe(715_000); // 11,000 yuan × 65% = 7,150 yuan
  });

  it("rounds just below and just above one half correctly", () => {
    expect(roundHalfUpDiv(499_999, 1_000_000)).toBe(0);
    expect(roundHalfUpDiv(500_000, 1_000_000)).toBe(1);
    expect(roundHalfUpDiv(500_001, 1_000_000)).toBe(1);
    expect(roundHalfUpDiv(1_499_999, 1_000_000)).toBe(1);
    expect(roundHalfUpDiv(1_500_000, 1_000_000)).toBe(2);
    expect(roundHalfUpDiv(0, 7)).toBe(0);
    expect(roundMicroFen(2_500_000)).toBe(3);
  });

  it("divides exactly for large values where a float quotient is off by one", () => {
    const max = Number.MAX_SAFE_INTEGER; // 9007199254740991
    expect(roundHalfUpDiv(max, 1)).toBe(max);
    expect(roundHalfUpDiv(max, 2)).toBe(4503599627370496); // 4503599627370495.5 → up
    expect(roundHalfUpDiv(max - 1, 2)).toBe(4503599627370495); // exact
    expect(roundHalfUpDiv(max, 10)).toBe(900719925474099); // …099.1
    expect(roundHalfUpDiv(max, 3)).toBe(3002399751580330); // …330.33
    expect(roundHalfUpDiv(max - 2, 4)).toBe(2251799813685247); // …247.25
    expect(roundHalfUpDiv(max - 4, 6)).toBe(1501199875790165); // 9007199254740987 / 6 = …164.5 → up
    expect(roundHalfUpDiv(max, max)).toBe(1);
    expect(roundHalfUpDiv(max - 1, max)).toBe(1);
    expect(roundHalfUpDiv(4503599627370495, max)).toBe(0); // just under one half
    expect(roundHalfUpDiv(4503599627370496, max)).toBe(1); // just over one half
  });

  it("agrees with exact BigInt half-up division over the whole safe range", () => {
    const safe = BigInt(Number.MAX_SAFE_INTEGER);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: safe }), fc.bigInt({ min: 1n, max: safe }), (n, d) => {
        expect(BigInt(roundHalfUpDiv(Number(n), Number(d)))).toBe((2n * n + d) / (2n * d));
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.bigInt({ min: safe - 1_000_000n, max: safe }), fc.bigInt({ min: 1n, max: 64n }), (n, d) => {
        expect(BigInt(roundHalfUpDiv(Number(n), Number(d)))).toBe((2n * n + d) / (2n * d));
      }),
      { numRuns: 300 },
    );
  });

  it("refuses inexact or negative divisions", () => {
    expect(() => roundHalfUpDiv(-1, 2)).toThrow(InvariantError);
    expect(() => roundHalfUpDiv(1, 0)).toThrow(InvariantError);
    expect(() => roundHalfUpDiv(Number.MAX_SAFE_INTEGER + 1, 2)).toThrow(InvariantError);
    expect(() => microFen(f(10_000_000_000), r("1"))).toThrow(InvariantError);
  });

  it("divides by a ratio with one half-up rounding (the large-amount capped-out base)", () => {
    expect(divideByRatio(f(1_000_000), r("0.8"))).toBe(1_250_000);
    expect(divideByRatio(f(1_000_000), r("0.7"))).toBe(1_428_571); // 1,428,571.43
    expect(divideByRatio(f(1), r("0.4"))).toBe(3); // 2.5 → 3
    expect(() => divideByRatio(f(1), RATIO_ZERO)).toThrow(InvariantError);
  });

  it("applyRatio is exact half-up rounding of amount × ratio", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_000_000_000 }), fc.integer({ min: 0, max: PPM }), (amount, ppm) => {
        const exact = (2n * BigInt(amount) * BigInt(ppm) + 1_000_000n) / 2_000_000n;
        expect(applyRatio(f(amount), ppm as Ratio)).toBe(Number(exact));
      }),
      { numRuns: 500 },
    );
  });
});

describe("quantities (cnt)", () => {
  it("parses up to four decimals and multiplies by a price with one half-up rounding", () => {
    expect(parseQuantity("0.5", "cnt")).toBe(5000);
    expect(parseQuantity(3, "cnt")).toBe(30_000);
    expect(quantityToNumber(parseQuantity("2.25", "cnt"))).toBe(2.25);
    expect(priceTimesCount(priceOfFen(f(3333)), parseQuantity("0.5", "cnt"))).toBe(1667); // 33.33 yuan × 0.5 = 16.665 → 16.67
    expect(priceTimesCount(priceOfFen(f(10_000)), parseQuantity(3, "cnt"))).toBe(30_000);
    expect(priceTimesCount(priceOfFen(f(1)), parseQuantity("0.0001", "cnt"))).toBe(0);
  });

  it("refuses zero, negatives and five decimals, naming the field", () => {
    for (const bad of [0, "0", -1, "1.23456", "abc", NaN, null]) {
      expect(domainError(() => parseQuantity(bad, "feedetail[0].cnt")).field).toBe("feedetail[0].cnt");
    }
  });
});
