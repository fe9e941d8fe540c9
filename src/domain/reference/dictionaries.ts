import { CHRGITM_NAMES, FUND_PAY_TYPE_NAMES, INSUTYPE_NAMES, NATIONAL_MED_TYPES, type ListType } from "../codes.js";

/**
 * The dictionaries (字典) a HIS downloads with 1901: the codes Yibao reads and answers on the interface, each with its
 * name, from the project's own code lists (codes.ts), so that what 1901 says is what the other transactions do.
 */

/** 医疗收费项目类别 (med_chrgitm_type), as the fee lines' answers carry it (wire/settlement.ts medChrgitmType). */
export const MED_CHRGITM_TYPE_NAMES: Readonly<Record<string, string>> = {
  "01": "床位费", "02": "诊察费", "03": "检查费", "04": "化验费", "05": "治疗费", "06": "手术费", "07": "护理费", "08": "卫生材料费",
  "09": "西药费", "10": "中药饮片费", "11": "中成药费", "12": "一般诊疗费", "13": "挂号费", "14": "其他费",
};

/** 目录类别 (list_type) of the national catalogue, by Yibao's list type (drugs split by their code's first letter). */
export const NATIONAL_LIST_TYPE_NAMES: Readonly<Record<string, string>> = {
  "101": "西药中成药", "102": "中药饮片", "201": "医疗服务项目", "301": "医用耗材",
};

/** The national list type of a catalogue row: 中药饮片 are the drugs whose national code begins with T. */
export function nationalListType(listType: ListType, code: string): string {
  if (listType === "service") return "201";
  if (listType === "material") return "301";
  return code.startsWith("T") ? "102" : "101";
}

/** Yibao's list type of a national one (and whether it means 中药饮片): the filter of 1312 and 1316. */
export function listTypeOfNational(code: string): { list_type: ListType; herbal?: boolean } | undefined {
  switch (code) {
    case "101":
      return { list_type: "drug", herbal: false };
    case "102":
      return { list_type: "drug", herbal: true };
    case "201":
      return { list_type: "service" };
    case "301":
      return { list_type: "material" };
    default:
      return undefined;
  }
}

export interface DictionaryEntry {
  value: string;
  label: string;
}

const entries = (names: Readonly<Record<string, string>>): DictionaryEntry[] => Object.entries(names).map(([value, label]) => ({ value, label }));

/** Every dictionary 1901 answers, by its type (the national names of the fields they code). */
export const DICTIONARIES: Readonly<Record<string, readonly DictionaryEntry[]>> = {
  insutype: entries(INSUTYPE_NAMES),
  med_type: Object.entries(NATIONAL_MED_TYPES).map(([value, t]) => ({ value, label: t.name })),
  // What 1101 and the settlement answers carry as psn_type (services/common/persons.ts): employees 11, residents 1501.
  psn_type: [{ value: "11", label: "在职" }, { value: "1501", label: "城乡居民" }],
  chrgitm_lv: entries(CHRGITM_NAMES),
  med_chrgitm_type: entries(MED_CHRGITM_TYPE_NAMES),
  fund_pay_type: entries(FUND_PAY_TYPE_NAMES),
  // The certificates 1101 reads (gateway/his/handlers/identity/persons.ts).
  mdtrt_cert_type: [{ value: "01", label: "医保电子凭证" }, { value: "02", label: "居民身份证" }, { value: "03", label: "社会保障卡" }],
  psn_cert_type: [{ value: "01", label: "居民身份证（户口簿）" }],
  gend: [{ value: "1", label: "男" }, { value: "2", label: "女" }],
  list_type: entries(NATIONAL_LIST_TYPE_NAMES),
};

export const DICTIONARY_TYPES = Object.keys(DICTIONARIES);
