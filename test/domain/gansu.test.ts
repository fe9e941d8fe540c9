import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseYuan } from "../../src/domain/money.js";
import { policyId } from "../../src/domain/reference/policy/schema.js";
import { selectPolicy } from "../../src/domain/reference/policy/select.js";
import { runCalculator } from "../../src/services/settlement/calculator.js";
import { shippedPolicy } from "../../src/services/reference/shipped.js";
import { domainError, POLICY } from "./helpers.js";

/**
 * Seed 004's family in Gansu: a resident of 皋兰县 (620122, pooled by 兰州市 620100), out of registered poverty in 2020
 * (lifted), acute pancreatitis in July 2021, a level-3 hospital of Lanzhou. Published: a bill of nearly 120,000 yuan, basic
 * insurance 40,000, critical illness 47,000, assistance 16,500 at the 60% rate of the former registered poor, a little over
 * 11,000 left to the family. examples/gansu-620122.json is the document `yibao settle` reads; policies/620100-2021.yaml and
 * catalogues/620100.csv hold the figures.
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const EXAMPLE = "examples/gansu-620122.json";
const exampleText = () => readFileSync(`${ROOT}${EXAMPLE}`, "utf8");
const example = () => JSON.parse(exampleText()) as Record<string, unknown>;

/** Yuan on the wire → fen, refusing more than two decimals. */
const fen = (value: unknown) => parseYuan(value, "wire amount");

interface WireSettlement {
  setlinfo: Record<string, unknown>;
  setldetail: Record<string, unknown>[];
  warn_msg?: string;
}

const MONEY = [
  "medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt", "act_pay_dedc", "hifp_pay", "pool_prop_selfpay",
  "cvlserv_pay", "hifes_pay", "hifmi_pay", "hifob_pay", "maf_pay", "hifdm_pay", "oth_pay", "fund_pay_sumamt", "psn_part_amt", "acct_pay",
  "psn_cash_pay", "hosp_part_amt", "balc", "acct_mulaid_pay",
] as const;

const moneyOf = (s: WireSettlement) => Object.fromEntries(MONEY.map((k) => [k, fen(s.setlinfo[k])]));
const detailOf = (s: WireSettlement) =>
  s.setldetail.map((d) => ({
    fund_pay_type: d.fund_pay_type,
    inscp_scp_amt: fen(d.inscp_scp_amt),
    crt_payb_lmt_amt: fen(d.crt_payb_lmt_amt),
    fund_payamt: fen(d.fund_payamt),
  }));

function settleOnly(document: Record<string, unknown>): WireSettlement {
  const out = runCalculator(document);
  expect(out).toHaveLength(1);
  return out[0] as WireSettlement;
}

/** `yibao settle` itself, the document on standard input. */
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

describe("seed 004, Gansu: the 皋兰县 family's pancreatitis stay of July 2021 (examples/gansu-620122.json)", () => {
  it("settles to the published figures, every fund to the fen", () => {
    const s = settleOnly(example());
    expect(s.setlinfo).toMatchObject({
      mdtrt_id: "MD6201002107030001", psn_no: "P620122000001", insutype: "390", med_type: "21", setl_time: "2021-07-26 10:30:00",
      clr_optins: "620100", clr_type: "21",
    });
    expect(moneyOf(s)).toEqual({
      medfee_sumamt: 11_481_700, // "将近12万" (the other published figures leave no more than this)
      fulamt_ownpay_amt: 25_700, // class 03: 胸腺五肽 5 × 17.80 + 镇痛泵 168.00
      overlmt_selfpay: 6_000, // 中心静脉导管包 380.00 against its 350.00 cap, × 2
      preselfpay_amt: 0, // catalogues/620100.csv: no pre-self-pay share on class 02
      inscp_scp_amt: 11_450_000,
      act_pay_dedc: 200_000, // level-3 deductible 2,000
      hifp_pay: 4_000_000, // "基本医保报销4万元": (114,500 − 2,000) × 60% = 67,500, bounded by the 40,000 annual cap
      pool_prop_selfpay: 7_250_000,
      cvlserv_pay: 0,
      hifes_pay: 0,
      hifmi_pay: 4_700_000, // "大病保险报销4.7万元": 24,000 × 60% + 30,000 × 70% + 14,500 × 80% above 6,000
      hifob_pay: 0,
      maf_pay: 1_650_000, // "医疗救助1.65万元": (114,500 − 40,000 − 47,000) × 60%, lifted
      hifdm_pay: 0,
      oth_pay: 0,
      fund_pay_sumamt: 10_350_000,
      psn_part_amt: 1_131_700, // "自付费用只有1.1万多元"
      acct_pay: 0,
      psn_cash_pay: 1_131_700,
      hosp_part_amt: 0,
      balc: 0,
      acct_mulaid_pay: 0,
    });
    expect(detailOf(s)).toEqual([
      { fund_pay_type: "390100", inscp_scp_amt: 11_250_000, crt_payb_lmt_amt: 4_000_000, fund_payamt: 4_000_000 },
      { fund_pay_type: "390200", inscp_scp_amt: 7_450_000, crt_payb_lmt_amt: 30_000_000, fund_payamt: 4_700_000 },
      { fund_pay_type: "610100", inscp_scp_amt: 2_750_000, crt_payb_lmt_amt: 5_000_000, fund_payamt: 1_650_000 },
    ]);
    expect(s.setldetail[0]?.setl_proc_info).toContain("受封顶线/限额限制，本次支付40000.00元");
    expect(s.setldetail[2]?.setl_proc_info).toContain("医疗救助（稳定脱贫人口）");
    expect(s.setldetail[2]?.setl_proc_info).toContain("×救助比例60%=16500.00元");
    expect(s.warn_msg).toBeUndefined();
  });

  it("`yibao settle` prints the same settlement", async () => {
    const r = await cli(exampleText());
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(runCalculator(example()));
  });

  it("the reference policy 451000/2022 still gives lifted no assistance", () => {
    const doc = {
      policy: "451000-2022",
      catalogue: [{ med_list_codg: "A01", admdvs: "451000", chrgitm_lv: "01" }],
      person: { psn_no: "P1", insutype: "390", insuplc_admdvs: "451000", idetinfo: [{ psn_idet_type: "lifted", begntime: "2022-01-01" }] },
      encounters: [{ mdtrt_id: "M1", med_type: "21", setl_time: "2022-07-26 10:30:00", medins_lv: "3", mdtrtarea_admvs: "451000", feedetail: [{ feedetl_sn: "1", med_list_codg: "A01", pric: 10000, cnt: 1 }] }],
    };
    const s = settleOnly(doc);
    expect(fen(s.setlinfo.maf_pay)).toBe(0);
    expect(s.setldetail.map((d) => d.fund_pay_type)).toEqual(["390100"]);
  });
});

describe("a pooling region's policy (统筹区): 620100 settles the insured of 620122", () => {
  const stay = (insured: string, treating: string) => ({
    policy: "620100-2021",
    catalogue: [treating, "620100"].map((admdvs) => ({ med_list_codg: "A01", admdvs, chrgitm_lv: "01" })),
    person: { psn_no: "P1", insutype: "390", insuplc_admdvs: insured },
    encounters: [{ mdtrt_id: "M1", med_type: "21", setl_time: "2021-07-26 10:30:00", medins_lv: "3", mdtrtarea_admvs: treating, feedetail: [{ feedetl_sn: "1", med_list_codg: "A01", pric: 10000, cnt: 1 }] }],
  });

  it("care anywhere in the pooling region is local: (10,000 − 2,000) × 60%, whether insured in the county or the city", () => {
    for (const [insured, treating] of [["620122", "620100"], ["620100", "620100"], ["620122", "620122"]] as const) {
      const s = settleOnly(stay(insured, treating));
      expect(fen(s.setlinfo.hifp_pay)).toBe(480_000);
      expect(s.warn_msg).toBeUndefined();
    }
  });

  it("care outside it is off-site: unfiled, the ratio is cut by 20 points", () => {
    const s = settleOnly(stay("620122", "360100"));
    expect(fen(s.setlinfo.hifp_pay)).toBe(320_000); // 8,000 × 40%
    expect(s.warn_msg).toBe("异地就医未提供备案信息，按未备案结算");
  });

  it("a person insured outside the policy's region is refused", () => {
    expect(domainError(() => runCalculator(stay("620200", "620100"))).field).toBe("encounters[0].insuplc_admdvs");
    expect(domainError(() => runCalculator({ ...stay("620122", "620100"), policy: "451000-2022" })).field).toBe("encounters[0].insuplc_admdvs");
  });

  it("selectPolicy takes the narrowest region covering the insured one, then the year", () => {
    const lanzhou = shippedPolicy("620100-2021");
    const gansu = { ...lanzhou, admdvs: "620000", year: 2021 };
    const policies = [gansu, lanzhou, POLICY];
    expect(policyId(selectPolicy(policies, "620122", "2021-07-26").policy)).toBe("620100-2021");
    expect(selectPolicy(policies, "620122", "2021-07-26").warning).toBeNull();
    const later = selectPolicy(policies, "620122", "2022-03-01");
    expect(policyId(later.policy)).toBe("620100-2021");
    expect(later.warning).toBe("参保地620122无2022年度政策，按2021年度政策结算");
    expect(policyId(selectPolicy(policies, "620200", "2021-07-26").policy)).toBe("620000-2021");
    expect(policyId(selectPolicy(policies, "451000", "2022-07-26").policy)).toBe("451000-2022");
    expect(domainError(() => selectPolicy([lanzhou], "620200", "2021-07-26")).rule).toBe("no policy of region 620200 for 2021 or earlier");
  });
});
