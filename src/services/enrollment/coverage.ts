import { sql, type SQL } from "drizzle-orm";
import { CATEGORIES, CATEGORY_NAMES, type Category } from "../../domain/codes.js";
import { parseRegionCode } from "../../domain/ids.js";
import type { Fen } from "../../domain/money.js";
import type { Queryable } from "../../store/db.js";
import { checkYear } from "./duplicates.js";
import { POPULATION_NAMES, POVERTY_RELIEF_CATEGORIES, populationOf, type PopulationCategory } from "./population.js";
import { inRegion } from "../common/region.js";

/**
 * Enrollment for everyone (应保尽保) in numbers: the insured against the registered population per region and category,
 * and the subsidized enrollment (资助参保) per category. Read-only, one transaction per statistic.
 */

export interface StatisticsInput {
  year: number;
  admdvs?: string;
}

/** How the grouping of categories is shown: everyone, the poverty-relief population (apart, with its subtotal), the others. */
export type CategoryGroup = "all" | "poverty_relief" | "other";

export interface CoverageRow {
  admdvs: string;
  category: PopulationCategory;
  category_name: string;
  group: CategoryGroup;
  /** The registered population; null when none was imported for this region, year and category. */
  population: number | null;
  /** Distinct persons with an active basic enrollment (310 or 390) of the year in the region. */
  insured: number;
  /** insured / population in basis points (1 = 0.01%), rounded half up; null without a population. */
  rate_bp: number | null;
  /** population − insured, never below zero; null without a population. */
  uninsured: number | null;
  /** The seeds' targets: ≥95% for everyone, ≥99% for the poverty-relief population. */
  target_bp: number | null;
  meets_target: boolean | null;
}

export interface CoverageReport {
  year: number;
  admdvs: string | null;
  /** The rules the counts follow, in words (shown under the table). */
  rules: { insured: string; category: string };
  rows: CoverageRow[];
}

export const COVERAGE_RULES = {
  insured: "当年参保状态为“参保”且未终止的职工医保（310）或城乡居民医保（390）参保人，按人去重 / distinct persons with an enrolled, not ended 310 or 390 enrollment of the year in the region",
  category: "当年内任一时间有效的人员类别（起始日不晚于年末且终止日不早于年初）/ a category held at any time in the year (begntime ≤ Dec 31 and endtime empty or ≥ Jan 1)",
} as const;

/** The categories in the order of the tables: the poverty-relief ones (with their subtotal first), then the others. */
const OTHER_CATEGORIES: readonly Category[] = CATEGORIES.filter((c) => !POVERTY_RELIEF_CATEGORIES.includes(c));
const COVERAGE_ORDER: readonly { category: PopulationCategory; group: CategoryGroup }[] = [
  { category: "all", group: "all" },
  { category: "poverty_relief", group: "poverty_relief" },
  ...POVERTY_RELIEF_CATEGORIES.map((category) => ({ category, group: "poverty_relief" as const })),
  ...OTHER_CATEGORIES.map((category) => ({ category, group: "other" as const })),
];
const TARGET_BP: Record<CategoryGroup, number | null> = { all: 9500, poverty_relief: 9900, other: null };

const rowsOf = async <T>(q: Queryable, query: SQL): Promise<T[]> => ((await q.execute(query)) as unknown as { rows: T[] }).rows;
const array = (values: readonly unknown[], type: string): SQL => sql`${sql.param(values)}::${sql.raw(type)}[]`;

/** n / d in basis points, rounded half up, in integers. */
export function rateBp(n: number, d: number): number {
  return Math.floor((n * 20_000 + d) / (2 * d));
}

function checkInput(input: StatisticsInput): { year: number; admdvs: string | undefined } {
  return { year: checkYear(input.year), admdvs: input.admdvs === undefined ? undefined : parseRegionCode(input.admdvs, "admdvs") };
}

/** One transaction per statistic; a caller's transaction is joined (as a savepoint), so no isolation level is forced. */
async function snapshot<T>(db: Queryable, work: (tx: Queryable) => Promise<T>): Promise<T> {
  return db.transaction((tx) => work(tx));
}

export async function coverage(db: Queryable, input: StatisticsInput): Promise<CoverageReport> {
  const { year, admdvs } = checkInput(input);
  return snapshot(db, async (tx) => {
    const counts = await rowsOf<{ admdvs: string; category: string; insured: number | string }>(tx, sql`
      with insured as (
        select distinct e.admdvs, e.psn_no from enrollments e
        where e.year = ${year} and e.status = 'enrolled' and e.enddate is null and e.insutype in ('310', '390')
          ${admdvs === undefined ? sql`` : sql`and ${inRegion(sql`e.admdvs`, admdvs)}`}
      ), held as (
        select distinct i.psn_no, i.psn_idet_type from person_identities i
        where i.begntime <= ${`${year}-12-31`}::date and (i.endtime is null or i.endtime >= ${`${year}-01-01`}::date)
      )
      select admdvs, 'all' as category, count(*) as insured from insured group by admdvs
      union all
      select n.admdvs, h.psn_idet_type, count(*) from insured n join held h on h.psn_no = n.psn_no group by n.admdvs, h.psn_idet_type
      union all
      select n.admdvs, 'poverty_relief', count(distinct n.psn_no) from insured n join held h on h.psn_no = n.psn_no
      where h.psn_idet_type = any(${array(POVERTY_RELIEF_CATEGORIES, "text")}) group by n.admdvs`);
    const population = await populationOf(tx, year, admdvs);
    const insured = new Map(counts.map((c) => [`${c.admdvs}|${c.category}`, Number(c.insured)]));
    const registered = new Map(population.map((p) => [`${p.admdvs}|${p.category}`, p.count]));
    const regions = [...new Set([...counts.map((c) => c.admdvs), ...population.map((p) => p.admdvs)])].sort();
    const rows: CoverageRow[] = [];
    for (const region of regions) {
      for (const { category, group } of COVERAGE_ORDER) {
        const n = insured.get(`${region}|${category}`) ?? 0;
        const d = registered.get(`${region}|${category}`) ?? null;
        const rate = d === null || d === 0 ? null : rateBp(n, d);
        const target = TARGET_BP[group];
        rows.push({
          admdvs: region,
          category,
          category_name: POPULATION_NAMES[category],
          group,
          population: d,
          insured: n,
          rate_bp: rate,
          uninsured: d === null ? null : Math.max(0, d - n),
          target_bp: target,
          meets_target: rate === null || target === null ? null : rate >= target,
        });
      }
    }
    return { year, admdvs: admdvs ?? null, rules: COVERAGE_RULES, rows };
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Subsidized enrollment (资助参保) per category

/** Contributions without a category (ordinary insured persons), and the region's total. */
export type SubsidyCategory = Category | "none" | "all" | (string & {});

export interface SubsidyRow {
  admdvs: string;
  category: SubsidyCategory;
  category_name: string;
  group: CategoryGroup | "none";
  /** Persons whose contributions in this category do not net to zero (a refunded duplicate does). */
  persons: number;
  /** Persons whose net medical-assistance subsidy in this category is above zero. */
  persons_subsidized: number;
  /** Sums of the contributions rows (initial, adjustments, refunds). */
  individual_fen: Fen;
  person_paid_fen: Fen;
  assistance_subsidy_fen: Fen;
  fiscal_subsidy_fen: Fen;
}

export interface SubsidyReport {
  year: number;
  admdvs: string | null;
  rules: { amounts: string; persons_subsidized: string };
  rows: SubsidyRow[];
}

export const SUBSIDY_RULES = {
  amounts: "当年缴费、调整和退费记录之和（退费冲减）/ the sums of the year's contributions rows: initial, adjustments and refunds (which subtract)",
  persons_subsidized: "医疗救助资助净额大于0的人数 / persons whose net medical-assistance subsidy is above zero",
} as const;

const SUBSIDY_NAMES: Record<string, string> = { ...CATEGORY_NAMES, none: "无资助类别（普通参保人员）", all: "合计" };

export async function subsidyStatistics(db: Queryable, input: StatisticsInput): Promise<SubsidyReport> {
  const { year, admdvs } = checkInput(input);
  return snapshot(db, async (tx) => {
    const found = await rowsOf<{
      admdvs: string; category: string; persons: number | string; subsidized: number | string;
      individual: number | string; paid: number | string; assistance: number | string; fiscal: number | string;
    }>(tx, sql`
      with per_person as (
        select admdvs, coalesce(category, 'none') as category, psn_no, sum(individual_fen) as individual, sum(person_paid_fen) as paid,
          sum(assistance_subsidy_fen) as assistance, sum(fiscal_subsidy_fen) as fiscal
        from contributions where year = ${year} ${admdvs === undefined ? sql`` : sql`and ${inRegion(sql`admdvs`, admdvs)}`}
        group by grouping sets ((admdvs, coalesce(category, 'none'), psn_no), (admdvs, psn_no))
      )
      select admdvs, coalesce(category, 'all') as category,
        count(*) filter (where individual <> 0 or paid <> 0 or assistance <> 0 or fiscal <> 0) as persons,
        count(*) filter (where assistance > 0) as subsidized,
        coalesce(sum(individual), 0) as individual, coalesce(sum(paid), 0) as paid,
        coalesce(sum(assistance), 0) as assistance, coalesce(sum(fiscal), 0) as fiscal
      from per_person group by admdvs, category`);
    const byKey = new Map(found.map((r) => [`${r.admdvs}|${r.category}`, r]));
    const regions = [...new Set(found.map((r) => r.admdvs))].sort();
    const known = new Set<string>([...CATEGORIES, "none", "all"]);
    const rows: SubsidyRow[] = [];
    for (const region of regions) {
      // Every category, in the tables' order, then any other code found in the rows, then no category, then the total.
      const extra = [...new Set(found.filter((r) => r.admdvs === region && !known.has(r.category)).map((r) => r.category))].sort();
      for (const category of [...POVERTY_RELIEF_CATEGORIES, ...OTHER_CATEGORIES, ...extra, "none", "all"]) {
        const r = byKey.get(`${region}|${category}`);
        rows.push({
          admdvs: region,
          category,
          category_name: SUBSIDY_NAMES[category] ?? category,
          group: category === "all" ? "all" : category === "none" ? "none" : POVERTY_RELIEF_CATEGORIES.includes(category as Category) ? "poverty_relief" : "other",
          persons: Number(r?.persons ?? 0),
          persons_subsidized: Number(r?.subsidized ?? 0),
          individual_fen: Number(r?.individual ?? 0) as Fen,
          person_paid_fen: Number(r?.paid ?? 0) as Fen,
          assistance_subsidy_fen: Number(r?.assistance ?? 0) as Fen,
          fiscal_subsidy_fen: Number(r?.fiscal ?? 0) as Fen,
        });
      }
    }
    return { year, admdvs: admdvs ?? null, rules: SUBSIDY_RULES, rows };
  });
}
