import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { interfaceDocument } from "../../src/gateway/his/conformance.js";
import { HANDLERS } from "../../src/gateway/his/handlers/index.js";
import { fromRoot } from "../../src/lib/paths.js";

describe("docs/interface.md, the conformance table", () => {
  it("is what the schemas give: regenerate it with `npm run yibao -- docs interface` after changing an input or an answer", () => {
    expect(readFileSync(fromRoot("docs", "interface.md"), "utf8")).toBe(interfaceDocument());
  });

  it("names every transaction, its lettered variants with their differences, and the fields of every answer", () => {
    const text = interfaceDocument();
    for (const h of HANDLERS.values()) {
      expect(text).toContain(h.variantOf ? `- **${h.infno}**: ${h.differences}` : `### ${h.infno} ${h.name}`);
      for (const fields of Object.values(h.output ?? {})) for (const f of fields) expect(text).toContain(`\`${f}\``);
    }
    expect(text).toContain("| `feedetail[].pric` | required | unit price in yuan, number or text, six decimals (0.0833, 25.000000) |");
    expect(text).toContain("| 51 | 生育门诊 | outpatient | — | — |");
  });
});
