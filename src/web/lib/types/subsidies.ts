import type { ContributionAmounts } from "./persons";
import type { Paged, Yuan } from "./common";

/** GET /contributions: the 资助参保 register. */
export interface RegisterLine {
  psn_no: string;
  certno: string;
  psn_name: string;
  admdvs: string;
  category: string | null;
  category_name: string | null;
  share: number;
  assistance_subsidy: Yuan;
  subsidy_fund: string | null;
  subsidy_fund_name: string | null;
  from_month: number;
  kinds: string[];
}

interface RegisterTotal {
  persons: number;
  assistance_subsidy: Yuan;
}

export interface SubsidyRegister extends Paged<RegisterLine> {
  year: number;
  admdvs: string | null;
  category: string | null;
  totals: RegisterTotal & {
    by_category: (RegisterTotal & { category: string | null; category_name: string | null })[];
    by_fund: (RegisterTotal & { subsidy_fund: string | null; subsidy_fund_name: string | null })[];
  };
  contributions: ContributionAmounts & { enrollments: number };
}

export interface RecomputeResult {
  year: number;
  admdvs: string | null;
  enrollments: number;
  initial: number;
  adjustments: number;
  adjustment_subsidy: Yuan;
  assistance_subsidy: Yuan;
  without_policy: number;
  policy_fallbacks: number;
  seconds: number;
}

export interface CoverageRow {
  admdvs: string;
  admdvs_name: string;
  category: string;
  category_name: string;
  group: "all" | "poverty_relief" | "other";
  population: number | null;
  insured: number;
  uninsured: number | null;
  rate_percent: number | null;
  target_percent: number | null;
  meets_target: boolean | null;
}

export interface Coverage {
  year: number;
  admdvs: string | null;
  rules: { insured: string; category: string };
  rows: CoverageRow[];
}

export interface SubsidyStatisticsRow extends ContributionAmounts {
  admdvs: string;
  admdvs_name: string;
  /** a category; none: no category; all: the total */
  category: string;
  category_name: string;
  group: "all" | "poverty_relief" | "other" | "none";
  persons: number;
  persons_subsidized: number;
}

export interface SubsidyStatistics {
  year: number;
  admdvs: string | null;
  rules: { amounts: string; persons_subsidized: string };
  rows: SubsidyStatisticsRow[];
}

/** POST /rosters (the synchronous upload). */
export interface RosterImportResult {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected_rows: number;
  rejected: { row: number; field: string; reason: string }[];
  rejected_listed_all: boolean;
  subsidies: Omit<RecomputeResult, "year" | "admdvs" | "seconds"> | null;
}
