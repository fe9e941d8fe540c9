import type { IsoDate, IsoDateTime, Yuan } from "./common";

export interface DashboardTotals {
  settlements: number;
  medfee_sumamt: Yuan;
  fund_pay_sumamt: Yuan;
  psn_cash_pay: Yuan;
}

export interface MonthSpending {
  /** 1–12 */
  month: number;
  settlements: number;
  medfee_sumamt: Yuan;
  basic: Yuan;
  critical_illness: Yuan;
  large_amount: Yuan;
  assistance: Yuan;
  other: Yuan;
  personal_account: Yuan;
  cash: Yuan;
}

export interface CategoryBeneficiaries {
  category: string;
  category_name: string;
  persons: number;
  settlements: number;
  assistance_paid: Yuan;
  medfee_sumamt: Yuan;
}

export interface RegionCoverage {
  admdvs: string;
  admdvs_name: string;
  population: number | null;
  insured: number;
  rate_percent: number | null;
}

export interface Dashboard {
  year: number;
  admdvs: string;
  totals: DashboardTotals;
  spending_by_month: MonthSpending[];
  beneficiaries_by_category: CategoryBeneficiaries[];
  coverage: RegionCoverage[];
}

export interface Hospital {
  fixmedins_code: string;
  fixmedins_name: string;
  medins_lv: string;
  admdvs: string;
  admdvs_name: string;
  settlements: number;
  medfee_sumamt: Yuan;
  fund_pay_sumamt: Yuan;
}

export interface LedgerAmounts {
  medfee_sumamt: Yuan;
  fund_pay_sumamt: Yuan;
  acct_pay: Yuan;
  psn_cash_pay: Yuan;
}

export interface ReconciliationRow {
  fixmedins_code: string;
  fixmedins_name: string;
  settlements: number;
  reversed: number;
  platform: LedgerAmounts;
  ledger: LedgerAmounts;
  balanced: boolean;
}

export interface Reconciliation {
  date_from: IsoDate;
  date_to: IsoDate;
  items: ReconciliationRow[];
}

export interface ReconciliationQuery {
  date_from?: IsoDate;
  date_to?: IsoDate;
  fixmedins_code?: string;
}

export interface PolicySummary {
  admdvs: string;
  admdvs_name: string;
  year: number;
  policy_id: string;
  name: string;
}

export interface PolicyDocument {
  admdvs: string;
  admdvs_name: string;
  /** Whether the policy is of the user's own region (staff may read other regions' to compare). */
  in_your_region: boolean;
  year: number;
  policy_id: string;
  name: string;
  document: Record<string, unknown>;
}

export type ImportKind = "roster" | "persons" | "identities" | "fixmedins" | "catalogue" | "population";

/** What POST /import-jobs accepts (person categories come with rosters; "identities" is the CLI's). */
export const IMPORT_KINDS: readonly ImportKind[] = ["roster", "persons", "population", "fixmedins", "catalogue"];

export type RosterSource = "civil_affairs" | "rural_revitalisation";

export const ROSTER_SOURCES: readonly RosterSource[] = ["civil_affairs", "rural_revitalisation"];

export interface RejectedRow {
  row: number;
  field: string;
  reason: string;
}

export interface ImportProgress {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Rows older than the facts on record, kept as they are (listed in the report). */
  older: number;
  rejected_rows: number;
  /** Share of the file read, 0–1. */
  fraction: number;
}

export interface ImportJob {
  id: number;
  kind: ImportKind;
  file_name: string;
  status: "queued" | "running" | "done" | "failed";
  username: string | null;
  started_at: IsoDateTime;
  finished_at: IsoDateTime | null;
  progress: ImportProgress;
  /** The error report (row 1 is the header); at most a limit listed, see rejected_listed_all. */
  rejected: RejectedRow[];
  rejected_listed_all: boolean;
  /** Times a worker took the job up: 2 or more after a server stopped during it (resumed from the start). */
  attempts: number;
  error: string | null;
}
