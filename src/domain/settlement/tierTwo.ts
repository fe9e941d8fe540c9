import { CATEGORY_NAMES, FUND_PAY_TYPE_NAMES, type Category } from "../codes.js";
import { invariant } from "../errors.js";
import { formatYuan as y, minFen, room, ZERO, type Fen } from "../money.js";
import type { CriticalIllnessPolicy, Policy } from "../reference/index.js";
import { addRatio, applyRatio, divideByRatio, formatRatio, microFen, RATIO_ZERO, roundMicroFen, type Ratio } from "../ratio.js";
import type { FundStep } from "./types.js";

export interface BandPart {
  from: Fen;
  to: Fen;
  ratio: Ratio;
}

/**
 * The parts of the accumulated base [from, to] that fall in each band above `deductible`, with their ratios raised by
 * `points`. Pay is round(Σ part × ratio): one rounding for the sum over bands.
 */
export function bandParts(from: Fen, to: Fen, deductible: Fen, ci: CriticalIllnessPolicy, points: Ratio): BandPart[] {
  const parts: BandPart[] = [];
  let lower: number = deductible;
  for (const band of ci.bands) {
    const upper = band.upto ?? Number.POSITIVE_INFINITY;
    const lo = Math.max(from, lower);
    const hi = Math.min(to, upper);
    if (hi > lo) parts.push({ from: lo as Fen, to: hi as Fen, ratio: addRatio(band.ratio, points) });
    lower = upper;
  }
  return parts;
}

export function payOfParts(parts: readonly BandPart[]): Fen {
  let micro = 0;
  for (const p of parts) micro += microFen((p.to - p.from) as Fen, p.ratio);
  return roundMicroFen(micro);
}

export interface TermsOption {
  category: Category | null;
  tiltName: string | null;
  deductible: Fen;
  points: Ratio;
  capLifted: boolean;
}

/** Terms that pay the same this time: the tilt held still applies (lower deductible, then more points, then no cap). */
export function moreFavourable(a: TermsOption, b: TermsOption): boolean {
  if (a.deductible !== b.deductible) return a.deductible < b.deductible;
  if (a.points !== b.points) return a.points > b.points;
  return a.capLifted && !b.capLifted;
}

/** The untilted terms, then each tilt a category held opens. */
export function termsOptions(ci: CriticalIllnessPolicy, categories: ReadonlySet<Category>): TermsOption[] {
  const options: TermsOption[] = [{ category: null, tiltName: null, deductible: ci.deductible, points: RATIO_ZERO, capLifted: false }];
  for (const t of ci.tilts) {
    const held = t.categories.find((c) => categories.has(c));
    if (held) options.push({ category: held, tiltName: t.name, deductible: t.deductible, points: t.ratio_points, capLifted: t.cap_lifted });
  }
  return options;
}

export interface CriticalIllnessResult {
  hifmi_pay: Fen;
  base: Fen;
  tiltCategory: Category | null;
  step: FundStep;
}

/**
 * Step 3, residents: banded pay on the year's accumulated base, with the most favourable tilt among the categories valid
 * on the date of care (the one that pays most; the untilted terms when none is better).
 */
export function settleCriticalIllness(
  ci: CriticalIllnessPolicy,
  base: Fen,
  baseBefore: Fen,
  paidBefore: Fen,
  categories: ReadonlySet<Category>,
): CriticalIllnessResult {
  const options = termsOptions(ci, categories);
  const capRoom = room(ci.annual_cap, paidBefore);
  const after = (baseBefore + base) as Fen;
  let best: { option: TermsOption; parts: BandPart[]; uncapped: Fen; pay: Fen } | null = null;
  for (const option of options) {
    const parts = bandParts(baseBefore, after, option.deductible, ci, option.points);
    const uncapped = payOfParts(parts);
    const pay = option.capLifted ? uncapped : minFen(uncapped, capRoom);
    if (!best || pay > best.pay || (pay === best.pay && moreFavourable(option, best.option))) best = { option, parts, uncapped, pay };
  }
  invariant(best !== null, "no critical-illness terms");
  invariant(best.pay <= base, "critical illness pays more than its base");
  const { option, parts, uncapped, pay } = best;

  const words = [
    `大病保险：本次计入基数（起付线内自付+统筹内自付）${y(base)}元，本年累计基数${y(baseBefore)}元→${y(after)}元`,
    `起付线${y(option.deductible)}元` +
      (option.category ? `（${CATEGORY_NAMES[option.category]}倾斜：${option.tiltName}）` : ""),
  ];
  if (parts.length === 0) {
    words.push("累计基数未超过起付线部分，本次不支付");
  } else {
    const bandText = parts.map((p) => `${y(p.from)}–${y(p.to)}元段${y((p.to - p.from) as Fen)}元×${formatRatio(p.ratio)}`).join("＋");
    words.push(`${bandText}=${y(uncapped)}元`);
    words.push(
      option.capLifted
        ? "不设封顶线"
        : `年度封顶线${y(ci.annual_cap)}元，本年已支付${y(paidBefore)}元，剩余${y(capRoom)}元`,
    );
    words.push(`本次支付${y(pay)}元`);
  }
  const fund = ci.fund_pay_type;
  return {
    hifmi_pay: pay,
    base,
    tiltCategory: option.category,
    step: {
      fund_pay_type: fund,
      fund_pay_type_name: FUND_PAY_TYPE_NAMES[fund] ?? fund,
      inscp_scp_amt: base,
      crt_payb_lmt_amt: option.capLifted ? null : capRoom,
      fund_payamt: pay,
      setl_proc_info: `${words.join("；")}。`,
    },
  };
}

export interface LargeAmountResult {
  hifob_pay: Fen;
  base: Fen;
  step: FundStep;
}

/**
 * Step 3, employees: only where the annual basic cap bounded Step 2. The capped-out base is b − round(hifp ÷ r), r the
 * (off-site cut) ratio actually applied.
 */
export function settleLargeAmount(
  policy: Policy,
  basicBase: Fen,
  hifp: Fen,
  ratio: Ratio,
  annualCapBound: boolean,
  paidBefore: Fen,
): LargeAmountResult {
  const la = policy.large_amount;
  const capRoom = room(la.annual_cap, paidBefore);
  const fund = la.fund_pay_type;
  const name = FUND_PAY_TYPE_NAMES[fund] ?? fund;
  if (!annualCapBound || ratio === 0) {
    return {
      hifob_pay: ZERO,
      base: ZERO,
      step: {
        fund_pay_type: fund,
        fund_pay_type_name: name,
        inscp_scp_amt: ZERO,
        crt_payb_lmt_amt: capRoom,
        fund_payamt: ZERO,
        setl_proc_info: "职工大额医疗费用补助：基本医疗保险年度封顶线未封顶，本次不支付。",
      },
    };
  }
  const covered = divideByRatio(hifp, ratio);
  const outside = Math.max(0, basicBase - covered) as Fen;
  const raw = applyRatio(outside, la.ratio);
  const pay = minFen(raw, capRoom);
  invariant(pay <= outside, "large amount pays more than its base");
  return {
    hifob_pay: pay,
    base: outside,
    step: {
      fund_pay_type: fund,
      fund_pay_type_name: name,
      inscp_scp_amt: outside,
      crt_payb_lmt_amt: capRoom,
      fund_payamt: pay,
      setl_proc_info:
        `职工大额医疗费用补助：基本医疗保险已达年度封顶线，封顶线以上基数${y(basicBase)}元−${y(hifp)}元÷${formatRatio(ratio)}=${y(outside)}元，` +
        `×${formatRatio(la.ratio)}=${y(raw)}元；年度限额${y(la.annual_cap)}元，本年已支付${y(paidBefore)}元，剩余${y(capRoom)}元；本次支付${y(pay)}元。`,
    },
  };
}
