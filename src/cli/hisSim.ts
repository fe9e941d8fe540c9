import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { DomainError } from "../domain/errors.js";
import { HisTargetError, loopbackServiceUrl, FIXMEDINS_CODE } from "../simulator/client.js";
import type { HospitalLevel } from "../simulator/bills.js";
import { countsForMix, parseMix, parsePersonsList, runSimulation, type SimulationReport } from "../simulator/flows.js";
import type { HisCredential } from "../lib/hisSignature.js";
import { runCommand } from "./common/io.js";

interface HisSimOptions {
  url: string;
  flows: string;
  concurrency: string;
  mix: string;
  persons?: string;
  certno?: string[];
  fixmedins: string;
  level: string;
  reverseShare: string;
  maxSeconds: string;
  seed?: string;
  timeoutMs: string;
  signIn: boolean;
  json?: boolean;
  credentials?: string;
}

/** Where `yibao serve` writes a demo database's credentials (src/cli/serve.ts). */
const DEMO_CREDENTIALS = "data/demo-his-credentials.json";

/**
 * The credential of the simulated hospital, from --credentials FILE (JSON: {credentials: [{fixmedins_code, access_key,
 * secret}]}, as `yibao his-credentials issue --json` prints and the demo writes), by default the demo's file when it exists.
 */
export function readCredential(file: string | undefined, fixmedinsCode: string, exists: (path: string) => boolean = existsSync): HisCredential {
  const path = file ?? (process.env.YIBAO_DATA ? join(process.env.YIBAO_DATA, "demo-his-credentials.json") : DEMO_CREDENTIALS);
  if (file === undefined && !exists(path)) {
    throw new DomainError("--credentials", `is required: the hospital's credential file (yibao his-credentials issue ${fixmedinsCode} --json > FILE); no demo file ${path} here`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new DomainError("--credentials", `cannot read ${path}: ${(error as Error).message}`);
  }
  const list = (parsed as { credentials?: unknown }).credentials;
  if (!Array.isArray(list)) throw new DomainError("--credentials", `${path} has no "credentials" list`);
  const found = list.find((c): c is { fixmedins_code: string; access_key: string; secret: string } =>
    typeof c === "object" && c !== null && (c as { fixmedins_code?: unknown }).fixmedins_code === fixmedinsCode);
  if (!found || typeof found.access_key !== "string" || typeof found.secret !== "string") {
    throw new DomainError("--credentials", `${path} holds no credential (access_key, secret) of ${fixmedinsCode}`);
  }
  return { access_key: found.access_key, secret: found.secret };
}

const INFNO_NAMES: Record<string, string> = {
  "9001": "签到",
  "1101": "人员信息获取",
  "2201": "门诊挂号",
  "2203": "门诊就诊信息上传",
  "2204": "门诊费用明细上传",
  "2206": "门诊预结算",
  "2207": "门诊结算",
  "2301": "住院费用明细上传",
  "2303": "住院预结算",
  "2304": "住院结算",
  "2305": "住院结算撤销",
  "2401": "入院办理",
  "2402": "出院办理",
};

function integer(value: string, option: string, min: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
    throw new DomainError(option, `must be a whole number of at least ${min}, got "${value}"`);
  }
  return n;
}

function decimal(value: string, option: string, min: number, max: number): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
    throw new DomainError(option, `must be a number from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

function readPersons(options: HisSimOptions): string[] {
  const persons: string[] = [];
  for (const arg of options.certno ?? []) persons.push(...arg.split(",").map((c) => c.trim()).filter(Boolean));
  if (options.persons) {
    let text: string;
    try {
      text = readFileSync(options.persons, "utf8");
    } catch (error) {
      throw new DomainError("--persons", `cannot read ${options.persons}: ${(error as Error).message}`);
    }
    persons.push(...parsePersonsList(text));
  }
  const unique = [...new Set(persons)];
  if (unique.length === 0) {
    throw new DomainError("persons", "none given: pass --persons FILE (one certno per line) and/or --certno CERTNO…");
  }
  return unique;
}

const ms = (v: number | null) => (v === null ? "-" : v.toFixed(1));

export function formatReport(report: SimulationReport): string {
  const lines: string[] = [];
  const planned = report.planned.outpatient + report.planned.inpatient;
  lines.push(`his-sim → ${report.url} as ${report.fixmedins_code}, ${report.concurrency} clerks, seed ${report.seed}`);
  lines.push(
    `flows: ${planned} planned (outpatient ${report.planned.outpatient}, inpatient ${report.planned.inpatient}); ` +
      `${report.ok} ok, ${report.failed} failed, ${report.aborted} cut off, ${report.notStarted} not started; ` +
      `${report.reversed} settlements reversed`,
  );
  for (const [kind, t] of Object.entries(report.byKind)) {
    lines.push(`  ${kind.padEnd(10)} ok ${t.ok}, failed ${t.failed}, cut off ${t.aborted}`);
  }
  const stopped = { flows: "all flows run", time: "time limit reached", signal: "interrupted" }[report.stoppedBy];
  lines.push(`time: ${report.seconds.toFixed(2)} s (${stopped}); ${report.flowsPerSecond.toFixed(2)} ok flows/s`);
  lines.push("latency per transaction (ms, answered calls):");
  lines.push(`  ${"infno".padEnd(6)}${"calls".padStart(8)}${"errors".padStart(8)}${"p50".padStart(9)}${"p95".padStart(9)}${"p99".padStart(9)}${"max".padStart(9)}`);
  for (const [infno, s] of Object.entries(report.latency)) {
    const mark = infno === "2207" || infno === "2304" ? " ◀ settlement" : "";
    lines.push(
      `  ${infno.padEnd(6)}${String(s.count).padStart(8)}${String(s.errors).padStart(8)}${ms(s.p50).padStart(9)}` +
        `${ms(s.p95).padStart(9)}${ms(s.p99).padStart(9)}${ms(s.max).padStart(9)}  ${INFNO_NAMES[infno] ?? ""}${mark}`,
    );
  }
  if (report.errors.length > 0) {
    lines.push("errors (first seen first):");
    for (const e of report.errors.slice(0, 5)) lines.push(`  ${String(e.count).padStart(6)} × ${e.message.split("\n")[0]}`);
    if (report.errors.length > 5) lines.push(`  … and ${report.errors.length - 5} more distinct messages (--json lists 10)`);
  }
  return lines.join("\n");
}

export function registerHisSimCommands(program: Command): void {
  program
    .command("his-sim")
    .description(
      "simulate hospitals (HIS) running outpatient and inpatient flows against a Yibao server on this machine; " +
        "stops after --flows flows or --max-seconds, whichever comes first",
    )
    .option("--url <url>", "the server (localhost / 127.0.0.0/8 / [::1] only)", "http://127.0.0.1:8080")
    .option("--flows <n>", "flows to run", "100")
    .option("--concurrency <c>", "flows at a time (each a clerk with its own sign-in)", "8")
    .option("--mix <mix>", "weights of the flows", "outpatient=0.8,inpatient=0.2")
    .option("--persons <file>", "certnos to use, one per line (# comments allowed)")
    .option("--certno <certno...>", "certnos to use (repeatable or comma-separated); with --persons, both")
    .option("--fixmedins <code>", "the hospital's 12-character fixmedins_code (its region is the treating region)", "H45100000001")
    .option("--level <lv>", "the hospital's level (medins_lv): 3 三级, 2 二级, 1 一级 — its bills follow that level's distributions (README)", "3")
    .option("--reverse-share <share>", "share of inpatient settlements reversed afterwards (2305), 0 to 1", "0")
    .option("--max-seconds <s>", "stop starting flows after this many seconds", "600")
    .option("--seed <n>", "seed of the generated flows (default random, printed in the summary)")
    .option("--timeout-ms <ms>", "per-request timeout", "30000")
    .option("--no-sign-in", "do not sign in (9001) first")
    .option("--credentials <file>", `the hospital's credential (JSON from \`yibao his-credentials issue CODE --json\`); default ${DEMO_CREDENTIALS} of a demo`)
    .option("--json", "print the summary as JSON")
    .action((options: HisSimOptions) =>
      runCommand(async () => {
        try {
          loopbackServiceUrl(options.url);
        } catch (error) {
          if (error instanceof HisTargetError) throw new DomainError("--url", error.message);
          throw error;
        }
        if (!FIXMEDINS_CODE.test(options.fixmedins)) {
          throw new DomainError("--fixmedins", `must be 12 capital letters or digits (e.g. H45100000001), got "${options.fixmedins}"`);
        }
        if (!["1", "2", "3"].includes(options.level)) throw new DomainError("--level", `must be 1, 2 or 3, got "${options.level}"`);
        const level = options.level as HospitalLevel;
        const flows = integer(options.flows, "--flows", 1);
        const concurrency = integer(options.concurrency, "--concurrency", 1);
        if (concurrency > 1000) throw new DomainError("--concurrency", "must be at most 1000");
        let mix: ReturnType<typeof parseMix>;
        try {
          mix = parseMix(options.mix);
        } catch (error) {
          throw new DomainError("--mix", (error as Error).message.replace(/^mix: /, ""));
        }
        const reverseShare = decimal(options.reverseShare, "--reverse-share", 0, 1);
        const maxSeconds = decimal(options.maxSeconds, "--max-seconds", 0.001, 7 * 86_400);
        const seed = options.seed === undefined ? undefined : integer(options.seed, "--seed", 0) >>> 0;
        const timeoutMs = integer(options.timeoutMs, "--timeout-ms", 1);
        const persons = readPersons(options);
        const credential = readCredential(options.credentials, options.fixmedins);
        if (persons.length < concurrency) {
          process.stderr.write(
            `his-sim: ${persons.length} persons for ${concurrency} clerks: a person is in one encounter at a time, ` +
              `so at most ${persons.length} flows run at once\n`,
          );
        }

        const counts = countsForMix(flows, mix);
        const bar = new SingleBar({
          stream: process.stderr,
          format: "his-sim [{bar}] {value}/{total} flows | ok {ok} failed {failed} | {rate} ok/s | {duration_formatted}",
          hideCursor: true,
          clearOnComplete: false,
          // Redraws cost the simulator CPU that the server being measured could use: a few a second are enough.
          fps: 5,
        });
        let ok = 0;
        let failed = 0;
        const started = performance.now();
        const interrupt = new AbortController();
        const onSigint = () => {
          process.stderr.write("\nhis-sim: interrupted, cutting off the flows running\n");
          interrupt.abort(new Error("interrupted"));
        };
        process.once("SIGINT", onSigint);
        bar.start(flows, 0, { ok, failed, rate: "0.0" });
        const cpuBefore = process.cpuUsage();
        let report: SimulationReport;
        try {
          report = await runSimulation({
            url: options.url,
            persons,
            counts,
            concurrency,
            maxSeconds,
            reverseShare,
            fixmedinsCode: options.fixmedins,
            level,
            credential,
            seed,
            timeoutMs,
            signIn: options.signIn,
            signal: interrupt.signal,
            onFlow: (result, done) => {
              if (result.ok) ok += 1;
              else if (!result.aborted) failed += 1;
              const rate = ok / Math.max(0.001, (performance.now() - started) / 1000);
              bar.update(done, { ok, failed, rate: rate.toFixed(1) });
            },
          });
        } catch (error) {
          bar.stop();
          throw new DomainError("his-sim", (error as Error).message);
        } finally {
          process.removeListener("SIGINT", onSigint);
        }
        bar.stop();
        const cpu = process.cpuUsage(cpuBefore);
        const requests = Object.values(report.latency).reduce((n, s) => n + s.count, 0);
        const cpuSeconds = (cpu.user + cpu.system) / 1e6;
        process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
        if (!options.json) {
          process.stdout.write(
            `client CPU during the run: ${cpuSeconds.toFixed(2)} s (user ${(cpu.user / 1e6).toFixed(2)}, system ` +
              `${(cpu.system / 1e6).toFixed(2)}), ${requests > 0 ? ((cpuSeconds * 1000) / requests).toFixed(3) : "-"} ms per request\n`,
          );
        }
        if (report.failed > 0 || report.aborted > 0) process.exitCode = 1;
      }),
    );
}
