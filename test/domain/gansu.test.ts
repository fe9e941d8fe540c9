import { describe, expect, it } from "vitest";
import { parseYuan } from "../../src/domain/money.js";
import { policyId } from "../../src/domain/policy/schema.js";
import { selectPolicy } from "../../src/domain/policy/select.js";
import { runCalculator } from "../../src/services/calculator.js";
import { shippedPolicy } from "../../src/services/reference.js";
import { domainError, POLICY } from "./helpers.js";

/** Gansu's resident insurance is pooled by city: 兰州市's policy (620100) settles the insured of 皋兰县 (620122). */

/** Yuan on the wire → fen, refusing more than two decimals. */
const fen = (value: unknown) => parseYuan(value, "wire amount");

interface WireSettlement {
  setlinfo: Record<string, unknown>;
  setldetail: Record<string, unknown>[];
  warn_msg?: string;
}

function settleOnly(document: Record<string, unknown>): WireSettlement {
  const out = runCalculator(document);
  expect(out).toHaveLength(1);
  return out[0] as WireSettlement;
}

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
