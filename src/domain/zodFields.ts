import { z } from "zod";
import { CATEGORIES } from "./codes.js";
import { DomainError } from "./errors.js";
import { parseDate, parseDateTime, parseDay, parseRegionCode, parseYearMonth } from "./ids.js";
import { parseYuan, type Fen } from "./money.js";
import { parseQuantity, parseUnitPrice, type Quantity, type UnitPrice } from "./quantity.js";
import { parseRatio, type Ratio } from "./ratio.js";

/** A zod field from one of the domain's parsers, so that schemas at every edge refuse bad input the same way. */
export function fromParser<T>(parse: (value: unknown, field: string) => T) {
  return z.unknown().transform((value, ctx): T => {
    try {
      return parse(value, "value");
    } catch (error) {
      ctx.addIssue({ code: "custom", message: error instanceof DomainError ? error.rule : String(error) });
      return z.NEVER;
    }
  });
}

/** Yuan on the wire (at most two decimals, not negative) → fen. */
export const yuanField = fromParser<Fen>((v, f) => parseYuan(v, f)).describe("amount in yuan, number or text, two decimals (zeros after them accepted: 12.5000)");
export const ratioField = fromParser<Ratio>((v, f) => parseRatio(v, f));
export const quantityField = fromParser<Quantity>((v, f) => parseQuantity(v, f)).describe("count above 0, number or text, four decimals (0.0833, 40.0000)");
/** A unit price on the wire (yuan, at most six decimals, not negative) → millionths of a yuan. */
export const unitPriceField = fromParser<UnitPrice>((v, f) => parseUnitPrice(v, f)).describe("unit price in yuan, number or text, six decimals (0.0833, 25.000000)");
export const regionField = fromParser<string>((v, f) => parseRegionCode(v, f)).describe("6-digit region code");
export const dateField = fromParser<string>((v, f) => parseDate(v, f)).describe("date yyyy-MM-dd");
export const dateTimeField = fromParser<string>((v, f) => parseDateTime(v, f)).describe("time yyyy-MM-dd HH:mm:ss (a date alone, ISO with T, fractions, Z or an offset accepted)");
export const dayField = fromParser<string>((v, f) => parseDay(v, f)).describe("date yyyy-MM-dd, or a time in it");
export const yearMonthField = fromParser<string>((v, f) => parseYearMonth(v, f)).describe("month yyyyMM (202204, 2022-04, or a date in the month)");
export const categoryField = z.enum(CATEGORIES);

type Issue = z.core.$ZodIssue;

/** How deep into the input an issue got (through failed unions, their deepest branch). */
function depth(issue: Issue): number {
  const inner = issue.code === "invalid_union" ? issue.errors.flat().reduce((d, i) => Math.max(d, depth(i)), 0) : 0;
  return issue.path.length + inner;
}

/**
 * A failed union says only "Invalid input" at the union; the branch that got furthest (deepest issue, then fewest issues)
 * names the field and the rule, with its path below the union's.
 */
function innermost(issue: Issue | undefined): { issue: Issue | undefined; path: PropertyKey[] } {
  if (!issue || issue.code !== "invalid_union" || issue.errors.length === 0) return { issue, path: issue?.path ?? [] };
  let best: Issue[] = [];
  let bestDepth = -1;
  for (const branch of issue.errors) {
    const d = branch.reduce((m, i) => Math.max(m, depth(i)), -1);
    if (d > bestDepth || (d === bestDepth && branch.length < best.length)) {
      best = branch;
      bestDepth = d;
    }
  }
  const inner = innermost(best[0]);
  return inner.issue ? { issue: inner.issue, path: [...issue.path, ...inner.path] } : { issue, path: issue.path };
}

/** The first issue of a failed parse as a DomainError naming its path. */
export function zodToDomainError(error: z.ZodError, prefix = ""): DomainError {
  const { issue, path: issuePath } = innermost(error.issues[0]);
  const path = issuePath.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
  const field = prefix && path ? `${prefix}.${path}` : prefix || path || "(input)";
  let rule = issue?.message ?? "is invalid";
  if (issue?.code === "invalid_type" && /received undefined/.test(rule)) rule = "is required";
  return new DomainError(field, rule);
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, prefix = ""): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw zodToDomainError(result.error, prefix);
  return result.data;
}
