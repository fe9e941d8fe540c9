import { sql } from "drizzle-orm";
import type { Category } from "../../domain/codes.js";
import { invariant } from "../../domain/errors.js";
import type { Fen } from "../../domain/money.js";
import {
  checkEventNote, decide, evaluate, householdSizeMatters, type CheckCause, type Criterion, type Decision, type Evaluation,
} from "../../domain/monitoring/index.js";
import { chooseAssistance } from "../../domain/settlement/index.js";
import type { Queryable } from "../../store/db.js";
import type { Services } from "../common/context.js";
import { lockPerson, type PersonRow } from "../common/persons.js";
import { array, rowsOf } from "../common/sql.js";
import { householdSizes, readFigures, termsFor, type MonitoringTerms, type StoredFigures } from "./figures.js";

/**
 * One check of a person on a date, and the same for a batch (the scan): read the figures, evaluate them against the
 * insured region's thresholds, decide (domain/monitoring decide.ts) and write what changed. A check is part of the
 * caller's transaction — the settlement's, the reversal's, or a batch of the scan — and expects the person's row locked
 * (lockPerson), so that one person's checks are serialized like their settlements.
 */

export type PersonForCheck = Pick<PersonRow, "psn_no" | "insuplc_admdvs" | "household_id" | "household_income_fen">;

export interface CheckOutcome {
  psn_no: string;
  /** What the check did; no_policy: the insured region has no policy with monitoring thresholds for the date. */
  decision: Decision | "no_policy";
  /** The person's open warning after the check (raised, refreshed or left), else null. */
  warning_id: number | null;
  criteria: Criterion[];
}

export interface PlannedCheck {
  person: PersonForCheck;
  terms: MonitoringTerms;
  figures: StoredFigures;
  evaluation: Evaluation;
  assistance_category: Category | null;
  decision: Decision;
}

/**
 * Evaluates and decides a batch; counts household members only where the size can change what is stored, and only
 * those `known` does not hold already (the scan's one pass counts every household once).
 */
export async function planChecks(
  q: Queryable,
  items: readonly { person: PersonForCheck; terms: MonitoringTerms; figures: StoredFigures }[],
  known: ReadonlyMap<string, number> = new Map(),
): Promise<PlannedCheck[]> {
  const needSize = items.filter(({ person, terms, figures }) =>
    person.household_id !== null && !known.has(person.household_id) &&
    householdSizeMatters(terms.monitoring, { ...figures, per_capita_income_fen: person.household_income_fen as Fen | null }, figures.open !== null));
  const counted = await householdSizes(q, needSize.map((i) => i.person.household_id as string));
  const sizeOf = (household: string) => counted.get(household) ?? known.get(household);
  return items.map(({ person, terms, figures }) => {
    const assistance = chooseAssistance(terms.policy, new Set(figures.categories));
    const assistanceCategory = assistance?.category ?? null;
    // Where the size was not counted it cannot matter (see householdSizeMatters): one member stands in, and the decision is "none".
    const size = person.household_id === null ? 1 : (sizeOf(person.household_id) ?? 1);
    const evaluation = evaluate(terms.monitoring, {
      window_self_paid_fen: figures.window_self_paid_fen,
      max_single_self_paid_fen: figures.max_single_self_paid_fen,
      per_capita_income_fen: person.household_income_fen as Fen | null,
      household_size: size,
      assistance_category: assistanceCategory,
    });
    const decision = decide(
      figures.open,
      figures.last_closed_setl_ids === null ? null : { setl_ids: figures.last_closed_setl_ids },
      { evaluation, setl_ids: figures.setl_ids, policy_id: terms.policy_id },
    );
    invariant(person.household_id === null || sizeOf(person.household_id) !== undefined || decision === "none", `the household size of ${person.psn_no} was needed but not counted`);
    return { person, terms, figures, evaluation, assistance_category: assistanceCategory, decision };
  });
}

const ACTION_OF: Record<Exclude<Decision, "none" | "unchanged">, string> = {
  raise: "raised",
  recheck: "rechecked",
  below_threshold: "below_threshold",
  above_threshold: "above_threshold",
};

const windowMoved = (c: PlannedCheck) => c.figures.open?.window_from !== c.terms.window.from || c.figures.open.window_to !== c.terms.window.to;

/**
 * Writes a batch's decisions: one statement inserts the new warnings with their "raised" events, one refreshes the open
 * ones (figures, window, checked_at) with an event where the figures changed. Returns the open warning id per person.
 */
export async function writeChecks(q: Queryable, planned: readonly PlannedCheck[], cause: CheckCause, actor: string): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  const columns = (list: readonly PlannedCheck[]) => ({
    admdvs: array(list.map((c) => c.person.insuplc_admdvs), "text"),
    policy: array(list.map((c) => c.terms.policy_id), "text"),
    criteria: array(list.map((c) => JSON.stringify(c.evaluation.criteria)), "text"),
    proactive: array(list.map((c) => c.evaluation.proactive), "boolean"),
    category: array(list.map((c) => c.assistance_category), "text"),
    from: array(list.map((c) => c.terms.window.from), "date"),
    to: array(list.map((c) => c.terms.window.to), "date"),
    total: array(list.map((c) => c.figures.window_self_paid_fen), "bigint"),
    income: array(list.map((c) => c.evaluation.household_income_fen), "bigint"),
    max: array(list.map((c) => c.figures.max_single_self_paid_fen), "bigint"),
    setl: array(list.map((c) => JSON.stringify(c.figures.setl_ids)), "text"),
    explanation: array(list.map((c) => c.evaluation.explanation), "text"),
    note: array(list.map((c) => (c.decision === "none" || c.decision === "unchanged" ? null : checkEventNote(c.decision, cause, c.evaluation))), "text"),
  });

  const raised = planned.filter((c) => c.decision === "raise");
  if (raised.length > 0) {
    const c = columns(raised);
    const rows = await rowsOf<{ id: number | string; psn_no: string }>(q, sql`
      with input as (
        select * from unnest(${array(raised.map((r) => r.person.psn_no), "text")}, ${c.admdvs}, ${c.policy}, ${c.criteria}, ${c.proactive}, ${c.category},
          ${c.from}, ${c.to}, ${c.total}, ${c.income}, ${c.max}, ${c.setl}, ${c.explanation}, ${c.note})
          as t(psn_no, admdvs, policy_id, criteria, proactive, category, window_from, window_to, total, income, max_single, setl_ids, explanation, note)
      ), raised as (
        insert into warnings (psn_no, admdvs, policy_id, criteria, proactive, category, window_from, window_to, window_self_paid_fen,
          household_income_fen, max_single_self_paid_fen, setl_ids, explanation)
        select psn_no, admdvs, policy_id, criteria::jsonb, proactive, category, window_from, window_to, total, income, max_single, setl_ids::jsonb, explanation
        from input
        returning id, psn_no
      ), events as (
        insert into warning_events (warning_id, actor, action, from_state, to_state, note)
        select r.id, ${actor}, 'raised', null, 'new', i.note from raised r join input i on i.psn_no = r.psn_no
      )
      select id, psn_no from raised`);
    invariant(rows.length === raised.length, "a raised warning was not stored");
    for (const r of rows) ids.set(r.psn_no, Number(r.id));
  }

  // An open warning is written when its figures changed or its window moved; a check on the same day that finds the
  // same figures writes nothing, so that a second scan changes nothing at all.
  const refreshed = planned.filter((c) => c.figures.open !== null && (c.decision !== "unchanged" || windowMoved(c)));
  for (const c of planned) if (c.figures.open !== null && !refreshed.includes(c)) ids.set(c.person.psn_no, c.figures.open.id);
  if (refreshed.length > 0) {
    const c = columns(refreshed);
    const action = array(refreshed.map((r) => (r.decision === "none" || r.decision === "unchanged" ? null : ACTION_OF[r.decision])), "text");
    const below = array(refreshed.map((r) => r.evaluation.criteria.length === 0), "boolean");
    // A warning a clerk closed meanwhile (its row lock waited for) is left as closed: the state filter is evaluated again.
    const rows = await rowsOf<{ id: number | string; psn_no: string }>(q, sql`
      with input as (
        select * from unnest(${array(refreshed.map((r) => r.figures.open?.id), "bigint")}, ${c.admdvs}, ${c.policy}, ${c.criteria}, ${c.proactive},
          ${c.category}, ${c.from}, ${c.to}, ${c.total}, ${c.income}, ${c.max}, ${c.setl}, ${c.explanation}, ${below}, ${action}, ${c.note})
          as t(id, admdvs, policy_id, criteria, proactive, category, window_from, window_to, total, income, max_single, setl_ids, explanation, below, action, note)
      ), updated as (
        update warnings w set admdvs = i.admdvs, policy_id = i.policy_id, criteria = i.criteria::jsonb, proactive = i.proactive, category = i.category,
          window_from = i.window_from, window_to = i.window_to, window_self_paid_fen = i.total, household_income_fen = i.income,
          max_single_self_paid_fen = i.max_single, setl_ids = i.setl_ids::jsonb, below_threshold = i.below, explanation = i.explanation,
          checked_at = now(), updated_at = case when i.action is null then w.updated_at else now() end
        from input i
        where w.id = i.id and w.state <> 'closed'
        returning w.id, w.psn_no, w.state
      ), events as (
        insert into warning_events (warning_id, actor, action, from_state, to_state, note)
        select u.id, ${actor}, i.action, u.state, u.state, i.note from updated u join input i on i.id = u.id where i.action is not null
      )
      select id, psn_no from updated`);
    for (const r of rows) ids.set(r.psn_no, Number(r.id));
  }
  return ids;
}

/**
 * Checks one person on `date` (the date of the settlement, or of the reversal) inside the caller's transaction: raises a
 * warning, refreshes the open one, marks it below or above the thresholds, or does nothing. Given a psn_no rather than
 * the locked row, it locks the row itself. Costs one statement where nothing is near a threshold and no warning is open.
 */
export async function checkPerson(
  services: Services,
  q: Queryable,
  person: PersonForCheck | string,
  date: string,
  cause: CheckCause,
  actor = "system",
): Promise<CheckOutcome> {
  const row = typeof person === "string" ? await lockPerson(q, person) : person;
  const terms = termsFor(services.policies, row.insuplc_admdvs, date);
  if (terms === null) return { psn_no: row.psn_no, decision: "no_policy", warning_id: null, criteria: [] };
  const figures = await readFigures(q, [{ psn_no: row.psn_no, from: terms.window.from }], date);
  const planned = await planChecks(q, figures.map((f) => ({ person: row, terms, figures: f })));
  const [check] = planned;
  invariant(check !== undefined, `no figures for ${row.psn_no}`);
  const ids = check.decision === "none" ? new Map<string, number>() : await writeChecks(q, planned, cause, actor);
  return { psn_no: row.psn_no, decision: check.decision, warning_id: ids.get(row.psn_no) ?? null, criteria: check.evaluation.criteria };
}
