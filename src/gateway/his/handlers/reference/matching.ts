import { z } from "zod";
import { DomainError } from "../../../../domain/errors.js";
import { dayField, dateTimeField } from "../../../../domain/zodFields.js";
import { cancelMatching, checkPage, matchingPage, PAGE_SIZE_MAX, type MatchingRow, uploadMatchings } from "../../../../services/reference/index.js";
import { defineHandler } from "../../types.js";
import { PAGE_FIELDS, pageAnswer, whole } from "./catalogue.js";

/**
 * 目录对照 (catalogue matching) of the national interface: 3301 upload, 3302 cancel, 1317 the hospital's matching, paged.
 * The hospital is always the credential's (the envelope's fixmedins_code, checked by the guard): a fixmedins_code in
 * the body naming another is refused, and another hospital's matching is never read.
 */

const code = z.string().trim().min(1).max(50);

/** One row of 3301, with the national names (fixmedins_hilist_id is the hospital's own code). */
const matchingItem = z.object({
  fixmedins_hilist_id: code,
  fixmedins_hilist_name: z.string().trim().min(1).max(200),
  list_type: z.string().trim().min(1).max(30),
  med_list_codg: code,
  begndate: dayField,
  enddate: dayField.optional(),
  drugadm_strdcod: z.string().optional(),
  genname_no: z.string().optional(),
  aprvno: z.string().optional(),
  dosform: z.string().optional(),
  exct_cont: z.string().optional(),
  item_cont: z.string().optional(),
  prcunt: z.string().optional(),
  spec: z.string().optional(),
  pacspec: z.string().optional(),
  pric: z.union([z.string(), z.number()]).optional(),
  memo: z.string().optional(),
}).passthrough();

const oneOrMany = z.union([matchingItem, z.array(matchingItem).min(1, "must hold at least one matching").max(5_000)]);

/** The national document names the node data; several clients send catalogcompin (one object, or a list). */
export const matchingUpload = defineHandler({
  infno: "3301",
  name: "目录对照上传",
  readOnly: false,
  output: { "result[]": ["fixmedins_hilist_id", "med_list_codg", "begndate", "rid", "upld_stas"] },
  input: z.object({ data: oneOrMany.optional(), catalogcompin: oneOrMany.optional() }),
  async handle(ctx, input) {
    const node = input.data !== undefined ? "data" : "catalogcompin";
    const sent = input.data ?? input.catalogcompin;
    if (sent === undefined) throw new DomainError("data", "须填目录对照 / is required: the matching (data, or catalogcompin as some clients name it)");
    if (input.data !== undefined && input.catalogcompin !== undefined) throw new DomainError("catalogcompin", "send the matching once: data or catalogcompin, not both");
    const list = Array.isArray(sent) ? sent : [sent];
    const at = (i: number) => (Array.isArray(sent) ? `${node}[${i}]` : node);
    const rows = list.map((m) => {
      const { fixmedins_hilist_id, fixmedins_hilist_name, list_type, med_list_codg, begndate, enddate, ...info } = m;
      return { medins_list_codg: fixmedins_hilist_id, medins_list_name: fixmedins_hilist_name, list_type, med_list_codg, begndate, enddate: enddate ?? null, info };
    });
    const done = await uploadMatchings(ctx.services, ctx.q, ctx.fixmedins_code, rows, { source: "3301", opter: ctx.opter, at });
    return {
      output: {
        result: done.map((d, i) => {
          const r = rows[i] as (typeof rows)[number];
          return { fixmedins_hilist_id: r.medins_list_codg, med_list_codg: r.med_list_codg, begndate: r.begndate, rid: String(d.id), upld_stas: d.outcome };
        }),
      },
      effects: { matchings: done.map((d) => d.id) },
    };
  },
});

const cancelItem = z.object({
  fixmedins_code: z.string().optional(),
  fixmedins_hilist_id: code,
  list_type: z.string().trim().min(1).max(30).optional(),
  med_list_codg: code.optional(),
}).passthrough();

export const matchingCancel = defineHandler({
  infno: "3302",
  name: "目录对照撤销",
  readOnly: false,
  output: { "": ["cancelled"] },
  input: z.object({ data: cancelItem.optional(), catalogcompin: cancelItem.optional() }),
  async handle(ctx, input) {
    const node = input.data !== undefined ? "data" : "catalogcompin";
    const item = input.data ?? input.catalogcompin;
    if (item === undefined) throw new DomainError("data", "须填要撤销的对照 / is required: fixmedins_hilist_id (and list_type, med_list_codg) of the matching to cancel");
    if (item.fixmedins_code !== undefined && item.fixmedins_code !== "" && item.fixmedins_code !== ctx.fixmedins_code) {
      throw new DomainError(`${node}.fixmedins_code`, `${item.fixmedins_code} 不是本机构 / is not the sending institution ${ctx.fixmedins_code}: a hospital cancels only its own matching`);
    }
    const n = await cancelMatching(ctx.services, ctx.q, ctx.fixmedins_code, {
      medins_list_codg: item.fixmedins_hilist_id, med_list_codg: item.med_list_codg, list_type: item.list_type,
    }, { source: "3302", field: node });
    return { output: { cancelled: n } };
  },
});

/** 1317's answer fields, in the national document's order. */
export const MATCHING_FIELDS = [
  "fixmedins_code", "medins_list_codg", "medins_list_name", "insu_admdvs", "list_type", "med_list_codg", "begndate", "enddate", "aprvno", "dosform",
  "exct_cont", "item_cont", "prcunt", "spec", "pacspec", "memo", "vali_flag", "rid", "updt_time", "crter_id", "crter_name", "crte_time",
  "crte_optins_no", "opter_id", "opter_name", "opt_time", "optins_no", "poolarea_no",
] as const;

const text = (v: unknown): string | null => (typeof v === "string" ? v : typeof v === "number" ? String(v) : null);
const timeText = (d: Date) => {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
};

function matchingToWire(m: MatchingRow): Record<(typeof MATCHING_FIELDS)[number], string | null> {
  const info = m.info as Record<string, unknown>;
  return {
    fixmedins_code: m.fixmedins_code, medins_list_codg: m.medins_list_codg, medins_list_name: m.medins_list_name, insu_admdvs: m.admdvs,
    list_type: m.list_type, med_list_codg: m.med_list_codg, begndate: m.begndate, enddate: m.enddate, aprvno: text(info.aprvno), dosform: text(info.dosform),
    exct_cont: text(info.exct_cont), item_cont: text(info.item_cont), prcunt: text(info.prcunt), spec: text(info.spec), pacspec: text(info.pacspec),
    memo: m.ended_reason ?? text(info.memo), vali_flag: m.status === "active" ? "1" : "0", rid: String(m.id), updt_time: m.updt_time.slice(0, 19),
    crter_id: m.opter, crter_name: null, crte_time: timeText(m.created_at), crte_optins_no: m.fixmedins_code, opter_id: m.opter, opter_name: null,
    opt_time: m.updt_time.slice(0, 19), optins_no: m.fixmedins_code, poolarea_no: m.admdvs,
  };
}

export const matchingQuery = defineHandler({
  infno: "1317",
  name: "医药机构目录匹配信息查询",
  readOnly: true,
  // The page answer of 1312 and its kin (isLastPage, nextPage…): a HIS pages 1317 with the same loop.
  output: { "data[]": MATCHING_FIELDS, "": PAGE_FIELDS },
  input: z.object({
    data: z.object({
      query_date: z.string().optional(),
      fixmedins_code: z.string().optional(),
      medins_list_codg: z.string().optional(),
      medins_list_name: z.string().optional(),
      insu_admdvs: z.string().optional(),
      list_type: z.string().optional(),
      med_list_codg: z.string().optional(),
      begndate: z.string().optional(),
      vali_flag: z.enum(["0", "1"]).optional(),
      updt_time: dateTimeField.optional().describe("time yyyy-MM-dd HH:mm:ss: the rows changed at or after it (a HIS keeps its copy up to date)"),
      // Paged as 1312 and its kin: the same fields, the same limits and words (checkPage).
      page_num: whole("1 or more"),
      page_size: whole(`1 to ${PAGE_SIZE_MAX}`),
    }).passthrough(),
  }),
  async handle(ctx, { data }) {
    if (data.fixmedins_code && data.fixmedins_code !== ctx.fixmedins_code) {
      throw new DomainError("data.fixmedins_code", `${data.fixmedins_code} 不是本机构 / is not the sending institution ${ctx.fixmedins_code}: a hospital reads only its own matching`);
    }
    checkPage(data);
    const page = await matchingPage(ctx.q, ctx.fixmedins_code, {
      medins_list_codg: data.medins_list_codg || undefined, medins_list_name: data.medins_list_name || undefined, med_list_codg: data.med_list_codg || undefined,
      list_type: data.list_type || undefined, vali_flag: data.vali_flag, updt_time: data.updt_time,
    }, { page_num: data.page_num, page_size: data.page_size });
    return { output: pageAnswer(page.rows.map(matchingToWire), page.total, data.page_num, data.page_size) };
  },
});
