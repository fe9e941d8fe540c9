import { sql } from "drizzle-orm";
import { CATEGORIES, CATEGORY_NAMES, type Category } from "../../domain/codes.js";
import { DomainError } from "../../domain/errors.js";
import { parseRegionCode } from "../../domain/ids.js";
import type { Queryable } from "../../store/db.js";
import type { ImportSpec, SourceRow } from "../common/importSpec.js";
import { inRegion } from "../common/region.js";

/**
 * The registered population (户籍/常住人口) per region, year and category, handed over by the statistics, civil-affairs
 * and rural-revitalisation departments: the denominators of the coverage rates (应保尽保). Imported like the other
 * reference data (`yibao import population`); this file holds the row rules and the writing, imports.ts runs them.
 *
 * Type-only imports from imports.ts keep the two modules free of a load-order cycle.
 */

/**
 * Population keys besides the categories: everyone, and the poverty-relief population as a whole (persons holding any of
 * the poverty-relief categories: a person may be in two, so its count is not the sum of theirs).
 */
export const POPULATION_ALL = "all";
export const POVERTY_RELIEF = "poverty_relief";
export type PopulationCategory = typeof POPULATION_ALL | typeof POVERTY_RELIEF | Category;

/** The categories counted apart as the poverty-relief population (脱贫人口和农村低收入人口), Baise's report. */
export const POVERTY_RELIEF_CATEGORIES: readonly Category[] = [
  "destitute", "orphan", "de_facto_orphan", "minimum_living", "low_income", "monitored", "lifted",
];

export const POPULATION_NAMES: Record<PopulationCategory, string> = {
  all: "全部人员",
  poverty_relief: "脱贫人口和低收入人口合计",
  ...CATEGORY_NAMES,
};

export const POPULATION_COLUMNS = { required: ["admdvs", "year", "category", "count"], optional: ["source"] } as const;

export interface PopulationValue {
  admdvs: string;
  year: number;
  category: PopulationCategory;
  count: number;
  source: string | null;
}

/** A key by its code or its Chinese name (特困人员 → destitute, 全部/合计 → all). */
const KEY_BY_NAME = new Map<string, PopulationCategory>([
  ...(Object.keys(POPULATION_NAMES) as PopulationCategory[]).map((k) => [k, k] as [string, PopulationCategory]),
  ...(Object.entries(POPULATION_NAMES) as [PopulationCategory, string][]).map(([k, name]) => [name, k] as [string, PopulationCategory]),
  ["全部", "all"],
  ["合计", "all"],
]);

const REQUIRED = "必填 / is required";
const MAX_COUNT = 2_000_000_000;

type Fail = (field: string, reason: string) => void;

const text = (value: string | undefined): string => (value ?? "").trim();

export function parsePopulationRow(values: SourceRow["values"], fail: Fail): PopulationValue | undefined {
  let admdvs: string | undefined;
  const admdvsText = text(values.admdvs);
  if (admdvsText === "") fail("admdvs", REQUIRED);
  else {
    try {
      admdvs = parseRegionCode(admdvsText, "admdvs");
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      fail("admdvs", `须为6位行政区划代码 / ${error.rule}`);
    }
  }

  const yearText = text(values.year);
  let year: number | undefined;
  if (yearText === "") fail("year", REQUIRED);
  else if (!/^\d{4}$/.test(yearText) || Number(yearText) < 1990 || Number(yearText) > 2100) {
    fail("year", `年度须为1990至2100之间的四位数字 / must be a calendar year such as 2022, got "${yearText}"`);
  } else year = Number(yearText);

  const given = text(values.category);
  const category = KEY_BY_NAME.get(given) ?? KEY_BY_NAME.get(given.toLowerCase());
  if (given === "") fail("category", REQUIRED);
  else if (category === undefined) {
    fail("category", `未知的人员类别 / must be all, poverty_relief or a category (${CATEGORIES.join(", ")}) or its Chinese name, got "${given}"`);
  }

  const countText = text(values.count);
  let count: number | undefined;
  if (countText === "") fail("count", REQUIRED);
  else if (!/^\d+$/.test(countText)) {
    fail("count", `人数须为不带分隔符的非负整数 / must be a whole number of persons without separators, got "${countText}"`);
  } else if (Number(countText) > MAX_COUNT) fail("count", `数值过大 / is too large: "${countText}"`);
  else count = Number(countText);

  const source = text(values.source);
  if (source.length > 200) fail("source", "过长（最多200个字符）/ is longer than 200 characters");

  if (admdvs === undefined || year === undefined || category === undefined || count === undefined || source.length > 200) return undefined;
  return { admdvs, year, category, count, source: source === "" ? null : source };
}

export const populationKey = (p: PopulationValue): string => `${p.admdvs}|${p.year}|${p.category}`;

const rowsOf = async <T>(q: Queryable, query: ReturnType<typeof sql>): Promise<T[]> => ((await q.execute(query)) as unknown as { rows: T[] }).rows;
const array = (values: readonly unknown[], type: string) => sql`${sql.param(values)}::${sql.raw(type)}[]`;

/** Upserts a batch by (admdvs, year, category); a row whose count and source are unchanged is left alone. */
export async function writePopulation(tx: Queryable, batch: readonly { row: number; value: PopulationValue }[]): Promise<{ inserted: number; updated: number }> {
  const v = batch.map((b) => b.value);
  const written = await rowsOf<{ inserted: boolean | string }>(tx, sql`
    insert into population as p (admdvs, year, category, count, source)
    select * from unnest(${array(v.map((x) => x.admdvs), "text")}, ${array(v.map((x) => x.year), "integer")},
      ${array(v.map((x) => x.category), "text")}, ${array(v.map((x) => x.count), "integer")}, ${array(v.map((x) => x.source), "text")})
    on conflict (admdvs, year, category) do update set count = excluded.count, source = excluded.source, updated_at = now()
    where (p.count, p.source) is distinct from (excluded.count, excluded.source)
    returning (xmax = 0) as inserted`);
  const inserted = written.filter((r) => r.inserted === true || r.inserted === "t").length;
  return { inserted, updated: written.length - inserted };
}

/** The population import: one row per (admdvs, year, category), run by imports.ts's engine (`importRows("population", …)`). */
export const populationSpec: ImportSpec<PopulationValue> = {
  keyField: "category",
  key: populationKey,
  parse: parsePopulationRow,
  write: (tx, batch) => writePopulation(tx, batch),
};

export interface PopulationEntry {
  admdvs: string;
  category: PopulationCategory;
  count: number;
}

/** The registered population of a year, for every region or one. */
export async function populationOf(q: Queryable, year: number, admdvs?: string): Promise<PopulationEntry[]> {
  const rows = await rowsOf<{ admdvs: string; category: string; count: number | string }>(q, sql`
    select admdvs, category, count from population
    where year = ${year} ${admdvs === undefined ? sql`` : sql`and ${inRegion(sql`admdvs`, admdvs)}`}
    order by admdvs, category`);
  return rows.map((r) => ({ admdvs: r.admdvs, category: r.category as PopulationCategory, count: Number(r.count) }));
}
