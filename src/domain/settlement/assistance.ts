import { CATEGORY_NAMES, FUND_PAY_TYPE_NAMES, type Category } from "../codes.js";
import { invariant } from "../errors.js";
import { formatYuan as y, minFen, room, type Fen } from "../money.js";
import type { AssistanceTerms, Policy } from "../reference/index.js";
import { applyRatio, formatRatio } from "../ratio.js";
import type { FundStep } from "./types.js";

/** Among the categories held, the assistance terms with the highest ratio, then lowest deductible, then highest limit. */
export function chooseAssistance(policy: Policy, held: ReadonlySet<Category>): { category: Category; terms: AssistanceTerms } | null {
  let best: { category: Category; terms: AssistanceTerms } | null = null;
  for (const category of held) {
    const terms = policy.assistance.categories[category];
    if (!terms) continue;
    if (
      !best ||
      terms.ratio > best.terms.ratio ||
      (terms.ratio === best.terms.ratio &&
        (terms.deductible < best.terms.deductible ||
          (terms.deductible === best.terms.deductible && terms.annual_limit > best.terms.annual_limit)))
    ) {
      best = { category, terms };
    }
  }
  return best;
}

export interface AssistanceResult {
  maf_pay: Fen;
  step: FundStep;
}

/** Step 4: the annual deductible applied on the accumulated assistance base like one band; one limit a year. */
export function settleAssistance(
  policy: Policy,
  chosen: { category: Category; terms: AssistanceTerms },
  base: Fen,
  baseBefore: Fen,
  paidBefore: Fen,
  /** What the base is, in words: a supplementary tier placed before assistance adds its name. */
  basis = "政策范围内费用−基本医保−大病保险−大额补助",
): AssistanceResult {
  const { terms, category } = chosen;
  const after = baseBefore + base;
  const above = Math.max(0, after - Math.max(baseBefore, terms.deductible)) as Fen;
  const raw = applyRatio(above, terms.ratio);
  const limitRoom = room(terms.annual_limit, paidBefore);
  const pay = minFen(raw, limitRoom);
  invariant(pay <= base, "assistance pays more than its base");
  const fund = policy.assistance.fund_pay_type;
  return {
    maf_pay: pay,
    step: {
      fund_pay_type: fund,
      fund_pay_type_name: FUND_PAY_TYPE_NAMES[fund] ?? fund,
      inscp_scp_amt: base,
      crt_payb_lmt_amt: limitRoom,
      fund_payamt: pay,
      setl_proc_info:
        `医疗救助（${CATEGORY_NAMES[category]}）：救助基数（${basis}）${y(base)}元，` +
        `本年累计${y(baseBefore as Fen)}元→${y(after as Fen)}元；年度起付线${y(terms.deductible)}元，起付线以上${y(above)}元×救助比例${formatRatio(terms.ratio)}=${y(raw)}元；` +
        `年度限额${y(terms.annual_limit)}元（住院与门诊慢特病共用），本年已救助${y(paidBefore)}元，剩余${y(limitRoom)}元；本次救助${y(pay)}元。`,
    },
  };
}
