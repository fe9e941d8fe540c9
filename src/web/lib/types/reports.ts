import type { ItemOf, QueryOf, ResponseOf } from "./common";

/** 待遇享受报表 (src/api/v1/reports/benefits.ts): tiers × kinds of care × populations, per month and for the period. */
export type BenefitReport = ResponseOf<"benefitReport">;
export type BenefitQuery = QueryOf<"benefitReport">;
export type BenefitRow = ItemOf<BenefitReport["rows"]>;
export type BenefitTier = BenefitRow["tier"];
export type BenefitCare = BenefitRow["care"];
export type BenefitPopulation = BenefitRow["population"];
export type BenefitPopulationInfo = ItemOf<BenefitReport["populations"]>;
