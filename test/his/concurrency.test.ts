import { inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ledgerTransfers, settlements } from "../../src/store/schema.js";
import {
  accumulatorViolations, H1, H2, H3, HisSession, makeId, openTestPlatform, settlementViolations, type TestPerson, type TestPlatform,
} from "../support/his.js";

/**
 * Settlements of one person at the same moment (two hospitals, two windows) must give what one after the other gives:
 * the person's row is locked for the settlement's transaction (services/common/persons.ts lockPerson). The expectation is the
 * same bills settled sequentially, in the order the database serialized the concurrent ones, for a twin: a second person
 * identical in everything that the settlement reads. On PostgreSQL the requests really overlap (the pool has several
 * connections); on PGlite the single connection serializes the transactions, and the test holds as well.
 */

const destitute = (n: number): TestPerson => ({
  psn_no: `P4510000004${String(n).padStart(2, "0")}`,
  certno: makeId("451002", "1952-03-04", 400 + n),
  insutype: "390",
  categories: [{ type: "destitute", begin: "2022-01-01", end: null }],
});
const employee = (n: number): TestPerson => ({
  psn_no: `P4510000004${String(n).padStart(2, "0")}`,
  certno: makeId("451002", "1983-07-08", 400 + n),
  insutype: "310",
  balc_fen: 100_000,
});

// Inpatient races, each with its twin.
const RACES = [[destitute(1), destitute(2)], [destitute(3), destitute(4)], [destitute(5), destitute(6)]] as const;
// The outpatient burst and its twin.
const BURST = employee(11);
const BURST_TWIN = employee(12);
// Residents whose visits are reversed and settled while 3201 reconciles.
const RECONCILED = Array.from({ length: 8 }, (_, i): TestPerson => ({ psn_no: `P4510000004${30 + i}`, certno: makeId("451002", "1990-10-10", 430 + i), insutype: "390" }));
const SETTLED_EACH = 4;

const AMOX = "XJ01CAA040A001010100973"; // 阿莫西林胶囊, class 01, no cap
const NIFE02 = "XC08CAA053A008010100212"; // 硝苯地平控释片, class 02, 10% self-pay first
const OWN = "ZZ9999990000000000001"; // not in the catalogue

let platform: TestPlatform;
const clock = { time: "2022-08-01 09:00:00" };
let h3: HisSession;
let h2: HisSession;
let h1: HisSession;
let sessions: Map<string, HisSession>;

beforeAll(async () => {
  platform = await openTestPlatform([...RACES.flat(), BURST, BURST_TWIN, ...RECONCILED]);
  h3 = new HisSession(platform.app, H3, clock);
  h2 = new HisSession(platform.app, H2, clock);
  h1 = new HisSession(platform.app, H1, clock);
  sessions = new Map([[H3, h3], [H2, h2], [H1, h1]]);
  for (const s of sessions.values()) await s.signIn();
});
afterAll(() => platform.close());

type Person = { psn_no: string; certno: string; insutype: string };
type Reply = Awaited<ReturnType<HisSession["call"]>>;
/** An encounter ready to settle: where, and the message that settles it. */
type Prepared = { session: HisSession; mdtrt: string; infno: string; input: { data: { psn_no: string } & Record<string, unknown> } };
/** A bill: where, and its lines as [code, pric (yuan), cnt]. */
type Bill = { hospital: string; lines: [string, number, number][] };

function totalOf(bill: Bill): number {
  return bill.lines.reduce((s, [, pric, cnt]) => s + Math.round(Math.round(pric * 100) * cnt), 0) / 100;
}

function feedetail(s: HisSession, mdtrt_id: string, psn_no: string, bill: Bill) {
  return bill.lines.map(([code, pric, cnt], i) => ({
    feedetl_sn: String(i + 1), mdtrt_id, psn_no, chrg_bchno: "B1", med_list_codg: code, medins_list_codg: code, pric, cnt,
    det_item_fee_sumamt: Math.round(Math.round(pric * 100) * cnt) / 100, fee_ocur_time: s.clock.time,
  }));
}

/** An inpatient stay up to discharge; returns the 2304 input that settles it. */
async function dischargedStay(p: Person, bill: Bill, no: string): Promise<Prepared> {
  const s = sessions.get(bill.hospital) as HisSession;
  const adm = await s.ok("2401", {
    mdtrtinfo: { psn_no: p.psn_no, insutype: p.insutype, begntime: s.clock.time, mdtrt_cert_type: "02", mdtrt_cert_no: p.certno, med_type: "21", ipt_no: no, adm_diag_dscr: "肺炎" },
    diseinfo: [{ diag_type: "1", diag_srt_no: 1, diag_code: "J18.900", diag_name: "肺炎", vali_flag: "1" }],
  });
  const mdtrt = adm.output.result.mdtrt_id as string;
  await s.ok("2301", { feedetail: feedetail(s, mdtrt, p.psn_no, bill) });
  await s.ok("2402", { dscginfo: { mdtrt_id: mdtrt, psn_no: p.psn_no, insutype: p.insutype, endtime: s.clock.time, dscg_way: "1" }, diseinfo: [] });
  return { session: s, mdtrt, infno: "2304", input: { data: { psn_no: p.psn_no, mdtrt_id: mdtrt, insutype: p.insutype, medfee_sumamt: totalOf(bill), acct_used_flag: "0", mid_setl_flag: "0" } } };
}

/** An outpatient visit with its lines uploaded; returns the 2207 input that settles it, from the personal account. */
async function outpatientVisit(p: Person, bill: Bill, no: string): Promise<Prepared> {
  const s = sessions.get(bill.hospital) as HisSession;
  const reg = await s.ok("2201", { data: { psn_no: p.psn_no, insutype: p.insutype, begntime: s.clock.time, mdtrt_cert_type: "02", mdtrt_cert_no: p.certno, ipt_otp_no: no } });
  const mdtrt = reg.output.data.mdtrt_id as string;
  await s.ok("2203", { mdtrtinfo: { mdtrt_id: mdtrt, psn_no: p.psn_no, med_type: "11", begntime: s.clock.time, dise_codg: "J06.900", dise_name: "上呼吸道感染" }, diseinfo: [] });
  await s.ok("2204", { feedetail: feedetail(s, mdtrt, p.psn_no, bill) });
  return { session: s, mdtrt, infno: "2207", input: { data: { psn_no: p.psn_no, mdtrt_id: mdtrt, insutype: p.insutype, medfee_sumamt: totalOf(bill), acct_used_flag: "1", mid_setl_flag: "0", psn_setlway: "01" } } };
}


/** The order in which the database serialized some settlements: their ledger postings' ids follow the person's lock. */
async function serializationOrder(setlIds: string[]): Promise<string[]> {
  const rows = await platform.database.db
    .select({ setl_id: ledgerTransfers.setl_id, first: sql<number>`min(${ledgerTransfers.id})`.mapWith(Number) })
    .from(ledgerTransfers)
    .where(inArray(ledgerTransfers.setl_id, setlIds))
    .groupBy(ledgerTransfers.setl_id);
  expect(rows).toHaveLength(setlIds.length);
  return rows.sort((a, b) => a.first - b.first).map((r) => r.setl_id ?? "");
}

/** A settlement's answer without what names the person, the encounter or the message. */
function amounts(r: Reply) {
  const { setl_id: _s, mdtrt_id: _m, psn_no: _p, psn_name: _n, certno: _c, gend: _g, brdy: _b, age: _a, medins_setl_id: _i, ...rest } = r.output.setlinfo as Record<string, unknown>;
  return { setlinfo: rest, setldetail: r.output.setldetail as unknown[] };
}

async function cumOf(psn_no: string) {
  const r = await h3.ok("5206", { data: { psn_no, cum_ym: clock.time.slice(0, 7).replace("-", "") } });
  return r.output.cuminfo as { cum_type_code: string; cum: number }[];
}

async function balanceOf(p: Person): Promise<number> {
  const r = await h3.ok("1101", { data: { mdtrt_cert_type: "02", certno: p.certno } });
  return r.output.insuinfo[0].balc as number;
}

/**
 * Settles the prepared encounters all at once, then the twin's copies one after the other in the order the database
 * chose, and checks that every settlement and the accumulators agree to the fen. Returns the setl_ids of both, in order.
 */
async function raceAgainstTwin(person: Person, twin: Person, bills: Bill[], prepare: typeof outpatientVisit) {
  const mine: Prepared[] = [];
  const theirs: Prepared[] = [];
  for (const [i, bill] of bills.entries()) {
    mine.push(await prepare(person, bill, `R${person.psn_no.slice(-3)}-${i}`));
    theirs.push(await prepare(twin, bill, `R${twin.psn_no.slice(-3)}-${i}`));
  }
  const replies = await Promise.all(mine.map((m) => m.session.call(m.infno, m.input)));
  for (const r of replies) expect(r.err_msg).toBeNull();
  const setlIds = replies.map((r) => r.output.setlinfo.setl_id as string);
  const order = (await serializationOrder(setlIds)).map((id) => setlIds.indexOf(id));

  const twinReplies: Reply[] = new Array(bills.length);
  for (const i of order) {
    const t = theirs[i] as Prepared;
    twinReplies[i] = await t.session.ok(t.infno, t.input);
  }
  for (const [i, r] of replies.entries()) expect(amounts(r), `bill ${i} (settled ${order.indexOf(i) + 1}th)`).toEqual(amounts(twinReplies[i] as Reply));
  expect(await cumOf(person.psn_no)).toEqual(await cumOf(twin.psn_no));
  expect(await balanceOf(person)).toBe(await balanceOf(twin));
  return { order, mine: setlIds, twins: twinReplies.map((r) => r.output.setlinfo.setl_id as string), prepared: { mine, theirs } };
}

describe("one person settled at two hospitals, two windows, at once", () => {
  it("two inpatient settlements (2304 at H3 and at H2) at the same moment give what one after the other gives", async () => {
    // Tier two only pays on what both stays leave together above the tilted 7,500-yuan deductible, so the second to be
    // settled pays it: a settlement that missed the other's accumulators would pay less, and one of them nothing.
    const bills: Bill[] = [
      { hospital: H3, lines: [[AMOX, 100, 200], [NIFE02, 20, 10], [OWN, 30, 2]] },
      { hospital: H2, lines: [[AMOX, 150, 100], [NIFE02, 10, 5]] },
    ];
    for (const [person, twin] of RACES) {
      const { order } = await raceAgainstTwin(person, twin, bills, dischargedStay);
      const acc = Object.fromEntries((await cumOf(person.psn_no)).map((c) => [c.cum_type_code, c.cum]));
      // Both stays' bases are in the accumulators, whatever the order: 800 + 6,783 at H3, 500 + 2,909 at H2.
      expect(acc.tier_two_base).toBe(10_992);
      expect(acc.critical_illness_paid).toBeGreaterThan(0);
      expect(order).toHaveLength(2);
    }
  });

  it("ten outpatient settlements (2207 from the personal account) at once give what one after the other gives", async () => {
    // 5,210 yuan in all: the 500-yuan deductible, the 2,000-yuan outpatient cap and the 1,000-yuan account all run out
    // part way, so every settlement depends on the ones before it.
    const yuan = [420, 610, 350, 780, 530, 290, 660, 470, 720, 380];
    const hospitals = [H3, H2, H1];
    const bills: Bill[] = yuan.map((y, i) => ({ hospital: hospitals[i % 3] as string, lines: [[AMOX, y / 10, 9], [NIFE02, y / 10, 1]] }));
    const { mine, twins, order, prepared } = await raceAgainstTwin(BURST, BURST_TWIN, bills, outpatientVisit);
    const acc = Object.fromEntries((await cumOf(BURST.psn_no)).map((c) => [c.cum_type_code, c.cum]));
    expect(acc).toMatchObject({ outpatient_deductible_counted: 500, outpatient_basic_paid: 2000 });
    expect(await balanceOf(BURST)).toBe(0);

    // Reversals at once too: three of them, and the twin's same three one after the other.
    const undo = [order[2], order[5], order[8]] as number[];
    const reverse = (which: Prepared[], ids: string[], i: number) => {
      const p = which[i] as Prepared;
      return p.session.call("2208", { data: { setl_id: ids[i], mdtrt_id: p.mdtrt, psn_no: p.input.data.psn_no } });
    };
    const undone = await Promise.all(undo.map((i) => reverse(prepared.mine, mine, i)));
    for (const r of undone) expect(r.err_msg).toBeNull();
    for (const i of undo) expect((await reverse(prepared.theirs, twins, i)).err_msg).toBeNull();
    expect(await cumOf(BURST.psn_no)).toEqual(await cumOf(BURST_TWIN.psn_no));
    expect(await balanceOf(BURST)).toBe(await balanceOf(BURST_TWIN));
  });

  it("3201 while settlements and reversals run at once finds the platform's totals equal to the ledger's every time", async () => {
    clock.time = "2022-10-10 09:00:00";
    const period = { stmt_begndate: "2022-10-10", stmt_enddate: "2022-10-10" };
    const settledBefore: { prepared: Prepared; setl_id: string }[] = [];
    const toSettle: Prepared[] = [];
    for (const [n, p] of RECONCILED.entries()) {
      for (let i = 0; i < SETTLED_EACH; i++) {
        const prepared = await outpatientVisit(p, { hospital: H1, lines: [[AMOX, 10 + n, 3 + i], [NIFE02, 5, 1]] }, `C${n}-${i}`);
        const r = await h1.ok("2207", prepared.input);
        settledBefore.push({ prepared, setl_id: r.output.setlinfo.setl_id as string });
      }
      toSettle.push(await outpatientVisit(p, { hospital: H1, lines: [[AMOX, 20, 2 + n]] }, `C${n}-new`));
    }
    let running = true;
    const seen: { platform: unknown; ledger: unknown; stmt_rslt_dscr: string }[] = [];
    const reconcile = async () => {
      do {
        const r = await h1.ok("3201", { data: { ...period, medfee_sumamt: 0, fund_pay_sumamt: 0, fixmedins_setl_cnt: 0 } });
        seen.push({ platform: r.output.platform, ledger: r.output.ledger, stmt_rslt_dscr: r.output.stmtinfo.stmt_rslt_dscr });
      } while (running);
    };
    const loops = [reconcile(), reconcile()];
    const changes = await Promise.all([
      ...settledBefore.map(({ prepared, setl_id }) => h1.call("2208", { data: { setl_id, mdtrt_id: prepared.mdtrt, psn_no: prepared.input.data.psn_no } })),
      ...toSettle.map((p) => h1.call("2207", p.input)),
    ]);
    running = false;
    await Promise.all(loops);
    for (const r of changes) expect(r.err_msg).toBeNull();
    for (const r of seen) {
      expect(r.platform).toEqual(r.ledger);
      expect(r.stmt_rslt_dscr).not.toMatch(/账簿/);
    }
    const last = await h1.ok("3201", { data: { ...period, medfee_sumamt: 0, fund_pay_sumamt: 0, fixmedins_setl_cnt: 0 } });
    const medfee = changes.slice(settledBefore.length).reduce((sum, r) => sum + Math.round((r.output.setlinfo.medfee_sumamt as number) * 100), 0) / 100;
    expect(last.output.platform).toMatchObject({ setl_cnt: toSettle.length, medfee_sumamt: medfee });
    expect(last.output.ledger).toEqual(last.output.platform);
  });

  it("the ledger balances: each settlement pays its hospital medfee_sumamt, and settle minus reverse is what is in force", async () => {
    const all = await platform.database.db.select().from(settlements);
    expect(all.length).toBe(RACES.length * 2 * 2 + 20 + RECONCILED.length * (SETTLED_EACH + 1));
    const posted = await platform.database.db.select().from(ledgerTransfers);
    for (const s of all) {
      const mine = posted.filter((t) => t.setl_id === s.setl_id);
      const toHospital = mine.filter((t) => t.kind === "settle" && t.credit_account === `hospital:${s.fixmedins_code}`);
      expect(toHospital.reduce((sum, t) => sum + t.amount_fen, 0), s.setl_id).toBe(s.medfee_sumamt);
      expect(toHospital).toHaveLength(mine.filter((t) => t.kind === "settle").length);
      const back = mine.filter((t) => t.kind === "reverse").reduce((sum, t) => sum + t.amount_fen, 0);
      expect(back, s.setl_id).toBe(s.status === "reversed" ? s.medfee_sumamt : 0);
    }
    const net = posted.reduce((sum, t) => sum + (t.kind === "settle" ? t.amount_fen : -t.amount_fen), 0);
    const inForce = all.filter((s) => s.status === "settled").reduce((sum, s) => sum + s.medfee_sumamt, 0);
    expect(net).toBe(inForce);
    expect(all.filter((s) => s.status === "reversed")).toHaveLength(6 + RECONCILED.length * SETTLED_EACH);
    expect(await settlementViolations(platform.database)).toEqual([]);
    expect(await accumulatorViolations(platform.database)).toEqual([]);
  });
});
