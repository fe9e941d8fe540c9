import type { z } from "zod";

/**
 * Null as absent, for optional fields only. A HIS serialising with Newtonsoft.Json (and many Java clients) writes every
 * property, `null` included (`"card_sn": null`); the national interface means by it what an absent field means. This walks
 * the value along its schema and drops the null of every key whose schema accepts it missing (optional or defaulted), in
 * the envelope and at any depth of the input. A null where the field is required is kept, so the schema refuses it naming
 * the field. One rule at the edge, rather than `.nullable()` field by field.
 *
 * The same for "", which kiosk middlewares and Java clients write for every field they have no value for, where the
 * field is optional and "" is not one of its values (an amount, a date, a flag): there it can only mean absent. Where ""
 * is a value (a text field), it stays.
 */

type Def = { type: string; innerType?: z.ZodType; in?: z.ZodType; out?: z.ZodType; shape?: Record<string, z.ZodType>; element?: z.ZodType; options?: z.ZodType[] };

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** The schema that reads the value as it arrives: through optional, default, nullable and the input side of a pipe. */
function reader(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let i = 0; i < 20; i++) {
    const d = defOf(s);
    if ((d.type === "optional" || d.type === "nullable" || d.type === "default" || d.type === "prefault" || d.type === "readonly" || d.type === "catch") && d.innerType) s = d.innerType;
    // A transform's pipe reads with its input; a preprocess (a transform first) reads with its output.
    else if (d.type === "pipe" && d.in && d.out) s = defOf(d.in).type === "transform" ? d.out : d.in;
    else break;
  }
  return s;
}

const takesAbsent = new WeakMap<z.ZodType, boolean>();
function acceptsMissing(schema: z.ZodType): boolean {
  let known = takesAbsent.get(schema);
  if (known === undefined) {
    known = schema.safeParse(undefined).success;
    takesAbsent.set(schema, known);
  }
  return known;
}

const takesEmpty = new WeakMap<z.ZodType, boolean>();
function acceptsEmpty(schema: z.ZodType): boolean {
  let known = takesEmpty.get(schema);
  if (known === undefined) {
    known = schema.safeParse("").success;
    takesEmpty.set(schema, known);
  }
  return known;
}

/** Whether a field's value is the client's way of leaving it out. */
function isAbsent(field: z.ZodType, v: unknown): boolean {
  if (v === null) return acceptsMissing(field);
  return v === "" && acceptsMissing(field) && !acceptsEmpty(field);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function withoutOptionalNulls(schema: z.ZodType, value: unknown): unknown {
  const s = reader(schema);
  const d = defOf(s);
  if (d.type === "object" && d.shape && isRecord(value)) {
    let out: Record<string, unknown> | null = null;
    for (const [key, field] of Object.entries(d.shape)) {
      if (!(key in value)) continue;
      const v = value[key];
      const next = isAbsent(field, v) ? undefined : typeof v === "object" && v !== null ? withoutOptionalNulls(field, v) : v;
      if (next !== v) {
        out ??= { ...value };
        if (next === undefined) delete out[key];
        else out[key] = next;
      }
    }
    return out ?? value;
  }
  if (d.type === "array" && d.element && Array.isArray(value)) {
    const element = d.element;
    let changed = false;
    const out = value.map((v) => {
      const next = typeof v === "object" && v !== null ? withoutOptionalNulls(element, v) : v;
      if (next !== v) changed = true;
      return next;
    });
    return changed ? out : value;
  }
  if (d.type === "union" && d.options && typeof value === "object" && value !== null) {
    // The first branch of the value's shape (object or array) reads it.
    const wanted = Array.isArray(value) ? "array" : "object";
    const branch = d.options.find((o) => defOf(reader(o)).type === wanted);
    return branch ? withoutOptionalNulls(branch, value) : value;
  }
  return value;
}
