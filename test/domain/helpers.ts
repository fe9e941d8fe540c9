/**
 * Builders shared by the domain tests: amounts are written in yuan (as text, so that no float rounding hides a fen) and
 * become fen through the domain's own parsers.
 */
import { expect } from "vitest";
import { Catalogue, type CatalogueEntry } from "../../src/domain/reference/catalogue.js";
import type { Category, ChrgitmLevel, FilingType, Level, MedType } from "../../src/domain/codes.js";
import { DomainError } from "../../src/domain/errors.js";
import { parseYuan, type Fen } from "../../src/domain/money.js";
import type { Policy } from "../../src/domain/reference/policy/schema.js";
import { parseQuantity, priceOfFen, type Quantity } from "../../src/domain/quantity.js";
import { parseRatio, RATIO_ZERO } from "../../src/domain/ratio.js";
import { emptyAccumulators } from "../../src/domain/settlement/accumulators.js";
import { settle } from "../../src/domain/settlement/engine.js";
import type {
  Accumulators,
  Encounter,
  FeeLine,
  PersonCategory,
  SettlementPerson,
  SettlementResult,
} from "../../src/domain/settlement/types.js";
import { shippedPolicy } from "../../src/services/reference/shipped.js";

export const POLICY: Policy = shippedPolicy("451000-2022");
export const INSURED = "451000";
export const OFFSITE = "360100";
export const YEAR = 2022;

/** Fen from yuan written as text ("800.01") or an integer number of yuan. */
export function yuan(amount: string | number): Fen {
  return parseYuan(String(amount), "test amount");
}

export function qty(count: string | number): Quantity {
  return parseQuantity(String(count), "test cnt");
}

export function entry(
  code: string,
  level: ChrgitmLevel,
  options: { selfpay?: string; cap?: string | null; region?: string; begin?: string; end?: string | null; name?: string } = {},
): CatalogueEntry {
  return {
    med_list_codg: code,
    med_list_name: options.name ?? code,
    admdvs: options.region ?? INSURED,
    chrgitm_lv: level,
    selfpay_prop: options.selfpay === undefined ? RATIO_ZERO : parseRatio(options.selfpay, "selfpay_prop"),
    pric_uplmt_amt: options.cap === undefined || options.cap === null ? null : yuan(options.cap),
    list_type: "drug",
    begndate: options.begin ?? "2020-01-01",
    enddate: options.end ?? null,
  };
}

/**
 * The test catalogue, the same in the insured region and in the off-site region:
 * A01 class 01 (甲类); B10 class 02 with 10% pre-self-pay (乙类); C03 class 03 (丙类); CAP class 01 with a 50-yuan price cap;
 * B10CAP class 02 10% with a 50-yuan cap; NEW class 01 valid from 2022-07-01; OLD class 01 valid until 2022-06-30.
 */
export const TEST_ENTRIES: CatalogueEntry[] = [INSURED, OFFSITE].flatMap((region) => [
  entry("A01", "01", { region }),
  entry("B10", "02", { region, selfpay: "0.1" }),
  entry("C03", "03", { region }),
  entry("CAP", "01", { region, cap: "50" }),
  entry("B10CAP", "02", { region, selfpay: "0.1", cap: "50" }),
  entry("NEW", "01", { region, begin: "2022-07-01" }),
  entry("OLD", "01", { region, end: "2022-06-30" }),
]);
export const CATALOGUE = new Catalogue(TEST_ENTRIES);

export function category(type: Category, begin = "2022-01-01", end: string | null = null): PersonCategory {
  return { psn_idet_type: type, begntime: begin, endtime: end };
}

export function person(options: Partial<SettlementPerson> & { categories?: PersonCategory[] } = {}): SettlementPerson {
  const { categories, ...rest } = options;
  return {
    psn_no: "P1",
    insutype: "390",
    insuplc_admdvs: INSURED,
    balc: 0 as Fen,
    idetinfo: categories ?? [],
    ...rest,
  };
}

export const resident = (...categories: PersonCategory[]) => person({ insutype: "390", categories });
export const employee = (...categories: PersonCategory[]) => person({ insutype: "310", categories });

let encounterCounter = 0;

export function encounter(options: {
  med_type?: MedType;
  level?: Level;
  date?: string;
  region?: string;
  filing?: FilingType | null;
  disease?: string | null;
  acct?: boolean;
} = {}): Encounter {
  encounterCounter += 1;
  return {
    mdtrt_id: `M${encounterCounter}`,
    med_type: options.med_type ?? "21",
    setl_time: `${options.date ?? "2022-05-10"} 10:00:00`,
    medins_lv: options.level ?? "3",
    mdtrtarea_admvs: options.region ?? INSURED,
    offsite_filing: options.filing ?? null,
    opsp_dise_code: options.disease ?? null,
    acct_used_flag: options.acct ?? false,
  };
}

let lineCounter = 0;

export function line(code: string, pric: string | number, cnt: string | number = 1, given?: string | number): FeeLine {
  lineCounter += 1;
  const l: FeeLine = { feedetl_sn: String(lineCounter), med_list_codg: code, pric: priceOfFen(yuan(pric)), cnt: qty(cnt) };
  if (given !== undefined) l.det_item_fee_sumamt = yuan(given);
  return l;
}

/** One class-01 line: its whole amount is in policy (inscp_scp_amt = amount). */
export const inscp = (amount: string | number): FeeLine => line("A01", amount);

export interface SettleOptions {
  person?: SettlementPerson;
  accumulators?: Partial<Accumulators>;
  policy?: Policy;
  catalogue?: Catalogue;
}

export function accumulators(partial: Partial<Accumulators> = {}, year = YEAR): Accumulators {
  return { ...emptyAccumulators(year), ...partial };
}

export function settleOne(enc: Encounter, lines: FeeLine[], options: SettleOptions = {}): SettlementResult {
  return settle({
    policy: options.policy ?? POLICY,
    catalogue: options.catalogue ?? CATALOGUE,
    person: options.person ?? resident(),
    accumulators: accumulators(options.accumulators, Number(enc.setl_time.slice(0, 4))),
    encounter: enc,
    lines,
  });
}

/** Settles encounters in order for one person, carrying the accumulators and the personal-account balance. */
export function settleSequence(
  p: SettlementPerson,
  items: readonly { enc: Encounter; lines: FeeLine[] }[],
  start: Partial<Accumulators> = {},
  options: { policy?: Policy; catalogue?: Catalogue } = {},
): SettlementResult[] {
  let acc = accumulators(start);
  let balc = p.balc;
  return items.map(({ enc, lines }) => {
    const r = settle({
      policy: options.policy ?? POLICY,
      catalogue: options.catalogue ?? CATALOGUE,
      person: { ...p, balc },
      accumulators: acc,
      encounter: enc,
      lines,
    });
    acc = r.accumulators;
    balc = r.setlinfo.balc;
    return r;
  });
}

/** The fund step of a fund code (e.g. "610100"), whether or not it paid. */
export function stepOf(r: SettlementResult, fund: string) {
  return r.steps.find((s) => s.fund_pay_type === fund);
}

/** Runs `fn`, expects a DomainError, and returns it so that its field and rule can be asserted. */
export function domainError(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error("expected a DomainError, but nothing was thrown");
}

/** The Step 5 and Step 1 identities every settlement satisfies. */
export function expectBalanced(r: SettlementResult): void {
  const s = r.setlinfo;
  expect(s.fund_pay_sumamt + s.psn_part_amt).toBe(s.medfee_sumamt);
  expect(s.fulamt_ownpay_amt + s.overlmt_selfpay + s.preselfpay_amt + s.inscp_scp_amt).toBe(s.medfee_sumamt);
  expect(s.hifp_pay + s.hifmi_pay + s.hifob_pay + s.maf_pay + s.oth_pay).toBe(s.fund_pay_sumamt);
  expect(s.acct_pay + s.psn_cash_pay).toBe(s.psn_part_amt);
  expect(s.act_pay_dedc + s.pool_prop_selfpay + s.hifp_pay).toBe(s.inscp_scp_amt);
}
