import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { DomainError } from "../src/domain/errors.js";
import { POLICIES_DIR } from "../src/services/reference/shipped.js";
import {
  changeBasisPoints,
  formatReportTable,
  reportToJson,
  runSimulation,
  SIMULATE_COLUMNS,
  type SimulationReport,
  type TierKey,
} from "../src/services/settlement/simulate.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const HEADER = SIMULATE_COLUMNS.join(",");
const work = mkdtempSync(join(tmpdir(), "yibao-simulate-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const A01 = "XJ01CAA040A001010100973"; // 阿莫西林胶囊: class 01, no price cap
const B10 = "XC08CAA053A008010100212"; // 硝苯地平控释片: class 02, selfpay 10%, no price cap
const B20 = "XL01CDP033B002010100384"; // 紫杉醇注射液: class 02, selfpay 20%, no price cap
const C03 = "ZZ9999990000000000001"; // class 03
const BED = "001102000010000"; // 床位费(三人间): class 01, price cap 40.00

/**
 * Three persons, four settlements, hand-computed from settlement-spec.md (yuan):
 *  A resident, destitute, level-3 stay (the spec's worked check): inscp 11,800; preselfpay 200; fulamt 500.
 *    451000: D 800, b 11,000 × 65% = hifp 7,150; e = 800 + 3,850 = 4,650 < 7,500 → hifmi 0; maf 100% of 4,650.
 *    360100: D 600, b 11,200 × 60% = hifp 6,720; e = 5,080 → hifmi 0; maf 5,080.
 *  B employee, level-2 stay: bed 50.00 × 10 over the 40.00 cap (overlmt 100, inscp 400); taxol 1,000 × 5 (preselfpay 1,000,
 *    inscp 4,000). Both policies: D 600, b 3,800 × 85% = hifp 3,230; no cap bound → hifob 0; psn 5,500 − 3,230 = 2,270.
 *  C resident, monitored (tilt: deductible 7,500, +5 points; assistance: deductible 1,000, 60%), level 2, two stays given in
 *    the file in reverse order (settled in setl_time order):
 *    C1 (March) 20,000. 451000: D 500, b 19,500 × 80% = 15,600; e 4,400; hifmi 0; m 4,400 → (4,400 − 1,000) × 60% = 2,040.
 *                       360100: D 400, b 19,600 × 80% = 15,680; e 4,320; hifmi 0; m 4,320 → 3,320 × 60% = 1,992.
 *    C2 (June) 30,000.  451000: b 29,500 → 23,600; e 6,400, base 4,400 → 10,800: (10,800 − 7,500) × 65% = 2,145;
 *                       m = 30,000 − 23,600 − 2,145 = 4,255, all above the deductible → × 60% = 2,553.
 *                       360100: b 29,600 → 23,680; e 6,320, base 4,320 → 10,640: 3,140 × 65% = 2,041;
 *                       m = 30,000 − 23,680 − 2,041 = 4,279 → × 60% = 2,567.40 (exact to the fen).
 */
const rows = [
  "A,390,451000,destitute,A-1,21,2022-05-10 09:30:00,3,451000,,," + `${A01},100.00,100`,
  "A,390,451000,destitute,A-1,21,2022-05-10 09:30:00,3,451000,,," + `${B10},200.00,10`,
  "A,390,451000,destitute,A-1,21,2022-05-10 09:30:00,3,451000,,," + `${C03},500.00,1`,
  "B,310,451000,,B-1,21,2022-04-02 10:00:00,2,451000,,," + `${BED},50.00,10`,
  "B,310,451000,,B-1,21,2022-04-02 10:00:00,2,451000,,," + `${B20},1000.00,5`,
  "C,390,451000,monitored,C-2,21,2022-06-01 10:00:00,2,451000,,," + `${A01},100.00,300`,
  "C,390,451000,monitored,C-1,21,2022-03-01 10:00:00,2,451000,,," + `${A01},100.00,200`,
];
const TINY = `${HEADER}\n${rows.join("\n")}\n`;

const fen = (yuan: number) => Math.round(yuan * 100);
function amounts(r: SimulationReport, side: "base" | "alt"): Record<TierKey, number> {
  const out = {} as Record<TierKey, number>;
  for (const t of r.tiers) out[t.key] = t[side];
  return out;
}

function simulateText(csv: string, alt = "360100-2022", base = "451000-2022"): SimulationReport {
  return runSimulation({ base, alt, csv, source: "t.csv" });
}

function domainErrorOf(f: () => unknown): DomainError {
  try {
    f();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("expected a DomainError");
}

describe("yibao simulate: totals to the fen", () => {
  const report = simulateText(TINY);

  it("counts persons, settlements and lines", () => {
    expect(report.persons).toBe(3);
    expect(report.settlements).toBe(4);
    expect(report.fee_lines).toBe(7);
    expect(report.medfee_sumamt).toBe(fen(12_500 + 5_500 + 20_000 + 30_000));
  });

  it("under the base policy 451000-2022", () => {
    expect(amounts(report, "base")).toEqual({
      hifp_pay: fen(7_150 + 3_230 + 15_600 + 23_600),
      hifmi_pay: fen(2_145),
      hifob_pay: 0,
      maf_pay: fen(4_650 + 2_040 + 2_553),
      fund_pay_sumamt: fen(11_800 + 3_230 + 17_640 + 28_298),
      psn_part_amt: fen(700 + 2_270 + 2_360 + 1_702),
    });
  });

  it("under the alternative 360100-2022, applied as the insured region's policy", () => {
    expect(amounts(report, "alt")).toEqual({
      hifp_pay: fen(6_720 + 3_230 + 15_680 + 23_680),
      hifmi_pay: fen(2_041),
      hifob_pay: 0,
      maf_pay: fen(5_080 + 1_992) + fen(2_567.4),
      fund_pay_sumamt: fen(11_800 + 3_230 + 17_672) + fen(28_288.4),
      psn_part_amt: fen(700 + 2_270 + 2_328) + fen(1_711.6),
    });
    expect(report.alt.relabelled).toEqual({ persons: 3, regions: ["451000"] });
    expect(report.base.relabelled.persons).toBe(0);
    expect(report.notes.join("\n")).toMatch(/applied as the insured region's policy for 3 person/);
  });

  it("differences and percent changes", () => {
    const byKey = Object.fromEntries(report.tiers.map((t) => [t.key, t]));
    expect(byKey.hifp_pay).toMatchObject({ difference: fen(-270), change_bp: -54 }); // −270 / 49,580 = −0.5446%
    expect(byKey.hifmi_pay).toMatchObject({ difference: fen(-104), change_bp: -485 }); // −104 / 2,145 = −4.848%
    expect(byKey.hifob_pay).toMatchObject({ difference: 0, change_bp: 0 });
    expect(byKey.maf_pay).toMatchObject({ difference: fen(396.4), change_bp: 429 }); // 396.40 / 9,243 = 4.2886%
    expect(byKey.fund_pay_sumamt).toMatchObject({ difference: fen(22.4), change_bp: 4 }); // 22.40 / 60,968 = 0.0367%
    expect(byKey.psn_part_amt).toMatchObject({ difference: fen(-22.4), change_bp: -32 }); // −22.40 / 7,032 = −0.3185%
  });

  it("prints yuan with two decimals, as a table and as JSON", () => {
    const table = formatReportTable(report);
    expect(table).toMatch(/基本医保统筹 Basic insurance \(hifp\) +49,580\.00 +49,310\.00 +-270\.00 +-0\.54%/);
    expect(table).toMatch(/居民大病保险 Critical illness \(hifmi\) +2,145\.00 +2,041\.00 +-104\.00 +-4\.85%/);
    expect(table).toMatch(/医疗救助 Medical assistance \(maf\) +9,243\.00 +9,639\.40 +\+396\.40 +\+4\.29%/);
    expect(table).toMatch(/Persons 3，结算 Settlements 4/);
    const json = reportToJson(report) as { tiers: { tier: string; base: number; alt: number; change_percent: number | null }[] };
    expect(json.tiers.find((t) => t.tier === "fund_pay_sumamt")).toMatchObject({ base: 60_968, alt: 60_990.4, change_percent: 0.04 });
  });

  it("settles in setl_time order, not file order", () => {
    // Swapping C's stays in the file changes nothing.
    const swapped = `${HEADER}\n${[...rows.slice(0, 5), rows[6], rows[5]].join("\n")}\n`;
    expect(amounts(simulateText(swapped), "base")).toEqual(amounts(report, "base"));
  });

  it("the same policy on both sides changes nothing", () => {
    const same = simulateText(TINY, "451000-2022");
    for (const t of same.tiers) expect(t.difference).toBe(0);
  });

  it("takes a YAML policy file for --alt (another region, applied as the insured region's)", () => {
    const doc = parseYaml(readFileSync(join(POLICIES_DIR, "451000-2022.yaml"), "utf8")) as Record<string, unknown> & {
      basic: Record<string, { inpatient: { ratio_by_level: Record<string, number> } }>;
    };
    doc.admdvs = "450100";
    doc.region_name = "南宁市（测试）";
    doc.basic["390"]!.inpatient.ratio_by_level["3"] = 0.7;
    const file = join(work, "alt.yaml");
    writeFileSync(file, stringifyYaml(doc));
    const onlyA = `${HEADER}\n${rows.slice(0, 3).join("\n")}\n`;
    const r = simulateText(onlyA, file);
    // A at 70%: hifp 11,000 × 70% = 7,700; assistance takes the rest of the in-policy amount: 11,800 − 7,700 = 4,100.
    expect(amounts(r, "alt")).toMatchObject({ hifp_pay: fen(7_700), hifmi_pay: 0, maf_pay: fen(4_100), fund_pay_sumamt: fen(11_800) });
    expect(r.alt.source).toBe(file);
    expect(r.notes.join("\n")).toMatch(/450100-2022 is region 450100's/);
  });

  it("rounds the percent change half away from zero, exactly", () => {
    expect(changeBasisPoints(3, 4)).toBe(3333);
    expect(changeBasisPoints(8, 9)).toBe(1250);
    expect(changeBasisPoints(8, 7)).toBe(-1250);
    expect(changeBasisPoints(0, 0)).toBe(0);
    expect(changeBasisPoints(0, 5)).toBeNull();
    expect(changeBasisPoints(9_007_199_254_740, 9_007_199_254_741)).toBe(0);
  });
});

describe("yibao simulate: bad input names the row and field", () => {
  it("a bad amount in row N", () => {
    const bad = TINY.replace(`${B10},200.00,10`, `${B10},200.005,10`);
    const e = domainErrorOf(() => simulateText(bad));
    expect(e.field).toBe("t.csv row 3.pric");
    expect(e.rule).toMatch(/more than two decimals/);
  });

  it("a bad header", () => {
    const e = domainErrorOf(() => simulateText(TINY.replace(",cnt\n", ",count\n")));
    expect(e.field).toBe("t.csv header");
    expect(e.rule).toMatch(/lacks cnt/);
  });

  it("an unknown policy", () => {
    const e = domainErrorOf(() => simulateText(TINY, "451000-2031"));
    expect(e.field).toBe("--alt");
    expect(e.rule).toMatch(/no shipped policy "451000-2031"/);
    expect(domainErrorOf(() => simulateText(TINY, "no/such/file.yaml")).field).toBe("--alt");
  });

  it("bad codes, short rows and disagreeing encounter columns", () => {
    expect(domainErrorOf(() => simulateText(TINY.replace("A-1,21,", "A-1,99,"))).field).toBe("t.csv row 2.med_type");
    expect(domainErrorOf(() => simulateText(TINY.replace(",destitute,", ",poor,"))).field).toBe("t.csv row 2.psn_idet_types[0]");
    expect(domainErrorOf(() => simulateText(`${TINY}A,390,451000\n`)).field).toBe("t.csv row 9");
    const moved = TINY.replace(`2022-05-10 09:30:00,3,451000,,,${C03}`, `2022-05-11 09:30:00,3,451000,,,${C03}`);
    const e = domainErrorOf(() => simulateText(moved));
    expect(e.field).toBe("t.csv row 4.setl_time");
    expect(e.rule).toMatch(/row 2, the first line of mdtrt_id A-1/);
  });

  it("a settlement the engine refuses names its row and the policy", () => {
    const chronic = `${HEADER}\nD,390,451000,,D-1,14,2022-02-01 10:00:00,1,451000,,M99999,${A01},10.00,3\n`;
    const e = domainErrorOf(() => simulateText(chronic));
    expect(e.field).toBe("t.csv row 2.opsp_dise_code");
    expect(e.rule).toMatch(/mdtrt_id D-1, settling under the base policy 451000-2022/);
  });

  it("the command exits 2 with the message on standard error", () => {
    const file = join(work, "bad.csv");
    writeFileSync(file, TINY.replace(`${B10},200.00,10`, `${B10},-200.00,10`));
    let status = 0;
    let stderr = "";
    try {
      execFileSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", "simulate", "--base", "451000-2022", "--alt", "360100-2022", file], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (error) {
      const e = error as { status: number; stderr: Buffer };
      status = e.status;
      stderr = e.stderr.toString();
    }
    expect(status).toBe(2);
    expect(stderr).toMatch(/^yibao: .*bad\.csv row 3\.pric: must not be negative/);
  });
});
