import { DomainError } from "../errors.js";
import { formatYuan, type Fen } from "../money.js";

/**
 * The settlement list (医疗保障基金结算清单, 4101/4101A): what a hospital reports of a settled stay after discharge — the
 * diagnoses and procedures in the 医保版 codes, the stay's dates and leave type, the fees by category. These are the rules
 * it must keep to be stored with the stay, and the facts a DRG/DIP grouper reads from it (sex, age, a newborn's age in
 * days and weights, length of stay, leave type, principal diagnosis and procedure). Pure: the caller reads the settlement.
 */

/**
 * ICD-10 医保版 (2.0): a letter, two digits, a point and three places ("x" first where the category has no subdivision:
 * I10.x00), then perhaps an extension "x" + three digits: K22.301, I21.000x001, I10.x00x002.
 */
export const ICD10_CODE = /^[A-Z]\d{2}\.[0-9x]\d{2}(x\d{3})?$/;
/** ICD-9-CM-3 医保版 (2.0): two digits, a point, four digits, then perhaps an extension "x" + three digits: 51.2300, 36.0600x003. */
export const ICD9CM3_CODE = /^\d{2}\.\d{4}(x\d{3})?$/;
/** 中医病证 codes (GB/T 15657: BNW010, A04.01.02.): the looser shape of the TCM diagnoses (diag_type 2, 3). */
export const TCM_CODE = /^[A-Z][A-Z0-9.]{2,19}$/;

/** 诊断类别 (diag_type). */
export const DIAG_TYPE_NAMES: Readonly<Record<string, string>> = { "1": "西医诊断", "2": "中医主病诊断", "3": "中医主证诊断" };
/** 离院方式 (dscg_way). */
export const DSCG_WAY_NAMES: Readonly<Record<string, string>> = {
  "1": "医嘱离院", "2": "医嘱转院", "3": "医嘱转社区卫生服务机构/乡镇卫生院", "4": "非医嘱离院", "5": "死亡", "9": "其他",
};
/** 手术操作类别 (oprn_oprt_type). */
export const OPRN_TYPE_NAMES: Readonly<Record<string, string>> = { "1": "主要手术及操作", "2": "其他手术及操作" };
/** 住院医疗类型 (ipt_med_type). */
export const IPT_MED_TYPE_NAMES: Readonly<Record<string, string>> = { "1": "住院", "2": "日间手术" };
/** 医疗收费项目类别 (med_chrgitm): the categories of the list's fees. */
export const MED_CHRGITM_NAMES: Readonly<Record<string, string>> = {
  "01": "床位费", "02": "诊察费", "03": "检查费", "04": "化验费", "05": "治疗费", "06": "手术费", "07": "护理费",
  "08": "卫生材料费", "09": "西药费", "10": "中药饮片费", "11": "中成药费", "12": "一般诊疗费", "13": "挂号费", "14": "其他费",
};

export interface ListDiagnosis {
  diag_type: string;
  diag_code: string;
  diag_name: string;
  maindiag_flag: boolean;
  adm_cond_type: string | null;
}

export interface ListProcedure {
  oprn_oprt_type: string;
  oprn_oprt_code: string;
  oprn_oprt_name: string;
  /** The day of the procedure (oprn_oprt_date, or the day it began). */
  oprn_oprt_date: string;
  oprn_oprt_begntime: string | null;
  oprn_oprt_endtime: string | null;
  anst_way: string | null;
  oper_dr_code: string | null;
  oper_dr_name: string | null;
  anst_dr_code: string | null;
  anst_dr_name: string | null;
}

export interface ListFeeItem {
  med_chrgitm: string;
  amt: Fen;
  claa_sumfee: Fen;
  clab_amt: Fen;
  fulamt_ownpay_amt: Fen;
  oth_amt: Fen;
}

export interface ListFund {
  fund_pay_type: string;
  fund_payamt: Fen;
}

export interface ListIcu {
  scs_cutd_ward_type: string;
  scs_cutd_inpool_time: string;
  scs_cutd_exit_time: string;
  scs_cutd_sum_dura: string | null;
}

export interface ListOpspDisease {
  diag_code: string;
  diag_name: string;
  oprn_oprt_code: string | null;
  oprn_oprt_name: string | null;
}

/** A list as uploaded, amounts in fen, times "yyyy-MM-dd HH:mm:ss", days "yyyy-MM-dd". */
export interface SettlementListInput {
  setl_id: string;
  mdtrt_id: string;
  psn_no: string;
  ipt_med_type: string | null;
  adm_time: string | null;
  dscg_time: string | null;
  dscg_way: string | null;
  act_ipt_days: number | null;
  setl_begn_date: string | null;
  setl_end_date: string | null;
  /** A newborn's weights, grams. */
  nwb_bir_wt: number | null;
  nwb_adm_wt: number | null;
  acct_pay: Fen | null;
  psn_cashpay: Fen | null;
  diagnoses: ListDiagnosis[];
  procedures: ListProcedure[];
  items: ListFeeItem[];
  /** payinfo; null when the message carries none (4101A: the funds are the settlement's). */
  funds: ListFund[] | null;
  icu: ListIcu[];
  opspdise: ListOpspDisease[];
}

/** What the list is checked against: the settlement, its stay and the person. */
export interface ListSettlement {
  setl_id: string;
  mdtrt_id: string;
  psn_no: string;
  fixmedins_code: string;
  status: string;
  mid_setl_flag: boolean;
  kind: "outpatient" | "inpatient";
  /** The stay's admission (2401) or the visit's start, and its discharge (2402): "yyyy-MM-dd HH:mm:ss". */
  begntime: string;
  endtime: string | null;
  stay_dscg_way: string | null;
  gend: string;
  brdy: string;
  medfee_sumamt: Fen;
  acct_pay: Fen;
  psn_cash_pay: Fen;
  funds: ListFund[];
}

/** The grouper's facts, as the list establishes them. */
export interface SettlementListFacts {
  gend: string;
  /** Whole years at admission. */
  age: number;
  /** Days of life at admission, under one year of age; else null. */
  nwb_age_days: number | null;
  adm_time: string | null;
  dscg_time: string | null;
  /** Days in hospital: discharge day − admission day, a same-day stay counting one. */
  ipt_days: number | null;
  dscg_way: string | null;
  main_diag_code: string | null;
  main_oprn_code: string | null;
}

const dayNumber = (day: string): number => Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / 86_400_000;

/** Whole days from one day to another ("yyyy-MM-dd", or a time in it). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to.slice(0, 10)) - dayNumber(from.slice(0, 10));
}

export function yearsOn(brdy: string, day: string): number {
  const years = Number(day.slice(0, 4)) - Number(brdy.slice(0, 4));
  return day.slice(5, 10) < brdy.slice(5, 10) ? years - 1 : years;
}

/** The fees by category against the settlement's total, in words when they differ: "short by 15.50 yuan". */
export function feeSumDifference(items: readonly ListFeeItem[], medfee: Fen): string | null {
  const sum = items.reduce((s, i) => s + i.amt, 0) as Fen;
  if (sum === medfee) return null;
  const diff = Math.abs(sum - medfee) as Fen;
  const zh = `各类费用合计 ${formatYuan(sum)} 元，结算的医疗费总额为 ${formatYuan(medfee)} 元，${sum < medfee ? "少" : "多"} ${formatYuan(diff)} 元`;
  const en = `the fees by category sum to ${formatYuan(sum)} yuan, the settlement's medfee_sumamt is ${formatYuan(medfee)} yuan: ${formatYuan(diff)} yuan ${sum < medfee ? "short" : "over"}`;
  return `${zh} / ${en}`;
}

function checkDiagnoses(list: readonly ListDiagnosis[], required: boolean): ListDiagnosis | null {
  if (required && list.length === 0) throw new DomainError("diseinfo", "住院结算清单须有诊断 / an inpatient list carries its diagnoses: at least one is required");
  list.forEach((d, i) => {
    if (!DIAG_TYPE_NAMES[d.diag_type]) throw new DomainError(`diseinfo[${i}].diag_type`, `must be 1 (西医), 2 (中医主病) or 3 (中医主证), got "${d.diag_type}"`);
    const western = d.diag_type === "1";
    if (western && !ICD10_CODE.test(d.diag_code)) {
      throw new DomainError(`diseinfo[${i}].diag_code`, `"${d.diag_code}" 不是 ICD-10 医保版编码 / is not an ICD-10 医保版 code (a letter, two digits, a point, three places, an optional x-extension: K22.301, I21.000x001)`);
    }
    if (!western && !TCM_CODE.test(d.diag_code)) throw new DomainError(`diseinfo[${i}].diag_code`, `"${d.diag_code}" is not a 中医病证 code`);
  });
  const seen = new Map<string, number>();
  list.forEach((d, i) => {
    const key = `${d.diag_type}/${d.diag_code}`;
    const first = seen.get(key);
    if (first !== undefined) throw new DomainError(`diseinfo[${i}].diag_code`, `${d.diag_code} is listed twice (also diseinfo[${first}])`);
    seen.set(key, i);
  });
  const principal = list.map((d, i) => ({ d, i })).filter(({ d }) => d.maindiag_flag && d.diag_type === "1");
  if (list.some((d) => d.diag_type === "1") && principal.length !== 1) {
    throw new DomainError(
      "diseinfo",
      principal.length === 0
        ? "须有一个主要诊断 / exactly one western diagnosis must be the principal one (maindiag_flag 1): none is"
        : `只能有一个主要诊断 / exactly one principal diagnosis (maindiag_flag 1) is allowed: ${principal.map(({ d, i }) => `diseinfo[${i}] ${d.diag_code}`).join(", ")} all are`,
    );
  }
  for (const type of ["2", "3"]) {
    const mains = list.filter((d) => d.diag_type === type && d.maindiag_flag);
    if (mains.length > 1) throw new DomainError("diseinfo", `at most one principal ${DIAG_TYPE_NAMES[type]} (maindiag_flag 1): ${mains.map((d) => d.diag_code).join(", ")}`);
  }
  if (required && principal.length === 0) {
    throw new DomainError("diseinfo", "须有西医主要诊断 / the principal western diagnosis (diag_type 1, maindiag_flag 1) is required");
  }
  return principal[0]?.d ?? null;
}

function checkProcedures(list: readonly ListProcedure[], from: string | null, to: string | null): ListProcedure | null {
  list.forEach((p, i) => {
    if (!ICD9CM3_CODE.test(p.oprn_oprt_code)) {
      throw new DomainError(`oprninfo[${i}].oprn_oprt_code`, `"${p.oprn_oprt_code}" 不是 ICD-9-CM-3 医保版编码 / is not an ICD-9-CM-3 医保版 code (two digits, a point, four digits, an optional x-extension: 51.2300)`);
    }
    if (!OPRN_TYPE_NAMES[p.oprn_oprt_type]) throw new DomainError(`oprninfo[${i}].oprn_oprt_type`, `must be 1 (主要手术及操作) or 2 (其他手术及操作), got "${p.oprn_oprt_type}"`);
    if (from && to && (p.oprn_oprt_date < from.slice(0, 10) || p.oprn_oprt_date > to.slice(0, 10))) {
      throw new DomainError(`oprninfo[${i}].oprn_oprt_date`, `${p.oprn_oprt_date} is outside the stay (${from.slice(0, 10)} to ${to.slice(0, 10)})`);
    }
    if (p.oprn_oprt_begntime && p.oprn_oprt_endtime && p.oprn_oprt_endtime < p.oprn_oprt_begntime) {
      throw new DomainError(`oprninfo[${i}].oprn_oprt_endtime`, "must not be before oprn_oprt_begntime");
    }
  });
  if (list.length === 0) return null;
  const main = list.filter((p) => p.oprn_oprt_type === "1");
  if (main.length !== 1) {
    throw new DomainError("oprninfo", `须有且只有一个主要手术及操作 / exactly one procedure must be the principal one (oprn_oprt_type 1): ${main.length === 0 ? "none is" : `${main.map((p) => p.oprn_oprt_code).join(", ")} all are`}`);
  }
  return main[0] ?? null;
}

function checkFees(list: SettlementListInput, s: ListSettlement): void {
  if (list.items.length === 0) throw new DomainError("iteminfo", "须有收费项目信息 / the fees by category are required: at least one");
  const seen = new Set<string>();
  list.items.forEach((item, i) => {
    if (!MED_CHRGITM_NAMES[item.med_chrgitm]) throw new DomainError(`iteminfo[${i}].med_chrgitm`, `must be a 医疗收费项目类别 01–14, got "${item.med_chrgitm}"`);
    if (seen.has(item.med_chrgitm)) throw new DomainError(`iteminfo[${i}].med_chrgitm`, `${item.med_chrgitm} (${MED_CHRGITM_NAMES[item.med_chrgitm]}) is listed twice`);
    seen.add(item.med_chrgitm);
    const parts = item.claa_sumfee + item.clab_amt + item.fulamt_ownpay_amt + item.oth_amt;
    if (parts !== 0 && parts !== item.amt) {
      throw new DomainError(`iteminfo[${i}].amt`, `甲类、乙类、全自费、其他合计 ${formatYuan(parts as Fen)} 元，与金额 ${formatYuan(item.amt)} 元不符 / the parts sum to ${formatYuan(parts as Fen)} yuan, amt is ${formatYuan(item.amt)} yuan`);
    }
  });
  const diff = feeSumDifference(list.items, s.medfee_sumamt);
  if (diff) throw new DomainError("iteminfo", diff);
  if (list.funds) {
    const ours = new Map(s.funds.filter((f) => f.fund_payamt !== 0).map((f) => [f.fund_pay_type, f.fund_payamt]));
    const theirs = new Map<string, Fen>();
    list.funds.forEach((f, i) => {
      if (theirs.has(f.fund_pay_type)) throw new DomainError(`payinfo[${i}].fund_pay_type`, `${f.fund_pay_type} is listed twice`);
      theirs.set(f.fund_pay_type, f.fund_payamt);
    });
    for (const code of new Set([...ours.keys(), ...theirs.keys()])) {
      const a = ours.get(code) ?? (0 as Fen);
      const b = theirs.get(code) ?? (0 as Fen);
      if (a !== b) throw new DomainError("payinfo", `基金 ${code} 结算支付 ${formatYuan(a)} 元，清单填报 ${formatYuan(b)} 元 / fund ${code} paid ${formatYuan(a)} yuan in the settlement, the list says ${formatYuan(b)} yuan`);
    }
  }
  if (list.acct_pay !== null && list.acct_pay !== s.acct_pay) {
    throw new DomainError("setlinfo.acct_pay", `个人账户支出为 ${formatYuan(s.acct_pay)} 元，清单填报 ${formatYuan(list.acct_pay)} 元 / the settlement paid ${formatYuan(s.acct_pay)} yuan from the account`);
  }
  if (list.psn_cashpay !== null && list.psn_cashpay !== s.psn_cash_pay) {
    throw new DomainError("setlinfo.psn_cashpay", `个人现金支付为 ${formatYuan(s.psn_cash_pay)} 元，清单填报 ${formatYuan(list.psn_cashpay)} 元 / the settlement's cash part is ${formatYuan(s.psn_cash_pay)} yuan`);
  }
}

/**
 * Checks a list against its settlement (which the caller found by setl_id) and returns the grouper's facts; a DomainError
 * naming the field otherwise. The settlement must be the hospital's own and in force, and an inpatient one discharged.
 */
export function checkSettlementList(list: SettlementListInput, s: ListSettlement, fixmedinsCode: string): SettlementListFacts {
  if (s.fixmedins_code !== fixmedinsCode) throw new DomainError("setlinfo.setl_id", `结算 ${s.setl_id} 不是本机构的 / settlement ${s.setl_id} is not this hospital's`);
  if (s.status !== "settled") throw new DomainError("setlinfo.setl_id", `结算 ${s.setl_id} 已撤销 / settlement ${s.setl_id} was reversed: a reversed settlement has no list`);
  if (list.mdtrt_id !== s.mdtrt_id) throw new DomainError("setlinfo.mdtrt_id", `settlement ${s.setl_id} belongs to visit ${s.mdtrt_id}, not ${list.mdtrt_id}`);
  if (list.psn_no !== s.psn_no) throw new DomainError("setlinfo.psn_no", `settlement ${s.setl_id} is of ${s.psn_no}, not ${list.psn_no}`);

  let admTime: string | null = null;
  let dscgTime: string | null = null;
  let iptDays: number | null = null;
  let dscgWay: string | null = null;
  if (s.kind === "inpatient") {
    if (s.endtime === null) throw new DomainError("setlinfo.mdtrt_id", `住院 ${s.mdtrt_id} 尚未出院 / stay ${s.mdtrt_id} is not discharged (2402): its list is uploaded after discharge`);
    if (list.adm_time === null) throw new DomainError("setlinfo.adm_time", "is required for an inpatient list");
    if (list.dscg_time === null) throw new DomainError("setlinfo.dscg_time", "is required for an inpatient list");
    if (list.adm_time.slice(0, 10) !== s.begntime.slice(0, 10)) {
      throw new DomainError("setlinfo.adm_time", `入院日期 ${list.adm_time.slice(0, 10)} 与登记的 ${s.begntime.slice(0, 10)} 不符 / is not the stay's admission day (2401: ${s.begntime})`);
    }
    if (list.dscg_time.slice(0, 10) !== s.endtime.slice(0, 10)) {
      throw new DomainError("setlinfo.dscg_time", `出院日期 ${list.dscg_time.slice(0, 10)} 与出院登记的 ${s.endtime.slice(0, 10)} 不符 / is not the stay's discharge day (2402: ${s.endtime})`);
    }
    if (list.dscg_time < list.adm_time) throw new DomainError("setlinfo.dscg_time", "must not be before adm_time");
    admTime = list.adm_time;
    dscgTime = list.dscg_time;
    iptDays = Math.max(1, daysBetween(admTime, dscgTime));
    if (list.act_ipt_days !== null && list.act_ipt_days !== iptDays) {
      throw new DomainError("setlinfo.act_ipt_days", `实际住院天数应为 ${iptDays} 天 / is ${list.act_ipt_days}, the stay from ${admTime.slice(0, 10)} to ${dscgTime.slice(0, 10)} counts ${iptDays}`);
    }
    if (list.dscg_way === null) throw new DomainError("setlinfo.dscg_way", "离院方式必填 / the leave type is required for an inpatient list (1–5, 9)");
    if (s.stay_dscg_way !== null && s.stay_dscg_way !== list.dscg_way) {
      throw new DomainError("setlinfo.dscg_way", `离院方式 ${list.dscg_way} 与出院登记的 ${s.stay_dscg_way} 不符 / differs from the discharge's (2402) ${s.stay_dscg_way}`);
    }
    dscgWay = list.dscg_way;
  } else if (list.opspdise.length === 0) {
    throw new DomainError("opspdiseinfo", "门诊慢特病结算清单须有门诊慢特病诊断 / an outpatient list carries its chronic/special disease diagnoses: at least one is required");
  }
  list.opspdise.forEach((d, i) => {
    if (!ICD10_CODE.test(d.diag_code)) throw new DomainError(`opspdiseinfo[${i}].diag_code`, `"${d.diag_code}" is not an ICD-10 医保版 code (K22.301, I21.000x001)`);
    if (d.oprn_oprt_code !== null && !ICD9CM3_CODE.test(d.oprn_oprt_code)) throw new DomainError(`opspdiseinfo[${i}].oprn_oprt_code`, `"${d.oprn_oprt_code}" is not an ICD-9-CM-3 医保版 code (51.2300)`);
  });

  const from = admTime ?? s.begntime;
  const to = dscgTime ?? s.endtime ?? s.begntime;
  if (list.setl_begn_date !== null && list.setl_end_date !== null && list.setl_end_date < list.setl_begn_date) {
    throw new DomainError("setlinfo.setl_end_date", "must not be before setl_begn_date");
  }
  for (const [field, day] of [["setl_begn_date", list.setl_begn_date], ["setl_end_date", list.setl_end_date]] as const) {
    if (day !== null && (day < from.slice(0, 10) || day > to.slice(0, 10))) throw new DomainError(`setlinfo.${field}`, `${day} is outside the stay (${from.slice(0, 10)} to ${to.slice(0, 10)})`);
  }
  list.icu.forEach((c, i) => {
    if (c.scs_cutd_exit_time < c.scs_cutd_inpool_time) throw new DomainError(`icuinfo[${i}].scs_cutd_exit_time`, "must not be before scs_cutd_inpool_time");
    if (c.scs_cutd_inpool_time.slice(0, 10) < from.slice(0, 10) || c.scs_cutd_exit_time.slice(0, 10) > to.slice(0, 10)) {
      throw new DomainError(`icuinfo[${i}]`, `the intensive care (${c.scs_cutd_inpool_time} to ${c.scs_cutd_exit_time}) is outside the stay`);
    }
  });

  const principal = checkDiagnoses(list.diagnoses, s.kind === "inpatient");
  const mainProcedure = checkProcedures(list.procedures, from, to);
  checkFees(list, s);

  const ageDay = from.slice(0, 10);
  if (ageDay < s.brdy) throw new DomainError("setlinfo.adm_time", `precedes the person's birth (${s.brdy})`);
  const age = yearsOn(s.brdy, ageDay);
  return {
    gend: s.gend,
    age,
    nwb_age_days: age < 1 ? daysBetween(s.brdy, ageDay) : null,
    adm_time: admTime,
    dscg_time: dscgTime,
    ipt_days: iptDays,
    dscg_way: dscgWay,
    main_diag_code: principal?.diag_code ?? list.opspdise[0]?.diag_code ?? null,
    main_oprn_code: mainProcedure?.oprn_oprt_code ?? null,
  };
}

/** A settled fee line, with the 收费项目类别 it falls in. */
export interface CategorisedLine {
  med_chrgitm: string;
  chrgitm_lv: string | null;
  det_item_fee_sumamt: Fen;
  fulamt_ownpay_amt: Fen;
}

/**
 * The fees by category of a settlement's own lines (4101A sent without iteminfo): per category the amount, what of it is
 * 甲类 and 乙类 within scope, the fully self-paid part, and the rest (other). Sums to the lines' total, so to medfee_sumamt.
 */
export function feesByCategory(lines: readonly CategorisedLine[]): ListFeeItem[] {
  const by = new Map<string, ListFeeItem>();
  for (const l of lines) {
    const item = by.get(l.med_chrgitm) ?? { med_chrgitm: l.med_chrgitm, amt: 0 as Fen, claa_sumfee: 0 as Fen, clab_amt: 0 as Fen, fulamt_ownpay_amt: 0 as Fen, oth_amt: 0 as Fen };
    const inScope = (l.det_item_fee_sumamt - l.fulamt_ownpay_amt) as Fen;
    item.amt = (item.amt + l.det_item_fee_sumamt) as Fen;
    item.fulamt_ownpay_amt = (item.fulamt_ownpay_amt + l.fulamt_ownpay_amt) as Fen;
    if (l.chrgitm_lv === "01") item.claa_sumfee = (item.claa_sumfee + inScope) as Fen;
    else if (l.chrgitm_lv === "02") item.clab_amt = (item.clab_amt + inScope) as Fen;
    else item.oth_amt = (item.oth_amt + inScope) as Fen;
    by.set(l.med_chrgitm, item);
  }
  return [...by.values()].sort((a, b) => (a.med_chrgitm < b.med_chrgitm ? -1 : 1));
}
