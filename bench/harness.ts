/**
 * What a benchmark is, and the timing loop they share. A benchmark is an entry in BENCHMARKS (bench/run.ts): a name, a
 * line saying what it measures, and a function returning its figures (written to bench/results/<name>.json).
 */

export interface BenchmarkResult {
  /** The figures, as written to the results file. */
  figures: Record<string, unknown>;
  /** One or two lines for the terminal. */
  summary: string;
}

export interface Benchmark {
  name: string;
  description: string;
  run(): Promise<BenchmarkResult> | BenchmarkResult;
}

export interface ThroughputOptions {
  /** Seconds of untimed work first, so that the JIT has compiled the hot paths. */
  warmupSeconds: number;
  /** Timed runs; the median is reported. */
  runs: number;
  /** Each timed run repeats whole passes until at least this many seconds have passed. */
  minSecondsPerRun: number;
}

export interface ThroughputRun {
  ops: number;
  seconds: number;
  ops_per_second: number;
  /** CPU time this process used (user + system, V8's helper threads included): less sensitive to a busy machine. */
  cpu_seconds: number;
  ops_per_cpu_second: number;
}

export interface Throughput {
  /** Median over the timed runs (wall clock). */
  ops_per_second: number;
  us_per_op: number;
  /** Median over the timed runs (CPU time of this process). */
  ops_per_cpu_second: number;
  cpu_us_per_op: number;
  warmup_ops: number;
  runs: ThroughputRun[];
}

/** Defaults, overridable for a quick look: BENCH_RUNS=1 BENCH_SECONDS=0.5 npm run bench -- engine. */
export function throughputOptions(defaults: ThroughputOptions): ThroughputOptions {
  const num = (name: string, fallback: number) => {
    const v = Number(process.env[name]);
    return process.env[name] !== undefined && Number.isFinite(v) && v > 0 ? v : fallback;
  };
  return {
    warmupSeconds: num("BENCH_WARMUP", defaults.warmupSeconds),
    runs: Math.round(num("BENCH_RUNS", defaults.runs)),
    minSecondsPerRun: num("BENCH_SECONDS", defaults.minSecondsPerRun),
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const now = () => Number(process.hrtime.bigint()) / 1e9;

/**
 * Throughput of `pass`, which does one unit of work and returns how many operations it did. Single-threaded: this
 * measures one core (V8's background GC threads aside).
 */
export function measureThroughput(pass: () => number, options: ThroughputOptions): Throughput {
  let warmupOps = 0;
  const warmupEnd = now() + options.warmupSeconds;
  do warmupOps += pass();
  while (now() < warmupEnd);

  const runs: ThroughputRun[] = [];
  for (let r = 0; r < options.runs; r++) {
    let ops = 0;
    const start = now();
    const cpuStart = process.cpuUsage();
    let elapsed: number;
    do {
      ops += pass();
      elapsed = now() - start;
    } while (elapsed < options.minSecondsPerRun);
    const cpu = process.cpuUsage(cpuStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    runs.push({
      ops,
      seconds: round(elapsed, 3),
      ops_per_second: Math.round(ops / elapsed),
      cpu_seconds: round(cpuSeconds, 3),
      ops_per_cpu_second: Math.round(ops / cpuSeconds),
    });
  }
  const opsPerSecond = median(runs.map((r) => r.ops / r.seconds));
  const opsPerCpuSecond = median(runs.map((r) => r.ops / r.cpu_seconds));
  return {
    ops_per_second: Math.round(opsPerSecond),
    us_per_op: round(1e6 / opsPerSecond, 3),
    ops_per_cpu_second: Math.round(opsPerCpuSecond),
    cpu_us_per_op: round(1e6 / opsPerCpuSecond, 3),
    warmup_ops: warmupOps,
    runs,
  };
}

export function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}
