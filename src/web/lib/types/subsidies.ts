import type { ItemOf, ResponseOf } from "./common";

/** GET /contributions: the 资助参保 register. */
export type SubsidyRegister = ResponseOf<"subsidyRegister">;
export type RegisterLine = ItemOf<SubsidyRegister["items"]>;
export type RecomputeResult = ResponseOf<"recomputeSubsidies">;
export type Coverage = ResponseOf<"coverage">;
export type CoverageRow = ItemOf<Coverage["rows"]>;
export type SubsidyStatistics = ResponseOf<"subsidyStatistics">;
export type SubsidyStatisticsRow = ItemOf<SubsidyStatistics["rows"]>;
/** POST /rosters (the synchronous upload). */
export type RosterImportResult = ResponseOf<"importRoster">;
