/**
 * Settlements per second of the pure engine (`settle`) on one core: 20-line inpatient encounters (med_type 21) under the
 * shipped 451000-2022 policy and catalogue, for a seeded, realistic population settled through a year with accumulators
 * carried forward, so that deductibles, caps, critical-illness bands, tilts, large amount and assistance limits are hit.
 * Only `settle` and the carrying of accumulators are timed; the population is built beforehand.
 */
import type { Catalogue, CatalogueEntry } from "../src/domain/reference/catalogue.js";
import { mulberry32 } from "../src/lib/random.js";
import type { Category, Level } from "../src/domain/codes.js";
import type { Fen } from "../src/domain/money.js";
import type { Policy } from "../src/domain/reference/policy/schema.js";
import { priceOfFen, type Quantity } from "../src/domain/quantity.js";
import { emptyAccumulators } from "../src/domain/settlement/accumulators.js";
import { settle } from "../src/domain/settlement/engine.js";
import type { Encounter, FeeLine, PersonCategory, SettlementPerson, SettlementResult } from "../src/domain/settlement/types.js";
import { shippedCatalogue, shippedCatalogueEntries, shippedPolicy } from "../src/services/reference/shipped.js";
import { measureThroughput, round, throughputOptions, type Benchmark } from "./harness.js";

const REGION = "451000";
const POLICY_ID = "451000-2022";
const YEAR = 2022;
const LINES_PER_ENCOUNTER = 20;
const PERSONS = 2_000;
const SEED = 20220101;

/** mulberry32: a small seeded generator, so that every run settles the same population. */
const rng = mulberry32;

interface BenchPerson {
  person: SettlementPerson;
  initialBalc: Fen;
  encounters: { encounter: Encounter; lines: FeeLine[] }[];
}

interface Population {
  people: BenchPerson[];
  settlements: number;
  profile: Record<string, number>;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function weighted<T>(random: () => number, options: readonly (readonly [T, number])[]): T {
  const total = options.reduce((s, [, w]) => s + w, 0);
  let x = random() * total;
  for (const [value, w] of options) {
    x -= w;
    if (x < 0) return value;
  }
  return (options[options.length - 1] as readonly [T, number])[0];
}

/** Log-normal around `median` (σ in natural-log units). */
function logNormal(random: () => number, median: number, sigma: number): number {
  const u = Math.max(random(), 1e-12);
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  return median * Math.exp(sigma * z);
}

const RESIDENT_CATEGORIES: readonly (readonly [Category | null, number])[] = [
  [null, 78],
  ["lifted", 5],
  ["minimum_living", 6],
  ["monitored", 4],
  ["low_income", 3],
  ["destitute", 2],
  ["illness_impoverished", 1.5],
  ["orphan", 0.5],
];
const EMPLOYEE_CATEGORIES: readonly (readonly [Category | null, number])[] = [
  [null, 97],
  ["minimum_living", 1],
  ["monitored", 1],
  ["illness_impoverished", 1],
];

/** A population of residents and employees with a year of inpatient stays each, most modest, a few catastrophic. */
function buildPopulation(entries: readonly CatalogueEntry[]): Population {
  const random = rng(SEED);
  const valid = entries.filter((e) => e.begndate <= `${YEAR}-01-01` && (e.enddate === null || e.enddate >= `${YEAR}-12-31`));
  const capped = valid.filter((e) => e.chrgitm_lv !== "03" && e.pric_uplmt_amt !== null);
  const uncapped = valid.filter((e) => e.chrgitm_lv !== "03" && e.pric_uplmt_amt === null);
  const classThree = valid.filter((e) => e.chrgitm_lv === "03");
  const profile: Record<string, number> = { residents: 0, employees: 0, catastrophic: 0, with_category: 0 };

  const people: BenchPerson[] = [];
  let settlements = 0;
  let lineSn = 0;
  for (let i = 0; i < PERSONS; i++) {
    const resident = random() < 0.65;
    const insutype = resident ? "390" : "310";
    profile[resident ? "residents" : "employees"]! += 1;
    const category = weighted(random, resident ? RESIDENT_CATEGORIES : EMPLOYEE_CATEGORIES);
    const idetinfo: PersonCategory[] = [];
    if (category) {
      profile.with_category! += 1;
      // Most hold the category all year; some acquire it mid-year, so that both branches of validity are taken.
      const from = random() < 0.8 ? `${YEAR}-01-01 00:00:00` : `${YEAR}-07-01 00:00:00`;
      idetinfo.push({ psn_idet_type: category, begntime: from, endtime: random() < 0.9 ? null : `${YEAR}-10-31 23:59:59` });
    }
    const catastrophic = random() < 0.05;
    if (catastrophic) profile.catastrophic! += 1;
    const stays = catastrophic ? 6 + Math.floor(random() * 7) : 1 + Math.floor(-Math.log(Math.max(random(), 1e-9)) * 1.2);
    const balc = (resident ? 0 : Math.round(logNormal(random, 3_000, 0.8)) * 100) as Fen;
    const person: SettlementPerson = {
      psn_no: `P${String(i + 1).padStart(6, "0")}`,
      insutype,
      insuplc_admdvs: REGION,
      balc,
      idetinfo,
    };
    const days = Array.from({ length: stays }, () => 1 + Math.floor(random() * 364)).sort((a, b) => a - b);
    const encounters = days.map((day, k) => {
      const date = new Date(Date.UTC(YEAR, 0, day)).toISOString().slice(0, 10);
      const level: Level = catastrophic ? weighted(random, [["3", 8], ["2", 2]] as const) : weighted(random, [["1", 25], ["2", 45], ["3", 30]] as const);
      // Total cost of the stay in yuan: modest stays around 6,000; catastrophic ones (cancer, dialysis, ICU) ~60,000.
      const total = catastrophic ? logNormal(random, 60_000, 0.5) : logNormal(random, 6_000, 0.9);
      const encounter: Encounter = {
        mdtrt_id: `${person.psn_no}-${k + 1}`,
        med_type: "21",
        setl_time: `${date} ${String(8 + Math.floor(random() * 10)).padStart(2, "0")}:30:00`,
        medins_lv: level,
        mdtrtarea_admvs: REGION,
        offsite_filing: null,
        opsp_dise_code: null,
        acct_used_flag: !resident && random() < 0.7,
      };
      const weights = Array.from({ length: LINES_PER_ENCOUNTER }, () => random() ** 2);
      const wsum = weights.reduce((s, w) => s + w, 0);
      const lines: FeeLine[] = weights.map((w) => {
        lineSn += 1;
        const share = (total * w) / wsum; // yuan
        const kind = random();
        let entry: CatalogueEntry | null;
        if (kind < 0.02) entry = null; // not in the catalogue
        else if (kind < 0.08) entry = pick(random, classThree);
        else if (kind < 0.4) entry = pick(random, capped);
        else entry = pick(random, uncapped);
        let pricFen: number;
        let cntE4: number;
        if (entry?.pric_uplmt_amt != null) {
          // Mostly at the price cap, one line in ten above it (超限价).
          pricFen = random() < 0.1 ? Math.round(entry.pric_uplmt_amt * (1.1 + random() * 0.3)) : entry.pric_uplmt_amt;
          cntE4 = Math.max(1, Math.round(share / (pricFen / 100))) * 10_000;
        } else {
          const cnt = 1 + Math.floor(random() * 12);
          cntE4 = random() < 0.1 ? cnt * 10_000 + 5_000 : cnt * 10_000; // the odd half tablet
          pricFen = Math.max(1, Math.round((share * 100 * 10_000) / cntE4));
        }
        return {
          feedetl_sn: String(lineSn),
          med_list_codg: entry?.med_list_codg ?? "ZZ-NOT-LISTED-0001",
          pric: priceOfFen(pricFen as Fen),
          cnt: cntE4 as Quantity,
        };
      });
      return { encounter, lines };
    });
    settlements += encounters.length;
    people.push({ person, initialBalc: balc, encounters });
  }
  return { people, settlements, profile };
}

/** One pass over the population: each person's year settled in order, accumulators and balance carried. */
function settleYear(policy: Policy, catalogue: Catalogue, people: readonly BenchPerson[], each?: (r: SettlementResult) => void): { count: number; fund: number } {
  let count = 0;
  let fund = 0;
  for (const p of people) {
    p.person.balc = p.initialBalc;
    let accumulators = emptyAccumulators(YEAR);
    for (const { encounter, lines } of p.encounters) {
      const result = settle({ policy, catalogue, person: p.person, accumulators, encounter, lines });
      accumulators = result.accumulators;
      p.person.balc = result.setlinfo.balc;
      fund += result.setlinfo.fund_pay_sumamt;
      count += 1;
      if (each) each(result);
    }
  }
  return { count, fund };
}

/** What the population exercises: how many settlements each rule paid or bounded (untimed). */
function coverage(policy: Policy, catalogue: Catalogue, people: readonly BenchPerson[]): { figures: Record<string, number>; fund: number } {
  const c = {
    basic_cap_bound: 0,
    critical_illness_paid: 0,
    critical_illness_band_2_or_3: 0,
    critical_illness_tilted: 0,
    large_amount_paid: 0,
    assistance_paid: 0,
    assistance_limit_bound: 0,
    over_price_cap_lines: 0,
    out_of_catalogue_lines: 0,
    account_paid: 0,
  };
  const bandTwo = policy.critical_illness.bands[0]?.upto ?? Number.POSITIVE_INFINITY;
  const { fund } = settleYear(policy, catalogue, people, (r) => {
    const s = r.setlinfo;
    const basic = r.steps[0];
    if (basic && basic.crt_payb_lmt_amt !== null && basic.fund_payamt === basic.crt_payb_lmt_amt && s.pool_prop_selfpay > 0) c.basic_cap_bound += 1;
    if (s.hifmi_pay > 0) c.critical_illness_paid += 1;
    if (s.hifmi_pay > 0 && r.accumulators.tier_two_base_fen > bandTwo) c.critical_illness_band_2_or_3 += 1;
    if (s.hifmi_pay > 0 && r.tilt_category !== null) c.critical_illness_tilted += 1;
    if (s.hifob_pay > 0) c.large_amount_paid += 1;
    if (s.maf_pay > 0) c.assistance_paid += 1;
    const maf = r.steps.find((x) => x.fund_pay_type === policy.assistance.fund_pay_type);
    if (maf && maf.crt_payb_lmt_amt !== null && maf.fund_payamt === maf.crt_payb_lmt_amt && r.delta.assistance_base_fen > 0) c.assistance_limit_bound += 1;
    if (s.acct_pay > 0) c.account_paid += 1;
    for (const l of r.lines) {
      if (l.overlmt_amt > 0) c.over_price_cap_lines += 1;
      if (l.chrgitm_lv === null) c.out_of_catalogue_lines += 1;
    }
  });
  return { figures: c, fund };
}

export const engineBenchmark: Benchmark = {
  name: "engine",
  description: `settle() on ${LINES_PER_ENCOUNTER}-line inpatient encounters, ${POLICY_ID} policy and catalogue, one core`,
  run() {
    const policy = shippedPolicy(POLICY_ID);
    const catalogue = shippedCatalogue(REGION);
    const population = buildPopulation(shippedCatalogueEntries(REGION));
    const { people, settlements } = population;
    const exercised = coverage(policy, catalogue, people);

    let fundOfLastPass = exercised.fund;
    const options = throughputOptions({ warmupSeconds: 2, runs: 5, minSecondsPerRun: 3 });
    const throughput = measureThroughput(() => {
      const { count, fund } = settleYear(policy, catalogue, people);
      // Every pass must settle the same population to the same fen, or the loop is not measuring what it says.
      if (fund !== fundOfLastPass) throw new Error(`pass settled ${fund} fen of fund, expected ${fundOfLastPass}`);
      fundOfLastPass = fund;
      return count;
    }, options);

    const figures = {
      settlements_per_second: throughput.ops_per_second,
      us_per_settlement: throughput.us_per_op,
      settlements_per_cpu_second: throughput.ops_per_cpu_second,
      cpu_us_per_settlement: throughput.cpu_us_per_op,
      target_settlements_per_second: 100_000,
      meets_target: throughput.ops_per_second >= 100_000,
      lines_per_settlement: LINES_PER_ENCOUNTER,
      runs: throughput.runs,
      warmup_settlements: throughput.warmup_ops,
      options,
      population: {
        policy: POLICY_ID,
        catalogue_entries: catalogue.size,
        persons: people.length,
        settlements_per_pass: settlements,
        ...population.profile,
        fund_pay_per_pass_yuan: round(exercised.fund / 100, 2),
      },
      exercised: exercised.figures,
    };
    const summary =
      `  ${throughput.ops_per_second.toLocaleString("en-US")} settlements/s, ${throughput.us_per_op} µs/settlement ` +
      `(median of ${throughput.runs.length} runs ≥ ${options.minSecondsPerRun} s; target 100,000/s ${figures.meets_target ? "met" : "NOT met"})\n` +
      `  ${throughput.ops_per_cpu_second.toLocaleString("en-US")} settlements per CPU second, ${throughput.cpu_us_per_op} µs CPU/settlement`;
    return { figures, summary };
  },
};
