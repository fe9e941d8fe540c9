import { eq, sql } from "drizzle-orm";
import { assistanceApplications, ledgerTransfers, settlementFunds, settlements } from "../../src/store/schema.js";
import { H1, H2, H3, HNC, HisSession, makeId, type TestPerson, type TestPlatform } from "./his.js";

/**
 * A year of benefits in Baise (451000) for the benefit-report tests (test/benefits.test.ts, test/api/benefits.test.ts):
 * visits settled through the hospital interface for persons of different categories and counties, one of them reversed,
 * and what the assistance and supplementary tiers being built alongside (issue 13) will write, inserted directly.
 *
 * Each settlement's split is worked out by hand from settlement-spec.md (policy 451000-2022) in the comments; the tests
 * check the interface answered the same before reading the report.
 *
 * Counties: a person insured in a county cannot be settled yet (selectPolicy wants the policy's own region; the pooling
 * change of the Gansu work lifts that). So everyone is insured in 451000 and each settlement is then given its person's
 * county, as a county's settlement will carry it (insuplc_admdvs as settled). Once pooling is in, the update is a no-op
 * for persons made in their county.
 */

const resident = (n: number, birth: string, categories: TestPerson["categories"] = []): TestPerson => ({
  psn_no: `P4510000009${String(n).padStart(2, "0")}`, certno: makeId("451002", birth, 900 + n), insutype: "390", categories,
});

/** Re-certified in June without the first period being closed: two open periods of one category count once (K, July). */
export const DESTITUTE = resident(1, "1948-03-03", [{ type: "destitute", begin: "2022-01-01", end: null }, { type: "destitute", begin: "2022-06-01", end: null }]);
export const LIFTED = resident(2, "1970-04-04", [{ type: "lifted", begin: "2021-01-01", end: "2025-12-31" }]);
export const PLAIN = resident(3, "1985-05-05");
export const EMPLOYEE: TestPerson = { psn_no: "P451000000904", certno: makeId("451002", "1990-06-06", 904), insutype: "310" };
/** minimum_living until the end of March only: February's visit is hers as 低保, May's is not. */
export const MINLIV = resident(5, "1960-07-07", [{ type: "minimum_living", begin: "2021-01-01", end: "2022-03-31" }]);
/** Two poverty-relief categories at once: in both rows, once in the poverty-relief total. */
export const LOWLIFT = resident(6, "1955-08-08", [
  { type: "low_income", begin: "2022-01-01", end: "2022-12-31" },
  { type: "lifted", begin: "2020-01-01", end: null },
]);
export const EMPLOYEE2: TestPerson = { psn_no: "P451000000907", certno: makeId("451002", "1972-09-09", 907), insutype: "310" };
/** 因病致贫: a category, but not of the poverty-relief population. */
export const ILLNESS = resident(8, "1966-10-10", [{ type: "illness_impoverished", begin: "2022-01-01", end: null }]);
/** Insured in Nanchang: outside Baise, only in a national report. */
export const NANCHANG: TestPerson = { psn_no: "P360100000909", certno: makeId("360102", "1980-11-11", 909), insutype: "390", admdvs: "360100" };

export const BENEFIT_PERSONS = [DESTITUTE, LIFTED, PLAIN, EMPLOYEE, MINLIV, LOWLIFT, EMPLOYEE2, ILLNESS, NANCHANG];

export const COUNTY: Record<string, string> = {
  [DESTITUTE.psn_no]: "451026", // 那坡县
  [LOWLIFT.psn_no]: "451026",
  [LIFTED.psn_no]: "451022", // 田东县
  [ILLNESS.psn_no]: "451022",
  [PLAIN.psn_no]: "451002", // 右江区
  [EMPLOYEE.psn_no]: "451002",
  [MINLIV.psn_no]: "451081", // 靖西市
  [EMPLOYEE2.psn_no]: "451081",
};
export const COUNTIES = ["451002", "451022", "451026", "451081"];

const AMOX = "XJ01CAA040A001010100973"; // 阿莫西林胶囊, class 01, no price cap: every yuan in policy
const NIFE01 = "XC08CAA101A038010100073"; // 硝苯地平片, class 01

type Person = Pick<TestPerson, "psn_no" | "certno" | "insutype">;

/** What the window answered of a visit (setlinfo, yuan as on the wire). */
export interface Answered {
  mdtrt_id: string;
  setl_id: string;
  hifp_pay: number;
  hifmi_pay: number;
  hifob_pay: number;
  maf_pay: number;
  fund_pay_sumamt: number;
}

function line(s: HisSession, mdtrt_id: string, psn_no: string, sn: string, code: string, pric: number, cnt: number) {
  const amount = Math.round(Math.round(pric * 100) * cnt) / 100;
  return { feedetl_sn: sn, mdtrt_id, psn_no, chrg_bchno: "B1", med_list_codg: code, medins_list_codg: code, pric, cnt, det_item_fee_sumamt: amount, fee_ocur_time: s.clock.time };
}

function settleData(p: Person, mdtrt_id: string, medfee_sumamt: number, med_type: string) {
  return { data: { psn_no: p.psn_no, mdtrt_id, insutype: p.insutype, medfee_sumamt, med_type, acct_used_flag: "0", mid_setl_flag: "0", psn_setlway: "01" } };
}

/** An outpatient visit (2201, 2203, 2204, 2207) of one line; the answer's setlinfo. */
async function outpatient(s: HisSession, p: Person, time: string, no: string, med_type: string, code: string, pric: number, cnt: number): Promise<Answered> {
  s.clock.time = time;
  const reg = await s.ok("2201", { data: { psn_no: p.psn_no, insutype: p.insutype, begntime: time, mdtrt_cert_type: "02", mdtrt_cert_no: p.certno, ipt_otp_no: no, dept_code: "A01", dept_name: "内科", caty: "A03" } });
  const mdtrt = reg.output.data.mdtrt_id as string;
  const dise = med_type === "14" ? "M03900" : "J06.900";
  await s.ok("2203", { mdtrtinfo: { mdtrt_id: mdtrt, psn_no: p.psn_no, med_type, begntime: time, dise_codg: dise, dise_name: "诊断", ...(med_type === "14" ? { opsp_dise_code: dise } : {}) }, diseinfo: [] });
  const fee = line(s, mdtrt, p.psn_no, "1", code, pric, cnt);
  await s.ok("2204", { feedetail: [fee] });
  const r = await s.ok("2207", settleData(p, mdtrt, fee.det_item_fee_sumamt, med_type));
  return { ...(r.output.setlinfo as Omit<Answered, "mdtrt_id">), mdtrt_id: mdtrt };
}

/** An inpatient stay (2401, 2301, 2402, 2304) of one line, admitted the day before; the answer's setlinfo. */
async function inpatient(s: HisSession, p: Person, time: string, no: string, pric: number, cnt: number): Promise<Answered> {
  const day = time.slice(0, 10);
  s.clock.time = `${day} 08:00:00`;
  const adm = await s.ok("2401", {
    mdtrtinfo: { psn_no: p.psn_no, insutype: p.insutype, begntime: s.clock.time, mdtrt_cert_type: "02", mdtrt_cert_no: p.certno, med_type: "21", ipt_no: no, adm_diag_dscr: "肺炎", adm_bed: "3" },
    diseinfo: [{ diag_type: "1", diag_srt_no: 1, diag_code: "J18.900", diag_name: "肺炎", vali_flag: "1" }],
  });
  const mdtrt = adm.output.result.mdtrt_id as string;
  const fee = line(s, mdtrt, p.psn_no, "1", AMOX, pric, cnt);
  await s.ok("2301", { feedetail: [fee] });
  s.clock.time = `${day} 09:00:00`;
  await s.ok("2402", { dscginfo: { mdtrt_id: mdtrt, psn_no: p.psn_no, insutype: p.insutype, endtime: s.clock.time, dscg_way: "1" }, diseinfo: [] });
  s.clock.time = time;
  const r = await s.ok("2304", settleData(p, mdtrt, fee.det_item_fee_sumamt, "21"));
  return { ...(r.output.setlinfo as Omit<Answered, "mdtrt_id">), mdtrt_id: mdtrt };
}

/** What was answered at the window, by visit (yuan, as on the wire). */
export interface BenefitScenario {
  visits: Record<string, Answered>;
  /** The settlement reversed (2208): it must count nowhere. */
  reversed: string;
}

/**
 * The year, settled in date order per person (accumulators follow the order). In force, yuan (hifp / hifmi / hifob / maf):
 *
 * - A  destitute, inpatient H3 (level 3), 2022-02-14, 10,000: deductible 800, 9,200 × 65% = 5,980; tier-two base 800 + 3,220
 *      = 4,020 under the tilted 7,500: 0; assistance 100% of 10,000 − 5,980 = 4,020. Funds 10,000.
 * - B  destitute, chronic (14, hypertension) H3, 2022-03-10, 1,860: 65% = 1,209 (disease limit 2,000); tier-two base 651
 *      (4,671 in all): 0; assistance 651. Funds 1,860.
 * - K  destitute, inpatient H3, 2022-07-20, 30,000: 29,200 × 65% = 18,980; tier-two base 800 + 10,220 = 11,020 from 4,671 to
 *      15,691: (15,691 − 7,500) × 70% = 5,733.70; assistance 30,000 − 18,980 − 5,733.70 = 5,286.30. Funds 30,000.
 * - C  lifted, inpatient H2 (level 2), 2022-05-16, 3,000: deductible 500, 2,500 × 80% = 2,000; no tilt, no assistance. Then
 *      惠民保 300 and charity 150 (inserted, see below). Funds 2,450.
 * - D  plain, general outpatient (11) H1, 2022-05-03, 200: 50% = 100.
 * - E  plain, general outpatient H1, 2022-06-01, 80: 40 — reversed by 2208.
 * - F  employee, general outpatient H3, 2022-06-15, 1,000: annual deductible 500, 500 × 60% = 300.
 * - G1 minimum_living (valid), general outpatient H1, 2022-02-21, 100: 50. No assistance for general outpatient.
 * - G2 the same person in May (category ended 03-31), inpatient H3, 5,000: 4,200 × 65% = 2,730; tier-two base 2,270: 0.
 * - H  low_income + lifted, inpatient H1 (level 1), 2022-02-25, 10,000: deductible 200, 9,800 × 90% = 8,820; tilted tier two
 *      base 1,180: 0; assistance (low_income, 70%, annual deductible 1,000): (1,180 − 1,000) × 70% = 126. Funds 8,946.
 * - L  employee, inpatient H3, 2022-08-08, 380,000: 379,100 × 80% = 303,280 over the cap: 300,000; large amount
 *      (379,100 − 375,000) × 90% = 3,690. Funds 303,690.
 * - N  Nanchang resident, general outpatient at HNC (360100), 2022-05-05, 200: 50% = 100 (outside Baise).
 */
export async function settleBenefitYear(platform: TestPlatform): Promise<BenefitScenario> {
  const h3 = new HisSession(platform.app, H3, { time: "2022-01-05 08:00:00" });
  const h2 = new HisSession(platform.app, H2, { time: "2022-01-05 08:00:00" });
  const h1 = new HisSession(platform.app, H1, { time: "2022-01-05 08:00:00" });
  const hnc = new HisSession(platform.app, HNC, { time: "2022-01-05 08:00:00" });
  for (const s of [h3, h2, h1, hnc]) await s.signIn();
  await h3.ok("2503", { data: { psn_no: DESTITUTE.psn_no, insutype: "390", opsp_dise_code: "M03900", opsp_dise_name: "高血压", ide_fixmedins_no: H3, begndate: "2022-01-01", enddate: "2022-12-31" } });

  const v: Record<string, Answered> = {};
  v.A = await inpatient(h3, DESTITUTE, "2022-02-14 10:00:00", "ZY-A", 100, 100);
  v.B = await outpatient(h3, DESTITUTE, "2022-03-10 10:00:00", "MZ-B", "14", NIFE01, 15.5, 120);
  v.K = await inpatient(h3, DESTITUTE, "2022-07-20 10:00:00", "ZY-K", 100, 300);
  v.C = await inpatient(h2, LIFTED, "2022-05-16 10:00:00", "ZY-C", 100, 30);
  v.D = await outpatient(h1, PLAIN, "2022-05-03 10:00:00", "MZ-D", "11", AMOX, 20, 10);
  v.E = await outpatient(h1, PLAIN, "2022-06-01 10:00:00", "MZ-E", "11", AMOX, 20, 4);
  v.F = await outpatient(h3, EMPLOYEE, "2022-06-15 10:00:00", "MZ-F", "11", AMOX, 100, 10);
  v.G1 = await outpatient(h1, MINLIV, "2022-02-21 10:00:00", "MZ-G1", "11", AMOX, 20, 5);
  v.G2 = await inpatient(h3, MINLIV, "2022-05-24 10:00:00", "ZY-G2", 100, 50);
  v.H = await inpatient(h1, LOWLIFT, "2022-02-25 10:00:00", "ZY-H", 100, 100);
  v.L = await inpatient(h3, EMPLOYEE2, "2022-08-08 10:00:00", "ZY-L", 100, 3800);
  v.N = await outpatient(hnc, NANCHANG, "2022-05-05 10:00:00", "MZ-N", "11", AMOX, 20, 10);

  h1.clock.time = "2022-06-02 09:00:00";
  await h1.ok("2208", { data: { setl_id: v.E.setl_id, mdtrt_id: v.E.mdtrt_id, psn_no: PLAIN.psn_no } });

  const db = platform.database.db;
  for (const [psn_no, county] of Object.entries(COUNTY)) {
    await db.update(settlements).set({ insuplc_admdvs: county }).where(eq(settlements.psn_no, psn_no));
  }

  // 惠民保 and charity on C, as the supplementary tiers will pay them: their own setldetail rows (990101, 990201), oth_pay,
  // and the person's part smaller by as much. (The ledger is not redone: the report reads settlements, not their postings.)
  const c = v.C.setl_id;
  await db.insert(settlementFunds).values([
    { setl_id: c, fund_pay_type: "990101", fund_pay_type_name: "惠民保", inscp_scp_amt: 100_000, crt_payb_lmt_amt: null, fund_payamt: 30_000, setl_proc_info: "test" },
    { setl_id: c, fund_pay_type: "990201", fund_pay_type_name: "慈善", inscp_scp_amt: 70_000, crt_payb_lmt_amt: null, fund_payamt: 15_000, setl_proc_info: "test" },
  ]);
  await db.update(settlements).set({
    oth_pay: sql`oth_pay + 45000`, fund_pay_sumamt: sql`fund_pay_sumamt + 45000`, psn_part_amt: sql`psn_part_amt - 45000`, psn_cash_pay: sql`psn_cash_pay - 45000`,
  }).where(eq(settlements.setl_id, c));

  await insertPayments(platform);
  return { visits: v, reversed: v.E.setl_id };
}

const application = (id: string, psn_no: string, kind: "application" | "secondary", state: string, approval_year: number) => ({
  application_id: id, psn_no, admdvs: COUNTY[psn_no] ?? "451000", kind, fund_pay_type: kind === "application" ? "610100" : "610102", policy_id: "451000-2022",
  application_date: `${approval_year}-06-01`, state, filed_by: "clerk", filed_via: "console", household_size: 3, household_income_fen: 500_000,
  setl_ids: [], steps: [], approval_year,
});

/**
 * Assistance paid on application, as the assistance work will write it: the application, and a transfer of kind assistance
 * from its fund to the person.
 *
 * - APP1 ILLNESS, 依申请救助, paid 2022-09-15 10:00 China time: 3,456.78.
 * - APP2 DESTITUTE, 再救助 (610102), posted 2022-10-31 17:00 UTC — 2022-11-01 in China: November's: 1,600.50.
 * - APP4 LOWLIFT, 依申请救助 approved in 2021, posted 2021-12-31 16:30 UTC — 2022-01-01 00:30 in China: January 2022's: 2,000.
 * - APP3 PLAIN, approved, not paid: nothing.
 */
async function insertPayments(platform: TestPlatform): Promise<void> {
  const db = platform.database.db;
  await db.insert(assistanceApplications).values([
    application("SQ-APP1", ILLNESS.psn_no, "application", "paid", 2022),
    application("SQ-APP2", DESTITUTE.psn_no, "secondary", "paid", 2022),
    application("SQ-APP3", PLAIN.psn_no, "application", "approved", 2022),
    application("SQ-APP4", LOWLIFT.psn_no, "application", "paid", 2021),
  ]);
  const pay = (application_id: string, psn_no: string, fund: string, amount_fen: number, posted_at: string) => ({
    application_id, kind: "assistance", debit_account: `fund:${fund}:${COUNTY[psn_no]}`, credit_account: `account:${psn_no}`, amount_fen, fund_pay_type: fund, posted_at: new Date(posted_at),
  });
  await db.insert(ledgerTransfers).values([
    pay("SQ-APP1", ILLNESS.psn_no, "610100", 345_678, "2022-09-15T02:00:00Z"),
    pay("SQ-APP2", DESTITUTE.psn_no, "610102", 160_050, "2022-10-31T17:00:00Z"),
    pay("SQ-APP4", LOWLIFT.psn_no, "610100", 200_000, "2021-12-31T16:30:00Z"),
  ]);
}
