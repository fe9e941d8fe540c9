import type { IsoDate, IsoDateTime, Yuan } from "./common";
import type { PersonCategory } from "./persons";

/** GET /me: the insured person's own records (src/api/v1/me.ts). */
export interface MyContributions {
  /** The individual contribution due. */
  individual: Yuan;
  paid_by_person: Yuan;
  fiscal_subsidy: Yuan;
  assistance_subsidy: Yuan;
  category: string | null;
  category_name: string | null;
  /** Each row's explanation. */
  reasons: string[];
}

export interface MyEnrollment {
  enrollment_id: number;
  insutype: string;
  insutype_name: string;
  admdvs: string;
  status: string;
  psn_insu_date: IsoDate;
  contributions: MyContributions;
}

/** A yearly limit and how much of it is used; `limit` and `remaining` are null where there is no cap. */
export interface Meter {
  limit: Yuan | null;
  used: Yuan;
  remaining: Yuan | null;
}

export interface MyProgress {
  year: number;
  policy_id: string;
  insutype: string;
  critical_illness:
    | (Meter & {
        /** The critical-illness deductible (tilted where it applies). */
        deductible: Yuan;
        base_so_far: Yuan;
        deductible_remaining: Yuan;
        paid: Yuan;
        tilt: string | null;
        tilt_category_name: string | null;
      })
    | null;
  large_amount: Meter | null;
  basic_inpatient: Meter | null;
  outpatient: (Meter & { deductible: Yuan; deductible_counted: Yuan }) | null;
  assistance: (Meter & { category: string; category_name: string }) | null;
}

export interface Me {
  person: {
    psn_no: string;
    /** Masked. */
    certno: string;
    psn_name: string;
    gend: string;
    brdy: IsoDate;
    insuplc_admdvs: string;
    admdvs_name: string;
  };
  year: number;
  years_with_settlements: number[];
  categories: PersonCategory[];
  years: { year: number; enrollments: MyEnrollment[] }[];
  /** Null without an enrollment or a policy of the year. */
  progress: MyProgress | null;
}

export interface Voucher {
  token: string;
  expires_at: IsoDateTime;
  ttl_seconds: number;
}
