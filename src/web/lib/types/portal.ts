import type { ItemOf, ResponseOf } from "./common";

/** GET /me: the insured person's own records (src/api/v1/portal/me.ts). */
export type Me = ResponseOf<"myRecords">;
export type MyEnrollment = ItemOf<ItemOf<Me["years"]>["enrollments"]>;
export type MyContributions = MyEnrollment["contributions"];
export type MyProgress = NonNullable<Me["progress"]>;
/** A yearly limit and how much of it is used; `limit` and `remaining` are null where there is no cap. */
export type Meter = NonNullable<MyProgress["large_amount"]>;
export type Voucher = ResponseOf<"myVoucher">;
