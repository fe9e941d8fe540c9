/**
 * The HIS-interface benchmark, for the bench dispatcher (bench/run.ts) to wrap: X outpatient and Y inpatient flows
 * (src/simulator/flows.ts) against a running server on this machine, at a given concurrency.
 */
import type { HospitalLevel } from "./bills.js";
import type { HisCredential } from "../lib/hisSignature.js";
import { runSimulation, type LatencyStat, type SimulationReport } from "./flows.js";

export interface HisBenchOptions {
  /** The server, loopback only, e.g. http://127.0.0.1:8080. */
  url: string;
  /** certnos known to the server; used round-robin, one encounter at a time per person. */
  persons: readonly string[];
  outpatient: number;
  inpatient: number;
  concurrency: number;
  fixmedinsCode?: string;
  /** The hospital's level (its bills' distributions); default 3 (三级). */
  level?: HospitalLevel;
  /** The credential of fixmedinsCode (the server refuses unsigned requests). */
  credential?: HisCredential;
  /** Stop starting flows after this long; default 600 s. */
  maxSeconds?: number;
  /** Share of inpatient settlements reversed (2305); default 0. */
  reverseShare?: number;
  seed?: number;
}

export interface HisBenchResult {
  /** Flows that finished ok, per second. */
  flowsPerSecond: number;
  /** Milliseconds, per infno (1101, 2201, …, 2207, 2301, …, 2304). */
  p50: Record<string, number | null>;
  p99: Record<string, number | null>;
  ok: number;
  failed: number;
  aborted: number;
  seconds: number;
  /** The whole report (p95, max, counts, errors). */
  report: SimulationReport;
}

function byInfno(latency: Record<string, LatencyStat>, key: "p50" | "p99"): Record<string, number | null> {
  return Object.fromEntries(Object.entries(latency).map(([infno, stat]) => [infno, stat[key]]));
}

export async function runHisBench(options: HisBenchOptions): Promise<HisBenchResult> {
  const report = await runSimulation({
    url: options.url,
    persons: options.persons,
    counts: { outpatient: options.outpatient, inpatient: options.inpatient },
    concurrency: options.concurrency,
    fixmedinsCode: options.fixmedinsCode,
    ...(options.level ? { level: options.level } : {}),
    credential: options.credential,
    maxSeconds: options.maxSeconds ?? 600,
    reverseShare: options.reverseShare ?? 0,
    seed: options.seed,
  });
  return {
    flowsPerSecond: report.flowsPerSecond,
    p50: byInfno(report.latency, "p50"),
    p99: byInfno(report.latency, "p99"),
    ok: report.ok,
    failed: report.failed,
    aborted: report.aborted,
    seconds: report.seconds,
    report,
  };
}
