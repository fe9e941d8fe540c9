/**
 * Where the server's time goes: a V8 CPU profile (node --cpu-prof) summed by self time into the parts of the work —
 * the settlement engine and the other rules (src/domain), SQL (the drivers and drizzle), JSON, HTTP (Fastify and
 * node's HTTP), validation (zod), the rest of Yibao's code, garbage collection, idle.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export const PARTS = ["engine", "sql", "json", "http", "validation", "yibao", "node", "gc", "idle", "other"] as const;
export type Part = (typeof PARTS)[number];

export function partOf(frame: ProfileNode["callFrame"]): Part {
  const { url, functionName } = frame;
  if (functionName === "(idle)") return "idle";
  if (functionName === "(garbage collector)") return "gc";
  if (/JSON|stringify|parse$/.test(functionName) && !url.includes("/src/")) return "json";
  if (/\/src\/domain\//.test(url)) return "engine";
  if (/node_modules\/(pg|pg-protocol|pg-pool|pg-types|@electric-sql|drizzle-orm)\//.test(url)) return "sql";
  if (/node_modules\/(fastify|@fastify|find-my-way|light-my-request|avvio|pino|thread-stream|fast-json-stringify)/.test(url) || /^node:(_)?http|node:net|node:stream/.test(url)) return "http";
  if (/node_modules\/zod\//.test(url)) return "validation";
  if (/\/(src|dist\/src)\//.test(url)) return "yibao";
  if (url.startsWith("node:")) return "node";
  return "other";
}

/** Self time in milliseconds per part, over every profile file in `dir` (one per process). */
export function summariseProfiles(dir: string): {
  total_ms: number;
  parts: Record<Part, { ms: number; share: number }>;
  /** The functions with the most self time (not idle), "function file:line", for where to look next. */
  top: { fn: string; ms: number }[];
} {
  const ms = Object.fromEntries(PARTS.map((p) => [p, 0])) as Record<Part, number>;
  const byFunction = new Map<string, number>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"))) {
    const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, i) => {
      const node = byId.get(id);
      if (!node) return;
      const t = (profile.timeDeltas[i] ?? 0) / 1000;
      const part = partOf(node.callFrame);
      ms[part] += t;
      if (part === "idle") return;
      const { functionName, url } = node.callFrame;
      const key = `${functionName || "(anonymous)"} ${url.replace(/^.*\/(node_modules|src)\//, "$1/")}`;
      byFunction.set(key, (byFunction.get(key) ?? 0) + t);
    });
  }
  const busy = PARTS.filter((p) => p !== "idle").reduce((sum, p) => sum + ms[p], 0);
  const parts = Object.fromEntries(
    PARTS.map((p) => [p, { ms: Math.round(ms[p]), share: p === "idle" || busy === 0 ? 0 : Math.round((ms[p] / busy) * 1000) / 1000 }]),
  ) as Record<Part, { ms: number; share: number }>;
  const top = [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([fn, t]) => ({ fn, ms: Math.round(t) }));
  return { total_ms: Math.round(busy), parts, top };
}
