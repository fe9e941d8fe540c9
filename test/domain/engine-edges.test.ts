/**
 * One test per rule and band edge of settlement-spec.md, on the reference policy 451000/2022. Amounts are derived in the
 * comments in yuan; assertions are in fen.
 */
import { describe, expect, it } from "vitest";
import type { Category, FilingType } from "../../src/domain/codes.js";
import { InvariantError } from "../../src/domain/errors.js";
import type { Fen } from "../../src/domain/money.js";
import { chooseAssistance } from "../../src/domain/settlement/assistance.js";
import { applyDelta, emptyAccumulators, reverseDelta } from "../../src/domain/settlement/accumulators.js";
import { categoriesOn } from "../../src/domain/settlement/engine.js";
import { bandParts, payOfParts, settleCriticalIllness } from "../../src/domain/settlement/tierTwo.js";
import { shippedCatalogue } from "../../src/services/reference/shipped.js";
import {
  category,
  domainError,
  employee,
  encounter,
  expectBalanced,
  inscp,
  line,
  OFFSITE,
  person,
  POLICY,
  resident,
  settleOne,
  settleSequence,
  stepOf,
  yuan,
} from "./helpers.js";

const CI = POLICY.critical_illness;

describe("inpatient deductible per admission", () => {
  it("I == D: all of it is deductible, nothing is paid", () => {
    const r = settleOne(encounter({ level: "3" }), [inscp("800")]);
    expect(r.setlinfo).toMatchObject({ act_pay_dedc: 80_000, hifp_pay: 0, pool_prop_selfpay: 0 });
    expect(r.delta.tier_two_base_fen).toBe(80_000);
    expectBalanced(r);
  });

  it("I == D + 1 fen: the base is 1 fen, 65% of it rounds half up to 1 fen", () => {
    const r = settleOne(encounter({ level: "3" }), [inscp("800.01")]);
    expect(r.setlinfo).toMatchObject({ act_pay_dedc: 80_000, hifp_pay: 1, pool_prop_selfpay: 0 });
  });

  it("I < D: the deductible counted is I", () => {
    const r = settleOne(encounter({ level: "3" }), [inscp("799.99")]);
    expect(r.setlinfo).toMatchObject({ act_pay_dedc: 79_999, hifp_pay: 0, pool_prop_selfpay: 0 });
  });

  it("employee level 3: D + 1 fen pays round(0.8) = 1, D + 2 fen round(1.6) = 2, D + 3 fen round(2.4) = 2", () => {
    const pay = (amount: string) => settleOne(encounter({ level: "3" }), [inscp(amount)], { person: employee() }).setlinfo.hifp_pay;
    expect([pay("900"), pay("900.01"), pay("900.02"), pay("900.03")]).toEqual([0, 1, 2, 2]);
  });

  it("every admission pays its own deductible", () => {
    const rs = settleSequence(resident(), [
      { enc: encounter({ level: "3", date: "2022-02-01" }), lines: [inscp("10800")] },
      { enc: encounter({ level: "3", date: "2022-03-01" }), lines: [inscp("10800")] },
    ]);
    expect(rs.map((r) => [r.setlinfo.act_pay_dedc, r.setlinfo.hifp_pay])).toEqual([
      [80_000, 650_000],
      [80_000, 650_000],
    ]);
  });
});

describe("general outpatient: annual deductible and annual cap", () => {
  it("employee: the 500-yuan annual deductible is met across two visits", () => {
    const rs = settleSequence(employee(), [
      { enc: encounter({ med_type: "11", date: "2022-01-10" }), lines: [inscp("300")] }, // all deductible
      { enc: encounter({ med_type: "11", date: "2022-02-10" }), lines: [inscp("400")] }, // 200 left of it; 200 × 60% = 120
      { enc: encounter({ med_type: "11", date: "2022-03-10" }), lines: [inscp("100")] }, // met; 100 × 60% = 60
    ]);
    expect(rs.map((r) => [r.setlinfo.act_pay_dedc, r.setlinfo.hifp_pay, r.setlinfo.pool_prop_selfpay])).toEqual([
      [30_000, 0, 0],
      [20_000, 12_000, 8000],
      [0, 6000, 4000],
    ]);
    expect(rs[2]!.accumulators).toMatchObject({ outpatient_deductible_counted_fen: 50_000, outpatient_basic_paid_fen: 18_000 });
    expect(rs[1]!.steps[0]!.setl_proc_info).toContain("尚余200.00元");
  });

  it("employee: the 2,000-yuan outpatient cap", () => {
    const r = settleOne(encounter({ med_type: "11" }), [inscp("1000")], {
      person: employee(),
      accumulators: { outpatient_deductible_counted_fen: yuan(500), outpatient_basic_paid_fen: yuan("1995") },
    });
    expect(r.setlinfo).toMatchObject({ hifp_pay: 500, pool_prop_selfpay: 99_500, hifob_pay: 0 });
    expect(r.steps.map((s) => s.fund_pay_type)).toEqual(["310100"]);
  });

  it("resident: the 300-yuan outpatient cap, then nothing, while inpatient keeps its own cap", () => {
    const rs = settleSequence(resident(), [
      { enc: encounter({ med_type: "11", date: "2022-01-10" }), lines: [inscp("500")] }, // 250
      { enc: encounter({ med_type: "11", date: "2022-02-10" }), lines: [inscp("200")] }, // raw 100, room 50
      { enc: encounter({ med_type: "11", date: "2022-03-10" }), lines: [inscp("100")] }, // room 0
      { enc: encounter({ med_type: "21", level: "3", date: "2022-04-10" }), lines: [inscp("10800")] },
    ]);
    expect(rs.map((r) => r.setlinfo.hifp_pay)).toEqual([25_000, 5000, 0, 650_000]);
    expect(rs.map((r) => stepOf(r, "390100")!.crt_payb_lmt_amt)).toEqual([30_000, 5000, 0, 15_000_000]);
    expect(rs[1]!.setlinfo.pool_prop_selfpay).toBe(15_000);
    expect(rs[3]!.accumulators).toMatchObject({ outpatient_basic_paid_fen: 30_000, inpatient_chronic_basic_paid_fen: 650_000 });
  });

  it("a cap's remaining room is never below 0", () => {
    const r = settleOne(encounter({ med_type: "11" }), [inscp("100")], { accumulators: { outpatient_basic_paid_fen: yuan("300.01") } });
    expect(r.setlinfo.hifp_pay).toBe(0);
    expect(stepOf(r, "390100")!.crt_payb_lmt_amt).toBe(0);
  });
});

describe("chronic and special diseases: per-disease limit and the shared annual cap", () => {
  it("hypertension M03900: 2,000 yuan a year, other diseases keep their own limits", () => {
    const chronic = (disease: string, amount: string, date: string) => ({ enc: encounter({ med_type: "14", level: "1", disease, date }), lines: [inscp(amount)] });
    const rs = settleSequence(resident(), [
      chronic("M03900", "1500", "2022-01-05"), // 1,350
      chronic("M03900", "1000", "2022-02-05"), // raw 900, 650 left
      chronic("M03900", "100", "2022-03-05"), // limit used up
      chronic("M01600", "1000", "2022-04-05"), // diabetes: 900
    ]);
    expect(rs.map((r) => [r.setlinfo.act_pay_dedc, r.setlinfo.hifp_pay, r.setlinfo.pool_prop_selfpay])).toEqual([
      [0, 135_000, 15_000],
      [0, 65_000, 35_000],
      [0, 0, 10_000],
      [0, 90_000, 10_000],
    ]);
    expect(rs.map((r) => stepOf(r, "390100")!.crt_payb_lmt_amt)).toEqual([200_000, 65_000, 0, 300_000]);
    expect(rs[3]!.accumulators.chronic_basic_paid_fen).toEqual({ M03900: 200_000, M01600: 90_000 });
    expect(rs[3]!.accumulators.inpatient_chronic_basic_paid_fen).toBe(290_000);
    expect(rs[3]!.accumulators.tier_two_base_fen).toBe(70_000);
  });

  it("refuses a chronic settlement whose opsp_dise_code is not in the policy's list", () => {
    const unknown = domainError(() => settleOne(encounter({ med_type: "14", disease: "M99999" }), [inscp("100")]));
    expect(unknown.field).toBe("opsp_dise_code");
    expect(unknown.rule).toContain("M99999");
    expect(domainError(() => settleOne(encounter({ med_type: "14", disease: null }), [inscp("100")])).field).toBe("opsp_dise_code");
  });

  it("inpatient and chronic share the 150,000-yuan resident cap", () => {
    const rs = settleSequence(resident(), [
      { enc: encounter({ med_type: "21", level: "1", date: "2022-01-05" }), lines: [inscp("150200")] }, // 135,000
      { enc: encounter({ med_type: "14", level: "1", disease: "M07800", date: "2022-02-05" }), lines: [inscp("20000")] }, // raw 18,000, room 15,000
      { enc: encounter({ med_type: "21", level: "1", date: "2022-03-05" }), lines: [inscp("1000")] }, // room 0
      { enc: encounter({ med_type: "11", date: "2022-04-05" }), lines: [inscp("100")] }, // outpatient: its own cap
    ]);
    expect(rs.map((r) => r.setlinfo.hifp_pay)).toEqual([13_500_000, 1_500_000, 0, 5000]);
    expect(rs[1]!.setlinfo.pool_prop_selfpay).toBe(500_000);
    expect(rs[2]!.setlinfo).toMatchObject({ act_pay_dedc: 20_000, pool_prop_selfpay: 80_000 });
    expect(rs.every((r) => r.setlinfo.hifob_pay === 0)).toBe(true); // residents have no large-amount fund
    expect(rs[3]!.accumulators.inpatient_chronic_basic_paid_fen).toBe(15_000_000);
  });
});

describe("resident critical illness: band edges (untilted; level-3 stays under the deductible, so e = I)", () => {
  const small = (A0: string, amount: string, p = resident()) =>
    settleOne(encounter({ level: "3" }), [inscp(amount)], { person: p, accumulators: { tier_two_base_fen: yuan(A0) } });

  it.each([
    ["14999.90", "0.10", 0, "ends exactly at the 15,000 deductible"],
    ["15000", "0.10", 6, "starts at 15,000: 10 fen × 60%"],
    ["49999.90", "0.10", 6, "ends exactly at 50,000: still the 60% band"],
    ["50000", "0.10", 7, "starts at 50,000: the 70% band"],
    ["99999.90", "0.10", 7, "ends exactly at 100,000: still the 70% band"],
    ["100000", "0.10", 8, "starts at 100,000: the 80% band"],
    ["14999.99", "0.02", 1, "1 fen below, 1 fen above the deductible: 0.6 → 1"],
    ["49999.99", "0.02", 1, "across 50,000 with one rounding: 0.6 + 0.7 = 1.3 → 1 (rounding per band would give 2)"],
    ["99999.99", "0.02", 2, "across 100,000: 0.7 + 0.8 = 1.5 → 2"],
  ] as const)("A0 %s, e %s → %i fen (%s)", (A0, e, pay, _why) => {
    const r = small(A0, e);
    expect(r.delta.tier_two_base_fen).toBe(yuan(e));
    expect(r.setlinfo.hifmi_pay).toBe(pay);
    expect(r.accumulators.tier_two_base_fen).toBe(yuan(A0) + yuan(e));
  });

  it("a settlement whose base ends exactly at 15,000 pays nothing; the next pays from 15,000", () => {
    const rs = settleSequence(resident(), [
      { enc: encounter({ level: "1", date: "2022-01-05" }), lines: [inscp("148200")] }, // b 148,000, hifp 133,200, e 200 + 14,800
      { enc: encounter({ level: "3", date: "2022-02-05" }), lines: [inscp("500")] }, // e 500 × 60%
    ]);
    expect(rs[0]!.setlinfo).toMatchObject({ hifp_pay: 13_320_000, hifmi_pay: 0 });
    expect(rs[0]!.accumulators.tier_two_base_fen).toBe(1_500_000);
    expect(rs[1]!.setlinfo.hifmi_pay).toBe(30_000);
  });

  // Level 2, I = 98,000: b 97,500, hifp 78,000, e = 500 + 19,500 = 20,000.
  const big = (A0: string, p = resident(), date = "2022-04-01") =>
    settleOne(encounter({ level: "2", date }), [inscp("98000")], { person: p, accumulators: { tier_two_base_fen: yuan(A0) } });

  it.each([
    ["0", 300_000, "5,000 × 60%"],
    ["35000", 1_250_000, "15,000 × 60% + 5,000 × 70%"],
    ["40000", 1_300_000, "10,000 × 60% + 10,000 × 70%"],
    ["90000", 1_500_000, "10,000 × 70% + 10,000 × 80%"],
    ["200000", 1_600_000, "20,000 × 80%"],
  ] as const)("crossing bands in one settlement: A0 %s, e 20,000 → %i fen (%s)", (A0, pay, _why) => {
    const r = big(A0);
    expect(r.setlinfo.hifp_pay).toBe(7_800_000);
    expect(r.delta.tier_two_base_fen).toBe(2_000_000);
    expect(r.setlinfo.hifmi_pay).toBe(pay);
    expectBalanced(r);
  });

  it("the explanation names each band part, its ratio, the cap and the payment", () => {
    const text = stepOf(big("40000"), "390200")!.setl_proc_info;
    for (const words of ["40000.00元→60000.00元", "起付线15000.00元", "40000.00–50000.00元段10000.00元×60%", "50000.00–60000.00元段10000.00元×70%", "13000.00元", "400000.00", "本次支付13000.00元"]) {
      expect(text).toContain(words);
    }
  });

  it("bandParts and payOfParts: one rounding of the sum over bands", () => {
    const parts = bandParts(4_999_999 as Fen, 10_000_001 as Fen, CI.deductible, CI, 0 as never);
    expect(parts.map((p) => [p.from, p.to, p.ratio])).toEqual([
      [4_999_999, 5_000_000, 600_000],
      [5_000_000, 10_000_000, 700_000],
      [10_000_000, 10_000_001, 800_000],
    ]);
    expect(payOfParts(parts)).toBe(3_500_001); // 0.6 + 3,500,000 + 0.8 = 3,500,001.4
    expect(bandParts(0 as Fen, 1_500_000 as Fen, CI.deductible, CI, 0 as never)).toEqual([]);
  });
});

describe("critical illness cap 400,000, lifted for the tilted", () => {
  // Level 2, I = 1,000,000: b 999,500, raw 799,600 capped at 150,000; pool 849,500; e = 850,000.
  const huge = (p = resident(), accumulators = {}) => settleOne(encounter({ level: "2" }), [inscp("1000000")], { person: p, accumulators });

  it("untilted: 35,000 × 60% + 50,000 × 70% + 750,000 × 80% = 656,000, capped at 400,000", () => {
    const r = huge();
    expect(r.setlinfo).toMatchObject({ hifp_pay: 15_000_000, pool_prop_selfpay: 84_950_000, hifmi_pay: 40_000_000, maf_pay: 0 });
    expect(stepOf(r, "390200")).toMatchObject({ inscp_scp_amt: 85_000_000, crt_payb_lmt_amt: 40_000_000, fund_payamt: 40_000_000 });
    expect(stepOf(r, "390200")!.setl_proc_info).toContain("656000.00元");
    expect(r.setlinfo.psn_part_amt).toBe(100_000_000 - 15_000_000 - 40_000_000);
    // the cap is used up: the next settlement gets nothing from critical illness, though its base still accumulates
    const next = settleOne(encounter({ level: "3" }), [inscp("800")], { accumulators: r.accumulators });
    expect(next.setlinfo.hifmi_pay).toBe(0);
    expect(stepOf(next, "390200")!.crt_payb_lmt_amt).toBe(0);
    expect(next.accumulators.tier_two_base_fen).toBe(85_080_000);
  });

  it("1 fen of room left pays 1 fen", () => {
    expect(huge(resident(), { critical_illness_paid_fen: yuan("399999.99") }).setlinfo.hifmi_pay).toBe(1);
  });

  it("destitute: 42,500 × 70% + 50,000 × 80% + 750,000 × 90% = 744,750 with no cap; assistance to its 100,000 limit", () => {
    const r = huge(resident(category("destitute")));
    expect(r.setlinfo).toMatchObject({ hifp_pay: 15_000_000, hifmi_pay: 74_475_000, maf_pay: 10_000_000 });
    expect(stepOf(r, "390200")!.crt_payb_lmt_amt).toBeNull();
    expect(stepOf(r, "390200")!.setl_proc_info).toContain("不设封顶线");
    expect(stepOf(r, "610100")).toMatchObject({ inscp_scp_amt: 10_525_000, crt_payb_lmt_amt: 10_000_000, fund_payamt: 10_000_000 });
    expect(r.setlinfo).toMatchObject({ fund_pay_sumamt: 99_475_000, psn_part_amt: 525_000 });
    // uncapped payments still count as paid; a tilted person is never stopped by it
    expect(r.accumulators.critical_illness_paid_fen).toBe(74_475_000);
    expect(huge(resident(category("destitute")), { critical_illness_paid_fen: yuan(500_000) }).setlinfo.hifmi_pay).toBe(74_475_000);
  });

  it("monitored: 42,500 × 65% + 50,000 × 75% + 750,000 × 85% = 702,625 with no cap", () => {
    expect(huge(resident(category("monitored"))).setlinfo.hifmi_pay).toBe(70_262_500);
  });
});

describe("tilts: the most favourable category valid on the date of care (e = 20,000 from A0 = 0)", () => {
  // Level 2, I = 98,000 on 2022-04-01: hifp 78,000, e = 20,000.
  const at = (categories: ReturnType<typeof category>[], date = "2022-04-01") =>
    settleOne(encounter({ level: "2", date }), [inscp("98000")], { person: resident(...categories) });

  it("no category: (15,000, 20,000] × 60% = 3,000", () => {
    const r = at([]);
    expect(r.setlinfo.hifmi_pay).toBe(300_000);
    expect(r.tilt_category).toBeNull();
  });

  it.each(["destitute", "orphan", "de_facto_orphan", "minimum_living", "low_income"] as const)(
    "%s: deductible 7,500, +10 points: 12,500 × 70% = 8,750",
    (c) => {
      const r = at([category(c)]);
      expect(r.setlinfo.hifmi_pay).toBe(875_000);
      expect(r.tilt_category).toBe(c);
    },
  );

  it("monitored: deductible 7,500, +5 points: 12,500 × 65% = 8,125", () => {
    const r = at([category("monitored")]);
    expect(r.setlinfo.hifmi_pay).toBe(812_500);
    expect(r.tilt_category).toBe("monitored");
  });

  it.each(["lifted", "illness_impoverished"] as const)("%s has no tilt", (c) => {
    const r = at([category(c)]);
    expect(r.setlinfo.hifmi_pay).toBe(300_000);
    expect(r.tilt_category).toBeNull();
  });

  it("two categories held: the more favourable tilt applies, whatever their order", () => {
    for (const cs of [["monitored", "low_income"], ["low_income", "monitored"]] as const) {
      const r = at(cs.map((c) => category(c)));
      expect(r.setlinfo.hifmi_pay).toBe(875_000);
      expect(r.tilt_category).toBe("low_income");
      // assistance: low_income (70%) over monitored (60%), both with deductible 1,000: (11,250 − 1,000) × 70%
      expect(r.assistance_category).toBe("low_income");
      expect(r.setlinfo.maf_pay).toBe(717_500);
    }
  });

  it("a category whose validity ended the day before the date of care does not apply", () => {
    const r = at([category("destitute", "2021-01-01", "2022-03-31")]);
    expect(r.setlinfo.hifmi_pay).toBe(300_000);
    expect(r.tilt_category).toBeNull();
    expect(r.assistance_category).toBeNull();
    expect(r.setlinfo.maf_pay).toBe(0);
    expect(r.steps.map((s) => s.fund_pay_type)).toEqual(["390100", "390200"]);
  });

  it("validity includes both ends, by the date of care whatever the time of day", () => {
    expect(at([category("destitute", "2022-04-01", "2022-04-01")]).setlinfo.hifmi_pay).toBe(875_000);
    expect(at([category("destitute", "2022-04-01 23:00:00", "2022-04-01 08:00:00")]).setlinfo.hifmi_pay).toBe(875_000);
    expect(at([category("destitute", "2022-04-02", null)]).setlinfo.hifmi_pay).toBe(300_000);
    expect(at([category("destitute", "2021-01-01", null)]).setlinfo.hifmi_pay).toBe(875_000);
    expect([...categoriesOn([category("monitored", "2022-01-01", "2022-03-31"), category("lifted", "2022-03-31")], "2022-03-31")]).toEqual([
      "monitored",
      "lifted",
    ]);
  });

  it("the tilt and the assistance category are chosen independently", () => {
    const r = at([category("monitored"), category("illness_impoverished")]);
    expect(r.tilt_category).toBe("monitored");
    expect(r.assistance_category).toBe("monitored"); // 60% both; deductible 1,000 below 5,000
    // m = 98,000 − 78,000 − 8,125 = 11,875; (11,875 − 1,000) × 60% = 6,525
    expect(r.setlinfo.maf_pay).toBe(652_500);
  });

  it("settleCriticalIllness applies the held tilt to the accumulated base", () => {
    const r = settleCriticalIllness(CI, yuan(100), yuan(20_000), yuan(0), new Set<Category>(["destitute"]));
    expect(r.hifmi_pay).toBe(7000); // 100 × 70%
    expect(r.tiltCategory).toBe("destitute");
  });

  it("the tilt held applies, and is explained, even when this settlement stays under every deductible", () => {
    const both = settleCriticalIllness(CI, yuan(1000), yuan(0), yuan(0), new Set<Category>(["monitored", "destitute"]));
    expect(both.hifmi_pay).toBe(0);
    expect(both.tiltCategory).toBe("destitute"); // +10 points is more favourable than +5
    expect(both.step.setl_proc_info).toContain("起付线7500.00元");
    expect(both.step.crt_payb_lmt_amt).toBeNull();
    const none = settleCriticalIllness(CI, yuan(1000), yuan(0), yuan(0), new Set<Category>(["lifted"]));
    expect(none.tiltCategory).toBeNull();
    expect(none.step.setl_proc_info).toContain("起付线15000.00元");
  });
});

describe("employee large amount: only when the annual cap binds; o = b − round(hifp ÷ r); 90%", () => {
  // Level 3, I = 20,900: b 20,000, raw 16,000. With 290,000 paid, 10,000 of room.
  const nearCap = { inpatient_chronic_basic_paid_fen: yuan(290_000) };

  it("the cap binds: hifp 10,000, o = 20,000 − 10,000 ÷ 80% = 7,500, hifob 6,750", () => {
    const r = settleOne(encounter({ level: "3" }), [inscp("20900")], { person: employee(), accumulators: nearCap });
    expect(r.setlinfo).toMatchObject({ hifp_pay: 1_000_000, pool_prop_selfpay: 1_000_000, hifob_pay: 675_000, hifmi_pay: 0 });
    expect(stepOf(r, "330100")).toMatchObject({ inscp_scp_amt: 750_000, crt_payb_lmt_amt: 40_000_000, fund_payamt: 675_000 });
    expect(r.setldetail.map((d) => d.fund_pay_type)).toEqual(["310100", "330100"]);
    expect(r.setlinfo).toMatchObject({ fund_pay_sumamt: 1_675_000, psn_part_amt: 415_000 });
    expect(r.accumulators.large_amount_paid_fen).toBe(675_000);
    expect(r.delta.tier_two_base_fen).toBe(0);
    expect(stepOf(r, "390200")).toBeUndefined();
  });

  it("raw exactly equal to the room: the cap did not bind, nothing", () => {
    // b = 12,500: raw 10,000 = room
    const r = settleOne(encounter({ level: "3" }), [inscp("13400")], { person: employee(), accumulators: nearCap });
    expect(r.setlinfo).toMatchObject({ hifp_pay: 1_000_000, hifob_pay: 0 });
    // one fen more of base: raw 10,000.01 (round(1,000,000.8)), o = 1 fen, round(0.9) = 1 fen
    const more = settleOne(encounter({ level: "3" }), [inscp("13400.01")], { person: employee(), accumulators: nearCap });
    expect(more.setlinfo).toMatchObject({ hifp_pay: 1_000_000, hifob_pay: 1 });
  });

  it("below the cap: nothing, and the step says why", () => {
    const r = settleOne(encounter({ level: "3" }), [inscp("20900")], { person: employee() });
    expect(r.setlinfo).toMatchObject({ hifp_pay: 1_600_000, hifob_pay: 0 });
    expect(stepOf(r, "330100")!.setl_proc_info).toContain("未封顶");
    expect(r.setldetail.map((d) => d.fund_pay_type)).toEqual(["310100"]);
  });

  it("not when only the per-disease limit binds", () => {
    // hypertension, level 1: raw 4,500, limit 2,000
    const r = settleOne(encounter({ med_type: "14", level: "1", disease: "M03900" }), [inscp("5000")], { person: employee() });
    expect(r.setlinfo).toMatchObject({ hifp_pay: 200_000, hifob_pay: 0 });
  });

  it("when the annual cap binds below the per-disease limit, the capped-out base counts from the cap", () => {
    // room 1,000 < limit 2,000 < raw 4,500: o = 5,000 − round(1,000 ÷ 90%) = 5,000 − 1,111.11 = 3,888.89; × 90% = 3,500.001
    const r = settleOne(encounter({ med_type: "14", level: "1", disease: "M03900" }), [inscp("5000")], {
      person: employee(),
      accumulators: { inpatient_chronic_basic_paid_fen: yuan(299_000) },
    });
    expect(r.setlinfo).toMatchObject({ hifp_pay: 100_000, hifob_pay: 350_000 });
    expect(stepOf(r, "330100")!.inscp_scp_amt).toBe(388_889);
  });

  it("the 400,000-yuan large-amount cap", () => {
    const r = settleOne(encounter({ level: "3" }), [inscp("20900")], {
      person: employee(),
      accumulators: { ...nearCap, large_amount_paid_fen: yuan(399_000) },
    });
    expect(r.setlinfo.hifob_pay).toBe(100_000);
    expect(stepOf(r, "330100")!.crt_payb_lmt_amt).toBe(100_000);
  });

  it("off-site: the capped-out base uses the cut ratio (temporary filing: 80% − 10 = 70%)", () => {
    // raw 14,000 > room 10,000; o = 2,000,000 − round(1,000,000 ÷ 0.7) = 2,000,000 − 1,428,571 = 571,429 fen; × 90% = 514,286.1
    const r = settleOne(encounter({ level: "3", region: OFFSITE, filing: "temporary" }), [inscp("20900")], {
      person: employee(),
      accumulators: nearCap,
    });
    expect(r.setlinfo).toMatchObject({ hifp_pay: 1_000_000, hifob_pay: 514_286 });
    expect(stepOf(r, "330100")!.inscp_scp_amt).toBe(571_429);
  });

  it("the general-outpatient cap never triggers it", () => {
    const r = settleOne(encounter({ med_type: "11" }), [inscp("1000")], {
      person: employee(),
      accumulators: { outpatient_deductible_counted_fen: yuan(500), outpatient_basic_paid_fen: yuan(1_999), inpatient_chronic_basic_paid_fen: yuan(300_000) },
    });
    expect(r.setlinfo).toMatchObject({ hifp_pay: 100, hifob_pay: 0 });
  });
});

describe("medical assistance per category", () => {
  // Level-3 resident inpatient stays under 800 yuan: hifp 0, e < 7,500 so no critical illness: m = I.
  const under = (amount: string, date: string) => ({ enc: encounter({ level: "3", date }), lines: [inscp(amount)] });

  it("low_income: the 1,000-yuan deductible spans two settlements as one band", () => {
    const rs = settleSequence(resident(category("low_income")), [under("600", "2022-01-05"), under("800", "2022-02-05"), under("100", "2022-03-05")]);
    // 600 under the deductible; then 1,400 − 1,000 = 400 × 70% = 280; then 100 × 70% = 70
    expect(rs.map((r) => r.setlinfo.maf_pay)).toEqual([0, 28_000, 7000]);
    expect(rs.map((r) => r.delta.assistance_base_fen)).toEqual([60_000, 80_000, 10_000]);
    expect(rs[2]!.accumulators).toMatchObject({ assistance_base_fen: 150_000, assistance_paid_fen: 35_000 });
  });

  it("illness_impoverished: deductible 5,000, 60%", () => {
    const r = settleOne(encounter({ level: "3" }), [inscp("800")], {
      person: resident(category("illness_impoverished")),
      accumulators: { assistance_base_fen: yuan(4_900) },
    });
    expect(r.setlinfo.maf_pay).toBe(42_000); // (5,700 − 5,000) × 60%
  });

  it("minimum_living: 80%, up to the 60,000-yuan annual limit shared by inpatient and chronic", () => {
    const p = resident(category("minimum_living"));
    expect(settleOne(encounter({ level: "3" }), [inscp("800")], { person: p, accumulators: { assistance_paid_fen: yuan(59_000) } }).setlinfo.maf_pay).toBe(64_000);
    const limited = settleOne(encounter({ med_type: "14", level: "3", disease: "M03900" }), [inscp("100")], {
      person: p,
      accumulators: { assistance_paid_fen: yuan("59999.50") },
    });
    // chronic: hifp 65, m 35 × 80% = 28, limited to the 0.50 left
    expect(limited.setlinfo).toMatchObject({ hifp_pay: 6500, maf_pay: 50 });
    expect(stepOf(limited, "610100")!.crt_payb_lmt_amt).toBe(50);
    const spent = settleOne(encounter({ level: "3" }), [inscp("800")], { person: p, accumulators: { assistance_paid_fen: yuan(60_000) } });
    expect(spent.setlinfo.maf_pay).toBe(0);
  });

  it("employees get assistance like residents, with no critical illness", () => {
    // level 3, I = 10,900: hifp 8,000, m = 2,900 at 100%
    const r = settleOne(encounter({ level: "3" }), [inscp("10900")], { person: employee(category("destitute")) });
    expect(r.setlinfo).toMatchObject({ hifp_pay: 800_000, hifmi_pay: 0, hifob_pay: 0, maf_pay: 290_000, psn_part_amt: 0 });
  });

  it("the base accumulates only while an assistance category is valid", () => {
    const rs = settleSequence(resident(category("low_income", "2022-06-01")), [under("600", "2022-03-05"), under("800", "2022-07-05")]);
    expect(rs.map((r) => [r.delta.assistance_base_fen, r.setlinfo.maf_pay])).toEqual([
      [0, 0],
      [80_000, 0],
    ]);
    expect(rs[0]!.assistance_category).toBeNull();
  });

  it("one base and one paid amount a year across a change of category, with the terms of the day", () => {
    const p = resident(category("low_income", "2022-01-01", "2022-06-30"), category("destitute", "2022-07-01"));
    const rs = settleSequence(p, [under("600", "2022-03-05"), under("800", "2022-07-05")]);
    expect(rs.map((r) => r.assistance_category)).toEqual(["low_income", "destitute"]);
    // destitute has no deductible: the part of [600, 1,400] above max(600, 0) at 100%
    expect(rs.map((r) => r.setlinfo.maf_pay)).toEqual([0, 80_000]);
    expect(rs[1]!.accumulators).toMatchObject({ assistance_base_fen: 140_000, assistance_paid_fen: 80_000 });
  });

  it("lifted gets no assistance", () => {
    const r = settleOne(encounter({ level: "3" }), [inscp("800")], { person: resident(category("lifted")) });
    expect(r.assistance_category).toBeNull();
    expect(r.setlinfo.maf_pay).toBe(0);
    expect(stepOf(r, "610100")).toBeUndefined();
  });

  it("chooses the highest ratio, then the lowest deductible, then the highest limit", () => {
    const choose = (...cs: Category[]) => chooseAssistance(POLICY, new Set(cs))?.category ?? null;
    expect(choose("low_income", "minimum_living")).toBe("minimum_living");
    expect(choose("illness_impoverished", "monitored")).toBe("monitored");
    expect(choose("monitored", "illness_impoverished")).toBe("monitored");
    expect(choose("lifted")).toBeNull();
    expect(choose()).toBeNull();
    const richerOrphan = {
      ...POLICY,
      assistance: {
        ...POLICY.assistance,
        categories: { ...POLICY.assistance.categories, orphan: { deductible: 0 as Fen, ratio: POLICY.assistance.categories.destitute!.ratio, annual_limit: yuan(120_000) } },
      },
    };
    expect(chooseAssistance(richerOrphan, new Set<Category>(["destitute", "orphan"]))?.category).toBe("orphan");
    expect(chooseAssistance(richerOrphan, new Set<Category>(["orphan", "destitute"]))?.category).toBe("orphan");
  });
});

describe("the employee personal account", () => {
  // level 3, I = 10,900 and 500 of class 03: hifp 8,000, psn_part = 3,400
  const lines = () => [inscp("10900"), line("C03", "500")];

  it("pays min(balance, psn_part_amt) when acct_used_flag is set, and the balance falls", () => {
    const low = settleOne(encounter({ level: "3", acct: true }), lines(), { person: person({ insutype: "310", balc: yuan(1000) }) });
    expect(low.setlinfo).toMatchObject({ psn_part_amt: 340_000, acct_pay: 100_000, psn_cash_pay: 240_000, balc: 0 });
    const high = settleOne(encounter({ level: "3", acct: true }), lines(), { person: person({ insutype: "310", balc: yuan(5000) }) });
    expect(high.setlinfo).toMatchObject({ acct_pay: 340_000, psn_cash_pay: 0, balc: 160_000 });
  });

  it("pays nothing without the flag", () => {
    const r = settleOne(encounter({ level: "3", acct: false }), lines(), { person: person({ insutype: "310", balc: yuan(5000) }) });
    expect(r.setlinfo).toMatchObject({ acct_pay: 0, psn_cash_pay: 340_000, balc: 500_000 });
  });

  it("the balance carries from one settlement to the next and is not per year", () => {
    const rs = settleSequence(person({ insutype: "310", balc: yuan(5000) }), [
      { enc: encounter({ level: "3", acct: true, date: "2022-03-01" }), lines: lines() },
      { enc: encounter({ level: "3", acct: true, date: "2022-04-01" }), lines: lines() },
      { enc: encounter({ med_type: "11", acct: true, date: "2022-05-01" }), lines: [inscp("100")] },
    ]);
    expect(rs.map((r) => [r.setlinfo.acct_pay, r.setlinfo.psn_cash_pay, r.setlinfo.balc])).toEqual([
      [340_000, 0, 160_000],
      [160_000, 180_000, 0],
      [0, 10_000, 0],
    ]);
  });
});

describe("off-site care: the treating region's catalogue, the insured region's policy", () => {
  const shipped = shippedCatalogue("451000", "360100");
  const careIn = (region: string, filing: FilingType | null, p = resident()) =>
    settleOne(
      encounter({ level: "3", region, filing }),
      [
        line("001102000050000", "132", 10), // ICU bed: cap 132 in 360100 (120 in 451000)
        line("XL03AXA102C008010100919", "500"), // only in 360100's catalogue: class 02, 20%
        line("ZA18AAB0707010100390", "50"), // only in 451000's catalogue (class 03)
        line("001102000010000", "40", 250),
      ],
      { person: p, catalogue: shipped },
    );

  it("360100's catalogue: inscp 1,320 + 400 + 10,000 = 11,720; 451000's deductible 800 and ratio 65%", () => {
    const r = careIn(OFFSITE, "long_term_residence");
    expect(r.setlinfo).toMatchObject({
      medfee_sumamt: 1_187_000,
      fulamt_ownpay_amt: 5000,
      overlmt_selfpay: 0,
      preselfpay_amt: 10_000,
      inscp_scp_amt: 1_172_000,
      act_pay_dedc: 80_000,
      hifp_pay: 709_800, // 10,920 × 65%
    });
    expect(r.setlinfo.clr_optins).toBe("451000");
    expect(r.warnings).toEqual([]);
  });

  it.each([
    ["long_term_residence", 709_800],
    ["referral", 709_800],
    ["emergency", 709_800],
    ["temporary", 600_600], // 55%
    ["none", 491_400], // 45%
  ] as const)("filing %s: hifp %i fen", (filing, pay) => {
    const r = careIn(OFFSITE, filing);
    expect(r.setlinfo.hifp_pay).toBe(pay);
    if (filing === "temporary" || filing === "none") expect(stepOf(r, "390100")!.setl_proc_info).toContain("异地就医");
  });

  it("no filing given counts as not filed, with a warning", () => {
    const r = careIn(OFFSITE, null);
    expect(r.setlinfo.hifp_pay).toBe(491_400);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toContain("未提供备案");
  });

  it("the same lines at home use 451000's catalogue: a lower cap, one more line out of catalogue", () => {
    const r = careIn("451000", null);
    expect(r.setlinfo).toMatchObject({ overlmt_selfpay: 12_000, fulamt_ownpay_amt: 55_000, preselfpay_amt: 0, inscp_scp_amt: 1_120_000 });
    expect(r.warnings).toEqual([]);
  });

  it("tier two and assistance are unchanged: they work on what basic left", () => {
    const r = careIn(OFFSITE, "none", resident(category("destitute")));
    const e = r.setlinfo.act_pay_dedc + r.setlinfo.pool_prop_selfpay;
    expect(e).toBe(1_172_000 - 491_400);
    expect(r.delta.tier_two_base_fen).toBe(e);
    expect(r.setlinfo.hifmi_pay).toBe(0); // 6,806 < 7,500
    expect(r.setlinfo.maf_pay).toBe(e); // 100%
  });

  it("the cut applies to general outpatient and chronic too", () => {
    expect(settleOne(encounter({ med_type: "11", region: OFFSITE, filing: "none" }), [inscp("100")]).setlinfo.hifp_pay).toBe(3000);
    expect(settleOne(encounter({ med_type: "14", level: "1", disease: "M07800", region: OFFSITE, filing: "temporary" }), [inscp("10000")]).setlinfo.hifp_pay).toBe(
      800_000,
    );
  });
});

describe("lines: class 03, out of catalogue, price caps, catalogue dates, through settle", () => {
  it("class 03 and unknown codes are fully self-paid; the price cap's excess is overlmt", () => {
    const r = settleOne(encounter({ level: "3" }), [line("C03", "500"), line("NOPE", "100"), line("CAP", "60", 3), inscp("10650")], {
      person: resident(category("destitute")),
    });
    expect(r.setlinfo).toMatchObject({ medfee_sumamt: 1_143_000, fulamt_ownpay_amt: 60_000, overlmt_selfpay: 3000, inscp_scp_amt: 1_080_000 });
    // b 10,000 × 65% = 6,500; m = 10,800 − 6,500 = 4,300 at 100%: the patient pays only the 600 self-paid and 30 over the cap
    expect(r.setlinfo).toMatchObject({ hifp_pay: 650_000, maf_pay: 430_000, psn_part_amt: 63_000 });
  });

  it("a catalogue entry valid until 2022-06-30 is in policy that day and not the next", () => {
    const shipped = shippedCatalogue("451000");
    const on = (date: string) => settleOne(encounter({ level: "3", date }), [line("XB01ACA104B004010100620", "1000")], { catalogue: shipped });
    expect(on("2022-06-30").setlinfo).toMatchObject({ preselfpay_amt: 10_000, inscp_scp_amt: 90_000, fulamt_ownpay_amt: 0 });
    expect(on("2022-07-01").setlinfo).toMatchObject({ inscp_scp_amt: 0, fulamt_ownpay_amt: 100_000 });
  });
});

describe("reversal", () => {
  it("subtracts exactly what its settlement added; later settlements are not recomputed", () => {
    const p = resident(category("low_income"));
    const rs = settleSequence(p, [
      { enc: encounter({ level: "3", date: "2022-01-05" }), lines: [inscp("600")] },
      { enc: encounter({ level: "3", date: "2022-02-05" }), lines: [inscp("800")] },
      { enc: encounter({ med_type: "14", level: "1", disease: "M03900", date: "2022-03-05" }), lines: [inscp("1000")] },
    ]);
    const last = rs[2]!.accumulators;
    const withoutFirst = reverseDelta(last, rs[0]!.delta);
    expect(withoutFirst).toMatchObject({
      assistance_base_fen: last.assistance_base_fen - 60_000,
      assistance_paid_fen: last.assistance_paid_fen, // the first paid nothing; the second's 280 stays
      tier_two_base_fen: last.tier_two_base_fen - 60_000,
      chronic_basic_paid_fen: { M03900: 90_000 },
    });
    const withoutChronic = reverseDelta(last, rs[2]!.delta);
    expect(withoutChronic).toEqual(rs[1]!.accumulators);
    expect(withoutChronic.chronic_basic_paid_fen).toEqual({});
    expect(reverseDelta(reverseDelta(withoutChronic, rs[1]!.delta), rs[0]!.delta)).toEqual(emptyAccumulators(2022));
  });

  it("an accumulator never goes negative: reversing twice is a bug caught by an invariant", () => {
    const r = settleOne(encounter({ level: "3" }), [inscp("10800")]);
    const once = reverseDelta(r.accumulators, r.delta);
    expect(once).toEqual(emptyAccumulators(2022));
    expect(() => reverseDelta(once, r.delta)).toThrow(InvariantError);
    expect(applyDelta(once, r.delta)).toEqual(r.accumulators);
  });
});
