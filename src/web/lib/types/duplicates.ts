import type { IsoDate, IsoDateTime, Yuan } from "./common";

export type DuplicateKind = "two_regions" | "employee_and_resident";
export type DuplicateStatus = "open" | "resolved";

export interface DuplicateCase {
  id: number;
  certno: string;
  psn_no: string;
  psn_name: string;
  year: number;
  kind: DuplicateKind;
  kind_name: string;
  enrollment_ids: number[];
  enrollments: {
    id: number;
    insutype: string;
    admdvs: string;
    status: string;
    psn_insu_date: IsoDate;
    enddate: IsoDate | null;
    end_reason: string | null;
  }[];
  /** import | scan */
  found_by: string;
  found_at: IsoDateTime;
  status: DuplicateStatus;
  resolution: "rule" | "clerk" | null;
  kept_enrollment_id: number | null;
  ended_enrollment_ids: number[];
  refund: Yuan | null;
  resolved_by: string | null;
  resolved_at: IsoDateTime | null;
  note: string | null;
}

export interface DuplicateQuery {
  status?: DuplicateStatus;
  kind?: DuplicateKind;
  year?: number;
  admdvs?: string;
  psn_no?: string;
  page?: number;
  page_size?: number;
}

export interface ScanResult {
  year: number;
  admdvs: string | null;
  found: number;
  created: number;
  updated: number;
  unchanged: number;
  recurred: { case_id: number; psn_no: string; kind: DuplicateKind; enrollment_ids: number[] }[];
}

export type ResolveRequest =
  | { by: "rule"; date?: IsoDate; operator?: string }
  | { by: "clerk"; keep_enrollment_id: number; clerk: string; note: string; date?: IsoDate };

export interface ResolveResult {
  case: DuplicateCase;
  ended: {
    enrollment_id: number;
    insutype: string;
    admdvs: string;
    person_paid: Yuan;
    assistance_subsidy: Yuan;
    fiscal_subsidy: Yuan;
  }[];
  refund: Yuan;
  also_resolved: number[];
}

export interface ResolveAllResult {
  year: number;
  resolved: ResolveResult[];
  also_resolved: number[];
  refund: Yuan;
}
