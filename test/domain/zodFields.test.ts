import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseWith, yuanField } from "../../src/domain/zodFields.js";
import { domainError } from "./helpers.js";

describe("parseWith: a failed parse becomes a DomainError naming the path and the rule", () => {
  const line = z.object({ pric: yuanField, cnt: z.number() });
  const visit = z.object({ mdtrt_id: z.string(), feedetail: z.array(line) });
  const schema = z.object({ encounters: z.array(z.union([z.object({ reverse: z.string() }).strict(), visit])) });

  it("names a plain path with indices", () => {
    const error = domainError(() => parseWith(z.object({ feedetail: z.array(line) }), { feedetail: [{ pric: 1, cnt: 1 }, { pric: "1.234", cnt: 1 }] }));
    expect(error.field).toBe("feedetail[1].pric");
    expect(error.rule).toMatch(/two decimals/);
  });

  it("says a missing field is required, under a prefix", () => {
    const error = domainError(() => parseWith(line, { pric: 1 }, "input"));
    expect(error.field).toBe("input.cnt");
    expect(error.rule).toBe("is required");
  });

  it("inside a union, names the field of the branch that got furthest rather than the union", () => {
    const bad = { encounters: [{ reverse: "A" }, { mdtrt_id: "B", feedetail: [{ pric: 100.123, cnt: 1 }] }] };
    const error = domainError(() => parseWith(schema, bad));
    expect(error.field).toBe("encounters[1].feedetail[0].pric");
    expect(error.rule).toMatch(/two decimals/);
  });

  it("inside a union, a field missing from the longer branch, and a bad value of the shorter one", () => {
    expect(domainError(() => parseWith(schema, { encounters: [{ feedetail: [] }] })).field).toBe("encounters[0].mdtrt_id");
    const reverse = domainError(() => parseWith(schema, { encounters: [{ reverse: 5 }] }));
    expect(reverse.field).toBe("encounters[0].reverse");
  });

  it("through nested unions", () => {
    const nested = z.object({ a: z.union([z.literal("x"), z.object({ b: z.union([z.number(), z.object({ c: z.string() })]) })]) });
    expect(domainError(() => parseWith(nested, { a: { b: { c: 1 } } })).field).toBe("a.b.c");
  });
});
