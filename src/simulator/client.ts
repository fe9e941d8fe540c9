/**
 * A client of the hospital-facing interface (定点医药机构接口, shared/docs/his-interface.md), as a hospital information
 * system (HIS) speaks it: one JSON envelope per transaction, POSTed to /fsi/api/rsfComIfsService/callService.
 *
 * It is the client half of the HIS simulator (`yibao his-sim`), so it refuses every target that is not this machine:
 * the simulator generates load and must never send it elsewhere.
 */
import { isIP } from "node:net";
import { signRequest, type HisCredential } from "../lib/hisSignature.js";
import { http1Target, Http1Connections, type Http1Answer } from "./http1.js";

export const HIS_SERVICE_PATH = "/fsi/api/rsfComIfsService/callService";

/** The interface's times are Beijing time (UTC+8, no daylight saving), whatever the zone of this machine. */
export const CHINA_OFFSET_MINUTES = 8 * 60;

// ---------------------------------------------------------------------------------------------------------------------
// Loopback guard

/**
 * Whether `hostname` (as URL.hostname gives it) names this machine: localhost, 127.0.0.0/8, ::1 or ::ffff:127.x.x.x.
 * Names under .localhost are refused: the system resolver may ask DNS for them.
 */
export function isLoopbackHost(hostname: string): boolean {
  let host = hostname.toLowerCase();
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  if (host === "localhost") return true;
  const kind = isIP(host);
  if (kind === 4) return host.startsWith("127.");
  if (kind === 6) {
    if (host === "::1" || host === "0:0:0:0:0:0:0:1") return true;
    // IPv4-mapped loopback: WHATWG URL writes ::ffff:127.0.0.1 as ::ffff:7f00:1.
    const mapped = /^::ffff:(?:(127\.\d+\.\d+\.\d+)|(7f[0-9a-f]{2}):[0-9a-f]{1,4})$/.exec(host);
    return mapped !== null;
  }
  return false;
}

/**
 * Parses a target URL and refuses anything but http(s) to this machine. Returns the URL of the service endpoint: the
 * standard path is appended unless the URL already ends with /callService.
 */
export function loopbackServiceUrl(target: string): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new HisTargetError(`"${target}" is not a URL (expected e.g. http://127.0.0.1:8080)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new HisTargetError(`"${target}": only http:// or https:// targets are supported`);
  }
  if (!isLoopbackHost(url.hostname)) {
    throw new HisTargetError(
      `refusing target "${url.host}": the HIS simulator only sends requests to this machine ` +
        `(localhost, 127.0.0.0/8 or [::1]); it must never send load elsewhere`,
    );
  }
  if (url.username || url.password) throw new HisTargetError(`"${target}": credentials in the URL are not supported`);
  if (!url.pathname.endsWith("/callService")) url.pathname = url.pathname.replace(/\/+$/, "") + HIS_SERVICE_PATH;
  url.hash = "";
  return url;
}

// ---------------------------------------------------------------------------------------------------------------------
// Times and message ids

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

function chinaParts(ms: number, offsetMinutes: number) {
  const d = new Date(ms + offsetMinutes * 60_000);
  return {
    y: d.getUTCFullYear(),
    mo: pad(d.getUTCMonth() + 1),
    d: pad(d.getUTCDate()),
    h: pad(d.getUTCHours()),
    mi: pad(d.getUTCMinutes()),
    s: pad(d.getUTCSeconds()),
  };
}

/** "yyyy-MM-dd HH:mm:ss" in Beijing time (or the offset given). */
export function formatDateTime(ms: number, offsetMinutes = CHINA_OFFSET_MINUTES): string {
  const p = chinaParts(ms, offsetMinutes);
  return `${p.y}-${p.mo}-${p.d} ${p.h}:${p.mi}:${p.s}`;
}

/** "yyyy-MM-dd" in Beijing time (or the offset given). */
export function formatDate(ms: number, offsetMinutes = CHINA_OFFSET_MINUTES): string {
  return formatDateTime(ms, offsetMinutes).slice(0, 10);
}

/** "yyyyMMddHHmmss" in Beijing time (or the offset given). */
export function formatCompactTime(ms: number, offsetMinutes = CHINA_OFFSET_MINUTES): string {
  const p = chinaParts(ms, offsetMinutes);
  return `${p.y}${p.mo}${p.d}${p.h}${p.mi}${p.s}`;
}

export const MSGID_SEQUENCE_SPACE = 10_000;

/**
 * A logical clock for message ids: hands out (second, sequence) pairs, sequence 0000–9999, that never repeat. It follows
 * the wall clock while that moves forward; past 10,000 ids in one second it rolls its second forward, and it never goes
 * back (a wall clock stepped back, or one still behind a rolled-forward second, leaves it where it is).
 */
export class MsgidClock {
  private second = Number.NEGATIVE_INFINITY;
  private seq = -1;

  constructor(private readonly now: () => number = Date.now) {}

  next(): { second: number; seq: number } {
    const wall = Math.floor(this.now() / 1000);
    if (wall > this.second) {
      this.second = wall;
      this.seq = 0;
    } else if (this.seq + 1 < MSGID_SEQUENCE_SPACE) {
      this.seq += 1;
    } else {
      this.second += 1;
      this.seq = 0;
    }
    return { second: this.second, seq: this.seq };
  }
}

const sharedClocks = new Map<string, MsgidClock>();

/**
 * The process-wide clock of one medical institution's message ids: every client in this process with that
 * fixmedins_code draws from it, so that concurrent clients of the same hospital can never produce the same msgid.
 */
export function sharedMsgidClock(fixmedinsCode: string): MsgidClock {
  let clock = sharedClocks.get(fixmedinsCode);
  if (!clock) {
    clock = new MsgidClock();
    sharedClocks.set(fixmedinsCode, clock);
  }
  return clock;
}

export const FIXMEDINS_CODE = /^[A-Z0-9]{12}$/;

/** msgid = fixmedins_code (12) + yyyyMMddHHmmss (14, Beijing time) + sequence (4): 30 characters. */
export function formatMsgid(fixmedinsCode: string, second: number, seq: number, offsetMinutes = CHINA_OFFSET_MINUTES): string {
  return `${fixmedinsCode}${formatCompactTime(second * 1000, offsetMinutes)}${pad(seq, 4)}`;
}

// ---------------------------------------------------------------------------------------------------------------------
// Envelopes

export interface HisRequestEnvelope<I = unknown> {
  infno: string;
  msgid: string;
  mdtrtarea_admvs: string;
  insuplc_admdvs: string;
  recer_sys_code: string;
  dev_no: string;
  dev_safe_info: string;
  cainfo: string;
  signtype: string;
  infver: string;
  opter_type: string;
  opter: string;
  opter_name: string;
  inf_time: string;
  fixmedins_code: string;
  fixmedins_name: string;
  sign_no: string;
  input: I;
}

export interface HisResponseEnvelope<O = unknown> {
  /** 0 success, -1 failure (a string "0"/"-1" on the wire is normalised to a number). */
  infcode: number;
  inf_refmsgid?: string;
  refmsg_time?: string;
  respond_time?: string;
  err_msg?: string | null;
  warn_msg?: string | null;
  cainfo?: string | null;
  signtype?: string | null;
  encstype?: string | null;
  output?: O;
  [extra: string]: unknown;
}

/** The interface answered infcode -1 (or something other than 0). */
export class HisInterfaceError extends Error {
  constructor(
    readonly infno: string,
    readonly msgid: string,
    readonly infcode: number,
    readonly errMsg: string,
    readonly response: HisResponseEnvelope,
  ) {
    super(`${infno} failed (infcode ${infcode}, msgid ${msgid}): ${errMsg || "no err_msg given"}`);
    this.name = "HisInterfaceError";
  }
}

/** No usable answer: a network error, a timeout, an HTTP error without an envelope, or a body that is not an envelope. */
export class HisTransportError extends Error {
  constructor(
    readonly infno: string,
    readonly msgid: string,
    /** What went wrong, without the msgid (so that the same failure reads the same every time). */
    readonly reason: string,
    readonly status?: number,
  ) {
    super(`${infno} (msgid ${msgid}): ${reason}`);
    this.name = "HisTransportError";
  }
}

/** A target this simulator refuses (not this machine, not http). */
export class HisTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HisTargetError";
  }
}

export interface HisClientOptions {
  /** The server, e.g. http://127.0.0.1:8080 (loopback only). */
  url: string;
  /** The hospital's 12-character code (定点医药机构编号), e.g. H45100000001. */
  fixmedinsCode: string;
  fixmedinsName?: string;
  /** Treating region; by default read from a code H/P + 6-digit region + 5 digits, else 451000. */
  mdtrtareaAdmvs?: string;
  /** The clerk (经办人) and the device; give each concurrent client its own. */
  opter?: string;
  opterName?: string;
  /** 1 clerk, 2 self-service terminal, 3 mobile. */
  opterType?: "1" | "2" | "3";
  devNo?: string;
  devSafeInfo?: string;
  recerSysCode?: string;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
  /** Source of message ids; default the process-wide clock of this fixmedins_code. */
  clock?: MsgidClock;
  /** Wall clock for inf_time; default Date.now. */
  now?: () => number;
  /** Offset of the interface's times from UTC; default Beijing time (+480). */
  offsetMinutes?: number;
  /** Sends through this fetch-compatible function instead of the client's own HTTP/1.1 connections (tests). */
  fetch?: typeof fetch;
  /**
   * The institution's credential, issued by the bureau (`yibao his-credentials issue`): every request is signed with it
   * (src/lib/hisSignature.ts). Without one the requests go unsigned, and a Yibao server refuses them.
   */
  credential?: HisCredential;
}

export interface CallOptions {
  /** The insured region; required by the interface whenever the input carries psn_no. */
  insuplcAdmdvs?: string;
  /** Default true: an answer with infcode ≠ 0 throws HisInterfaceError. */
  throwOnError?: boolean;
  signal?: AbortSignal;
}

export interface TimedResponse<O = unknown> {
  request: HisRequestEnvelope;
  response: HisResponseEnvelope<O>;
  /** Milliseconds from sending the request to having parsed the answer. */
  latencyMs: number;
}

function regionOf(fixmedinsCode: string): string | undefined {
  const m = /^[HP](\d{6})\d{5}$/.exec(fixmedinsCode);
  return m?.[1];
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    // A connection to a name with several addresses (localhost: ::1 and 127.0.0.1) fails with an AggregateError that
    // has no message of its own.
    const message =
      error.message ||
      (error instanceof AggregateError ? error.errors.map((e) => errorMessage(e)).join("; ") : "") ||
      String((error as Error & { code?: unknown }).code ?? error.name);
    return cause instanceof Error ? `${message}: ${cause.message}` : message;
  }
  return String(error);
}

/** Normalises a parsed body into a response envelope, or says why it is not one. */
export function asResponseEnvelope(body: unknown): HisResponseEnvelope | string {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return "the answer is not a JSON object";
  const record = body as Record<string, unknown>;
  const code = typeof record.infcode === "string" && record.infcode.trim() !== "" ? Number(record.infcode) : record.infcode;
  if (typeof code !== "number" || !Number.isInteger(code)) return `the answer has no integer infcode (got ${JSON.stringify(record.infcode)})`;
  return code === record.infcode ? (record as HisResponseEnvelope) : ({ ...record, infcode: code } as HisResponseEnvelope);
}

export class HisClient {
  readonly serviceUrl: URL;
  readonly fixmedinsCode: string;
  readonly fixmedinsName: string;
  readonly mdtrtareaAdmvs: string;
  readonly opter: string;
  readonly opterName: string;
  readonly opterType: string;
  readonly devNo: string;
  readonly devSafeInfo: string;
  readonly recerSysCode: string;
  /** sign_no from the last successful 9001; "" before signing in. */
  signNo = "";
  private readonly timeoutMs: number;
  private readonly clock: MsgidClock;
  private readonly now: () => number;
  private readonly offsetMinutes: number;
  private readonly fetchImpl: typeof fetch | undefined;
  private readonly credential: HisCredential | undefined;
  /** Kept-alive connections to the service (src/simulator/http1.ts): global fetch would cost several times the CPU. */
  private readonly connections: Http1Connections;

  constructor(options: HisClientOptions) {
    this.serviceUrl = loopbackServiceUrl(options.url);
    if (!FIXMEDINS_CODE.test(options.fixmedinsCode)) {
      throw new HisTargetError(`fixmedins_code must be 12 capital letters or digits (e.g. H45100000001), got "${options.fixmedinsCode}"`);
    }
    this.fixmedinsCode = options.fixmedinsCode;
    this.fixmedinsName = options.fixmedinsName ?? "百色市模拟医院";
    this.mdtrtareaAdmvs = options.mdtrtareaAdmvs ?? regionOf(options.fixmedinsCode) ?? "451000";
    this.opter = options.opter ?? "0001";
    this.opterName = options.opterName ?? "模拟收费员";
    this.opterType = options.opterType ?? "1";
    this.devNo = options.devNo ?? "";
    this.devSafeInfo = options.devSafeInfo ?? "";
    this.recerSysCode = options.recerSysCode ?? "YIBAO";
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.clock = options.clock ?? sharedMsgidClock(options.fixmedinsCode);
    this.now = options.now ?? Date.now;
    this.offsetMinutes = options.offsetMinutes ?? CHINA_OFFSET_MINUTES;
    this.fetchImpl = options.fetch;
    this.credential = options.credential;
    this.connections = new Http1Connections(http1Target(this.serviceUrl));
  }

  /**
   * Closes the client's connections (those in use once their answer is in); it sends nothing afterwards. Idle
   * connections do not keep the process alive, so this is tidiness rather than a duty.
   */
  close(): void {
    this.connections.close();
  }

  /** A fresh message id (never repeated by this process for this fixmedins_code). */
  nextMsgid(): string {
    const { second, seq } = this.clock.next();
    return formatMsgid(this.fixmedinsCode, second, seq, this.offsetMinutes);
  }

  /** The envelope of one request, with a fresh msgid. */
  buildRequest<I>(infno: string, input: I, options: Pick<CallOptions, "insuplcAdmdvs"> = {}): HisRequestEnvelope<I> {
    if (!/^\d{4}$/.test(infno)) throw new Error(`infno must be 4 digits, got "${infno}"`);
    return {
      infno,
      msgid: this.nextMsgid(),
      mdtrtarea_admvs: this.mdtrtareaAdmvs,
      insuplc_admdvs: options.insuplcAdmdvs ?? "",
      recer_sys_code: this.recerSysCode,
      dev_no: this.devNo,
      dev_safe_info: this.devSafeInfo,
      cainfo: "",
      signtype: "SM3",
      infver: "V1.0",
      opter_type: this.opterType,
      opter: this.opter,
      opter_name: this.opterName,
      inf_time: formatDateTime(this.now(), this.offsetMinutes),
      fixmedins_code: this.fixmedinsCode,
      fixmedins_name: this.fixmedinsName,
      sign_no: this.signNo,
      input,
    };
  }

  /** Sends one transaction; returns the answer and its latency. */
  async timedCall<O = unknown>(infno: string, input: unknown, options: CallOptions = {}): Promise<TimedResponse<O>> {
    const request = this.buildRequest(infno, input, options);
    const body = JSON.stringify(request);
    const outer = options.signal;
    const started = performance.now();
    // Signed at the moment of sending, with a fresh nonce: the server's replay window is counted from here.
    const headers: Record<string, string> = this.credential ? signRequest(this.credential, body) : {};
    let answer: Http1Answer;
    try {
      answer = this.fetchImpl
        ? await this.postWithFetch(this.fetchImpl, body, outer, headers)
        : await this.connections.postJson(body, this.timeoutMs, outer, headers);
    } catch (error) {
      if (outer?.aborted) throw error; // the caller's own abort, not a failure of the server
      throw new HisTransportError(infno, request.msgid, `request to ${this.serviceUrl.href} failed: ${errorMessage(error)}`);
    }
    const latencyMs = performance.now() - started;
    const { status, text } = answer;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new HisTransportError(infno, request.msgid, `HTTP ${status}, not JSON: ${text.slice(0, 200)}`, status);
    }
    const response = asResponseEnvelope(parsed);
    if (typeof response === "string") {
      throw new HisTransportError(infno, request.msgid, `HTTP ${status}: ${response}: ${text.slice(0, 200)}`, status);
    }
    if (response.infcode !== 0 && options.throwOnError !== false) {
      throw new HisInterfaceError(infno, request.msgid, response.infcode, String(response.err_msg ?? ""), response);
    }
    return { request, response: response as HisResponseEnvelope<O>, latencyMs };
  }

  /**
   * POSTs through a fetch-compatible function (tests). Rejects as postJson does: with an Error saying what went wrong,
   * or with the reason of the caller's signal.
   */
  private async postWithFetch(fetchImpl: typeof fetch, body: string, outer: AbortSignal | undefined, signed: Record<string, string>): Promise<Http1Answer> {
    // One controller per request, for the timeout and the caller's signal.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    const onAbort = () => controller.abort(outer?.reason);
    if (outer?.aborted) controller.abort(outer.reason);
    else outer?.addEventListener("abort", onAbort, { once: true });
    try {
      const answer = await fetchImpl(this.serviceUrl, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8", accept: "application/json", ...signed },
        body,
        // A redirect could point anywhere: never follow one.
        redirect: "error",
        signal: controller.signal,
      });
      return { status: answer.status, text: await answer.text() };
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener("abort", onAbort);
    }
  }

  /** Sends one transaction; returns the answer envelope (throws on infcode -1 unless throwOnError is false). */
  async call<O = unknown>(infno: string, input: unknown, options: CallOptions = {}): Promise<HisResponseEnvelope<O>> {
    return (await this.timedCall<O>(infno, input, options)).response;
  }

  /** 9001 sign-in: stores and returns sign_no, sent in every later request. */
  async signIn(signIn: { opter_no?: string; mac: string; ip: string }, options: CallOptions = {}): Promise<TimedResponse> {
    const result = await this.timedCall<{ signinoutb?: { sign_no?: unknown } }>(
      "9001",
      { signIn: { opter_no: signIn.opter_no ?? this.opter, mac: signIn.mac, ip: signIn.ip } },
      options,
    );
    const signNo = result.response.output?.signinoutb?.sign_no;
    if (result.response.infcode === 0) {
      if (typeof signNo !== "string" && typeof signNo !== "number") {
        throw new HisTransportError("9001", result.request.msgid, "the answer has no output.signinoutb.sign_no");
      }
      this.signNo = String(signNo);
    }
    return result;
  }
}
