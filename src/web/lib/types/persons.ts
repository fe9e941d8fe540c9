import type { ItemOf, ResponseOf } from "./common";

export type PersonSummary = ItemOf<ResponseOf<"searchPersons">["items"]>;
export type PersonDetail = ResponseOf<"getPerson">;
export type PersonCategory = ItemOf<PersonDetail["categories"]>;
export type Enrollment = ItemOf<PersonDetail["enrollments"]>;
export type EnrollmentStatus = Enrollment["status"];
export type Accumulators = PersonDetail["accumulators"];

export type Household = ResponseOf<"getHousehold">;
export type HouseholdMember = ItemOf<Household["members"]>;

export type EnrollmentListItem = ItemOf<ResponseOf<"listEnrollments">["items"]>;

export type EnrollmentContributions = ResponseOf<"enrollmentContributions">;
export type Contribution = ItemOf<EnrollmentContributions["contributions"]>;
export type ContributionAmounts = EnrollmentContributions["totals"];
