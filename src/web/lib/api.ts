import { del, get, post, uploadFile, type Upload } from "./http";
import type {
  BenefitQuery, BenefitReport, BodyOf, Coverage, Dashboard, DuplicateCase, DuplicateQuery, EnrollmentContributions, EnrollmentListItem, Household,
  ImportJob, ImportKind, Me, NewUserRequest, Paged, PageQuery, PersonDetail, PersonSummary, PolicyDocument,
  RecomputeResult, Reconciliation, ReconciliationQuery, ResolveAllResult, ResolveRequest, ResolveResult, ResponseOf,
  RosterImportResult, RosterSource, ScanResult, SettlementDetail, SettlementListAnswer, SettlementListItem, SettlementQuery, SignInAnswer,
  SigninAttempt, SubsidyRegister, SubsidyStatistics, Voucher,
  HisCredential, HisRefusal, HisRefusalQuery, IssuedHisCredential,
  ApplicationQuery, AssistanceApplication, AssistancePreview, AssistancePreviewBody, FileApplicationBody, MyApplicationBody,
  MyAssistancePreview, MyDeclaration, PayAnswer, WarningAction, WarningDetail, WarningQuery, WarningScan, WarningSummary,
  MatchingImportResult, MatchingPage,
} from "./types";

/**
 * One function per route of /api/v1. The shapes are the generated ones (./api.gen.ts, from the server's zod schemas,
 * through ./types): answers by ResponseOf, bodies checked with `satisfies BodyOf<…>`.
 */

const enc = encodeURIComponent;

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
export const CSV_TYPE = "text/csv";

/** The content type of a spreadsheet the user picked: by extension, since browsers disagree on CSV's MIME type. */
export function fileContentType(file: File): string {
  return /\.xlsx$/i.test(file.name) ? XLSX_TYPE : CSV_TYPE;
}

// Sign-in and sessions
export const signIn = (username: string, password: string) => post<SignInAnswer>("/auth/signin", { username, password } satisfies BodyOf<"signIn">);
export const signOut = () => post<ResponseOf<"signOut">>("/auth/signout");
export const currentUser = () => get<ResponseOf<"whoAmI">>("/auth/me");
export const changePassword = (currentPassword: string, newPassword: string) =>
  post<ResponseOf<"changePassword">>("/auth/password", { current_password: currentPassword, new_password: newPassword } satisfies BodyOf<"changePassword">);
export const listSignins = (q: PageQuery) => get<Paged<SigninAttempt>>("/auth/signins", { ...q });

// Users (administrators manage, auditors read)
export const listUsers = () => get<ResponseOf<"listUsers">>("/users");
export const createUser = (body: NewUserRequest) => post<ResponseOf<"createUser">>("/users", body);
export const unlockUser = (username: string) => post<ResponseOf<"unlockUser">>(`/users/${enc(username)}/unlock`, {});
export const setUserActive = (username: string, active: boolean) => post<ResponseOf<"setUserActive">>(`/users/${enc(username)}/active`, { active } satisfies BodyOf<"setUserActive">);
export const resetPassword = (username: string, password: string) =>
  post<ResponseOf<"resetPassword">>(`/users/${enc(username)}/password`, { password } satisfies BodyOf<"resetPassword">);
export const listUserSessions = (username: string) => get<ResponseOf<"listUserSessions">>(`/users/${enc(username)}/sessions`);
export const endUserSessions = (username: string) => del<ResponseOf<"endUserSessions">>(`/users/${enc(username)}/sessions`);

// Dashboard
export const getDashboard = (year: number) => get<Dashboard>("/dashboard", { year });
/** 待遇享受报表 as JSON for the charts (the workbook is the command line's: yibao report benefits --out F.xlsx). */
export const getBenefitReport = (q: BenefitQuery) => get<BenefitReport>("/reports/benefits", { ...q });

// Persons, households, enrollments
export const searchPersons = (q: { q?: string; admdvs?: string } & PageQuery) => get<Paged<PersonSummary>>("/persons", { ...q });
export const getPerson = (psnNo: string, asOf?: string) => get<PersonDetail>(`/persons/${enc(psnNo)}`, { as_of: asOf });
export const getHousehold = (id: string) => get<Household>(`/households/${enc(id)}`);
export const listEnrollments = (q: { psn_no?: string; year?: number; admdvs?: string; status?: string; insutype?: string } & PageQuery) =>
  get<Paged<EnrollmentListItem>>("/enrollments", { ...q });
export const getContributions = (enrollmentId: number) => get<EnrollmentContributions>(`/enrollments/${enrollmentId}/contributions`);

// Subsidized enrollment, coverage
export const getSubsidyRegister = (q: { year: number; admdvs?: string; category?: string } & PageQuery) =>
  get<SubsidyRegister>("/contributions", { ...q });
export const recomputeSubsidies = (year: number, admdvs?: string) => post<RecomputeResult>("/subsidies/recompute", { year, admdvs } satisfies BodyOf<"recomputeSubsidies">);
export const getSubsidyStatistics = (year: number, admdvs?: string) => get<SubsidyStatistics>("/subsidies/statistics", { year, admdvs });
export const getCoverage = (year: number, admdvs?: string) => get<Coverage>("/coverage", { year, admdvs });
export const uploadRoster = (file: File, source: RosterSource | undefined, onProgress: (f: number) => void): Upload<RosterImportResult> =>
  uploadFile<RosterImportResult>("/rosters", { source }, file, fileContentType(file), onProgress);

// Duplicate enrollment
export const listDuplicates = (q: DuplicateQuery) => get<Paged<DuplicateCase>>("/duplicates", { ...q });
export const getDuplicate = (id: number) => get<DuplicateCase>(`/duplicates/${id}`);
export const scanDuplicates = (year: number, admdvs?: string) => post<ScanResult>("/duplicates/scan", { year, admdvs } satisfies BodyOf<"scanDuplicates">);
export const resolveDuplicate = (id: number, body: ResolveRequest) => post<ResolveResult>(`/duplicates/${id}/resolve`, body);
export const resolveAllDuplicates = (year: number, operator?: string) => post<ResolveAllResult>("/duplicates/resolve-by-rule", { year, operator } satisfies BodyOf<"resolveAllDuplicates">);

// Settlements, hospitals, reconciliation
export const listSettlements = (q: SettlementQuery) => get<Paged<SettlementListItem>>("/settlements", { ...q });
export const getSettlement = (setlId: string) => get<SettlementDetail>(`/settlements/${enc(setlId)}`);
export const getSettlementList = (setlId: string) => get<SettlementListAnswer>(`/settlements/${enc(setlId)}/list`);
export const listHospitals = (year?: number) => get<ResponseOf<"listHospitals">>("/hospitals", { year });

// The hospital interface's credentials (administrators issue, rotate and revoke; auditors read) and refusals
export const listHisCredentials = (code: string) => get<ResponseOf<"listHisCredentials">>(`/hospitals/${enc(code)}/his-credentials`);
export const issueHisCredential = (code: string) => post<IssuedHisCredential>(`/hospitals/${enc(code)}/his-credentials`, {});
export const rotateHisCredential = (accessKey: string) => post<IssuedHisCredential>(`/his-credentials/${enc(accessKey)}/rotate`, {});
export const revokeHisCredential = (accessKey: string) => post<HisCredential>(`/his-credentials/${enc(accessKey)}/revoke`, {});
export const listHisRefusals = (q: HisRefusalQuery) => get<Paged<HisRefusal>>("/his/refusals", { ...q });
export const getReconciliation = (q: ReconciliationQuery) => get<Reconciliation>("/reconciliation", { ...q });

// 高额医疗费用预警: the list, one warning, the clerk's actions, the scan of a year
export const listWarnings = (q: WarningQuery) => get<Paged<WarningSummary>>("/warnings", { ...q });
export const getWarning = (id: number) => get<WarningDetail>(`/warnings/${id}`);
export const actOnWarning = (id: number, action: WarningAction, note?: string) =>
  post<WarningDetail>(`/warnings/${id}/actions`, { action, note } satisfies BodyOf<"actOnWarning">);
export const scanWarnings = (year: number, admdvs?: string) => post<WarningScan>("/warnings/scan", { year, admdvs } satisfies BodyOf<"scanWarnings">);

// 依申请救助 and 再救助: list, one application, preview, file on a person's behalf, approve, reject, pay
export const listApplications = (q: ApplicationQuery) => get<Paged<AssistanceApplication>>("/assistance/applications", { ...q });
export const getApplication = (id: string) => get<AssistanceApplication>(`/assistance/applications/${enc(id)}`);
export const previewAssistance = (body: AssistancePreviewBody) => post<AssistancePreview>("/assistance/preview", body);
export const fileApplication = (body: FileApplicationBody) => post<AssistanceApplication>("/assistance/applications", body);
export const approveApplication = (id: string, certifyDifficulty?: boolean) =>
  post<AssistanceApplication>(`/assistance/applications/${enc(id)}/approve`, { certify_difficulty: certifyDifficulty } satisfies BodyOf<"approveAssistanceApplication">);
export const rejectApplication = (id: string, reason: string) =>
  post<AssistanceApplication>(`/assistance/applications/${enc(id)}/reject`, { reason } satisfies BodyOf<"rejectAssistanceApplication">);
export const payApplication = (id: string, amount?: number) =>
  post<PayAnswer>(`/assistance/applications/${enc(id)}/pay`, { amount } satisfies BodyOf<"payAssistanceApplication">);

// Policies
export const listPolicies = () => get<ResponseOf<"listPolicies">>("/policies");
export const getPolicy = (admdvs: string, year: number) => get<PolicyDocument>(`/policies/${enc(admdvs)}/${year}`);

// Import jobs (asynchronous: the upload answers 202 with the job, which is then polled)
/** `asOf`: when a persons file's facts hold from (YYYY-MM-DD, China time); rows older than the facts on record are kept out. */
export const startImport = (kind: ImportKind, file: File, source: RosterSource | undefined, onProgress: (f: number) => void, asOf?: string): Upload<ImportJob> =>
  uploadFile<ImportJob>("/import-jobs", { kind, source, file_name: file.name, as_of: asOf }, file, fileContentType(file), onProgress);
export const listImportJobs = () => get<ResponseOf<"listImportJobs">>("/import-jobs");
export const getImportJob = (id: number | string) => get<ImportJob>(`/import-jobs/${enc(String(id))}`);

// The insured person's portal
export const getMe = (year?: number) => get<Me>("/me", { year });
export const issueVoucher = () => post<Voucher>("/me/voucher");
export const myWarnings = () => get<ResponseOf<"myWarnings">>("/me/warnings");
export const myAssistancePreview = (body: MyDeclaration) => post<MyAssistancePreview>("/me/assistance/preview", body);
export const myAssistanceApply = (body: MyApplicationBody) => post<AssistanceApplication>("/me/assistance/applications", body);
export const myApplications = (q: PageQuery) => get<Paged<AssistanceApplication>>("/me/assistance/applications", { ...q });

// Catalogue matching (目录对照): each hospital's own codes against the national catalogue, and the codes without one
export const getMatchingOverview = () => get<MatchingHospitalList>("/matching");
export const listMatching = (code: string, q: { search?: string; vali_flag?: "0" | "1"; page: number; page_size: number }) =>
  get<MatchingPage>(`/hospitals/${enc(code)}/matching`, { ...q });
export const listUnmatched = (code: string) => get<UnmatchedList>(`/hospitals/${enc(code)}/matching/unmatched`);
export const uploadMatching = (code: string, file: File, onProgress: (f: number) => void): Upload<MatchingImportResult> =>
  uploadFile<MatchingImportResult>(`/hospitals/${enc(code)}/matching/file`, {}, file, fileContentType(file), onProgress);
type MatchingHospitalList = ResponseOf<"matchingOverview">;
type UnmatchedList = ResponseOf<"listUnmatched">;
