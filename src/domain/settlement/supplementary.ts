import { CATEGORY_NAMES, type Category } from "../codes.js";
import { invariant } from "../errors.js";
import { formatYuan as y, minFen, room, sumFen, ZERO, type Fen } from "../money.js";
import type { Policy, SupplementaryTier } from "../reference/index.js";
import { applyRatio, formatRatio } from "../ratio.js";
import type { Accumulators, FundStep, SettlementPerson } from "./types.js";

/**
 * Supplementary tiers in the one-stop chain (补充保障: 惠民保-like city inclusive commercial insurance, a charity fund),
 * configured per region in the policy (policy.supplementary) and paid as oth_pay, each with its own setldetail row.
 *
 * A tier pays inpatient and outpatient chronic/special-disease settlements (like tier two and assistance) of a person
 * it covers on the date of care, for the insurance types it lists. Its base is what the tiers before it left to the
 * person, of the costs it covers:
 * - in-policy self-paid (covers.in_policy_self_paid): inscp_scp_amt − hifp − hifmi − hifob − maf (when the tier comes
 *   after assistance) − what earlier supplementary tiers paid of it;
 * - out-of-catalogue (covers.out_of_catalogue): fulamt_ownpay_amt (class 03 and items not in the catalogue) − what
 *   earlier supplementary tiers paid of it.
 * The annual deductible is applied on the year's accumulated base like one band (the method of assistance, Step 4):
 * pay = round(|[B0, B1] ∩ (deductible, ∞)| × ratio), at most the annual cap less what the tier paid this year.
 *
 * A tier that covers both kinds of cost counts its payment against the in-policy burden first, then against the
 * out-of-catalogue part: so a later tier for in-policy costs only (a charity) never sees an in-policy burden the first
 * tier already paid, and a tier placed before assistance lowers the assistance base m only by what it paid of m.
 */

/** How a person is covered by a tier: on its roster, or by a category it lists. */
export type Coverage = { tier: SupplementaryTier; via: "roster" } | { tier: SupplementaryTier; via: Category };

/**
 * The tiers of the policy that cover the person on the date of care, in the policy's order: the insurance type must be
 * one the tier lists, and the person on its roster (`person.supplementary`) or holding one of its categories.
 */
export function coveringTiers(policy: Policy, person: SettlementPerson, held: ReadonlySet<Category>): Coverage[] {
  const rosters = new Set(person.supplementary ?? []);
  const out: Coverage[] = [];
  for (const tier of policy.supplementary) {
    if (!tier.insutypes.includes(person.insutype)) continue;
    if (tier.enrollment === "roster") {
      if (rosters.has(tier.id)) out.push({ tier, via: "roster" });
    } else {
      const category = tier.categories.find((c) => held.has(c));
      if (category !== undefined) out.push({ tier, via: category });
    }
  }
  return out;
}

/** A payment toward the person's burden, named for the words. */
export interface PaidPart {
  name: string;
  amount: Fen;
}

/**
 * What is left to the person of the costs a supplementary tier may cover, and who paid what of them before it. Built
 * by the engine as the funds pay, in the chain's order.
 */
export interface Burden {
  inscp: Fen;
  fulamt: Fen;
  /** What the funds so far paid of the in-policy costs, in the order they paid. */
  inPolicyPaid: PaidPart[];
  /** What supplementary tiers so far paid of the out-of-catalogue costs. */
  outOfCataloguePaid: PaidPart[];
}

export function newBurden(inscp: Fen, fulamt: Fen): Burden {
  return { inscp, fulamt, inPolicyPaid: [], outOfCataloguePaid: [] };
}

export function inPolicyLeft(b: Burden): Fen {
  return (b.inscp - sumFen(b.inPolicyPaid.map((p) => p.amount))) as Fen;
}

export function outOfCatalogueLeft(b: Burden): Fen {
  return (b.fulamt - sumFen(b.outOfCataloguePaid.map((p) => p.amount))) as Fen;
}

const KIND_NAMES: Record<SupplementaryTier["kind"], string> = { commercial: "商业补充医疗保险", charity: "慈善医疗救助" };
const POSITION_NAMES: Record<SupplementaryTier["position"], string> = {
  before_assistance: "在医疗救助之前支付",
  after_assistance: "在医疗救助之后支付",
};

export interface SupplementaryPayment {
  tier_id: string;
  /** The base this settlement added to the tier's accumulated base. */
  base: Fen;
  pay: Fen;
  /** The part of `pay` counted against the in-policy burden (the rest, against the out-of-catalogue costs). */
  inPolicyPart: Fen;
  step: FundStep;
}

/**
 * One tier on the burden left before it, with the person's year so far. Records its payment on `burden` (in-policy
 * part first), so that the next tier sees what is left.
 */
export function settleSupplementaryTier(coverage: Coverage, burden: Burden, acc: Accumulators): SupplementaryPayment {
  const { tier, via } = coverage;
  const inLeft = inPolicyLeft(burden);
  const outLeft = outOfCatalogueLeft(burden);
  invariant(inLeft >= 0 && outLeft >= 0, "the burden left before a supplementary tier is negative");
  const inPart = tier.covers.in_policy_self_paid ? inLeft : ZERO;
  const outPart = tier.covers.out_of_catalogue ? outLeft : ZERO;
  const base = (inPart + outPart) as Fen;
  const baseBefore = acc.supplementary_base_fen[tier.id] ?? ZERO;
  const paidBefore = acc.supplementary_paid_fen[tier.id] ?? ZERO;
  const after = (baseBefore + base) as Fen;
  const above = Math.max(0, after - Math.max(baseBefore, tier.deductible)) as Fen;
  const raw = applyRatio(above, tier.ratio);
  const capRoom = room(tier.annual_cap, paidBefore);
  const pay = minFen(raw, capRoom);
  invariant(pay <= base, "a supplementary tier pays more than its base");
  const inPolicyPart = minFen(pay, inPart);
  const outPaid = (pay - inPolicyPart) as Fen;
  invariant(outPaid <= outPart, "a supplementary tier pays more out-of-catalogue costs than are left");

  // The base in words, from the burden as this tier found it (before its own payment is recorded on it).
  const minus = (parts: readonly PaidPart[]) => parts.map((p) => `−${p.name}${y(p.amount)}元`).join("");
  const baseWords: string[] = [];
  if (tier.covers.in_policy_self_paid) baseWords.push(`政策范围内个人负担${y(inPart)}元（政策范围内费用${y(burden.inscp)}元${minus(burden.inPolicyPaid)}）`);
  if (tier.covers.out_of_catalogue) {
    const earlier = burden.outOfCataloguePaid;
    baseWords.push(`目录外全自费${y(outPart)}元${earlier.length > 0 ? `（全自费${y(burden.fulamt)}元${minus(earlier)}）` : ""}`);
  }
  if (inPolicyPart > 0) burden.inPolicyPaid.push({ name: tier.name, amount: inPolicyPart });
  if (outPaid > 0) burden.outOfCataloguePaid.push({ name: tier.name, amount: outPaid });
  const who = via === "roster" ? "在参保名单内" : CATEGORY_NAMES[via];
  const words = [
    `${tier.name}（${KIND_NAMES[tier.kind]}，${who}，${POSITION_NAMES[tier.position]}）：计入基数${baseWords.join("＋")}${baseWords.length > 1 ? `，共${y(base)}元` : ""}`,
    `本年累计基数${y(baseBefore)}元→${y(after)}元`,
    `年度起付线${y(tier.deductible)}元，起付线以上${y(above)}元×支付比例${formatRatio(tier.ratio)}=${y(raw)}元`,
    `年度封顶线${y(tier.annual_cap)}元，本年已支付${y(paidBefore)}元，剩余${y(capRoom)}元`,
    // Why it paid less than its ratio gives, or nothing: the cap, or a base still under the deductible.
    pay < raw ? `受年度封顶线限制，本次支付${y(pay)}元` : above === 0 ? `累计基数未超过起付线，本次支付${y(pay)}元` : `本次支付${y(pay)}元`,
  ];
  return {
    tier_id: tier.id,
    base,
    pay,
    inPolicyPart,
    step: {
      fund_pay_type: tier.fund_pay_type,
      fund_pay_type_name: tier.name,
      inscp_scp_amt: base,
      crt_payb_lmt_amt: capRoom,
      fund_payamt: pay,
      setl_proc_info: `${words.join("；")}。`,
    },
  };
}
