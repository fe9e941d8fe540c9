import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AssistanceConflict } from "../src/domain/assistance/index.js";
import { DomainError } from "../src/domain/errors.js";
import {
  approveApplication, fileApplication, listApplications, payApplication, previewApplication, rejectApplication, type FileInput,
} from "../src/services/assistance/index.js";
import { Services } from "../src/services/common/index.js";
import { ledgerNet } from "../src/services/ledger/index.js";
import type { Database } from "../src/store/db.js";
import { shippedCatalogueEntries } from "../src/services/reference/index.js";
import { catalogueEntries, encounters, enrollments, fixmedins, settlements, warnings } from "../src/store/schema.js";
import { openSecondConnection, TEST_DB_KIND } from "./support/db.js";
import {
  H3, HisSession, issueTestCredentials, makeId, openTestPlatform, seedBasics, sqlRows, type ParsedJson, type TestPerson, type TestPlatform,
} from "./support/his.js";

/**
 * Assistance on application through its use cases, on the reference policy 451000-2022 (settlement-spec.md: below
 * 2 × 5,400 yuan per capita; monitored or illness-impoverished; 60% above 10,000 yuan over the 12 months before the
 * application, at most 100,000, once per calendar year of approval; secondary 50% above 5,000, at most 50,000). The
 * settlements of the window tests are stored directly (their figures are the point); those of PB come through the
 * hospital interface. Every amount to the fen.
 */

const monitored = (psnNo: string, serial: number): TestPerson => ({
  psn_no: psnNo, certno: makeId("451002", "1960-05-05", serial), insutype: "390", categories: [{ type: "monitored", begin: "2021-01-01", end: null }],
});
const PEOPLE = [
  ...["PA", "PB", "PC", "PD", "PE", "PF", "PG"].map((p, i) => monitored(p, 500 + i)),
  { psn_no: "PH", certno: makeId("451002", "1970-07-07", 520), insutype: "390" as const }, // no category
];

let platform: TestPlatform;
let services: Services;
/** A second connection to the same database (PostgreSQL only): another server answering another clerk. */
let second: Database | undefined;

beforeAll(async () => {
  platform = await openTestPlatform(PEOPLE);
  services = platform.services;
  if (TEST_DB_KIND === "postgres") second = await openSecondConnection(platform.database);
});
afterAll(async () => {
  await second?.close();
  await platform?.close();
});

/** A clock at 10:00 in China on a day. */
const on = (date: string) => ({ at: new Date(`${date}T10:00:00+08:00`) });

/**
 * Stores a settled inpatient bill of 100,000.00 in-policy (unless `inscp`) leaving `burden` yuan to the person: basic
 * insurance paid 60% of the rest, critical illness the remainder (and medical assistance `maf` of it).
 */
async function bill(psnNo: string, setlId: string, date: string, burden: string, options: { status?: string; maf?: string; inscp?: string } = {}) {
  const f = (yuan: string) => Math.round(Number(yuan) * 100);
  const inscp = f(options.inscp ?? "100000");
  const maf = f(options.maf ?? "0");
  const left = f(burden);
  const rest = inscp - left - maf;
  const hifp = Math.floor(rest * 0.6);
  const db = platform.database.db;
  await db.insert(encounters).values({
    mdtrt_id: `M${setlId}`, psn_no: psnNo, insutype: "390", fixmedins_code: H3, kind: "inpatient", med_type: "21", mdtrtarea_admvs: "451000",
    insuplc_admdvs: "451000", begntime: `${date} 08:00:00`, status: "settled",
  });
  await db.insert(settlements).values({
    setl_id: setlId, mdtrt_id: `M${setlId}`, psn_no: psnNo, fixmedins_code: H3, insutype: "390", med_type: "21", insuplc_admdvs: "451000",
    mdtrtarea_admvs: "451000", setl_time: `${date} 10:00:00`, year: Number(date.slice(0, 4)), policy_id: "451000-2022", medfee_sumamt: inscp,
    inscp_scp_amt: inscp, hifp_pay: hifp, hifmi_pay: rest - hifp, maf_pay: maf, fund_pay_sumamt: inscp - left, psn_part_amt: left,
    psn_cash_pay: left, setlinfo: {}, delta: {}, steps: [], status: options.status ?? "settled",
  });
}

const filing = (psnNo: string, more: Partial<FileInput> = {}): FileInput => ({
  psn_no: psnNo, application_date: "2022-09-15", household_size: 4, household_income_fen: 500_000, filed_by: "clerk_a", filed_via: "console", ...more,
});

async function refusal(run: () => Promise<unknown>): Promise<DomainError> {
  const error = await run().then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

/** Everything an assistance use case may change, to show that a refusal changed nothing. */
async function assistanceState(): Promise<string> {
  const rows = await Promise.all(["assistance_applications", "assistance_events", "ledger_transfers"].map((t) =>
    sqlRows(platform.database, sql`select * from ${sql.raw(t)} order by 1`)));
  return JSON.stringify(rows);
}

async function refusedUnchanged(run: () => Promise<unknown>): Promise<DomainError> {
  const before = await assistanceState();
  const error = await refusal(run);
  expect(await assistanceState()).toBe(before);
  return error;
}

describe("application-based assistance, filed, approved and paid (PA)", () => {
  let first = "";

  beforeAll(async () => {
    await bill("PA", "SA-OLD", "2021-09-15", "5000"); // thirteen months before: outside the window
    await bill("PA", "SA1", "2022-03-01", "25000");
    await bill("PA", "SA-REV", "2022-04-01", "30000", { status: "reversed" });
    await bill("PA", "SA2", "2022-08-20", "15000");
  });

  it("previews the calculation without writing: a base of 40,000.00 gives 60% × 30,000.00 = 18,000.00", async () => {
    const before = await assistanceState();
    const p = await previewApplication(services, filing("PA"), on("2022-09-20"));
    expect(await assistanceState()).toBe(before);
    expect(p).toMatchObject({ psn_no: "PA", admdvs: "451000", application_date: "2022-09-15" });
    expect(p.calculation).toMatchObject({
      window: { from: "2021-09-16", to: "2022-09-15" }, setl_ids: ["SA1", "SA2"], base_fen: 4_000_000, above_fen: 3_000_000, amount_fen: 1_800_000,
      // SA-OLD (2021-09-15) is not read at all: the window starts the next day.
      excluded: [{ setl_id: "SA-REV", setl_date: "2022-04-01", reason: "reversed" }],
    });
  });

  it("files it with the calculation and an event, state submitted", async () => {
    const a = await fileApplication(services, filing("PA", { note: "社区代为申请" }), on("2022-09-16"));
    first = a.application_id;
    expect(a).toMatchObject({
      psn_no: "PA", admdvs: "451000", kind: "application", fund_pay_type: "610100", policy_id: "451000-2022", application_date: "2022-09-15",
      state: "submitted", filed_by: "clerk_a", filed_via: "console", household_size: 4, household_income_fen: 500_000, certified_difficulty: false,
      note: "社区代为申请", base_fen: 4_000_000, amount_fen: 1_800_000, setl_ids: ["SA1", "SA2"], approval_year: null,
    });
    expect(a.application_id).toMatch(/^ASA20220915[0-9A-F]{12}$/);
    expect(a.steps.at(-1)?.text).toBe(
      "救助金额：基数40000.00元超过起付标准10000.00元的部分30000.00元×救助比例60%=18000.00元；年度限额100000.00元（每人每年批准一次）；本次依申请救助18000.00元（医疗救助基金）。",
    );
    expect(a.events).toEqual([expect.objectContaining({
      actor: "clerk_a", action: "file", from_state: null, to_state: "submitted", note: "经办人代为申请；测算：救助基数40000.00元，救助金额18000.00元", at: "2022-09-16T02:00:00.000Z",
    })]);
  });

  it("refuses paying before approval, and approves once: the year of approval is the approval date's", async () => {
    expect((await refusedUnchanged(() => payApplication(services, first, { by: "clerk_b" }, on("2022-09-19")))).rule).toMatch(/is not approved yet: approve it before paying$/);
    const a = await approveApplication(services, first, { by: "clerk_b" }, on("2022-09-20"));
    expect(a).toMatchObject({ state: "approved", approval_year: 2022, reviewed_by: "clerk_b", reviewed_at: "2022-09-20T02:00:00.000Z", amount_fen: 1_800_000 });
    expect(a.events.map((e) => [e.action, e.to_state, e.note])).toEqual([
      ["file", "submitted", expect.any(String)],
      ["approve", "approved", "按2022-09-20已存结算重新测算：救助基数40000.00元，批准救助金额18000.00元（2022年度）"],
    ]);
    const twice = await refusedUnchanged(() => approveApplication(services, first, { by: "clerk_c" }, on("2022-09-21")));
    expect(twice).toBeInstanceOf(AssistanceConflict);
    expect(`${twice.field}: ${twice.rule}`).toBe(`application_id: application ${first} is already approved (clerk_b, 2022-09-20): approving twice is refused`);
  });

  it("pays it as one balanced ledger transfer from fund 610100 of 451000 to the person, once", async () => {
    const { application, transfer } = await payApplication(services, first, { by: "clerk_c" }, on("2022-09-22"));
    expect(application).toMatchObject({ state: "paid", paid_by: "clerk_c", paid_at: "2022-09-22T02:00:00.000Z" });
    expect(transfer).toEqual({ debit_account: "fund:610100:451000", credit_account: "person:PA", amount_fen: 1_800_000, fund_pay_type: "610100" });
    const rows = await sqlRows<Record<string, unknown>>(platform.database, sql`
      select setl_id, application_id, kind, debit_account, credit_account, amount_fen from ledger_transfers where application_id = ${first}`);
    expect(rows.map((r) => ({ ...r, amount_fen: Number(r.amount_fen) }))).toEqual([
      { setl_id: null, application_id: first, kind: "assistance", debit_account: "fund:610100:451000", credit_account: "person:PA", amount_fen: 1_800_000 },
    ]);
    // The ledger's reads see it: the fund's net outflow for the application, and every account of it nets to zero.
    expect(await ledgerNet(platform.database.db, sql`application_id = ${first}`)).toEqual([{ fund_pay_type: "610100", net_fen: 1_800_000 }]);
    const [balance] = await sqlRows<{ debits: string | number; credits: string | number; person: string | number }>(platform.database, sql`
      select (select sum(amount_fen) from ledger_transfers where debit_account = 'fund:610100:451000' and application_id = ${first}) as debits,
             (select sum(amount_fen) from ledger_transfers where application_id = ${first}) as credits,
             (select sum(amount_fen) from ledger_transfers where credit_account = 'person:PA') as person`);
    expect([Number(balance?.debits), Number(balance?.credits), Number(balance?.person)]).toEqual([1_800_000, 1_800_000, 1_800_000]);
    const again = await refusedUnchanged(() => payApplication(services, first, { by: "clerk_c" }, on("2022-09-23")));
    expect(again.rule).toBe(`application ${first} is already paid (clerk_c, 2022-09-22): paying twice is refused`);
    expect((await refusedUnchanged(() => approveApplication(services, first, { by: "clerk_c" }, on("2022-09-23")))).rule).toMatch(/already approved and paid .*approving twice is refused$/);
    expect((await refusedUnchanged(() => rejectApplication(services, first, { by: "clerk_c", reason: "x" }, on("2022-09-23")))).rule).toMatch(/is paid .*not rejected$/);
  });

  it("grants it once per calendar year of approval: a second approval in 2022 is refused, one in 2023 is allowed", async () => {
    const again = await fileApplication(services, filing("PA", { application_date: "2022-10-10" }), on("2022-10-10"));
    const refused = await refusedUnchanged(() => approveApplication(services, again.application_id, { by: "clerk_b" }, on("2022-12-31")));
    expect(refused).toBeInstanceOf(AssistanceConflict);
    expect(`${refused.field}: ${refused.rule}`).toBe(
      `psn_no: PA already has application-based assistance (依申请救助) approved in 2022 (application ${first}): it is granted once per person per calendar year of approval`,
    );
    const nextYear = await approveApplication(services, again.application_id, { by: "clerk_b" }, on("2023-01-03"));
    expect(nextYear).toMatchObject({ state: "approved", approval_year: 2023, base_fen: 4_000_000, amount_fen: 1_800_000 });
  });

  it("then secondary assistance on what the first left: (40,000.00 − 18,000.00 − 5,000.00) × 50% = 8,500.00 from fund 610102", async () => {
    const s = await fileApplication(services, filing("PA", { kind: "secondary", application_date: "2022-09-25" }), on("2022-09-25"));
    expect(s).toMatchObject({ kind: "secondary", fund_pay_type: "610102", base_fen: 2_200_000, amount_fen: 850_000 });
    // The application-based one of 2022-10-10 (approved in 2023) is dated after this window: it is not deducted.
    expect(s.steps.find((x) => x.step === "deduction")?.text).toBe(
      `2021-09-26至2022-09-25期间已批准或已支付的依申请救助：申请${first}（2022-09-15）18000.00元，合计扣除18000.00元。`,
    );
    await approveApplication(services, s.application_id, { by: "clerk_b" }, on("2022-09-26"));
    const { transfer } = await payApplication(services, s.application_id, { by: "clerk_c" }, on("2022-09-27"));
    expect(transfer).toEqual({ debit_account: "fund:610102:451000", credit_account: "person:PA", amount_fen: 850_000, fund_pay_type: "610102" });
    expect(await ledgerNet(platform.database.db, sql`credit_account = 'person:PA'`)).toEqual(
      expect.arrayContaining([{ fund_pay_type: "610100", net_fen: 1_800_000 }, { fund_pay_type: "610102", net_fen: 850_000 }]),
    );
  });

  it("lists the person's applications, newest first, by state and kind", async () => {
    const all = await listApplications(services.db, { psn_no: "PA" });
    expect(all.total).toBe(3);
    // Newest filing first: 2022-10-10 (approved in 2023), the secondary of 2022-09-25, the first of 2022-09-16.
    expect(all.items.map((a) => [a.kind, a.state, a.application_date])).toEqual([
      ["application", "approved", "2022-10-10"], ["secondary", "paid", "2022-09-25"], ["application", "paid", "2022-09-15"],
    ]);
    expect((await listApplications(services.db, { psn_no: "PA", kind: "secondary" })).total).toBe(1);
    expect((await listApplications(services.db, { admdvs: "360100" })).total).toBe(0);
    expect((await refusal(() => listApplications(services.db, { state: "closed" as "paid" }))).field).toBe("state");
  });
});

describe("settlements reversed after filing (PB, through the hospital interface)", () => {
  const his = { time: "2022-03-01 09:00:00" };
  let session: HisSession;

  /** An inpatient stay at H3 (level 3) of ceftriaxone, class 01 without a cap, settled with 2304; returns its setl_id. */
  async function stay(no: string, count: number): Promise<string> {
    const person = PEOPLE[1] as TestPerson;
    const adm = await session.ok("2401", {
      mdtrtinfo: { psn_no: "PB", insutype: "390", begntime: his.time, mdtrt_cert_type: "02", mdtrt_cert_no: person.certno, med_type: "21", ipt_no: no, adm_diag_dscr: "肺炎" },
      diseinfo: [{ diag_type: "1", diag_srt_no: 1, diag_code: "J18.900", diag_name: "肺炎", vali_flag: "1" }],
    });
    const mdtrt = adm.output.result.mdtrt_id as string;
    await session.ok("2301", {
      feedetail: [{
        feedetl_sn: "1", mdtrt_id: mdtrt, psn_no: "PB", chrg_bchno: "B1", med_list_codg: "XJ01DDA101B023010100606", medins_list_codg: "XJ01DDA101B023010100606",
        pric: 100, cnt: count, det_item_fee_sumamt: 100 * count, fee_ocur_time: his.time,
      }],
    });
    await session.ok("2402", { dscginfo: { mdtrt_id: mdtrt, psn_no: "PB", insutype: "390", endtime: his.time, dscg_way: "1" }, diseinfo: [] });
    const r = await session.ok("2304", { data: { psn_no: "PB", mdtrt_id: mdtrt, insutype: "390", medfee_sumamt: 100 * count, acct_used_flag: "0", mid_setl_flag: "0" } });
    return r.output.setlinfo.setl_id as string;
  }

  it("are counted at filing and not at approval, which recomputes on what is stored then", async () => {
    session = new HisSession(platform.app, H3, his);
    await session.signIn();
    const one = await stay("ZY-B1", 2000); // 200,000.00
    his.time = "2022-06-01 09:00:00";
    const two = await stay("ZY-B2", 300); // 30,000.00
    const burdens = await sqlRows<{ setl_id: string; burden: string | number }>(platform.database, sql`
      select setl_id, inscp_scp_amt - hifp_pay - hifmi_pay - hifob_pay - maf_pay - oth_pay as burden from settlements where psn_no = 'PB' order by setl_time`);
    // By hand, 451000-2022, resident, level 3, monitored. The first stay: basic (200,000 − 800) × 65% = 129,480, leaving
    // 70,520; critical illness (monitored: from 7,500, +5 points) (50,000 − 7,500) × 65% + 20,520 × 75% = 43,015, leaving
    // 27,505; assistance (27,505 − 1,000) × 60% = 15,903; burden 11,602.00. The second: basic (30,000 − 800) × 65% =
    // 18,980, leaving 11,020; critical illness 11,020 × 75% = 8,265; assistance 2,755 × 60% = 1,653; burden 1,102.00.
    expect(burdens.map((b) => Number(b.burden))).toEqual([1_160_200, 110_200]);
    const filed = await fileApplication(services, filing("PB", { application_date: "2022-07-01" }), on("2022-07-01"));
    // (12,704.00 − 10,000.00) × 60% = 1,622.40
    expect(filed).toMatchObject({ setl_ids: [one, two], base_fen: 1_270_400, amount_fen: 162_240 });

    his.time = "2022-07-02 09:00:00";
    const [mdtrt] = await sqlRows<{ m: string }>(platform.database, sql`select mdtrt_id as m from settlements where setl_id = ${two}`);
    await session.ok("2305", { data: { mdtrt_id: mdtrt?.m, setl_id: two, psn_no: "PB" } });
    const approved = await approveApplication(services, filed.application_id, { by: "clerk_b" }, on("2022-07-05"));
    // (11,602.00 − 10,000.00) × 60% = 961.20
    expect(approved).toMatchObject({ setl_ids: [one], base_fen: 1_160_200, amount_fen: 96_120 });
    expect(approved.steps.find((s) => s.setl_id === two)?.text).toMatch(/：已冲销，不计入。$/);
  });
});

describe("concurrent approvals", () => {
  /** The services of another server on the same database (PostgreSQL), or the one connection PGlite has. */
  const elsewhere = () => (second ? new Services(second) : services);

  it("of one application: one wins, the other is told it is approved already", async () => {
    await bill("PC", "SC1", "2022-05-01", "40000");
    const a = await fileApplication(services, filing("PC"), on("2022-09-15"));
    const results = await Promise.allSettled([
      approveApplication(services, a.application_id, { by: "clerk_1" }, on("2022-09-20")),
      approveApplication(elsewhere(), a.application_id, { by: "clerk_2" }, on("2022-09-20")),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect([won.length, lost.length]).toEqual([1, 1]);
    expect(lost[0]?.reason).toBeInstanceOf(AssistanceConflict);
    expect((lost[0]?.reason as Error).message).toMatch(/is already approved \(clerk_[12], 2022-09-20\): approving twice is refused$/);
    const events = await sqlRows(platform.database, sql`select action from assistance_events where application_id = ${a.application_id} and action = 'approve'`);
    expect(events).toHaveLength(1);
  });

  it("of two applications of one person: one wins, the other is refused by the once-a-year rule", async () => {
    await bill("PD", "SD1", "2022-05-01", "40000");
    const byPortal = await fileApplication(services, filing("PD", { filed_by: "pd_self", filed_via: "portal" }), on("2022-09-15"));
    const byClerk = await fileApplication(services, filing("PD"), on("2022-09-15"));
    const results = await Promise.allSettled([
      approveApplication(services, byPortal.application_id, { by: "clerk_1" }, on("2022-09-20")),
      approveApplication(elsewhere(), byClerk.application_id, { by: "clerk_2" }, on("2022-09-20")),
    ]);
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toBeInstanceOf(AssistanceConflict);
    expect((lost[0]?.reason as DomainError).field).toBe("psn_no");
    expect((lost[0]?.reason as Error).message).toMatch(/^psn_no: PD already has application-based assistance \(依申请救助\) approved in 2022( \(application ASA\w+\))?: it is granted once per person per calendar year of approval$/);
    const states = await sqlRows<{ state: string }>(platform.database, sql`select state from assistance_applications where psn_no = 'PD' order by state`);
    expect(states.map((s) => s.state)).toEqual(["approved", "submitted"]);
  });

  it.runIf(TEST_DB_KIND === "postgres")("of two applications that both passed the check before either committed: the index refuses the second", async () => {
    await bill("PE", "SE1", "2022-05-01", "40000");
    const a = await fileApplication(services, filing("PE"), on("2022-09-15"));
    const b = await fileApplication(services, filing("PE"), on("2022-09-15"));
    const blocker = await openSecondConnection(platform.database);
    try {
      let approvals: Promise<PromiseSettledResult<unknown>[]> | undefined;
      await blocker.db.transaction(async (tx) => {
        // The first approval to write its row then waits here, on the events table, with its index entry uncommitted;
        // the second, its own check passed, waits on that entry. Both waiting, the first is let go.
        await tx.execute(sql`lock table assistance_events in exclusive mode`);
        approvals = Promise.allSettled([
          approveApplication(services, a.application_id, { by: "clerk_1" }, on("2022-09-20")),
          approveApplication(elsewhere(), b.application_id, { by: "clerk_2" }, on("2022-09-20")),
        ]);
        for (;;) {
          const [w] = await sqlRows<{ n: string | number }>(blocker, sql`
            select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
          if (Number(w?.n) >= 2) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      });
      const results = await (approvals as Promise<PromiseSettledResult<unknown>[]>);
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(lost).toHaveLength(1);
      expect((lost[0]?.reason as Error).message).toBe(
        "psn_no: PE already has application-based assistance (依申请救助) approved in 2022: it is granted once per person per calendar year of approval",
      );
    } finally {
      await blocker.close();
    }
  });
});

describe("refusals that change nothing", () => {
  beforeAll(async () => {
    await bill("PF", "SF1", "2022-05-01", "40000");
    await bill("PG", "SG1", "2022-05-01", "10000");
  });

  it("take the income test at approval: 10,800.00 per capita is refused, 10,799.99 approved", async () => {
    const rich = await fileApplication(services, filing("PF", { household_income_fen: 1_080_000 }), on("2022-09-15"));
    expect(rich).toMatchObject({ state: "submitted", base_fen: 4_000_000, amount_fen: 0 });
    expect(rich.events[0]?.note).toMatch(/（不符合条件）$/);
    const refused = await refusedUnchanged(() => approveApplication(services, rich.application_id, { by: "clerk_b" }, on("2022-09-20")));
    expect(`${refused.field}: ${refused.rule}`).toBe(
      "household_income: the household's per-capita annual income 10800.00 yuan is not below 2 × the minimum-living standard 5400.00 yuan = 10800.00 yuan: not eligible; reject the application instead",
    );
    const rejected = await rejectApplication(services, rich.application_id, { by: "clerk_b", reason: "家庭人均收入不低于低保标准的2倍" }, on("2022-09-20"));
    expect(rejected).toMatchObject({ state: "rejected", reject_reason: "家庭人均收入不低于低保标准的2倍", approval_year: null });
    expect((await refusedUnchanged(() => approveApplication(services, rich.application_id, { by: "clerk_b" }, on("2022-09-21")))).rule).toMatch(/was rejected .*file a new one$/);
    expect((await refusedUnchanged(() => payApplication(services, rich.application_id, { by: "clerk_b" }, on("2022-09-21")))).rule).toMatch(/nothing to pay$/);
    const poorer = await fileApplication(services, filing("PF", { household_income_fen: 1_079_999 }), on("2022-09-21"));
    expect((await approveApplication(services, poorer.application_id, { by: "clerk_b" }, on("2022-09-21"))).amount_fen).toBe(1_800_000);
  });

  it("refuse approving nothing: a base at the threshold pays 0 and is to be rejected", async () => {
    const a = await fileApplication(services, filing("PG"), on("2022-09-15"));
    expect(a).toMatchObject({ base_fen: 1_000_000, amount_fen: 0 });
    const refused = await refusedUnchanged(() => approveApplication(services, a.application_id, { by: "clerk_b" }, on("2022-09-20")));
    expect(`${refused.field}: ${refused.rule}`).toBe("amount: nothing to pay: the base 10000.00 yuan is not above the threshold 10000.00 yuan; reject the application instead");
  });

  it("want a category or a clerk's certificate: the reviewing clerk may certify severe difficulty at approval", async () => {
    await bill("PH", "SH1", "2022-05-01", "40000");
    // A warning raised for PH (the monitor's table): the clerk files from it; another person's warning is refused.
    const [warning] = await platform.database.db.insert(warnings).values({
      psn_no: "PH", admdvs: "451000", policy_id: "451000-2022", criteria: ["window"], proactive: true, window_from: "2021-09-16", window_to: "2022-09-15",
      window_self_paid_fen: 4_000_000, max_single_self_paid_fen: 4_000_000, setl_ids: ["SH1"], explanation: "近12个月政策范围内自付40000.00元，超过16000.00元",
    }).returning();
    const warningId = warning?.id as number;
    const other = await refusedUnchanged(() => fileApplication(services, filing("PG", { warning_id: warningId }), on("2022-09-15")));
    expect(`${other.field}: ${other.rule}`).toBe(`warning_id: warning ${warningId} is of PH, not of PG`);
    const a = await fileApplication(services, filing("PH", { warning_id: warningId }), on("2022-09-15"));
    expect(a).toMatchObject({ warning_id: warningId, base_fen: 4_000_000, amount_fen: 0, certified_difficulty: false });
    expect(a.events[0]?.note).toBe("经办人代为申请（来自预警" + warningId + "）；测算：救助基数40000.00元，救助金额0.00元（不符合条件）");
    const refused = await refusedUnchanged(() => approveApplication(services, a.application_id, { by: "clerk_b" }, on("2022-09-20")));
    expect(`${refused.field}: ${refused.rule}`).toBe(
      "categories: the person holds none of monitored, illness_impoverished on 2022-09-15, and no clerk certified severe difficulty (certified_difficulty): not eligible; reject the application instead",
    );
    const certified = await approveApplication(services, a.application_id, { by: "clerk_b", certify_difficulty: true }, on("2022-09-20"));
    expect(certified).toMatchObject({ state: "approved", certified_difficulty: true, amount_fen: 1_800_000 });
    expect(certified.events.at(-1)?.note).toMatch(/^经办人认定家庭生活严重困难；按2022-09-20已存结算重新测算/);
    expect(certified.steps[0]?.text).toContain("申请日2022-09-15未持有防返贫监测对象、因病致贫重病患者中的类别；经办人认定家庭生活严重困难；符合依申请救助条件。");
  });

  it("name the field of bad input", async () => {
    const cases: [Partial<FileInput>, string, RegExp][] = [
      [{ household_size: 0 }, "household_size", /from 1 to 30/],
      [{ household_size: 2.5 }, "household_size", /whole number/],
      [{ household_income_fen: -1 }, "household_income", /0 or more/],
      [{ application_date: "2022-09-31" }, "application_date", /must be a date/],
      [{ application_date: "2022-09-16" }, "application_date", /after today \(2022-09-15\)/],
      [{ kind: "third" as "secondary" }, "kind", /application or secondary/],
      [{ psn_no: "NOBODY" }, "psn_no", /no insured person NOBODY/],
      [{ warning_id: 999 }, "warning_id", /no warning 999/],
      [{ filed_via: "fax" as "cli" }, "filed_via", /portal, console, cli/],
      [{ filed_by: " " }, "filed_by", /is required/],
      [{ note: "x".repeat(501) }, "note", /longer than 500/],
      [{ filed_via: "portal", certified_difficulty: true }, "certified_difficulty", /clerk's certificate/],
    ];
    for (const [more, field, rule] of cases) {
      const e = await refusedUnchanged(() => fileApplication(services, filing("PG", more), on("2022-09-15")));
      expect([e.field, e.rule]).toEqual([field, expect.stringMatching(rule)]);
    }
    expect((await refusedUnchanged(() => approveApplication(services, "ASA20220915000000000000", { by: "c" }))).rule).toMatch(/no assistance application/);
    expect((await refusedUnchanged(() => approveApplication(services, "bad id", { by: "c" }))).field).toBe("application_id");
    expect((await refusedUnchanged(() => rejectApplication(services, "ASA20220915000000000000", { by: "c", reason: " " }))).field).toBe("reason");
  });
});

describe("seed 004: the Gansu family's secondary assistance, through the application path", () => {
  /**
   * The family of examples/gansu-620122.json: a lifted resident of 皋兰县 (620122, pooled by 兰州市 620100), acute
   * pancreatitis at a level-3 hospital of Lanzhou in July 2021. The stay is settled through the interface as the
   * hospital sends it; later the family applies for the secondary assistance (二次医疗救助), which a clerk approves and
   * pays: "他随后就拿到了1600多元医疗救助金".
   */
  const LANZHOU_H3 = "H62010000001";
  const example = JSON.parse(readFileSync(new URL("../examples/gansu-620122.json", import.meta.url), "utf8")) as ParsedJson;
  const family = example.person as { psn_no: string; certno: string };
  const lines = example.encounters[0].feedetail as { feedetl_sn: string; med_list_codg: string; pric: number; cnt: number }[];

  it("settles the stay to the published split, then files, approves and pays 1,625.00 from fund 610102", async () => {
    const db = platform.database.db;
    await db.insert(fixmedins).values({ fixmedins_code: LANZHOU_H3, fixmedins_name: "兰州大学第一医院", medins_lv: "3", admdvs: "620100" });
    await db.insert(catalogueEntries).values(shippedCatalogueEntries("620100").map((e) => ({
      admdvs: e.admdvs, med_list_codg: e.med_list_codg, med_list_name: e.med_list_name, chrgitm_lv: e.chrgitm_lv, selfpay_prop_ppm: e.selfpay_prop,
      pric_uplmt_amt_fen: e.pric_uplmt_amt, list_type: e.list_type, begndate: e.begndate, enddate: e.enddate,
    })));
    await seedBasics(platform.database, [{ psn_no: family.psn_no, certno: family.certno, insutype: "390", admdvs: "620122", categories: [{ type: "lifted", begin: "2020-11-30", end: null }] }]);
    await db.insert(enrollments).values({ psn_no: family.psn_no, insutype: "390", admdvs: "620122", year: 2021, psn_insu_date: "2021-01-01" });
    await issueTestCredentials(platform.app, services, [LANZHOU_H3]);

    const clock = { time: "2021-07-03 09:00:00" };
    const his = new HisSession(platform.app, LANZHOU_H3, clock);
    await his.signIn();
    const adm = await his.ok("2401", {
      mdtrtinfo: { psn_no: family.psn_no, insutype: "390", begntime: clock.time, mdtrt_cert_type: "02", mdtrt_cert_no: family.certno, med_type: "21", ipt_no: "ZY2107030001", adm_diag_dscr: "急性重症胰腺炎" },
      diseinfo: [{ diag_type: "1", diag_srt_no: 1, diag_code: "K85.900", diag_name: "急性胰腺炎", vali_flag: "1" }],
    });
    const mdtrt = adm.output.result.mdtrt_id as string;
    await his.ok("2301", {
      feedetail: lines.map((l) => ({
        feedetl_sn: l.feedetl_sn, mdtrt_id: mdtrt, psn_no: family.psn_no, chrg_bchno: "B1", med_list_codg: l.med_list_codg, medins_list_codg: l.med_list_codg,
        pric: l.pric, cnt: l.cnt, det_item_fee_sumamt: Math.round(l.pric * 100 * l.cnt) / 100, fee_ocur_time: clock.time,
      })),
    });
    clock.time = "2021-07-26 10:30:00";
    await his.ok("2402", { dscginfo: { mdtrt_id: mdtrt, psn_no: family.psn_no, insutype: "390", endtime: clock.time, dscg_way: "1" }, diseinfo: [] });
    const settled = await his.ok("2304", { data: { psn_no: family.psn_no, mdtrt_id: mdtrt, insutype: "390", medfee_sumamt: 114817, acct_used_flag: "0", mid_setl_flag: "0" } });
    // Seed 004: 将近12万, basic 4万, critical illness 4.7万, assistance 1.65万 at 60%, 1.1万多 left to the family.
    expect(settled.output.setlinfo).toMatchObject({
      medfee_sumamt: 114817, inscp_scp_amt: 114500, hifp_pay: 40000, hifmi_pay: 47000, maf_pay: 16500, oth_pay: 0, psn_cash_pay: 11317, clr_optins: "620100",
    });
    const setlId = settled.output.setlinfo.setl_id as string;

    // "之后医保局告诉他还能办理二次医疗救助": the family applies; a clerk reviews, approves and pays.
    const filed = await fileApplication(services, {
      psn_no: family.psn_no, kind: "secondary", application_date: "2021-09-10", household_size: 5, household_income_fen: 620_000, filed_by: "王文", filed_via: "portal",
    }, on("2021-09-10"));
    expect(filed).toMatchObject({
      admdvs: "620122", policy_id: "620100-2021", fund_pay_type: "610102", setl_ids: [setlId], base_fen: 1_100_000, amount_fen: 162_500,
    });
    expect(filed.steps.map((x) => x.text)).toEqual([
      "资格：申请日2021-09-10持有救助类别：稳定脱贫人口；2020-09-11至2021-09-10期间已获医疗救助或依申请救助；符合再救助条件。",
      `结算${setlId}（2021-07-26，兰州大学第一医院）：政策范围内费用114500.00元−基本医保40000.00元−大病保险47000.00元−大额补助0.00元−医疗救助16500.00元−其他0.00元=个人负担11000.00元。`,
      "2020-09-11至2021-09-10期间无已批准或已支付的依申请救助，扣除0.00元。",
      "再救助基数：申请日前12个月（2020-09-11至2021-09-10）未冲销的结算1笔，政策范围内个人负担合计11000.00元，减去依申请救助0.00元，再救助基数11000.00元。",
      "救助金额：基数11000.00元超过起付标准8500.00元的部分2500.00元×救助比例65%=1625.00元；年度限额30000.00元（每人每年批准一次）；本次再救助1625.00元（二次医疗救助）。",
    ]);
    const approved = await approveApplication(services, filed.application_id, { by: "俞树亭" }, on("2021-09-14"));
    expect(approved).toMatchObject({ state: "approved", approval_year: 2021, amount_fen: 162_500 });
    const { application, transfer } = await payApplication(services, filed.application_id, { by: "俞树亭", amount_fen: 162_500 }, on("2021-09-15"));
    expect(application.state).toBe("paid");
    expect(transfer).toEqual({ debit_account: "fund:610102:620100", credit_account: `person:${family.psn_no}`, amount_fen: 162_500, fund_pay_type: "610102" });
    // What the family carried in the end: 11,317.00 at the window, less the 1,625.00 paid to them.
    const [left] = await sqlRows<{ cash: string | number; paid: string | number }>(platform.database, sql`
      select (select psn_cash_pay from settlements where setl_id = ${setlId}) as cash,
             (select sum(amount_fen) from ledger_transfers where credit_account = ${`person:${family.psn_no}`}) as paid`);
    expect(Number(left?.cash) - Number(left?.paid)).toBe(969_200);
  });
});

describe("the command line", () => {
  const run = promisify(execFile);
  const yibao = (args: string[], env: Record<string, string>) =>
    run(process.execPath, ["--import", "tsx", "src/cli/main.ts", "assistance", ...args], { env: { ...process.env, ...env } }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );
  const nowhere = { YIBAO_DATA: "/nonexistent/never-created", DATABASE_URL: "" };

  it("refuses bad arguments with status 2 before opening a database", async () => {
    const results = await Promise.all([
      yibao(["file", "--psn-no", "PA", "--household-size", "3", "--income", "12.345", "--clerk", "c"], nowhere),
      yibao(["approve", "ASA20220915000000000000"], nowhere),
      yibao(["reject", "ASA20220915000000000000", "--clerk", "c"], nowhere),
      yibao(["list", "--state", "closed"], nowhere),
    ]);
    expect(results.map((r) => [r.code, r.stderr.trim()])).toEqual([
      [2, 'yibao: --income: has more than two decimals: "12.345"'],
      [2, "yibao: --clerk: is required: who approves"],
      [2, "yibao: --reason: is required: why it is rejected (the person is told)"],
      [2, 'yibao: --state: must be submitted, approved, rejected, paid, got "closed"'],
    ]);
  });

  it.runIf(TEST_DB_KIND === "postgres")("files, approves, pays and lists on the database it is given", async () => {
    await bill("PG", "SG2", "2022-06-01", "30000");
    const admin = new URL(process.env.TEST_DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres");
    admin.pathname = new URL(platform.database.location).pathname;
    const env = { DATABASE_URL: admin.toString() };
    const filed = await yibao(["file", "--psn-no", "PG", "--household-size", "3", "--income", "4000", "--date", "2022-09-15", "--clerk", "cli_clerk", "--format", "json"], env);
    expect(filed.stderr).toBe("");
    const id = (JSON.parse(filed.stdout) as { application_id: string }).application_id;
    expect(JSON.parse(filed.stdout)).toMatchObject({ state: "submitted", filed_via: "cli", base_fen: 4_000_000, amount_fen: 1_800_000 });
    const approved = await yibao(["approve", id, "--clerk", "cli_clerk"], env);
    expect([approved.code, approved.stdout]).toEqual([0, expect.stringContaining(`${id} approved: 18000.00 yuan`)]);
    const paid = await yibao(["pay", id, "--clerk", "cli_clerk"], env);
    expect(paid.stdout).toContain(`${id} paid: 18000.00 yuan, fund:610100:451000 → person:PG`);
    const twice = await yibao(["pay", id, "--clerk", "cli_clerk"], env);
    expect([twice.code, twice.stderr]).toEqual([2, expect.stringContaining("paying twice is refused")]);
    const listed = await yibao(["list", "--psn-no", "PG", "--state", "paid"], env);
    expect(listed.stdout).toContain(`${id} PG`);
  });
});

