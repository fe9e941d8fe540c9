import { sql, type SQL } from "drizzle-orm";
import { CATEGORIES, NATIONAL_MED_TYPES, type Category } from "../../domain/codes.js";
import { DomainError } from "../../domain/errors.js";
import { parseRegionCode } from "../../domain/ids.js";
import { toYuan, type Fen } from "../../domain/money.js";
import { regionName } from "../../domain/reference/index.js";
import type { Queryable } from "../../store/db.js";
import { array, inRegion, rowsOf } from "../common/index.js";
import { checkYear, POPULATION_NAMES, POVERTY_RELIEF_CATEGORIES, type PopulationCategory } from "../enrollment/index.js";

/**
 * Benefit reports like Baise's (seed 002: "住院医疗综合保障受益53.55万人次，基本医保报销17.53亿元，大病保险报销2.35亿元，
 * 医疗救助1.51亿元 … 其中，全市脱贫人口 …"): who was helped by which tier, how often and by how much, inpatient and
 * outpatient chronic/special apart, for all insured and for the poverty-relief population by category, per month and for
 * the year, in a region (a prefecture sums its counties).
 *
 * One query does it all in the database: the settlements in force and the paid assistance applications of the period become
 * one row each ("facts"), each fact is repeated once per population it belongs to, and every total the report shows is a
 * group of its own (period, month, region; all care or per kind). Distinct persons cannot be added up from finer totals
 * (the same person in two months, two kinds of care or two counties), which is why each total is counted, not summed here.
 * Measured on PostgreSQL 15: about 21 s of one core for a prefecture's year of 2 million generated settlements, 5 s for one
 * of its counties or months.
 */

// ---------------------------------------------------------------------------------------------------------------------
// What is counted: tiers, kinds of care, populations

/**
 * Fund codes the tiers are read by. The basic, tier-two and assistance funds are the settlement's own fields (hifp_pay,
 * hifmi_pay, hifob_pay, maf_pay); the supplementary tiers share oth_pay, so they are told apart by their setldetail rows
 * (the codes the shipped policies give them, policies/*.yaml `supplementary`; test/benefits.test.ts checks they still do).
 */
export const BENEFIT_FUNDS = {
  basic_employee: "310100",
  basic_resident: "390100",
  critical_illness: "390200",
  large_amount: "330100",
  assistance: "610100",
  secondary_assistance: "610102",
  huiminbao: "990101",
  charity: "990201",
} as const;

export const BENEFIT_TIERS = [
  "total", "basic", "critical_illness", "large_amount", "assistance", "application_assistance", "secondary_assistance", "huiminbao", "charity",
] as const;
export type BenefitTier = (typeof BENEFIT_TIERS)[number];

export interface TierInfo {
  name: string;
  /** The funds it pays from (none for the total). */
  funds: readonly string[];
  /** settlement: paid at the hospital window, split by kind of care; payment: an approved application paid to the person. */
  source: "settlement" | "payment" | "both";
  /** What its amount is, in words (the notes under the table). */
  counted: string;
}

export const TIER_INFO: Record<BenefitTier, TierInfo> = {
  total: {
    name: "综合保障（各层级合计）", funds: [], source: "both",
    counted: "综合保障：结算中任一基金支付大于0（fund_pay_sumamt，含其他基金）的结算，加上已支付的依申请救助和再救助 / total: settlements in which any fund paid (fund_pay_sumamt, other funds included), plus the paid applications",
  },
  basic: {
    name: "基本医疗保险", funds: [BENEFIT_FUNDS.basic_employee, BENEFIT_FUNDS.basic_resident], source: "settlement",
    counted: "基本医保：结算的统筹基金支付 hifp_pay（职工310100、居民390100） / basic insurance: hifp_pay (employees 310100, residents 390100)",
  },
  critical_illness: {
    name: "城乡居民大病保险", funds: [BENEFIT_FUNDS.critical_illness], source: "settlement",
    counted: "大病保险：hifmi_pay（390200） / critical illness: hifmi_pay (390200)",
  },
  large_amount: {
    name: "职工大额医疗费用补助", funds: [BENEFIT_FUNDS.large_amount], source: "settlement",
    counted: "职工大额：hifob_pay（330100） / employees' large amount: hifob_pay (330100)",
  },
  assistance: {
    name: "医疗救助（一站式结算）", funds: [BENEFIT_FUNDS.assistance], source: "settlement",
    counted: "医疗救助：一站式结算中的 maf_pay（610100） / medical assistance at the window: maf_pay (610100)",
  },
  application_assistance: {
    name: "依申请医疗救助", funds: [BENEFIT_FUNDS.assistance], source: "payment",
    counted: "依申请救助：状态为已支付的依申请救助申请，金额为其自医疗救助基金（610100）的支付记账（ledger_transfers，kind assistance） / application-based assistance: paid applications, the amount their ledger payments from fund 610100",
  },
  secondary_assistance: {
    name: "二次医疗救助（再救助）", funds: [BENEFIT_FUNDS.secondary_assistance], source: "payment",
    counted: "再救助：状态为已支付的再救助申请，金额为其自610102的支付记账 / secondary assistance: paid applications, their ledger payments from fund 610102",
  },
  huiminbao: {
    name: "惠民保", funds: [BENEFIT_FUNDS.huiminbao], source: "settlement",
    counted: "惠民保：结算明细（setldetail）中990101的支付 / 惠民保: the setldetail rows of fund 990101",
  },
  charity: {
    name: "慈善医疗救助", funds: [BENEFIT_FUNDS.charity], source: "settlement",
    counted: "慈善：结算明细中990201的支付 / charity: the setldetail rows of fund 990201",
  },
};

/** Kinds of care: inpatient, outpatient chronic/special disease, general outpatient; all is their sum with the payments. */
export const BENEFIT_CARES = ["all", "inpatient", "chronic", "outpatient"] as const;
export type BenefitCare = (typeof BENEFIT_CARES)[number];

/** The national medical types (医疗类别) of each kind of care, from where each is cared for (domain/codes.ts). */
const MED_TYPES = Object.entries(NATIONAL_MED_TYPES) as [string, { name: string; care: "outpatient" | "inpatient" }][];
export const CHRONIC_MED_TYPE = "14";
export const INPATIENT_MED_TYPES: readonly string[] = MED_TYPES.filter(([, t]) => t.care === "inpatient").map(([code]) => code);
const OUTPATIENT_MED_TYPES: readonly string[] = MED_TYPES.filter(([code, t]) => t.care === "outpatient" && code !== CHRONIC_MED_TYPE).map(([code]) => code);

export const CARE_NAMES: Record<BenefitCare, string> = { all: "合计", inpatient: "住院", chronic: "门诊慢特病", outpatient: "普通门诊" };
export const CARE_MED_TYPES: Record<BenefitCare, readonly string[]> = {
  all: MED_TYPES.map(([code]) => code),
  inpatient: INPATIENT_MED_TYPES,
  chronic: [CHRONIC_MED_TYPE],
  outpatient: OUTPATIENT_MED_TYPES,
};

/** The kinds of care a tier is shown under: a payment on application belongs to no one visit, so only to the sum. */
export const caresOf = (tier: BenefitTier): readonly BenefitCare[] => (TIER_INFO[tier].source === "payment" ? ["all"] : BENEFIT_CARES);

/** Everyone, the poverty-relief population as a whole, then its categories, then the others (coverage.ts's order). */
export const BENEFIT_POPULATIONS: readonly PopulationCategory[] = [
  "all", "poverty_relief", ...POVERTY_RELIEF_CATEGORIES, ...CATEGORIES.filter((c) => !POVERTY_RELIEF_CATEGORIES.includes(c)),
];
export type PopulationGroup = "all" | "poverty_relief" | "other";
export const populationGroup = (p: PopulationCategory): PopulationGroup =>
  p === "all" ? "all" : p === "poverty_relief" || POVERTY_RELIEF_CATEGORIES.includes(p as Category) ? "poverty_relief" : "other";

/** The populations the per-region table shows (the two lines of Baise's report: everyone, and the poverty-relief population). */
export const REGION_POPULATIONS: readonly PopulationCategory[] = ["all", "poverty_relief"];

// ---------------------------------------------------------------------------------------------------------------------
// The report

export interface BenefitInput {
  year: number;
  /** One month of the year (1–12); absent: the whole year. */
  month?: number | undefined;
  /** The region; absent: every region (a national scope). */
  admdvs?: string | undefined;
}

export interface BenefitFigures {
  /** 人次: settlements (or paid applications) in which the tier paid more than 0. */
  person_times: number;
  /** Distinct persons among them. */
  persons: number;
  amount_fen: Fen;
}

export interface BenefitRow {
  tier: BenefitTier;
  care: BenefitCare;
  population: PopulationCategory;
  /** The whole period. */
  period: BenefitFigures;
  /** Month by month, in the order of BenefitReport.months. */
  monthly: BenefitFigures[];
}

export interface BenefitRegionRow {
  admdvs: string;
  tier: BenefitTier;
  care: BenefitCare;
  population: PopulationCategory;
  period: BenefitFigures;
}

export interface BenefitReport {
  year: number;
  month: number | null;
  admdvs: string | null;
  /** The months the period covers (1–12, or the one asked for): the axis of every row's monthly figures. */
  months: number[];
  /** Every tier × its kinds of care × every population, zeros included, so a chart's series are always the same. */
  rows: BenefitRow[];
  /** Per insured region inside the scope: only figures above zero, for everyone and the poverty-relief population. */
  regions: BenefitRegionRow[];
  /** What is counted, in words. */
  notes: string[];
}

const ZERO_FIGURES: BenefitFigures = { person_times: 0, persons: 0, amount_fen: 0 as Fen };

function checkInput(input: BenefitInput): { year: number; month: number | null; admdvs: string | undefined } {
  const year = checkYear(input.year);
  const month = input.month ?? null;
  if (month !== null && (typeof month !== "number" || !Number.isInteger(month) || month < 1 || month > 12)) {
    throw new DomainError("month", `must be a month from 1 to 12, got ${JSON.stringify(month)}`);
  }
  return { year, month, admdvs: input.admdvs === undefined ? undefined : parseRegionCode(input.admdvs, "admdvs") };
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The period as [from, to) dates: a year, or one month of it. */
function periodOf(year: number, month: number | null): { from: string; to: string } {
  if (month === null) return { from: `${year}-01-01`, to: `${year + 1}-01-01` };
  return { from: `${year}-${pad(month)}-01`, to: month === 12 ? `${year + 1}-01-01` : `${year}-${pad(month + 1)}-01` };
}

/**
 * The totals the report shows, each a set of columns it is per besides the population: the period and each month, each
 * for everyone and per kind of care, and per region. `level` names the set in the answer's rows.
 */
const SETS = [
  { name: "period", level: 7, columns: [] },
  { name: "periodByCare", level: 6, columns: ["care"] },
  { name: "month", level: 5, columns: ["month"] },
  { name: "monthByCare", level: 4, columns: ["month", "care"] },
  { name: "region", level: 3, columns: ["admdvs"] },
  { name: "regionByCare", level: 2, columns: ["admdvs", "care"] },
] as const;
type TotalSet = (typeof SETS)[number];
const SET = Object.fromEntries(SETS.map((s) => [s.name, s.level])) as Record<TotalSet["name"], number>;

/**
 * One set's rows: its level, the population, its columns (null where it sums over them). Every set is its own hash
 * aggregate: GROUPING SETS would sort all the rows (the planner cannot know how few groups come out of a CTE), and the
 * sets are few.
 */
function perSet(s: TotalSet, select: string, from: SQL): SQL {
  const keys = ["population", ...s.columns].join(", ");
  const types = { admdvs: "text", month: "int", care: "text" } as const;
  const out = (["admdvs", "month", "care"] as const).map((c) => ((s.columns as readonly string[]).includes(c) ? c : `null::${types[c]} as ${c}`)).join(", ");
  return sql`select ${sql.raw(String(s.level))} as level, population, ${sql.raw(out)}, ${sql.raw(select)} from ${from} group by ${sql.raw(keys)}`;
}

/** Per tier and set: 人次 (the tier paid more than 0) and the amount. Tier names are the facts' column names. */
const TIER_SUMS = BENEFIT_TIERS.map((t) => `count(*) filter (where ${t} > 0) as ${t}_n, coalesce(sum(${t}), 0) as ${t}_a`).join(", ");
const setSums = (): SQL => sql.join(SETS.map((s) => perSet(s, TIER_SUMS, sql`expanded`)), sql`\n      union all `);

/** Which tiers paid a fact, as bits (tier i is bit i): one bit_or per person and group then carries them all. */
const PAID_BITS = BENEFIT_TIERS.map((t, i) => `(case when ${t} > 0 then ${1 << i} else 0 end)`).join(" | ");

/**
 * Distinct persons per tier and set: one row per person and group (a hash aggregate), then per group the rows whose tier
 * bit is set. count(distinct psn_no) per tier would sort the rows again for every tier and set, twice the work over
 * millions of settlements (measured). The region sets are counted for REGION_POPULATIONS only, all the report shows of them.
 */
function personCounts(): SQL {
  const counts = BENEFIT_TIERS.map((t, i) => `count(*) filter (where paid & ${1 << i} <> 0) as ${t}_p`).join(", ");
  return sql.join(SETS.map((s) => {
    const keys = ["population", ...s.columns].join(", ");
    const only = s.name === "region" || s.name === "regionByCare" ? sql` where population = any(${array(REGION_POPULATIONS, "text")})` : sql``;
    return perSet(s, counts, sql`(select ${sql.raw(keys)}, psn_no, bit_or(paid) as paid from expanded${only} group by ${sql.raw(keys)}, psn_no) per_person`);
  }), sql`\n      union all `);
}

/**
 * The facts of the period in the region: one per settlement in force, one per paid application. Amounts are fen (bigint).
 *
 * - A settlement belongs to the region it was insured in (insuplc_admdvs, as stored when it was settled), to the month of
 *   its setl_time (the date of care, local time as the hospital sent it), and to the populations of the categories its
 *   person held on that date. The range on setl_time can use settlements_time.
 * - A payment belongs to the application's region, to the date (China time) it was first posted in the ledger, and to
 *   the categories held on that date. One fact per application, however many transfers paid it.
 */
function factsQuery(admdvs: string | undefined, from: string, to: string): SQL {
  // A supplementary tier's setldetail row, looked up by its key only where oth_pay says one may exist (a CASE runs its
  // subquery only when taken): most settlements have none, and cost nothing here.
  const supplementary = (fund: string) =>
    sql`case when s.oth_pay <> 0 then coalesce((select f.fund_payamt from settlement_funds f where f.setl_id = s.setl_id and f.fund_pay_type = ${fund}), 0) else 0 end::bigint`;
  const settlementRegion = admdvs === undefined ? sql`true` : inRegion(sql`s.insuplc_admdvs`, admdvs);
  const paymentRegion = admdvs === undefined ? sql`true` : inRegion(sql`a.admdvs`, admdvs);
  return sql`
    select s.psn_no, s.insuplc_admdvs as admdvs, extract(month from s.setl_time)::int as month,
      s.setl_time::date as on_date,
      case when s.med_type = any(${array(INPATIENT_MED_TYPES, "text")}) then 'inpatient' when s.med_type = ${CHRONIC_MED_TYPE} then 'chronic' else 'outpatient' end as care,
      s.fund_pay_sumamt::bigint as total, s.hifp_pay::bigint as basic, s.hifmi_pay::bigint as critical_illness, s.hifob_pay::bigint as large_amount,
      s.maf_pay::bigint as assistance, 0::bigint as application_assistance, 0::bigint as secondary_assistance,
      ${supplementary(BENEFIT_FUNDS.huiminbao)} as huiminbao, ${supplementary(BENEFIT_FUNDS.charity)} as charity
    from settlements s
    where s.status = 'settled' and s.setl_time >= ${from}::timestamp and s.setl_time < ${to}::timestamp and ${settlementRegion}
    union all
    select a.psn_no, a.admdvs, extract(month from p.paid_on)::int, p.paid_on, 'payment',
      p.amount, 0, 0, 0, 0,
      case when a.kind = 'application' then p.amount else 0 end, case when a.kind = 'secondary' then p.amount else 0 end, 0, 0
    from assistance_applications a
    cross join lateral (
      select min((t.posted_at at time zone 'Asia/Shanghai')::date) as paid_on, sum(t.amount_fen)::bigint as amount
      from ledger_transfers t
      where t.application_id = a.application_id and t.kind = 'assistance'
        and t.fund_pay_type = case a.kind when 'application' then ${BENEFIT_FUNDS.assistance} else ${BENEFIT_FUNDS.secondary_assistance} end
    ) p
    where a.state = 'paid' and a.kind in ('application', 'secondary') and p.paid_on >= ${from}::date and p.paid_on < ${to}::date and ${paymentRegion}`;
}

type AggregateRow = Record<string, string | number | null>;

export async function benefitReport(q: Queryable, input: BenefitInput): Promise<BenefitReport> {
  const { year, month, admdvs } = checkInput(input);
  const { from, to } = periodOf(year, month);
  const tierColumns = sql.raw(BENEFIT_TIERS.map((t) => `f.${t}`).join(", "));
  const result = await rowsOf<AggregateRow>(q, sql`
    with facts as materialized (${factsQuery(admdvs, from, to)}),
    -- Each fact once for everyone, once per category its person held on its date (both ends of a validity included; an
    -- open end is open), and once (not once per category) for the poverty-relief population. Plain joins on psn_no, so
    -- that the planner hashes them and knows how many rows come out (an unnest or an index probe per fact makes it guess
    -- tenfold, and choose sorts that spill).
    expanded as materialized (
      select population, psn_no, admdvs, month, care, ${sql.raw(BENEFIT_TIERS.join(", "))}, ${sql.raw(PAID_BITS)} as paid
      from (
        select 'all' as population, f.psn_no, f.admdvs, f.month, f.care, ${tierColumns}
        from facts f
        union all
        select i.psn_idet_type, f.psn_no, f.admdvs, f.month, f.care, ${tierColumns}
        from facts f
        join person_identities i on i.psn_no = f.psn_no and i.begntime <= f.on_date and (i.endtime is null or i.endtime >= f.on_date)
          and i.psn_idet_type = any(${array(CATEGORIES, "text")})
        -- Two periods of one category that overlap on the date count once: the one begun first.
        where not exists (
          select 1 from person_identities j
          where j.psn_no = i.psn_no and j.psn_idet_type = i.psn_idet_type and j.begntime < i.begntime and (j.endtime is null or j.endtime >= f.on_date)
        )
        union all
        select 'poverty_relief', f.psn_no, f.admdvs, f.month, f.care, ${tierColumns}
        from facts f
        where exists (
          select 1 from person_identities i
          where i.psn_no = f.psn_no and i.begntime <= f.on_date and (i.endtime is null or i.endtime >= f.on_date)
            and i.psn_idet_type = any(${array(POVERTY_RELIEF_CATEGORIES, "text")})
        )
      ) x
    ),
    sums as (
      ${setSums()}
    ),
    persons as (
      ${personCounts()}
    )
    select s.*, ${sql.raw(BENEFIT_TIERS.map((t) => `coalesce(p.${t}_p, 0) as ${t}_p`).join(", "))}
    from sums s left join persons p on p.level = s.level and p.population = s.population
      and p.admdvs is not distinct from s.admdvs and p.month is not distinct from s.month and p.care is not distinct from s.care`);

  const figuresOf = (r: AggregateRow | undefined, tier: BenefitTier): BenefitFigures =>
    r === undefined ? ZERO_FIGURES : { person_times: Number(r[`${tier}_n`]), persons: Number(r[`${tier}_p`]), amount_fen: Number(r[`${tier}_a`]) as Fen };
  const keyed = new Map<string, AggregateRow>();
  const regionRows: AggregateRow[] = [];
  for (const r of result) {
    const level = Number(r.level);
    if (level === SET.region || level === SET.regionByCare) regionRows.push(r);
    else keyed.set(`${level}|${String(r.population)}|${String(r.care ?? "all")}|${String(r.month ?? "")}`, r);
  }

  const months = month === null ? Array.from({ length: 12 }, (_, i) => i + 1) : [month];
  const rows: BenefitRow[] = [];
  for (const tier of BENEFIT_TIERS) {
    for (const care of caresOf(tier)) {
      for (const population of BENEFIT_POPULATIONS) {
        const whole = care === "all" ? SET.period : SET.periodByCare;
        const byMonth = care === "all" ? SET.month : SET.monthByCare;
        rows.push({
          tier, care, population,
          period: figuresOf(keyed.get(`${whole}|${population}|${care}|`), tier),
          monthly: months.map((m) => figuresOf(keyed.get(`${byMonth}|${population}|${care}|${m}`), tier)),
        });
      }
    }
  }

  const regions: BenefitRegionRow[] = [];
  const careOrder = (c: string) => BENEFIT_CARES.indexOf(c as BenefitCare);
  regionRows.sort((a, b) => String(a.admdvs).localeCompare(String(b.admdvs)) || careOrder(String(a.care ?? "all")) - careOrder(String(b.care ?? "all")));
  for (const population of REGION_POPULATIONS) {
    for (const r of regionRows) {
      // A payment's "care" is only the sum's; a region row per kind of care is for settlements.
      const care = Number(r.level) === SET.region ? "all" : String(r.care);
      if (r.population !== population || care === "payment") continue;
      for (const tier of BENEFIT_TIERS) {
        if (!caresOf(tier).includes(care as BenefitCare)) continue;
        const period = figuresOf(r, tier);
        if (period.person_times > 0 || period.amount_fen !== 0) regions.push({ admdvs: String(r.admdvs), tier, care: care as BenefitCare, population, period });
      }
    }
  }
  regions.sort((a, b) => a.admdvs.localeCompare(b.admdvs) || REGION_POPULATIONS.indexOf(a.population) - REGION_POPULATIONS.indexOf(b.population)
    || BENEFIT_TIERS.indexOf(a.tier) - BENEFIT_TIERS.indexOf(b.tier) || careOrder(a.care) - careOrder(b.care));

  return { year, month, admdvs: admdvs ?? null, months, rows, regions, notes: benefitNotes(year, month, admdvs) };
}

/** What every figure counts, in words: shown under the tables and sent with the JSON. */
export function benefitNotes(year: number, month: number | null, admdvs: string | undefined): string[] {
  // A code ending in 00 is a prefecture or a province: its figures take in every region inside it.
  const wide = admdvs !== undefined && admdvs.endsWith("00");
  const zhWhere = admdvs === undefined ? "全国" : `${regionName(admdvs)}（${admdvs}${wide ? "，含所辖区县" : ""}）`;
  const enWhere = admdvs === undefined ? "every region" : `${admdvs}${wide ? " and the regions inside it" : ""}`;
  const zhWhen = month === null ? `${year}年全年` : `${year}年${month}月`;
  const enWhen = month === null ? `the year ${year}` : `${year}-${pad(month)}`;
  const medTypes = (care: BenefitCare) => CARE_MED_TYPES[care].map((c) => `${c}${NATIONAL_MED_TYPES[c as keyof typeof NATIONAL_MED_TYPES].name}`).join("、");
  return [
    `统计范围：${zhWhere}；期间：${zhWhen} / scope: ${enWhere}; period: ${enWhen}`,
    "地区：结算计入结算时的参保地（insuplc_admdvs），依申请救助和再救助计入申请的参保地（admdvs）；地市的数字包含其所辖区县 / region: a settlement's insured region as settled, an application's region; a prefecture includes its counties",
    "结算：仅计状态为“已结算”的结算，已冲正（退费）的不计；按结算时间（就医日期）计入年月 / settlements: only those in force (status settled), reversed ones excluded; dated by setl_time",
    "人次：该层级支付金额大于0的结算笔数（住院中途结算各计一次）；依申请救助和再救助为已支付的申请件数 / person-times: settlements in which the tier paid more than 0 (each mid-stay settlement counts); paid applications for the application tiers",
    "人数：受益人次所涉及的不同人员，一人多次只计一人；各月人数、各类别人数和各地区人数之和可大于合计人数 / persons: distinct persons; the months', categories' and regions' persons can add up to more than the total",
    ...BENEFIT_TIERS.map((t) => TIER_INFO[t].counted),
    `就医类型：住院为医疗类别${medTypes("inpatient")}；门诊慢特病为${medTypes("chronic")}；普通门诊为其余门诊类别（${medTypes("outpatient")}）。依申请救助和再救助不属于某一次就医，只计入“合计” / kinds of care by the national med_type; the application tiers only in the sum`,
    "人群：按就医日期（依申请救助和再救助为支付入账日期，北京时间）当日有效的人员类别（person_identities，起止日均含）。不用结算记录的倾斜或救助类别：稳定脱贫人口既无倾斜也无救助，普通门诊也不记录类别，而统计须包含他们 / populations: the categories the person held on the date of care (of payment), not the settlement's tilt or assistance category, which lifted persons and general outpatient care never carry",
    "一人同时有多个类别时在每个类别中都计入；“脱贫人口和低收入人口合计”为持有任一脱贫或低收入类别（特困、孤儿、事实无人抚养儿童、低保、低保边缘、防返贫监测、稳定脱贫）的人员，按人去重 / a person in two categories counts in both; the poverty-relief total counts them once",
    "人员类别以统计时登记的有效期为准：之后导入的类别变更会改变历史月份的分类 / categories are as registered when the report runs: a later import of a category changes how earlier months are split",
    "金额单位：元，保留两位小数（内部以分计算，无舍入） / amounts in yuan with two decimals (computed in fen, never rounded)",
  ];
}

// ---------------------------------------------------------------------------------------------------------------------
// The wire (the API's answer, and `yibao report benefits --format json`)

export interface BenefitFiguresJson {
  person_times: number;
  persons: number;
  amount: number;
}

export function benefitsJson(report: BenefitReport) {
  const figures = (f: BenefitFigures): BenefitFiguresJson => ({ person_times: f.person_times, persons: f.persons, amount: toYuan(f.amount_fen) });
  const names = (tier: BenefitTier, care: BenefitCare, population: PopulationCategory) => ({
    tier, tier_name: TIER_INFO[tier].name, care, care_name: CARE_NAMES[care], population, population_name: POPULATION_NAMES[population], group: populationGroup(population),
  });
  return {
    year: report.year,
    month: report.month,
    admdvs: report.admdvs,
    admdvs_name: report.admdvs === null ? "全国" : regionName(report.admdvs),
    months: report.months,
    tiers: BENEFIT_TIERS.map((tier) => ({ tier, name: TIER_INFO[tier].name, funds: [...TIER_INFO[tier].funds], source: TIER_INFO[tier].source, cares: [...caresOf(tier)] })),
    cares: BENEFIT_CARES.map((care) => ({ care, name: CARE_NAMES[care], med_types: [...CARE_MED_TYPES[care]] })),
    populations: BENEFIT_POPULATIONS.map((population) => ({ population, name: POPULATION_NAMES[population], group: populationGroup(population) })),
    rows: report.rows.map((r) => ({
      ...names(r.tier, r.care, r.population),
      ...figures(r.period),
      monthly: {
        person_times: r.monthly.map((m) => m.person_times),
        persons: r.monthly.map((m) => m.persons),
        amount: r.monthly.map((m) => toYuan(m.amount_fen)),
      },
    })),
    regions: report.regions.map((r) => ({ admdvs: r.admdvs, admdvs_name: regionName(r.admdvs), ...names(r.tier, r.care, r.population), ...figures(r.period) })),
    notes: report.notes,
  };
}

export type BenefitsJson = ReturnType<typeof benefitsJson>;
