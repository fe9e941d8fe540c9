import { sql, type SQL } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "../../src/services/common/sql.js";
import { personSearchQuery, searchPersons } from "../../src/services/enrollment/registry.js";
import { countUpTo } from "../../src/services/common/pages.js";
import { settlementListQuery } from "../../src/services/settlement/views.js";
import { persons } from "../../src/store/schema.js";
import { makeId, openTestPlatform, type TestPlatform } from "../support/his.js";
import { signedInApi, type Api } from "./support.js";

/**
 * What keeps the console's lists fast with a region's millions of rows stored (bench/api.ts measures it): a prefix
 * search and the newest settlements read from an index, and a list counts its matches only up to a cap. The plans are
 * read with sequential scans made expensive, so that a small test table cannot hide an index the query cannot use
 * (on the PostgreSQL server, whose collation is not "C", the name search read every person before).
 */

let platform: TestPlatform;
let api: Api;
const NAMES = ["黄志强", "黄志明", "黄秀英", "韦秀兰", "李建华"];

beforeAll(async () => {
  platform = await openTestPlatform(NAMES.map((_, i) => ({ psn_no: `S${i + 1}`, certno: makeId("451002", `19${70 + i}-01-01`, 11 + i), insutype: "390" })));
  for (const [i, name] of NAMES.entries()) await platform.database.db.update(persons).set({ psn_name: name }).where(sql`${persons.psn_no} = ${`S${i + 1}`}`);
  api = await signedInApi(platform.app, platform.database);
}, 120_000);
afterAll(async () => platform?.close());

/** The plan of a query with sequential scans priced out (inside a transaction that sets it locally and rolls back). */
async function planOf(query: SQL): Promise<string> {
  let plan = "";
  await platform.database.db.transaction(async (tx) => {
    await tx.execute(sql`set local enable_seqscan = off`);
    plan = (await rowsOf<{ "QUERY PLAN": string }>(tx, sql`explain ${query}`)).map((r) => r["QUERY PLAN"]).join("\n");
    tx.rollback();
  }).catch((error: unknown) => {
    if (!(error instanceof Error) || !/rollback/i.test(error.message)) throw error;
  });
  return plan;
}

describe("prefix searches read from an index", () => {
  it("a name prefix uses persons_name and finds the names in order", async () => {
    const query = personSearchQuery(platform.database.db, { name_prefix: "黄志" }, { page: 1, page_size: 20 });
    // Read as a range of the index (Index Cond), not the whole index filtered row by row.
    expect(await planOf(query.getSQL())).toMatch(/Index (Only )?Scan using persons_name[\s\S]*Index Cond: .*psn_name/);
    const found = await searchPersons(platform.database.db, { name_prefix: "黄志" }, { page: 1, page_size: 20 });
    expect(found.items.map((p) => p.psn_name)).toEqual(["黄志明", "黄志强"].sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1)));
    expect(found).toMatchObject({ total: 2, total_capped: false });
  });

  it("the first digits of an ID number use persons_certno_prefix", async () => {
    const query = personSearchQuery(platform.database.db, { certno_prefix: "451002197" }, { page: 1, page_size: 20 });
    expect(await planOf(query.getSQL())).toMatch(/Scan using persons_certno_prefix[\s\S]*Index Cond: .*certno/);
    const found = await searchPersons(platform.database.db, { certno_prefix: "451002197" }, { page: 1, page_size: 20 });
    expect(found.total).toBe(5);
  });

  it("the newest settlements are read from settlements_time, not sorted", async () => {
    const plan = await planOf(settlementListQuery({}, { page: 1, page_size: 20 }));
    expect(plan).toMatch(/Index Scan Backward using settlements_time/);
    expect(plan).not.toMatch(/Sort Key: s\.setl_time/);
  });
});

describe("a list counts up to a cap", () => {
  it("says exactly how many when fewer match, and that more match past the cap", async () => {
    const matching = sql`select 1 from ${persons} where ${persons.psn_no} like 'S%'`;
    expect(await countUpTo(platform.database.db, matching, 5)).toEqual({ total: 5, total_capped: false });
    expect(await countUpTo(platform.database.db, matching, 4)).toEqual({ total: 4, total_capped: true });
    expect(await countUpTo(platform.database.db, matching, 100)).toEqual({ total: 5, total_capped: false });
  });

  it("the API carries total_capped with the total", async () => {
    const res = await api.get(`/api/v1/persons?q=${encodeURIComponent("黄")}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 3, total_capped: false });
  });
});
