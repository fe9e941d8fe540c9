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
