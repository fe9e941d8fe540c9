import type { BodyOf, ItemOf, QueryOf, ResponseOf } from "./common";

/** 高额医疗费用预警 (src/api/v1/monitoring): the list, one warning with its settlements and events, the actions, the scan. */
export type WarningSummary = ItemOf<ResponseOf<"listWarnings">["items"]>;
export type WarningDetail = ResponseOf<"getWarning">;
export type WarningState = WarningSummary["state"];
export type WarningCriterion = ItemOf<WarningSummary["criteria"]>;
export type WarningSettlement = ItemOf<WarningDetail["settlements"]>;
export type WarningEvent = ItemOf<WarningDetail["events"]>;
export type WarningAction = ItemOf<WarningDetail["allowed_actions"]>;
export type WarningQuery = Partial<QueryOf<"listWarnings">>;
export type WarningActionBody = BodyOf<"actOnWarning">;
export type WarningScan = ResponseOf<"scanWarnings">;

/** GET /me/warnings: the insured person's own warnings and what became of them. */
export type MyWarning = ItemOf<ResponseOf<"myWarnings">["items"]>;
export type MyWarningEvent = ItemOf<MyWarning["history"]>;

export const WARNING_STATES: readonly WarningState[] = ["new", "contacted", "helped", "not_eligible", "closed"];
export const WARNING_ACTIONS: readonly WarningAction[] = ["contact", "help", "not_eligible", "close"];
