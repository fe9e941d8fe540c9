import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encounters, feeLines, ledgerTransfers, messageLog, settlements } from "../../src/store/schema.js";
import { H2, H3, HisSession, makeId, openTestPlatform, refused, settlementViolations, stateOf, type TestPlatform } from "../support/his.js";

/**
 * msgid is the idempotency key (his-interface.md, Transport): the same message again answers as the first time and moves
 * no money twice; the same msgid with another body is refused and changes nothing; a refused message is not kept, so the
 * hospital corrects it and sends it with a new msgid.
 */

const EMPLOYEE = { psn_no: "P451000000301", certno: makeId("451002", "1984-05-06", 301), insutype: "310" as const, balc_fen: 200_000 };
const DESTITUTE = { psn_no: "P451000000302", certno: makeId("451002", "1950-02-03", 302), insutype: "390" as const, categories: [{ type: "destitute", begin: "2022-01-01", end: null }] };
const RESIDENT = { psn_no: "P451000000303", certno: makeId("451002", "1991-09-09", 303), insutype: "390" as const };
const RACER = { psn_no: "P451000000304", certno: makeId("451002", "1979-11-12", 304), insutype: "310" as const, balc_fen: 150_000 };

const AMOX = "XJ01CAA040A001010100973"; // 阿莫西林胶囊, class 01
const NIFE02 = "XC08CAA053A008010100212"; // 硝苯地平控释片, class 02, 10% self-pay first
const BED = "001102000010000"; // 床位费(三人间), class 01, cap 40.00
const OWN = "ZZ9999990000000000001"; // not in the catalogue: all own pay

type Person = { psn_no: string; certno: string; insutype: string };

let platform: TestPlatform;
let his: HisSession; // H3
let h2: HisSession; // H2

beforeAll(async () => {
  platform = await openTestPlatform([EMPLOYEE, DESTITUTE, RESIDENT, RACER]);
  his = new HisSession(platform.app, H3, { time: "2022-05-10 09:00:00" });
  h2 = new HisSession(platform.app, H2, { time: "2022-05-10 09:00:00" });
  await his.signIn();
  await h2.signIn();
});
afterAll(() => platform.close());

function line(s: HisSession, mdtrt_id: string, psn_no: string, sn: string, code: string, pric: number, cnt: number) {
  const amount = Math.round(Math.round(pric * 100) * cnt) / 100;
  return { feedetl_sn: sn, mdtrt_id, psn_no, chrg_bchno: "B1", med_list_codg: code, medins_list_codg: code, pric, cnt, det_item_fee_sumamt: amount, fee_ocur_time: s.clock.time };
}

function registration(s: HisSession, p: Person, no: string) {
  return { data: { psn_no: p.psn_no, insutype: p.insutype, begntime: s.clock.time, mdtrt_cert_type: "02", mdtrt_cert_no: p.certno, ipt_otp_no: no, dept_code: "A01", dept_name: "内科", caty: "A03" } };
}

async function visit(s: HisSession, p: Person, no: string): Promise<string> {
  const r = await s.ok("2201", registration(s, p, no));
  const mdtrt = r.output.data.mdtrt_id as string;
  await s.ok("2203", { mdtrtinfo: { mdtrt_id: mdtrt, psn_no: p.psn_no, med_type: "11", begntime: s.clock.time, dise_codg: "J06.900", dise_name: "上呼吸道感染" }, diseinfo: [] });
  return mdtrt;
}

function settleInput(p: Person, mdtrt_id: string, medfee_sumamt: number, extra: Record<string, unknown> = {}) {
  return { data: { psn_no: p.psn_no, mdtrt_id, insutype: p.insutype, medfee_sumamt, acct_used_flag: "0", mid_setl_flag: "0", psn_setlway: "01", ...extra } };
}

async function cum(s: HisSession, psn_no: string) {
  const r = await s.ok("5206", { data: { psn_no, cum_ym: "202205" } });
  return r.output.cuminfo as { cum_type_code: string; cum: number }[];
}

async function balance(s: HisSession, p: Person): Promise<number> {
  const r = await s.ok("1101", { data: { mdtrt_cert_type: "02", certno: p.certno } });
  return r.output.insuinfo[0].balc as number;
}

async function ledgerOf(setl_id: string) {
  return platform.database.db.select().from(ledgerTransfers).where(eq(ledgerTransfers.setl_id, setl_id));
}

async function logged(msgid: string) {
  return platform.database.db.select().from(messageLog).where(eq(messageLog.msgid, msgid));
}

describe("msgid is the idempotency key", () => {
  it("2207 again with the same msgid and body answers the first answer; ledger, accumulators and balance move once", async () => {
    const mdtrt = await visit(his, EMPLOYEE, "MZ-I1");
    await his.ok("2204", { feedetail: [line(his, mdtrt, EMPLOYEE.psn_no, "1", AMOX, 80, 10), line(his, mdtrt, EMPLOYEE.psn_no, "2", BED, 45, 1)] });
    const body = his.envelope("2207", settleInput(EMPLOYEE, mdtrt, 845, { acct_used_flag: "1", chrg_bchno: "B1", invono: "INV-I1" }));
    const first = await his.send(body);
    expect(first.infcode).toBe(0);
    // 840 in scope, 5 over the bed's cap; deductible 500, (840 − 500) × 60% = 204; 641 from the account.
    expect(first.output.setlinfo).toMatchObject({ medfee_sumamt: 845, hifp_pay: 204, acct_pay: 641, psn_cash_pay: 0, balc: 1359 });
    const setlId = first.output.setlinfo.setl_id as string;
    const before = await stateOf(platform.database);
    const cumBefore = await cum(his, EMPLOYEE.psn_no);

    const again = await his.send(body);
    expect(again).toEqual(first);
    // The same message with its keys in another order is the same message.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    expect(await his.send(reordered)).toEqual(first);

    expect(await stateOf(platform.database)).toBe(before);
    expect(await cum(his, EMPLOYEE.psn_no)).toEqual(cumBefore);
    expect(cumBefore.find((c) => c.cum_type_code === "outpatient_basic_paid")?.cum).toBe(204);
    expect(await balance(his, EMPLOYEE)).toBe(1359);
    const rows = await platform.database.db.select().from(settlements).where(eq(settlements.mdtrt_id, mdtrt));
    expect(rows.map((r) => r.setl_id)).toEqual([setlId]);
    const posted = await ledgerOf(setlId);
    expect(posted.filter((t) => t.kind === "settle").reduce((s, t) => s + t.amount_fen, 0)).toBe(84_500);
    expect(posted.every((t) => t.kind === "settle")).toBe(true);
  });

  it("2304 again with the same msgid and body answers the same setl_id and settles once", async () => {
    const adm = await his.ok("2401", {
      mdtrtinfo: { psn_no: DESTITUTE.psn_no, insutype: "390", begntime: his.clock.time, mdtrt_cert_type: "02", mdtrt_cert_no: DESTITUTE.certno, med_type: "21", ipt_no: "ZY-I1", adm_diag_dscr: "肺炎" },
      diseinfo: [{ diag_type: "1", diag_srt_no: 1, diag_code: "J18.900", diag_name: "肺炎", vali_flag: "1" }],
    });
    const mdtrt = adm.output.result.mdtrt_id as string;
    await his.ok("2301", { feedetail: [line(his, mdtrt, DESTITUTE.psn_no, "1", AMOX, 100, 100), line(his, mdtrt, DESTITUTE.psn_no, "2", NIFE02, 20, 100), line(his, mdtrt, DESTITUTE.psn_no, "3", OWN, 50, 10)] });
    await his.ok("2402", { dscginfo: { mdtrt_id: mdtrt, psn_no: DESTITUTE.psn_no, insutype: "390", endtime: "2022-05-17 09:00:00", dscg_way: "1" }, diseinfo: [] });
    const body = his.envelope("2304", settleInput(DESTITUTE, mdtrt, 12_500, { fulamt_ownpay_amt: 500, overlmt_selfpay: 0, preselfpay_amt: 200, inscp_scp_amt: 11_800 }));
    const first = await his.send(body);
    expect(first.infcode).toBe(0);
    // The worked check of settlement-spec.md.
    expect(first.output.setlinfo).toMatchObject({ hifp_pay: 7150, maf_pay: 4650, fund_pay_sumamt: 11_800, psn_cash_pay: 700 });
    const before = await stateOf(platform.database);
    const cumBefore = await cum(his, DESTITUTE.psn_no);

    const replies = [await his.send(body), await his.send(body)];
    for (const r of replies) expect(r).toEqual(first);
    expect(await stateOf(platform.database)).toBe(before);
    expect(await cum(his, DESTITUTE.psn_no)).toEqual(cumBefore);
    expect(Object.fromEntries(cumBefore.map((c) => [c.cum_type_code, c.cum]))).toMatchObject({ inpatient_chronic_basic_paid: 7150, assistance_paid: 4650 });
    const rows = await platform.database.db.select().from(settlements).where(eq(settlements.mdtrt_id, mdtrt));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.setl_id).toBe(first.output.setlinfo.setl_id);
  });

  it("the same msgid with another body is refused, naming msgid, and changes nothing", async () => {
    const mdtrt = await visit(his, RESIDENT, "MZ-I2");
    await his.ok("2204", { feedetail: [line(his, mdtrt, RESIDENT.psn_no, "1", AMOX, 30, 2)] });
    const body = his.envelope("2207", settleInput(RESIDENT, mdtrt, 60));
    const first = await his.send(body);
    expect(first.infcode).toBe(0);

    // Another amount under the same msgid.
    const other = { ...body, input: settleInput(RESIDENT, mdtrt, 61) };
    const r1 = await refused(platform.database, () => his.send(other));
    expect(r1.err_msg).toMatch(/^msgid: /);
    expect(r1.err_msg).toContain(body.msgid);
    // Another transaction under the same msgid: no new encounter.
    const r2 = await refused(platform.database, () => his.send({ ...his.envelope("2201", registration(his, RESIDENT, "MZ-I2b")), msgid: body.msgid }));
    expect(r2.err_msg).toMatch(/^msgid: /);
    // An envelope field changed (the operator) is another message too.
    const r3 = await refused(platform.database, () => his.send({ ...body, opter: "T002" }));
    expect(r3.err_msg).toMatch(/^msgid: /);
    // And the first message still answers as the first time.
    expect(await his.send(body)).toEqual(first);
  });

  it("2201 again answers the same mdtrt_id and opens one encounter", async () => {
    const body = his.envelope("2201", registration(his, RESIDENT, "MZ-I3"));
    const first = await his.send(body);
    expect(first.infcode).toBe(0);
    const before = await stateOf(platform.database);
    const again = await his.send(body);
    expect(again).toEqual(first);
    expect(await stateOf(platform.database)).toBe(before);
    const mine = await platform.database.db.select().from(encounters).where(eq(encounters.ipt_otp_no, "MZ-I3"));
    expect(mine.map((e) => e.mdtrt_id)).toEqual([first.output.data.mdtrt_id]);
  });

  it("2204 again answers the same splits and stores no line twice", async () => {
    const mdtrt = await visit(his, RESIDENT, "MZ-I4");
    const body = his.envelope("2204", { feedetail: [line(his, mdtrt, RESIDENT.psn_no, "1", AMOX, 12.5, 4), line(his, mdtrt, RESIDENT.psn_no, "2", NIFE02, 20, 3)] });
    const first = await his.send(body);
    expect(first.infcode).toBe(0);
    expect(first.output.result).toHaveLength(2);
    const before = await stateOf(platform.database);
    expect(await his.send(body)).toEqual(first);
    expect(await stateOf(platform.database)).toBe(before);
    const lines = await platform.database.db.select().from(feeLines).where(eq(feeLines.mdtrt_id, mdtrt));
    expect(lines.map((l) => l.feedetl_sn).sort()).toEqual(["1", "2"]);
    // The same lines under a new msgid are a new upload, refused by their feedetl_sn.
    const dup = await refused(platform.database, () => his.call("2204", body.input));
    expect(dup.err_msg).toMatch(/feedetl_sn: 1 is uploaded already/);
  });

  it("2208 again answers the first reversal; the account and the ledger are restored once", async () => {
    const mdtrt = await visit(his, EMPLOYEE, "MZ-I5");
    await his.ok("2204", { feedetail: [line(his, mdtrt, EMPLOYEE.psn_no, "1", AMOX, 25, 4)] });
    const balc0 = await balance(his, EMPLOYEE);
    const cum0 = await cum(his, EMPLOYEE.psn_no);
    const setl = await his.ok("2207", settleInput(EMPLOYEE, mdtrt, 100, { acct_used_flag: "1" }));
    const setlId = setl.output.setlinfo.setl_id as string;
    expect(setl.output.setlinfo.acct_pay).toBeGreaterThan(0);
    expect(await balance(his, EMPLOYEE)).toBeCloseTo(balc0 - setl.output.setlinfo.acct_pay, 2);

    const body = his.envelope("2208", { data: { setl_id: setlId, mdtrt_id: mdtrt, psn_no: EMPLOYEE.psn_no } });
    const first = await his.send(body);
    expect(first.infcode).toBe(0);
    expect(first.output.setlinfo.medfee_sumamt).toBe(-100);
    const before = await stateOf(platform.database);
    expect(await his.send(body)).toEqual(first);
    expect(await stateOf(platform.database)).toBe(before);
    expect(await balance(his, EMPLOYEE)).toBe(balc0);
    expect(await cum(his, EMPLOYEE.psn_no)).toEqual(cum0);
    const posted = await ledgerOf(setlId);
    const sum = (kind: string) => posted.filter((t) => t.kind === kind).reduce((s, t) => s + t.amount_fen, 0);
    expect([sum("settle"), sum("reverse")]).toEqual([10_000, 10_000]);
    // A reversal under a new msgid is a new message: refused, the settlement is reversed already.
    const twice = await refused(platform.database, () => his.call("2208", body.input));
    expect(twice.err_msg).toMatch(/^setl_id: .*reversed already/);
  });

  it("the same 2207 sent several times at once settles once, and every copy answers the same setl_id", async () => {
    const mdtrt = await visit(h2, RACER, "MZ-I6");
    await h2.ok("2204", { feedetail: [line(h2, mdtrt, RACER.psn_no, "1", AMOX, 100, 7), line(h2, mdtrt, RACER.psn_no, "2", NIFE02, 20, 5)] });
    const balc0 = await balance(h2, RACER);
    const body = h2.envelope("2207", settleInput(RACER, mdtrt, 800, { acct_used_flag: "1" }));
    const replies = await Promise.all(Array.from({ length: 6 }, () => h2.send(body)));
    for (const r of replies) {
      expect(r.err_msg).toBeNull();
      expect(r).toEqual(replies[0]);
    }
    const setlinfo = replies[0]?.output.setlinfo as Record<string, number | string>;
    const rows = await platform.database.db.select().from(settlements).where(eq(settlements.mdtrt_id, mdtrt));
    expect(rows.map((r) => r.setl_id)).toEqual([setlinfo.setl_id]);
    const posted = await ledgerOf(String(setlinfo.setl_id));
    expect(posted.reduce((s, t) => s + t.amount_fen, 0)).toBe(80_000);
    expect(await balance(h2, RACER)).toBeCloseTo(balc0 - Number(setlinfo.acct_pay), 2);
    expect(await logged(body.msgid)).toHaveLength(1);
  });

  it("the same 2201 sent several times at once opens one encounter", async () => {
    const body = h2.envelope("2201", registration(h2, RACER, "MZ-I7"));
    const replies = await Promise.all(Array.from({ length: 5 }, () => h2.send(body)));
    for (const r of replies) {
      expect(r.err_msg).toBeNull();
      expect(r).toEqual(replies[0]);
    }
    const mine = await platform.database.db.select().from(encounters).where(eq(encounters.ipt_otp_no, "MZ-I7"));
    expect(mine).toHaveLength(1);
  });

  it("one msgid with different bodies at once: one is answered, every other is refused naming msgid", async () => {
    const mdtrt = await visit(h2, RACER, "MZ-I8");
    await h2.ok("2204", { feedetail: [line(h2, mdtrt, RACER.psn_no, "1", AMOX, 10, 3)] });
    const msgid = h2.nextMsgid();
    const bodies = ["0", "1", "0", "1"].map((flag, i) => ({ ...h2.envelope("2207", settleInput(RACER, mdtrt, 30, { acct_used_flag: flag, invono: `INV-${i}` }), msgid) }));
    const replies = await Promise.all(bodies.map((b) => h2.send(b)));
    const answered = replies.filter((r) => r.infcode === 0);
    expect(answered).toHaveLength(1);
    for (const r of replies.filter((x) => x.infcode !== 0)) expect(r.err_msg).toMatch(/^msgid: /);
    const rows = await platform.database.db.select().from(settlements).where(eq(settlements.mdtrt_id, mdtrt));
    expect(rows.map((r) => r.setl_id)).toEqual([answered[0]?.output.setlinfo.setl_id]);
    // The winner's body is the one logged and answered again.
    const winner = bodies[replies.indexOf(answered[0] as (typeof replies)[number])];
    expect(await h2.send(winner)).toEqual(answered[0]);
  });

  it("a refused 2207 (medfee_sumamt disagrees) is not logged; the corrected message with a new msgid settles", async () => {
    const mdtrt = await visit(his, RESIDENT, "MZ-I9");
    await his.ok("2204", { feedetail: [line(his, mdtrt, RESIDENT.psn_no, "1", AMOX, 40, 2), line(his, mdtrt, RESIDENT.psn_no, "2", OWN, 5, 1)] });
    const wrong = his.envelope("2207", settleInput(RESIDENT, mdtrt, 84.99));
    const r = await refused(platform.database, () => his.send(wrong));
    expect(r.err_msg).toBe("medfee_sumamt: 84.99 disagrees with the uploaded lines' total 85.00");
    expect(await logged(wrong.msgid)).toEqual([]);
    // Sent again unchanged, it is refused again (a refusal is not an answer to replay, and still changes nothing).
    const again = await refused(platform.database, () => his.send(wrong));
    expect(again.err_msg).toBe(r.err_msg);
    // The parts 2207 repeats from the pre-settlement are checked too.
    const parts = await refused(platform.database, () => his.call("2207", settleInput(RESIDENT, mdtrt, 85, { fulamt_ownpay_amt: 4 })));
    expect(parts.err_msg).toMatch(/^fulamt_ownpay_amt: 4.00 disagrees/);

    const right = his.envelope("2207", settleInput(RESIDENT, mdtrt, 85, { fulamt_ownpay_amt: 5, inscp_scp_amt: 80 }));
    expect(right.msgid).not.toBe(wrong.msgid);
    const ok = await his.send(right);
    expect(ok.err_msg).toBeNull();
    expect(ok.output.setlinfo).toMatchObject({ medfee_sumamt: 85, inscp_scp_amt: 80, fulamt_ownpay_amt: 5 });
    expect(await logged(right.msgid)).toHaveLength(1);
  });

  it("after all of it, every settlement has its ledger, funds, lines and log, and the ledger nets to the settlements in force", async () => {
    expect(await settlementViolations(platform.database)).toEqual([]);
  });
});
