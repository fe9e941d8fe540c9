/**
 * The machine's ceiling, measured beside the HIS benchmark: PostgreSQL's own TPC-B (pgbench, prepared statements) on a
 * scratch database created and dropped here, with the server's durability settings as they are (synchronous_commit
 * and fsync on). The HIS figure is then read against it: messages committed per second ÷ pgbench transactions per second.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);

export interface PgbenchResult {
  clients: number;
  threads: number;
  seconds: number;
  scale: number;
  tps: number;
  /** As the server runs: the settings that make a commit durable. */
  synchronous_commit: string;
  fsync: string;
}

export async function runPgbench(adminUrl: string, options: { clients: number; threads: number; seconds: number; scale: number }): Promise<PgbenchResult> {
  const name = `yibao_bench_pgbench_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
    const settings = await admin.query<{ name: string; setting: string }>(`select name, setting from pg_settings where name in ('synchronous_commit', 'fsync')`);
    const setting = (n: string) => settings.rows.find((r) => r.name === n)?.setting ?? "?";
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const target = url.toString();
    await run("pgbench", ["-i", "-q", "-s", String(options.scale), target], { maxBuffer: 16 << 20 });
    const { stdout } = await run(
      "pgbench",
      ["-c", String(options.clients), "-j", String(options.threads), "-T", String(options.seconds), "-M", "prepared", "-n", target],
      { maxBuffer: 16 << 20 },
    );
    const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout) ?? /tps = ([\d.]+)/.exec(stdout);
    if (!tps) throw new Error(`pgbench printed no tps:\n${stdout}`);
    return { ...options, tps: Number(tps[1]), synchronous_commit: setting("synchronous_commit"), fsync: setting("fsync") };
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
