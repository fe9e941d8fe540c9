import { appendFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import { buildServer } from "../../src/api/server.js";
import { TEST_LIMITS } from "./limits.js";
import { residentIdCheckChar } from "../../src/domain/ids.js";
import { signRequest, type HisCredential } from "../../src/lib/hisSignature.js";
import { Services } from "../../src/services/common/context.js";
import { issueCredential } from "../../src/services/identity/hisCredentials.js";
import { shippedCatalogueEntries } from "../../src/services/reference/shipped.js";
import type { Database } from "../../src/store/db.js";
import { catalogueEntries, enrollments, fixmedins, personIdentities, persons } from "../../src/store/schema.js";
import { openTestDatabase } from "./db.js";

export const H3 = "H45100000001"; // level 3, 451000
export const H2 = "H45100000002"; // level 2
export const H1 = "H45100000003"; // level 1
export const HNC = "H36010000001"; // level 3, 360100 (off-site for 451000 persons)

/** A valid resident ID number for a region prefix, birth date and serial. */
export function makeId(prefix6: string, birth: string, serial: number): string {
  const first17 = `${prefix6}${birth.replace(/-/g, "")}${String(serial).padStart(3, "0")}`;
  return first17 + residentIdCheckChar(first17);
}

export interface TestPerson {
  psn_no: string;
  certno: string;
  insutype: "310" | "390";
  categories?: { type: string; begin: string; end: string | null }[];
  balc_fen?: number;
  admdvs?: string;
}

export async function seedBasics(database: Database, people: TestPerson[]): Promise<void> {
  const db = database.db;
  await db.insert(fixmedins).values([
    { fixmedins_code: H3, fixmedins_name: "百色市人民医院", medins_lv: "3", admdvs: "451000" },
    { fixmedins_code: H2, fixmedins_name: "右江区人民医院", medins_lv: "2", admdvs: "451000" },
    { fixmedins_code: H1, fixmedins_name: "那坡县龙合乡卫生院", medins_lv: "1", admdvs: "451000" },
    { fixmedins_code: HNC, fixmedins_name: "南昌大学第一附属医院", medins_lv: "3", admdvs: "360100" },
  ]).onConflictDoNothing();
  for (const region of ["451000", "360100"]) {
    const entries = shippedCatalogueEntries(region).map((e) => ({
      admdvs: e.admdvs, med_list_codg: e.med_list_codg, med_list_name: e.med_list_name, chrgitm_lv: e.chrgitm_lv,
      selfpay_prop_ppm: e.selfpay_prop, pric_uplmt_amt_fen: e.pric_uplmt_amt, list_type: e.list_type, begndate: e.begndate, enddate: e.enddate,
    }));
    await db.insert(catalogueEntries).values(entries).onConflictDoNothing();
  }
  for (const p of people) {
    await db.insert(persons).values({
      psn_no: p.psn_no, certno: p.certno, psn_name: `测试${p.psn_no}`, gend: Number(p.certno[16]) % 2 ? "1" : "2",
      brdy: `${p.certno.slice(6, 10)}-${p.certno.slice(10, 12)}-${p.certno.slice(12, 14)}`, insuplc_admdvs: p.admdvs ?? "451000", balc_fen: p.balc_fen ?? 0,
    });
    for (const year of [2022, 2023]) {
      await db.insert(enrollments).values({ psn_no: p.psn_no, insutype: p.insutype, admdvs: p.admdvs ?? "451000", year, psn_insu_date: `${year}-01-01` });
    }
    for (const c of p.categories ?? []) {
      await db.insert(personIdentities).values({ psn_no: p.psn_no, psn_idet_type: c.type, begntime: c.begin, endtime: c.end });
    }
  }
}

/** A node of a parsed answer, typed as JSON.parse types it: the tests read answers by field name. */
export type ParsedJson = ReturnType<typeof JSON.parse>;

/** The credentials issued to the test hospitals of a server (issueTestCredentials), which HisSession signs with. */
const credentialsOf = new WeakMap<FastifyInstance, Map<string, HisCredential>>();

/** Issues each hospital a credential and keeps it for the sessions on `app`. */
export async function issueTestCredentials(app: FastifyInstance, services: Services, codes: readonly string[] = [H3, H2, H1, HNC]): Promise<Map<string, HisCredential>> {
  const map = credentialsOf.get(app) ?? new Map<string, HisCredential>();
  for (const code of codes) {
    const issued = await issueCredential(services, code, "test");
    map.set(code, { access_key: issued.access_key, secret: issued.secret });
  }
  credentialsOf.set(app, map);
  return map;
}

export function testCredential(app: FastifyInstance, code: string): HisCredential | undefined {
  return credentialsOf.get(app)?.get(code);
}

/** A hospital's conversation with the server, over HTTP (Fastify inject), with msgids of its own, signed. */
export class HisSession {
  private seq = 0;
  signNo = "";
  /** The credential the requests are signed with: by default the hospital's from issueTestCredentials; null: unsigned. */
  credential: HisCredential | null | undefined = undefined;
  constructor(readonly app: FastifyInstance, readonly fixmedinsCode: string, readonly clock = { time: "2022-03-01 10:00:00" }) {}

  nextMsgid(): string {
    this.seq += 1;
    return `${this.fixmedinsCode}${this.clock.time.replace(/[-: ]/g, "")}${String(this.seq % 10_000).padStart(4, "0")}`;
  }

  envelope(infno: string, input: Record<string, unknown>, msgid = this.nextMsgid()) {
    return {
      infno, msgid, mdtrtarea_admvs: "451000", insuplc_admdvs: "451000", recer_sys_code: "TEST", dev_no: "", dev_safe_info: "", cainfo: "",
      signtype: "SM3", infver: "V1.0", opter_type: "1", opter: "T001", opter_name: "测试员", inf_time: this.clock.time,
      fixmedins_code: this.fixmedinsCode, fixmedins_name: "", sign_no: this.signNo, input,
    };
  }

  async send(body: unknown): Promise<{ infcode: number; err_msg: string | null; warn_msg: string | null; output: Record<string, ParsedJson> }> {
    const payload = typeof body === "string" ? body : JSON.stringify(body);
    const credential = this.credential === undefined ? testCredential(this.app, this.fixmedinsCode) : this.credential;
    const signed = credential ? signRequest(credential, payload) : {};
    const res = await this.app.inject({
      method: "POST", url: "/fsi/api/rsfComIfsService/callService", payload, headers: { "content-type": "application/json", ...signed },
    });
    // YIBAO_RECORD=file records the conversation (a request line, then its answer line), to compare the interface's
    // answers before and after a change with scripts/conversation-diff.ts (DEVELOPERS.md).
    if (process.env.YIBAO_RECORD) appendFileSync(process.env.YIBAO_RECORD, `>${payload}\n<${res.body}\n`);
    return res.json();
  }

  /** A body as JSON text, byte for byte as a client wrote it ("25.0", "12.5000", nulls): what a replay must send. */
  async sendText(text: string): Promise<{ infcode: number; err_msg: string | null; warn_msg: string | null; output: Record<string, ParsedJson> }> {
    // Sent byte for byte as written (the signature covers those bytes), signed as every request.
    return this.send(text);
  }

  async call(infno: string, input: Record<string, unknown>, msgid?: string) {
    return this.send(this.envelope(infno, input, msgid));
  }

  /** As call(), but failing the test with the server's err_msg when infcode is not 0. */
  async ok(infno: string, input: Record<string, unknown>, msgid?: string) {
    const r = await this.call(infno, input, msgid);
    if (r.infcode !== 0) throw new Error(`${infno} failed: ${r.err_msg}`);
    return r;
  }

  async signIn(): Promise<void> {
    const r = await this.ok("9001", { signIn: { opter_no: "T001", mac: "00-00", ip: "127.0.0.1" } });
    this.signNo = r.output.signinoutb.sign_no;
  }
}

export interface TestPlatform {
  database: Database;
  services: Services;
  app: FastifyInstance;
  close(): Promise<void>;
}

export async function openTestPlatform(people: TestPerson[]): Promise<TestPlatform> {
  const database = await openTestDatabase();
  await seedBasics(database, people);
  const services = new Services(database);
  await services.recordPolicies();
  const app = await buildServer({ services, logger: false, limits: TEST_LIMITS });
  await issueTestCredentials(app, services);
  return { database, services, app, close: async () => { await app.close(); await database.close(); } };
}

/**
 * Every row of every table a transaction can change, as one stable text: equal before and after a refused call, since
 * a refusal must change nothing (sign-ins, persons, filings, encounters, lines, settlements, accumulators, ledger, log).
 */
export async function stateOf(database: Database): Promise<string> {
  const db = database.db;
  const s = await import("../../src/store/schema.js");
  const tables = {
    persons: s.persons, personIdentities: s.personIdentities, enrollments: s.enrollments, signIns: s.signIns, chronicFilings: s.chronicFilings,
    encounters: s.encounters, diagnoses: s.diagnoses, feeLines: s.feeLines, settlements: s.settlements, settlementFunds: s.settlementFunds,
    accumulators: s.accumulators, ledgerTransfers: s.ledgerTransfers, messageLog: s.messageLog,
  };
  const out: Record<string, string[]> = {};
  for (const [name, table] of Object.entries(tables)) {
    const rows = await db.select().from(table);
    out[name] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return JSON.stringify(out);
}

/** Runs a call that must be refused, and checks that it answered infcode -1 and changed nothing. */
export async function refused<T extends { infcode: number; err_msg?: string | null }>(database: Database, call: () => Promise<T>): Promise<T> {
  const before = JSON.parse(await stateOf(database)) as Record<string, string[]>;
  const r = await call();
  if (r.infcode !== -1) throw new Error(`expected a refusal (infcode -1), got ${JSON.stringify(r)}`);
  const after = JSON.parse(await stateOf(database)) as Record<string, string[]>;
  const changed = Object.keys(before).filter((t) => JSON.stringify(before[t]) !== JSON.stringify(after[t]));
  if (changed.length > 0) throw new Error(`a refused call (${JSON.stringify(r.err_msg ?? r)}) changed ${changed.join(", ")}`);
  return r;
}

import { sql, type SQL } from "drizzle-orm";
import { accumulators } from "../../src/store/schema.js";

/** Rows of a raw query, on either driver (bigint and numeric come back as text on pg: read them with Number()). */
export async function sqlRows<T = Record<string, unknown>>(database: Database, query: SQL): Promise<T[]> {
  const result = await database.db.execute(query);
  return (result as unknown as { rows: T[] }).rows;
}

/**
 * What must hold between the settlements and everything written with them, whatever crashed or raced: each settlement's
 * ledger postings pay the hospital exactly its medfee_sumamt (and a reversal posts the exact inverse, once), its fund rows
 * add up to fund_pay_sumamt and match the ledger fund by fund, its fee lines are linked while it is in force, its message is
 * logged, every settled encounter has exactly one settlement in force, and the whole ledger nets to the settlements in force.
 * Returns the violations in words; [] when all hold.
 */
export async function settlementViolations(database: Database): Promise<string[]> {
  const out: string[] = [];
  const n = (v: unknown) => Number(v ?? 0);
  const settled = await sqlRows<Record<string, unknown>>(database, sql`
    select s.setl_id, s.status, s.mid_setl_flag, s.fixmedins_code, s.medfee_sumamt, s.fund_pay_sumamt, s.acct_pay, s.psn_cash_pay, s.msgid,
      (select coalesce(sum(amount_fen), 0) from ledger_transfers t where t.setl_id = s.setl_id and t.kind = 'settle') as settle_fen,
      (select coalesce(sum(amount_fen), 0) from ledger_transfers t where t.setl_id = s.setl_id and t.kind = 'reverse') as reverse_fen,
      (select count(*) from ledger_transfers t where t.setl_id = s.setl_id and t.kind = 'settle' and t.credit_account <> 'hospital:' || s.fixmedins_code) as settle_elsewhere,
      (select count(*) from ledger_transfers t where t.setl_id = s.setl_id and t.kind = 'reverse' and t.debit_account <> 'hospital:' || s.fixmedins_code) as reverse_elsewhere,
      (select coalesce(sum(fund_payamt), 0) from settlement_funds f where f.setl_id = s.setl_id) as funds_fen,
      (select count(*) from fee_lines l where l.setl_id = s.setl_id) as lines,
      (select coalesce(sum(det_item_fee_sumamt), 0) from fee_lines l where l.setl_id = s.setl_id) as lines_fen,
      (select count(*) from message_log m where m.msgid = s.msgid and m.effects ->> 'setl_id' = s.setl_id) as logged
    from settlements s`);
  let inForce = 0;
  for (const s of settled) {
    const id = String(s.setl_id);
    const medfee = n(s.medfee_sumamt);
    if (n(s.settle_fen) !== medfee) out.push(`${id}: settle postings ${n(s.settle_fen)} ≠ medfee_sumamt ${medfee}`);
    if (n(s.settle_elsewhere) + n(s.reverse_elsewhere) > 0) out.push(`${id}: postings not to/from hospital:${String(s.fixmedins_code)}`);
    if (n(s.funds_fen) !== n(s.fund_pay_sumamt)) out.push(`${id}: settlement_funds ${n(s.funds_fen)} ≠ fund_pay_sumamt ${n(s.fund_pay_sumamt)}`);
    if (n(s.fund_pay_sumamt) + n(s.acct_pay) + n(s.psn_cash_pay) !== medfee) out.push(`${id}: fund + account + cash ≠ medfee_sumamt`);
    if (s.msgid !== null && n(s.logged) !== 1) out.push(`${id}: its message ${String(s.msgid)} is not logged with it`);
    if (s.status === "settled") {
      inForce += medfee;
      if (n(s.reverse_fen) !== 0) out.push(`${id}: in force but reversed in the ledger`);
      if (n(s.lines) === 0 || n(s.lines_fen) !== medfee) out.push(`${id}: ${n(s.lines)} fee lines of ${n(s.lines_fen)} linked, medfee_sumamt ${medfee}`);
    } else if (s.status === "reversed") {
      if (n(s.reverse_fen) !== medfee) out.push(`${id}: reversed, but the ledger reversed ${n(s.reverse_fen)} of ${medfee}`);
      if (n(s.lines) !== 0) out.push(`${id}: reversed, but ${n(s.lines)} fee lines still point at it`);
    } else {
      out.push(`${id}: unknown status ${String(s.status)}`);
    }
  }
  // Fund by fund: what settlement_funds says each fund paid is what the ledger took from that fund.
  const fundMismatch = await sqlRows<Record<string, unknown>>(database, sql`
    select f.setl_id, f.fund_pay_type, f.fund_payamt,
      (select coalesce(sum(amount_fen), 0) from ledger_transfers t where t.setl_id = f.setl_id and t.kind = 'settle' and t.fund_pay_type = f.fund_pay_type) as posted
    from settlement_funds f`);
  for (const f of fundMismatch) {
    if (n(f.fund_payamt) !== n(f.posted)) out.push(`${String(f.setl_id)}: fund ${String(f.fund_pay_type)} paid ${n(f.fund_payamt)}, ledger ${n(f.posted)}`);
  }
  const [net] = await sqlRows<Record<string, unknown>>(database, sql`
    select coalesce(sum(case when kind = 'settle' then amount_fen else -amount_fen end), 0) as net, count(*) as n from ledger_transfers where setl_id is not null`);
  if (n(net?.net) !== inForce) out.push(`ledger nets ${n(net?.net)}, settlements in force ${inForce}`);
  // Payments of assistance on application belong to a paid application, for its approved amount, from fund to person.
  const payments = await sqlRows<Record<string, unknown>>(database, sql`
    select t.application_id, t.amount_fen, t.credit_account, a.psn_no, a.state, a.amount_fen as approved
    from ledger_transfers t left join assistance_applications a on a.application_id = t.application_id where t.setl_id is null`);
  for (const p of payments) {
    if (p.state !== "paid" || n(p.amount_fen) !== n(p.approved) || p.credit_account !== `person:${String(p.psn_no)}`) {
      out.push(`assistance payment of ${String(p.application_id)}: ${n(p.amount_fen)} to ${String(p.credit_account)}, application ${String(p.state)} for ${n(p.approved)}`);
    }
  }
  const orphans = await sqlRows<Record<string, unknown>>(database, sql`
    select t.setl_id from ledger_transfers t left join settlements s on s.setl_id = t.setl_id where t.setl_id is not null and s.setl_id is null
    union all select l.setl_id from fee_lines l left join settlements s on s.setl_id = l.setl_id where l.setl_id is not null and s.setl_id is null`);
  for (const o of orphans) out.push(`postings or lines of a missing settlement ${String(o.setl_id)}`);
  const encounters = await sqlRows<Record<string, unknown>>(database, sql`
    select e.mdtrt_id, e.status,
      (select count(*) from settlements s where s.mdtrt_id = e.mdtrt_id and s.status = 'settled' and not s.mid_setl_flag) as final_in_force
    from encounters e`);
  for (const e of encounters) {
    const k = n(e.final_in_force);
    if (e.status === "settled" && k !== 1) out.push(`encounter ${String(e.mdtrt_id)} is settled with ${k} settlements in force`);
    if (e.status !== "settled" && k !== 0) out.push(`encounter ${String(e.mdtrt_id)} is ${String(e.status)} with ${k} settlements in force`);
  }
  return out;
}

/** Each person's stored accumulators against the sum of the deltas of their settlements in force (all start at zero). */
export async function accumulatorViolations(database: Database): Promise<string[]> {
  const out: string[] = [];
  const { ACCUMULATOR_KEYS, ACCUMULATOR_MAP_KEYS } = await import("../../src/domain/settlement/accumulators.js");
  const expected = new Map<string, Record<string, number>>();
  const rows = await sqlRows<{ psn_no: string; year: number; delta: Record<string, unknown> | string }>(
    database, sql`select psn_no, year, delta from settlements where status = 'settled'`);
  for (const r of rows) {
    const delta = (typeof r.delta === "string" ? JSON.parse(r.delta) : r.delta) as Record<string, unknown>;
    const key = `${r.psn_no}/${r.year}`;
    const e = expected.get(key) ?? {};
    for (const k of ACCUMULATOR_KEYS) e[k] = (e[k] ?? 0) + Number(delta[k] ?? 0);
    for (const map of ACCUMULATOR_MAP_KEYS) {
      for (const [code, v] of Object.entries((delta[map] ?? {}) as Record<string, number>)) e[`${map}:${code}`] = (e[`${map}:${code}`] ?? 0) + Number(v);
    }
    expected.set(key, e);
  }
  const stored = await database.db.select().from(accumulators);
  const seen = new Set<string>();
  for (const a of stored) {
    const key = `${a.psn_no}/${a.year}`;
    seen.add(key);
    const e = expected.get(key) ?? {};
    for (const k of ACCUMULATOR_KEYS) if (Number(a[k]) !== (e[k] ?? 0)) out.push(`${key} ${k}: stored ${Number(a[k])}, settlements in force ${e[k] ?? 0}`);
    for (const map of ACCUMULATOR_MAP_KEYS) {
      const stored = a[map] as Record<string, number>;
      const codes = new Set([...Object.keys(stored), ...Object.keys(e).filter((k) => k.startsWith(`${map}:`)).map((k) => k.slice(map.length + 1))]);
      for (const c of codes) if (Number(stored[c] ?? 0) !== (e[`${map}:${c}`] ?? 0)) out.push(`${key} ${map} ${c}: stored ${stored[c] ?? 0}, settlements ${e[`${map}:${c}`] ?? 0}`);
    }
  }
  for (const [key, e] of expected) if (!seen.has(key) && Object.values(e).some((v) => v !== 0)) out.push(`${key}: settlements in force but no accumulators`);
  return out;
}
