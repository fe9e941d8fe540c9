import { sql, type SQL } from "drizzle-orm";
import { CATEGORIES, type Category } from "../../domain/codes.js";
import { DomainError, invariant } from "../../domain/errors.js";
import { parseRegionCode } from "../../domain/ids.js";
import type { Fen } from "../../domain/money.js";
import {
  checkNote, CRITERIA, isWarningState, nextState, WARNING_STATES, type Criterion, type WarningAction, type WarningState,
} from "../../domain/monitoring/index.js";
import type { Queryable } from "../../store/db.js";
import { countUpTo, type PageOf, type PageRequest } from "../common/pages.js";
import { inRegion } from "../common/region.js";
import { rowsOf } from "../common/sql.js";
import { SELF_PAID } from "./figures.js";

/** Reading warnings (the list with its filters, one with its settlements and events) and the clerk's actions on them. */

/** No warning of that id: a 404 on the REST API. */
export class WarningNotFound extends DomainError {
  readonly code = "not_found";
}

export interface WarningFilter {
  state?: WarningState;
  category?: Category;
  proactive?: boolean;
  below_threshold?: boolean;
  /** Persons insured in this region (a prefecture takes its counties). */
  admdvs?: string;
  /** The window's self-paid total at least this. */
  min_window_self_paid_fen?: Fen;
  psn_no?: string;
}

export interface WarningSummary {
  id: number;
  psn_no: string;
  psn_name: string;
  certno: string;
  admdvs: string;
  policy_id: string;
  state: WarningState;
  criteria: Criterion[];
  proactive: boolean;
  category: Category | null;
  window_from: string;
  window_to: string;
  window_self_paid_fen: Fen;
  household_income_fen: Fen | null;
  max_single_self_paid_fen: Fen;
  /** How many settlements are behind the figures. */
  settlement_count: number;
  below_threshold: boolean;
  explanation: string;
  raised_at: string;
  checked_at: string;
  updated_at: string;
}

export interface WarningSettlement {
  setl_id: string;
  setl_time: string;
  fixmedins_code: string;
  fixmedins_name: string;
  med_type: string;
  medfee_sumamt: Fen;
  self_paid_fen: Fen;
  status: "settled" | "reversed";
}

export interface WarningEvent {
  id: number;
  at: string;
  actor: string;
  action: string;
  from_state: WarningState | null;
  to_state: WarningState | null;
  note: string | null;
}

export interface WarningDetail extends WarningSummary {
  settlements: WarningSettlement[];
  events: WarningEvent[];
}

interface SummaryRow {
  id: number | string;
  psn_no: string;
  psn_name: string;
  certno: string;
  admdvs: string;
  policy_id: string;
  state: string;
  criteria: unknown;
  proactive: boolean;
  category: string | null;
  window_from: string;
  window_to: string;
  window_self_paid_fen: number | string;
  household_income_fen: number | string | null;
  max_single_self_paid_fen: number | string;
  setl_ids: unknown;
  below_threshold: boolean;
  explanation: string;
  raised_at: string | Date;
  checked_at: string | Date;
  updated_at: string | Date;
}

const list = (value: unknown): unknown[] => {
  const parsed = typeof value === "string" ? (JSON.parse(value) as unknown) : value;
  return Array.isArray(parsed) ? parsed : [];
};
const iso = (value: string | Date) => new Date(value).toISOString();
const stateOf = (value: string): WarningState => {
  invariant(isWarningState(value), `a warning in an unknown state ${value}`);
  return value;
};

function toSummary(r: SummaryRow): WarningSummary {
  return {
    id: Number(r.id),
    psn_no: r.psn_no,
    psn_name: r.psn_name,
    certno: r.certno,
    admdvs: r.admdvs,
    policy_id: r.policy_id,
    state: stateOf(r.state),
    criteria: list(r.criteria).filter((c): c is Criterion => (CRITERIA as readonly unknown[]).includes(c)),
    proactive: r.proactive,
    category: r.category as Category | null,
    window_from: r.window_from,
    window_to: r.window_to,
    window_self_paid_fen: Number(r.window_self_paid_fen) as Fen,
    household_income_fen: r.household_income_fen === null ? null : (Number(r.household_income_fen) as Fen),
    max_single_self_paid_fen: Number(r.max_single_self_paid_fen) as Fen,
    settlement_count: list(r.setl_ids).length,
    below_threshold: r.below_threshold,
    explanation: r.explanation,
    raised_at: iso(r.raised_at),
    checked_at: iso(r.checked_at),
    updated_at: iso(r.updated_at),
  };
}

const SUMMARY = sql.raw(`w.id, w.psn_no, p.psn_name, p.certno, w.admdvs, w.policy_id, w.state, w.criteria, w.proactive, w.category,
  w.window_from::text as window_from, w.window_to::text as window_to, w.window_self_paid_fen, w.household_income_fen,
  w.max_single_self_paid_fen, w.setl_ids, w.below_threshold, w.explanation, w.raised_at, w.checked_at, w.updated_at`);

function filterSql(filter: WarningFilter): SQL {
  const conditions: SQL[] = [sql`true`];
  if (filter.state !== undefined) {
    if (!isWarningState(filter.state)) throw new DomainError("state", `must be one of ${WARNING_STATES.join(", ")}, got ${JSON.stringify(filter.state)}`);
    conditions.push(sql`w.state = ${filter.state}`);
  }
  if (filter.category !== undefined) {
    if (!(CATEGORIES as readonly string[]).includes(filter.category)) throw new DomainError("category", `must be one of ${CATEGORIES.join(", ")}, got ${JSON.stringify(filter.category)}`);
    conditions.push(sql`w.category = ${filter.category}`);
  }
  if (filter.proactive !== undefined) conditions.push(sql`w.proactive = ${filter.proactive}`);
  if (filter.below_threshold !== undefined) conditions.push(sql`w.below_threshold = ${filter.below_threshold}`);
  if (filter.admdvs !== undefined) conditions.push(inRegion(sql`w.admdvs`, parseRegionCode(filter.admdvs, "admdvs")));
  if (filter.min_window_self_paid_fen !== undefined) {
    const min = filter.min_window_self_paid_fen;
    if (!Number.isSafeInteger(min) || min < 0) throw new DomainError("min_window_self_paid_fen", `must be whole fen, not negative, got ${min}`);
    conditions.push(sql`w.window_self_paid_fen >= ${min}`);
  }
  if (filter.psn_no !== undefined) conditions.push(sql`w.psn_no = ${filter.psn_no}`);
  return sql.join(conditions, sql` and `);
}

/** Warnings matching the filter, newest first, a page at a time. */
export async function listWarnings(q: Queryable, filter: WarningFilter, page: PageRequest): Promise<PageOf<WarningSummary>> {
  const where = filterSql(filter);
  const rows = await rowsOf<SummaryRow>(q, sql`
    select ${SUMMARY} from warnings w join persons p on p.psn_no = w.psn_no
    where ${where} order by w.id desc limit ${page.page_size} offset ${(page.page - 1) * page.page_size}`);
  const counted = await countUpTo(q, sql`select 1 from warnings w where ${where}`);
  return { items: rows.map(toSummary), ...counted };
}

async function settlementsOf(q: Queryable, setlIds: readonly string[]): Promise<WarningSettlement[]> {
  if (setlIds.length === 0) return [];
  const rows = await rowsOf<{
    setl_id: string; setl_time: string; fixmedins_code: string; fixmedins_name: string; med_type: string; medfee_sumamt: number | string;
    self_paid: number | string; status: "settled" | "reversed";
  }>(q, sql`
    select s.setl_id, to_char(s.setl_time, 'YYYY-MM-DD HH24:MI:SS') as setl_time, s.fixmedins_code,
      coalesce(f.fixmedins_name, s.fixmedins_code) as fixmedins_name, s.med_type, s.medfee_sumamt, ${SELF_PAID} as self_paid, s.status
    from settlements s left join fixmedins f on f.fixmedins_code = s.fixmedins_code
    where s.setl_id = any(${sql.param(setlIds)}::text[])
    order by s.setl_time, s.setl_id`);
  return rows.map((r) => ({
    setl_id: r.setl_id, setl_time: r.setl_time, fixmedins_code: r.fixmedins_code, fixmedins_name: r.fixmedins_name, med_type: r.med_type,
    medfee_sumamt: Number(r.medfee_sumamt) as Fen, self_paid_fen: Number(r.self_paid) as Fen, status: r.status,
  }));
}

async function eventsOf(q: Queryable, warningId: number): Promise<WarningEvent[]> {
  const rows = await rowsOf<{ id: number | string; at: string | Date; actor: string; action: string; from_state: string | null; to_state: string | null; note: string | null }>(q, sql`
    select id, at, actor, action, from_state, to_state, note from warning_events where warning_id = ${warningId} order by id`);
  return rows.map((e) => ({
    id: Number(e.id), at: iso(e.at), actor: e.actor, action: e.action,
    from_state: e.from_state === null ? null : stateOf(e.from_state), to_state: e.to_state === null ? null : stateOf(e.to_state), note: e.note,
  }));
}

async function detail(q: Queryable, row: SummaryRow): Promise<WarningDetail> {
  const summary = toSummary(row);
  return { ...summary, settlements: await settlementsOf(q, list(row.setl_ids).map(String)), events: await eventsOf(q, summary.id) };
}

/** One warning with the settlements behind its figures and every event, or undefined. */
export async function getWarning(q: Queryable, id: number): Promise<WarningDetail | undefined> {
  const [row] = await rowsOf<SummaryRow>(q, sql`select ${SUMMARY} from warnings w join persons p on p.psn_no = w.psn_no where w.id = ${id}`);
  return row === undefined ? undefined : detail(q, row);
}

/** Every warning of a person, newest first, with settlements and events (the person's own view). */
export async function warningsOf(q: Queryable, psnNo: string): Promise<WarningDetail[]> {
  const rows = await rowsOf<SummaryRow>(q, sql`select ${SUMMARY} from warnings w join persons p on p.psn_no = w.psn_no where w.psn_no = ${psnNo} order by w.id desc`);
  const out: WarningDetail[] = [];
  for (const r of rows) out.push(await detail(q, r));
  return out;
}

export interface WarningActionInput {
  action: WarningAction;
  note?: string | null;
  /** Who does it: the signed-in user. */
  actor: string;
}

/**
 * A clerk's action on a warning (contact, help, not_eligible, close), in one transaction: the warning's row is locked,
 * the state machine says whether the action is allowed (a refusal changes nothing), and the new state is written with an
 * event of who did what, when, and why.
 */
export async function actOnWarning(q: Queryable, id: number, input: WarningActionInput): Promise<WarningDetail> {
  const note = checkNote(input.action, input.note);
  const actor = typeof input.actor === "string" ? input.actor.trim() : "";
  if (actor === "" || actor.length > 50) throw new DomainError("actor", "must name who acts, 1 to 50 characters");
  return q.transaction(async (tx) => {
    const [row] = await rowsOf<{ id: number | string; state: string; below_threshold: boolean }>(tx, sql`
      select id, state, below_threshold from warnings where id = ${id} for update`);
    if (!row) throw new WarningNotFound("id", `no warning ${id}`);
    const from = stateOf(row.state);
    const to = nextState({ id, state: from, below_threshold: row.below_threshold }, input.action);
    await tx.execute(sql`update warnings set state = ${to}, updated_at = now() where id = ${id}`);
    await tx.execute(sql`
      insert into warning_events (warning_id, actor, action, from_state, to_state, note) values (${id}, ${actor}, ${input.action}, ${from}, ${to}, ${note})`);
    const after = await getWarning(tx, id);
    invariant(after !== undefined, `warning ${id} vanished while acted on`);
    return after;
  });
}

/** How many warnings there are in each state (persons insured in `admdvs`, or everywhere), and of them below every threshold. */
export async function countWarnings(q: Queryable, admdvs?: string): Promise<{ by_state: Record<WarningState, number>; below_threshold: number }> {
  const scope = admdvs === undefined ? sql`true` : inRegion(sql`w.admdvs`, parseRegionCode(admdvs, "admdvs"));
  const rows = await rowsOf<{ state: string; n: number | string; below: number | string }>(q, sql`
    select w.state, count(*) as n, count(*) filter (where w.below_threshold) as below from warnings w where ${scope} group by w.state`);
  const byState = Object.fromEntries(WARNING_STATES.map((s) => [s, 0])) as Record<WarningState, number>;
  let below = 0;
  for (const r of rows) {
    byState[stateOf(r.state)] = Number(r.n);
    below += Number(r.below);
  }
  return { by_state: byState, below_threshold: below };
}
