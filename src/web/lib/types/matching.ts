import type { ItemOf, ResponseOf } from "./common";

export type MatchingHospital = ItemOf<ResponseOf<"matchingOverview">["items"]>;
export type MatchingPage = ResponseOf<"listMatching">;
export type Matching = ItemOf<MatchingPage["items"]>;
export type UnmatchedCode = ItemOf<ResponseOf<"listUnmatched">["items"]>;
export type MatchingImportResult = ResponseOf<"importMatching">;
