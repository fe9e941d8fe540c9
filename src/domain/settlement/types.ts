import type { Catalogue, Policy } from "../reference/index.js";
import type { Category, ChrgitmLevel, FilingType, Level, ListType, MedType } from "../codes.js";
import type { Fen } from "../money.js";
import type { Quantity, UnitPrice } from "../quantity.js";
import type { Ratio } from "../ratio.js";

export interface PersonCategory {
  psn_idet_type: Category;
  begntime: string;
  endtime: string | null;
}

export interface SettlementPerson {
  psn_no: string;
  insutype: string;
  insuplc_admdvs: string;
  /** Personal-account balance (employees). */
  balc: Fen;
  idetinfo: readonly PersonCategory[];
  /**
   * The supplementary tiers (ids of policy.supplementary) whose roster holds the person on the date of care: 惠民保 from
   * the insurer's roster, a charity's families (the shell reads them from the imported enrollments). A tier for
   * categories needs no entry here: the engine checks the categories itself. Absent: on no roster.
   */
  supplementary?: readonly string[];
  psn_name?: string;
  psn_cert_type?: string;
  certno?: string;
  gend?: string;
  naty?: string;
  brdy?: string;
  age?: number;
  psn_type?: string;
  cvlserv_flag?: string;
}

export interface Encounter {
  mdtrt_id: string;
  med_type: MedType;
  /** "yyyy-MM-dd HH:mm:ss"; its date is the date of care. */
  setl_time: string;
  medins_lv: Level;
  /** The treating region (就医地). */
  mdtrtarea_admvs: string;
  offsite_filing: FilingType | null;
  opsp_dise_code: string | null;
  acct_used_flag: boolean;
  /**
   * Inpatient: what earlier settlements of the same admission (mid-stay settlements, 中途结算) already counted toward
   * its per-admission deductible. Absent: none.
   */
  admission_deductible_counted_fen?: Fen;
  mdtrt_cert_type?: string;
}

export interface FeeLine {
  feedetl_sn: string;
  med_list_codg: string;
  pric: UnitPrice;
  cnt: Quantity;
  /** Given by the hospital; otherwise round(pric × cnt). */
  det_item_fee_sumamt?: Fen;
}

/** Per person and calendar year of the date of care. */
export interface Accumulators {
  year: number;
  outpatient_deductible_counted_fen: Fen;
  outpatient_basic_paid_fen: Fen;
  inpatient_chronic_basic_paid_fen: Fen;
  /** Basic paid per chronic disease code (opsp_dise_code). */
  chronic_basic_paid_fen: Readonly<Record<string, Fen>>;
  tier_two_base_fen: Fen;
  critical_illness_paid_fen: Fen;
  large_amount_paid_fen: Fen;
  assistance_base_fen: Fen;
  assistance_paid_fen: Fen;
  /** Per supplementary tier id (惠民保, charity): the base counted against its annual deductible, and what it paid. */
  supplementary_base_fen: Readonly<Record<string, Fen>>;
  supplementary_paid_fen: Readonly<Record<string, Fen>>;
}

/** What one settlement added to each accumulator; a reversal subtracts exactly this. */
export type AccumulatorDelta = Omit<Accumulators, "year">;

export interface SettleInput {
  /** The insured region's policy for the year of care (see selectPolicy). */
  policy: Policy;
  /** Must hold the treating region's catalogue. */
  catalogue: Catalogue;
  person: SettlementPerson;
  accumulators: Accumulators;
  encounter: Encounter;
  lines: readonly FeeLine[];
}

/** A fee line's split (the `result[]` of 2204/2301). */
export interface LineSplit {
  feedetl_sn: string;
  med_list_codg: string;
  med_list_name: string | null;
  pric: UnitPrice;
  cnt: Quantity;
  det_item_fee_sumamt: Fen;
  pric_uplmt_amt: Fen | null;
  selfpay_prop: Ratio;
  chrgitm_lv: ChrgitmLevel | null;
  list_type: ListType | null;
  fulamt_ownpay_amt: Fen;
  overlmt_amt: Fen;
  preselfpay_amt: Fen;
  inscp_scp_amt: Fen;
  memo: string;
}

export interface SetlInfo {
  mdtrt_id: string;
  psn_no: string;
  psn_name: string;
  psn_cert_type: string;
  certno: string;
  gend: string;
  naty: string;
  brdy: string;
  age: number | null;
  insutype: string;
  psn_type: string;
  cvlserv_flag: string;
  setl_time: string;
  mdtrt_cert_type: string;
  /** The national medical type of the encounter (the engine settles it under its rule, Encounter.med_type). */
  med_type: string;
  medfee_sumamt: Fen;
  fulamt_ownpay_amt: Fen;
  overlmt_selfpay: Fen;
  preselfpay_amt: Fen;
  inscp_scp_amt: Fen;
  act_pay_dedc: Fen;
  hifp_pay: Fen;
  pool_prop_selfpay: Fen;
  cvlserv_pay: Fen;
  hifes_pay: Fen;
  hifmi_pay: Fen;
  hifob_pay: Fen;
  maf_pay: Fen;
  hifdm_pay: Fen;
  oth_pay: Fen;
  fund_pay_sumamt: Fen;
  psn_part_amt: Fen;
  acct_pay: Fen;
  psn_cash_pay: Fen;
  hosp_part_amt: Fen;
  /** Personal-account balance after this settlement. */
  balc: Fen;
  acct_mulaid_pay: Fen;
  clr_optins: string;
  clr_way: string;
  clr_type: string;
}

/** One fund's step: what it was based on, what it could pay, what it paid, and why, in words. */
export interface FundStep {
  fund_pay_type: string;
  fund_pay_type_name: string;
  /** The amount this fund's rule was applied to. */
  inscp_scp_amt: Fen;
  /** The room left under its cap or limit before this settlement; null when uncapped. */
  crt_payb_lmt_amt: Fen | null;
  fund_payamt: Fen;
  setl_proc_info: string;
}

export interface SettlementResult {
  policy_id: string;
  setlinfo: SetlInfo;
  /** One row per fund that paid. */
  setldetail: FundStep[];
  /** Every fund step considered, including those that paid nothing (and why). */
  steps: FundStep[];
  lines: LineSplit[];
  accumulators: Accumulators;
  delta: AccumulatorDelta;
  /** The category whose tilt applied to tier two, and the assistance category chosen, if any. */
  tilt_category: Category | null;
  assistance_category: Category | null;
  warnings: string[];
}
