import type { IsoDateTime } from "./common";

export type Role = "admin" | "clerk" | "auditor" | "hospital" | "insured";

export const STAFF_ROLES: readonly Role[] = ["admin", "clerk", "auditor", "hospital"];

export interface User {
  username: string;
  display_name: string;
  role: Role;
  /** The role in Chinese. */
  role_name: string;
  admdvs: string;
  admdvs_name: string;
  fixmedins_code: string | null;
  fixmedins_name: string | null;
  psn_no: string | null;
  /** An administrator reset the password: the session may only change it (every other route answers 403). */
  must_change_password: boolean;
  /** The year pages open on: this year once it has a settlement in the user's scope, else the latest that has. */
  working_year: number;
}

export interface SignInAnswer {
  /** The session token (the cookie carries it too; scripts may send it as a bearer token). */
  token: string;
  expires_at: IsoDateTime;
  user: User;
}

export interface SigninAttempt {
  at: IsoDateTime;
  username: string;
  display_name: string | null;
  ip: string | null;
  user_agent: string | null;
  success: boolean;
  /** ok | bad_password | lockout | locked | unknown_user | inactive */
  reason: string;
}

/** A user as an administrator or auditor sees it (GET /users). */
export interface UserRow {
  username: string;
  display_name: string;
  role: Role;
  role_name: string;
  admdvs: string;
  admdvs_name: string;
  fixmedins_code: string | null;
  psn_no: string | null;
  active: boolean;
  locked_until: IsoDateTime | null;
  failed_attempts: number;
  must_change_password: boolean;
  created_at: IsoDateTime;
  last_signin_at: IsoDateTime | null;
}

export interface NewUserRequest {
  username: string;
  display_name: string;
  role: Role;
  admdvs: string;
  password: string;
  fixmedins_code?: string;
  certno?: string;
}

/** A live session of a user (GET /users/{username}/sessions). */
export interface UserSession {
  created_at: IsoDateTime;
  last_seen_at: IsoDateTime;
  expires_at: IsoDateTime;
  idle_expires_at: IsoDateTime;
  ip: string | null;
  user_agent: string | null;
  current: boolean;
}
