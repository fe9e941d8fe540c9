import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DomainError } from "../../src/domain/errors.js";
import { parseYuan } from "../../src/domain/money.js";
import { runCalculator } from "../../src/services/settlement/calculator.js";
import { domainError } from "./helpers.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const fixtureText = (name: string) => readFileSync(`${ROOT}test/fixtures/${name}`, "utf8");
const fixture = (name: string) => JSON.parse(fixtureText(name)) as Record<string, unknown>;

/** Yuan on the wire → fen, refusing more than two decimals (so a float artefact on the wire fails the test). */
const fen = (value: unknown) => parseYuan(value, "wire amount");

interface WireSettlement {
  setlinfo: Record<string, unknown>;
  setldetail: Record<string, unknown>[];
  warn_msg?: string;
}

const MONEY = [
  "medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt", "act_pay_dedc", "hifp_pay", "pool_prop_selfpay",
  "hifmi_pay", "hifob_pay", "maf_pay", "oth_pay", "fund_pay_sumamt", "psn_part_amt", "acct_pay", "psn_cash_pay", "balc",
] as const;

function moneyOf(s: WireSettlement): Record<string, number> {
  return Object.fromEntries(MONEY.map((k) => [k, fen(s.setlinfo[k])]));
}

function detailOf(s: WireSettlement) {
  return s.setldetail.map((d) => ({
    fund_pay_type: d.fund_pay_type,
    inscp_scp_amt: fen(d.inscp_scp_amt),
    crt_payb_lmt_amt: d.crt_payb_lmt_amt === null ? null : fen(d.crt_payb_lmt_amt),
    fund_payamt: fen(d.fund_payamt),
  }));
}

/** Runs the real CLI with `input` on standard input. */
function cli(input: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["tsx", "src/cli/main.ts", "settle"], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe("the calculator on the fixtures", () => {
  it("issue-example.json: 100 yuan × 3 against a 50-yuan cap, class 02 at 10%, destitute; then reversed", () => {
    const out = runCalculator(fixture("issue-example.json"));
    expect(out).toHaveLength(2);
    const s = out[0] as WireSettlement;
    expect(s.setlinfo).toMatchObject({ mdtrt_id: "M1", psn_no: "P1", insutype: "390", med_type: "21", setl_time: "2022-03-01 10:00:00", clr_optins: "451000" });
    expect(moneyOf(s)).toEqual({
      medfee_sumamt: 30_000,
      fulamt_ownpay_amt: 0,
      overlmt_selfpay: 15_000, // (100 − 50) × 3
      preselfpay_amt: 1500, // 150 × 10%
      inscp_scp_amt: 13_500,
      act_pay_dedc: 13_500, // all under the 800-yuan deductible
      hifp_pay: 0,
      pool_prop_selfpay: 0,
      hifmi_pay: 0,
      hifob_pay: 0,
      maf_pay: 13_500, // destitute: 100% of the in-policy burden
      oth_pay: 0,
      fund_pay_sumamt: 13_500,
      psn_part_amt: 16_500,
      acct_pay: 0,
      psn_cash_pay: 16_500,
      balc: 0,
    });
    expect(detailOf(s)).toEqual([{ fund_pay_type: "610100", inscp_scp_amt: 13_500, crt_payb_lmt_amt: 10_000_000, fund_payamt: 13_500 }]);
    expect(s.setldetail[0]!.setl_proc_info).toContain("特困人员");
    expect(s.warn_msg).toBeUndefined();
    expect(out[1]).toEqual({ reversed: "M1" });
  });

  it("worked-check.json: the worked check of settlement-spec.md to the fen", () => {
    const out = runCalculator(fixture("worked-check.json"));
    expect(out).toHaveLength(1);
    const s = out[0] as WireSettlement;
    expect(s.setlinfo.setl_id).toBe("S0001-W1");
    expect(moneyOf(s)).toEqual({
      medfee_sumamt: 1_250_000,
      fulamt_ownpay_amt: 50_000,
      overlmt_selfpay: 0,
      preselfpay_amt: 20_000,
      inscp_scp_amt: 1_180_000,
      act_pay_dedc: 80_000,
      hifp_pay: 715_000,
      pool_prop_selfpay: 385_000,
      hifmi_pay: 0,
      hifob_pay: 0,
      maf_pay: 465_000,
      oth_pay: 0,
      fund_pay_sumamt: 1_180_000,
      psn_part_amt: 70_000,
      acct_pay: 0,
      psn_cash_pay: 70_000,
      balc: 0,
    });
    expect(detailOf(s)).toEqual([
      { fund_pay_type: "390100", inscp_scp_amt: 1_100_000, crt_payb_lmt_amt: 15_000_000, fund_payamt: 715_000 },
      { fund_pay_type: "610100", inscp_scp_amt: 465_000, crt_payb_lmt_amt: 10_000_000, fund_payamt: 465_000 },
    ]);
  });
});

describe("the calculator through a year", () => {
  const base = {
    policy: "451000-2022",
    catalogue: [{ med_list_codg: "A01", admdvs: "451000", chrgitm_lv: "01" }],
  };
  const stay = (id: string, date: string, amount: number, extra: Record<string, unknown> = {}) => ({
    mdtrt_id: id,
    med_type: "21",
    setl_time: `${date} 10:00:00`,
    medins_lv: 3,
    mdtrtarea_admvs: "451000",
    feedetail: [{ feedetl_sn: 1, med_list_codg: "A01", pric: amount, cnt: 1 }],
    ...extra,
  });

  it("carries accumulators between encounters, and a reversal gives them back", () => {
    const person = { psn_no: "P2", insutype: "390", insuplc_admdvs: "451000", idetinfo: [{ psn_idet_type: "low_income", begntime: "2022-01-01" }] };
    // low_income: 1,000-yuan assistance deductible across settlements. 600 then 800 → 400 × 70% = 280.
    const carried = runCalculator({ ...base, person, encounters: [stay("A", "2022-01-05", 600), stay("B", "2022-02-05", 800)] }) as WireSettlement[];
    expect(carried.map((s) => fen(s.setlinfo.maf_pay))).toEqual([0, 28_000]);
    // with A reversed before B, B is under the deductible again
    const reversed = runCalculator({ ...base, person, encounters: [stay("A", "2022-01-05", 600), { reverse: "A" }, stay("B", "2022-02-05", 800)] });
    expect(reversed[1]).toEqual({ reversed: "A" });
    expect(fen((reversed[2] as WireSettlement).setlinfo.maf_pay)).toBe(0);
  });

  it("takes a class 03 entry written with selfpay_prop 1: its line is wholly the patient's, the rest settles as before", () => {
    const person = { psn_no: "P5", insutype: "390", insuplc_admdvs: "451000" };
    const catalogue = [...base.catalogue, { med_list_codg: "C03", admdvs: "451000", chrgitm_lv: "03", selfpay_prop: 1 }];
    const withC03 = stay("A", "2022-03-01", 3000, { feedetail: [{ feedetl_sn: 1, med_list_codg: "A01", pric: 3000, cnt: 1 }, { feedetl_sn: 2, med_list_codg: "C03", pric: 123.45, cnt: 2 }] });
    const [s] = runCalculator({ ...base, catalogue, person, encounters: [withC03] }) as WireSettlement[];
    expect([fen(s!.setlinfo.medfee_sumamt), fen(s!.setlinfo.fulamt_ownpay_amt), fen(s!.setlinfo.inscp_scp_amt)]).toEqual([324_690, 24_690, 300_000]);
    const [plain] = runCalculator({ ...base, person, encounters: [stay("A", "2022-03-01", 3000)] }) as WireSettlement[];
    expect(fen(s!.setlinfo.hifp_pay)).toBe(fen(plain!.setlinfo.hifp_pay));
    expect(domainError(() => runCalculator({ ...base, catalogue: [{ med_list_codg: "C03", admdvs: "451000", chrgitm_lv: "03", selfpay_prop: 0.5 }], person, encounters: [withC03] })).field).toBe("catalogue[0].selfpay_prop");
  });

  it("the personal account: the balance falls, and a reversal gives back its acct_pay", () => {
    const person = { psn_no: "P3", insutype: "310", insuplc_admdvs: "451000", balc: "1000.00" };
    // employee level 3: 700 yuan, all under the 900-yuan deductible, all personal
    const out = runCalculator({
      ...base,
      person,
      encounters: [stay("A", "2022-03-01", 700, { acct_used_flag: "1" }), { reverse: "A" }, stay("B", "2022-04-01", 700, { acct_used_flag: 1 })],
    }) as WireSettlement[];
    const a = out[0]!;
    const b = out[2]!;
    expect([fen(a.setlinfo.acct_pay), fen(a.setlinfo.psn_cash_pay), fen(a.setlinfo.balc)]).toEqual([70_000, 0, 30_000]);
    expect([fen(b.setlinfo.acct_pay), fen(b.setlinfo.psn_cash_pay), fen(b.setlinfo.balc)]).toEqual([70_000, 0, 30_000]);
  });

  it("settles off-site with the shipped catalogues when the document brings none, with a warning when unfiled", () => {
    const person = { psn_no: "P4", insutype: "390", insuplc_admdvs: "451000" };
    const out = runCalculator({
      policy: "451000-2022",
      person,
      encounters: [
        {
          mdtrt_id: "X",
          med_type: "21",
          setl_time: "2022-05-01",
          medins_lv: "3",
          mdtrtarea_admvs: "360100",
          feedetail: [{ feedetl_sn: "1", med_list_codg: "001102000010000", pric: 40, cnt: 270 }],
        },
      ],
    }) as WireSettlement[];
    // 10,800 in policy; D 800; 10,000 × (65% − 20 points) = 4,500
    expect(fen(out[0]!.setlinfo.hifp_pay)).toBe(450_000);
    expect(out[0]!.warn_msg).toContain("未备案");
  });

  it("refuses bad input with a DomainError naming the field", () => {
    const doc = fixture("issue-example.json") as { encounters: { feedetail: { pric: unknown }[] }[] };
    doc.encounters[0]!.feedetail[0]!.pric = 100.123;
    const error = domainError(() => runCalculator(doc));
    expect(error.field).toBe("encounters[0].feedetail[0].pric");
    expect(error.rule).toMatch(/two decimals/);

    const chronic = { ...base, person: { psn_no: "P", insutype: "390", insuplc_admdvs: "451000" }, encounters: [stay("C", "2022-01-01", 10, { med_type: "14", opsp_dise_code: "M99999" })] };
    expect(domainError(() => runCalculator(chronic)).field).toBe("encounters[0].opsp_dise_code");

    const badRow = { ...base, catalogue: [{ med_list_codg: "A01", admdvs: "451000", chrgitm_lv: "04" }], person: chronic.person, encounters: [stay("A", "2022-01-01", 10)] };
    expect(domainError(() => runCalculator(badRow)).field).toBe("catalogue[0].chrgitm_lv");

    const unknownReverse = { ...base, person: chronic.person, encounters: [stay("A", "2022-01-01", 10), { reverse: "Z" }] };
    expect(domainError(() => runCalculator(unknownReverse)).field).toBe("encounters[1].reverse");

    const twice = { ...base, person: chronic.person, encounters: [stay("A", "2022-01-01", 10), stay("A", "2022-01-02", 10)] };
    expect(domainError(() => runCalculator(twice)).field).toBe("encounters[1].mdtrt_id");

    const missing = { ...base, person: chronic.person, encounters: [{ ...stay("A", "2022-01-01", 10), mdtrt_id: undefined }] };
    expect(domainError(() => runCalculator(missing)).field).toBe("encounters[0].mdtrt_id");

    expect(domainError(() => runCalculator({ ...base, policy: "451000" })).field).toBe("policy");
    expect(() => runCalculator({ ...base, policy: "451000-1999", person: chronic.person, encounters: [stay("A", "2022-01-01", 10)] })).toThrow(DomainError);
  });
});

describe.concurrent("the real CLI: yibao settle", () => {
  it("prints the settlement of the fixture as JSON, exit 0", async () => {
    const text = fixtureText("issue-example.json");
    const { status, stdout, stderr } = await cli(text);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const out = JSON.parse(stdout) as unknown[];
    expect(out).toEqual(runCalculator(JSON.parse(text)));
    expect(fen((out[0] as WireSettlement).setlinfo.maf_pay)).toBe(13_500);
    expect(fen((out[0] as WireSettlement).setlinfo.psn_part_amt)).toBe(16_500);
  });

  it("refuses a price with three decimals: exit 2, the field named on standard error, nothing on standard output", async () => {
    const text = fixtureText("issue-example.json").replace('"pric": 100.00', '"pric": 100.123');
    expect(text).toContain("100.123");
    const { status, stdout, stderr } = await cli(text);
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain("encounters[0].feedetail[0].pric");
    expect(stderr).toContain("two decimals");
  });
});
