import { describe, expect, it } from "vitest";
import type { Category } from "../../src/domain/codes.js";
import type { Fen } from "../../src/domain/money.js";
import { emptyAccumulators } from "../../src/domain/settlement/accumulators.js";
import { plainExplanation, type PlainSettlement } from "../../src/domain/settlement/plain.js";
import { yearProgress } from "../../src/domain/settlement/progress.js";
import { POLICY } from "./helpers.js";

const fen = (n: number) => n as Fen;
const held = (...c: Category[]) => new Set<Category>(c);

describe("yearProgress (the portal's 年度进度, policy 451000-2022)", () => {
  const acc = { ...emptyAccumulators(2022), tier_two_base_fen: fen(1_234_567), critical_illness_paid_fen: fen(0), inpatient_chronic_basic_paid_fen: fen(4_500_000), outpatient_basic_paid_fen: fen(12_345), assistance_paid_fen: fen(600_001) };

  it("a resident with no category: deductible 15,000.00 yuan, cap 400,000.00, no assistance", () => {
    const p = yearProgress(POLICY, "390", held(), acc);
    expect(p.critical_illness).toEqual({
      limit: 40_000_000, used: 0, remaining: 40_000_000, deductible: 1_500_000, base_so_far: 1_234_567, deductible_remaining: 265_433, paid: 0, tilt: null, tilt_category: null,
    });
    expect(p.basic_inpatient).toEqual({ limit: 15_000_000, used: 4_500_000, remaining: 10_500_000 });
    expect(p.outpatient).toEqual({ limit: 30_000, used: 12_345, remaining: 17_655, deductible: 0, deductible_counted: 0 });
    expect(p.assistance).toBeNull();
    expect(p.large_amount).toBeNull();
  });

  it("the tilt with the lowest deductible wins and lifts the cap; assistance by the best terms held", () => {
    const p = yearProgress(POLICY, "390", held("monitored", "minimum_living"), acc);
    // Both tilts halve the deductible to 7,500.00 and lift the cap; the first listed (minimum living) is kept.
    expect(p.critical_illness).toMatchObject({ deductible: 750_000, deductible_remaining: 0, limit: null, remaining: null, tilt_category: "minimum_living" });
    // Minimum living: 80% and no deductible beats monitored's 60% (limit 60,000.00 yuan).
    expect(p.assistance).toEqual({ limit: 6_000_000, used: 600_001, remaining: 5_399_999, category: "minimum_living" });
  });

  it("an employee: no critical illness, the large-amount cap instead, employees' basic caps", () => {
    const p = yearProgress(POLICY, "310", held(), { ...acc, large_amount_paid_fen: fen(40_000_001) });
    expect(p.critical_illness).toBeNull();
    expect(p.large_amount).toEqual({ limit: 40_000_000, used: 40_000_001, remaining: 0 });
    expect(p.basic_inpatient).toEqual({ limit: 30_000_000, used: 4_500_000, remaining: 25_500_000 });
    expect(p.outpatient).toMatchObject({ limit: 200_000, deductible: 50_000 });
  });
});

describe("plainExplanation", () => {
  const s: PlainSettlement = {
    medfee_sumamt: fen(2_345_678), fulamt_ownpay_amt: fen(10_000), overlmt_selfpay: fen(2_000), preselfpay_amt: fen(3_678), inscp_scp_amt: fen(2_330_000),
    act_pay_dedc: fen(40_000), hifp_pay: fen(1_500_000), hifmi_pay: fen(200_000), hifob_pay: fen(0), maf_pay: fen(400_000), oth_pay: fen(0),
    acct_pay: fen(0), psn_cash_pay: fen(245_678), tilt_category: "destitute", assistance_category: "destitute", status: "settled",
  };

  it("says what each part was and what each tier paid, to the fen, with thousands grouped", () => {
    expect(plainExplanation(s).zh).toEqual([
      "这次看病的医疗费用共 ¥23,456.78。",
      "其中 ¥100.00 是医保目录以外的药品或项目（丙类），医保不报销，需要自己付。",
      "¥20.00 是价格超过医保支付标准的部分，需要自己付。",
      "¥36.78 是乙类药品或项目按规定先由个人负担的部分。",
      "符合医保报销范围的费用是 ¥23,300.00。",
      "先扣除起付线 ¥400.00（这部分由个人负担），作为特困人员已按倾斜政策降低起付线。",
      "基本医疗保险报销了 ¥15,000.00。",
      "您今年自付的合规费用已超过大病保险起付线，大病保险又报销了 ¥2,000.00。",
      "您是特困人员，医疗救助又帮您支付了 ¥4,000.00。",
      "医保和救助共支付 ¥21,000.00，您个人负担 ¥2,456.78，全部为现金支付。",
    ]);
    expect(plainExplanation({ ...s, basic_step: { fund_payamt: fen(1_500_000), crt_payb_lmt_amt: fen(1_500_000) } }).zh[6]).toBe("基本医疗保险报销了 ¥15,000.00，已用完今年的封顶额度，超出部分不再报销。");
    expect(plainExplanation({ ...s, status: "reversed", acct_pay: fen(45_678), psn_cash_pay: fen(200_000) }).en.slice(-2)).toEqual([
      "Insurance and assistance paid ¥21,000.00 in all; your share was ¥2,456.78: ¥456.78 from your personal account and ¥2,000.00 in cash.",
      "This settlement was reversed: every amount above was returned.",
    ]);
  });
});
