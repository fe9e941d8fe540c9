import type { BodyOf, ItemOf, QueryOf, ResponseOf } from "./common";

export type DuplicateCase = ResponseOf<"getDuplicate">;
export type DuplicateKind = DuplicateCase["kind"];
export type DuplicateStatus = DuplicateCase["status"];
export type DuplicateQuery = Partial<QueryOf<"listDuplicates">>;
export type ScanResult = ResponseOf<"scanDuplicates">;
export type ResolveRequest = BodyOf<"resolveDuplicate">;
export type ResolveResult = ResponseOf<"resolveDuplicate">;
export type ResolveAllResult = ResponseOf<"resolveAllDuplicates">;
export type DuplicateEnrollment = ItemOf<DuplicateCase["enrollments"]>;
