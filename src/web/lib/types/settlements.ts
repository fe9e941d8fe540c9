import type { IsoDateTime, Yuan } from "./common";

export type SettlementStatus = "settled" | "reversed";

export interface SettlementListItem {
  setl_id: string;
  mdtrt_id: string;
  psn_no: string;
  psn_name: string;
  certno: string;
  fixmedins_code: string;
  fixmedins_name: string;
  insutype: string;
  insutype_name: string;
  med_type: string;
  med_type_name: string;
  /** YYYY-MM-DD HH:MM:SS, China time */
  setl_time: IsoDateTime;
  year: number;
  insuplc_admdvs: string;
  mdtrtarea_admvs: string;
  medfee_sumamt: Yuan;
  fund_pay_sumamt: Yuan;
  hifp_pay: Yuan;
  hifmi_pay: Yuan;
  hifob_pay: Yuan;
  maf_pay: Yuan;
  oth_pay: Yuan;
  acct_pay: Yuan;
  psn_cash_pay: Yuan;
  status: SettlementStatus;
}

export interface SettlementQuery {
  psn_no?: string;
  fixmedins_code?: string;
  year?: number;
  status?: SettlementStatus;
  page?: number;
  page_size?: number;
}

export interface Settlement extends SettlementListItem {
  fulamt_ownpay_amt: Yuan;
  overlmt_selfpay: Yuan;
  preselfpay_amt: Yuan;
  inscp_scp_amt: Yuan;
  act_pay_dedc: Yuan;
  pool_prop_selfpay: Yuan;
  psn_part_amt: Yuan;
  policy_id: string;
  tilt_category: string | null;
  tilt_category_name: string | null;
  assistance_category: string | null;
  assistance_category_name: string | null;
  insuplc_admdvs_name: string;
  mdtrtarea_admvs_name: string;
}

/** One fund's payment (or step: every tier has one, those that paid nothing included). */
export interface FundPayment {
  fund_pay_type: string;
  fund_pay_type_name: string;
  /** The amount the fund's rule applied to. */
  inscp_scp_amt: Yuan;
  /** Room left under its cap before this settlement. */
  crt_payb_lmt_amt: Yuan | null;
  fund_payamt: Yuan;
  setl_proc_info: string;
}

export type SettlementStep = FundPayment;

export interface FeeLine {
  feedetl_sn: string;
  med_list_codg: string;
  med_list_name: string | null;
  list_type: string | null;
  chrgitm_lv: string | null;
  chrgitm_lv_name: string | null;
  pric: Yuan;
  cnt: number;
  det_item_fee_sumamt: Yuan;
  fulamt_ownpay_amt: Yuan;
  overlmt_amt: Yuan;
  preselfpay_amt: Yuan;
  inscp_scp_amt: Yuan;
}

export interface SettlementDetail {
  settlement: Settlement;
  funds: FundPayment[];
  steps: SettlementStep[];
  lines: FeeLine[];
  /** The settlement in plain words, Chinese and English. */
  explanation_plain: string[];
  explanation_plain_en: string[];
}
