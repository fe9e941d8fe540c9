import type { Category } from "../codes.js";
import { DomainError, invariant, InvariantError } from "../errors.js";
import { withinValidity } from "../ids.js";
import { minFen, sumFen, ZERO, type Fen } from "../money.js";
import { policyId, regionCovers } from "../reference/index.js";
import { emptyDelta, applyDelta } from "./accumulators.js";
import { chooseAssistance, settleAssistance } from "./assistance.js";
import { settleBasic } from "./basic.js";
import { splitLine, sumLines } from "./lines.js";
import { coveringTiers, newBurden, settleSupplementaryTier, type Burden, type Coverage, type SupplementaryPayment } from "./supplementary.js";
import { settleCriticalIllness, settleLargeAmount } from "./tierTwo.js";
import type { AccumulatorDelta, Accumulators, FundStep, PersonCategory, SettleInput, SettlementResult } from "./types.js";

/** Lines per encounter: a limit on everything (a real inpatient stay has a few thousand at most). */
export const MAX_LINES = 20_000;

/** The categories a person holds on a date (validity periods include both ends; an absent end is open). */
export function categoriesOn(idetinfo: readonly PersonCategory[], date: string): Set<Category> {
  const held = new Set<Category>();
  for (const c of idetinfo) {
    if (withinValidity(date, c.begntime.slice(0, 10), c.endtime ? c.endtime.slice(0, 10) : null)) held.add(c.psn_idet_type);
  }
  return held;
}

/**
 * One settlement, settlement-spec.md Steps 1–6: a pure function of the policy, the person, the year-to-date
 * accumulators, the encounter and its fee lines. Pre-settlement and settlement compute the same; only the shell commits.
 */
export function settle(input: SettleInput): SettlementResult {
  const { policy, catalogue, person, accumulators: acc, encounter: enc, lines } = input;
  const date = enc.setl_time.slice(0, 10);
  const year = Number(date.slice(0, 4));
  if (!(acc.year === year)) throw new InvariantError(`accumulators of ${acc.year} given for care in ${year}`);
  // A policy is its pooling region's (统筹区): 620100's settles the insured of 620122, a county it pools.
  if (!regionCovers(policy.admdvs, person.insuplc_admdvs)) {
    throw new DomainError("insuplc_admdvs", `policy ${policyId(policy)} is not the insured region ${person.insuplc_admdvs}'s`);
  }
  const basicPolicy = policy.basic[person.insutype];
  if (!basicPolicy) throw new DomainError("insutype", `policy ${policyId(policy)} has no basic insurance for insutype ${person.insutype}`);
  if (lines.length > MAX_LINES) throw new DomainError("feedetail", `more than ${MAX_LINES} fee lines in one settlement`);

  // Step 1 (the treating region's catalogue) and Step 6 (the cut by filing type).
  const split = lines.map((l) => splitLine(l, catalogue, enc.mdtrtarea_admvs, date));
  const totals = sumLines(split);
  // Off-site (异地) is care outside the insured pooling region: a 620122 resident in a 620100 hospital is at home.
  const offsite = !regionCovers(policy.admdvs, enc.mdtrtarea_admvs);
  const filing = enc.offsite_filing ?? "none";
  const offsiteCut = offsite ? { cut: policy.offsite.ratio_cut[filing], filing } : null;

  // Step 2.
  const basic = settleBasic({
    basic: basicPolicy,
    medType: enc.med_type,
    level: enc.medins_lv,
    inscp: totals.inscp_scp_amt,
    accumulators: acc,
    offsiteCut,
    opspDiseCode: enc.opsp_dise_code,
    admissionDeductibleCounted: enc.med_type === "21" ? enc.admission_deductible_counted_fen : undefined,
  });
  const delta: AccumulatorDelta = emptyDelta();
  const steps: FundStep[] = [basic.step];
  if (enc.med_type === "11") {
    delta.outpatient_deductible_counted_fen = basic.act_pay_dedc;
    delta.outpatient_basic_paid_fen = basic.hifp_pay;
  } else {
    delta.inpatient_chronic_basic_paid_fen = basic.hifp_pay;
    if (enc.med_type === "14" && enc.opsp_dise_code && basic.hifp_pay > 0) {
      delta.chronic_basic_paid_fen = { [enc.opsp_dise_code]: basic.hifp_pay };
    }
  }

  // Step 3: tier two, inpatient and chronic only.
  const held = categoriesOn(person.idetinfo, date);
  const tierTwoApplies = enc.med_type !== "11";
  let hifmi = ZERO;
  let hifob = ZERO;
  let tiltCategory: Category | null = null;
  const burden = newBurden(totals.inscp_scp_amt, totals.fulamt_ownpay_amt);
  burden.inPolicyPaid.push({ name: "基本医保", amount: basic.hifp_pay });
  if (tierTwoApplies && policy.critical_illness.insutypes.includes(person.insutype)) {
    const e = (basic.act_pay_dedc + basic.pool_prop_selfpay) as Fen;
    const ci = settleCriticalIllness(policy.critical_illness, e, acc.tier_two_base_fen, acc.critical_illness_paid_fen, held);
    hifmi = ci.hifmi_pay;
    tiltCategory = ci.tiltCategory;
    delta.tier_two_base_fen = e;
    delta.critical_illness_paid_fen = hifmi;
    steps.push(ci.step);
    burden.inPolicyPaid.push({ name: "大病保险", amount: hifmi });
  } else if (tierTwoApplies && policy.large_amount.insutypes.includes(person.insutype)) {
    const la = settleLargeAmount(policy, basic.base, basic.hifp_pay, basic.ratio, basic.annualCapBound, acc.large_amount_paid_fen);
    hifob = la.hifob_pay;
    delta.large_amount_paid_fen = hifob;
    steps.push(la.step);
    burden.inPolicyPaid.push({ name: "大额补助", amount: hifob });
  }

  // The supplementary tiers covering the person; `burden` (supplementary.ts) holds what the funds before each left.
  const covering = tierTwoApplies ? coveringTiers(policy, person, held) : [];
  const payments: SupplementaryPayment[] = [];

  // Supplementary tiers the policy places before assistance: what they pay of the in-policy burden lowers its base.
  const before = settleTiers(covering.filter((c) => c.tier.position === "before_assistance"), burden, acc);
  payments.push(...before);
  steps.push(...before.map((p) => p.step));

  // Step 4: medical assistance, for holders of an assistance category valid on the date of care.
  let maf = ZERO;
  const chosen = tierTwoApplies ? chooseAssistance(policy, held) : null;
  if (chosen) {
    const m = (totals.inscp_scp_amt - basic.hifp_pay - hifmi - hifob - sumFen(before.map((p) => p.inPolicyPart))) as Fen;
    invariant(m >= 0, "assistance base is negative");
    const basis = ["政策范围内费用−基本医保−大病保险−大额补助", ...before.filter((p) => p.inPolicyPart > 0).map((p) => p.step.fund_pay_type_name)].join("−");
    const as = settleAssistance(policy, chosen, m, acc.assistance_base_fen, acc.assistance_paid_fen, basis);
    maf = as.maf_pay;
    delta.assistance_base_fen = m;
    delta.assistance_paid_fen = maf;
    steps.push(as.step);
    burden.inPolicyPaid.push({ name: "医疗救助", amount: maf });
  }

  // Supplementary tiers after assistance, on what the three tiers (and those before) left.
  const after = settleTiers(covering.filter((c) => c.tier.position === "after_assistance"), burden, acc);
  payments.push(...after);
  steps.push(...after.map((p) => p.step));
  const supplementaryBase: Record<string, Fen> = {};
  const supplementaryPaid: Record<string, Fen> = {};
  for (const p of payments) {
    if (p.base > 0) supplementaryBase[p.tier_id] = p.base;
    if (p.pay > 0) supplementaryPaid[p.tier_id] = p.pay;
  }
  delta.supplementary_base_fen = supplementaryBase;
  delta.supplementary_paid_fen = supplementaryPaid;

  // Step 5: oth_pay is what the supplementary tiers paid together.
  const oth = sumFen(payments.map((p) => p.pay));
  const othOutOfCatalogue = (oth - sumFen(payments.map((p) => p.inPolicyPart))) as Fen;
  const fundSum = (basic.hifp_pay + hifmi + hifob + maf + oth) as Fen;
  const psnPart = (totals.medfee_sumamt - fundSum) as Fen;
  const acctPay = enc.acct_used_flag ? minFen(person.balc, psnPart) : ZERO;
  const cash = (psnPart - acctPay) as Fen;

  // Only a supplementary tier covering out-of-catalogue costs pays beyond the in-policy amount, and only of those costs.
  invariant(fundSum - othOutOfCatalogue <= totals.inscp_scp_amt, "funds pay more than the in-policy amount");
  invariant(othOutOfCatalogue >= 0 && othOutOfCatalogue <= totals.fulamt_ownpay_amt, "supplementary tiers pay more than the out-of-catalogue costs");
  invariant(psnPart >= 0 && acctPay >= 0 && cash >= 0, "a negative personal share");
  invariant(psnPart === acctPay + cash, "psn_part_amt ≠ acct_pay + psn_cash_pay");
  invariant(fundSum + psnPart === totals.medfee_sumamt, "the split does not sum to the total");

  const warnings: string[] = [];
  if (offsite && enc.offsite_filing === null) warnings.push("异地就医未提供备案信息，按未备案结算");

  return {
    policy_id: policyId(policy),
    setlinfo: {
      mdtrt_id: enc.mdtrt_id,
      psn_no: person.psn_no,
      psn_name: person.psn_name ?? "",
      psn_cert_type: person.psn_cert_type ?? "01",
      certno: person.certno ?? "",
      gend: person.gend ?? "",
      naty: person.naty ?? "",
      brdy: person.brdy ?? "",
      age: person.age ?? null,
      insutype: person.insutype,
      psn_type: person.psn_type ?? "",
      cvlserv_flag: person.cvlserv_flag ?? "0",
      setl_time: enc.setl_time,
      mdtrt_cert_type: enc.mdtrt_cert_type ?? "02",
      med_type: enc.med_type,
      medfee_sumamt: totals.medfee_sumamt,
      fulamt_ownpay_amt: totals.fulamt_ownpay_amt,
      overlmt_selfpay: totals.overlmt_selfpay,
      preselfpay_amt: totals.preselfpay_amt,
      inscp_scp_amt: totals.inscp_scp_amt,
      act_pay_dedc: basic.act_pay_dedc,
      hifp_pay: basic.hifp_pay,
      pool_prop_selfpay: basic.pool_prop_selfpay,
      cvlserv_pay: ZERO,
      hifes_pay: ZERO,
      hifmi_pay: hifmi,
      hifob_pay: hifob,
      maf_pay: maf,
      hifdm_pay: ZERO,
      oth_pay: oth,
      fund_pay_sumamt: fundSum,
      psn_part_amt: psnPart,
      acct_pay: acctPay,
      psn_cash_pay: cash,
      hosp_part_amt: ZERO,
      balc: (person.balc - acctPay) as Fen,
      acct_mulaid_pay: ZERO,
      // The pool that pays clears it: a county's insured person is cleared by the prefecture whose policy applied.
      clr_optins: policy.admdvs,
      clr_way: "1",
      clr_type: enc.med_type === "21" ? "21" : "11",
    },
    setldetail: steps.filter((s) => s.fund_payamt > 0),
    steps,
    lines: split,
    accumulators: applyDelta(acc, delta),
    delta,
    tilt_category: tiltCategory,
    assistance_category: chosen?.category ?? null,
    warnings,
  };
}

/** The covering tiers of one position, in the policy's order, each on what the ones before it left. */
function settleTiers(tiers: readonly Coverage[], burden: Burden, acc: Accumulators): SupplementaryPayment[] {
  return tiers.map((c) => settleSupplementaryTier(c, burden, acc));
}
