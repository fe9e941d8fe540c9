import type { Route } from "../route.js";
import {
  changePasswordRoute, createUserRoute, endUserSessionsRoute, issueCredentialRoute, listCredentialsRoute, listUserSessionsRoute,
  listUsersRoute, meRoute, refusalsRoute, resetPasswordRoute, revokeCredentialRoute, rotateCredentialRoute, setUserActiveRoute,
  signInLogRoute, signInRoute, signOutRoute, unlockUserRoute,
} from "./identity/index.js";
import { getImportJobRoute, importRosterRoute, listImportJobsRoute, startImportJobRoute } from "./imports/index.js";
import { myRecordsRoute, myVoucherRoute } from "./portal/index.js";
import {
  getPolicyRoute, hospitalsRoute, importMatchingRoute, listMatchingRoute, listPoliciesRoute, listUnmatchedRoute, matchingOverviewRoute,
} from "./reference/index.js";
import { getSettlementListRoute, getSettlementRoute, listSettlementsRoute } from "./settlement/index.js";
import { benefitsRoute, dashboardRoute } from "./reports/index.js";
import { reconciliationRoute } from "./ledger/index.js";
import { actOnWarningRoute, getWarningRoute, listWarningsRoute, myWarningsRoute, scanWarningsRoute } from "./monitoring/index.js";
import {
  approveAssistanceRoute, fileAssistanceRoute, getAssistanceRoute, listAssistanceRoute, myAssistanceFileRoute, myAssistanceListRoute,
  myAssistancePreviewRoute, payAssistanceRoute, previewAssistanceRoute, rejectAssistanceRoute,
} from "./assistance/index.js";
import {
  coverageRoute, enrollmentContributionsRoute, getDuplicateRoute, getHouseholdRoute, getPersonRoute, listDuplicatesRoute,
  listEnrollmentsRoute, recomputeSubsidiesRoute, resolveAllDuplicatesRoute, resolveDuplicateRoute, scanDuplicatesRoute, searchPersonsRoute,
  subsidyRegisterRoute, subsidyStatisticsRoute,
} from "./enrollment/index.js";

/** Every route of /api/v1, in the order the document lists them. */
export const V1_ROUTES: readonly Route[] = [
  signInRoute,
  signOutRoute,
  meRoute,
  changePasswordRoute,
  signInLogRoute,
  listUsersRoute,
  createUserRoute,
  unlockUserRoute,
  setUserActiveRoute,
  resetPasswordRoute,
  listUserSessionsRoute,
  endUserSessionsRoute,
  dashboardRoute,
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
  benefitsRoute,
  startImportJobRoute,
  listImportJobsRoute,
  getImportJobRoute,
  listSettlementsRoute,
  getSettlementRoute,
  getSettlementListRoute,
  hospitalsRoute,
  matchingOverviewRoute,
  listMatchingRoute,
  listUnmatchedRoute,
  importMatchingRoute,
  listCredentialsRoute,
  issueCredentialRoute,
  rotateCredentialRoute,
  revokeCredentialRoute,
  refusalsRoute,
  reconciliationRoute,
  listPoliciesRoute,
  getPolicyRoute,
  listWarningsRoute,
  scanWarningsRoute,
  getWarningRoute,
  actOnWarningRoute,
  myRecordsRoute,
  myVoucherRoute,
  listAssistanceRoute,
  getAssistanceRoute,
  previewAssistanceRoute,
  fileAssistanceRoute,
  approveAssistanceRoute,
  rejectAssistanceRoute,
  payAssistanceRoute,
  myAssistancePreviewRoute,
  myAssistanceFileRoute,
  myAssistanceListRoute,
  myWarningsRoute,
];

export const V1_TAGS: Record<string, string> = {
  auth: "登录与会话 / Sign-in and sessions",
  persons: "人员 / Persons",
  households: "家庭 / Households",
  enrollments: "参保登记 / Enrollments",
  contributions: "缴费与资助 / Contributions and subsidies",
  rosters: "名单导入 / Rosters",
  subsidies: "资助参保 / Subsidized enrollment",
  duplicates: "重复参保 / Duplicate enrollment",
  coverage: "参保率 / Coverage",
  reports: "统计报表 / Reports",
  monitoring: "高额医疗费用预警 / Early warning of catastrophic spending",
  imports: "文件导入 / Imports",
  settlements: "结算、机构与对账 / Settlements, hospitals and reconciliation",
  his: "医疗机构接口凭证与拒绝日志 / The hospital interface's credentials and refusals",
  policies: "政策 / Policies",
  matching: "目录对照 / Catalogue matching",
  portal: "参保人门户 / The insured person's portal",
  assistance: "依申请救助与再救助 / Assistance on application and secondary assistance",
};
