import type { ItemOf, QueryOf, ResponseOf } from "./common";

export type Dashboard = ResponseOf<"dashboard">;
export type DashboardTotals = Dashboard["totals"];
export type MonthSpending = ItemOf<Dashboard["spending_by_month"]>;
export type CategoryBeneficiaries = ItemOf<Dashboard["beneficiaries_by_category"]>;
export type RegionCoverage = ItemOf<Dashboard["coverage"]>;

export type Hospital = ItemOf<ResponseOf<"listHospitals">["items"]>;

export type Reconciliation = ResponseOf<"reconciliation">;
export type ReconciliationRow = ItemOf<Reconciliation["items"]>;
export type LedgerAmounts = ReconciliationRow["platform"];
export type ReconciliationQuery = Partial<Pick<QueryOf<"reconciliation">, "date_from" | "date_to" | "fixmedins_code">>;

export type PolicySummary = ItemOf<ResponseOf<"listPolicies">["items"]>;
export type PolicyDocument = ResponseOf<"getPolicy">;

export type ImportJob = ResponseOf<"getImportJob">;
/** What POST /import-jobs accepts (person categories come with rosters; "identities" is the CLI's). */
export type ImportKind = QueryOf<"startImportJob">["kind"];

export const IMPORT_KINDS: readonly ImportKind[] = ["roster", "persons", "population", "fixmedins", "catalogue", "supplementary"];

export type RosterSource = NonNullable<QueryOf<"importRoster">["source"]>;

export const ROSTER_SOURCES: readonly RosterSource[] = ["civil_affairs", "rural_revitalisation"];

export type RejectedRow = ItemOf<ImportJob["rejected"]>;
export type ImportProgress = ImportJob["progress"];
