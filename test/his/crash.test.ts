import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { inArray } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseYuan } from "../../src/domain/money.js";
import { signRequest, type HisCredential } from "../../src/lib/hisSignature.js";
import { DEMO_FIXMEDINS, DEMO_PERSONS, demoData } from "../../src/services/demo/demo.js";
import { nowText } from "../../src/services/common/ids.js";
import { openDatabase, type OpenOptions } from "../../src/store/db.js";
import { persons, settlements } from "../../src/store/schema.js";
import { accumulatorViolations, settlementViolations } from "../support/his.js";

/**
 * The real server, killed with SIGKILL in the middle of a load of outpatient flows, then started again on the same data:
 * no half settlement survives, every answer given before the kill is still the platform's answer (the message log and
 * the settlement committed together), each hospital's retries of the messages it got no answer to complete its flows, and
 * 3201 finds the platform's totals equal to the ledger's. On the PGlite run the data is an embedded PGlite folder (the
 * default of `yibao serve`); on the PostgreSQL run (YIBAO_TEST_DB=postgres) a database created for this file.
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ON_POSTGRES = process.env.YIBAO_TEST_DB === "postgres";
const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const HIS_PATH = "/fsi/api/rsfComIfsService/callService";
const DAY = "2022-09-01";
const TIME = `${DAY} 10:00:00`;

const AMOX = "XJ01CAA040A001010100973"; // 阿莫西林胶囊, class 01
const NIFE02 = "XC08CAA053A008010100212"; // 硝苯地平控释片, class 02, 10% self-pay first
const CONSULT = "001201000010000"; // 普通门诊诊查费, class 01, cap 10.00
const OWN = "ZZ9999990000000000001"; // not in the catalogue

const WORKERS = 12;
const FLOWS_PER_WORKER = 4;
/** The server is killed as soon as this many settlements were answered. */
const KILL_AFTER_SETTLEMENTS = 12;

type Fields = Record<string, unknown>;
type Envelope = { infcode: number; err_msg: string | null; output: Record<string, Fields> };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** `yibao serve` as a child process: node itself (not npx), so that a signal reaches the server and nothing else. */
class ServerProcess {
  child: ChildProcess | null = null;
  private output: string[] = [];
  constructor(readonly env: Record<string, string>, readonly port: number) {}

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  tail(lines = 40): string {
    return this.output.join("").split("\n").slice(-lines).join("\n");
  }

  /** This process's environment, but the database only as this server is told: never a DATABASE_URL of the caller's. */
  private childEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.env, PORT: String(this.port), HOST: "127.0.0.1", LOG_LEVEL: "warn" };
    if (!this.env.DATABASE_URL) delete env.DATABASE_URL;
    return env;
  }

  async start(timeoutMs: number): Promise<number> {
    const started = Date.now();
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve", "--no-demo-care"], {
      cwd: ROOT,
      env: this.childEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    const keep = (b: Buffer) => {
      this.output.push(b.toString());
      if (this.output.length > 500) this.output.splice(0, this.output.length - 500);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    while (Date.now() - started < timeoutMs) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the server exited (${child.exitCode ?? child.signalCode}) while starting:\n${this.tail()}`);
      try {
        const r = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(1_000) });
        if (r.ok) return Date.now() - started;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`the server did not answer /health within ${timeoutMs} ms:\n${this.tail()}`);
  }

  /** Sends a signal and waits for the process to end. */
  async stop(signal: NodeJS.Signals): Promise<{ code: number | null; signal: string | null }> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return { code: child?.exitCode ?? null, signal: child?.signalCode ?? null };
    const ended = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once("exit", (code, sig) => resolve({ code, signal: sig })));
    child.kill(signal);
    return ended;
  }
}

/** The demo hospitals' credentials, as `yibao serve` wrote them beside the data for a demo database. */
function demoCredential(code: string): HisCredential {
  const file = JSON.parse(readFileSync(join(dataDir, "data", "demo-his-credentials.json"), "utf8")) as { credentials: (HisCredential & { fixmedins_code: string })[] };
  const found = file.credentials.find((c) => c.fixmedins_code === code);
  if (!found) throw new Error(`no demo credential for ${code}`);
  return found;
}

/** A hospital's HIS over real HTTP, with msgids of its own (fixmedins_code + time + sequence), signed. */
class HttpHis {
  private seq = 0;
  signNo = "";
  private readonly credential: HisCredential;
  constructor(readonly server: ServerProcess, readonly code: string) {
    this.credential = demoCredential(code);
  }

  envelope(infno: string, input: Record<string, unknown>) {
    this.seq += 1;
    const msgid = `${this.code}${TIME.replace(/[-: ]/g, "")}${String(this.seq).padStart(4, "0")}`;
    return {
      infno, msgid, mdtrtarea_admvs: "451000", insuplc_admdvs: "451000", recer_sys_code: "CRASH", dev_no: "", dev_safe_info: "", cainfo: "",
      signtype: "SM3", infver: "V1.0", opter_type: "1", opter: "T001", opter_name: "测试员", inf_time: TIME, fixmedins_code: this.code,
      fixmedins_name: "", sign_no: this.signNo, input,
    };
  }

  async send(body: object): Promise<Envelope> {
    const payload = JSON.stringify(body);
    // Signed at each send: a retry after the restart is the same body under a fresh nonce.
    const r = await fetch(`${this.server.url}${HIS_PATH}`, {
      method: "POST", headers: { "content-type": "application/json", ...signRequest(this.credential, payload) }, body: payload, signal: AbortSignal.timeout(30_000),
    });
    return (await r.json()) as Envelope;
  }

  async ok(infno: string, input: Record<string, unknown>): Promise<Envelope> {
    const r = await this.send(this.envelope(infno, input));
    if (r.infcode !== 0) throw new Error(`${this.code} ${infno} refused: ${r.err_msg}`);
    return r;
  }

  async signIn(): Promise<void> {
    const r = await this.ok("9001", { signIn: { opter_no: "T001", mac: "00-00", ip: "127.0.0.1" } });
    this.signNo = String(r.output.signinoutb?.sign_no);
  }
}

type Person = { certno: string; insutype: string; balc_fen: number };

/** The named demo persons and a dozen more of Baise, with their opening account balances. */
function loadPersons(): Person[] {
  const data = demoData();
  const byCertno = new Map(data.persons.map((p) => [p.certno, p]));
  const named = DEMO_PERSONS.map((p) => byCertno.get(p.certno));
  const others = data.persons.filter((p) => p.insuplc_admdvs === "451000" && !DEMO_PERSONS.some((d) => d.certno === p.certno)).slice(0, 12);
  return [...named, ...others].map((p) => {
    if (!p) throw new Error("a named demo person is missing from demoData()");
    return { certno: p.certno as string, insutype: p.insutype as string, balc_fen: p.balc ? parseYuan(p.balc, "balc") : 0 };
  });
}

/** One outpatient visit, step by step, resumable: 1101 → 2201 → 2203 → 2204 → 2206 → 2207 (→ 2208 for some). */
class OutpatientFlow {
  psn_no = "";
  mdtrt_id = "";
  pre: Record<string, number> = {};
  setl: Fields | null = null;
  reversed = false;
  step = 0;
  /** The message sent and not answered (the kill), to be sent again as it was. */
  pending: object | null = null;
  /** Every state-changing message answered, with its answer, to be sent again after the restart. */
  answered: { body: object; answer: Envelope }[] = [];

  constructor(readonly his: HttpHis, readonly person: Person, readonly n: number, readonly reverse: boolean) {}

  private lines() {
    const k = this.n;
    const l = (sn: string, code: string, pric: number, cnt: number) => ({
      feedetl_sn: sn, mdtrt_id: this.mdtrt_id, psn_no: this.psn_no, chrg_bchno: "B1", med_list_codg: code, medins_list_codg: code, pric, cnt,
      det_item_fee_sumamt: Math.round(Math.round(pric * 100) * cnt) / 100, fee_ocur_time: TIME,
    });
    return [l("1", CONSULT, 10, 1), l("2", AMOX, 12.35 + k, 2 + (k % 5)), l("3", NIFE02, 23.1 + (k % 7), 1 + (k % 3)), l("4", OWN, 8.8, k % 2)].filter((x) => x.cnt > 0);
  }

  total(): number {
    return this.lines().reduce((s, x) => s + Math.round(x.det_item_fee_sumamt * 100), 0) / 100;
  }

  private settleInput() {
    return {
      data: {
        psn_no: this.psn_no, mdtrt_id: this.mdtrt_id, med_type: "11", insutype: this.person.insutype, medfee_sumamt: this.total(), psn_setlway: "01", chrg_bchno: "B1",
        acct_used_flag: this.person.insutype === "310" ? "1" : "0", ...this.pre,
      },
    };
  }

  /** The message of the current step; null when the flow is done. */
  private next(): object | null {
    const h = this.his;
    switch (this.step) {
      case 0: return h.envelope("1101", { data: { mdtrt_cert_type: "02", mdtrt_cert_no: this.person.certno, certno: this.person.certno } });
      case 1: return h.envelope("2201", { data: { psn_no: this.psn_no, insutype: this.person.insutype, begntime: TIME, mdtrt_cert_type: "02", mdtrt_cert_no: this.person.certno, ipt_otp_no: `MZ${this.n}` } });
      case 2: return h.envelope("2203", { mdtrtinfo: { mdtrt_id: this.mdtrt_id, psn_no: this.psn_no, med_type: "11", begntime: TIME, dise_codg: "J06.900", dise_name: "上呼吸道感染" }, diseinfo: [] });
      case 3: return h.envelope("2204", { feedetail: this.lines() });
      case 4: return h.envelope("2206", this.settleInput());
      case 5: return h.envelope("2207", { data: { ...this.settleInput().data, invono: `INV${this.n}` } });
      case 6: return this.reverse ? h.envelope("2208", { data: { setl_id: this.setl?.setl_id, mdtrt_id: this.mdtrt_id, psn_no: this.psn_no } }) : null;
      default: return null;
    }
  }

  private take(body: object, r: Envelope): void {
    if (r.infcode !== 0) throw new Error(`flow ${this.n} step ${this.step} refused: ${r.err_msg}`);
    const infno = (body as { infno: string }).infno;
    if (infno !== "1101") this.answered.push({ body, answer: r });
    switch (infno) {
      case "1101": this.psn_no = String(r.output.baseinfo?.psn_no); break;
      case "2201": this.mdtrt_id = String(r.output.data?.mdtrt_id); break;
      case "2206": {
        const s = r.output.setlinfo as Record<string, number>;
        this.pre = { fulamt_ownpay_amt: s.fulamt_ownpay_amt, overlmt_selfpay: s.overlmt_selfpay, preselfpay_amt: s.preselfpay_amt, inscp_scp_amt: s.inscp_scp_amt } as Record<string, number>;
        break;
      }
      case "2207": this.setl = r.output.setlinfo ?? null; break;
      case "2208": this.reversed = true; break;
    }
    this.step += 1;
  }

  /** Runs to the end, or until the server goes away (the message then stays pending). */
  async run(onSettled: () => void): Promise<void> {
    for (;;) {
      const body = this.pending ?? this.next();
      if (!body) return;
      this.pending = body;
      let r: Envelope;
      try {
        r = await this.his.send(body);
      } catch {
        return; // killed: the message stays pending, to be sent again as it was
      }
      this.pending = null;
      this.take(body, r);
      if ((body as { infno: string }).infno === "2207") onSettled();
    }
  }
}

let server: ServerProcess;
let dataDir: string;
let pgDatabase: string | null = null;
let openOptions: OpenOptions;
const timings: Record<string, number> = {};

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "yibao-crash-"));
  const env: Record<string, string> = {};
  if (ON_POSTGRES) {
    pgDatabase = `yibao_crash_${process.pid}_${randomBytes(4).toString("hex")}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${pgDatabase}`);
    await admin.end();
    const url = new URL(ADMIN_URL);
    url.pathname = `/${pgDatabase}`;
    env.DATABASE_URL = url.toString();
    openOptions = { url: url.toString(), poolSize: 2 };
  } else {
    openOptions = { dataDir: join(dataDir, "data") };
  }
  // The embedded database (PGlite run) and, on both runs, the demo's credentials file the hospitals sign with.
  env.YIBAO_DATA = join(dataDir, "data");
  server = new ServerProcess(env, await freePort());
  timings.firstStartMs = await server.start(150_000);
}, 180_000);

afterAll(async () => {
  if (server?.child && server.child.exitCode === null && server.child.signalCode === null) await server.stop("SIGKILL");
  if (pgDatabase) {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${pgDatabase} WITH (FORCE)`);
    await admin.end();
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  console.info(`crash test (${ON_POSTGRES ? "postgres" : "pglite"}) timings, ms: ${JSON.stringify(timings)}`);
}, 60_000);

describe("a server killed in the middle of a load", () => {
  it("leaves no half settlement; after restart the retries complete and 3201 totals equal the ledger", async () => {
    const people = loadPersons();
    const hospitals = DEMO_FIXMEDINS.map((f) => new HttpHis(server, f.fixmedins_code));
    for (const h of hospitals) await h.signIn();
    const baise = hospitals.filter((h) => h.code.startsWith("H451"));

    // Twelve windows at three hospitals; persons repeat across them, so one person is often settled at two at once.
    const flows: OutpatientFlow[] = [];
    for (let w = 0; w < WORKERS; w++) {
      for (let k = 0; k < FLOWS_PER_WORKER; k++) {
        const n = w * FLOWS_PER_WORKER + k;
        flows.push(new OutpatientFlow(baise[w % baise.length] as HttpHis, people[(w + 5 * k) % people.length] as Person, n, n % 4 === 3));
      }
    }
    let settled = 0;
    let inFlightAtKill = -1;
    let killed: Promise<unknown> | null = null;
    const loadStarted = Date.now();
    const onSettled = () => {
      settled += 1;
      if (settled === KILL_AFTER_SETTLEMENTS && !killed) {
        inFlightAtKill = flows.filter((f) => f.pending !== null).length;
        killed = server.stop("SIGKILL");
      }
    };
    const windows = Array.from({ length: WORKERS }, async (_, w) => {
      for (let k = 0; k < FLOWS_PER_WORKER; k++) {
        const flow = flows[w * FLOWS_PER_WORKER + k] as OutpatientFlow;
        await flow.run(onSettled);
        if (flow.pending) return;
      }
    });
    await Promise.all(windows);
    timings.loadUntilKillMs = Date.now() - loadStarted;
    expect(killed, "the load ended before the kill").not.toBeNull();
    expect(await killed).toMatchObject({ signal: "SIGKILL" });
    const interrupted = flows.filter((f) => f.pending !== null);
    const requestsBeforeKill = flows.reduce((s, f) => s + f.answered.length, 0);
    expect(inFlightAtKill, "nothing was in flight when the server was killed").toBeGreaterThan(0);
    console.info(`killed after ${settled} settlements, ${requestsBeforeKill} state-changing answers; ${inFlightAtKill} messages in flight, ${interrupted.length} flows interrupted`);

    // The same data, started again.
    const pendingMsgids = new Set(interrupted.map((f) => (f.pending as { msgid: string }).msgid));
    const restartedAt = new Date();
    timings.restartMs = await server.start(120_000);

    // Every answer given before the kill is still the answer: the same message again gets it, identical.
    for (const f of flows) {
      for (const { body, answer } of f.answered) {
        const again = await f.his.send(body);
        expect(again, `${(body as { infno: string }).infno} of flow ${f.n} after the restart`).toEqual(answer);
      }
    }

    // Each window sends again what it got no answer to, with the same msgid, and finishes its visits.
    const resumed = Date.now();
    await Promise.all(Array.from({ length: WORKERS }, async (_, w) => {
      for (let k = 0; k < FLOWS_PER_WORKER; k++) await (flows[w * FLOWS_PER_WORKER + k] as OutpatientFlow).run(() => undefined);
    }));
    timings.resumeMs = Date.now() - resumed;
    // What the kill cut: messages whose transaction had committed (the retry is answered from the log, with the time of
    // the first answer) and messages that had not (the retry executes them now).
    const retried = flows.flatMap((f) => f.answered).filter((a) => pendingMsgids.has((a.body as { msgid: string }).msgid));
    const before = (a: { answer: Envelope }) => String((a.answer as { refmsg_time?: string }).refmsg_time) < nowText(restartedAt);
    console.info(`sent again after the restart: ${retried.length}; committed before the kill: ${retried.filter(before).map((a) => (a.body as { infno: string }).infno).join(" ") || "none"}`);
    for (const f of flows) {
      expect(f.pending, `flow ${f.n}`).toBeNull();
      expect(f.setl, `flow ${f.n}`).not.toBeNull();
      expect(f.reversed, `flow ${f.n}`).toBe(f.reverse);
    }

    // 3201 at every demo hospital: the platform's totals equal the ledger's, and equal what the windows were answered;
    // sent back as the hospital's own, they reconcile.
    for (const h of hospitals) {
      const period = { stmt_begndate: DAY, stmt_enddate: DAY };
      const first = await h.ok("3201", { data: { ...period, medfee_sumamt: 0, fund_pay_sumamt: 0, acct_pay: 0, fixmedins_setl_cnt: 0 } });
      const platform = first.output.platform as Record<string, number>;
      expect(platform, `3201 at ${h.code}`).toEqual(first.output.ledger);
      const inForce = flows.filter((f) => f.his === h && !f.reversed).map((f) => f.setl as Record<string, number>);
      const cents = (xs: number[]) => Math.round(xs.reduce((s, x) => s + Math.round(x * 100), 0)) / 100;
      expect(platform, `3201 at ${h.code} against the answers`).toEqual({
        medfee_sumamt: cents(inForce.map((s) => s.medfee_sumamt as number)),
        fund_pay_sumamt: cents(inForce.map((s) => s.fund_pay_sumamt as number)),
        acct_pay: cents(inForce.map((s) => s.acct_pay as number)),
        cash_payamt: cents(inForce.map((s) => s.psn_cash_pay as number)),
        setl_cnt: inForce.length,
      });
      const back = await h.ok("3201", {
        data: { ...period, medfee_sumamt: platform.medfee_sumamt, fund_pay_sumamt: platform.fund_pay_sumamt, acct_pay: platform.acct_pay, fixmedins_setl_cnt: platform.setl_cnt },
      });
      expect(back.output.stmtinfo, `3201 at ${h.code}`).toMatchObject({ stmt_rslt: "0", stmt_rslt_dscr: "对账平" });
    }

    // Stopped properly, the data is read directly: no settlement without its funds, postings, lines and log entry.
    expect(await server.stop("SIGTERM")).toMatchObject({ code: 0 });
    const database = await openDatabase(openOptions);
    try {
      expect(await settlementViolations(database)).toEqual([]);
      expect(await accumulatorViolations(database)).toEqual([]);
      const rows = await database.db.select().from(settlements);
      const answered = new Set(flows.map((f) => String(f.setl?.setl_id)));
      expect(rows.map((r) => r.setl_id).sort()).toEqual([...answered].sort());
      // Each person's account: the opening balance less what the settlements in force took from it.
      const certnos = [...new Set(flows.map((f) => f.person.certno))];
      const balances = await database.db.select().from(persons).where(inArray(persons.certno, certnos));
      for (const p of balances) {
        const opening = people.find((x) => x.certno === p.certno)?.balc_fen ?? 0;
        const taken = rows.filter((s) => s.psn_no === p.psn_no && s.status === "settled").reduce((sum, s) => sum + s.acct_pay, 0);
        expect(p.balc_fen, p.certno).toBe(opening - taken);
      }
      expect(rows.filter((r) => r.status === "reversed")).toHaveLength(flows.filter((f) => f.reverse).length);
    } finally {
      await database.close();
    }
  }, 150_000);
});
