import { describe, expect, it } from "vitest";
import { Services } from "../src/services/common/context.js";
import type { Database } from "../src/store/db.js";

/** Services.snapshot: the dashboard's figures, computed once, answered at once, refreshed behind the answer. */

const services = () => {
  const s = new Services({} as Database);
  s.snapshotMaxAgeMs = 60_000;
  return s;
};

/** A computation whose calls are counted and whose answers are released by hand. */
function gate() {
  let calls = 0;
  const releases: ((v: number) => void)[] = [];
  const failures: ((e: Error) => void)[] = [];
  const compute = () => {
    calls++;
    return new Promise<number>((resolve, reject) => {
      releases.push(resolve);
      failures.push(reject);
    });
  };
  return { compute, calls: () => calls, release: (i: number, v: number) => releases[i]?.(v), fail: (i: number) => failures[i]?.(new Error("db down")) };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("a snapshot", () => {
  it("computes once for concurrent first reads, then answers from memory while young", async () => {
    const s = services();
    let now = 1_000_000;
    const g = gate();
    const first = Promise.all([s.snapshot("k", g.compute, () => now), s.snapshot("k", g.compute, () => now)]);
    await tick();
    expect(g.calls()).toBe(1);
    g.release(0, 42);
    const [a, b] = await first;
    expect(a).toEqual({ value: 42, at: new Date(1_000_000) });
    expect(b).toBe(a);
    now += 59_999;
    expect(await s.snapshot("k", g.compute, () => now)).toEqual({ value: 42, at: new Date(1_000_000) });
    expect(g.calls()).toBe(1);
  });

  it("answers an old one at once and refreshes it once behind the answer", async () => {
    const s = services();
    let now = 0;
    const g = gate();
    const first = s.snapshot("k", g.compute, () => now);
    g.release(0, 1);
    await first;
    now = 60_000;
    expect((await s.snapshot("k", g.compute, () => now)).value).toBe(1);
    expect((await s.snapshot("k", g.compute, () => now)).value).toBe(1);
    expect(g.calls()).toBe(2);
    g.release(1, 2);
    await tick();
    expect(await s.snapshot("k", g.compute, () => now)).toEqual({ value: 2, at: new Date(60_000) });
    expect(g.calls()).toBe(2);
  });

  it("keeps the older figure when a refresh fails, and a first read that fails says so", async () => {
    const s = services();
    let now = 0;
    const g = gate();
    const first = s.snapshot("k", g.compute, () => now);
    g.release(0, 7);
    await first;
    now = 120_000;
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on("warning", onWarning);
    try {
      expect((await s.snapshot("k", g.compute, () => now)).value).toBe(7);
      g.fail(1);
      await tick();
      await tick();
      expect((await s.snapshot("k", g.compute, () => now)).value).toBe(7);
      expect(g.calls()).toBe(3);
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings).toEqual(["snapshot k: db down"]);
    const other = s.snapshot("other", g.compute, () => now);
    g.fail(3);
    await expect(other).rejects.toThrow("db down");
  });

  it("keeps scopes apart", async () => {
    const s = services();
    expect((await s.snapshot("a", () => Promise.resolve("A"))).value).toBe("A");
    expect((await s.snapshot("b", () => Promise.resolve("B"))).value).toBe("B");
    expect((await s.snapshot("a", () => Promise.resolve("changed"))).value).toBe("A");
  });
});
