import type { BodyOf, ItemOf, ResponseOf } from "./common";

export type User = ResponseOf<"whoAmI">["user"];
export type Role = User["role"];

export const STAFF_ROLES: readonly Role[] = ["admin", "clerk", "auditor", "hospital"];

export type SignInAnswer = ResponseOf<"signIn">;
export type SigninAttempt = ItemOf<ResponseOf<"signInLog">["items"]>;
/** A user as an administrator or auditor sees it (GET /users). */
export type UserRow = ItemOf<ResponseOf<"listUsers">["items"]>;
export type NewUserRequest = BodyOf<"createUser">;
/** A live session of a user (GET /users/{username}/sessions). */
export type UserSession = ItemOf<ResponseOf<"listUserSessions">["items"]>;
