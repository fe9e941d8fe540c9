import { z } from "zod";
import { toYuan } from "../../../domain/money.js";
import { coverage, subsidyStatistics } from "../../../services/enrollment/index.js";
import { regionIn, yearIn, yuanOut } from "../../fields.js";
import { defineRoute } from "../../route.js";
import { renameFields } from "../common/inputs.js";
import { regionName } from "../../../domain/reference/index.js";
import { regionOf } from "../../scope.js";
import { signedIn } from "../../session.js";

const statisticsQuery = z.strictObject({ year: yearIn, admdvs: regionIn.optional() });
const group = z.enum(["all", "poverty_relief", "other"]).meta({ description: "all 全体 | poverty_relief 脱贫人口和低收入人口 | other 其他" });

export const coverageRoute = defineRoute({
  method: "GET",
  path: "/coverage",
  operationId: "coverage",
  summary: { zh: "参保率（应保尽保）", en: "Coverage rates by region and category" },
  description: "参保人数对登记人口，按地区和类别；比率为百分比（两位小数）/ the insured against the registered population; rates in percent, to 0.01.",
  tags: ["coverage"],
  access: "read",
  query: statisticsQuery,
  response: z.object({
    year: z.int(),
    admdvs: z.string().nullable(),
    rules: z.object({ insured: z.string(), category: z.string() }).meta({ description: "计数口径 / how the counts are made" }),
    rows: z.array(z.object({
      admdvs: z.string(),
      admdvs_name: z.string(),
      category: z.string(),
      category_name: z.string(),
      group,
      population: z.int().nullable().meta({ description: "登记人口，未导入为 null / registered population; null where none was imported" }),
      insured: z.int(),
      uninsured: z.int().nullable(),
      rate_percent: z.number().nullable().meta({ description: "参保率 % / coverage, percent to 0.01" }),
      target_percent: z.number().nullable(),
      meets_target: z.boolean().nullable(),
    })),
  }),
  async handle({ query, services, principal }) {
    const admdvs = regionOf(signedIn(principal), query.admdvs, "query.admdvs");
    const r = await renameFields("query", () => coverage(services.db, { year: query.year, ...(admdvs ? { admdvs } : {}) }));
    return {
      year: r.year,
      admdvs: r.admdvs,
      rules: r.rules,
      rows: r.rows.map(({ rate_bp, target_bp, ...row }) => ({
        ...row,
        admdvs_name: regionName(row.admdvs),
        rate_percent: rate_bp === null ? null : rate_bp / 100,
        target_percent: target_bp === null ? null : target_bp / 100,
      })),
    };
  },
});

export const subsidyStatisticsRoute = defineRoute({
  method: "GET",
  path: "/subsidies/statistics",
  operationId: "subsidyStatistics",
  summary: { zh: "资助参保统计（按类别）", en: "Subsidized-enrollment statistics by category" },
  description: "缴费、调整与退费之和（退费冲减），按地区和类别，含合计 / sums of the year's contributions (refunds subtract) by region and category, with totals.",
  tags: ["subsidies"],
  access: "read",
  query: statisticsQuery,
  response: z.object({
    year: z.int(),
    admdvs: z.string().nullable(),
    rules: z.object({ amounts: z.string(), persons_subsidized: z.string() }),
    rows: z.array(z.object({
      admdvs: z.string(),
      admdvs_name: z.string(),
      category: z.string().meta({ description: "类别；none 无类别；all 合计 / a category; none: no category; all: the total" }),
      category_name: z.string(),
      group: z.enum(["all", "poverty_relief", "other", "none"]),
      persons: z.int(),
      persons_subsidized: z.int(),
      individual: yuanOut,
      person_paid: yuanOut,
      assistance_subsidy: yuanOut,
      fiscal_subsidy: yuanOut,
    })),
  }),
  async handle({ query, services, principal }) {
    const admdvs = regionOf(signedIn(principal), query.admdvs, "query.admdvs");
    const r = await renameFields("query", () => subsidyStatistics(services.db, { year: query.year, ...(admdvs ? { admdvs } : {}) }));
    return {
      year: r.year,
      admdvs: r.admdvs,
      rules: r.rules,
      rows: r.rows.map((row) => ({
        admdvs: row.admdvs,
        admdvs_name: regionName(row.admdvs),
        category: row.category,
        category_name: row.category_name,
        group: row.group,
        persons: row.persons,
        persons_subsidized: row.persons_subsidized,
        individual: toYuan(row.individual_fen),
        person_paid: toYuan(row.person_paid_fen),
        assistance_subsidy: toYuan(row.assistance_subsidy_fen),
        fiscal_subsidy: toYuan(row.fiscal_subsidy_fen),
      })),
    };
  },
});
