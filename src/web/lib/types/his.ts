/** The hospital interface's credentials and refusals (src/api/v1/hisCredentials.ts is the truth for the shapes). */
import type { IsoDateTime } from "./common";

export interface HisCredential {
  access_key: string;
  fixmedins_code: string;
  fingerprint: string;
  status: "active" | "revoked";
  issued_at: IsoDateTime;
  issued_by: string;
  rotated_at: IsoDateTime | null;
  rotated_by: string | null;
  revoked_at: IsoDateTime | null;
  revoked_by: string | null;
  previous_valid_until: IsoDateTime | null;
}

/** As issued or rotated: the secret is in this answer only. */
export interface IssuedHisCredential extends HisCredential {
  secret: string;
}

export interface HisRefusal {
  id: number;
  at: IsoDateTime;
  address: string | null;
  access_key: string | null;
  fixmedins_code: string | null;
  fixmedins_name: string | null;
  infno: string | null;
  msgid: string | null;
  /** unsigned | unknown_key | revoked | bad_signature | stale_timestamp | bad_nonce | replayed_nonce | body_digest | institution_mismatch | sign_no_of_other_credential | rate_limited */
  reason: string;
  detail: string;
}

export interface HisRefusalQuery {
  page?: number;
  page_size?: number;
  fixmedins_code?: string;
  reason?: string;
  date_from?: string;
  date_to?: string;
}
