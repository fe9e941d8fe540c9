import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "../src/domain/errors.js";
import { WarningStateError, type CheckCause } from "../src/domain/monitoring/index.js";
import { actOnWarning, checkPerson, getWarning, scanYear, type CheckOutcome, type ScanProgress } from "../src/services/monitoring/index.js";
import { rowsOf } from "../src/services/common/sql.js";
import { H3, HisSession, makeId, openTestPlatform, type TestPlatform } from "./support/his.js";
import { storeSettlement, STORED_FUNDS_TOTAL, STORED_OUT_OF_POLICY } from "./support/monitoring.js";

/**
 * The early warning of catastrophic spending (高额医疗费用预警) on the reference policies (451000 and 360100, 2022): (a) 12
 * months' self-paid over 16,000.00 yuan, (b) over 50% of the household's annual income, (c) one settlement over 10,000.00
 * yuan, (d) no assistance category: the proactive list. Self-paid = inscp_scp_amt − (hifp + hifmi + hifob + maf + oth).
 *
 * The thresholds are tested on stored settlements with exact amounts (written straight into the tables, then checked as
 * the hook checks them); the hook itself through the hospital interface (2304, 2305); the scan on persons insured in
 * 360100, whom nothing else here touches.
 */

const resident = (psn_no: string, serial: number, extra: object = {}) => ({
  psn_no, certno: makeId("451002", "1970-01-01", serial), insutype: "390" as const, ...extra,
});
const nanchang = (psn_no: string, serial: number) => ({ psn_no, certno: makeId("360102", "1980-01-01", serial), insutype: "390" as const, admdvs: "360100" });

const STORED = ["W1", "I1", "I2", "I3", "S1", "S2", "E1", "E2", "R1", "C1"];
const SCANNED = ["N1", "N2", "N3", "N4", "N5", "N6"];
const HA = resident("HA", 301); // 2304 raises, 2305 takes back under, 2304 again
const HB = resident("HB", 302, { categories: [{ type: "low_income", begin: "2022-01-01", end: "2022-12-31" }] });
const HC = resident("HC", 303); // the household member of HA

let platform: TestPlatform;
let his: HisSession;
const q = <T>(query: ReturnType<typeof sql>) => rowsOf<T>(platform.database.db, query);

beforeAll(async () => {
  platform = await openTestPlatform([
    ...STORED.map((p, i) => resident(p, 11 + i * 2)),
    ...SCANNED.map((p, i) => nanchang(p, 11 + i * 2)),
    HA, HB, HC,
  ]);
  // I1, I2, I3 share a household of three earning 10,000.00 yuan a head (30,000.00 a year): 50% is 15,000.00.
  await platform.database.db.execute(sql`update persons set household_id = 'HH-I', household_income_fen = 1000000 where psn_no in ('I1', 'I2', 'I3')`);
  // HA and HC: 6,000.00 a head, 12,000.00 a year; HB lives alone on 3,000.00.
  await platform.database.db.execute(sql`update persons set household_id = 'HH-A', household_income_fen = 600000 where psn_no in ('HA', 'HC')`);
  await platform.database.db.execute(sql`update persons set household_income_fen = 300000 where psn_no = 'HB'`);
  his = new HisSession(platform.app, H3);
  await his.signIn();
});
afterAll(() => platform?.close());

// ---------------------------------------------------------------------------------------------------------------------
// Stored settlements with exact amounts.

/** A settlement stored straight into the tables (no hook runs), whose self-paid is `selfPaid` fen. */
function stored(psnNo: string, time: string, selfPaid: number, status: "settled" | "reversed" = "settled", admdvs = "451000"): Promise<string> {
  return storeSettlement(platform.database, { psn_no: psnNo, time, self_paid_fen: selfPaid, status, admdvs });
}

/** The check the hook runs after a settlement, in a transaction of its own. */
function check(psnNo: string, date: string, cause: CheckCause = { kind: "settlement", setl_id: "test" }): Promise<CheckOutcome> {
  return platform.database.db.transaction((tx) => checkPerson(platform.services, tx, psnNo, date, cause));
}

async function warningsOf(psnNo: string) {
  return q<{ id: number; state: string; criteria: string[]; proactive: boolean; category: string | null; window_from: string; window_to: string;
    window_self_paid_fen: number; household_income_fen: number | null; max_single_self_paid_fen: number; setl_ids: string[]; below_threshold: boolean; explanation: string }>(sql`
    select id::int as id, state, criteria, proactive, category, window_from::text as window_from, window_to::text as window_to, window_self_paid_fen::float8 as window_self_paid_fen,
      household_income_fen::float8 as household_income_fen, max_single_self_paid_fen::float8 as max_single_self_paid_fen, setl_ids, below_threshold, explanation
    from warnings where psn_no = ${psnNo} order by id`);
}

async function eventsOf(warningId: number) {
  return q<{ actor: string; action: string; from_state: string | null; to_state: string | null; note: string | null }>(sql`
    select actor, action, from_state, to_state, note from warning_events where warning_id = ${warningId} order by id`);
}

describe("(a) the window's self-paid total, on stored settlements", () => {
  it("16,000.00 yuan raises nothing; one more fen raises a warning with the figures and the settlements behind them", async () => {
    const a = await stored("W1", "2022-02-10 09:00:00", 800_000);
    const b = await stored("W1", "2022-05-20 09:00:00", 800_000);
    expect(await check("W1", "2022-05-20")).toEqual({ psn_no: "W1", decision: "none", warning_id: null, criteria: [] });
    expect(await warningsOf("W1")).toEqual([]);

    const c = await stored("W1", "2022-06-01 09:00:00", 1);
    const raised = await check("W1", "2022-06-01");
    expect(raised).toMatchObject({ decision: "raise", criteria: ["window"] });
    const [w] = await warningsOf("W1");
    expect(w).toEqual({
      id: raised.warning_id, state: "new", criteria: ["window"], proactive: true, category: null, window_from: "2021-06-02", window_to: "2022-06-01",
      window_self_paid_fen: 1_600_001, household_income_fen: null, max_single_self_paid_fen: 800_000, setl_ids: [a, b, c], below_threshold: false,
      explanation:
        "近12个月政策范围内个人自付 16,000.01 元，超过预警线 16,000.00 元；家庭收入未登记，无法判断个人自付是否超过家庭年收入的 50%；" +
        "单次结算个人自付最高 8,000.00 元，未超过预警线 10,000.00 元；未享受医疗救助身份，列入主动发现名单。",
    });
    expect(await eventsOf(w!.id)).toEqual([
      { actor: "system", action: "raised", from_state: null, to_state: "new", note: `结算 test 后触发预警（近期个人自付超过预警线）：${w!.explanation}` },
    ]);
  });

  it("counts the window's first day and its check date, and nothing before", async () => {
    await stored("E1", "2021-07-15 23:59:59", 1_600_001);
    expect((await check("E1", "2022-07-15")).decision).toBe("none");
    await stored("E2", "2021-07-16 00:00:00", 1_600_001);
    expect(await check("E2", "2022-07-15")).toMatchObject({ decision: "raise", criteria: ["window", "single"] });
    expect((await warningsOf("E2"))[0]).toMatchObject({ window_from: "2021-07-16", window_to: "2022-07-15", window_self_paid_fen: 1_600_001 });
  });

  it("leaves reversed settlements out", async () => {
    await stored("R1", "2022-03-01 10:00:00", 2_000_000, "reversed");
    await stored("R1", "2022-03-02 10:00:00", 100_000);
    expect((await check("R1", "2022-03-02")).decision).toBe("none");
    expect(await warningsOf("R1")).toEqual([]);
  });
});

describe("(b) the share of the household's income", () => {
  it("exactly 50% of 30,000.00 yuan raises nothing; 50% and one fen raises", async () => {
    await stored("I1", "2022-04-01 10:00:00", 750_000);
    await stored("I1", "2022-04-20 10:00:00", 750_000);
    expect((await check("I1", "2022-04-20")).decision).toBe("none");
    await stored("I2", "2022-04-01 10:00:00", 750_000);
    await stored("I2", "2022-04-20 10:00:00", 750_001);
    expect(await check("I2", "2022-04-20")).toMatchObject({ decision: "raise", criteria: ["income"] });
    const [w] = await warningsOf("I2");
    expect(w).toMatchObject({ window_self_paid_fen: 1_500_001, household_income_fen: 3_000_000, max_single_self_paid_fen: 750_001 });
    expect(w!.explanation).toContain("占家庭年收入 30,000.00 元（人均 10,000.00 元 × 3 人）的 50.00%，超过预警比例 50%（15,000.00 元）");
  });
});

describe("(c) one settlement", () => {
  it("10,000.00 yuan raises nothing; 10,000.01 raises", async () => {
    await stored("S1", "2022-08-01 10:00:00", 1_000_000);
    expect((await check("S1", "2022-08-01")).decision).toBe("none");
    await stored("S2", "2022-08-01 10:00:00", 1_000_001);
    expect(await check("S2", "2022-08-01")).toMatchObject({ decision: "raise", criteria: ["single"] });
    expect((await warningsOf("S2"))[0]).toMatchObject({ window_self_paid_fen: 1_000_001, max_single_self_paid_fen: 1_000_001 });
  });
});

describe("a warning's life", () => {
  it("moves by the clerk's actions, records who and why, and refuses what its state does not allow, changing nothing", async () => {
    await stored("C1", "2022-03-01 10:00:00", 1_700_000);
    const { warning_id } = await check("C1", "2022-03-01");
    const id = warning_id as number;
    const refused = async (action: "contact" | "help" | "not_eligible" | "close", error: RegExp, note?: string) => {
      const before = JSON.stringify([await warningsOf("C1"), await eventsOf(id)]);
      const e = await actOnWarning(platform.database.db, id, { action, actor: "clerk1", ...(note !== undefined ? { note } : {}) }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(DomainError);
      expect((e as Error).message).toMatch(error);
      expect(JSON.stringify([await warningsOf("C1"), await eventsOf(id)])).toBe(before);
      return e;
    };
    expect(await refused("help", /^action: warning \d+ is new \(新预警\): help \(落实帮扶\) needs it contacted/)).toBeInstanceOf(WarningStateError);
    await refused("close", /^action: warning \d+ is new \(新预警\): close \(办结\) needs it helped/);
    const contacted = await actOnWarning(platform.database.db, id, { action: "contact", note: "电话联系本人，住院费用属实", actor: "clerk1" });
    expect(contacted.state).toBe("contacted");
    await refused("contact", /is contacted \(已联系\): contact \(联系核实\) needs it new/);
    const why = await refused("not_eligible", /^note: is required for not_eligible/);
    expect(why).not.toBeInstanceOf(WarningStateError);
    const helped = await actOnWarning(platform.database.db, id, { action: "help", note: "协助申请依申请救助", actor: "clerk2" });
    expect(helped.state).toBe("helped");
    const closed = await actOnWarning(platform.database.db, id, { action: "close", actor: "clerk2" });
    expect(closed.state).toBe("closed");
    await refused("close", /^action: warning \d+ is closed \(已办结\): a closed warning takes no more actions/);
    expect((await eventsOf(id)).map((e) => [e.actor, e.action, e.from_state, e.to_state, e.note])).toEqual([
      ["system", "raised", null, "new", expect.stringContaining("触发预警")],
      ["clerk1", "contact", "new", "contacted", "电话联系本人，住院费用属实"],
      ["clerk2", "help", "contacted", "helped", "协助申请依申请救助"],
      ["clerk2", "close", "helped", "closed", null],
    ]);
    const unknown = await actOnWarning(platform.database.db, 999_999, { action: "contact", actor: "clerk1" }).catch((x: unknown) => x);
    expect((unknown as DomainError).field).toBe("id");
    expect((unknown as { code: string }).code).toBe("not_found");
  });

  it("after it is closed, the same spending raises nothing; new spending raises a new warning", async () => {
    expect((await check("C1", "2022-04-01")).decision).toBe("none");
    await stored("C1", "2022-04-02 10:00:00", 100);
    const again = await check("C1", "2022-04-02");
    expect(again.decision).toBe("raise");
    const all = await warningsOf("C1");
    expect(all.map((w) => [w.state, w.window_self_paid_fen])).toEqual([["closed", 1_700_000], ["new", 1_700_100]]);
    expect(again.warning_id).toBe(all[1]!.id);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// The hook, through the hospital interface.

const AMOX = "XJ01CAA040A001010100973"; // 阿莫西林胶囊, class 01, no price cap

async function admit(p: { psn_no: string; certno: string }, no: string): Promise<string> {
  const r = await his.ok("2401", {
    mdtrtinfo: { psn_no: p.psn_no, insutype: "390", begntime: his.clock.time, mdtrt_cert_type: "02", mdtrt_cert_no: p.certno, med_type: "21", ipt_no: no, adm_diag_dscr: "重症急性胰腺炎", adm_bed: "3" },
    diseinfo: [{ diag_type: "1", diag_srt_no: 1, diag_code: "K85.900", diag_name: "急性胰腺炎", vali_flag: "1" }],
  });
  return r.output.result.mdtrt_id as string;
}

async function upload(p: { psn_no: string }, mdtrt: string, yuan: number, sn = "1") {
  await his.ok("2301", { feedetail: [{ feedetl_sn: sn, mdtrt_id: mdtrt, psn_no: p.psn_no, chrg_bchno: "B1", med_list_codg: AMOX, medins_list_codg: AMOX, pric: yuan, cnt: 1, det_item_fee_sumamt: yuan, fee_ocur_time: his.clock.time }] });
}

const settleInput = (p: { psn_no: string }, mdtrt: string, yuan: number) =>
  ({ data: { psn_no: p.psn_no, mdtrt_id: mdtrt, insutype: "390", medfee_sumamt: yuan, acct_used_flag: "0", mid_setl_flag: "0" } });

/** An inpatient stay at the level-3 hospital: admitted, a bill of `yuan` in class-01 items, discharged. */
async function stay(p: { psn_no: string; certno: string }, no: string, yuan: number): Promise<string> {
  const mdtrt = await admit(p, no);
  await upload(p, mdtrt, yuan);
  await his.ok("2402", { dscginfo: { mdtrt_id: mdtrt, psn_no: p.psn_no, insutype: "390", endtime: his.clock.time, dscg_way: "1" }, diseinfo: [] });
  return mdtrt;
}

describe("the hook after a settlement and a reversal (2304, 2305)", () => {
  let mdtrt = "";
  let setlId = "";
  let warningId = 0;

  it("a settlement over the thresholds raises a warning in its own transaction; a pre-settlement raises nothing", async () => {
    his.clock.time = "2022-07-10 09:00:00";
    mdtrt = await stay(HA, "ZY-HA-1", 100_000);
    // Resident, level 3: basic (100,000 − 800) × 65% = 64,480.00; critical illness (800 + 34,720 − 15,000) × 60% = 12,312.00.
    const pre = await his.ok("2303", settleInput(HA, mdtrt, 100_000));
    expect(pre.output.setlinfo).toMatchObject({ inscp_scp_amt: 100_000, hifp_pay: 64_480, hifmi_pay: 12_312, maf_pay: 0, fund_pay_sumamt: 76_792 });
    expect(await warningsOf("HA")).toEqual([]);

    his.clock.time = "2022-07-12 10:00:00";
    const settled = await his.ok("2304", settleInput(HA, mdtrt, 100_000));
    setlId = settled.output.setlinfo.setl_id as string;
    const [w] = await warningsOf("HA");
    expect(w).toMatchObject({
      state: "new", criteria: ["window", "income", "single"], proactive: true, category: null, window_from: "2021-07-13", window_to: "2022-07-12",
      window_self_paid_fen: 2_320_800, household_income_fen: 1_200_000, max_single_self_paid_fen: 2_320_800, setl_ids: [setlId], below_threshold: false,
    });
    expect(w!.explanation).toBe(
      "近12个月政策范围内个人自付 23,208.00 元，超过预警线 16,000.00 元；占家庭年收入 12,000.00 元（人均 6,000.00 元 × 2 人）的 193.40%，" +
      "超过预警比例 50%（6,000.00 元）；单次结算个人自付最高 23,208.00 元，超过预警线 10,000.00 元；未享受医疗救助身份，列入主动发现名单。",
    );
    warningId = w!.id;
    // now() is the transaction's start: the warning and the settlement carry the same instant only if written in one.
    const [same] = await q<{ same: boolean }>(sql`
      select s.created_at = w.raised_at as same from settlements s, warnings w where s.setl_id = ${setlId} and w.id = ${warningId}`);
    expect(same?.same).toBe(true);
    expect(await eventsOf(warningId)).toEqual([{
      actor: "system", action: "raised", from_state: null, to_state: "new",
      note: `结算 ${setlId} 后触发预警（近期个人自付超过预警线、个人自付超过家庭年收入的预警比例、单次结算个人自付超过预警线）：${w!.explanation}`,
    }]);
  });

  it("a reversal that takes the person back under every threshold says so on the warning, in its state", async () => {
    await actOnWarning(platform.database.db, warningId, { action: "contact", actor: "clerk1" });
    his.clock.time = "2022-07-13 08:00:00";
    await his.ok("2305", { data: { setl_id: setlId, mdtrt_id: mdtrt, psn_no: HA.psn_no } });
    const [w] = await warningsOf("HA");
    expect(w).toMatchObject({
      id: warningId, state: "contacted", criteria: [], window_from: "2021-07-14", window_to: "2022-07-13", window_self_paid_fen: 0, max_single_self_paid_fen: 0,
      household_income_fen: 1_200_000, setl_ids: [], below_threshold: true,
    });
    const events = await eventsOf(warningId);
    expect(events.at(-1)).toEqual({
      actor: "system", action: "below_threshold", from_state: "contacted", to_state: "contacted",
      note: `撤销结算 ${setlId} 后已低于全部预警线，预警保留、状态不变：${w!.explanation}`,
    });
    expect(w!.explanation).toMatch(/^近12个月政策范围内个人自付 0.00 元，未超过预警线 16,000.00 元；/);
  });

  it("a later settlement over a threshold clears below_threshold", async () => {
    his.clock.time = "2022-07-20 10:00:00";
    const again = await his.ok("2304", settleInput(HA, mdtrt, 100_000));
    const [w] = await warningsOf("HA");
    expect(w).toMatchObject({ id: warningId, state: "contacted", criteria: ["window", "income", "single"], below_threshold: false, window_self_paid_fen: 2_320_800, setl_ids: [again.output.setlinfo.setl_id] });
    expect((await eventsOf(warningId)).map((e) => e.action)).toEqual(["raised", "contact", "below_threshold", "above_threshold"]);
  });

  it("a settlement of a person holding an assistance category raises a warning off the proactive list", async () => {
    his.clock.time = "2022-08-01 09:00:00";
    const m = await stay(HB, "ZY-HB-1", 200_000);
    const r = await his.ok("2304", settleInput(HB, m, 200_000));
    const s = r.output.setlinfo;
    // Basic 129,480.00; critical illness tilted (deductible 7,500, +10 points) 42,500 × 70% + 20,520 × 80% = 46,166.00;
    // assistance (24,354 − 1,000) × 70% = 16,347.80: 8,006.20 left, over half of 3,000.00 but under (a) and (c).
    expect(s).toMatchObject({ inscp_scp_amt: 200_000, hifp_pay: 129_480, hifmi_pay: 46_166, maf_pay: 16_347.8 });
    const selfPaid = Math.round((s.inscp_scp_amt - s.fund_pay_sumamt) * 100);
    expect(selfPaid).toBe(800_620);
    const [w] = await warningsOf("HB");
    expect(w).toMatchObject({ criteria: ["income"], proactive: false, category: "low_income", window_self_paid_fen: 800_620, household_income_fen: 300_000 });
    expect(w!.explanation).toMatch(/；现享受医疗救助身份：低保边缘家庭成员。$/);
  });

  it("a settlement under every threshold of a person without a warning writes nothing", async () => {
    his.clock.time = "2022-08-05 09:00:00";
    const m = await stay(HC, "ZY-HC-1", 2_000);
    await his.ok("2304", settleInput(HC, m, 2_000));
    expect(await warningsOf("HC")).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// The scan.

describe("the scan of a year", () => {
  const snapshot = async () => JSON.stringify([
    await q(sql`select * from warnings where admdvs = '360100' order by id`),
    await q(sql`select e.* from warning_events e join warnings w on w.id = e.warning_id where w.admdvs = '360100' order by e.id`),
  ]);

  it("finds what the hook would find, once; a second scan changes nothing", async () => {
    const N = "360100";
    await stored("N1", "2022-02-01 10:00:00", 1_600_001, "settled", N); // (a) and (c)
    await stored("N2", "2022-03-01 10:00:00", 900_000, "settled", N);
    await stored("N2", "2022-09-01 10:00:00", 700_000, "settled", N); // 16,000.00: nothing
    await stored("N3", "2022-05-01 10:00:00", 1_000_001, "settled", N); // (c)
    await stored("N4", "2022-05-01 10:00:00", 2_000_000, "reversed", N); // reversed: nothing
    await stored("N4", "2022-06-01 10:00:00", 10_000, "settled", N);
    await stored("N5", "2021-12-31 10:00:00", 1_700_000, "settled", N); // the year before: outside 2022's window
    await stored("N5", "2022-01-01 00:00:00", 100, "settled", N);
    await platform.database.db.execute(sql`update persons set household_income_fen = 20000 where psn_no = 'N6'`);
    await stored("N6", "2022-11-30 10:00:00", 10_001, "settled", N); // (b): 100.01 > 50% of 200.00

    const progress: ScanProgress[] = [];
    const first = await scanYear(platform.services, { year: 2022, admdvs: N, batch_size: 2 }, (p) => progress.push(p));
    expect(first).toEqual({
      year: 2022, admdvs: N, date: "2022-12-31", persons: 6, without_policy: 0, candidates: 3,
      raised: 3, rechecked: 0, below_threshold: 0, above_threshold: 0, unchanged: 0, none: 0,
    });
    expect(progress).toEqual([
      { phase: "window", done: 0, total: 1 }, { phase: "window", done: 1, total: 1 },
      { phase: "check", done: 2, total: 3 }, { phase: "check", done: 3, total: 3 },
    ]);
    const found = await q<{ psn_no: string; criteria: string[]; window_self_paid_fen: number; window_from: string; window_to: string }>(sql`
      select psn_no, criteria, window_self_paid_fen::float8 as window_self_paid_fen, window_from::text as window_from, window_to::text as window_to
      from warnings where admdvs = ${N} order by psn_no`);
    expect(found).toEqual([
      { psn_no: "N1", criteria: ["window", "single"], window_self_paid_fen: 1_600_001, window_from: "2022-01-01", window_to: "2022-12-31" },
      { psn_no: "N3", criteria: ["single"], window_self_paid_fen: 1_000_001, window_from: "2022-01-01", window_to: "2022-12-31" },
      { psn_no: "N6", criteria: ["income"], window_self_paid_fen: 10_001, window_from: "2022-01-01", window_to: "2022-12-31" },
    ]);
    const events = await q<{ actor: string; action: string; note: string }>(sql`
      select e.actor, e.action, e.note from warning_events e join warnings w on w.id = e.warning_id where w.psn_no = 'N1'`);
    expect(events).toEqual([{ actor: "system", action: "raised", note: expect.stringMatching(/^2022年度预警扫描触发预警（近期个人自付超过预警线、单次结算个人自付超过预警线）：/) }]);

    // The hook's check of each person on the scan's date finds exactly what the scan stored.
    const before = await snapshot();
    for (const p of SCANNED) expect((await check(p, "2022-12-31", { kind: "scan", year: 2022 })).decision, p).toMatch(/^(none|unchanged)$/);
    expect(await snapshot()).toBe(before);

    const second = await scanYear(platform.services, { year: 2022, admdvs: N });
    expect(second).toMatchObject({ persons: 6, candidates: 3, raised: 0, rechecked: 0, unchanged: 3 });
    expect(await snapshot()).toBe(before);
  });

  it("rechecks what changed since, and takes a reversed settlement's person below the thresholds", async () => {
    await platform.database.db.execute(sql`update settlements set status = 'reversed' where psn_no = 'N3'`);
    await stored("N1", "2022-12-01 10:00:00", 50_000, "settled", "360100");
    const r = await scanYear(platform.services, { year: 2022, admdvs: "360100" });
    expect(r).toMatchObject({ persons: 5, candidates: 3, raised: 0, rechecked: 1, below_threshold: 1, unchanged: 1 });
    const n3 = await warningsOf("N3");
    expect(n3[0]).toMatchObject({ below_threshold: true, criteria: [], window_self_paid_fen: 0 });
    expect((await eventsOf(n3[0]!.id)).at(-1)?.note).toMatch(/^2022年度预警扫描已低于全部预警线，预警保留、状态不变：/);
  });

  it("refuses a year that is not one, a region that is not one, and a date outside the year, before reading anything", async () => {
    await expect(scanYear(platform.services, { year: 1999 })).rejects.toThrow("year: must be a calendar year from 2000 to 2099, got 1999");
    await expect(scanYear(platform.services, { year: 2022, admdvs: "12345" })).rejects.toThrow(/^admdvs: must be a 6-digit region code/);
    await expect(scanYear(platform.services, { year: 2022, date: "2023-01-01" })).rejects.toThrow("date: 2023-01-01 is not in 2022");
    await expect(scanYear(platform.services, { year: 2098 })).rejects.toThrow(/^year: 2098 has not begun/);
  });

  it("shows a warning with the settlements behind it and its events", async () => {
    const [n1] = await warningsOf("N1");
    const w = await getWarning(platform.database.db, n1!.id);
    expect(w?.settlements.map((s) => [s.fixmedins_name, s.self_paid_fen, s.status])).toEqual([
      ["百色市人民医院", 1_600_001, "settled"], ["百色市人民医院", 50_000, "settled"],
    ]);
    expect(w?.settlements[0]).toMatchObject({ setl_time: "2022-02-01 10:00:00", medfee_sumamt: 1_600_001 + STORED_FUNDS_TOTAL + STORED_OUT_OF_POLICY });
    expect(w?.events.map((e) => e.action)).toEqual(["raised", "rechecked"]);
  });
});
