/**
 * A small HTTP/1.1 client for the HIS simulator: POSTs a body and reads the answer, on connections kept alive between
 * requests. It exists because the simulator's CPU is taken from the server it measures: at the simulator's rates
 * (~150 requests/s on loopback, 32 connections) global fetch cost about 1.3 ms of CPU per request, node:http with a
 * keep-alive agent about 0.45 ms, a bare socket about 0.2 ms. It speaks only what the simulator needs: one request at a
 * time per connection (no pipelining), answers with Content-Length, chunked or read-to-close bodies, 1xx interim
 * answers skipped, redirects refused (never followed).
 *
 * Targets are checked by the caller (loopbackServiceUrl in client.ts): this module connects where it is told.
 */
import { isIP, connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";

/** Where to send: the parts of an http(s) URL this client uses. */
export interface Http1Target {
  tls: boolean;
  /** A host name or an IP address (IPv6 without brackets). */
  host: string;
  port: number;
  /** The Host header: host[:port] as the URL writes it. */
  hostHeader: string;
  /** Path and query. */
  path: string;
}

export function http1Target(url: URL): Http1Target {
  const tls = url.protocol === "https:";
  const host = url.hostname.startsWith("[") && url.hostname.endsWith("]") ? url.hostname.slice(1, -1) : url.hostname;
  return {
    tls,
    host,
    port: url.port ? Number(url.port) : tls ? 443 : 80,
    hostHeader: url.host,
    path: `${url.pathname}${url.search}`,
  };
}

export interface Http1Answer {
  status: number;
  /** The body decoded as UTF-8. */
  text: string;
}

/** The statuses fetch would follow; this client refuses them (a redirect could point anywhere). */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_HEAD_BYTES = 64 * 1024;
const MAX_LINE_BYTES = 8 * 1024;
/** An idle connection is not reused later than this before the server's announced keep-alive timeout. */
const KEEP_ALIVE_MARGIN_MS = 1000;

type Phase = "idle" | "head" | "length" | "chunk-size" | "chunk-data" | "chunk-end" | "trailers" | "eof";

interface Exchange {
  ok(answer: Http1Answer, reusable: boolean): void;
  fail(error: unknown): void;
}

/** One connection: sends a request, parses its answer, and can then be used again. */
class Connection {
  private readonly socket: Socket;
  /** Closed or failed: never to be used again. */
  dead = false;
  /** When idle, usable until then (the server's keep-alive timeout less a margin). */
  usableUntil = Number.POSITIVE_INFINITY;
  private exchange: Exchange | null = null;
  private phase: Phase = "idle";
  /** Received bytes not parsed yet. */
  private pending: Buffer | null = null;
  private status = 0;
  private keepAlive = false;
  /** Body bytes still to come (Content-Length), or left in the current chunk. */
  private left = 0;
  private body: Buffer[] = [];

  constructor(target: Http1Target) {
    this.socket = target.tls
      ? tlsConnect({ host: target.host, port: target.port, servername: isIP(target.host) ? undefined : target.host, ALPNProtocols: ["http/1.1"] })
      : netConnect({ host: target.host, port: target.port });
    this.socket.setNoDelay(true);
    this.socket.on("data", (chunk: Buffer) => this.onData(chunk));
    this.socket.on("end", () => this.onEnd());
    this.socket.on("error", (error) => this.fail(error));
    this.socket.on("close", () => {
      this.dead = true;
      if (this.exchange) this.fail(new Error("the connection closed before the answer was complete"));
    });
  }

  /** Sends a whole request (head and body in one buffer); the answer goes to `exchange`. */
  send(request: Buffer, exchange: Exchange): void {
    this.exchange = exchange;
    this.phase = "head";
    this.pending = null;
    this.body = [];
    this.socket.ref();
    this.socket.write(request);
  }

  /** Idle between requests: it does not keep the process alive. */
  park(): void {
    this.socket.unref();
  }

  destroy(): void {
    this.dead = true;
    this.exchange = null;
    this.socket.destroy();
  }

  private fail(error: unknown): void {
    const exchange = this.exchange;
    this.destroy();
    exchange?.fail(error);
  }

  private onData(chunk: Buffer): void {
    if (!this.exchange) {
      this.destroy(); // bytes nobody asked for: this connection cannot be trusted any more
      return;
    }
    this.pending = this.pending && this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    try {
      this.parse();
    } catch (error) {
      this.fail(error);
    }
  }

  private onEnd(): void {
    if (this.exchange && this.phase === "eof") {
      this.keepAlive = false;
      this.complete();
    } else if (this.exchange) {
      this.fail(new Error("the connection closed before the answer was complete"));
    } else {
      this.destroy(); // the server closed an idle connection
    }
  }

  private parse(): void {
    while (this.exchange) {
      const buf = this.pending;
      if (!buf || buf.length === 0) return;
      switch (this.phase) {
        case "head": {
          const end = buf.indexOf("\r\n\r\n");
          if (end < 0) {
            if (buf.length > MAX_HEAD_BYTES) throw new Error(`the answer's headers exceed ${MAX_HEAD_BYTES} bytes`);
            return;
          }
          this.pending = buf.subarray(end + 4);
          this.readHead(buf.toString("latin1", 0, end));
          break;
        }
        case "length": {
          const take = Math.min(this.left, buf.length);
          this.body.push(take === buf.length ? buf : buf.subarray(0, take));
          this.left -= take;
          this.pending = take === buf.length ? null : buf.subarray(take);
          if (this.left === 0) this.complete();
          break;
        }
        case "eof":
          this.body.push(buf);
          this.pending = null;
          return;
        case "chunk-size": {
          const line = this.line(buf);
          if (line === undefined) return;
          const size = /^([0-9a-fA-F]{1,12})[ \t]*(?:;.*)?$/.exec(line);
          if (!size) throw new Error(`bad chunk size line ${JSON.stringify(line.slice(0, 40))}`);
          this.left = parseInt(size[1] as string, 16);
          this.phase = this.left === 0 ? "trailers" : "chunk-data";
          break;
        }
        case "chunk-data": {
          const take = Math.min(this.left, buf.length);
          this.body.push(take === buf.length ? buf : buf.subarray(0, take));
          this.left -= take;
          this.pending = take === buf.length ? null : buf.subarray(take);
          if (this.left === 0) this.phase = "chunk-end";
          break;
        }
        case "chunk-end": {
          const line = this.line(buf);
          if (line === undefined) return;
          if (line !== "") throw new Error("a chunk is longer than its size line says");
          this.phase = "chunk-size";
          break;
        }
        case "trailers": {
          const line = this.line(buf);
          if (line === undefined) return;
          if (line === "") this.complete();
          break;
        }
        case "idle":
          return;
      }
    }
  }

  /** Takes one CRLF-ended line off `pending`, or undefined if it has not all come yet. */
  private line(buf: Buffer): string | undefined {
    const eol = buf.indexOf("\r\n");
    if (eol < 0) {
      if (buf.length > MAX_LINE_BYTES) throw new Error(`a line of the answer exceeds ${MAX_LINE_BYTES} bytes`);
      return undefined;
    }
    this.pending = buf.subarray(eol + 2);
    return buf.toString("latin1", 0, eol);
  }

  private readHead(head: string): void {
    const lines = head.split("\r\n");
    const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: |$)/.exec(lines[0] ?? "");
    if (!statusLine) throw new Error(`not an HTTP/1.x answer: ${JSON.stringify((lines[0] ?? "").slice(0, 80))}`);
    const status = Number(statusLine[2]);
    if (status >= 100 && status < 200) {
      if (status === 101) throw new Error("the server switched protocols (HTTP 101)");
      return; // an interim answer (100 Continue, 103 Early Hints): the real one follows
    }
    let length: number | undefined;
    let transferEncoding: string | undefined;
    let connection = "";
    let keepAliveTimeoutS: number | undefined;
    let location: string | undefined;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      const colon = line.indexOf(":");
      if (colon <= 0) throw new Error(`malformed header line ${JSON.stringify(line.slice(0, 80))}`);
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === "content-length") {
        if (!/^\d{1,15}$/.test(value) || (length !== undefined && length !== Number(value))) {
          throw new Error(`bad Content-Length ${JSON.stringify(value)}`);
        }
        length = Number(value);
      } else if (name === "transfer-encoding") {
        transferEncoding = transferEncoding === undefined ? value.toLowerCase() : `${transferEncoding}, ${value.toLowerCase()}`;
      } else if (name === "connection") {
        connection = `${connection},${value.toLowerCase()}`;
      } else if (name === "keep-alive") {
        const timeout = /(?:^|,)\s*timeout=(\d+)/i.exec(value);
        if (timeout) keepAliveTimeoutS = Number(timeout[1]);
      } else if (name === "location") {
        location = value;
      }
    }
    if (REDIRECT_STATUSES.has(status)) {
      throw new Error(`redirect refused (HTTP ${status}${location ? ` to ${location}` : ""})`);
    }
    const tokens = connection.split(",").map((t) => t.trim());
    this.keepAlive = statusLine[1] === "1" ? !tokens.includes("close") : tokens.includes("keep-alive") && !tokens.includes("close");
    if (keepAliveTimeoutS !== undefined) {
      const usableMs = keepAliveTimeoutS * 1000 - KEEP_ALIVE_MARGIN_MS;
      if (usableMs <= 0) this.keepAlive = false;
      else this.usableUntil = Date.now() + usableMs;
    } else {
      this.usableUntil = Number.POSITIVE_INFINITY;
    }
    this.status = status;
    if (status === 204 || status === 304) {
      this.complete();
    } else if (transferEncoding !== undefined) {
      // Transfer-Encoding overrides Content-Length; a body not chunked last runs to the end of the connection.
      const codings = transferEncoding.split(",").map((t) => t.trim());
      if (codings[codings.length - 1] === "chunked") this.phase = "chunk-size";
      else {
        this.phase = "eof";
        this.keepAlive = false;
      }
    } else if (length !== undefined) {
      this.left = length;
      if (length === 0) this.complete();
      else this.phase = "length";
    } else {
      this.phase = "eof";
      this.keepAlive = false;
    }
  }

  private complete(): void {
    const exchange = this.exchange;
    if (!exchange) return;
    const leftover = this.pending !== null && this.pending.length > 0;
    const body = this.body.length === 1 ? (this.body[0] as Buffer) : Buffer.concat(this.body);
    const reusable = this.keepAlive && !leftover && !this.dead;
    this.exchange = null;
    this.phase = "idle";
    this.pending = null;
    this.body = [];
    if (!reusable) this.destroy();
    exchange.ok({ status: this.status, text: body.toString("utf8") }, reusable);
  }
}

/**
 * The requests in flight under each caller's signal. A long-lived signal (a whole run's) gets one abort listener,
 * however many requests it covers, instead of a listener added and removed around every request.
 */
const inFlight = new WeakMap<AbortSignal, Set<(reason: unknown) => void>>();

function onAbortOf(signal: AbortSignal, cancel: (reason: unknown) => void): () => void {
  let cancels = inFlight.get(signal);
  if (!cancels) {
    const created = new Set<(reason: unknown) => void>();
    cancels = created;
    inFlight.set(signal, created);
    signal.addEventListener(
      "abort",
      () => {
        const pending = [...created];
        created.clear();
        for (const c of pending) c(signal.reason);
      },
      { once: true },
    );
  }
  const set = cancels;
  set.add(cancel);
  return () => set.delete(cancel);
}

/**
 * Connections to one target, kept alive between requests: a request takes an idle one or opens one, and gives it back
 * when its answer is complete. As many connections as requests at once (the simulator sends one at a time per clerk).
 */
export class Http1Connections {
  private readonly idle: Connection[] = [];
  private closed = false;

  constructor(readonly target: Http1Target) {}

  /**
   * POSTs `body` (JSON) and reads the answer. Rejects with an Error saying what went wrong (no answer within
   * `timeoutMs`, a redirect, a network or protocol error), or with the reason of `signal` when it aborts.
   */
  postJson(body: string, timeoutMs: number, signal?: AbortSignal, extraHeaders: Readonly<Record<string, string>> = {}): Promise<Http1Answer> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.closed) return Promise.reject(new Error("the connections to the server are closed"));
    const bodyBytes = Buffer.byteLength(body, "utf8");
    let extra = "";
    for (const [name, value] of Object.entries(extraHeaders)) {
      // A header is one line of visible ASCII: anything else could split the request.
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || !/^[\x20-\x7e]*$/.test(value)) throw new Error(`header ${name} is not a valid HTTP header`);
      extra += `${name}: ${value}\r\n`;
    }
    const head =
      `POST ${this.target.path} HTTP/1.1\r\nHost: ${this.target.hostHeader}\r\nConnection: keep-alive\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nAccept: application/json\r\n${extra}Content-Length: ${bodyBytes}\r\n\r\n`;
    const request = Buffer.allocUnsafe(head.length + bodyBytes);
    request.write(head, 0, "latin1");
    request.write(body, head.length, "utf8");
    return new Promise<Http1Answer>((resolve, reject) => {
      const connection = this.take();
      let settled = false;
      let unwatch: (() => void) | undefined;
      const finish = () => {
        settled = true;
        clearTimeout(timer);
        unwatch?.();
      };
      const exchange: Exchange = {
        ok: (answer, reusable) => {
          if (settled) return;
          finish();
          if (reusable && !this.closed) {
            connection.park();
            this.idle.push(connection);
          } else connection.destroy();
          resolve(answer);
        },
        fail: (error) => {
          if (settled) return;
          finish();
          connection.destroy();
          reject(error);
        },
      };
      const timer = setTimeout(() => exchange.fail(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      if (signal) unwatch = onAbortOf(signal, (reason) => exchange.fail(reason));
      connection.send(request, exchange);
    });
  }

  /** Closes the idle connections now and the busy ones when their answer is in. */
  close(): void {
    this.closed = true;
    for (const connection of this.idle.splice(0)) connection.destroy();
  }

  private take(): Connection {
    const now = Date.now();
    for (let connection = this.idle.pop(); connection; connection = this.idle.pop()) {
      if (!connection.dead && now < connection.usableUntil) return connection;
      connection.destroy();
    }
    return new Connection(this.target);
  }
}
