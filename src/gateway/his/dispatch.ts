import { createHash } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { DomainError, invariant } from "../../domain/errors.js";
import { dateTimeField, parseWith } from "../../domain/zodFields.js";
import type { Services } from "../../services/common/index.js";
import { newId, nowText, rowsOf } from "../../services/common/index.js";
import type { Queryable } from "../../store/db.js";
import { messageLog } from "../../store/schema.js";
import { recordRefusal, replayedNonceText, spendNonce } from "../../services/identity/index.js";
import { recordUnmatched, UnmatchedCodes } from "../../services/reference/index.js";
import type { HisCaller, MessageContext } from "./types.js";
import { HANDLERS, VARIANTS } from "./handlers/index.js";
import { withoutOptionalNulls } from "./lenient.js";
import { checkSignIn, SignNoOfOtherCredential } from "./handlers/identity/index.js";

function inputObject(value: unknown): unknown {
  if (typeof value !== "string") return value;
  if (value.trim() === "") return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** The request envelope of the national interface (his-interface.md, Transport). */
export const envelope = z
  .object({
    // A letter after the number is a provincial or later variant of the transaction (2203A, 2207A).
    infno: z.string().regex(/^\d{4}[A-Z]?$/, "must be a 4-digit transaction number, with a capital letter after it for a variant (2203A)"),
    msgid: z.string().length(30, "must be 30 characters: fixmedins_code (12) + yyyyMMddHHmmss (14) + sequence (4)"),
    mdtrtarea_admvs: z.string().regex(/^\d{6}$/).optional().or(z.literal("")),
    insuplc_admdvs: z.string().regex(/^\d{6}$/).optional().or(z.literal("")),
    recer_sys_code: z.string().optional(),
    dev_no: z.string().optional(),
    dev_safe_info: z.string().optional(),
    cainfo: z.string().optional(),
    signtype: z.string().optional(),
    infver: z.string().optional(),
    // Some clients type it as an integer (1 clerk, 2 self-service terminal, 3 mobile).
    opter_type: z.union([z.string(), z.number().int()]).transform(String).optional(),
    opter: z.string().optional(),
    opter_name: z.string().optional(),
    inf_time: dateTimeField.optional(),
    fixmedins_code: z.string().min(1, "is required").max(30),
    fixmedins_name: z.string().optional(),
    sign_no: z.string().optional(),
    // Kiosk middlewares send the input serialised once more, as a JSON string: the same object, read once more.
    input: z.preprocess(inputObject, z.record(z.string(), z.unknown(), "must be an object (or a JSON string of one)")).describe("object, or a JSON string of one").default({}),
  })
  .passthrough();

/** Where a HIS reads every transaction Yibao answers, with its input and output fields (docs/interface.md, served). */
export const INTERFACE_DOC_PATH = "/fsi/api/interface.md";

function unserved(infno: string): string {
  const list = `交易列表见 / the transactions served are listed at ${INTERFACE_DOC_PATH} (docs/interface.md)`;
  if (/[A-Z]$/.test(infno)) {
    return `infno: ${infno} 不支持 / not supported: not a transaction Yibao serves; of the lettered variants it serves ${VARIANTS.join(", ")}${HANDLERS.has(infno.slice(0, 4)) ? `, or send ${infno.slice(0, 4)}` : ""}; ${list}`;
  }
  return `infno: ${infno} 不支持 / not supported: not a transaction Yibao serves; ${list}`;
}

export interface ResponseEnvelope {
  infcode: 0 | -1;
  inf_refmsgid: string;
  refmsg_time: string;
  respond_time: string;
  err_msg: string | null;
  warn_msg: string | null;
  cainfo: string | null;
  signtype: string | null;
  encstype: string | null;
  output: Record<string, unknown> | Record<string, unknown>[] | null;
}

export interface DispatchLog {
  info(o: object, msg?: string): void;
  error(o: object, msg?: string): void;
}

/** JSON with keys sorted, so that the same message hashes the same whatever order its keys came in. */
function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

function answer(received: string, output: ResponseEnvelope["output"], error: string | null, warnings: string[] = []): ResponseEnvelope {
  return {
    infcode: error === null ? 0 : -1,
    inf_refmsgid: newId("YB", received.replace(" ", "T")),
    refmsg_time: received,
    respond_time: nowText(),
    err_msg: error,
    warn_msg: warnings.length > 0 ? warnings.join("；") : null,
    cainfo: null,
    signtype: null,
    encstype: null,
    output,
  };
}

/** An answer refused before any transaction runs (the 9001 rate limit of plugin.ts): infcode -1, nothing changed. */
export const refusal = (error: string): ResponseEnvelope => answer(nowText(), null, error);

/**
 * The answer to a sender the guard refused: a stable code in brackets, then what was wrong (never a secret, never an
 * internal text).
 */
export function refusedAnswer(reason: string, message: string): ResponseEnvelope {
  return answer(nowText(), null, `[${reason}] 请求被拒绝 / refused: ${message}`);
}

/** What a client is told of an error of the server: a stable code and the msgid; the detail is in the server log. */
export const INTERNAL_ERROR_CODE = "internal_error";
export function internalErrorText(msgid: string | null): string {
  return `[${INTERNAL_ERROR_CODE}] 内部错误，交易未生效 / internal error, nothing was changed${msgid ? ` (msgid ${msgid}; the server log has the details)` : ""}`;
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: string }).code === "23505") return true;
  }
  return false;
}

/** The request's nonce was spent already (a replay of a signed request): the sender is refused and logged. */
class NonceReplayed extends Error {
  constructor() {
    super("replayed nonce");
  }
}

class Replay extends Error {
  constructor(readonly response: ResponseEnvelope) {
    super("replay");
  }
}

async function previousAnswer(q: Queryable, msgid: string, hash: string): Promise<ResponseEnvelope | null> {
  const [prev] = await q.select().from(messageLog).where(eq(messageLog.msgid, msgid)).limit(1);
  if (!prev) return null;
  if (prev.request_hash !== hash) throw new DomainError("msgid", `${msgid} was used already by another message; each message needs its own msgid`);
  return prev.response as ResponseEnvelope;
}

/**
 * The first statement of a message that changes state: spends the request's nonce (when it brings one) and claims the
 * msgid with a provisional log entry that the message's answer replaces before the commit. A copy of the message being
 * answered at the same moment waits here on the msgid's key until the first commits or rolls back. "taken": a message
 * with this msgid committed already; "replayed": the nonce was spent (nothing claimed).
 */
async function claimMessage(
  q: Queryable,
  m: { msgid: string; infno: string; fixmedins_code: string; request_hash: string; request: unknown },
  caller: HisCaller,
): Promise<"claimed" | "taken" | "replayed"> {
  const request = JSON.stringify(m.request);
  const claim = sql`insert into message_log (msgid, infno, fixmedins_code, request_hash, request, response, infcode)
    select ${m.msgid}, ${m.infno}, ${m.fixmedins_code}, ${m.request_hash}, ${request}::jsonb, '{}'::jsonb, -1`;
  const nonce = caller.nonce;
  const rows = await rowsOf<{ nonce_new: boolean; claimed: boolean }>(q, nonce
    ? sql`with n as (insert into his_nonces (access_key, nonce, seen_at) values (${caller.access_key}, ${nonce.value}, ${new Date(nonce.at).toISOString()}::timestamptz)
          on conflict do nothing returning 1),
        m as (${claim} where exists (select 1 from n) on conflict (msgid) do nothing returning 1)
        select exists (select 1 from n) as nonce_new, exists (select 1 from m) as claimed`
    : sql`with m as (${claim} on conflict (msgid) do nothing returning 1) select true as nonce_new, exists (select 1 from m) as claimed`);
  const row = rows[0];
  invariant(row !== undefined, "the claim of a message answered no row");
  return !row.nonce_new ? "replayed" : row.claimed ? "claimed" : "taken";
}

/**
 * One call of the interface. The msgid is the idempotency key: a state-changing message and its log entry commit in one
 * transaction, so the same message again returns the first answer and moves no money twice. Every error answers
 * infcode -1 and changes nothing.
 */
async function refuseReplayedNonce(services: Services, caller: HisCaller, env: { infno: string | null; msgid: string | null }, log?: DispatchLog): Promise<ResponseEnvelope> {
  const message = replayedNonceText(caller.nonce?.value ?? "");
  try {
    await recordRefusal(services, {
      address: null, access_key: caller.access_key, fixmedins_code: caller.fixmedins_code, infno: env.infno, msgid: env.msgid, reason: "replayed_nonce", detail: message,
    });
  } catch (error) {
    log?.error({ err: error, refused: "replayed_nonce" }, "the refusal could not be logged");
  }
  return refusedAnswer("replayed_nonce", message);
}

/** What the guard hands on for a signed body that is not JSON. */
export const NOT_JSON: unique symbol = Symbol("not JSON");

export async function callService(services: Services, body: unknown, caller: HisCaller, log?: DispatchLog): Promise<ResponseEnvelope> {
  const hints = envelopeHints(body);
  const handler = hints.infno === null ? undefined : HANDLERS.get(hints.infno);
  // A message that changes state spends its nonce in its own transaction (claimMessage): one commit for both. Any other
  // spends it first, on its own.
  const inTransaction = caller.nonce !== undefined && handler !== undefined && !handler.readOnly;
  if (caller.nonce && !inTransaction && !(await spendNonce(services.db, caller.access_key, caller.nonce.value, caller.nonce.at))) {
    return refuseReplayedNonce(services, caller, hints, log);
  }
  const state = { committed: false };
  const response = await answerMessage(services, body, inTransaction ? caller : { access_key: caller.access_key, fixmedins_code: caller.fixmedins_code }, state, log);
  if (inTransaction && !state.committed && caller.nonce) {
    // Nothing committed, the nonce with it (a refusal, a replay of the msgid, an error): it is spent now, on its own,
    // so that a replay of this very request is refused as one.
    try {
      if (!(await spendNonce(services.db, caller.access_key, caller.nonce.value, caller.nonce.at))) return refuseReplayedNonce(services, caller, hints, log);
    } catch (error) {
      log?.error({ msgid: hints.msgid, err: error }, "the nonce could not be spent");
    }
  }
  return response;
}

/** The infno and msgid of a body, read leniently (it may be anything). */
function envelopeHints(body: unknown): { infno: string | null; msgid: string | null } {
  const o = body && typeof body === "object" ? (body as Record<string, unknown>) : {};
  return { infno: typeof o.infno === "string" ? o.infno : null, msgid: typeof o.msgid === "string" ? o.msgid.slice(0, 64) : null };
}

async function answerMessage(services: Services, body: unknown, caller: HisCaller, state: { committed: boolean }, log?: DispatchLog): Promise<ResponseEnvelope> {
  const received = nowText();
  if (body === NOT_JSON) return answer(received, null, "请求报文无法解析 / malformed request");
  let env: z.output<typeof envelope>;
  try {
    env = parseWith(envelope, withoutOptionalNulls(envelope, body));
  } catch (error) {
    return answer(received, null, error instanceof DomainError ? error.message : "请求报文无法解析 / malformed request");
  }
  // The institution is the verified credential's: a body speaking for another is refused (the guard refused it already
  // on HTTP; this holds for in-process callers too).
  if (env.fixmedins_code !== caller.fixmedins_code) {
    return answer(received, null, `[institution_mismatch] fixmedins_code: ${env.fixmedins_code} is not the institution of the credential (${caller.fixmedins_code})`);
  }
  const handler = HANDLERS.get(env.infno);
  if (!handler) return answer(received, null, unserved(env.infno));
  // The credential is part of the message: the same msgid and body from another credential is another message (its
  // first answer, a sign_no say, is not handed to whoever repeats the body).
  const hash = createHash("sha256").update(`${caller.access_key}\n`).update(stableStringify(body)).digest("hex");

  const run = async (q: Queryable): Promise<ResponseEnvelope> => {
    if (!handler.readOnly) {
      // Copies of one message arriving at once wait in the claim for the first to commit or roll back, then answer as
      // it did: without this, a copy that ran alongside would be refused by the state the first one left ("settled already").
      const claim = await claimMessage(q, { msgid: env.msgid, infno: env.infno, fixmedins_code: env.fixmedins_code, request_hash: hash, request: body }, caller);
      if (claim === "replayed") throw new NonceReplayed();
      if (claim === "taken") {
        const prev = await previousAnswer(q, env.msgid, hash);
        invariant(prev !== null, `msgid ${env.msgid} is taken but has no answer`);
        throw new Replay(prev as ResponseEnvelope);
      }
    }
    if (handler.needsSignIn !== false) await checkSignIn(services, q, caller, env.sign_no ?? null);
    const ctx: MessageContext = {
      services,
      q,
      access_key: caller.access_key,
      infno: env.infno,
      msgid: env.msgid,
      fixmedins_code: env.fixmedins_code,
      inf_time: env.inf_time ?? received,
      mdtrtarea_admvs: env.mdtrtarea_admvs || null,
      insuplc_admdvs: env.insuplc_admdvs || null,
      opter: env.opter ?? null,
    };
    const input = parseWith(handler.input, withoutOptionalNulls(handler.input, env.input), "input");
    const result = await handler.handle(ctx, input);
    const response = answer(received, result.output, null, result.warnings);
    if (!handler.readOnly) {
      await q.update(messageLog).set({ response, infcode: 0, effects: result.effects ?? null }).where(eq(messageLog.msgid, env.msgid));
    }
    return response;
  };

  try {
    // A read-only transaction still reads one snapshot: 3201 compares settlements with their ledger postings, and a
    // reversal committing between the two reads would show a difference that is not there.
    const response = handler.readOnly
      ? handler.noSnapshot
        ? await run(services.db)
        : await services.db.transaction((tx) => run(tx), { isolationLevel: "repeatable read", accessMode: "read only" })
      : await services.db.transaction((tx) => run(tx));
    state.committed = true;
    log?.info({ infno: env.infno, msgid: env.msgid, fixmedins_code: env.fixmedins_code }, handler.name);
    return response;
  } catch (error) {
    // The nonce was spent before this message's transaction: callService refuses the sender.
    if (error instanceof NonceReplayed) return answer(received, null, "replayed");
    if (error instanceof Replay) return error.response;
    if (error instanceof SignNoOfOtherCredential) {
      try {
        await recordRefusal(services, {
          address: null, access_key: caller.access_key, fixmedins_code: caller.fixmedins_code, infno: env.infno, msgid: env.msgid,
          reason: "sign_no_of_other_credential", detail: error.message,
        });
      } catch (again) {
        log?.error({ msgid: env.msgid, err: again }, "the refusal could not be logged");
      }
      return answer(received, null, `[sign_no_of_other_credential] ${error.message}`);
    }
    if (error instanceof DomainError) {
      log?.info({ infno: env.infno, msgid: env.msgid, refused: error.message }, `${handler.name} refused`);
      // The hospital codes a refusal names stay on the hospital's list of unmatched codes (the refused message changed nothing).
      if (error instanceof UnmatchedCodes) await recordUnmatched(services.database, error).catch((again: unknown) => log?.error({ msgid: env.msgid, err: again }, "the unmatched codes could not be noted"));
      return answer(received, null, error.message);
    }
    if (isUniqueViolation(error) && !handler.readOnly) {
      // The same msgid committed by a concurrent call: answer as that call did (or refuse another body).
      try {
        const prev = await previousAnswer(services.db, env.msgid, hash);
        if (prev) return prev;
      } catch (again) {
        if (again instanceof DomainError) return answer(received, null, again.message);
      }
    }
    // Stack overflows, broken invariants, driver errors: their text is for the log, never for the client.
    log?.error({ infno: env.infno, msgid: env.msgid, err: error }, `${handler.name} failed`);
    return answer(received, null, internalErrorText(env.msgid));
  }
}
