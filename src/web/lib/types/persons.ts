import type { IsoDate, IsoDateTime, Yuan } from "./common";

export interface PersonSummary {
  psn_no: string;
  certno: string;
  psn_name: string;
  /** 1 男, 2 女 */
  gend: string;
  brdy: IsoDate;
  insuplc_admdvs: string;
  household_id: string | null;
}

export interface PersonCategory {
  psn_idet_type: string;
  name: string;
  begntime: IsoDate;
  endtime: IsoDate | null;
  in_force: boolean;
}

export type EnrollmentStatus = "enrolled" | "suspended" | "ended";

export interface Enrollment {
  id: number;
  psn_no: string;
  insutype: string;
  insutype_name: string;
  admdvs: string;
  year: number;
  status: EnrollmentStatus | string;
  psn_insu_date: IsoDate;
  paus_insu_date: IsoDate | null;
  enddate: IsoDate | null;
  end_reason: string | null;
}

export interface Accumulators {
  year: number;
  outpatient_deductible_counted: Yuan;
  outpatient_basic_paid: Yuan;
  inpatient_chronic_basic_paid: Yuan;
  tier_two_base: Yuan;
  critical_illness_paid: Yuan;
  large_amount_paid: Yuan;
  assistance_base: Yuan;
  assistance_paid: Yuan;
  chronic_basic_paid: Record<string, Yuan>;
}

export interface PersonDetail extends PersonSummary {
  psn_cert_type: string;
  naty: string;
  tel: string | null;
  emp_name: string | null;
  age: number;
  balc: Yuan;
  rural: boolean;
  disability_level: number | null;
  serious_illness: boolean;
  household_income: Yuan | null;
  as_of: IsoDate;
  categories: PersonCategory[];
  enrollments: Enrollment[];
  accumulators: Accumulators;
}

export interface HouseholdMember extends PersonSummary {
  age: number;
  head: boolean;
  rural: boolean;
  disability_level: number | null;
  serious_illness: boolean;
  household_income: Yuan | null;
  categories: { psn_idet_type: string; name: string }[];
}

export interface Household {
  household_id: string;
  admdvs: string | null;
  head_certno: string | null;
  address: string | null;
  as_of: IsoDate;
  members: HouseholdMember[];
}

export interface EnrollmentListItem extends Enrollment {
  psn_name: string;
  certno: string;
}

export interface ContributionAmounts {
  individual: Yuan;
  person_paid: Yuan;
  assistance_subsidy: Yuan;
  fiscal_subsidy: Yuan;
}

export interface Contribution extends ContributionAmounts {
  id: number;
  /** initial | adjustment | refund */
  kind: string;
  category: string | null;
  category_name: string | null;
  /** 0–1 */
  share: number;
  subsidy_fund: string | null;
  subsidy_fund_name: string | null;
  effective_month: number | null;
  reason: string;
  created_at: IsoDateTime;
}

export interface EnrollmentContributions {
  enrollment: Enrollment;
  contributions: Contribution[];
  totals: ContributionAmounts;
  note: string | null;
}
