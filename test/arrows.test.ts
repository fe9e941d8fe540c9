import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromRoot } from "../src/lib/paths.js";

/**
 * The arrows `npm test` checks (.dependency-cruiser.cjs, ARCHITECTURE.md), shown to bite: a small house in a scratch
 * folder, laid out as src/ is, with one wrongly pointed import of each kind, cruised with the project's own rules.
 */

const run = promisify(execFile);

interface Violation { rule: { name: string }; from: string; to: string }

const HOUSE: Record<string, string> = {
  "tsconfig.json": JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", strict: true } }),
  "package.json": JSON.stringify({ type: "module" }),
  "src/domain/money.ts": "export const fen = 1;\n",
  "src/domain/settlement/index.ts": 'export * from "./engine.js";\n',
  "src/domain/settlement/engine.ts": 'import { fen } from "../money.js";\nexport const settle = () => fen;\n',
  "src/services/common/index.ts": 'export * from "./sql.js";\n',
  "src/services/common/sql.ts": "export const rowsOf = () => [];\n",
  "src/services/settlement/index.ts": 'export * from "./settlement.js";\n',
  "src/services/settlement/settlement.ts":
    'import { settle } from "../../domain/settlement/index.js";\nimport { rowsOf } from "../common/sql.js";\nexport const settleEncounter = () => [settle(), rowsOf()];\n',
  "src/services/enrollment/index.ts": 'export * from "./enrollment.js";\n',
  "src/services/enrollment/enrollment.ts": 'import { settleEncounter } from "../settlement/index.js";\nexport const enrol = () => settleEncounter();\n',
  "src/api/v1/index.ts": 'import { enrol } from "../../services/enrollment/index.js";\nexport const routes = [enrol];\n',
};

/** Each wrongly pointed import, and the rule that must refuse it. */
const WRONG: { name: string; rule: string; files: Record<string, string> }[] = [
  {
    name: "a use case importing the REST API (upward)",
    rule: "services-below-faces",
    files: { "src/services/reports/index.ts": 'import { routes } from "../../api/v1/index.js";\nexport const r = routes;\n' },
  },
  {
    name: "one capability reaching behind another's index",
    rule: "capability-through-its-index",
    files: { "src/services/reports/index.ts": 'import { settleEncounter } from "../settlement/settlement.js";\nexport const r = settleEncounter;\n' },
  },
  {
    name: "another layer reaching behind a capability's index",
    rule: "other-layers-through-the-index",
    files: { "src/api/v1/reports.ts": 'import { rowsOf } from "../../services/common/sql.js";\nexport const r = rowsOf;\n' },
  },
  {
    name: "a circle between two capabilities",
    rule: "no-circular",
    files: { "src/services/settlement/back.ts": 'import { enrol } from "../enrollment/index.js";\nexport const back = enrol;\n',
      "src/services/settlement/index.ts": 'export * from "./settlement.js";\nexport * from "./back.js";\n' },
  },
  {
    name: "the domain doing I/O",
    rule: "domain-has-no-io",
    files: { "src/domain/settlement/read.ts": 'import { readFileSync } from "node:fs";\nexport const read = readFileSync;\n' },
  },
  {
    name: "the domain importing a use case",
    rule: "domain-is-pure",
    files: { "src/domain/settlement/up.ts": 'import { rowsOf } from "../../services/common/index.js";\nexport const up = rowsOf;\n' },
  },
];

let scratch: string;

function build(dir: string, files: Record<string, string>) {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

async function violations(dir: string): Promise<Violation[]> {
  const bin = fromRoot("node_modules/.bin/depcruise");
  const out = await run(bin, ["src", "--config", fromRoot(".dependency-cruiser.cjs"), "--output-type", "json"], { cwd: dir, maxBuffer: 16 << 20 })
    .catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? "" }));
  return (JSON.parse(out.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), "yibao-arrows-"));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the arrows (npm run arrows)", () => {
  it("let the house as it should be pass", async () => {
    const dir = join(scratch, "clean");
    build(dir, HOUSE);
    expect(await violations(dir)).toEqual([]);
  });

  for (const wrong of WRONG) {
    it(`refuse ${wrong.name}`, async () => {
      const dir = join(scratch, wrong.rule);
      build(dir, { ...HOUSE, ...wrong.files });
      const found = await violations(dir);
      expect(found.map((v) => v.rule.name)).toContain(wrong.rule);
    });
  }
});
