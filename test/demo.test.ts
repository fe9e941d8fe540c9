import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listenHost } from "../src/cli/serve.js";
import { installDemo } from "../src/simulator/demo.js";
import { accountsWithDemoPassword, DEMO_PASSWORD, DEMO_USERS, demoDatabaseState, hasAdministrator, insideTransaction, syntheticResidentId } from "../src/services/demo/demo.js";
import { importFixmedins, importPersons, numberedRows } from "../src/services/imports/rows.js";
import { rowsOf } from "../src/services/common/sql.js";
import type { Database } from "../src/store/db.js";
import { sql } from "drizzle-orm";
import { openTestDatabase } from "./support/db.js";

/**
 * The demo goes only into an empty database, whole or not at all; a bureau's own database never gets demo data or a
 * demo account; a demo database kept into a new year gets that year; and the server does not listen beyond this
 * machine while a demo password is in force. One database for the file, walked through these states in order.
 */

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

const count = async (table: string) => Number((await rowsOf<{ n: number | string }>(database.db, sql.raw(`select count(*) as n from ${table}`)))[0]?.n);
const DATA_TABLES = ["persons", "enrollments", "contributions", "fixmedins", "catalogue_entries", "users", "encounters", "settlements", "ledger_transfers", "message_log", "demo_years"];
const counts = async () => Object.fromEntries(await Promise.all(DATA_TABLES.map(async (t) => [t, await count(t)] as const)));
const nothing = Object.fromEntries(DATA_TABLES.map((t) => [t, 0]));

describe("the demo into an empty database", () => {
  it("a database holding only a bureau's hospitals is not empty: no demo, no account (checked in a transaction rolled back)", async () => {
    const rolledBack = new Error("rolled back");
    await expect(database.db.transaction(async (tx) => {
      const inTx = insideTransaction(database, tx);
      await importFixmedins(inTx, numberedRows([{ fixmedins_code: "H45102200001", fixmedins_name: "田阳区人民医院", medins_lv: "2", admdvs: "451022" }]));
      expect((await demoDatabaseState(tx)).state).toBe("other");
      expect(await installDemo(inTx, { care: false })).toMatchObject({ action: "none", found: "other" });
      expect(Number((await rowsOf<{ n: number }>(tx, sql`select count(*) as n from users`))[0]?.n)).toBe(0);
      expect(Number((await rowsOf<{ n: number }>(tx, sql`select count(*) as n from persons`))[0]?.n)).toBe(0);
      throw rolledBack;
    })).rejects.toBe(rolledBack);
    expect(await counts()).toEqual(nothing);
  });

  it("is one transaction: a failure at its very end (after the care is settled) leaves nothing at all", async () => {
    // The last write of the install records the year's visits: refusing it stands for a start killed at the last moment.
    await database.db.execute(sql`create function refuse_demo() returns trigger language plpgsql as $$ begin raise exception 'killed'; end $$`);
    await database.db.execute(sql`create trigger refuse_demo before update on demo_years for each row execute function refuse_demo()`);
    await expect(installDemo(database, { visits: 4, now: new Date("2026-02-01T02:00:00Z") })).rejects.toThrow(/update "demo_years"/);
    expect(await counts()).toEqual(nothing);
    expect((await demoDatabaseState(database.db)).state).toBe("empty");
    await database.db.execute(sql`drop trigger refuse_demo on demo_years`);
    await database.db.execute(sql`drop function refuse_demo()`);
  });

  it("loads data, accounts and care of 2022 and of the current year up to today", async () => {
    const r = await installDemo(database, { visits: 4, now: new Date("2026-02-01T02:00:00Z") });
    expect(r).toMatchObject({ action: "loaded", found: "empty", years: [2022, 2026] });
    expect(r.care.map((c) => [c.year, c.result.failed.length])).toEqual([[2022, 0], [2026, 0]]);
    // 2022: the 4 drawn and the README persons' 12; 2026 up to 1 February: 160 × 31 / 360 = 14 drawn, and the README
    // persons' visits of 12 January (the destitute resident's stay and the monitored... only those before the day).
    expect(r.care[0]?.result.settled).toBe(16);
    const settled2026 = r.care[1]?.result.settled ?? 0;
    expect(settled2026).toBeGreaterThanOrEqual(14);
    expect(await count("settlements where year = 2026")).toBe(settled2026);
    expect(await count("settlements where year = 2026 and setl_time >= '2026-02-01'")).toBe(0);
    // Everyone enrolled for both years; 2022 has besides the four duplicate enrollments the demo plants.
    expect(await count("enrollments where year = 2026")).toBe((await count("enrollments where year = 2022")) - 4);
    expect(await count(`users where username in (${DEMO_USERS.map((u) => `'${u.username}'`).join(",")})`)).toBe(DEMO_USERS.length);
    expect(await hasAdministrator(database.db)).toBe(true);
    // The ledger balances: every settlement's transfers sum to what it moved.
    const unbalanced = await rowsOf<{ setl_id: string }>(database.db, sql`
      select s.setl_id from settlements s left join ledger_transfers t on t.setl_id = s.setl_id and t.kind = 'settle'
      group by s.setl_id, s.medfee_sumamt having coalesce(sum(t.amount_fen), 0) <> s.medfee_sumamt`);
    expect(unbalanced).toEqual([]);
  });

  it("listens on this machine only while an account has the demo's password, unless HOST says otherwise", async () => {
    const open = await accountsWithDemoPassword(database.db);
    expect(open).toContain("admin");
    expect(open).toContain("451026194803120249");
    expect(listenHost({}, open).host).toBe("127.0.0.1");
    expect(listenHost({}, open).why).toMatch(/demo's published password/);
    expect(listenHost({ HOST: "0.0.0.0" }, open).host).toBe("0.0.0.0");
    expect(listenHost({}, []).host).toBe("0.0.0.0");
    expect(DEMO_PASSWORD).toBe("Yibao@2022");
  });

  it("a second start in the same year adds nothing", async () => {
    const before = await counts();
    const r = await installDemo(database, { now: new Date("2026-06-01T02:00:00Z") });
    expect(r).toMatchObject({ action: "none", found: "demo", years: [2022, 2026] });
    expect(await counts()).toEqual(before);
  });

  it("a demo database started in a new year gets that year's enrollments, contributions and care up to the day", async () => {
    const r = await installDemo(database, { now: new Date("2027-01-20T02:00:00Z") });
    expect(r).toMatchObject({ action: "extended", found: "demo", years: [2022, 2026, 2027] });
    expect(await count("enrollments where year = 2027")).toBe(await count("enrollments where year = 2026 and status = 'enrolled'"));
    expect(await count("contributions c join enrollments e on e.id = c.enrollment_id where e.year = 2027")).toBeGreaterThan(0);
    // The supplementary rosters of the year: 惠民保 bought again; the charity's list by the same rule as the years loaded.
    expect(await count("supplementary_enrollments where year = 2027 and tier_id = 'huiminbao'")).toBe(await count("supplementary_enrollments where year = 2026 and tier_id = 'huiminbao'"));
    expect(await count("supplementary_enrollments where year = 2027 and tier_id = 'charity'")).toBe(await count("supplementary_enrollments where year = 2026 and tier_id = 'charity'"));
    expect(await count("supplementary_enrollments where year = 2027 and tier_id = 'charity'")).toBeGreaterThan(0);
    const settled = r.care[0]?.result.settled ?? 0;
    // 160 × 19 / 360 = 8 drawn (and no README visit: theirs fall on the 12th of a month, the destitute's on 12 January).
    expect(settled).toBeGreaterThanOrEqual(8);
    expect(await count("settlements where year = 2027")).toBe(settled);
    expect(await count("settlements where setl_time >= '2027-01-20'")).toBe(0);
  });
});

describe("a bureau's own database", () => {
  it("never gets demo data or a demo account, and its start neither crashes nor opens a demo password", async () => {
    // The same tables with the demo's marks taken away: a database of the bureau's own persons and hospitals.
    await database.db.execute(sql`delete from user_sessions`);
    await database.db.execute(sql`delete from signin_attempts`);
    await database.db.execute(sql`delete from users`);
    await database.db.execute(sql`delete from demo_years`);
    const own = await importFixmedins(database, numberedRows([{ fixmedins_code: "H45102200001", fixmedins_name: "田阳区人民医院", medins_lv: "2", admdvs: "451022" }]));
    expect(own.rejectedRows).toBe(0);
    const persons = await importPersons(database, numberedRows([{ certno: syntheticResidentId("451022", "19800101", 901), psn_name: "测试人", gend: "1", brdy: "1980-01-01", insutype: "390", insuplc_admdvs: "451000" }]), { year: 2026 });
    expect(persons.rejectedRows).toBe(0);
    const before = await counts();
    expect((await demoDatabaseState(database.db)).state).toBe("other");
    const r = await installDemo(database, { now: new Date("2026-03-01T02:00:00Z") });
    expect(r).toMatchObject({ action: "none", found: "other" });
    expect(await counts()).toEqual(before);
    expect(await count("users")).toBe(0);
    expect(await hasAdministrator(database.db)).toBe(false);
    expect(listenHost({}, await accountsWithDemoPassword(database.db)).host).toBe("0.0.0.0");
  });
});
