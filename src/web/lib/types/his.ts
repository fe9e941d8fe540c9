import type { ItemOf, QueryOf, ResponseOf } from "./common";

/** An institution's credential on the hospital interface, as the bureau sees it (never its secret). */
export type HisCredential = ItemOf<ResponseOf<"listHisCredentials">["items"]>;
/** A credential just issued or rotated: the secret, shown this once. */
export type IssuedHisCredential = ResponseOf<"issueHisCredential">;
/** A request the interface refused for who sent it. */
export type HisRefusal = ItemOf<ResponseOf<"listHisRefusals">["items"]>;
export type HisRefusalQuery = Partial<QueryOf<"listHisRefusals">>;
