/**
 * The subsidized-enrollment rules (settlement-spec.md "Subsidized enrollment, reference") on the reference policy
 * 451000/2022: contribution 350 yuan, fiscal subsidy 610 yuan; destitute/orphans 100%, minimum living and monitored 60%,
 * low income 60% with a condition, lifted 0; "当月参保、次月资助" month by month, one half-up rounding, no clawback.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Category } from "../../src/domain/codes.js";
import {
  contributionsDue, initialContribution, monthRuns, subsidyAdjustment, type ContributionContext, type ContributionDraft, type RecordedContribution,
} from "../../src/domain/enrollment/contribution.js";
import {
  ageOn, enrollmentTerms, entitlement, shareOn, subsidyConditions, yearShares, type CategoryPeriod, type EnrollmentTerms, type SubsidyFacts,
} from "../../src/domain/enrollment/subsidy.js";
import type { Fen } from "../../src/domain/money.js";
import type { Policy } from "../../src/domain/reference/policy/schema.js";
import { PPM, type Ratio } from "../../src/domain/ratio.js";
import { POLICY, yuan } from "./helpers.js";

const TERMS = enrollmentTerms(POLICY, "390") as EnrollmentTerms;
const PAID = "2022-01-01";

const period = (psn_idet_type: Category, begntime = "2022-01-01", endtime: string | null = "2022-12-31"): CategoryPeriod => ({ psn_idet_type, begntime, endtime });

function facts(categories: CategoryPeriod[], more: Partial<SubsidyFacts> = {}): SubsidyFacts {
  return { brdy: "1980-06-15", serious_illness: false, disability_level: null, categories, ...more };
}

function ctx(f: SubsidyFacts, more: Partial<ContributionContext> = {}): ContributionContext {
  return { terms: TERMS, facts: f, year: 2022, paidDate: PAID, subsidyFund: POLICY.assistance.fund_pay_type, ...more };
}

const recordedOf = (rows: readonly ContributionDraft[]): RecordedContribution[] =>
  rows.map((r) => ({ kind: r.kind, assistance_subsidy_fen: r.assistance_subsidy_fen, share_ppm: r.share_ppm, effective_month: r.effective_month }));

/** What a person pays and assistance pays at payment, in yuan text. */
function atPayment(f: SubsidyFacts, paidDate = PAID): { paid: Fen; assistance: Fen; category: Category | null; share: number } {
  const c = initialContribution(ctx(f, { paidDate }));
  return { paid: c.person_paid_fen, assistance: c.assistance_subsidy_fen, category: c.category, share: c.share_ppm };
}

describe("the policy's enrollment terms", () => {
  it("has 350 yuan individual and 610 yuan fiscal for residents, and nothing for employees", () => {
    expect(TERMS.individual_contribution).toBe(yuan("350"));
    expect(TERMS.fiscal_subsidy).toBe(yuan("610"));
    expect(enrollmentTerms(POLICY, "310")).toBeNull();
  });
});

describe("the share at payment, by category", () => {
  it("destitute, orphan, de facto orphan: 100%, the person pays 0", () => {
    for (const c of ["destitute", "orphan", "de_facto_orphan"] as const) {
      expect(atPayment(facts([period(c)]))).toEqual({ paid: 0, assistance: yuan("350"), category: c, share: PPM });
    }
  });

  it("minimum living: 60%, the person pays 140.00 and assistance 210.00", () => {
    expect(atPayment(facts([period("minimum_living")]))).toEqual({ paid: yuan("140"), assistance: yuan("210"), category: "minimum_living", share: 600_000 });
  });

  it("monitored: 60%", () => {
    expect(atPayment(facts([period("monitored")]))).toMatchObject({ paid: yuan("140"), assistance: yuan("210"), category: "monitored" });
  });

  it("lifted: 0, the person pays it all (the category is named in the row)", () => {
    const c = initialContribution(ctx(facts([period("lifted")])));
    expect(c).toMatchObject({ person_paid_fen: yuan("350"), assistance_subsidy_fen: 0, category: "lifted", share_ppm: 0, subsidy_fund: null });
    expect(c.reason).toContain("稳定脱贫人口，资助比例0%");
  });

  it("no category: the person pays it all; the fiscal subsidy is recorded on every initial row", () => {
    const c = initialContribution(ctx(facts([])));
    expect(c).toEqual({
      kind: "initial",
      individual_fen: yuan("350"),
      person_paid_fen: yuan("350"),
      assistance_subsidy_fen: 0,
      fiscal_subsidy_fen: yuan("610"),
      category: null,
      share_ppm: 0,
      subsidy_fund: null,
      effective_month: null,
      reason: "2022年度城乡居民基本医疗保险个人缴费标准350.00元，财政补助610.00元；缴费日2022-01-01无资助参保身份，个人全额缴纳350.00元。",
    });
  });

  it("a category not valid on the day of payment does not count at payment", () => {
    expect(atPayment(facts([period("destitute", "2022-01-02")])).assistance).toBe(0);
    expect(atPayment(facts([period("destitute", "2021-01-01", "2021-12-31")])).assistance).toBe(0);
    // Both ends are included.
    expect(atPayment(facts([period("destitute", "2021-01-01", "2022-01-01")])).assistance).toBe(yuan("350"));
    expect(atPayment(facts([period("destitute", "2021-03-01", null)])).assistance).toBe(yuan("350"));
  });

  it("two categories at once: the highest share", () => {
    expect(atPayment(facts([period("minimum_living"), period("destitute")]))).toMatchObject({ assistance: yuan("350"), category: "destitute" });
    expect(atPayment(facts([period("lifted"), period("monitored")]))).toMatchObject({ assistance: yuan("210"), category: "monitored" });
    // Equal shares: the policy's order (minimum_living is listed before monitored).
    expect(atPayment(facts([period("monitored"), period("minimum_living")]))).toMatchObject({ assistance: yuan("210"), category: "minimum_living" });
    // A low-income member without a condition who is also lifted: 0, as lifted.
    expect(atPayment(facts([period("low_income"), period("lifted")]))).toMatchObject({ assistance: 0, category: "lifted" });
  });
});

describe("low income (低保边缘家庭成员): 60% only with a condition", () => {
  const low = [period("low_income")];

  it("without any condition: 0, explained", () => {
    const c = initialContribution(ctx(facts(low)));
    expect(c).toMatchObject({ person_paid_fen: yuan("350"), assistance_subsidy_fen: 0, category: null });
    expect(c.reason).toContain("低保边缘家庭成员须为重病患者、重度残疾、1月1日年满60周岁或未满18周岁方可资助");
  });

  it("seriously ill: 60%", () => {
    const c = initialContribution(ctx(facts(low, { serious_illness: true })));
    expect(c).toMatchObject({ person_paid_fen: yuan("140"), assistance_subsidy_fen: yuan("210"), category: "low_income" });
    expect(c.reason).toContain("低保边缘家庭成员（重病患者），资助比例60%");
  });

  it("severely disabled (grade 1 or 2): 60%; grades 3 and 4 are not severe", () => {
    expect(atPayment(facts(low, { disability_level: 1 })).assistance).toBe(yuan("210"));
    expect(atPayment(facts(low, { disability_level: 2 })).assistance).toBe(yuan("210"));
    expect(atPayment(facts(low, { disability_level: 3 })).assistance).toBe(0);
    expect(atPayment(facts(low, { disability_level: 4 })).assistance).toBe(0);
  });

  it("aged 60 or over on 1 January: born 1962-01-01 qualifies, born 1962-01-02 does not", () => {
    expect(ageOn("1962-01-01", "2022-01-01")).toBe(60);
    expect(atPayment(facts(low, { brdy: "1962-01-01" })).assistance).toBe(yuan("210"));
    expect(atPayment(facts(low, { brdy: "1962-01-02" })).assistance).toBe(0);
    expect(atPayment(facts(low, { brdy: "1930-12-31" })).assistance).toBe(yuan("210"));
    // The age is taken on 1 January even when the person pays later in the year.
    expect(atPayment(facts([period("low_income", "2022-01-01", null)], { brdy: "1962-06-01" }), "2022-09-01").assistance).toBe(0);
  });

  it("under 18 on 1 January: born 2004-01-01 (18 that day) does not qualify, born 2004-01-02 does", () => {
    expect(ageOn("2004-01-01", "2022-01-01")).toBe(18);
    expect(atPayment(facts(low, { brdy: "2004-01-01" })).assistance).toBe(0);
    expect(atPayment(facts(low, { brdy: "2004-01-02" })).assistance).toBe(yuan("210"));
    expect(atPayment(facts(low, { brdy: "2021-12-31" })).assistance).toBe(yuan("210"));
  });

  it("names the condition met, in the policy's order", () => {
    const f = facts(low, { brdy: "1950-01-01", serious_illness: true });
    expect([...subsidyConditions(f, 2022)]).toEqual(["serious_illness", "age_60_plus"]);
    expect(shareOn(TERMS, f, subsidyConditions(f, 2022), PAID)).toMatchObject({ category: "low_income", condition: "serious_illness", share: 600_000 });
  });

  it("a condition without the category gives nothing", () => {
    expect(atPayment(facts([], { serious_illness: true, disability_level: 1, brdy: "1940-01-01" })).assistance).toBe(0);
  });
});

describe("当月参保、次月资助: a category gained after paying subsidizes from the next month", () => {
  it("beginning 2022-05-01 after paying on 2022-01-01: months 5–12 → round(350 × 60% × 8/12) = 140.00", () => {
    const f = facts([period("minimum_living", "2022-05-01")]);
    const initial = initialContribution(ctx(f));
    expect(initial.assistance_subsidy_fen).toBe(0);
    const adjustment = subsidyAdjustment(ctx(f), recordedOf([initial]));
    expect(adjustment).toMatchObject({
      kind: "adjustment",
      individual_fen: 0,
      person_paid_fen: -yuan("140"),
      assistance_subsidy_fen: yuan("140"),
      fiscal_subsidy_fen: 0,
      category: "minimum_living",
      share_ppm: 600_000,
      subsidy_fund: "610100",
      effective_month: 5,
    });
    expect(adjustment?.reason).toBe(
      "2022-05-01起为低保对象（资助比例60%），在缴费日2022-01-01之后取得：当月参保、次月资助，自5月起资助；" +
        "全年应资助350.00元×（0%×4个月+60%×8个月）÷12=140.00元，已资助0.00元，补资助140.00元（医疗救助基金支付），退还或抵扣个人缴费140.00元。",
    );
  });

  it("beginning 2022-05-15: months 6–12 → 122.50", () => {
    const f = facts([period("minimum_living", "2022-05-15")]);
    const due = contributionsDue(ctx(f), []);
    expect(due.map((d) => [d.kind, d.assistance_subsidy_fen, d.person_paid_fen, d.effective_month])).toEqual([
      ["initial", 0, yuan("350"), null],
      ["adjustment", yuan("122.50"), -yuan("122.50"), 6],
    ]);
  });

  it("counts each month at the best share valid on its 1st day, never below the share at payment", () => {
    const f = facts([period("minimum_living"), period("destitute", "2022-09-01", null)]);
    const { atPayment: pay, months } = yearShares(TERMS, f, 2022, PAID);
    expect(pay.share).toBe(600_000);
    expect(monthRuns(months)).toEqual([
      { from: 1, to: 8, share: 600_000 },
      { from: 9, to: 12, share: PPM },
    ]);
    // 350 × (0.6 × 8 + 1 × 4) / 12 = 256.666… → 256.67; granted 210.00 → 46.67 more, from September.
    const due = contributionsDue(ctx(f), []);
    expect(due.map((d) => [d.kind, d.assistance_subsidy_fen, d.category, d.effective_month])).toEqual([
      ["initial", yuan("210"), "minimum_living", null],
      ["adjustment", yuan("46.67"), "destitute", 9],
    ]);
  });

  it("a category begun on the 1st of December counts for one month; a later start in December for none", () => {
    expect(contributionsDue(ctx(facts([period("monitored", "2022-12-01")])), [])[1]?.assistance_subsidy_fen).toBe(yuan("17.50"));
    expect(contributionsDue(ctx(facts([period("monitored", "2022-12-02")])), [])).toHaveLength(1);
  });

  it("rounds once, half up, over the year: 350.10 yuan × 60% × 1/12 = 17.505 → 17.51", () => {
    const terms = { ...TERMS, individual_contribution: yuan("350.10") };
    expect(entitlement(terms.individual_contribution, [{ share: 600_000 as Ratio }, ...Array.from({ length: 11 }, () => ({ share: 0 as Ratio }))])).toBe(yuan("17.51"));
    const due = contributionsDue({ ...ctx(facts([period("monitored", "2022-12-01")])), terms }, []);
    expect(due[1]?.assistance_subsidy_fen).toBe(yuan("17.51"));
  });

  it("a category valid on the day of payment but recorded late is owed in full, from month 1", () => {
    const withoutIt = initialContribution(ctx(facts([])));
    const adjustment = subsidyAdjustment(ctx(facts([period("destitute", "2021-06-01", null)])), recordedOf([withoutIt]));
    expect(adjustment).toMatchObject({ assistance_subsidy_fen: yuan("350"), person_paid_fen: -yuan("350"), effective_month: 1, category: "destitute" });
    expect(adjustment?.reason).toContain("缴费日2022-01-01已为特困人员（资助比例100%），2021-06-01起有效，身份信息后到，自1月起补足资助");
  });

  it("a second category later in the year adds only what it adds, from its own month", () => {
    const first = facts([period("minimum_living", "2022-05-01")]);
    const rows = contributionsDue(ctx(first), []);
    expect(rows.map((r) => r.assistance_subsidy_fen)).toEqual([0, yuan("140")]);
    const second = facts([period("minimum_living", "2022-05-01"), period("destitute", "2022-09-01")]);
    // 350 × (0.6 × 4 + 1 × 4) / 12 = 186.666… → 186.67; 140.00 granted → 46.67 from September.
    const more = subsidyAdjustment(ctx(second), recordedOf(rows));
    expect(more).toMatchObject({ assistance_subsidy_fen: yuan("46.67"), effective_month: 9, category: "destitute" });
    expect(subsidyAdjustment(ctx(second), recordedOf([...rows, more as ContributionDraft]))).toBeNull();
  });
});

describe("no clawback, and recomputing twice changes nothing", () => {
  it("a category ending mid-year keeps what was granted", () => {
    const f = facts([period("destitute", "2022-01-01", "2022-06-30")]);
    const initial = initialContribution(ctx(f));
    expect(initial.assistance_subsidy_fen).toBe(yuan("350"));
    expect(subsidyAdjustment(ctx(f), recordedOf([initial]))).toBeNull();
    // Even when the category disappears entirely, nothing is taken back.
    expect(subsidyAdjustment(ctx(facts([])), recordedOf([initial]))).toBeNull();
  });

  it("a category that ends and a lower one that begins: the share at payment still counts for every month", () => {
    const f = facts([period("destitute", "2022-01-01", "2022-03-31"), period("monitored", "2022-04-01")]);
    expect(contributionsDue(ctx(f), [])).toHaveLength(1);
  });

  it("contributionsDue is idempotent", () => {
    const f = facts([period("low_income", "2022-03-10")], { disability_level: 2 });
    const first = contributionsDue(ctx(f), []);
    expect(first.map((d) => [d.kind, d.assistance_subsidy_fen, d.effective_month])).toEqual([["initial", 0, null], ["adjustment", yuan("157.50"), 4]]);
    expect(contributionsDue(ctx(f), recordedOf(first))).toEqual([]);
  });

  it("a refund row (a duplicate ended) is not mistaken for coverage", () => {
    const f = facts([period("minimum_living")]);
    const initial = initialContribution(ctx(f));
    const refund: RecordedContribution = { kind: "refund", assistance_subsidy_fen: -initial.assistance_subsidy_fen as Fen, share_ppm: 600_000 as Ratio, effective_month: null };
    // Only enrolled enrollments are recomputed (the service skips ended ones); the rule itself would re-grant.
    expect(subsidyAdjustment(ctx(f), [...recordedOf([initial]), refund])?.assistance_subsidy_fen).toBe(yuan("210"));
  });
});

describe("another year's policy and notes", () => {
  it("puts a note before the explanation", () => {
    const c = initialContribution(ctx(facts([period("orphan", "2020-01-01", null)]), { year: 2023, paidDate: "2023-01-01", note: "参保地451000无2023年度政策，按2022年度政策计算" }));
    expect(c.reason).toMatch(/^参保地451000无2023年度政策，按2022年度政策计算；2023年度城乡居民基本医疗保险个人缴费标准350.00元/);
    expect(c.assistance_subsidy_fen).toBe(yuan("350"));
  });

  it("follows whatever shares a policy states", () => {
    const policy: Policy = {
      ...POLICY,
      enrollment: [{ insutype: "390", individual_contribution: yuan("380"), fiscal_subsidy: yuan("640"), assistance_share: [{ category: "lifted", ratio: 250_000 as Ratio }] }],
    };
    const terms = enrollmentTerms(policy, "390") as EnrollmentTerms;
    const c = initialContribution({ ...ctx(facts([period("lifted")])), terms });
    expect([c.individual_fen, c.assistance_subsidy_fen, c.person_paid_fen, c.fiscal_subsidy_fen]).toEqual([yuan("380"), yuan("95"), yuan("285"), yuan("640")]);
  });
});

// ---------------------------------------------------------------------------------------------------------------------

const CATS = ["destitute", "orphan", "de_facto_orphan", "minimum_living", "low_income", "monitored", "lifted", "illness_impoverished"] as const;
const day = (n: number) => new Date(Date.UTC(2021, 6, 1 + n)).toISOString().slice(0, 10); // 2021-07-01 … about 2023

const arbPeriod = fc
  .record({ c: fc.constantFrom(...CATS), b: fc.integer({ min: 0, max: 700 }), len: fc.option(fc.integer({ min: 0, max: 500 }), { nil: null }) })
  .map(({ c, b, len }) => period(c, day(b), len === null ? null : day(b + len)));

const arbFacts = fc.record({
  brdy: fc.integer({ min: 0, max: 30_000 }).map((n) => new Date(Date.UTC(1930, 0, 1 + n)).toISOString().slice(0, 10)),
  serious_illness: fc.boolean(),
  disability_level: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
  categories: fc.array(arbPeriod, { maxLength: 4 }),
});

describe("properties", () => {
  it("the parts add up, adjustments are positive and recomputing converges at once", () => {
    fc.assert(
      fc.property(arbFacts, arbFacts, fc.integer({ min: 0, max: 364 }), (before, after, paidDay) => {
        const paidDate = new Date(Date.UTC(2022, 0, 1 + paidDay)).toISOString().slice(0, 10);
        const c1 = ctx(before, { paidDate });
        const rows = contributionsDue(c1, []);
        const initial = rows[0] as ContributionDraft;
        expect(initial.kind).toBe("initial");
        expect(initial.person_paid_fen + initial.assistance_subsidy_fen).toBe(initial.individual_fen);
        expect(initial.person_paid_fen).toBeGreaterThanOrEqual(0);
        // New facts (a roster arrives): more may be owed, never less.
        const c2 = ctx({ ...after, brdy: before.brdy }, { paidDate });
        const more = contributionsDue(c2, recordedOf(rows));
        const all = [...rows, ...more];
        for (const r of all.slice(1)) {
          expect(r.kind).toBe("adjustment");
          expect(r.assistance_subsidy_fen).toBeGreaterThan(0);
          expect(r.person_paid_fen).toBe(-r.assistance_subsidy_fen);
          expect(r.effective_month).toBeGreaterThanOrEqual(1);
          expect(r.effective_month).toBeLessThanOrEqual(12);
        }
        expect(contributionsDue(c2, recordedOf(all))).toEqual([]);
        const granted = all.reduce((s, r) => s + r.assistance_subsidy_fen, 0);
        const paid = all.reduce((s, r) => s + r.person_paid_fen, 0);
        expect(granted + paid).toBe(yuan("350"));
        expect(granted).toBeLessThanOrEqual(yuan("350"));
        // What was granted is the larger of the two years' entitlements under the two sets of facts.
        const e1 = entitlement(TERMS.individual_contribution, yearShares(TERMS, c1.facts, 2022, paidDate).months);
        const e2 = entitlement(TERMS.individual_contribution, yearShares(TERMS, c2.facts, 2022, paidDate).months);
        expect(granted).toBe(Math.max(e1, e2));
      }),
      { numRuns: 500 },
    );
  });
});
