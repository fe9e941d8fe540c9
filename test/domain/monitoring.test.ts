import { describe, expect, it } from "vitest";
import { DomainError } from "../../src/domain/errors.js";
import type { Fen } from "../../src/domain/money.js";
import {
  allowedActions, checkNote, decide, evaluate, householdSizeMatters, lookbackWindow, nextState, WARNING_ACTIONS, WARNING_STATES, WarningStateError,
  type Evaluation, type WarningAction, type WarningFigures, type WarningState,
} from "../../src/domain/monitoring/index.js";
import type { MonitoringPolicy } from "../../src/domain/reference/index.js";
import { POLICY, yuan } from "./helpers.js";

/**
 * The early-warning rule on the reference policy 451000/2022: (a) 12 months' self-paid over 16,000.00 yuan, (b) over 50%
 * of the household's annual income, (c) one settlement over 10,000.00 yuan; every threshold just inside and just outside.
 */

const M = POLICY.monitoring as MonitoringPolicy;

const figures = (f: Partial<WarningFigures>): WarningFigures => ({
  window_self_paid_fen: 0 as Fen,
  max_single_self_paid_fen: 0 as Fen,
  per_capita_income_fen: null,
  household_size: 1,
  assistance_category: null,
  ...f,
});

describe("the reference thresholds", () => {
  it("are read from the policy in fen and millionths", () => {
    expect(M).toEqual({ lookback_months: 12, window_self_paid_over: yuan("16000"), income_share_over: 500_000, single_self_paid_over: yuan("10000") });
  });
});

describe("(a) the window's total", () => {
  it("16,000.00 yuan does not warn; 16,000.01 does", () => {
    const at = evaluate(M, figures({ window_self_paid_fen: yuan("16000.00"), max_single_self_paid_fen: yuan("9000") }));
    expect(at.criteria).toEqual([]);
    expect(at.explanation).toContain("近12个月政策范围内个人自付 16,000.00 元，未超过预警线 16,000.00 元");
    const over = evaluate(M, figures({ window_self_paid_fen: yuan("16000.01"), max_single_self_paid_fen: yuan("9000") }));
    expect(over.criteria).toEqual(["window"]);
    expect(over.explanation).toContain("近12个月政策范围内个人自付 16,000.01 元，超过预警线 16,000.00 元");
  });
});

describe("(b) the share of the household's income", () => {
  // Per capita 10,000.00 yuan × 3 persons = 30,000.00 yuan a year; 50% is 15,000.00 yuan.
  const household = { per_capita_income_fen: yuan("10000"), household_size: 3 };

  it("exactly 50% does not warn; 50% and one fen does", () => {
    const at = evaluate(M, figures({ ...household, window_self_paid_fen: yuan("15000.00"), max_single_self_paid_fen: yuan("5000") }));
    expect(at.criteria).toEqual([]);
    expect(at.household_income_fen).toBe(yuan("30000"));
    expect(at.explanation).toContain("占家庭年收入 30,000.00 元（人均 10,000.00 元 × 3 人）的 50.00%，未超过预警比例 50%（15,000.00 元）");
    const over = evaluate(M, figures({ ...household, window_self_paid_fen: yuan("15000.01"), max_single_self_paid_fen: yuan("5000") }));
    expect(over.criteria).toEqual(["income"]);
    expect(over.explanation).toContain("占家庭年收入 30,000.00 元（人均 10,000.00 元 × 3 人）的 50.00%，超过预警比例 50%（15,000.00 元）");
  });

  it("compares exactly where half the income is not whole fen, and shows that amount exactly", () => {
    // 30,000.01 yuan × 50% = 15,000.005 yuan: 15,000.00 is under it, 15,000.01 over.
    const odd = { per_capita_income_fen: yuan("30000.01"), household_size: 1 };
    expect(evaluate(M, figures({ ...odd, window_self_paid_fen: yuan("15000.00") })).criteria).toEqual([]);
    const over = evaluate(M, figures({ ...odd, window_self_paid_fen: yuan("15000.01") }));
    expect(over.criteria).toEqual(["income"]);
    expect(over.explanation).toContain("超过预警比例 50%（15,000.005 元）");
  });

  it("cuts the shown percentage (49.99%, never 50.00% for a share under it)", () => {
    const e = evaluate(M, figures({ per_capita_income_fen: yuan("10000"), household_size: 1, window_self_paid_fen: yuan("4999.99") }));
    expect(e.explanation).toContain("的 49.99%，未超过");
  });

  it("cannot hold when the income is unknown, and says so; an income of 0 makes any burden exceed it", () => {
    const unknown = evaluate(M, figures({ window_self_paid_fen: yuan("15999.99"), max_single_self_paid_fen: yuan("100") }));
    expect(unknown.criteria).toEqual([]);
    expect(unknown.household_income_fen).toBeNull();
    expect(unknown.explanation).toContain("家庭收入未登记，无法判断个人自付是否超过家庭年收入的 50%");
    const none = evaluate(M, figures({ per_capita_income_fen: 0 as Fen, household_size: 4, window_self_paid_fen: 1 as Fen, max_single_self_paid_fen: 1 as Fen }));
    expect(none.criteria).toEqual(["income"]);
    expect(none.explanation).toContain("家庭年收入 0.00 元（人均 0.00 元 × 4 人），个人自付超过预警比例 50%（0.00 元）");
    expect(evaluate(M, figures({ per_capita_income_fen: 0 as Fen })).criteria).toEqual([]);
  });
});

describe("(c) one settlement", () => {
  it("10,000.00 yuan does not warn; 10,000.01 does", () => {
    const at = evaluate(M, figures({ window_self_paid_fen: yuan("10000"), max_single_self_paid_fen: yuan("10000") }));
    expect(at.criteria).toEqual([]);
    expect(at.explanation).toContain("单次结算个人自付最高 10,000.00 元，未超过预警线 10,000.00 元");
    const over = evaluate(M, figures({ window_self_paid_fen: yuan("10000.01"), max_single_self_paid_fen: yuan("10000.01") }));
    expect(over.criteria).toEqual(["single"]);
    expect(over.explanation).toContain("单次结算个人自付最高 10,000.01 元，超过预警线 10,000.00 元");
  });
});

describe("(d) the proactive list", () => {
  it("is a person without an assistance category; a category names itself", () => {
    const all = { window_self_paid_fen: yuan("23456.78"), max_single_self_paid_fen: yuan("12000"), per_capita_income_fen: yuan("8000"), household_size: 2 };
    const none = evaluate(M, figures(all));
    expect(none).toEqual({
      criteria: ["window", "income", "single"],
      proactive: true,
      household_income_fen: yuan("16000"),
      explanation:
        "近12个月政策范围内个人自付 23,456.78 元，超过预警线 16,000.00 元；占家庭年收入 16,000.00 元（人均 8,000.00 元 × 2 人）的 146.60%，" +
        "超过预警比例 50%（8,000.00 元）；单次结算个人自付最高 12,000.00 元，超过预警线 10,000.00 元；未享受医疗救助身份，列入主动发现名单。",
    });
    const held = evaluate(M, figures({ ...all, assistance_category: "low_income" }));
    expect(held.proactive).toBe(false);
    expect(held.explanation).toMatch(/；现享受医疗救助身份：低保边缘家庭成员。$/);
  });
});

describe("householdSizeMatters", () => {
  const base = { window_self_paid_fen: yuan("4000"), max_single_self_paid_fen: yuan("4000"), per_capita_income_fen: yuan("8000") as Fen | null };
  it("asks for the count only where it can change what is stored", () => {
    expect(householdSizeMatters(M, base, false)).toBe(false); // 4,000 is not over half of one member's 8,000
    expect(householdSizeMatters(M, { ...base, window_self_paid_fen: yuan("4000.01") }, false)).toBe(true); // (b) could hold
    expect(householdSizeMatters(M, { ...base, per_capita_income_fen: null, window_self_paid_fen: yuan("15000") }, false)).toBe(false);
    expect(householdSizeMatters(M, { ...base, per_capita_income_fen: null, window_self_paid_fen: yuan("16000.01") }, false)).toBe(true); // (a) stores it
    expect(householdSizeMatters(M, { ...base, per_capita_income_fen: null, max_single_self_paid_fen: yuan("10000.01"), window_self_paid_fen: yuan("10000.01") }, false)).toBe(true);
    expect(householdSizeMatters(M, base, true)).toBe(true); // an open warning stores it
  });
});

describe("lookbackWindow", () => {
  it("is the months ending on the check date, both ends in", () => {
    expect(lookbackWindow("2022-12-31", 12)).toEqual({ from: "2022-01-01", to: "2022-12-31" });
    expect(lookbackWindow("2022-07-15", 12)).toEqual({ from: "2021-07-16", to: "2022-07-15" });
    expect(lookbackWindow("2024-02-29", 12)).toEqual({ from: "2023-03-01", to: "2024-02-29" });
    expect(lookbackWindow("2022-03-31", 1)).toEqual({ from: "2022-03-01", to: "2022-03-31" });
    expect(lookbackWindow("2022-01-10", 36)).toEqual({ from: "2019-01-11", to: "2022-01-10" });
    expect(() => lookbackWindow("2022-02-30", 12)).toThrow(/date: must be a date/);
  });
});

describe("the state machine", () => {
  const w = (state: WarningState, below_threshold = false) => ({ id: 7, state, below_threshold });

  it("goes new → contacted → helped | not_eligible → closed", () => {
    expect(nextState(w("new"), "contact")).toBe("contacted");
    expect(nextState(w("contacted"), "help")).toBe("helped");
    expect(nextState(w("contacted"), "not_eligible")).toBe("not_eligible");
    expect(nextState(w("helped"), "close")).toBe("closed");
    expect(nextState(w("not_eligible"), "close")).toBe("closed");
  });

  it("refuses every other move with the warning's state and what the action needs", () => {
    const allowed = new Set(["new:contact", "contacted:help", "contacted:not_eligible", "helped:close", "not_eligible:close"]);
    for (const state of WARNING_STATES) {
      for (const action of WARNING_ACTIONS) {
        if (allowed.has(`${state}:${action}`)) continue;
        const error = (() => {
          try {
            nextState(w(state), action as WarningAction);
          } catch (e) {
            return e;
          }
          return null;
        })();
        expect(error, `${state} ${action}`).toBeInstanceOf(WarningStateError);
        expect((error as WarningStateError).field).toBe("action");
        expect((error as WarningStateError).code).toBe("conflict");
      }
    }
    expect(() => nextState(w("new"), "help")).toThrow("action: warning 7 is new (新预警): help (落实帮扶) needs it contacted (已联系)");
    expect(() => nextState(w("contacted"), "close")).toThrow(
      "action: warning 7 is contacted (已联系): close (办结) needs it helped (已帮扶) or not_eligible (经核实不符合救助条件), or new or contacted while below every threshold",
    );
    expect(() => nextState(w("closed"), "contact")).toThrow("action: warning 7 is closed (已办结): a closed warning takes no more actions");
  });

  it("closes a warning below every threshold from new or contacted, and only then", () => {
    expect(nextState(w("new", true), "close")).toBe("closed");
    expect(nextState(w("contacted", true), "close")).toBe("closed");
    expect(() => nextState(w("new", true), "help")).toThrow(WarningStateError);
    expect(() => nextState(w("closed", true), "close")).toThrow(WarningStateError);
  });

  it("wants a note for not_eligible, at most 500 characters for any", () => {
    expect(checkNote("contact", undefined)).toBeNull();
    expect(checkNote("contact", "  电话联系家属  ")).toBe("电话联系家属");
    expect(() => checkNote("not_eligible", " ")).toThrow("note: is required for not_eligible: say why the family does not qualify");
    expect(() => checkNote("help", "字".repeat(501))).toThrow("note: is longer than 500 characters");
    expect(() => checkNote("help", 5)).toThrow(DomainError);
  });
});

describe("decide", () => {
  const e = (criteria: Evaluation["criteria"], explanation = "x"): Evaluation => ({ criteria, proactive: true, household_income_fen: null, explanation });
  const open = { id: 1, below_threshold: false, explanation: "x", setl_ids: ["A"], policy_id: "451000-2022" };
  const check = (evaluation: Evaluation, setl_ids = ["A"]) => ({ evaluation, setl_ids, policy_id: "451000-2022" });

  it("raises, rechecks, marks below and above, or leaves alone", () => {
    expect(decide(null, null, check(e([])))).toBe("none");
    expect(decide(null, null, check(e(["window"])))).toBe("raise");
    expect(decide(open, null, check(e(["window"])))).toBe("unchanged");
    expect(decide(open, null, check(e(["window"], "y"), ["A", "B"]))).toBe("recheck");
    expect(decide(open, null, check(e([], "z"), []))).toBe("below_threshold");
    expect(decide({ ...open, below_threshold: true, explanation: "z", setl_ids: [] }, null, check(e([], "z2"), ["C"]))).toBe("recheck");
    expect(decide({ ...open, below_threshold: true, explanation: "z", setl_ids: [] }, null, check(e(["single"], "w"), ["D"]))).toBe("above_threshold");
  });

  it("does not raise again for the spending a closed warning already held; new spending does", () => {
    expect(decide(null, { setl_ids: ["A", "B"] }, check(e(["window"]), ["A", "B"]))).toBe("none");
    expect(decide(null, { setl_ids: ["A", "B"] }, check(e(["window"]), ["B"]))).toBe("none");
    expect(decide(null, { setl_ids: ["A", "B"] }, check(e(["window"]), ["A", "B", "C"]))).toBe("raise");
  });
});

describe("allowedActions", () => {
  it("is what nextState accepts", () => {
    for (const state of WARNING_STATES) {
      for (const below of [false, true]) {
        const accepted = WARNING_ACTIONS.filter((a) => {
          try {
            nextState({ id: 1, state, below_threshold: below }, a);
            return true;
          } catch {
            return false;
          }
        });
        expect(allowedActions({ state, below_threshold: below }), `${state} ${below}`).toEqual(accepted);
      }
    }
    expect(allowedActions({ state: "contacted", below_threshold: false })).toEqual(["help", "not_eligible"]);
  });
});
