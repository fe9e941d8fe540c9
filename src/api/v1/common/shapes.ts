import { z } from "zod";
import { CATEGORY_NAMES, INSUTYPE_NAMES, type Category } from "../../../domain/codes.js";
import { withinValidity } from "../../../domain/ids.js";
import { toYuan, type Fen } from "../../../domain/money.js";
import type { EnrollmentRow, IdentityRow, PersonRow } from "../../../services/enrollment/index.js";
import { todayInChina } from "../../../services/common/index.js";
import { dateOut, yuanOut } from "../../fields.js";

/** The wire shapes shared by several routes, and the functions that fill them from rows (fen → yuan, codes → names). */

export const personSummary = z.object({
  psn_no: z.string(),
  certno: z.string(),
  psn_name: z.string(),
  gend: z.string().meta({ description: "1 男 male, 2 女 female" }),
  brdy: dateOut,
  insuplc_admdvs: z.string(),
  household_id: z.string().nullable(),
});

export function toPersonSummary(p: PersonRow): z.output<typeof personSummary> {
  return {
    psn_no: p.psn_no,
    certno: p.certno,
    psn_name: p.psn_name,
    gend: p.gend,
    brdy: p.brdy,
    insuplc_admdvs: p.insuplc_admdvs,
    household_id: p.household_id,
  };
}

export const personFacts = z.object({
  rural: z.boolean().meta({ description: "农村居民 / rural resident" }),
  disability_level: z.int().nullable().meta({ description: "残疾等级 1–4 / disability grade (1 and 2 severe)" }),
  serious_illness: z.boolean().meta({ description: "重病患者 / seriously ill" }),
  household_income: yuanOut.nullable().meta({ description: "家庭人均年收入（元）/ household per-capita annual income, yuan" }),
});

export function toPersonFacts(p: PersonRow): z.output<typeof personFacts> {
  return {
    rural: p.rural,
    disability_level: p.disability_level,
    serious_illness: p.serious_illness,
    household_income: p.household_income_fen === null ? null : toYuan(p.household_income_fen as Fen),
  };
}

export const category = z.object({
  psn_idet_type: z.string(),
  name: z.string().meta({ description: "类别名称 / the category's Chinese name" }),
  begntime: dateOut,
  endtime: dateOut.nullable(),
  in_force: z.boolean().meta({ description: "在 as_of 当日有效 / valid on the as_of date" }),
});

export function toCategory(i: IdentityRow, asOf: string): z.output<typeof category> {
  return {
    psn_idet_type: i.psn_idet_type,
    name: CATEGORY_NAMES[i.psn_idet_type as Category] ?? i.psn_idet_type,
    begntime: i.begntime,
    endtime: i.endtime,
    in_force: withinValidity(asOf, i.begntime, i.endtime),
  };
}

export const enrollment = z.object({
  id: z.int(),
  psn_no: z.string(),
  insutype: z.string(),
  insutype_name: z.string(),
  admdvs: z.string(),
  year: z.int(),
  status: z.string().meta({ description: "enrolled | suspended | ended" }),
  psn_insu_date: dateOut,
  paus_insu_date: dateOut.nullable(),
  enddate: dateOut.nullable(),
  end_reason: z.string().nullable(),
});

export function toEnrollment(e: EnrollmentRow): z.output<typeof enrollment> {
  return {
    id: e.id,
    psn_no: e.psn_no,
    insutype: e.insutype,
    insutype_name: INSUTYPE_NAMES[e.insutype] ?? e.insutype,
    admdvs: e.admdvs,
    year: e.year,
    status: e.status,
    psn_insu_date: e.psn_insu_date,
    paus_insu_date: e.paus_insu_date,
    enddate: e.enddate,
    end_reason: e.end_reason,
  };
}

export const contributionAmounts = z.object({
  individual: yuanOut.meta({ description: "个人缴费标准 / the individual contribution due" }),
  person_paid: yuanOut.meta({ description: "个人实缴 / paid by the person" }),
  assistance_subsidy: yuanOut.meta({ description: "医疗救助资助 / paid by medical assistance (资助参保)" }),
  fiscal_subsidy: yuanOut.meta({ description: "财政补助 / fiscal per-capita subsidy" }),
});

export function toAmounts(r: {
  individual_fen: number; person_paid_fen: number; assistance_subsidy_fen: number; fiscal_subsidy_fen: number;
}): z.output<typeof contributionAmounts> {
  return {
    individual: toYuan(r.individual_fen as Fen),
    person_paid: toYuan(r.person_paid_fen as Fen),
    assistance_subsidy: toYuan(r.assistance_subsidy_fen as Fen),
    fiscal_subsidy: toYuan(r.fiscal_subsidy_fen as Fen),
  };
}

/** A category's Chinese name; a code the platform does not know is shown as it is. */
export const categoryName = (c: string | null) => (c === null ? null : (CATEGORY_NAMES[c as Category] ?? c));

/** This year in China: the default year of the figures. */
export const defaultYear = () => Number(todayInChina().slice(0, 4));
