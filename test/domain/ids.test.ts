import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  isValidDate,
  parseDate,
  parseDateTime,
  parseRegionCode,
  parseResidentId,
  residentIdCheckChar,
  residentIdFacts,
  withinValidity,
} from "../../src/domain/ids.js";
import { domainError } from "./helpers.js";

describe("GB 11643 resident ID numbers", () => {
  it("computes the ISO 7064 MOD 11-2 check character of the standard's examples", () => {
    expect(residentIdCheckChar("11010519491231002")).toBe("X");
    expect(residentIdCheckChar("44052418800101001")).toBe("4");
  });

  it("accepts an ID with the computed check character, upper-casing a final x", () => {
    const first17 = "45100219900307201";
    const id = first17 + residentIdCheckChar(first17);
    expect(id).toBe("451002199003072017");
    expect(parseResidentId(id)).toBe(id);
    expect(parseResidentId("11010519491231002x")).toBe("11010519491231002X");
    expect(parseResidentId(` ${id} `)).toBe(id);
  });

  it("refuses a wrong check digit, naming the field and the expected character", () => {
    const error = domainError(() => parseResidentId("451002199003072018"));
    expect(error.field).toBe("certno");
    expect(error.rule).toContain("expected 7");
    expect(domainError(() => parseResidentId("451002199003072018", "person.certno")).field).toBe("person.certno");
  });

  it("every single-digit change of a valid ID is caught by the check character", () => {
    const id = "451002199003072017";
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 16 }), fc.integer({ min: 1, max: 9 }), (position, add) => {
        const digits = id.split("");
        digits[position] = String((Number(digits[position]) + add) % 10);
        const changed = digits.join("");
        expect(residentIdCheckChar(changed)).not.toBe(id[17]);
      }),
      { numRuns: 200 },
    );
  });

  it("refuses a bad shape, an unknown province and an impossible birth date", () => {
    const withCheck = (s: string) => s + residentIdCheckChar(s);
    expect(domainError(() => parseResidentId("45100219900307201")).rule).toMatch(/17 digits/);
    expect(domainError(() => parseResidentId(12345)).field).toBe("certno");
    expect(domainError(() => parseResidentId(withCheck("99100219900307201"))).rule).toMatch(/province/);
    expect(domainError(() => parseResidentId(withCheck("45100219900230201"))).rule).toMatch(/birth date/);
    expect(domainError(() => parseResidentId(withCheck("45100218991231201"))).rule).toMatch(/birth date/);
    expect(parseResidentId(withCheck("45100220000229201"))).toHaveLength(18); // a leap day
  });

  it("reads the birth date and the sex", () => {
    expect(residentIdFacts("451002199003072017")).toEqual({ brdy: "1990-03-07", gend: "1" });
    expect(residentIdFacts("11010519491231002X")).toEqual({ brdy: "1949-12-31", gend: "2" });
  });
});

describe("region codes (GB/T 2260)", () => {
  it("accepts 6-digit codes of known provinces, as text or number", () => {
    expect(parseRegionCode("451000")).toBe("451000");
    expect(parseRegionCode(360100)).toBe("360100");
    expect(parseRegionCode(" 110000 ")).toBe("110000");
  });

  it("refuses other shapes and unknown provinces, naming the field", () => {
    expect(domainError(() => parseRegionCode("45100")).field).toBe("admdvs");
    expect(domainError(() => parseRegionCode("4510000", "mdtrtarea_admvs")).field).toBe("mdtrtarea_admvs");
    expect(domainError(() => parseRegionCode("991000")).rule).toMatch(/province/);
    expect(domainError(() => parseRegionCode("00000a")).field).toBe("admdvs");
    expect(domainError(() => parseRegionCode(null)).field).toBe("admdvs");
  });
});

describe("dates and validity", () => {
  it("parses calendar dates and interface timestamps", () => {
    expect(parseDate("2024-02-29", "d")).toBe("2024-02-29");
    expect(domainError(() => parseDate("2022-02-29", "begntime")).field).toBe("begntime");
    expect(domainError(() => parseDate("2022-13-01", "d")).field).toBe("d");
    expect(domainError(() => parseDate("2022/01/01", "d")).field).toBe("d");
    expect(parseDateTime("2022-03-01", "setl_time")).toBe("2022-03-01 00:00:00");
    expect(parseDateTime("2022-03-01T10:05:09", "setl_time")).toBe("2022-03-01 10:05:09");
    expect(parseDateTime("2022-03-01 23:59:59", "setl_time")).toBe("2022-03-01 23:59:59");
    expect(domainError(() => parseDateTime("2022-03-01 24:00:00", "setl_time")).field).toBe("setl_time");
    expect(domainError(() => parseDateTime("2022-02-30 10:00:00", "setl_time")).field).toBe("setl_time");
    expect(isValidDate(2022, 2, 28)).toBe(true);
    expect(isValidDate(2022, 2, 29)).toBe(false);
    expect(isValidDate(2022, 0, 1)).toBe(false);
  });

  it("validity includes both ends; an absent end is open", () => {
    expect(withinValidity("2022-01-01", "2022-01-01", "2022-06-30")).toBe(true);
    expect(withinValidity("2022-06-30", "2022-01-01", "2022-06-30")).toBe(true);
    expect(withinValidity("2022-07-01", "2022-01-01", "2022-06-30")).toBe(false);
    expect(withinValidity("2021-12-31", "2022-01-01", "2022-06-30")).toBe(false);
    expect(withinValidity("2099-01-01", "2022-01-01", null)).toBe(true);
    expect(withinValidity("2099-01-01", "2022-01-01", undefined)).toBe(true);
  });
});
