/** Codes of the national interface and of the project (shared/docs/domain.md), with their Chinese names. */

export const CATEGORIES = [
  "destitute",
  "orphan",
  "de_facto_orphan",
  "minimum_living",
  "low_income",
  "monitored",
  "lifted",
  "illness_impoverished",
] as const;
export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_NAMES: Record<Category, string> = {
  destitute: "特困人员",
  orphan: "孤儿",
  de_facto_orphan: "事实无人抚养儿童",
  minimum_living: "低保对象",
  low_income: "低保边缘家庭成员",
  monitored: "防返贫监测对象",
  lifted: "稳定脱贫人口",
  illness_impoverished: "因病致贫重病患者",
};

export const INSUTYPE_NAMES: Record<string, string> = {
  "310": "职工基本医疗保险",
  "320": "公务员医疗补助",
  "330": "职工大额医疗费用补助",
  "390": "城乡居民基本医疗保险",
  "392": "城乡居民大病医疗保险",
  "410": "长期护理保险",
  "510": "生育保险",
};

/** The three settlement rules (settlement-spec.md, Step 2): general outpatient, chronic/special disease, inpatient. */
export const MED_TYPES = ["11", "14", "21"] as const;
export type MedType = (typeof MED_TYPES)[number];
export const MED_TYPE_NAMES: Record<MedType, string> = { "11": "普通门诊", "14": "门诊慢特病", "21": "普通住院" };

/**
 * The national medical types (医疗类别, med_type) a HIS sends, each with where it is cared for: an outpatient visit
 * (2201/2203, settled by 2206/2207) or an inpatient stay (2401, settled by 2303/2304). The region's policy says under
 * which rule each is settled, or that it does not pay it (policies/*.yaml, med_types).
 */
export const NATIONAL_MED_TYPES = {
  "11": { name: "普通门诊", care: "outpatient" },
  "12": { name: "门诊挂号", care: "outpatient" },
  "13": { name: "急诊", care: "outpatient" },
  "14": { name: "门诊慢特病", care: "outpatient" },
  "21": { name: "普通住院", care: "inpatient" },
  "22": { name: "外伤住院", care: "inpatient" },
  "23": { name: "转外诊治住院", care: "inpatient" },
  "24": { name: "急诊转住院", care: "inpatient" },
  "26": { name: "单病种住院", care: "inpatient" },
  "28": { name: "日间手术", care: "inpatient" },
  "41": { name: "定点药店购药", care: "outpatient" },
  "51": { name: "生育门诊", care: "outpatient" },
  "52": { name: "生育住院", care: "inpatient" },
  "53": { name: "计划生育手术费", care: "outpatient" },
} as const satisfies Record<string, { name: string; care: "outpatient" | "inpatient" }>;
export type NationalMedType = keyof typeof NATIONAL_MED_TYPES;
export const NATIONAL_MED_TYPE_CODES = Object.keys(NATIONAL_MED_TYPES) as [NationalMedType, ...NationalMedType[]];

export const LEVELS = ["1", "2", "3"] as const;
export type Level = (typeof LEVELS)[number];
export const LEVEL_NAMES: Record<Level, string> = { "1": "一级", "2": "二级", "3": "三级" };

export const FILING_TYPES = ["long_term_residence", "referral", "emergency", "temporary", "none"] as const;
export type FilingType = (typeof FILING_TYPES)[number];
export const FILING_NAMES: Record<FilingType, string> = {
  long_term_residence: "异地长期居住/安置备案",
  referral: "转诊备案",
  emergency: "急诊抢救",
  temporary: "临时外出就医备案",
  none: "未备案",
};

export const CHRGITM_LEVELS = ["01", "02", "03"] as const;
export type ChrgitmLevel = (typeof CHRGITM_LEVELS)[number];
export const CHRGITM_NAMES: Record<ChrgitmLevel, string> = { "01": "甲类", "02": "乙类", "03": "丙类" };

export const LIST_TYPES = ["drug", "service", "material"] as const;
export type ListType = (typeof LIST_TYPES)[number];

export const FUND_PAY_TYPE_NAMES: Record<string, string> = {
  "310100": "职工基本医疗保险统筹基金",
  "310200": "职工基本医疗保险个人账户",
  "330100": "职工大额医疗费用补助基金",
  "390100": "城乡居民基本医疗保险基金",
  "390200": "城乡居民大病医疗保险资金",
  "610100": "医疗救助基金",
  "610102": "二次医疗救助",
  "999997": "其他基金",
};
