import { sql, type SQL } from "drizzle-orm";
import type { ChrgitmLevel, ListType } from "../../domain/codes.js";
import { DomainError } from "../../domain/errors.js";
import type { Fen } from "../../domain/money.js";
import type { Ratio } from "../../domain/ratio.js";
import type { Queryable } from "../../store/db.js";
import { rowsOf } from "../common/sql.js";

/**
 * The region's catalogue as a HIS downloads it (1312, 1316, 1318, 1319 by pages; 1301… as a file): every row with the
 * time it was last changed (updt_time), in one stable order (updt_time, code, start date), so that a HIS that copies page
 * after page, then asks again from the last updt_time it holds, keeps an exact copy.
 */

/** The national interface's pages hold at most this many rows. */
export const PAGE_SIZE_MAX = 1000;

export interface DownloadedEntry {
  id: number;
  admdvs: string;
  med_list_codg: string;
  med_list_name: string;
  chrgitm_lv: ChrgitmLevel;
  selfpay_prop: Ratio;
  pric_uplmt_amt: Fen | null;
  list_type: ListType;
  begndate: string;
  enddate: string | null;
  /** "yyyy-MM-dd HH:mm:ss" */
  updt_time: string;
}

export interface CatalogueFilter {
  admdvs: string;
  /** Rows changed after this time ("yyyy-MM-dd HH:mm:ss"): what a HIS holding a copy up to it lacks. */
  updt_time?: string | undefined;
  /** Rows in force on this day. */
  query_date?: string | undefined;
  hilist_code?: string | undefined;
  /** A part of the name. */
  hilist_name?: string | undefined;
  list_type?: ListType | undefined;
  /** Drugs only: 中药饮片 (codes beginning T) or the others (西药、中成药). */
  herbal?: boolean | undefined;
  chrgitm_lv?: string | undefined;
  /** Only the rows with a price cap (1318), or with a self-paid share first (1319). */
  only?: "capped" | "selfpay" | undefined;
  /** No row (vali_flag 0 asked: Yibao keeps no withdrawn rows). */
  none?: boolean | undefined;
}

function conditions(f: CatalogueFilter): SQL {
  const c: SQL[] = [sql`admdvs = ${f.admdvs}`];
  if (f.updt_time !== undefined) c.push(sql`updt_time > ${f.updt_time}::timestamp`);
  if (f.query_date !== undefined) c.push(sql`begndate <= ${f.query_date}::date and (enddate is null or enddate >= ${f.query_date}::date)`);
  if (f.hilist_code !== undefined) c.push(sql`med_list_codg = ${f.hilist_code}`);
  if (f.hilist_name !== undefined) c.push(sql`strpos(med_list_name, ${f.hilist_name}) > 0`);
  if (f.list_type !== undefined) c.push(sql`list_type = ${f.list_type}`);
  if (f.herbal === true) c.push(sql`med_list_codg like 'T%'`);
  if (f.herbal === false) c.push(sql`med_list_codg not like 'T%'`);
  if (f.chrgitm_lv !== undefined) c.push(sql`chrgitm_lv = ${f.chrgitm_lv}`);
  if (f.only === "capped") c.push(sql`pric_uplmt_amt_fen is not null`);
  if (f.only === "selfpay") c.push(sql`selfpay_prop_ppm > 0 and chrgitm_lv = '02'`);
  if (f.none === true) c.push(sql`false`);
  return sql.join(c, sql` and `);
}

const COLUMNS = sql`id, admdvs, med_list_codg, med_list_name, chrgitm_lv, selfpay_prop_ppm, pric_uplmt_amt_fen, list_type,
  to_char(begndate, 'YYYY-MM-DD') as begndate, to_char(enddate, 'YYYY-MM-DD') as enddate, to_char(updt_time, 'YYYY-MM-DD HH24:MI:SS') as updt_time`;

function toEntry(r: Record<string, unknown>): DownloadedEntry {
  return {
    id: Number(r.id),
    admdvs: String(r.admdvs),
    med_list_codg: String(r.med_list_codg),
    med_list_name: String(r.med_list_name),
    chrgitm_lv: String(r.chrgitm_lv) as ChrgitmLevel,
    selfpay_prop: Number(r.selfpay_prop_ppm) as Ratio,
    pric_uplmt_amt: r.pric_uplmt_amt_fen === null ? null : (Number(r.pric_uplmt_amt_fen) as Fen),
    list_type: String(r.list_type) as ListType,
    begndate: String(r.begndate),
    enddate: r.enddate === null ? null : String(r.enddate),
    updt_time: String(r.updt_time),
  };
}

export interface CataloguePage {
  rows: DownloadedEntry[];
  /** Rows matching, on every page. */
  total: number;
}

/** The national interface's paging (page_num from 1, page_size 1 to PAGE_SIZE_MAX), the same for every paged download. */
export function checkPage(page: { page_num: number; page_size: number }): void {
  if (!Number.isInteger(page.page_num) || page.page_num < 1) throw new DomainError("data.page_num", "当前页数须为 1 或更大的整数 / must be a whole number, 1 or more");
  if (!Number.isInteger(page.page_size) || page.page_size < 1 || page.page_size > PAGE_SIZE_MAX) {
    throw new DomainError("data.page_size", `本页数据量须为 1 到 ${PAGE_SIZE_MAX} / must be a whole number from 1 to ${PAGE_SIZE_MAX}, got ${page.page_size}`);
  }
}

/** One page (1-based) of the rows matching, in the download order. */
export async function cataloguePage(q: Queryable, filter: CatalogueFilter, page: { page_num: number; page_size: number }): Promise<CataloguePage> {
  checkPage(page);
  const where = conditions(filter);
  const [count] = await rowsOf<{ n: number | string }>(q, sql`select count(*) as n from catalogue_entries where ${where}`);
  const rows = await rowsOf<Record<string, unknown>>(q, sql`
    select ${COLUMNS} from catalogue_entries where ${where}
    order by updt_time, med_list_codg, begndate
    limit ${page.page_size} offset ${(page.page_num - 1) * page.page_size}`);
  return { rows: rows.map(toEntry), total: Number(count?.n ?? 0) };
}

/** A file of catalogue rows holds at most about this many (a version is never split: its last time's rows all go in). */
export const FILE_ROWS_MAX = 50_000;

/**
 * The rows of a catalogue file (1301…): those changed after `since` (every one when absent), oldest first, at most about
 * FILE_ROWS_MAX of them but never part of one time's rows, so that the next file starts where this one ends.
 */
export async function catalogueFileRows(q: Queryable, filter: CatalogueFilter, since: string | undefined): Promise<DownloadedEntry[]> {
  const where = conditions({ ...filter, updt_time: since });
  const rows = await rowsOf<Record<string, unknown>>(q, sql`
    with firsts as (select updt_time from catalogue_entries where ${where} order by updt_time limit ${FILE_ROWS_MAX}),
      bound as (select max(updt_time) as t from firsts)
    select ${COLUMNS} from catalogue_entries where ${where} and updt_time <= (select t from bound)
    order by updt_time, med_list_codg, begndate`);
  return rows.map(toEntry);
}

/** The regions that have a catalogue. */
export async function catalogueRegions(q: Queryable): Promise<string[]> {
  const rows = await rowsOf<{ admdvs: string }>(q, sql`select distinct admdvs from catalogue_entries order by admdvs`);
  return rows.map((r) => String(r.admdvs));
}

/** Whether a region has a catalogue at all. */
export async function hasCatalogue(q: Queryable, admdvs: string): Promise<boolean> {
  const rows = await rowsOf(q, sql`select 1 from catalogue_entries where admdvs = ${admdvs} limit 1`);
  return rows.length > 0;
}
