import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvariantError } from "../../src/domain/errors.js";
import {
  addFen,
  fen,
  formatYuan,
  maxFen,
  minFen,
  parseYuan,
  room,
  subFen,
  sumFen,
  toYuan,
  ZERO,
  type Fen,
} from "../../src/domain/money.js";
import { domainError } from "./helpers.js";

describe("parseYuan", () => {
  it("accepts yuan as text and as a JSON number, to the fen", () => {
    expect(parseYuan("23442.46", "pric")).toBe(2344246);
    expect(parseYuan(23442.46, "pric")).toBe(2344246);
    expect(parseYuan("0.1", "pric")).toBe(10);
    expect(parseYuan("0.01", "pric")).toBe(1);
    expect(parseYuan(100, "pric")).toBe(10000);
    expect(parseYuan("  12.5 ", "pric")).toBe(1250);
    expect(parseYuan("0", "pric")).toBe(0);
    expect(parseYuan(0.07, "pric")).toBe(7);
  });

  it("refuses three decimals, naming the field", () => {
    const error = domainError(() => parseYuan("1.234", "encounters[0].feedetail[0].pric"));
    expect(error.field).toBe("encounters[0].feedetail[0].pric");
    expect(error.rule).toMatch(/two decimals/);
    expect(domainError(() => parseYuan(100.123, "pric")).field).toBe("pric");
    expect(domainError(() => parseYuan("0.001", "pric")).field).toBe("pric");
  });

  it("refuses float noise such as 0.1 + 0.2 instead of rounding it away", () => {
    expect(domainError(() => parseYuan(0.1 + 0.2, "pric")).field).toBe("pric");
    expect(domainError(() => parseYuan(1.005 * 1000, "pric")).field).toBe("pric"); // 1004.9999999999999
  });

  it("refuses NaN, infinities, exponents and things that are not amounts", () => {
    for (const bad of [NaN, Infinity, -Infinity, "NaN", "1e3", "1E3", 1e21, "", " ", "abc", "1,000.00", "¥12", "12.", ".5", "+5", null, undefined, {}, [], true]) {
      const error = domainError(() => parseYuan(bad, "balc"));
      expect(error.field).toBe("balc");
    }
  });

  it("refuses negatives unless allowed, naming the field", () => {
    const error = domainError(() => parseYuan("-0.01", "det_item_fee_sumamt"));
    expect(error.field).toBe("det_item_fee_sumamt");
    expect(error.rule).toMatch(/negative/);
    expect(domainError(() => parseYuan(-5, "balc")).field).toBe("balc");
    expect(parseYuan("-5.5", "correction", { allowNegative: true })).toBe(-550);
    expect(parseYuan(-0.01, "correction", { allowNegative: true })).toBe(-1);
  });

  it("refuses amounts beyond exact integers", () => {
    expect(domainError(() => parseYuan("900719925474099.92", "pric")).field).toBe("pric");
    expect(parseYuan("90071992547409.91", "pric")).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe("toYuan and formatYuan", () => {
  it("give yuan as a JSON number and as text with two decimals", () => {
    expect(toYuan(2344246 as Fen)).toBe(23442.46);
    expect(toYuan(5 as Fen)).toBe(0.05);
    expect(toYuan(ZERO)).toBe(0);
    expect(formatYuan(123450 as Fen)).toBe("1234.50");
    expect(formatYuan(5 as Fen)).toBe("0.05");
    expect(formatYuan(ZERO)).toBe("0.00");
    expect(formatYuan(-5 as Fen)).toBe("-0.05");
    expect(formatYuan(-123456 as Fen)).toBe("-1234.56");
    expect(formatYuan(40_000_000 as Fen)).toBe("400000.00");
  });

  it("round-trip every amount to the fen, through text and through a JSON number", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000_000_000 }), (n) => {
        const f = fen(n);
        expect(parseYuan(formatYuan(f), "x")).toBe(n);
        expect(parseYuan(toYuan(f), "x")).toBe(n);
        expect(parseYuan(JSON.parse(JSON.stringify(toYuan(f))), "x")).toBe(n);
      }),
      { numRuns: 500 },
    );
  });
});

describe("fen arithmetic", () => {
  it("keeps integers and never lets a cap's room go below zero", () => {
    expect(fen(15)).toBe(15);
    expect(() => fen(1.5)).toThrow(InvariantError);
    expect(() => fen(Number.MAX_SAFE_INTEGER + 1)).toThrow(InvariantError);
    expect(addFen(fen(100), fen(1))).toBe(101);
    expect(subFen(fen(100), fen(1))).toBe(99);
    expect(minFen(fen(3), fen(1), fen(2))).toBe(1);
    expect(maxFen(fen(3), fen(1), fen(2))).toBe(3);
    expect(sumFen([fen(1), fen(2), fen(3)])).toBe(6);
    expect(sumFen([])).toBe(0);
    expect(room(fen(30_000), fen(10_000))).toBe(20_000);
    expect(room(fen(30_000), fen(30_000))).toBe(0);
    expect(room(fen(30_000), fen(30_001))).toBe(0);
  });
});
