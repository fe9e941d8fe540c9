/**
 * Compares two recorded conversations of the hospital interface (YIBAO_RECORD=file npx vitest run test/his/…, before
 * and after a change): each request and its answer, with the random ids (setl_id, mdtrt_id, sign_no …) and the
 * present time replaced by placeholders, as a multiset, so that test files run in another order still compare.
 * Prints the pairs found on one side only and exits 1 when there are any.
 *
 *   npx tsx scripts/conversation-diff.ts before.txt after.txt
 */
import { readFileSync } from "node:fs";

function pairs(path: string): Map<string, number> {
  const lines = readFileSync(path, "utf8").split("\n");
  const counts = new Map<string, number>();
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const ids = new Map<string, string>();
    const pair = `${lines[i]}\n${lines[i + 1]}`
      .replace(/\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?Z?(?=")/g, (t) => (t.startsWith("20") && Number(t.slice(0, 4)) >= 2025 ? "NOW" : t))
      .replace(/\b[A-Z]{1,4}\d{6,14}[0-9A-F]{12}\b/g, (id) => ids.get(id) ?? (ids.set(id, `ID${ids.size}`), `ID${ids.size - 1}`))
      .replace(/"in":"[A-Za-z0-9+/=]+"/g, '"in":"BASE64"')
      .replace(/"in":\[[0-9,]+\]/g, '"in":[BYTES]');
    counts.set(pair, (counts.get(pair) ?? 0) + 1);
  }
  return counts;
}

function onlyIn(a: Map<string, number>, b: Map<string, number>): string[] {
  return [...a].filter(([k, n]) => n > (b.get(k) ?? 0)).map(([k]) => k);
}

const [beforePath, afterPath] = process.argv.slice(2);
if (!beforePath || !afterPath) {
  console.error("usage: tsx scripts/conversation-diff.ts before.txt after.txt");
  process.exit(2);
}
const before = pairs(beforePath);
const after = pairs(afterPath);
const lost = onlyIn(before, after);
const gained = onlyIn(after, before);
const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
console.log(`${total(before)} exchanges before, ${total(after)} after; ${lost.length} only before, ${gained.length} only after`);
for (const p of lost.slice(0, 5)) console.log(`only before:\n${p.slice(0, 2000)}\n`);
for (const p of gained.slice(0, 5)) console.log(`only after:\n${p.slice(0, 2000)}\n`);
process.exit(lost.length + gained.length === 0 ? 0 : 1);
