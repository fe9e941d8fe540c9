import type { z } from "zod";
import type { Services } from "../../services/common/index.js";
import type { Queryable } from "../../store/db.js";

/** What a handler knows of the message it answers. */
export interface MessageContext {
  services: Services;
  q: Queryable;
  /** The credential the request was signed with (src/gateway/his/guard.ts). */
  access_key: string;
  infno: string;
  msgid: string;
  fixmedins_code: string;
  /** The envelope's time: the time of the transaction ("yyyy-MM-dd HH:mm:ss"). */
  inf_time: string;
  mdtrtarea_admvs: string | null;
  insuplc_admdvs: string | null;
  opter: string | null;
}

export interface HandlerResult {
  /** The answer's nodes; a list where the national answer is the list itself (5204). */
  output: Record<string, unknown> | Record<string, unknown>[];
  warnings?: string[];
  /** What changed, so that 2601 can reverse this message later. */
  effects?: Record<string, unknown>;
}

export interface Handler<S extends z.ZodType = z.ZodType> {
  infno: string;
  name: string;
  /** The input (the envelope's `input`), validated. */
  input: S;
  /** Read-only transactions read one snapshot (a read-only transaction) and are not kept in the message log. */
  readOnly: boolean;
  /**
   * A read-only transaction whose reads need no common snapshot (one statement, or reads that do not depend on each
   * other): it runs without BEGIN and COMMIT, two round trips fewer.
   */
  noSnapshot?: boolean;
  /** A lettered variant (2203A) names the transaction it varies, and says how it differs. */
  variantOf?: string;
  differences?: string;
  /** Every field of the answer, by node ("setlinfo", "result[]"; "[]" when `output` is the list): what a client may read, and what the tests hold it to. */
  output?: Readonly<Record<string, readonly string[]>>;
  /** Needs a sign-in (9001) of the hospital; only 9001 itself does not. */
  needsSignIn?: boolean;
  handle(ctx: MessageContext, input: z.output<S>): Promise<HandlerResult>;
}

export function defineHandler<S extends z.ZodType>(h: Handler<S>): Handler<S> {
  return h;
}

/** Who sent a request, from the credential that signed it (the guard, guard.ts): never from the body. */
export interface HisCaller {
  access_key: string;
  fixmedins_code: string;
  /**
   * The request's nonce, checked by the guard but not yet spent: the message spends it in its own transaction (one
   * statement with the msgid's claim, one commit). In-process callers that sign nothing leave it out.
   */
  nonce?: { value: string; at: number };
}
