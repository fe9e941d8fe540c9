import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { parsePolicy, policyId, type Policy } from "../../src/domain/reference/policy/schema.js";
import { selectPolicy } from "../../src/domain/reference/policy/select.js";
import { POLICIES_DIR, shippedPolicies, shippedPolicy } from "../../src/services/reference/shipped.js";
import { domainError, encounter, inscp, POLICY, settleOne } from "./helpers.js";

type Path = readonly (string | number)[];
type Node = Record<string | number, unknown>;
const REMOVE = Symbol("remove");

/** The reference policy document as written (yuan, decimals), to be broken one field at a time. */
function referenceDocument(): unknown {
  return parseYaml(readFileSync(`${POLICIES_DIR}451000-2022.yaml`, "utf8")) as unknown;
}

function at(doc: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, key) => (node as Node)[key], doc);
}

/** The error of parsing the reference document with the value at `path` replaced (or removed). */
function errorOf(path: Path, value: unknown) {
  const doc = referenceDocument();
  const parent = at(doc, path.slice(0, -1)) as Node;
  const key = path[path.length - 1]!;
  if (value === REMOVE) delete parent[key];
  else parent[key] = value;
  return domainError(() => parsePolicy(doc, "451000-2022.yaml"));
}

describe("the reference policy 451000/2022", () => {
  it("parses to the figures of settlement-spec.md, in fen and millionths", () => {
    const p = shippedPolicy("451000-2022");
    expect(policyId(p)).toBe("451000-2022");
    const resident = p.basic["390"]!;
    const employee = p.basic["310"]!;
    expect(resident.inpatient.deductible_by_level).toEqual({ "1": 20_000, "2": 50_000, "3": 80_000 });
    expect(employee.inpatient.deductible_by_level).toEqual({ "1": 30_000, "2": 60_000, "3": 90_000 });
    expect(resident.inpatient.ratio_by_level).toEqual({ "1": 900_000, "2": 800_000, "3": 650_000 });
    expect(employee.inpatient.ratio_by_level).toEqual({ "1": 900_000, "2": 850_000, "3": 800_000 });
    expect(resident.chronic.ratio_by_level).toEqual(resident.inpatient.ratio_by_level);
    expect(employee.chronic.ratio_by_level).toEqual(employee.inpatient.ratio_by_level);
    expect(resident.inpatient_chronic_annual_cap).toBe(15_000_000);
    expect(employee.inpatient_chronic_annual_cap).toBe(30_000_000);
    expect(resident.outpatient).toEqual({ annual_deductible: 0, ratio: 500_000, annual_cap: 30_000 });
    expect(employee.outpatient).toEqual({ annual_deductible: 50_000, ratio: 600_000, annual_cap: 200_000 });
    for (const basic of [resident, employee]) {
      expect(basic.chronic.diseases.map((d) => [d.code, d.annual_limit])).toEqual([
        ["M03900", 200_000],
        ["M01600", 300_000],
        ["M07800", 8_000_000],
        ["M00500", 8_000_000],
      ]);
    }
    const ci = p.critical_illness;
    expect(ci.deductible).toBe(1_500_000);
    expect(ci.bands).toEqual([
      { upto: 5_000_000, ratio: 600_000 },
      { upto: 10_000_000, ratio: 700_000 },
      { upto: null, ratio: 800_000 },
    ]);
    expect(ci.annual_cap).toBe(40_000_000);
    expect(ci.tilts.map((t) => [t.categories, t.deductible, t.ratio_points, t.cap_lifted])).toEqual([
      [["destitute", "orphan", "de_facto_orphan", "minimum_living", "low_income"], 750_000, 100_000, true],
      [["monitored"], 750_000, 50_000, true],
    ]);
    expect(p.large_amount).toMatchObject({ insutypes: ["310"], ratio: 900_000, annual_cap: 40_000_000 });
    expect(p.assistance.categories).toEqual({
      destitute: { deductible: 0, ratio: 1_000_000, annual_limit: 10_000_000 },
      orphan: { deductible: 0, ratio: 1_000_000, annual_limit: 10_000_000 },
      de_facto_orphan: { deductible: 0, ratio: 1_000_000, annual_limit: 10_000_000 },
      minimum_living: { deductible: 0, ratio: 800_000, annual_limit: 6_000_000 },
      low_income: { deductible: 100_000, ratio: 700_000, annual_limit: 5_000_000 },
      monitored: { deductible: 100_000, ratio: 600_000, annual_limit: 5_000_000 },
      illness_impoverished: { deductible: 500_000, ratio: 600_000, annual_limit: 5_000_000 },
    });
    expect(p.offsite.ratio_cut).toEqual({ long_term_residence: 0, referral: 0, emergency: 0, temporary: 100_000, none: 200_000 });
  });

  it("every shipped policy validates and is named by its id", () => {
    expect(shippedPolicies().map(policyId)).toEqual(["360100-2022", "451000-2022", "620100-2021"]);
  });

  it("parses its own document again to the same policy", () => {
    expect(parsePolicy(referenceDocument())).toEqual(shippedPolicy("451000-2022"));
  });
});

describe("policy validation names the path and the rule", () => {
  it("a band ratio of 1.5", () => {
    const error = errorOf(["critical_illness", "bands", 0, "ratio"], 1.5);
    expect(error.field).toBe("451000-2022.yaml.critical_illness.bands[0].ratio");
    expect(error.rule).toMatch(/exceed 1/);
  });

  it("a missing hospital level", () => {
    const error = errorOf(["basic", "390", "inpatient", "deductible_by_level", "3"], REMOVE);
    expect(error.field).toBe("451000-2022.yaml.basic.390.inpatient.deductible_by_level.3");
    const ratioError = errorOf(["basic", "310", "chronic", "ratio_by_level", "2"], REMOVE);
    expect(ratioError.field).toBe("451000-2022.yaml.basic.310.chronic.ratio_by_level.2");
  });

  it("an amount with three decimals or below zero", () => {
    expect(errorOf(["basic", "390", "inpatient_chronic_annual_cap"], 150000.001).field).toBe(
      "451000-2022.yaml.basic.390.inpatient_chronic_annual_cap",
    );
    expect(errorOf(["assistance", "categories", "low_income", "deductible"], -1).field).toBe(
      "451000-2022.yaml.assistance.categories.low_income.deductible",
    );
  });

  it("bands that do not rise, and an open band that is not last", () => {
    expect(errorOf(["critical_illness", "bands", 0, "upto"], 10000).field).toBe("451000-2022.yaml.critical_illness.bands[0].upto");
    expect(errorOf(["critical_illness", "bands", 1, "upto"], 50000).field).toBe("451000-2022.yaml.critical_illness.bands[1].upto");
    expect(errorOf(["critical_illness", "bands", 2, "upto"], 200000).rule).toMatch(/last band must be open/);
    expect(errorOf(["critical_illness", "bands", 1, "upto"], null).rule).toMatch(/only the last band/);
  });

  it("a tilted deductible above the deductible", () => {
    expect(errorOf(["critical_illness", "tilts", 1, "deductible"], 20000).field).toBe(
      "451000-2022.yaml.critical_illness.tilts[1].deductible",
    );
  });

  it("unknown categories, filing types, duplicate diseases and unknown keys", () => {
    expect(errorOf(["critical_illness", "tilts", 0, "categories"], ["pauper"]).field).toBe(
      "451000-2022.yaml.critical_illness.tilts[0].categories[0]",
    );
    expect(errorOf(["offsite", "ratio_cut", "emergency"], REMOVE).field).toBe("451000-2022.yaml.offsite.ratio_cut.emergency");
    expect(errorOf(["basic", "390", "chronic", "diseases", 4], { code: "M03900", name: "高血压", annual_limit: 1 }).rule).toMatch(
      /unique/,
    );
    expect(errorOf(["surprise"], 1).field).toBe("451000-2022.yaml");
    expect(errorOf(["admdvs"], "991000").field).toBe("451000-2022.yaml.admdvs");
  });

  it("tier-two rules for an insurance type without basic rules", () => {
    const error = errorOf(["basic", "310"], REMOVE);
    expect(error.field).toBe("451000-2022.yaml.basic");
    expect(error.rule).toMatch(/310/);
  });
});

describe("selectPolicy: the insured region's policy for the year of care, else its latest earlier one with a warning", () => {
  const ofYear = (year: number, admdvs = "451000"): Policy => ({ ...POLICY, admdvs, year });
  const policies = [ofYear(2020), ofYear(2022), ofYear(2025, "360100"), shippedPolicy("360100-2022")];

  it("takes the policy of the year of care without a warning", () => {
    const choice = selectPolicy(policies, "451000", "2022-12-31");
    expect(policyId(choice.policy)).toBe("451000-2022");
    expect(choice.warning).toBeNull();
    expect(policyId(selectPolicy(policies, "451000", "2020-01-01").policy)).toBe("451000-2020");
  });

  it("falls back to the latest earlier year of the same region, with a warning naming both years", () => {
    const next = selectPolicy(policies, "451000", "2023-01-01");
    expect(policyId(next.policy)).toBe("451000-2022");
    expect(next.warning).toContain("2023");
    expect(next.warning).toContain("2022");
    const between = selectPolicy(policies, "451000", "2021-06-15");
    expect(policyId(between.policy)).toBe("451000-2020");
    expect(between.warning).toContain("2021");
    expect(policyId(selectPolicy(policies, "360100", "2024-03-01").policy)).toBe("360100-2022");
  });

  it("refuses when the region has no policy at or before the year", () => {
    const error = domainError(() => selectPolicy(policies, "451000", "2019-12-31"));
    expect(error.field).toBe("insuplc_admdvs");
    expect(domainError(() => selectPolicy(policies, "110000", "2022-01-01")).rule).toMatch(/110000/);
  });

  it("the fallen-back policy settles care of the later year by its own figures", () => {
    const choice = selectPolicy([POLICY], "451000", "2023-02-01");
    expect(choice.warning).not.toBeNull();
    const r = settleOne(encounter({ date: "2023-02-01", level: "3" }), [inscp("10800")], { policy: choice.policy });
    expect(r.policy_id).toBe("451000-2022");
    expect(r.accumulators.year).toBe(2023);
    expect(r.setlinfo.act_pay_dedc).toBe(80_000);
    expect(r.setlinfo.hifp_pay).toBe(650_000);
  });
});
