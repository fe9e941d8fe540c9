import type { z } from "zod";
import { envelope } from "./dispatch.js";
import { NATIONAL_MED_TYPES } from "../../domain/codes.js";
import { policyId } from "../../domain/reference/index.js";
import { shippedPolicies } from "../../services/reference/index.js";
import { HANDLERS } from "./handlers/index.js";
import type { Handler } from "./types.js";

/**
 * The conformance table of docs/interface.md, generated from the schemas the interface parses with and the answer fields
 * its handlers declare: what a HIS vendor reads to know what Yibao accepts and answers, and what cannot drift from the
 * code (test/his/interfaceDoc.test.ts holds the committed file to this text; `npm run yibao -- docs interface` writes it).
 */

type Def = {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, string>;
  values?: unknown[];
  checks?: { _zod: { def: { check: string; minimum?: number; maximum?: number; format?: string; pattern?: RegExp } } }[];
  defaultValue?: unknown;
};

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The schema that reads the value as it arrives (as lenient.ts reads it), and the words of the first description on the way. */
function unwrap(schema: z.ZodType): { schema: z.ZodType; description: string | undefined; defaulted: boolean } {
  let s = schema;
  let description = s.description;
  let defaulted = false;
  for (let i = 0; i < 20; i++) {
    const d = defOf(s);
    if (d.type === "default") defaulted = true;
    if ((d.type === "optional" || d.type === "nullable" || d.type === "default" || d.type === "prefault" || d.type === "readonly" || d.type === "catch") && d.innerType) s = d.innerType;
    else if (d.type === "pipe" && d.in && d.out) s = defOf(d.in).type === "transform" ? d.out : d.in;
    else break;
    description ??= s.description;
  }
  return { schema: s, description, defaulted };
}

function textKind(d: Def): string {
  const parts: string[] = [];
  let min: number | undefined;
  let max: number | undefined;
  for (const c of d.checks ?? []) {
    const k = c._zod.def;
    if (k.check === "min_length") min = k.minimum;
    if (k.check === "max_length") max = k.maximum;
    if (k.check === "length_equals") min = max = (k as { length?: number }).length;
    if (k.check === "string_format" && k.format === "regex" && k.pattern) parts.push(`\`${k.pattern.source}\``);
  }
  if (min !== undefined && max !== undefined) parts.unshift(min === max ? `${min} characters` : `${min}–${max} characters`);
  else if (max !== undefined) parts.unshift(`≤ ${max} characters`);
  else if (min !== undefined && min > 0) parts.unshift("not empty");
  return parts.length > 0 ? `text, ${parts.join(", ")}` : "text";
}

function kind(schema: z.ZodType): string {
  const { schema: s, description } = unwrap(schema);
  if (description) return description;
  const d = defOf(s);
  switch (d.type) {
    case "string":
      return textKind(d);
    case "number":
      return "number";
    case "boolean":
      return "true or false";
    case "enum":
      return `one of ${Object.values(d.entries ?? {}).join(", ")}`;
    case "literal":
      return (d.values ?? []).map((v) => JSON.stringify(v)).join(" or ");
    case "union":
      return [...new Set((d.options ?? []).map(kind))].join(" / ");
    case "array":
      return d.element && defOf(unwrap(d.element).schema).type === "object" ? "list of objects" : `list of ${d.element ? kind(d.element) : "values"}`;
    case "object":
      return "object";
    case "record":
      return "object";
    default:
      return "any";
  }
}

interface Row { path: string; presence: string; accepts: string }

function required(field: z.ZodType): string {
  if (field.safeParse(undefined).success) return unwrap(field).defaulted ? "optional (default)" : "optional";
  return "required";
}

/** The fields of an input, depth first: objects by their keys, lists as `name[]`, a union through its object branch. */
function rows(schema: z.ZodType, prefix: string, out: Row[]): Row[] {
  const s = unwrap(schema).schema;
  const d = defOf(s);
  if (d.type === "object" && d.shape) {
    for (const [key, field] of Object.entries(d.shape)) {
      const path = prefix ? `${prefix}.${key}` : key;
      out.push({ path, presence: required(field), accepts: kind(field) });
      rows(field, path, out);
    }
  } else if (d.type === "array" && d.element) {
    rows(d.element, `${prefix}[]`, out);
  } else if (d.type === "union") {
    for (const o of d.options ?? []) {
      const t = defOf(unwrap(o).schema).type;
      if (t === "object" || t === "array") rows(o, t === "array" ? prefix : prefix, out);
    }
  }
  return out;
}

function table(list: Row[]): string[] {
  const seen = new Set<string>();
  const lines = ["| field | presence | accepts |", "|---|---|---|"];
  for (const r of list) {
    if (seen.has(r.path)) continue;
    seen.add(r.path);
    lines.push(`| \`${r.path}\` | ${r.presence} | ${r.accepts.replace(/\|/g, "\\|")} |`);
  }
  return lines;
}

function outputLines(h: Handler): string[] {
  const nodes = Object.entries(h.output ?? {});
  if (nodes.length === 0) return ["Answer: `output` is `{}`; infcode 0 is the answer."];
  return ["| answer node | fields |", "|---|---|", ...nodes.map(([node, fields]) => `| \`${node === "" ? "output" : node === "[]" ? "output[]" : node}\` | ${fields.map((f) => `\`${f}\``).join(", ")} |`)];
}

function medTypeTable(): string[] {
  const policies = shippedPolicies();
  const lines = [`| med_type | name | care | ${policies.map(policyId).join(" | ")} |`, `|---|---|---|${policies.map(() => "---|").join("")}`];
  for (const [code, t] of Object.entries(NATIONAL_MED_TYPES)) {
    lines.push(`| ${code} | ${t.name} | ${t.care} | ${policies.map((p) => p.med_types[code as keyof typeof NATIONAL_MED_TYPES]?.rule ?? "—").join(" | ")} |`);
  }
  return lines;
}

export function interfaceDocument(): string {
  const handlers = [...HANDLERS.values()].sort((a, b) => (a.infno < b.infno ? -1 : a.infno > b.infno ? 1 : 0));
  const plain = handlers.filter((h) => !h.variantOf);
  const out: string[] = [
    "# The hospital-facing interface: conformance table",
    "",
    "<!-- Generated from the schemas by `npm run yibao -- docs interface`; test/his/interfaceDoc.test.ts fails when it is stale. Do not edit by hand. -->",
    "",
    "Yibao serves `POST /fsi/api/rsfComIfsService/callService` as the national interface (医疗保障信息平台 定点医药机构接口规范) defines it.",
    "What it accepts is liberal where the wire is (Postel's rule), and exact where money is:",
    "",
    "- A `null` for an optional field is an absent field, at any depth of the envelope and the input (Newtonsoft.Json writes every property). A `null` for a required field is refused, naming the field.",
    "- `\"\"` for an optional field that takes no text (an amount, a date, a flag, a code list) is an absent field too; where a field takes text, `\"\"` is kept as sent.",
    "- `input` may be the object or a JSON string of it; `opter_type` a number or text; `infno` a lettered variant where one is served (below).",
    "- Amounts are yuan with two decimals, as numbers or text; zeros after them are accepted (`12.5000`, SQL scale), a digit below the fen is refused. `pric` takes six decimals and `cnt` four; `det_item_fee_sumamt` is computed exactly as round(`pric` × `cnt`), half up, once, to the fen when absent, and a stated one is refused only if it differs from the exact product by more than a fen.",
    "- Times are `yyyy-MM-dd HH:mm:ss` China time; a date alone, ISO `T`, fractions of a second and an offset (`Z`, `+08:00`, turned into China time) are accepted.",
    "- `med_type` takes every national code listed under 2203; the insured region's policy (`med_types` in `policies/*.yaml`) says under which rule (11, 14 or 21) it settles, and a code it does not pay is refused in words.",
    "- Every answer field listed is present; amounts are numbers (0, not null, where there is none: `pric_uplmt_amt` of an item without a price cap, `crt_payb_lmt_amt` of an uncapped fund), flags `\"0\"`/`\"1\"`.",
    "",
    "## Medical types (med_type) by shipped policy",
    "",
    "The rule each policy settles a national medical type under (11 general outpatient, 14 chronic/special disease, 21 inpatient); — where the policy does not pay it (refused in words).",
    "",
    ...medTypeTable(),
    "",
    "## Envelope",
    "",
    ...table(rows(envelope, "", [])),
    "",
    "## Transactions",
    "",
    "| infno | name | read-only | lettered variants |",
    "|---|---|---|---|",
    ...plain.map((h) => `| ${h.infno} | ${h.name} | ${h.readOnly ? "yes" : "no"} | ${handlers.filter((v) => v.variantOf === h.infno).map((v) => v.infno).join(", ") || "—"} |`),
    "",
  ];
  for (const h of plain) {
    out.push(`### ${h.infno} ${h.name}`, "");
    for (const v of handlers.filter((x) => x.variantOf === h.infno)) out.push(`- **${v.infno}**: ${v.differences ?? "the same transaction"}.`);
    if (handlers.some((x) => x.variantOf === h.infno)) out.push("");
    const inputRows = rows(h.input, "", []);
    out.push(...(inputRows.length > 0 ? table(inputRows) : ["Input: none."]), "", ...outputLines(h), "");
  }
  return `${out.join("\n").trimEnd()}\n`;
}
