/**
 * The benchmark dispatcher: `npm run bench` runs every benchmark, `npm run bench -- engine` (or several names) runs those.
 * Each writes bench/results/<name>.json: its figures, the machine (CPU model), the Node version and the date.
 * To add a benchmark, write a module exporting a Benchmark (bench/harness.ts) and add it to BENCHMARKS.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { fromRoot } from "../src/lib/paths.js";
import { apiBenchmark } from "./api.js";
import { engineBenchmark } from "./engine.js";
import { enrollmentBenchmark } from "./enrollment.js";
import type { Benchmark } from "./harness.js";
import { hisBenchmark } from "./his.js";
import { hisGrowthBenchmark } from "./hisGrowth.js";
import { importsBenchmark } from "./imports.js";
import { monitoringBenchmark } from "./monitoring.js";

const BENCHMARKS: readonly Benchmark[] = [
  engineBenchmark,
  importsBenchmark,
  hisBenchmark,
  hisGrowthBenchmark,
  enrollmentBenchmark,
  apiBenchmark,
  monitoringBenchmark,
];

const RESULTS_DIR = `${fromRoot("bench", "results")}/`;

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("--list")) {
    process.stdout.write("usage: npm run bench [-- NAME...]\n");
    for (const b of BENCHMARKS) process.stdout.write(`  ${b.name.padEnd(12)} ${b.description}\n`);
    return 0;
  }
  const unknown = argv.filter((name) => !BENCHMARKS.some((b) => b.name === name));
  if (unknown.length > 0) {
    process.stderr.write(`bench: no benchmark named ${unknown.join(", ")} (have: ${BENCHMARKS.map((b) => b.name).join(", ")})\n`);
    return 2;
  }
  const selected = argv.length === 0 ? BENCHMARKS : BENCHMARKS.filter((b) => argv.includes(b.name));
  mkdirSync(RESULTS_DIR, { recursive: true });
  for (const benchmark of selected) {
    process.stdout.write(`bench ${benchmark.name}: ${benchmark.description}\n`);
    const loadBefore = os.loadavg()[0] ?? 0;
    const { figures, summary } = await benchmark.run();
    const loadAfter = os.loadavg()[0] ?? 0;
    const record = {
      name: benchmark.name,
      description: benchmark.description,
      figures,
      machine: os.cpus()[0]?.model ?? "unknown",
      cores: os.cpus().length,
      platform: `${os.platform()} ${os.arch()}`,
      node: process.version,
      date: new Date().toISOString(),
      // Other work on the machine slows the wall-clock figures; the CPU-time figures (where given) much less.
      load_average_1min: { before: Math.round(loadBefore * 100) / 100, after: Math.round(loadAfter * 100) / 100 },
    };
    // A quick look (BENCH_HIS_QUICK …) keeps its own file: it never replaces the recorded full run.
    const stem = figures.quick === true ? `${benchmark.name}-quick` : benchmark.name;
    writeFileSync(`${RESULTS_DIR}${stem}.json`, `${JSON.stringify(record, null, 2)}\n`);
    process.stdout.write(`${summary}\n  → bench/results/${stem}.json\n`);
    if (Math.max(loadBefore, loadAfter) > os.cpus().length) {
      process.stdout.write(`  (the machine was busy: load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} on ${os.cpus().length} cores)\n`);
    }
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
