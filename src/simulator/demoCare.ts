import { callService, refusedAnswer } from "../gateway/his/dispatch.js";
import { HisGuard } from "../gateway/his/guard.js";
import { demoCredentials } from "../services/identity/index.js";
import { mulberry32 } from "../lib/random.js";
import { DEMO_FIXMEDINS, DEMO_PERSONS, DEMO_YEAR } from "../services/demo/index.js";
import type { Services } from "../services/common/index.js";
import { rowsOf } from "../services/common/index.js";
import { sql } from "drizzle-orm";
import { HisClient, MsgidClock } from "./client.js";
import { HospitalNumbers, inpatientFlow, loadFeeCatalogue, outpatientFlow, type FlowKind } from "./flows.js";

/**
 * A year of care for the demo: outpatient visits and inpatient stays of 2022 (or another year, up to a day), spread over the months and the demo's
 * hospitals, settled through the hospital-facing interface itself (in process, no network) — so every settlement, fund
 * step, accumulator and ledger posting is what a hospital's HIS would have produced. The well-known persons of the
 * README get stays of their own (the destitute 韦秀兰 several, so that the critical-illness tier and assistance show).
 * Seeded: the same demo everywhere.
 */

export interface DemoCareResult {
  flows: number;
  settled: number;
  failed: { kind: FlowKind; certno: string; error: string }[];
}

interface Visit {
  at: number;
  kind: FlowKind;
  certno: string;
  hospital: string;
}

/** A full year of the demo's care: this many visits and stays of everyone, besides the README persons' own. */
export const DEMO_VISITS_PER_YEAR = 160;

export interface DemoCareOptions {
  /** Visits and stays drawn over the year (besides the README persons'); default 160 for a whole year. */
  visits?: number;
  /** The year of care, default DEMO_YEAR (2022, the shipped policies' year). */
  year?: number;
  /** Care only before this moment (UTC ms): the current year's care stops at today. Default: the whole year. */
  until?: number;
}

export async function seedDemoCare(services: Services, options: DemoCareOptions = {}): Promise<DemoCareResult> {
  const year = options.year ?? DEMO_YEAR;
  // The demo year's draws are those it always had; another year draws its own.
  const random = mulberry32(year === DEMO_YEAR ? 20220101 : year * 10_000 + 101);
  /** 10:00 China time on a day of the year (UTC ms). */
  const dayOf = (dayIndex: number) => Date.UTC(year, 0, 1 + dayIndex, 2, 0, 0);
  const until = options.until ?? Date.UTC(year + 1, 0, 1);
  // The days of care: the year's first 360, or those before today's.
  const days = Math.max(0, Math.min(360, Math.floor((until - Date.UTC(year, 0, 1)) / 86_400_000)));
  const baise = DEMO_FIXMEDINS.filter((f) => f.admdvs === "451000").map((f) => f.fixmedins_code);
  const people = (await rowsOf<{ certno: string }>(services.db, sql`
    select p.certno from persons p join enrollments e on e.psn_no = p.psn_no and e.year = ${year} and e.status = 'enrolled'
    where p.insuplc_admdvs = '451000' order by p.certno`)).map((r) => r.certno);
  if (people.length === 0) return { flows: 0, settled: 0, failed: [] };
  const visits: Visit[] = [];
  const count = options.visits ?? Math.round((DEMO_VISITS_PER_YEAR * days) / 360);
  const FIRST_DAY = 10;
  for (let i = 0; i < count && (year === DEMO_YEAR ? days > 0 : days > FIRST_DAY); i++) {
    visits.push({
      // A stay is admitted up to ten days before its settlement: another year's care starts on its 11th day, so that no
      // admission falls in a year the person is not enrolled for (2022's draws are kept as they always were).
      at: dayOf(year === DEMO_YEAR ? Math.floor(random() * days) : FIRST_DAY + Math.floor(random() * (days - FIRST_DAY))) + Math.floor(random() * 6 * 3600) * 1000,
      kind: random() < 0.3 ? "inpatient" : "outpatient",
      certno: people[Math.floor(random() * people.length)] as string,
      hospital: baise[Math.floor(random() * baise.length)] as string,
    });
  }
  // The README's persons: stays and visits through the year.
  const [destitute, resident, employee, monitored] = DEMO_PERSONS.map((p) => p.certno) as [string, string, string, string];
  for (const [month, kind, certno, hospital] of [
    [1, "inpatient", destitute, "H45100000001"], [3, "inpatient", destitute, "H45100000001"], [5, "inpatient", destitute, "H45100000002"],
    [7, "inpatient", destitute, "H45100000001"], [9, "inpatient", destitute, "H45100000001"], [11, "outpatient", destitute, "H45100000003"],
    [2, "outpatient", resident, "H45100000003"], [6, "inpatient", resident, "H45100000002"],
    [4, "outpatient", employee, "H45100000001"], [8, "inpatient", employee, "H45100000001"],
    [3, "inpatient", monitored, "H45100000002"], [10, "inpatient", monitored, "H45100000001"],
  ] as const) {
    const at = Date.UTC(year, month - 1, 12, 2, 0, 0);
    // A flow's time is its settlement's (a stay was admitted days before): only those already past are care.
    if (at < until) visits.push({ at, kind, certno, hospital });
  }
  visits.sort((a, b) => a.at - b.at);

  let now = visits[0]?.at ?? Date.UTC(year, 0, 1);
  const clock = () => now;
  // The demo's hospitals sign as any HIS does and pass the same guard, in process (no rate limits: a year of care is
  // settled in seconds).
  const guard = new HisGuard(services, { limits: {} });
  const credentials = new Map((await demoCredentials(services, DEMO_FIXMEDINS.map((f) => f.fixmedins_code))).map((c) => [c.fixmedins_code, c]));
  const inProcess: typeof fetch = async (_url, init) => {
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const admitted = await guard.admit(headers, String(init?.body), "127.0.0.1");
    const answer = "refusal" in admitted
      ? refusedAnswer(admitted.refusal.reason, admitted.refusal.message)
      : await callService(services, admitted.body, admitted.caller);
    return new Response(JSON.stringify(answer), { status: 200, headers: { "content-type": "application/json" } });
  };
  const catalogue = loadFeeCatalogue("451000");
  const clients = new Map<string, HisClient>();
  const numbers = new HospitalNumbers(random);
  const result: DemoCareResult = { flows: 0, settled: 0, failed: [] };
  for (const v of visits) {
    now = v.at;
    let client = clients.get(v.hospital);
    if (!client) {
      client = new HisClient({ url: "http://127.0.0.1:8080", fixmedinsCode: v.hospital, now: clock, clock: new MsgidClock(clock), fetch: inProcess, opter: "DEMO01", opterName: "演示收费员", credential: credentials.get(v.hospital) });
      await client.signIn({ mac: "00-00-00-00-00-00", ip: "127.0.0.1" });
      clients.set(v.hospital, client);
    }
    // Each hospital bills by its level (三级 百色市人民医院, 二级 右江区, 一级 a township centre); no stay is admitted
    // before the year the persons are enrolled for.
    const level = DEMO_FIXMEDINS.find((f) => f.fixmedins_code === v.hospital)?.medins_lv ?? "3";
    const ctx = { client, catalogue, numbers, rng: random, now: clock, level, earliestAdmission: Date.UTC(year, 0, 1) - 8 * 3600_000 };
    const flow = await (v.kind === "inpatient" ? inpatientFlow(v.certno, ctx) : outpatientFlow(v.certno, ctx));
    result.flows += 1;
    if (flow.ok) result.settled += 1;
    else result.failed.push({ kind: v.kind, certno: v.certno, error: flow.error ?? "aborted" });
  }
  return result;
}
