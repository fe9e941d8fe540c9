/** Latencies and their percentiles per transaction. */
import type { CallRecord } from "./flow.js";

// ---------------------------------------------------------------------------------------------------------------------
// Statistics

/** Nearest-rank percentile (the smallest value with at least p% of the values at or below it) of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  if (!(p >= 0 && p <= 100)) throw new Error(`percentile must be between 0 and 100, got ${p}`);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

export interface LatencyStat {
  /** Calls made. */
  count: number;
  /** Calls answered with infcode ≠ 0 or not answered. */
  errors: number;
  /** Over every answered call (ok or not), in milliseconds. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

export class LatencyRecorder {
  private readonly samples = new Map<string, { latencies: number[]; count: number; errors: number }>();

  add(call: CallRecord): void {
    let s = this.samples.get(call.infno);
    if (!s) {
      s = { latencies: [], count: 0, errors: 0 };
      this.samples.set(call.infno, s);
    }
    s.count += 1;
    if (!call.ok) s.errors += 1;
    if (call.latencyMs !== null) s.latencies.push(call.latencyMs);
  }

  /** Per infno, in infno order. */
  summary(): Record<string, LatencyStat> {
    const out: Record<string, LatencyStat> = {};
    const round = (v: number | null) => (v === null ? null : Math.round(v * 100) / 100);
    for (const infno of [...this.samples.keys()].sort()) {
      const s = this.samples.get(infno) as { latencies: number[]; count: number; errors: number };
      const sorted = Float64Array.from(s.latencies).sort();
      const values = Array.from(sorted);
      out[infno] = {
        count: s.count,
        errors: s.errors,
        p50: round(percentile(values, 50)),
        p95: round(percentile(values, 95)),
        p99: round(percentile(values, 99)),
        max: round(values.length > 0 ? (values[values.length - 1] as number) : null),
        mean: round(values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : null),
      };
    }
    return out;
  }
}
