import { FILING_NAMES, FUND_PAY_TYPE_NAMES, LEVEL_NAMES, MED_TYPE_NAMES, type FilingType, type Level, type MedType } from "../codes.js";
import { DomainError, invariant } from "../errors.js";
import { formatYuan as y, minFen, room, type Fen } from "../money.js";
import type { BasicPolicy } from "../reference/index.js";
import { applyRatio, formatRatio, subRatio, type Ratio } from "../ratio.js";
import type { Accumulators, FundStep } from "./types.js";

export interface BasicInput {
  basic: BasicPolicy;
  medType: MedType;
  level: Level;
  inscp: Fen;
  accumulators: Accumulators;
  /** Off-site reduction of the ratio, and the filing it came from (null when care is in the insured region). */
  offsiteCut: { cut: Ratio; filing: FilingType } | null;
  opspDiseCode: string | null;
  /** Inpatient: the part of this admission's deductible met by its earlier (mid-stay) settlements. */
  admissionDeductibleCounted?: Fen;
}

export interface BasicResult {
  act_pay_dedc: Fen;
  base: Fen;
  /** The ratio applied, after any off-site cut. */
  ratio: Ratio;
  raw: Fen;
  hifp_pay: Fen;
  pool_prop_selfpay: Fen;
  /** Whether the annual inpatient+chronic cap is what bounded the payment (the large-amount trigger). */
  annualCapBound: boolean;
  step: FundStep;
}

/** Step 2: basic insurance by medical type, with the off-site cut of Step 6. */
export function settleBasic(input: BasicInput): BasicResult {
  const { basic, medType, level, inscp, accumulators: acc, offsiteCut, opspDiseCode, admissionDeductibleCounted } = input;
  let deductible: Fen;
  let ratio0: Ratio;
  let capRoom: Fen;
  let cap: Fen;
  let capPaid: Fen;
  let diseaseRoom: Fen | null = null;
  let diseaseText = "";
  const heading = `${MED_TYPE_NAMES[medType]}（${LEVEL_NAMES[level]}医院）`;
  const words: string[] = [];

  if (medType === "11") {
    const annual = basic.outpatient.annual_deductible;
    deductible = room(annual, acc.outpatient_deductible_counted_fen);
    ratio0 = basic.outpatient.ratio;
    cap = basic.outpatient.annual_cap;
    capPaid = acc.outpatient_basic_paid_fen;
    capRoom = room(cap, capPaid);
    words.push(`门诊年度起付线${y(annual)}元，本年已累计${y(acc.outpatient_deductible_counted_fen)}元，尚余${y(deductible)}元`);
  } else {
    ratio0 = medType === "21" ? basic.inpatient.ratio_by_level[level] : basic.chronic.ratio_by_level[level];
    cap = basic.inpatient_chronic_annual_cap;
    capPaid = acc.inpatient_chronic_basic_paid_fen;
    capRoom = room(cap, capPaid);
    if (medType === "21") {
      const perAdmission = basic.inpatient.deductible_by_level[level];
      const counted = admissionDeductibleCounted ?? (0 as Fen);
      deductible = room(perAdmission, counted);
      words.push(
        counted > 0
          ? `住院起付线${y(perAdmission)}元（本次住院中途结算已计入${y(counted)}元，尚余${y(deductible)}元）`
          : `住院起付线${y(perAdmission)}元`,
      );
    } else {
      const disease = basic.chronic.diseases.find((d) => d.code === opspDiseCode);
      if (!disease) {
        throw new DomainError("opsp_dise_code", `${opspDiseCode ?? "(absent)"} is not an outpatient chronic/special disease of this policy`);
      }
      deductible = 0 as Fen;
      const diseasePaid = acc.chronic_basic_paid_fen[disease.code] ?? (0 as Fen);
      diseaseRoom = room(disease.annual_limit, diseasePaid);
      diseaseText = `；${disease.name}（${disease.code}）年度限额${y(disease.annual_limit)}元，本年已支付${y(diseasePaid)}元，剩余${y(diseaseRoom)}元`;
      words.push(`门诊慢特病${disease.name}不设起付线`);
    }
  }

  const act = minFen(inscp, deductible);
  const base = (inscp - act) as Fen;
  const ratio = offsiteCut ? subRatio(ratio0, offsiteCut.cut) : ratio0;
  const raw = applyRatio(base, ratio);
  const hifp = diseaseRoom === null ? minFen(raw, capRoom) : minFen(raw, capRoom, diseaseRoom);
  const pool = (base - hifp) as Fen;
  const annualCapBound = medType !== "11" && raw > hifp && hifp === capRoom;
  invariant(hifp >= 0 && hifp <= base, "basic pays more than its base");

  words[0] = `${heading}：政策范围内费用${y(inscp)}元，${words[0] ?? ""}，本次计入起付线${y(act)}元`;
  const ratioText = offsiteCut && offsiteCut.cut > 0
    ? `${formatRatio(ratio)}（异地就医${FILING_NAMES[offsiteCut.filing]}，由${formatRatio(ratio0)}降低${formatRatio(offsiteCut.cut)}）`
    : formatRatio(ratio);
  words.push(`计算基数${y(base)}元×报销比例${ratioText}=${y(raw)}元`);
  words.push(`${medType === "11" ? "普通门诊" : "住院及门诊慢特病"}年度封顶线${y(cap)}元，本年已支付${y(capPaid)}元，剩余${y(capRoom)}元${diseaseText}`);
  words.push(hifp < raw ? `受封顶线/限额限制，本次支付${y(hifp)}元` : `本次支付${y(hifp)}元`);

  const fund = basic.fund_pay_type;
  return {
    act_pay_dedc: act,
    base,
    ratio,
    raw,
    hifp_pay: hifp,
    pool_prop_selfpay: pool,
    annualCapBound,
    step: {
      fund_pay_type: fund,
      fund_pay_type_name: FUND_PAY_TYPE_NAMES[fund] ?? fund,
      inscp_scp_amt: base,
      crt_payb_lmt_amt: diseaseRoom === null ? capRoom : minFen(capRoom, diseaseRoom),
      fund_payamt: hifp,
      setl_proc_info: `${words.join("；")}。`,
    },
  };
}
