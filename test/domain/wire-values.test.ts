import { readFileSync } from "node:fs";
import fc from "fast-check";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseDateTime, parseDay, parseYearMonth } from "../../src/domain/ids.js";
import { parseYuan, type Fen } from "../../src/domain/money.js";
import { parsePolicy } from "../../src/domain/reference/policy/schema.js";
import { medTypeRule } from "../../src/domain/reference/policy/select.js";
import { agreesWithinOneFen, parseQuantity, parseUnitPrice, priceOfFen, priceTimesCount, type Quantity, type UnitPrice } from "../../src/domain/quantity.js";
import { withoutOptionalNulls } from "../../src/gateway/his/lenient.js";
import { fromRoot } from "../../src/lib/paths.js";
import { shippedPolicies } from "../../src/services/reference/shipped.js";
import { medChrgitmType } from "../../src/wire/settlement.js";
import { domainError } from "./helpers.js";

describe("values as hospital systems write them", () => {
  it("amounts: SQL scale is the same amount, a digit below the fen is refused", () => {
    expect(parseYuan("12.5000", "x")).toBe(1250);
    expect(parseYuan("40.0000", "x")).toBe(4000);
    expect(parseYuan("0.010", "x")).toBe(1);
    expect(domainError(() => parseYuan("12.5001", "x")).rule).toBe('has more than two decimals: "12.5001"');
    expect(domainError(() => parseYuan(0.1 + 0.2, "x")).field).toBe("x");
  });

  it("unit prices take six decimals and counts four, zeros beyond allowed", () => {
    expect(parseUnitPrice("0.0833", "pric")).toBe(83_300);
    expect(parseUnitPrice(25.0, "pric")).toBe(25_000_000);
    expect(parseUnitPrice("100.123456", "pric")).toBe(100_123_456);
    expect(parseUnitPrice("1.50000000", "pric")).toBe(1_500_000);
    expect(domainError(() => parseUnitPrice("1.0000001", "pric")).rule).toBe("has more than six decimals: 1.0000001");
    expect(domainError(() => parseUnitPrice(-1, "pric")).rule).toMatch(/^must be a unit price in yuan/);
    expect(parseQuantity("12.5000", "cnt")).toBe(125_000);
    expect(parseQuantity(0.0833, "cnt")).toBe(833);
    expect(parseQuantity("40.000000", "cnt")).toBe(400_000);
    expect(domainError(() => parseQuantity("0.00001", "cnt")).rule).toBe("has more than four decimals: 0.00001");
  });

  it("price × count is exact and rounded once, half up: 0.0833 × 12 = 0.9996 → 1.00; 0.005 × 1 → 0.01; 0.0049999 × 1 → 0.00", () => {
    expect(priceTimesCount(parseUnitPrice("0.0833", "p"), parseQuantity(12, "c"))).toBe(100);
    expect(priceTimesCount(parseUnitPrice("0.005", "p"), parseQuantity(1, "c"))).toBe(1);
    expect(priceTimesCount(parseUnitPrice("0.004999", "p"), parseQuantity(1, "c"))).toBe(0);
    expect(priceTimesCount(parseUnitPrice("33.335", "p"), parseQuantity("0.5", "c"))).toBe(1667); // 16.6675
    // Past 2⁵³ (a 99,999,999.999999-yuan unit × 999,999.9999) the product is still exact.
    const big = priceTimesCount(parseUnitPrice("99999999.999999", "p"), parseQuantity("999999.9999", "c"));
    expect(BigInt(big)).toBe((99_999_999_999_999n * 9_999_999_999n + 50_000_000n) / 100_000_000n);
  });

  it("agrees with the BigInt product on random prices and counts, and allows a stated total exactly one fen off, not more", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000_000 }), fc.integer({ min: 1, max: 10_000_000 }), (p, c) => {
        const exact = BigInt(p) * BigInt(c);
        const rounded = (exact + 50_000_000n) / 100_000_000n;
        expect(BigInt(priceTimesCount(p as UnitPrice, c as Quantity))).toBe(rounded);
        const r = Number(rounded) as Fen;
        expect(agreesWithinOneFen(r, p as UnitPrice, c as Quantity)).toBe(true);
        // Whether r + 1 and r − 1 are within a fen depends on which side of the exact product they are: never two.
        expect(agreesWithinOneFen((r + 2) as Fen, p as UnitPrice, c as Quantity)).toBe(false);
      }),
      { numRuns: 500 },
    );
    const p = parseUnitPrice("0.0833", "p");
    const twelve = parseQuantity(12, "c");
    expect([99, 100, 101, 98].map((f) => agreesWithinOneFen(f as Fen, p, twelve))).toEqual([true, true, false, false]); // 0.9996
    expect(agreesWithinOneFen(500 as Fen, priceOfFen(250 as Fen), parseQuantity(2, "c"))).toBe(true);
  });

  it("times: ISO with T, fractions and offsets are the same instant in China time; dates and months in their forms", () => {
    expect(parseDateTime("2022-04-01T08:30:00", "t")).toBe("2022-04-01 08:30:00");
    expect(parseDateTime("2022-04-01T08:30:00.1234567+08:00", "t")).toBe("2022-04-01 08:30:00");
    expect(parseDateTime("2022-04-01T00:30:00.000Z", "t")).toBe("2022-04-01 08:30:00");
    expect(parseDateTime("2022-03-31T20:30:00-04:00", "t")).toBe("2022-04-01 08:30:00");
    expect(domainError(() => parseDateTime("2022-04-01 25:00:00", "t")).field).toBe("t");
    expect(parseDay("2026-12-01 00:00:00", "d")).toBe("2026-12-01");
    expect(parseDay("2026-12-31", "d")).toBe("2026-12-31");
    expect(domainError(() => parseDay("2026-13-01", "d")).rule).toMatch(/^must be a date YYYY-MM-DD/);
    expect(["202204", "2022-04", "2022/04", "20220430", "2022-04-30 18:00:00", 202204].map((v) => parseYearMonth(v, "cum_ym"))).toEqual(Array(6).fill("202204"));
    expect(domainError(() => parseYearMonth("202213", "cum_ym")).rule).toMatch(/^must be a month yyyyMM/);
    expect(domainError(() => parseYearMonth("2022-02-30", "cum_ym")).field).toBe("cum_ym");
  });
});

describe("null and \"\" as absent, at the edge", () => {
  const schema = z.object({
    required: z.string(),
    text: z.string().optional(),
    amount: z.number().optional(),
    list: z.array(z.object({ a: z.string(), b: z.string().optional() })).default([]),
    nested: z.object({ c: z.string().optional() }).optional(),
  });

  it("drops a null or an \"\" the optional field cannot take, keeps the rest, and leaves a required null to be refused", () => {
    const value = { required: "x", text: null, amount: "", list: [{ a: "1", b: null }], nested: { c: null }, extra: null };
    expect(withoutOptionalNulls(schema, value)).toEqual({ required: "x", list: [{ a: "1" }], nested: {}, extra: null });
    expect(withoutOptionalNulls(schema, { required: "x", text: "" })).toEqual({ required: "x", text: "" });
    expect(withoutOptionalNulls(schema, { required: "x", list: null })).toEqual({ required: "x" });
    const refused = schema.safeParse(withoutOptionalNulls(schema, { required: null, list: [{ a: null }] }));
    expect(refused.success).toBe(false);
    expect(refused.error?.issues.map((i) => i.path.join("."))).toEqual(["required", "list.0.a"]);
    expect(value.text).toBeNull(); // the value as received is not changed
  });
});

describe("medical types by policy", () => {
  const baise = shippedPolicies().find((p) => p.admdvs === "451000");

  it("451000 settles 12/13/41 as 11 and 22/24/28 as 21, and says which it does not pay", () => {
    if (!baise) throw new Error("the 451000 policy is shipped");
    expect(["11", "12", "13", "14", "41", "21", "22", "24", "28"].map((m) => medTypeRule(baise, m))).toEqual(["11", "11", "11", "14", "11", "21", "21", "21", "21"]);
    expect(domainError(() => medTypeRule(baise, "52")).rule).toBe("52 (生育住院) is not paid by the policy of 451000 for 2022: it gives no settlement rule for it");
    expect(domainError(() => medTypeRule(baise, "77")).rule).toMatch(/^77 is not a national medical type/);
  });

  it("a policy may not move 11, 14 or 21 off their own rules, nor settle inpatient care as outpatient", () => {
    if (!baise) throw new Error("the 451000 policy is shipped");
    const document = parseYaml(readFileSync(fromRoot("policies", "451000-2022.yaml"), "utf8")) as Record<string, unknown>;
    const doc = (med_types: unknown) => ({ ...document, med_types });
    expect(parsePolicy(document).med_types["22"]).toEqual({ rule: "21", note: "外伤住院：按普通住院结算" });
    expect(domainError(() => parsePolicy(doc({ "11": { rule: "14" } }))).field).toBe("policy.med_types.11.rule");
    expect(domainError(() => parsePolicy(doc({ "22": { rule: "11" } }))).rule).toBe("22 is inpatient care: its rule must be 21");
    expect(domainError(() => parsePolicy(doc({ "99": { rule: "11" } }))).message).toBe('policy.med_types: Unrecognized key: "99"');
  });
});

describe("med_chrgitm_type", () => {
  it("is read from the code's letter for drugs, 08 for materials, and the name's kind for services", () => {
    const t = (med_list_codg: string, med_list_name: string | null, list_type: "drug" | "service" | "material" | null) => medChrgitmType({ med_list_codg, med_list_name, list_type });
    expect([t("XJ01", "阿莫西林", "drug"), t("ZZ99", "人参养荣丸", "drug"), t("T001", "饮片", "drug"), t("C03", "支架", "material")]).toEqual(["09", "11", "10", "08"]);
    expect([t("0011", "床位费(三人间)", "service"), t("0012", "普通门诊诊查费", "service"), t("0031", "血液透析", "service"), t("0099", "别的", "service")]).toEqual(["01", "02", "05", "14"]);
  });
});
