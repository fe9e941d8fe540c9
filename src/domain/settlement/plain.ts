import { CATEGORY_NAMES, type Category } from "../codes.js";
import { formatYuanGrouped, type Fen } from "../money.js";
import type { SetlInfo } from "./types.js";

/**
 * A settlement told to the person who paid it, in plain words (Chinese and English): what the bill was, what the
 * insurance did not cover and why, what each tier paid, what was left to pay. Built from the stored split alone, so it
 * says exactly what the settlement did, sentence by sentence; the clerk's view has the rules (setl_proc_info).
 */
export interface PlainSettlement
  extends Pick<
    SetlInfo,
    | "medfee_sumamt" | "fulamt_ownpay_amt" | "overlmt_selfpay" | "preselfpay_amt" | "inscp_scp_amt" | "act_pay_dedc" | "hifp_pay"
    | "hifmi_pay" | "hifob_pay" | "maf_pay" | "oth_pay" | "acct_pay" | "psn_cash_pay"
  > {
  tilt_category: string | null;
  assistance_category: string | null;
  status: "settled" | "reversed";
  /** The basic fund's step, where known: when it paid all the room its annual cap (or limit) had left, the words say so. */
  basic_step?: { fund_payamt: Fen; crt_payb_lmt_amt: Fen | null } | null;
  /** The supplementary tiers that paid (惠民保, charity: oth_pay), by name, where known: the words name each. */
  supplementary?: readonly { name: string; amount: Fen }[];
}

/** ¥12,345.60: thousands grouped, as a receipt prints it. */
const y = (f: Fen) => `¥${formatYuanGrouped(f)}`;
const categoryName = (c: string | null) => (c === null ? null : (CATEGORY_NAMES[c as Category] ?? c));

export function plainExplanation(s: PlainSettlement): { zh: string[]; en: string[] } {
  const zh: string[] = [];
  const en: string[] = [];
  zh.push(`这次看病的医疗费用共 ${y(s.medfee_sumamt)}。`);
  en.push(`The bill for this visit came to ${y(s.medfee_sumamt)}.`);
  if (s.fulamt_ownpay_amt > 0) {
    zh.push(`其中 ${y(s.fulamt_ownpay_amt)} 是医保目录以外的药品或项目（丙类），医保不报销，需要自己付。`);
    en.push(`${y(s.fulamt_ownpay_amt)} was for drugs or services outside the insurance list (class C), which the insurance does not pay.`);
  }
  if (s.overlmt_selfpay > 0) {
    zh.push(`${y(s.overlmt_selfpay)} 是价格超过医保支付标准的部分，需要自己付。`);
    en.push(`${y(s.overlmt_selfpay)} was the part of prices above the insurance's price cap, which you pay.`);
  }
  if (s.preselfpay_amt > 0) {
    zh.push(`${y(s.preselfpay_amt)} 是乙类药品或项目按规定先由个人负担的部分。`);
    en.push(`${y(s.preselfpay_amt)} was the share of class B items that the rules ask you to pay first.`);
  }
  zh.push(`符合医保报销范围的费用是 ${y(s.inscp_scp_amt)}。`);
  en.push(`${y(s.inscp_scp_amt)} of the bill was within what the insurance covers.`);
  const tilt = categoryName(s.tilt_category);
  if (s.act_pay_dedc > 0) {
    zh.push(`先扣除起付线 ${y(s.act_pay_dedc)}（这部分由个人负担）${tilt ? `，作为${tilt}已按倾斜政策降低起付线` : ""}。`);
    en.push(`First came the deductible of ${y(s.act_pay_dedc)}, which you pay${tilt ? ` (lowered for you as ${tilt})` : ""}.`);
  }
  const step = s.basic_step;
  const capped = step !== null && step !== undefined && step.crt_payb_lmt_amt !== null && step.fund_payamt > 0 && step.fund_payamt === step.crt_payb_lmt_amt;
  zh.push(`基本医疗保险报销了 ${y(s.hifp_pay)}${capped ? "，已用完今年的封顶额度，超出部分不再报销" : ""}。`);
  en.push(`Basic medical insurance paid ${y(s.hifp_pay)}${capped ? ", all that was left under this year's cap" : ""}.`);
  if (s.hifmi_pay > 0) {
    zh.push(`您今年自付的合规费用已超过大病保险起付线，大病保险又报销了 ${y(s.hifmi_pay)}。`);
    en.push(`Your covered costs this year passed the critical-illness threshold, so critical-illness insurance paid another ${y(s.hifmi_pay)}.`);
  }
  if (s.hifob_pay > 0) {
    zh.push(`职工大额医疗费用补助报销了 ${y(s.hifob_pay)}。`);
    en.push(`The employees' large-expense fund paid ${y(s.hifob_pay)}.`);
  }
  const assisted = categoryName(s.assistance_category);
  if (s.maf_pay > 0) {
    zh.push(`${assisted ? `您是${assisted}，` : ""}医疗救助又帮您支付了 ${y(s.maf_pay)}。`);
    en.push(`${assisted ? `As ${assisted}, you` : "You"} received ${y(s.maf_pay)} of medical assistance.`);
  }
  const tiers = (s.supplementary ?? []).filter((t) => t.amount > 0);
  if (s.oth_pay > 0 && tiers.reduce((sum, t) => sum + t.amount, 0) === s.oth_pay) {
    // 惠民保 and charity are not insurance the person holds by law: named, so the person knows whom they owe it to.
    for (const t of tiers) {
      zh.push(`补充保障“${t.name}”又支付了 ${y(t.amount)}。`);
      en.push(`The supplementary cover “${t.name}” paid another ${y(t.amount)}.`);
    }
  } else if (s.oth_pay > 0) {
    zh.push(`其他基金支付了 ${y(s.oth_pay)}。`);
    en.push(`Other funds paid ${y(s.oth_pay)}.`);
  }
  const funds = (s.hifp_pay + s.hifmi_pay + s.hifob_pay + s.maf_pay + s.oth_pay) as Fen;
  zh.push(`医保和救助共支付 ${y(funds)}，您个人负担 ${y((s.acct_pay + s.psn_cash_pay) as Fen)}${s.acct_pay > 0 ? `，其中个人账户支付 ${y(s.acct_pay)}、现金支付 ${y(s.psn_cash_pay)}` : `，全部为现金支付`}。`);
  en.push(`Insurance and assistance paid ${y(funds)} in all; your share was ${y((s.acct_pay + s.psn_cash_pay) as Fen)}${s.acct_pay > 0 ? `: ${y(s.acct_pay)} from your personal account and ${y(s.psn_cash_pay)} in cash` : ", all in cash"}.`);
  if (s.status === "reversed") {
    zh.push("这笔结算已被撤销，以上金额均已退回。");
    en.push("This settlement was reversed: every amount above was returned.");
  }
  return { zh, en };
}
