/** The real server as a child process for the benchmarks that talk to it over HTTP (his, api). */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { cliCommand, PROJECT_ROOT } from "../src/lib/paths.js";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      s.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** `nodeArgs` go before the script (--cpu-prof and its kin, which node refuses in NODE_OPTIONS). */
export async function startServer(env: Record<string, string>, port: number, nodeArgs: string[] = []): Promise<ChildProcess> {
  const cli = cliCommand();
  const child = spawn(cli.command, [...nodeArgs, ...cli.args, "serve", "--no-demo"], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      if (res.ok) return child;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill("SIGKILL");
  throw new Error("the server did not start within 120 s");
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
  if (child.exitCode === null) child.kill("SIGKILL");
}
