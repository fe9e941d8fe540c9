import { sql, type SQL } from "drizzle-orm";
import {
  APPLICATION_KINDS, APPLICATION_STATES, AssistanceNotFound, isApplicationKind, isApplicationState, type ApplicationKind, type ApplicationState,
  type AssistanceStep, type FiledVia,
} from "../../domain/assistance/index.js";
import { DomainError } from "../../domain/errors.js";
import { parseRegionCode } from "../../domain/ids.js";
import type { Fen } from "../../domain/money.js";
import type { Queryable } from "../../store/db.js";
import { countUpTo, type PageOf, type PageRequest } from "../common/pages.js";
import { inRegion } from "../common/region.js";
import { rowsOf } from "../common/sql.js";

/** Reads of the assistance applications (依申请救助, 再救助): one with its events, and filtered pages. */

export interface AssistanceEvent {
  id: number;
  /** ISO time. */
  at: string;
  actor: string;
  /** file | approve | reject | pay */
  action: string;
  from_state: ApplicationState | null;
  to_state: ApplicationState | null;
  note: string | null;
}

export interface AssistanceApplication {
  application_id: string;
  psn_no: string;
  psn_name: string;
  certno: string;
  /** The person's insured region when filed: whose clerks see it, whose fund pays. */
  admdvs: string;
  kind: ApplicationKind;
  fund_pay_type: string;
  policy_id: string;
  application_date: string;
  state: ApplicationState;
  filed_by: string;
  filed_via: FiledVia;
  warning_id: number | null;
  household_size: number;
  /** Declared household per-capita annual income. */
  household_income_fen: Fen;
  certified_difficulty: boolean;
  note: string | null;
  /** As computed at filing, then (final) at approval. */
  base_fen: Fen;
  amount_fen: Fen;
  setl_ids: string[];
  steps: AssistanceStep[];
  approval_year: number | null;
  reviewed_by: string | null;
  reviewed_at: string | null;
  reject_reason: string | null;
  paid_by: string | null;
  paid_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface ApplicationFilter {
  state?: ApplicationState | undefined;
  kind?: ApplicationKind | undefined;
  /** Applications of persons insured inside this region. */
  admdvs?: string | undefined;
  psn_no?: string | undefined;
}

interface Row {
  application_id: string;
  psn_no: string;
  psn_name: string;
  certno: string;
  admdvs: string;
  kind: ApplicationKind;
  fund_pay_type: string;
  policy_id: string;
  application_date: string;
  state: ApplicationState;
  filed_by: string;
  filed_via: FiledVia;
  warning_id: number | string | null;
  household_size: number | string;
  household_income_fen: number | string;
  certified_difficulty: boolean;
  note: string | null;
  base_fen: number | string;
  amount_fen: number | string;
  setl_ids: unknown;
  steps: unknown;
  approval_year: number | string | null;
  reviewed_by: string | null;
  reviewed_at: string | Date | null;
  reject_reason: string | null;
  paid_by: string | null;
  paid_at: string | Date | null;
  created_at: string | Date;
  updated_at: string | Date;
}

const iso = (value: string | Date | null): string | null => (value === null ? null : new Date(value).toISOString());
const numberOrNull = (value: number | string | null): number | null => (value === null ? null : Number(value));
/** jsonb comes back parsed on both drivers; a text (an older driver's habit) is parsed here. */
const json = (value: unknown): unknown => (typeof value === "string" ? JSON.parse(value) : value);

function toApplication(r: Row): AssistanceApplication {
  const setlIds = json(r.setl_ids);
  const steps = json(r.steps);
  return {
    application_id: r.application_id,
    psn_no: r.psn_no,
    psn_name: r.psn_name,
    certno: r.certno,
    admdvs: r.admdvs,
    kind: r.kind,
    fund_pay_type: r.fund_pay_type,
    policy_id: r.policy_id,
    application_date: r.application_date,
    state: r.state,
    filed_by: r.filed_by,
    filed_via: r.filed_via,
    warning_id: numberOrNull(r.warning_id),
    household_size: Number(r.household_size),
    household_income_fen: Number(r.household_income_fen) as Fen,
    certified_difficulty: r.certified_difficulty,
    note: r.note,
    base_fen: Number(r.base_fen) as Fen,
    amount_fen: Number(r.amount_fen) as Fen,
    setl_ids: Array.isArray(setlIds) ? setlIds.map(String) : [],
    steps: Array.isArray(steps) ? (steps as AssistanceStep[]) : [],
    approval_year: numberOrNull(r.approval_year),
    reviewed_by: r.reviewed_by,
    reviewed_at: iso(r.reviewed_at),
    reject_reason: r.reject_reason,
    paid_by: r.paid_by,
    paid_at: iso(r.paid_at),
    created_at: iso(r.created_at) as string,
    updated_at: iso(r.updated_at) as string,
  };
}

const SELECT = sql`
  select a.application_id, a.psn_no, p.psn_name, p.certno, a.admdvs, a.kind, a.fund_pay_type, a.policy_id, a.application_date::text as application_date,
    a.state, a.filed_by, a.filed_via, a.warning_id, a.household_size, a.household_income_fen, a.certified_difficulty, a.note, a.base_fen, a.amount_fen,
    a.setl_ids, a.steps, a.approval_year, a.reviewed_by, a.reviewed_at, a.reject_reason, a.paid_by, a.paid_at, a.created_at, a.updated_at
  from assistance_applications a join persons p on p.psn_no = a.psn_no`;

function conditions(filter: ApplicationFilter): SQL {
  const c: SQL[] = [sql`true`];
  if (filter.state !== undefined) {
    if (!isApplicationState(filter.state)) throw new DomainError("state", `must be ${APPLICATION_STATES.join(", ")}, got ${JSON.stringify(filter.state)}`);
    c.push(sql`a.state = ${filter.state}`);
  }
  if (filter.kind !== undefined) {
    if (!isApplicationKind(filter.kind)) throw new DomainError("kind", `must be ${APPLICATION_KINDS.join(" or ")}, got ${JSON.stringify(filter.kind)}`);
    c.push(sql`a.kind = ${filter.kind}`);
  }
  if (filter.admdvs !== undefined) c.push(inRegion(sql`a.admdvs`, parseRegionCode(filter.admdvs, "admdvs")));
  if (filter.psn_no !== undefined) c.push(sql`a.psn_no = ${filter.psn_no}`);
  return sql.join(c, sql` and `);
}

/** The application, or undefined. */
export async function findApplication(q: Queryable, applicationId: string): Promise<AssistanceApplication | undefined> {
  const [row] = await rowsOf<Row>(q, sql`${SELECT} where a.application_id = ${applicationId}`);
  return row ? toApplication(row) : undefined;
}

/** The application, or a refusal naming it. */
export async function getApplication(q: Queryable, applicationId: string): Promise<AssistanceApplication> {
  const found = await findApplication(q, applicationId);
  if (!found) throw new AssistanceNotFound("application_id", `no assistance application ${applicationId}`);
  return found;
}

/** Who did what to an application, oldest first. */
export async function applicationEvents(q: Queryable, applicationId: string): Promise<AssistanceEvent[]> {
  const rows = await rowsOf<{ id: number | string; at: string | Date; actor: string; action: string; from_state: ApplicationState | null; to_state: ApplicationState | null; note: string | null }>(
    q,
    sql`select id, at, actor, action, from_state, to_state, note from assistance_events where application_id = ${applicationId} order by id`,
  );
  return rows.map((r) => ({ ...r, id: Number(r.id), at: iso(r.at) as string }));
}

/** A page of applications, newest first, with the count of all that match. */
export async function listApplications(q: Queryable, filter: ApplicationFilter, page: PageRequest = { page: 1, page_size: 50 }): Promise<PageOf<AssistanceApplication>> {
  const where = conditions(filter);
  const [rows, count] = await Promise.all([
    rowsOf<Row>(q, sql`${SELECT} where ${where} order by a.created_at desc, a.application_id desc limit ${page.page_size} offset ${(page.page - 1) * page.page_size}`),
    countUpTo(q, sql`select 1 from assistance_applications a where ${where}`),
  ]);
  return { items: rows.map(toApplication), ...count };
}
