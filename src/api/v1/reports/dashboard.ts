import { z } from "zod";
import { settlementFilter } from "../../../domain/identity/index.js";
import { toYuan, type Fen } from "../../../domain/money.js";
import { regionName } from "../../../domain/reference/index.js";
import { coverage } from "../../../services/enrollment/index.js";
import { timeOut, yearIn, yuanOut } from "../../fields.js";
import { defineRoute } from "../../route.js";
import { signedIn } from "../../session.js";
import { categoryName, defaultYear } from "../common/shapes.js";
import { beneficiariesByCategory, spendingByMonth } from "../../../services/reports/index.js";

export const dashboardRoute = defineRoute({
  method: "GET",
  path: "/dashboard",
  operationId: "dashboard",
  summary: { zh: "首页统计：各层级月度支出、受益人群、参保率", en: "Dashboard: spending per tier per month, beneficiaries, coverage" },
  tags: ["settlements"],
  access: "settlements",
  query: z.strictObject({ year: yearIn.optional().meta({ description: "年度，默认今年 / the year, default this year" }) }),
  response: z.object({
    year: z.int(),
    admdvs: z.string(),
    as_of: timeOut.meta({ description: "这些数字的计算时间（至多一分钟前，YIBAO_SNAPSHOT_MAX_AGE_SECONDS）/ when the figures were computed (at most a minute ago by default)" }),
    totals: z.object({ settlements: z.int(), medfee_sumamt: yuanOut, fund_pay_sumamt: yuanOut, psn_cash_pay: yuanOut }),
    spending_by_month: z.array(z.object({
      month: z.int(),
      settlements: z.int(),
      medfee_sumamt: yuanOut,
      basic: yuanOut.meta({ description: "基本医保统筹 / basic insurance" }),
      critical_illness: yuanOut.meta({ description: "大病保险 / critical-illness insurance" }),
      large_amount: yuanOut.meta({ description: "职工大额 / employees' large-expense fund" }),
      assistance: yuanOut.meta({ description: "医疗救助 / medical assistance" }),
      other: yuanOut,
      personal_account: yuanOut,
      cash: yuanOut,
    })),
    beneficiaries_by_category: z.array(z.object({ category: z.string(), category_name: z.string(), persons: z.int(), settlements: z.int(), assistance_paid: yuanOut, medfee_sumamt: yuanOut })),
    coverage: z.array(z.object({ admdvs: z.string(), admdvs_name: z.string(), population: z.int().nullable(), insured: z.int(), rate_percent: z.number().nullable() }))
      .meta({ description: "各地区参保率（人口来自导入）/ coverage per region (the population is imported); empty for a hospital or a person" }),
  }),
  async handle({ query, services, principal }) {
    const me = signedIn(principal);
    const year = query.year ?? defaultYear();
    const scope = settlementFilter(me);
    const withCoverage = !(me.role === "insured" || me.role === "hospital");
    // A read of the year's settlements of the scope (millions in a large region): answered from a snapshot at most
    // services.snapshotMaxAgeMs old (context.ts), the same for everyone of the same scope; as_of says when it was taken.
    const { value: [months, beneficiaries, covered], at } = await services.snapshot(
      `dashboard:${year}:${JSON.stringify(scope)}:${withCoverage ? "coverage" : "-"}`,
      () => Promise.all([
        spendingByMonth(services.db, year, scope),
        beneficiariesByCategory(services.db, year, scope),
        withCoverage ? coverage(services.db, { year, ...(scope.region ? { admdvs: scope.region } : {}) }) : Promise.resolve(null),
      ]),
    );
    const sum = (k: "medfee_sumamt" | "cash") => months.reduce((a, m) => a + m[k], 0) as Fen;
    const funds = months.reduce((a, m) => a + m.basic + m.critical_illness + m.large_amount + m.assistance + m.other, 0) as Fen;
    return {
      year,
      admdvs: me.admdvs,
      as_of: at.toISOString(),
      totals: { settlements: months.reduce((a, m) => a + m.settlements, 0), medfee_sumamt: toYuan(sum("medfee_sumamt")), fund_pay_sumamt: toYuan(funds), psn_cash_pay: toYuan(sum("cash")) },
      spending_by_month: months.map((m) => ({
        month: m.month, settlements: m.settlements, medfee_sumamt: toYuan(m.medfee_sumamt), basic: toYuan(m.basic), critical_illness: toYuan(m.critical_illness),
        large_amount: toYuan(m.large_amount), assistance: toYuan(m.assistance), other: toYuan(m.other), personal_account: toYuan(m.personal_account), cash: toYuan(m.cash),
      })),
      beneficiaries_by_category: beneficiaries.map((b) => ({
        category: b.category, category_name: categoryName(b.category) ?? b.category, persons: b.persons, settlements: b.settlements,
        assistance_paid: toYuan(b.assistance_paid), medfee_sumamt: toYuan(b.medfee_sumamt),
      })),
      coverage: (covered?.rows ?? []).filter((r) => r.category === "all").map((r) => ({
        admdvs: r.admdvs, admdvs_name: regionName(r.admdvs), population: r.population, insured: r.insured, rate_percent: r.rate_bp === null ? null : r.rate_bp / 100,
      })),
    };
  },
});
