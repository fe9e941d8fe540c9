import type { BodyOf, ItemOf, QueryOf, ResponseOf } from "./common";

/** 依申请救助 and 再救助 (src/api/v1/assistance): applications, their calculation, review and payment. */
export type AssistanceApplication = ResponseOf<"getAssistanceApplication">;
export type ApplicationState = AssistanceApplication["state"];
export type ApplicationKind = AssistanceApplication["kind"];
export type ApplicationStep = ItemOf<AssistanceApplication["steps"]>;
export type ApplicationEvent = ItemOf<NonNullable<AssistanceApplication["events"]>>;
export type ApplicationQuery = Partial<QueryOf<"listAssistanceApplications">>;
export type AssistancePreviewBody = BodyOf<"previewAssistance">;
export type AssistancePreview = ResponseOf<"previewAssistance">;
export type AssistanceCalculation = AssistancePreview["calculation"];
export type FileApplicationBody = BodyOf<"fileAssistanceApplication">;
export type PayAnswer = ResponseOf<"payAssistanceApplication">;

/** The portal's door: the declaration (kind, household size, per-capita income), its preview, the person's applications. */
export type MyDeclaration = BodyOf<"myAssistancePreview">;
export type MyAssistancePreview = ResponseOf<"myAssistancePreview">;
export type MyApplicationBody = BodyOf<"myAssistanceApply">;

export const APPLICATION_STATES: readonly ApplicationState[] = ["submitted", "approved", "rejected", "paid"];
export const APPLICATION_KINDS: readonly ApplicationKind[] = ["application", "secondary"];
