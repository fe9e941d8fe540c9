import { describe, expect, it } from "vitest";
import { InvariantError } from "../../src/domain/errors.js";
import { emptyAccumulators } from "../../src/domain/settlement/accumulators.js";
import { MAX_LINES, settle } from "../../src/domain/settlement/engine.js";
import {
  CATALOGUE,
  category,
  domainError,
  employee,
  encounter,
  expectBalanced,
  inscp,
  line,
  person,
  POLICY,
  resident,
  settleOne,
  stepOf,
  yuan,
} from "./helpers.js";

describe("the worked check of settlement-spec.md (resident, level-3 inpatient, destitute)", () => {
  const destitute = resident(category("destitute", "2022-01-01"));
  const lines = [line("A01", "10000"), line("B10", "2000"), line("C03", "500")];
  const r = settleOne(encounter({ med_type: "21", level: "3", date: "2022-05-10" }), lines, { person: destitute });

  it("splits the lines: inscp 11,800, preselfpay 200, fulamt 500", () => {
    expect(r.setlinfo).toMatchObject({
      medfee_sumamt: 1_250_000,
      inscp_scp_amt: 1_180_000,
      preselfpay_amt: 20_000,
      fulamt_ownpay_amt: 50_000,
      overlmt_selfpay: 0,
    });
    expect(r.lines.map((l) => [l.inscp_scp_amt, l.preselfpay_amt, l.fulamt_ownpay_amt])).toEqual([
      [1_000_000, 0, 0],
      [180_000, 20_000, 0],
      [0, 0, 50_000],
    ]);
  });

  it("basic: D 800, b 11,000, hifp 7,150, pool 3,850", () => {
    expect(r.setlinfo.act_pay_dedc).toBe(80_000);
    expect(r.setlinfo.hifp_pay).toBe(715_000);
    expect(r.setlinfo.pool_prop_selfpay).toBe(385_000);
    expect(stepOf(r, "390100")).toMatchObject({ inscp_scp_amt: 1_100_000, crt_payb_lmt_amt: 15_000_000, fund_payamt: 715_000 });
  });

  it("critical illness: e = 4,650 is under the tilted deductible 7,500, so 0", () => {
    expect(r.setlinfo.hifmi_pay).toBe(0);
    const ci = stepOf(r, "390200");
    expect(ci).toMatchObject({ inscp_scp_amt: 465_000, fund_payamt: 0, crt_payb_lmt_amt: null });
    expect(r.tilt_category).toBe("destitute");
    expect(ci?.setl_proc_info).toContain("起付线7500.00元");
  });

  it("assistance: m = 4,650 at 100% → 4,650; totals 11,800 and 700", () => {
    expect(r.setlinfo.maf_pay).toBe(465_000);
    expect(r.assistance_category).toBe("destitute");
    expect(r.setlinfo.hifob_pay).toBe(0);
    expect(r.setlinfo.fund_pay_sumamt).toBe(1_180_000);
    expect(r.setlinfo.psn_part_amt).toBe(70_000);
    expect(r.setlinfo.psn_cash_pay).toBe(70_000);
    expect(r.setlinfo.acct_pay).toBe(0);
    expectBalanced(r);
  });

  it("setldetail has one row per fund that paid, each explained in words with its numbers", () => {
    expect(r.setldetail.map((d) => [d.fund_pay_type, d.fund_payamt])).toEqual([
      ["390100", 715_000],
      ["610100", 465_000],
    ]);
    expect(r.steps.map((s) => s.fund_pay_type)).toEqual(["390100", "390200", "610100"]);
    const basic = r.setldetail[0]!.setl_proc_info;
    for (const words of ["11800.00", "800.00", "11000.00", "65%", "7150.00", "150000.00"]) expect(basic).toContain(words);
    const assistance = r.setldetail[1]!.setl_proc_info;
    for (const words of ["特困人员", "4650.00", "100%", "100000.00"]) expect(assistance).toContain(words);
  });

  it("adds exactly its parts to the accumulators", () => {
    expect(r.delta).toEqual({
      outpatient_deductible_counted_fen: 0,
      outpatient_basic_paid_fen: 0,
      inpatient_chronic_basic_paid_fen: 715_000,
      chronic_basic_paid_fen: {},
      tier_two_base_fen: 465_000,
      critical_illness_paid_fen: 0,
      large_amount_paid_fen: 0,
      assistance_base_fen: 465_000,
      assistance_paid_fen: 465_000,
      supplementary_base_fen: {},
      supplementary_paid_fen: {},
    });
    expect(r.accumulators).toEqual({ year: 2022, ...r.delta });
    expect(r.warnings).toEqual([]);
    expect(r.policy_id).toBe("451000-2022");
  });
});

describe("Step 2 by the table: deductible and ratio by insurance type and level", () => {
  const cases = [
    { insutype: "390", level: "1", deductible: "200", pay: "9000" },
    { insutype: "390", level: "2", deductible: "500", pay: "8000" },
    { insutype: "390", level: "3", deductible: "800", pay: "6500" },
    { insutype: "310", level: "1", deductible: "300", pay: "9000" },
    { insutype: "310", level: "2", deductible: "600", pay: "8500" },
    { insutype: "310", level: "3", deductible: "900", pay: "8000" },
  ] as const;

  it.each(cases)("inpatient $insutype level $level: D $deductible, 10,000 above it pays $pay", ({ insutype, level, deductible, pay }) => {
    const I = yuan(deductible) + yuan(10_000);
    const r = settleOne(encounter({ med_type: "21", level }), [inscp((I / 100).toFixed(2))], { person: person({ insutype }) });
    expect(r.setlinfo.act_pay_dedc).toBe(yuan(deductible));
    expect(r.setlinfo.hifp_pay).toBe(yuan(pay));
    expect(r.setlinfo.pool_prop_selfpay).toBe(yuan(10_000) - yuan(pay));
    expectBalanced(r);
  });

  it.each(cases)("chronic $insutype level $level: no deductible, the inpatient ratio", ({ insutype, level, pay }) => {
    const r = settleOne(encounter({ med_type: "14", level, disease: "M07800" }), [inscp("10000")], { person: person({ insutype }) });
    expect(r.setlinfo.act_pay_dedc).toBe(0);
    expect(r.setlinfo.hifp_pay).toBe(yuan(pay));
    expect(r.delta.chronic_basic_paid_fen).toEqual({ M07800: yuan(pay) });
  });

  it("general outpatient: resident no deductible 50%; employee 500-yuan deductible 60%, at any level", () => {
    for (const level of ["1", "2", "3"] as const) {
      const res = settleOne(encounter({ med_type: "11", level }), [inscp("100")]);
      expect([res.setlinfo.act_pay_dedc, res.setlinfo.hifp_pay]).toEqual([0, 5000]);
      const emp = settleOne(encounter({ med_type: "11", level }), [inscp("1500")], { person: employee() });
      expect([emp.setlinfo.act_pay_dedc, emp.setlinfo.hifp_pay, emp.setlinfo.pool_prop_selfpay]).toEqual([50_000, 60_000, 40_000]);
      expect(emp.delta).toMatchObject({ outpatient_deductible_counted_fen: 50_000, outpatient_basic_paid_fen: 60_000 });
    }
  });

  it("general outpatient has no tier two and no assistance, even for a destitute person", () => {
    const r = settleOne(encounter({ med_type: "11" }), [inscp("1000")], { person: resident(category("destitute")) });
    expect(r.setlinfo).toMatchObject({ hifp_pay: 30_000, hifmi_pay: 0, maf_pay: 0, fund_pay_sumamt: 30_000, psn_part_amt: 70_000 });
    expect(r.steps.map((s) => s.fund_pay_type)).toEqual(["390100"]);
    expect(r.delta).toMatchObject({ tier_two_base_fen: 0, assistance_base_fen: 0 });
    expect(r.assistance_category).toBeNull();
  });

  it("a settlement with nothing in policy pays nothing and the patient pays all", () => {
    const r = settleOne(encounter(), [line("C03", "300"), line("NOPE", "200")], { person: resident(category("destitute")) });
    expect(r.setlinfo).toMatchObject({ medfee_sumamt: 50_000, fulamt_ownpay_amt: 50_000, inscp_scp_amt: 0, fund_pay_sumamt: 0, psn_part_amt: 50_000 });
    expect(r.setldetail).toEqual([]);
  });
});

describe("settle refuses what it cannot settle", () => {
  it("a person insured elsewhere than the policy's region", () => {
    const error = domainError(() => settleOne(encounter(), [inscp("10")], { person: person({ insuplc_admdvs: "360100" }) }));
    expect(error.field).toBe("insuplc_admdvs");
  });

  it("an insurance type without basic rules", () => {
    expect(domainError(() => settleOne(encounter(), [inscp("10")], { person: person({ insutype: "320" }) })).field).toBe("insutype");
  });

  it("more fee lines than the limit", () => {
    const lines = Array.from({ length: MAX_LINES + 1 }, () => inscp("1"));
    expect(domainError(() => settleOne(encounter(), lines)).field).toBe("feedetail");
  });

  it("accumulators of another year (a bug in the caller, not bad input)", () => {
    expect(() =>
      settle({ policy: POLICY, catalogue: CATALOGUE, person: resident(), accumulators: emptyAccumulators(2021), encounter: encounter(), lines: [inscp("10")] }),
    ).toThrow(InvariantError);
  });
});
