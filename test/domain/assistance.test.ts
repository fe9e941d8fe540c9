import { describe, expect, it } from "vitest";
import {
  AssistanceConflict, calculateAssistance, lookbackWindow, nextState, type ApplicationFacts, type ApplicationState, type BurdenSettlement,
} from "../../src/domain/assistance/index.js";
import { DomainError } from "../../src/domain/errors.js";
import type { Fen } from "../../src/domain/money.js";
import type { Category } from "../../src/domain/codes.js";
import { POLICY, yuan } from "./helpers.js";

/**
 * The rule of assistance on application (settlement-spec.md, "Application-based assistance") on the reference policy
 * 451000-2022: below 2 × 5,400 yuan per capita, monitored or illness-impoverished (or certified by a clerk); the base over
 * the 12 months before the application date; 60% above 10,000 yuan, at most 100,000. Secondary: 50% above 5,000, at most
 * 50,000, on what is left after the application-based assistance. Amounts to the fen.
 */

const DATE = "2022-09-15";

/** A settlement whose in-policy costs leave `burden` yuan to the person after basic insurance paid the rest. */
function bill(setlId: string, date: string, burden: string, options: { status?: string; maf?: string; inscp?: string; oth?: string } = {}): BurdenSettlement {
  const inscp = yuan(options.inscp ?? "100000");
  const maf = yuan(options.maf ?? "0");
  const oth = yuan(options.oth ?? "0");
  const left = yuan(burden);
  // Basic 60% of what the others leave, critical illness the rest but `burden`; the sum of funds is inscp − burden.
  const rest = inscp - left - maf - oth;
  const hifp = Math.floor(rest * 0.6) as Fen;
  return {
    setl_id: setlId, setl_date: date, status: options.status ?? "settled", inscp_scp_amt: inscp, hifp_pay: hifp, hifmi_pay: (rest - hifp) as Fen,
    hifob_pay: 0 as Fen, maf_pay: maf, oth_pay: oth,
  };
}

const monitored = [{ psn_idet_type: "monitored" as Category, begntime: "2021-01-01", endtime: null }];

function facts(settlements: BurdenSettlement[], more: Partial<ApplicationFacts> = {}): ApplicationFacts {
  return {
    kind: "application", application_date: DATE, household_size: 4, household_income_fen: yuan("5000"), certified_difficulty: false,
    categories: monitored, settlements, ...more,
  };
}

describe("application-based assistance: the worked example and its edges", () => {
  it("pays 60% of the part above 10,000: a base of 40,000.00 gives 18,000.00, explained in words and numbers", () => {
    const c = calculateAssistance(POLICY, facts([bill("S1", "2022-03-01", "25000"), bill("S2", "2022-08-20", "15000")]));
    expect(c).toMatchObject({
      kind: "application", policy_id: "451000-2022", fund_pay_type: "610100", window: { from: "2021-09-16", to: DATE, months: 12 },
      burden_fen: 4_000_000, deducted_fen: 0, base_fen: 4_000_000, threshold_fen: 1_000_000, above_fen: 3_000_000, raw_fen: 1_800_000,
      annual_limit_fen: 10_000_000, amount_fen: 1_800_000, setl_ids: ["S1", "S2"],
    });
    expect(c.eligibility).toMatchObject({ eligible: true, category: "monitored", income: { per_capita_fen: 500_000, limit_fen: 1_080_000, passed: true }, refusal: null });
    expect(c.steps.map((s) => s.step)).toEqual(["eligibility", "settlement", "settlement", "base", "pay"]);
    expect(c.steps[0]?.text).toBe(
      "资格：家庭4人，人均年收入5000.00元，低于当地最低生活保障标准5400.00元×2=10800.00元；申请日2022-09-15持有救助类别：防返贫监测对象；符合依申请救助条件。",
    );
    expect(c.steps[1]?.text).toMatch(/^结算S1（2022-03-01）：政策范围内费用100000\.00元−基本医保45000\.00元−大病保险30000\.00元−大额补助0\.00元−医疗救助0\.00元−其他0\.00元=个人负担25000\.00元。$/);
    expect(c.steps[3]?.text).toBe("依申请救助基数：申请日前12个月（2021-09-16至2022-09-15）未冲销的结算2笔，政策范围内个人负担合计40000.00元，救助基数40000.00元。");
    expect(c.steps[4]?.text).toBe(
      "救助金额：基数40000.00元超过起付标准10000.00元的部分30000.00元×救助比例60%=18000.00元；年度限额100000.00元（每人每年批准一次）；本次依申请救助18000.00元（医疗救助基金）。",
    );
  });

  it("pays nothing at the threshold (10,000.00) and one fen just above it (10,000.01: 0.6 fen rounded half up)", () => {
    const at = calculateAssistance(POLICY, facts([bill("S1", "2022-05-01", "10000")]));
    expect([at.base_fen, at.above_fen, at.amount_fen]).toEqual([1_000_000, 0, 0]);
    expect(at.steps.at(-1)?.text).toBe("救助基数10000.00元未超过起付标准10000.00元，救助金额0.00元。");
    const above = calculateAssistance(POLICY, facts([bill("S1", "2022-05-01", "10000.01")]));
    expect([above.base_fen, above.above_fen, above.raw_fen, above.amount_fen]).toEqual([1_000_001, 1, 1, 1]);
  });

  it("pays at most the annual limit of 100,000.00", () => {
    const c = calculateAssistance(POLICY, facts([bill("S1", "2022-05-01", "180000", { inscp: "300000" }), bill("S2", "2022-06-01", "0.01")]));
    expect([c.base_fen, c.raw_fen, c.amount_fen]).toEqual([18_000_001, 10_200_001, 10_000_000]);
    expect(c.steps.at(-1)?.text).toContain("年度限额100000.00元（每人每年批准一次），受年度限额限制；本次依申请救助100000.00元");
    const under = calculateAssistance(POLICY, facts([bill("S1", "2022-05-01", "176666.65", { inscp: "300000" })]));
    expect([under.raw_fen, under.amount_fen]).toEqual([9_999_999, 9_999_999]);
  });

  it("takes the income test strictly: 10,799.99 per capita is below 2 × 5,400, 10,800.00 is not", () => {
    const inside = calculateAssistance(POLICY, facts([bill("S1", "2022-05-01", "40000")], { household_income_fen: yuan("10799.99") }));
    expect([inside.eligibility.eligible, inside.amount_fen]).toEqual([true, 1_800_000]);
    const outside = calculateAssistance(POLICY, facts([bill("S1", "2022-05-01", "40000")], { household_income_fen: yuan("10800.00") }));
    expect(outside.eligibility).toMatchObject({ eligible: false, income: { passed: false, limit_fen: 1_080_000 } });
    expect(outside.eligibility.refusal).toEqual({
      field: "household_income",
      rule: "the household's per-capita annual income 10800.00 yuan is not below 2 × the minimum-living standard 5400.00 yuan = 10800.00 yuan",
    });
    // The base is still shown; nothing is paid.
    expect([outside.base_fen, outside.amount_fen]).toEqual([4_000_000, 0]);
    expect(outside.steps[0]?.text).toContain("人均年收入10800.00元，不低于当地最低生活保障标准5400.00元×2=10800.00元");
    expect(outside.steps.at(-1)?.text).toBe("不符合依申请救助条件，救助金额0.00元。");
  });

  it("wants a listed category valid on the application date, or a clerk's certificate of severe difficulty", () => {
    const settlements = [bill("S1", "2022-05-01", "40000")];
    const lapsed = [{ psn_idet_type: "monitored" as Category, begntime: "2021-01-01", endtime: "2022-09-14" }];
    const none = calculateAssistance(POLICY, facts(settlements, { categories: lapsed }));
    expect(none.eligibility).toMatchObject({ eligible: false, category: null });
    expect(none.eligibility.refusal?.field).toBe("categories");
    // lifted is not among the reference policy's categories for this assistance.
    const lifted = calculateAssistance(POLICY, facts(settlements, { categories: [{ psn_idet_type: "lifted", begntime: "2020-01-01", endtime: null }] }));
    expect(lifted.eligibility.eligible).toBe(false);
    const lastDay = calculateAssistance(POLICY, facts(settlements, { categories: [{ ...lapsed[0]!, endtime: DATE }] }));
    expect(lastDay.eligibility.category).toBe("monitored");
    const certified = calculateAssistance(POLICY, facts(settlements, { categories: [], certified_difficulty: true }));
    expect([certified.eligibility.eligible, certified.amount_fen]).toEqual([true, 1_800_000]);
    expect(certified.steps[0]?.text).toContain("；经办人认定家庭生活严重困难；符合依申请救助条件。");
  });

  it("counts only the settlements in force of the 12 months up to the application date", () => {
    const c = calculateAssistance(POLICY, facts([
      bill("OLD", "2021-09-15", "5000"), // thirteen months' care: outside
      bill("FIRST", "2021-09-16", "12000"), // the window's first day
      bill("REV", "2022-02-01", "30000", { status: "reversed" }),
      bill("DAY", DATE, "8000"), // the application day itself
      bill("LATER", "2022-09-16", "9000"),
    ]));
    expect(c.setl_ids).toEqual(["FIRST", "DAY"]);
    expect(c.excluded).toEqual([
      { setl_id: "OLD", setl_date: "2021-09-15", reason: "before_window" },
      { setl_id: "REV", setl_date: "2022-02-01", reason: "reversed" },
      { setl_id: "LATER", setl_date: "2022-09-16", reason: "after_application" },
    ]);
    expect([c.base_fen, c.amount_fen]).toEqual([2_000_000, 600_000]);
    const texts = c.steps.filter((s) => s.step === "excluded").map((s) => s.text);
    expect(texts).toEqual([
      "结算OLD（2021-09-15）：早于申请日前12个月的起日2021-09-16，不计入。",
      "结算REV（2022-02-01）：已冲销，不计入。",
      "结算LATER（2022-09-16）：晚于申请日2022-09-15，不计入。",
    ]);
    expect(c.steps.find((s) => s.step === "base")?.text).toContain("未冲销的结算2笔（已冲销的1笔不计），政策范围内个人负担合计20000.00元");
  });

  it("does not let a fund that paid beyond a bill's in-policy costs lower another bill's burden", () => {
    const over: BurdenSettlement = { ...bill("OTH", "2022-04-01", "0", { inscp: "1000" }), oth_pay: yuan("1500") };
    const c = calculateAssistance(POLICY, facts([over, bill("S1", "2022-05-01", "40000")]));
    expect(c.counted.map((x) => x.burden_fen)).toEqual([0, 4_000_000]);
    expect(c.base_fen).toBe(4_000_000);
    expect(c.steps[1]?.text).toContain("（基金支付超过政策范围内费用，按0元计）");
  });
});

describe("secondary assistance (再救助)", () => {
  const paidFirst = { application_id: "ASA1", application_date: "2022-06-01", state: "paid" as ApplicationState, amount_fen: yuan("18000") };

  it("takes what the application-based assistance of the window left, above its own threshold, at its own ratio", () => {
    const c = calculateAssistance(POLICY, facts([bill("S1", "2022-03-01", "40000")], { kind: "secondary", granted: [paidFirst] }));
    expect(c).toMatchObject({
      kind: "secondary", fund_pay_type: "610102", burden_fen: 4_000_000, deducted_fen: 1_800_000, deducted_ids: ["ASA1"], base_fen: 2_200_000,
      threshold_fen: 500_000, above_fen: 1_700_000, raw_fen: 850_000, annual_limit_fen: 5_000_000, amount_fen: 850_000,
    });
    expect(c.steps.map((s) => s.step)).toEqual(["eligibility", "settlement", "deduction", "base", "pay"]);
    expect(c.steps[2]?.text).toBe("2021-09-16至2022-09-15期间已批准或已支付的依申请救助：申请ASA1（2022-06-01）18000.00元，合计扣除18000.00元。");
    expect(c.steps[3]?.text).toContain("政策范围内个人负担合计40000.00元，减去依申请救助18000.00元，再救助基数22000.00元。");
    expect(c.steps[4]?.text).toBe(
      "救助金额：基数22000.00元超过起付标准5000.00元的部分17000.00元×救助比例50%=8500.00元；年度限额50000.00元（每人每年批准一次）；本次再救助8500.00元（二次医疗救助）。",
    );
  });

  it("deducts only application-based assistance granted for the window (approved or paid, dated in it)", () => {
    const granted = [
      paidFirst,
      { application_id: "ASA0", application_date: "2021-09-15", state: "paid" as ApplicationState, amount_fen: yuan("1000") },
      { application_id: "ASA2", application_date: "2022-07-01", state: "approved" as ApplicationState, amount_fen: yuan("100") },
      { application_id: "ASA3", application_date: "2022-07-02", state: "rejected" as ApplicationState, amount_fen: yuan("0") },
    ];
    const c = calculateAssistance(POLICY, facts([bill("S1", "2022-03-01", "40000")], { kind: "secondary", granted }));
    expect([c.deducted_ids, c.deducted_fen]).toEqual([["ASA1", "ASA2"], 1_810_000]);
  });

  it("is for the listed categories, or whoever received medical assistance or application-based assistance in the window", () => {
    const noCategory = { categories: [], household_income_fen: yuan("50000"), kind: "secondary" as const };
    const none = calculateAssistance(POLICY, facts([bill("S1", "2022-03-01", "40000")], noCategory));
    expect(none.eligibility).toMatchObject({ eligible: false, income: null, received_assistance: false });
    expect(none.eligibility.refusal?.field).toBe("categories");
    const viaMaf = calculateAssistance(POLICY, facts([bill("S1", "2022-03-01", "40000", { maf: "3000" })], noCategory));
    expect([viaMaf.eligibility.eligible, viaMaf.amount_fen]).toEqual([true, 1_750_000]);
    expect(viaMaf.steps[0]?.text).toBe("资格：申请日2022-09-15未持有特困人员、孤儿、事实无人抚养儿童、低保对象、低保边缘家庭成员、防返贫监测对象、因病致贫重病患者中的类别；2021-09-16至2022-09-15期间已获医疗救助或依申请救助；符合再救助条件。");
    const viaFirst = calculateAssistance(POLICY, facts([bill("S1", "2022-03-01", "40000")], { ...noCategory, granted: [paidFirst] }));
    expect([viaFirst.eligibility.eligible, viaFirst.amount_fen]).toEqual([true, 850_000]);
  });

  it("is refused by name where the policy has none", () => {
    const { secondary_assistance: _, ...withoutSecondary } = POLICY;
    expect(() => calculateAssistance(withoutSecondary, facts([], { kind: "secondary" }))).toThrow(
      new DomainError("kind", "the policy 451000-2022 (百色市) has no secondary assistance (再救助)"),
    );
  });
});

describe("the lookback window", () => {
  it("is the months up to and including the application date, a short month taking its last day", () => {
    expect(lookbackWindow("2022-09-15", 12)).toEqual({ from: "2021-09-16", to: "2022-09-15", months: 12 });
    expect(lookbackWindow("2022-03-31", 1)).toEqual({ from: "2022-03-01", to: "2022-03-31", months: 1 });
    expect(lookbackWindow("2024-02-29", 12)).toEqual({ from: "2023-03-01", to: "2024-02-29", months: 12 });
    expect(lookbackWindow("2022-01-01", 12)).toEqual({ from: "2021-01-02", to: "2022-01-01", months: 12 });
    expect(lookbackWindow("2022-12-31", 24)).toEqual({ from: "2021-01-01", to: "2022-12-31", months: 24 });
  });
});

describe("the states of an application", () => {
  const app = (state: ApplicationState) => ({
    application_id: "ASA20220915AAAA", state, reviewed_by: "clerk1", reviewed_at: "2022-09-20T02:00:00.000Z", paid_by: "clerk2", paid_at: "2022-09-21T02:00:00.000Z",
  });
  const refusal = (state: ApplicationState, action: "approve" | "reject" | "pay") => {
    try {
      nextState(app(state), action);
    } catch (error) {
      expect(error).toBeInstanceOf(AssistanceConflict);
      return `${(error as DomainError).field}: ${(error as DomainError).rule}`;
    }
    return null;
  };

  it("moves submitted → approved | rejected, approved → paid", () => {
    expect(nextState(app("submitted"), "approve")).toBe("approved");
    expect(nextState(app("submitted"), "reject")).toBe("rejected");
    expect(nextState(app("approved"), "pay")).toBe("paid");
  });

  it("refuses every other move, saying what the application is and since when", () => {
    expect(refusal("approved", "approve")).toBe("application_id: application ASA20220915AAAA is already approved (clerk1, 2022-09-20): approving twice is refused");
    expect(refusal("paid", "approve")).toBe("application_id: application ASA20220915AAAA is already approved and paid (clerk2, 2022-09-21): approving twice is refused");
    expect(refusal("rejected", "approve")).toMatch(/was rejected \(clerk1, 2022-09-20\): a rejected application is not approved; file a new one$/);
    expect(refusal("paid", "pay")).toBe("application_id: application ASA20220915AAAA is already paid (clerk2, 2022-09-21): paying twice is refused");
    expect(refusal("submitted", "pay")).toMatch(/is not approved yet: approve it before paying$/);
    expect(refusal("rejected", "pay")).toMatch(/was rejected .*: there is nothing to pay$/);
    expect(refusal("approved", "reject")).toMatch(/is approved .*: an approved application is paid, not rejected$/);
    expect(refusal("rejected", "reject")).toMatch(/is already rejected/);
    expect(refusal("paid", "reject")).toMatch(/is paid .*: a paid application is not rejected$/);
  });
});
