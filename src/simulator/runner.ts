/** The runner of many flows at a time, in a mix, bounded, with a report. */
import { setMaxListeners } from "node:events";
import type { HospitalLevel } from "./bills.js";
import { HisClient, type HisClientOptions } from "./client.js";
import { type Rng, loadFeeCatalogue, pad, seededRng } from "./fees.js";
import { FLOW_KINDS, type FlowContext, type FlowKind, type FlowResult, HospitalNumbers } from "./flow.js";
import { inpatientFlow } from "./inpatient.js";
import { outpatientFlow } from "./outpatient.js";
import { PersonPool } from "./persons.js";
import { LatencyRecorder, type LatencyStat } from "./statistics.js";

// ---------------------------------------------------------------------------------------------------------------------
// The runner

/** Parses "outpatient=0.8,inpatient=0.2" (weights, normalised). */
export function parseMix(text: string): Record<FlowKind, number> {
  const mix: Record<FlowKind, number> = { outpatient: 0, inpatient: 0 };
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-z]+)\s*=\s*(\d+(?:\.\d+)?)$/.exec(part);
    if (!m) throw new Error(`mix: "${part}" is not name=weight (e.g. outpatient=0.8,inpatient=0.2)`);
    const name = m[1] as string;
    if (!(FLOW_KINDS as readonly string[]).includes(name)) throw new Error(`mix: unknown flow "${name}" (have: ${FLOW_KINDS.join(", ")})`);
    mix[name as FlowKind] = Number(m[2]);
  }
  const total = mix.outpatient + mix.inpatient;
  if (!(total > 0)) throw new Error("mix: the weights must add up to more than 0");
  return { outpatient: mix.outpatient / total, inpatient: mix.inpatient / total };
}

/** Exact counts of each kind for `n` flows under a mix (outpatient rounded, the rest inpatient). */
export function countsForMix(n: number, mix: Record<FlowKind, number>): Record<FlowKind, number> {
  const outpatient = Math.round(n * mix.outpatient);
  return { outpatient, inpatient: n - outpatient };
}

/** The order of the run's flows: the counts asked for, shuffled (seeded). */
export function schedule(counts: Record<FlowKind, number>, rng: Rng): FlowKind[] {
  const kinds: FlowKind[] = [];
  for (const kind of FLOW_KINDS) for (let i = 0; i < counts[kind]; i++) kinds.push(kind);
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j] as FlowKind, kinds[i] as FlowKind];
  }
  return kinds;
}

export interface SimulationOptions {
  url: string;
  persons: readonly string[];
  counts: Record<FlowKind, number>;
  concurrency: number;
  /** Stop starting flows after this many seconds; default none. */
  maxSeconds?: number;
  /** After the time limit, flows still running get this long before they are cut off; default 10 s. */
  graceSeconds?: number;
  reverseShare?: number;
  fixmedinsCode?: string;
  fixmedinsName?: string;
  /** The hospital's level (medins_lv 1, 2 or 3), which sets the bills' distributions (src/simulator/bills.ts); default 3. */
  level?: HospitalLevel;
  /** Each worker is a clerk: opter = prefix + worker number, dev_no = HISSIM- + worker number. */
  opterPrefix?: string;
  seed?: number;
  timeoutMs?: number;
  /** Sign each worker in (9001) first; default true. */
  signIn?: boolean;
  /** Cuts the run off (flows running are counted as aborted). */
  signal?: AbortSignal;
  onFlow?: (result: FlowResult, done: number) => void;
  /** Sends through this fetch-compatible function instead of HTTP/1.1 connections of the clients' own (tests). */
  fetch?: HisClientOptions["fetch"];
  /** The hospital's credential: every request of every clerk is signed with it. */
  credential?: HisClientOptions["credential"];
}

export interface SimulationReport {
  url: string;
  fixmedins_code: string;
  seed: number;
  planned: Record<FlowKind, number>;
  concurrency: number;
  seconds: number;
  /** Flows that finished ok, per second of the run. */
  flowsPerSecond: number;
  ok: number;
  failed: number;
  aborted: number;
  notStarted: number;
  byKind: Record<FlowKind, { ok: number; failed: number; aborted: number }>;
  reversed: number;
  stoppedBy: "flows" | "time" | "signal";
  latency: Record<string, LatencyStat>;
  /** Distinct error messages in the order first seen (at most 10), with how often each came. */
  errors: { message: string; count: number }[];
}

export async function runSimulation(options: SimulationOptions): Promise<SimulationReport> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  const fixmedinsCode = options.fixmedinsCode ?? "H45100000001";
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const kinds = schedule(options.counts, seededRng(seed));
  const pool = new PersonPool(options.persons);
  const numbers = new HospitalNumbers();
  const recorder = new LatencyRecorder();
  const errors = new Map<string, number>();
  const byKind: SimulationReport["byKind"] = {
    outpatient: { ok: 0, failed: 0, aborted: 0 },
    inpatient: { ok: 0, failed: 0, aborted: 0 },
  };
  let reversed = 0;

  // Each clerk keeps its own connection alive through the run; they are closed when it is over.
  const clients = Array.from(
    { length: concurrency },
    (_, i) =>
      new HisClient({
        url: options.url,
        fixmedinsCode,
        fixmedinsName: options.fixmedinsName,
        opter: `${options.opterPrefix ?? "SIM"}${pad(i + 1, 3)}`,
        opterName: `模拟收费员${i + 1}`,
        devNo: `HISSIM-${pad(i + 1, 3)}`,
        timeoutMs: options.timeoutMs,
        fetch: options.fetch,
        credential: options.credential,
      }),
  );
  const catalogue = loadFeeCatalogue(clients[0]?.mdtrtareaAdmvs ?? "451000");

  const abort = new AbortController();
  setMaxListeners(0, abort.signal); // one listener per flow waiting for a person (requests share one: see http1.ts)
  const onOuterAbort = () => abort.abort(options.signal?.reason);
  if (options.signal?.aborted) abort.abort(options.signal.reason);
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });

  if (options.signIn !== false) {
    await Promise.all(
      clients.map(async (client, i) => {
        try {
          const { response, latencyMs } = await client.signIn(
            { mac: `02-00-00-00-${pad((i >> 8) & 0xff, 2)}-${pad(i & 0xff, 2)}`, ip: "127.0.0.1" },
            { signal: abort.signal },
          );
          recorder.add({ infno: "9001", latencyMs, ok: response.infcode === 0 });
        } catch (error) {
          abort.abort();
          throw new Error(`sign-in (9001) of clerk ${client.opter} failed: ${(error as Error).message}`, { cause: error });
        }
      }),
    );
  }

  const started = performance.now();
  const deadline = options.maxSeconds !== undefined ? started + options.maxSeconds * 1000 : Number.POSITIVE_INFINITY;
  let stoppedBy: SimulationReport["stoppedBy"] = "flows";
  let stopping = false;
  let hardStop: NodeJS.Timeout | undefined;
  /** The time limit: no new flows; those running get the grace period, then are cut off. */
  const timeUp = () => {
    if (stopping) return;
    stopping = true;
    stoppedBy = "time";
    hardStop = setTimeout(() => abort.abort(new Error("time limit")), (options.graceSeconds ?? 10) * 1000);
  };
  const softStop = Number.isFinite(deadline) ? setTimeout(timeUp, deadline - started) : undefined;

  let next = 0;
  let done = 0;
  const worker = async (client: HisClient) => {
    for (;;) {
      if (performance.now() >= deadline) timeUp();
      if (stopping || abort.signal.aborted) return;
      const index = next++;
      const kind = kinds[index];
      if (kind === undefined) return;
      let lease: { index: number; certno: string };
      try {
        lease = await pool.acquire(abort.signal);
      } catch {
        return; // cut off while waiting for a person
      }
      const ctx: FlowContext = {
        client,
        catalogue,
        numbers,
        rng: seededRng((seed + Math.imul(index + 1, 0x9e3779b9)) >>> 0),
        signal: abort.signal,
        reverseShare: options.reverseShare,
        ...(options.level ? { level: options.level } : {}),
      };
      let result: FlowResult;
      try {
        result = kind === "outpatient" ? await outpatientFlow(lease.certno, ctx) : await inpatientFlow(lease.certno, ctx);
      } finally {
        pool.release(lease.index);
      }
      for (const call of result.calls) recorder.add(call);
      const tally = byKind[kind];
      if (result.aborted) tally.aborted += 1;
      else if (result.ok) tally.ok += 1;
      else {
        tally.failed += 1;
        const message = result.error ?? "unknown error";
        errors.set(message, (errors.get(message) ?? 0) + 1);
      }
      if (result.reversed) reversed += 1;
      done += 1;
      options.onFlow?.(result, done);
    }
  };

  try {
    await Promise.all(clients.map((client) => worker(client)));
  } finally {
    if (softStop) clearTimeout(softStop);
    if (hardStop) clearTimeout(hardStop);
    options.signal?.removeEventListener("abort", onOuterAbort);
    for (const client of clients) client.close();
  }
  const seconds = (performance.now() - started) / 1000;
  if (options.signal?.aborted) stoppedBy = "signal";

  const ok = byKind.outpatient.ok + byKind.inpatient.ok;
  const failed = byKind.outpatient.failed + byKind.inpatient.failed;
  const aborted = byKind.outpatient.aborted + byKind.inpatient.aborted;
  return {
    url: clients[0]?.serviceUrl.href ?? options.url,
    fixmedins_code: fixmedinsCode,
    seed,
    planned: { ...options.counts },
    concurrency,
    seconds: Math.round(seconds * 1000) / 1000,
    flowsPerSecond: seconds > 0 ? Math.round((ok / seconds) * 100) / 100 : 0,
    ok,
    failed,
    aborted,
    notStarted: kinds.length - ok - failed - aborted,
    byKind,
    reversed,
    stoppedBy,
    latency: recorder.summary(),
    errors: [...errors].slice(0, 10).map(([message, count]) => ({ message, count })),
  };
}
