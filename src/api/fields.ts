import { z } from "zod";
import { CATEGORIES } from "../domain/codes.js";
import { parseResidentId } from "../domain/ids.js";
import { dateField, fromParser, regionField } from "../domain/zodFields.js";

/**
 * Wire fields of the REST API. Input fields reuse the domain's parsers (the same refusals as the imports and the HIS
 * interface); their `meta` tells the OpenAPI generator what a client sends, since a parser is opaque to JSON Schema.
 * Money leaves as yuan (a number with at most two decimals, from toYuan); inside it is fen.
 */

export const certnoIn = fromParser((v, f) => parseResidentId(v, f)).meta({
  type: "string",
  pattern: "^\\d{17}[\\dXx]$",
  description: "居民身份证号码 / 18-character resident ID number (GB 11643), check digit verified",
});

export const regionIn = regionField.meta({ type: "string", pattern: "^\\d{6}$", description: "行政区划代码 / 6-digit region code (GB/T 2260)" });

export const dateIn = dateField.meta({ type: "string", format: "date", description: "YYYY-MM-DD" });

/** A year in a query string (text) or a JSON body (a number or text). */
export const yearIn = z.coerce
  .number({ error: "must be a year YYYY" })
  .int("must be a year YYYY")
  .min(2000, "must be a year from 2000 to 2099")
  .max(2099, "must be a year from 2000 to 2099")
  .meta({ description: "年度 / calendar year" });

export const categoryIn = z.enum(CATEGORIES).meta({ description: "资助/救助类别 / assistance category" });

export const enrollmentStatus = z.enum(["enrolled", "suspended", "ended"]).meta({ description: "参保状态 / enrolled, suspended or ended" });

/** A positive integer id in a path (text). */
export const idIn = z.coerce.number({ error: "must be a positive whole number" }).int("must be a positive whole number").min(1, "must be a positive whole number").max(Number.MAX_SAFE_INTEGER);

export const MAX_PAGE_SIZE = 500;

export const pagination = {
  page: z.coerce.number({ error: "must be a whole number from 1" }).int("must be a whole number from 1").min(1, "must be a whole number from 1").max(1_000_000).default(1).meta({ description: "页码 / page number, from 1" }),
  page_size: z.coerce
    .number({ error: `must be a whole number from 1 to ${MAX_PAGE_SIZE}` })
    .int(`must be a whole number from 1 to ${MAX_PAGE_SIZE}`)
    .min(1, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`)
    .max(MAX_PAGE_SIZE, `must be at most ${MAX_PAGE_SIZE} rows per page`)
    .default(50).meta({ description: `每页条数 / rows per page, at most ${MAX_PAGE_SIZE}` }),
};

// Output fields (no transforms: they describe what the handlers produce and are checked against it).
export const yuanOut = z.number().meta({ description: "元 / yuan, at most two decimals" });
export const dateOut = z.string().meta({ format: "date", description: "YYYY-MM-DD" });
export const timeOut = z.string().meta({ format: "date-time" });

export function paged<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    page: z.int(),
    page_size: z.int(),
    total: z.int().meta({ description: "符合条件的总条数 / rows matching, all pages (counted up to 10,000)" }),
    total_capped: z.boolean().optional().meta({
      description: "为 true 时符合条件的超过 10,000 条，total 为 10,000；请缩小条件 / true: more than 10,000 rows match and total is 10,000; narrow the filter",
    }),
  });
}
