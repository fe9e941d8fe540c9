import type { ItemOf, QueryOf, ResponseOf } from "./common";

export type SettlementListItem = ItemOf<ResponseOf<"listSettlements">["items"]>;
export type SettlementStatus = SettlementListItem["status"];
export type SettlementQuery = Partial<QueryOf<"listSettlements">>;

export type SettlementDetail = ResponseOf<"getSettlement">;
export type Settlement = SettlementDetail["settlement"];
/** One fund's payment (or step: every tier has one, those that paid nothing included). */
export type FundPayment = ItemOf<SettlementDetail["funds"]>;
export type SettlementStep = ItemOf<SettlementDetail["steps"]>;
export type FeeLine = ItemOf<SettlementDetail["lines"]>;

/** A settlement's list (医保结算清单, 4101/4101A), or null when its hospital has not uploaded one. */
export type SettlementListAnswer = ResponseOf<"getSettlementList">;
export type SettlementList = NonNullable<SettlementListAnswer["list"]>;
export type ListDiagnosis = ItemOf<SettlementList["diagnoses"]>;
export type ListProcedure = ItemOf<SettlementList["procedures"]>;
export type ListFeeItem = ItemOf<SettlementList["items"]>;
