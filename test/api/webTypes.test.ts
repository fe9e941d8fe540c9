import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { API_TYPES_FILE, apiTypes } from "../../scripts/api-types.js";

/** The console compiles against types generated from the server's schemas; a stale copy would let the two drift apart. */
describe("the console's API types", () => {
  it("are what npm run api-types generates from the server's OpenAPI document today", async () => {
    const committed = readFileSync(API_TYPES_FILE, "utf8");
    // On failure: run `npm run api-types` and commit src/web/lib/api.gen.ts (then `npm run typecheck` shows what the console must follow).
    expect(committed === (await apiTypes())).toBe(true);
  });
});
