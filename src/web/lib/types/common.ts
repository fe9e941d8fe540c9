/**
 * Shapes shared by many answers of /api/v1, and the means to name any of them: every answer, query and body type of
 * the console is a view of ../api.gen.ts, generated from the server's OpenAPI document (npm run api-types), so that a
 * change of a route's zod schema that the console does not follow fails `tsc -p src/web`. Money is yuan (a number with
 * at most two decimals); dates are YYYY-MM-DD.
 */
import type { components, operations } from "../api.gen";

export type Operation = keyof operations;
type Json<R> = R extends { content: { "application/json": infer B } } ? B : never;
type Success<R> = R extends { 200: infer A } ? Json<A> : R extends { 201: infer C } ? Json<C> : never;

/** The answer of an operation (by its operationId), as the server's schema says. */
export type ResponseOf<O extends Operation> = Success<operations[O]["responses"]>;
/** The query parameters of an operation. */
export type QueryOf<O extends Operation> = operations[O]["parameters"] extends { query?: infer Q } ? NonNullable<Q> : never;
/** The JSON body of an operation. */
export type BodyOf<O extends Operation> = operations[O] extends { requestBody: infer B } ? Json<NonNullable<B>> : never;
/** One item of a list. */
export type ItemOf<L> = L extends readonly (infer T)[] ? T : never;

export type Yuan = number;
/** YYYY-MM-DD */
export type IsoDate = string;
/** An ISO 8601 date-time. */
export type IsoDateTime = string;

/** A page of a list: items, page, page_size, total (counted up to 10,000) and total_capped. */
export type Paged<T> = Omit<ResponseOf<"searchPersons">, "items"> & { items: T[] };

/** page and page_size, as every list takes them. */
export type PageQuery = Partial<Pick<QueryOf<"searchPersons">, "page" | "page_size">>;

/** The body of every error answer. */
export type ApiErrorBody = components["schemas"]["Error"]["error"];

export type Category = NonNullable<QueryOf<"subsidyRegister">["category"]>;

export const CATEGORIES: readonly Category[] = [
  "destitute", "orphan", "de_facto_orphan", "minimum_living", "low_income", "monitored", "lifted", "illness_impoverished",
];
