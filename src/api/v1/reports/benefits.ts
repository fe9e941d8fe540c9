import { z } from "zod";
import { BENEFIT_CARES, BENEFIT_POPULATIONS, BENEFIT_TIERS, benefitReport, benefitsJson } from "../../../services/reports/index.js";
import { regionIn, timeOut, yearIn, yuanOut } from "../../fields.js";
import { defineRoute } from "../../route.js";
import { regionOf } from "../../scope.js";
import { signedIn } from "../../session.js";
import { renameFields } from "../common/inputs.js";

const monthIn = z.coerce
  .number({ error: "must be a month from 1 to 12" })
  .int("must be a month from 1 to 12")
  .min(1, "must be a month from 1 to 12")
  .max(12, "must be a month from 1 to 12")
  .meta({ description: "月份 1–12；不填为全年 / a month 1–12; absent: the whole year" });

const tier = z.enum(BENEFIT_TIERS).meta({
  description: "保障层级 / tier: total 综合保障, basic 基本医保, critical_illness 大病保险, large_amount 职工大额, assistance 医疗救助（一站式）, "
    + "application_assistance 依申请救助, secondary_assistance 再救助, huiminbao 惠民保, charity 慈善",
});
const care = z.enum(BENEFIT_CARES).meta({ description: "就医类型 / kind of care: all 合计, inpatient 住院, chronic 门诊慢特病, outpatient 普通门诊" });
const population = z.enum(BENEFIT_POPULATIONS as [string, ...string[]]).meta({
  description: "人群 / population: all 全部人员, poverty_relief 脱贫人口和低收入人口合计 (按人去重), or an assistance category",
});
const group = z.enum(["all", "poverty_relief", "other"]).meta({ description: "all 全部 | poverty_relief 脱贫人口和低收入人口 | other 其他类别" });
const names = {
  tier, tier_name: z.string(), care, care_name: z.string(), population, population_name: z.string(), group,
};
const figures = {
  person_times: z.int().meta({ description: "人次：该层级支付大于0的结算笔数（或已支付申请件数）/ settlements (paid applications) in which the tier paid" }),
  persons: z.int().meta({ description: "人数：不同人员 / distinct persons" }),
  amount: yuanOut,
};

export const benefitsRoute = defineRoute({
  method: "GET",
  path: "/reports/benefits",
  operationId: "benefitReport",
  summary: { zh: "待遇受益统计（分层级、分人群、按月）", en: "Benefit report: beneficiaries and amounts per tier, population and month" },
  description: "百色式统计：各保障层级的受益人次、人数和金额，住院、门诊慢特病、普通门诊分列，全部人员与脱贫人口（分类别），按月和全期，地市含所辖区县；"
    + "只计在用（未冲正）的结算和已支付的申请。notes 逐条说明口径 / Baise's table: person-times, persons and yuan per tier, kind of care and population, "
    + "month by month and for the period, a prefecture with its counties; settlements in force and paid applications only. notes says what each figure counts.",
  tags: ["reports"],
  access: "read",
  query: z.strictObject({
    year: yearIn,
    admdvs: regionIn.optional().meta({ description: "行政区划；不填为本人所在地区 / the region; default: your own" }),
    month: monthIn.optional(),
  }),
  response: z.object({
    year: z.int(),
    month: z.int().nullable().meta({ description: "所选月份；null 为全年 / the month asked for; null: the whole year" }),
    admdvs: z.string().nullable().meta({ description: "统计地区；null 为全国 / the region; null: every region" }),
    admdvs_name: z.string(),
    as_of: timeOut.meta({ description: "计算时间（至多一分钟前，YIBAO_SNAPSHOT_MAX_AGE_SECONDS）/ when the figures were computed (at most a minute ago by default)" }),
    months: z.array(z.int()).meta({ description: "各行 monthly 序列的月份轴 / the axis of every row's monthly series" }),
    tiers: z.array(z.object({
      tier, name: z.string(), funds: z.array(z.string()), source: z.enum(["settlement", "payment", "both"]), cares: z.array(care),
    })).meta({ description: "层级的顺序、名称、基金编码，以及列出的就医类型 / the tiers in order, their funds and the kinds of care they are shown under" }),
    cares: z.array(z.object({ care, name: z.string(), med_types: z.array(z.string()) })),
    populations: z.array(z.object({ population, name: z.string(), group })),
    rows: z.array(z.object({
      ...names,
      ...figures,
      monthly: z.object({ person_times: z.array(z.int()), persons: z.array(z.int()), amount: z.array(yuanOut) })
        .meta({ description: "按 months 排列的月度序列（各月人数之和可大于全期人数）/ series along months (monthly persons can add up to more than the period's)" }),
    })).meta({ description: "层级×就医类型×人群，全为0的行也列出 / tier × kind of care × population, zero rows included" }),
    regions: z.array(z.object({ admdvs: z.string(), admdvs_name: z.string(), ...names, ...figures }))
      .meta({ description: "按参保地区（全部人员、脱贫人口合计），只列有受益的行 / per insured region (everyone, the poverty-relief total), rows with a benefit only" }),
    notes: z.array(z.string()).meta({ description: "口径说明 / what is counted, in words" }),
  }),
  async handle({ query, services, principal }) {
    const admdvs = regionOf(signedIn(principal), query.admdvs, "query.admdvs");
    const input = { year: query.year, month: query.month, admdvs };
    // A read of a period's settlements in a region (millions in a prefecture): answered from a snapshot at most
    // services.snapshotMaxAgeMs old, as the dashboard is, the same for everyone asking for the same period and region.
    const { value, at } = await services.snapshot(`benefits:${JSON.stringify(input)}`, () => renameFields("query", () => benefitReport(services.db, input)));
    const json = benefitsJson(value);
    return { ...json, as_of: at.toISOString() };
  },
});
