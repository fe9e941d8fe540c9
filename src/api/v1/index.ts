import type { Route } from "../route.js";
import { coverageRoute, subsidyStatisticsRoute } from "./coverage.js";
import {
  getDuplicateRoute, listDuplicatesRoute, resolveAllDuplicatesRoute, resolveDuplicateRoute, scanDuplicatesRoute,
} from "./duplicates.js";
import { enrollmentContributionsRoute, listEnrollmentsRoute, recomputeSubsidiesRoute, subsidyRegisterRoute } from "./enrollments.js";
import { getHouseholdRoute, getPersonRoute, searchPersonsRoute } from "./persons.js";
import { importRosterRoute } from "./rosters.js";

/** Every route of /api/v1, in the order the document lists them. */
export const V1_ROUTES: readonly Route[] = [
  searchPersonsRoute,
  getPersonRoute,
  getHouseholdRoute,
  listEnrollmentsRoute,
  enrollmentContributionsRoute,
  subsidyRegisterRoute,
  importRosterRoute,
  recomputeSubsidiesRoute,
  listDuplicatesRoute,
  getDuplicateRoute,
  scanDuplicatesRoute,
  resolveDuplicateRoute,
  resolveAllDuplicatesRoute,
  coverageRoute,
  subsidyStatisticsRoute,
];

export const V1_TAGS: Record<string, string> = {
  persons: "人员 / Persons",
  households: "家庭 / Households",
  enrollments: "参保登记 / Enrollments",
  contributions: "缴费与资助 / Contributions and subsidies",
  rosters: "名单导入 / Rosters",
  subsidies: "资助参保 / Subsidized enrollment",
  duplicates: "重复参保 / Duplicate enrollment",
  coverage: "参保率 / Coverage",
};
