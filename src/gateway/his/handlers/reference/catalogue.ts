import { eq } from "drizzle-orm";
import { z } from "zod";
import { DomainError } from "../../../../domain/errors.js";
import { toYuan } from "../../../../domain/money.js";
import { PPM } from "../../../../domain/ratio.js";
import { listTypeOfNational, nationalListType } from "../../../../domain/reference/index.js";
import { dateTimeField, dayField } from "../../../../domain/zodFields.js";
import { storeFile } from "../../../../services/common/index.js";
import {
  catalogueFileRows, cataloguePage, catalogueRegions, hasCatalogue, PAGE_SIZE_MAX, type CatalogueFilter, type DownloadedEntry,
} from "../../../../services/reference/index.js";
import { fixmedins } from "../../../../store/schema.js";
import { zipOne } from "../../../../lib/zip.js";
import { medChrgitmType } from "../../../../wire/settlement.js";
import { defineHandler, type MessageContext } from "../../types.js";

/**
 * The catalogue downloads (目录下载): 1312, 1316, 1318, 1319 page by page, 1301/1302/1305/1306 as a file fetched with 9102.
 * The catalogue is the treating region's (就医地目录, the one fee lines are priced by): the envelope's mdtrtarea_admvs, or
 * the hospital's region. Every row carries its updt_time; a HIS that asks again with the last updt_time it holds gets the
 * rows changed since, and nothing when nothing changed.
 */

/** "" is absent: HIS clients send every field of their request class. */
const text = z.string().optional().transform((v) => (v === undefined || v.trim() === "" ? undefined : v.trim()));
const time = z.union([z.literal(""), dateTimeField]).optional().transform((v) => v || undefined);
const day = z.union([z.literal(""), dayField]).optional().transform((v) => v || undefined);
/** A whole number as clients send it (a number, or its text); the range is checked where it is used (checkPage). */
export const whole = (field: string) =>
  z.union([z.number(), z.string().trim().regex(/^-?\d+$/, "must be a whole number")]).transform(Number).describe(`whole number (${field})`);

const pageFields = {
  updt_time: time.describe("time yyyy-MM-dd HH:mm:ss: the rows changed after it (absent: every row)"),
  page_num: whole("1 or more"),
  page_size: whole(`1 to ${PAGE_SIZE_MAX}`),
  query_date: day.describe("date yyyy-MM-dd: the rows in force on it"),
  insu_admdvs: text.describe("accepted; the catalogue answered is the treating region's (mdtrtarea_admvs, or the hospital's)"),
  vali_flag: z.union([z.literal(""), z.enum(["0", "1"])]).optional().transform((v) => v || undefined),
};

/** The catalogue's region for this message, refused when it has none. */
async function regionOf(ctx: MessageContext): Promise<string> {
  let region = ctx.mdtrtarea_admvs;
  if (!region) {
    const [h] = await ctx.q.select({ admdvs: fixmedins.admdvs }).from(fixmedins).where(eq(fixmedins.fixmedins_code, ctx.fixmedins_code)).limit(1);
    if (!h) throw new DomainError("fixmedins_code", `定点医药机构 ${ctx.fixmedins_code} 未登记 / is not a registered institution`);
    region = h.admdvs;
  }
  if (!(await hasCatalogue(ctx.q, region))) {
    throw new DomainError("mdtrtarea_admvs", `区划 ${region} 无医保目录 / Yibao holds no catalogue for region ${region} (it holds ${(await catalogueRegions(ctx.q)).join(", ") || "none"})`);
  }
  return region;
}

function listFilter(code: string | undefined): Pick<CatalogueFilter, "list_type" | "herbal"> {
  if (code === undefined) return {};
  const t = listTypeOfNational(code);
  if (!t) throw new DomainError("data.list_type", `目录类别须为 101、102、201 或 301 / must be 101 (西药中成药), 102 (中药饮片), 201 (医疗服务项目) or 301 (医用耗材), got "${code}"`);
  return t;
}

/**
 * The national page answer: the rows in `data`, with the totals the national clients read (PageHelper's names). Every
 * paged transaction (1312, 1316, 1318, 1319, 1317) answers the same fields: a HIS pages them all with one loop.
 */
export const PAGE_FIELDS = [
  "data", "recordCounts", "pages", "pageNum", "pageSize", "size", "startRow", "endRow", "firstPage", "lastPage", "prePage", "nextPage",
  "isFirstPage", "isLastPage", "hasPreviousPage", "hasNextPage",
] as const;

export function pageAnswer(rows: Record<string, unknown>[], total: number, pageNum: number, pageSize: number): Record<string, unknown> {
  const pages = Math.ceil(total / pageSize);
  const startRow = rows.length > 0 ? (pageNum - 1) * pageSize + 1 : 0;
  return {
    data: rows, recordCounts: total, pages, pageNum, pageSize, size: rows.length, startRow, endRow: rows.length > 0 ? startRow + rows.length - 1 : 0,
    firstPage: pages > 0 ? 1 : 0, lastPage: pages, prePage: pageNum > 1 ? Math.min(pageNum - 1, pages) : 0, nextPage: pageNum < pages ? pageNum + 1 : 0,
    isFirstPage: pageNum === 1, isLastPage: pageNum >= pages, hasPreviousPage: pageNum > 1 && pages > 0, hasNextPage: pageNum < pages,
  };
}

/** The record number of a row: its region and its id, the same for as long as the row is kept. */
const rid = (e: DownloadedEntry) => `${e.admdvs}${String(e.id).padStart(12, "0")}`;

const ROW_TAIL = ["vali_flag", "rid", "updt_time", "crte_time", "poolarea_no"] as const;
const tail = (e: DownloadedEntry) => ({ vali_flag: "1", rid: rid(e), updt_time: e.updt_time, crte_time: e.updt_time, poolarea_no: e.admdvs });

const HILIST_FIELDS = [
  "hilist_code", "hilist_name", "insu_admdvs", "begndate", "enddate", "med_chrgitm_type", "chrgitm_lv", "lmt_used_flag", "list_type",
  "med_use_flag", "matn_used_flag", "selfpay_prop", "hilist_pric_uplmt_amt", ...ROW_TAIL,
] as const;

function hilistRow(e: DownloadedEntry): Record<string, unknown> {
  return {
    hilist_code: e.med_list_codg,
    hilist_name: e.med_list_name,
    insu_admdvs: e.admdvs,
    begndate: e.begndate,
    enddate: e.enddate,
    med_chrgitm_type: medChrgitmType(e),
    chrgitm_lv: e.chrgitm_lv,
    // Yibao restricts no item to indications: every row is paid as its class says.
    lmt_used_flag: "0",
    list_type: nationalListType(e.list_type, e.med_list_codg),
    med_use_flag: "1",
    matn_used_flag: "1",
    selfpay_prop: e.selfpay_prop / PPM,
    hilist_pric_uplmt_amt: e.pric_uplmt_amt === null ? null : toYuan(e.pric_uplmt_amt),
    ...tail(e),
  };
}

async function page(ctx: MessageContext, data: { page_num: number; page_size: number; updt_time?: string | undefined; query_date?: string | undefined; vali_flag?: string | undefined }, filter: Omit<CatalogueFilter, "admdvs">, toRow: (e: DownloadedEntry) => Record<string, unknown>) {
  const admdvs = await regionOf(ctx);
  // Yibao keeps no withdrawn rows: an ended one stays with its enddate, valid (vali_flag 1).
  const result = await cataloguePage(ctx.q, { ...filter, admdvs, updt_time: data.updt_time, query_date: data.query_date, none: data.vali_flag === "0" }, data);
  return { output: pageAnswer(result.rows.map(toRow), result.total, data.page_num, data.page_size) };
}

/** 1312 医保目录信息查询: the region's catalogue, page by page. */
export const hilistQuery = defineHandler({
  infno: "1312",
  name: "医保目录信息查询",
  readOnly: true,
  output: { "": PAGE_FIELDS, "data[]": HILIST_FIELDS },
  input: z.object({
    data: z.object({
      ...pageFields,
      hilist_code: text,
      hilist_name: text.describe("a part of the name"),
      list_type: text.describe("101 西药中成药, 102 中药饮片, 201 医疗服务项目, 301 医用耗材"),
      chrgitm_lv: z.union([z.literal(""), z.enum(["01", "02", "03"])]).optional().transform((v) => v || undefined),
      med_chrgitm_type: text.describe("refused when given: filter by list_type"),
    }).passthrough(),
  }),
  async handle(ctx, { data }) {
    if (data.med_chrgitm_type !== undefined) throw new DomainError("data.med_chrgitm_type", "不支持按医疗收费项目类别筛选，请按目录类别 list_type / is not a filter Yibao serves: filter by list_type");
    return page(ctx, data, { hilist_code: data.hilist_code, hilist_name: data.hilist_name, chrgitm_lv: data.chrgitm_lv, ...listFilter(data.list_type) }, hilistRow);
  },
});

/**
 * 1316 医疗目录与医保目录匹配信息查询. Yibao's catalogue is written in the national codes: each medical catalogue code
 * (med_list_codg) is its own medical-insurance catalogue code (hilist_code), one row each.
 */
export const listMatchQuery = defineHandler({
  infno: "1316",
  name: "医疗目录与医保目录匹配信息查询",
  readOnly: true,
  output: { "": PAGE_FIELDS, "data[]": ["med_list_codg", "hilist_code", "list_type", "insu_admdvs", "begndate", "enddate", ...ROW_TAIL] },
  input: z.object({
    data: z.object({
      ...pageFields,
      medins_list_codg: text.describe("refused when given: a hospital's own codes are matched by 3301 and answered by 1317"),
      hilist_code: text,
      list_type: text.describe("101 西药中成药, 102 中药饮片, 201 医疗服务项目, 301 医用耗材"),
    }).passthrough(),
  }),
  async handle(ctx, { data }) {
    if (data.medins_list_codg !== undefined) throw new DomainError("data.medins_list_codg", "医药机构目录编码的对照请用 1317 查询 / a hospital's own codes are answered by 1317");
    return page(ctx, data, { hilist_code: data.hilist_code, ...listFilter(data.list_type) }, (e) => ({
      med_list_codg: e.med_list_codg, hilist_code: e.med_list_codg, list_type: nationalListType(e.list_type, e.med_list_codg), insu_admdvs: e.admdvs,
      begndate: e.begndate, enddate: e.enddate, ...tail(e),
    }));
  },
});

/**
 * 1318 医保目录限价信息查询: the rows with a unit price cap. Over the cap the patient pays the excess (overlmt_amt, the
 * settlement's 超限价自付), which is the one way Yibao handles a cap.
 */
export const priceCapQuery = defineHandler({
  infno: "1318",
  name: "医保目录限价信息查询",
  readOnly: true,
  output: { "": PAGE_FIELDS, "data[]": ["hilist_code", "hilist_lmtpric_type", "overlmt_dspo_way", "insu_admdvs", "begndate", "enddate", "hilist_pric_uplmt_amt", ...ROW_TAIL] },
  input: z.object({
    data: z.object({ ...pageFields, hilist_code: text, hilist_lmtpric_type: text, overlmt_dspo_way: text }).passthrough(),
  }),
  async handle(ctx, { data }) {
    return page(ctx, data, { hilist_code: data.hilist_code, only: "capped" }, (e) => ({
      hilist_code: e.med_list_codg,
      // 1: a cap on the unit price; 1: the excess is paid by the patient.
      hilist_lmtpric_type: "1",
      overlmt_dspo_way: "1",
      insu_admdvs: e.admdvs, begndate: e.begndate, enddate: e.enddate,
      hilist_pric_uplmt_amt: e.pric_uplmt_amt === null ? 0 : toYuan(e.pric_uplmt_amt),
      ...tail(e),
    }));
  },
});

/** 1319 医保目录先自付比例信息查询: the 乙类 rows with a share the patient pays first, the same for everyone insured. */
export const selfpayQuery = defineHandler({
  infno: "1319",
  name: "医保目录先自付比例信息查询",
  readOnly: true,
  output: { "": PAGE_FIELDS, "data[]": ["hilist_code", "selfpay_prop_psn_type", "selfpay_prop_type", "insu_admdvs", "begndate", "enddate", "selfpay_prop", ...ROW_TAIL] },
  input: z.object({
    data: z.object({ ...pageFields, hilist_code: text, selfpay_prop_psn_type: text, selfpay_prop_type: text }).passthrough(),
  }),
  async handle(ctx, { data }) {
    return page(ctx, data, { hilist_code: data.hilist_code, only: "selfpay" }, (e) => ({
      hilist_code: e.med_list_codg,
      // One share for every insured person and insurance type: Yibao's catalogue has no other.
      selfpay_prop_psn_type: "",
      selfpay_prop_type: "",
      insu_admdvs: e.admdvs, begndate: e.begndate, enddate: e.enddate,
      selfpay_prop: e.selfpay_prop / PPM,
      ...tail(e),
    }));
  },
});

/** The columns of a catalogue file (1301…), tab-separated, one row a line, no header: the national files' form. */
export const CATALOGUE_FILE_COLUMNS = [
  "hilist_code", "hilist_name", "list_type", "med_chrgitm_type", "chrgitm_lv", "selfpay_prop", "hilist_pric_uplmt_amt", "begndate", "enddate",
  "vali_flag", "rid", "updt_time", "ver",
] as const;

/** A file's version: the updt_time of its rows as yyyyMMddHHmmss. A HIS sends the last it holds as `ver`. */
const verOf = (updt: string) => updt.replace(/[-: ]/g, "");
const VER = /^\d{14}$/;

/** One line of a catalogue file (1301…; `yibao catalogue export` writes the same lines). */
export function catalogueFileLine(e: DownloadedEntry): string {
  const row = hilistRow(e);
  const cells: Record<(typeof CATALOGUE_FILE_COLUMNS)[number], unknown> = {
    hilist_code: row.hilist_code, hilist_name: row.hilist_name, list_type: row.list_type, med_chrgitm_type: row.med_chrgitm_type,
    chrgitm_lv: row.chrgitm_lv, selfpay_prop: row.selfpay_prop, hilist_pric_uplmt_amt: row.hilist_pric_uplmt_amt, begndate: row.begndate,
    enddate: row.enddate, vali_flag: row.vali_flag, rid: row.rid, updt_time: row.updt_time, ver: verOf(e.updt_time),
  };
  return CATALOGUE_FILE_COLUMNS.map((c) => {
    const v = cells[c];
    return v === null || v === undefined ? "" : String(v).replace(/[\t\r\n]/g, " ");
  }).join("\t");
}

function fileDownload(infno: string, name: string, filter: Omit<CatalogueFilter, "admdvs">) {
  return defineHandler({
    infno,
    name,
    // The file is kept for the hospital to fetch (9102): a write, answered again the same for the same msgid.
    readOnly: false,
    output: { "": ["file_qury_no", "filename", "dld_end_time", "data_cnt"] },
    input: z.object({
      data: z.object({
        ver: z.string().trim().refine((v) => v === "" || v === "0" || VER.test(v), "must be the version a file's rows carry (yyyyMMddHHmmss), or \"0\" (or empty) for the whole catalogue"),
      }).passthrough(),
    }),
    async handle(ctx, { data }) {
      const admdvs = await regionOf(ctx);
      const since = VER.test(data.ver) ? `${data.ver.slice(0, 4)}-${data.ver.slice(4, 6)}-${data.ver.slice(6, 8)} ${data.ver.slice(8, 10)}:${data.ver.slice(10, 12)}:${data.ver.slice(12, 14)}` : undefined;
      const rows = await catalogueFileRows(ctx.q, { ...filter, admdvs }, since);
      const last = rows.at(-1);
      const base = `${infno}_${admdvs}_${last ? verOf(last.updt_time) : data.ver || "0"}`;
      const body = Buffer.from(rows.map((r) => `${catalogueFileLine(r)}\n`).join(""), "utf8");
      const stored = await storeFile(ctx.q, ctx.fixmedins_code, `${base}.zip`, zipOne(`${base}.txt`, body), ctx.inf_time);
      return {
        output: { file_qury_no: stored.file_qury_no, filename: stored.filename, dld_end_time: stored.dld_endtime, data_cnt: rows.length },
        effects: { file_qury_no: stored.file_qury_no },
      };
    },
  });
}

export const westernDrugFile = fileDownload("1301", "西药中成药目录下载", { list_type: "drug", herbal: false });
export const herbalFile = fileDownload("1302", "中药饮片目录下载", { list_type: "drug", herbal: true });
export const serviceFile = fileDownload("1305", "医疗服务项目目录下载", { list_type: "service" });
export const materialFile = fileDownload("1306", "医用耗材目录下载", { list_type: "material" });
