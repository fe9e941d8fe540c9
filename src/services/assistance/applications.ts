import { sql } from "drizzle-orm";
import {
  APPLICATION_KINDS, AssistanceConflict, AssistanceNotFound, calculateAssistance, FILED_VIA, isApplicationKind, lookbackWindow,
  nextState, onceAYear, termsOf, type ApplicationAction, type ApplicationKind, type ApplicationState, type AssistanceCalculation, type BurdenSettlement,
  type FiledVia, type GrantedAssistance,
} from "../../domain/assistance/index.js";
import type { Category } from "../../domain/codes.js";
import { DomainError, invariant } from "../../domain/errors.js";
import { parseDate } from "../../domain/ids.js";
import { formatYuan, type Fen } from "../../domain/money.js";
import { policyId, selectPolicy, type Policy } from "../../domain/reference/index.js";
import type { PersonCategory } from "../../domain/settlement/index.js";
import type { Queryable } from "../../store/db.js";
import { assistanceApplications, assistanceEvents } from "../../store/schema.js";
import type { Services } from "../common/context.js";
import { newId } from "../common/ids.js";
import { getPerson, type PersonRow } from "../common/persons.js";
import { rowsOf } from "../common/sql.js";
import { todayInChina } from "../common/time.js";
import { postAssistancePayment, type Transfer } from "../ledger/index.js";
import { applicationEvents, getApplication, type AssistanceApplication, type AssistanceEvent } from "./reads.js";

/**
 * The use cases of assistance on application (依申请救助) and secondary assistance (再救助), each one transaction: file
 * (by the person on the portal, or a clerk on their behalf, optionally from a warning), preview the calculation, approve
 * (the calculation again, on the settlements stored by then), reject with a reason, pay (one balanced ledger transfer
 * from the fund to the person). The rule is the domain's (domain/assistance); here are the reads it needs, the locks,
 * and the once-a-year rule held by the database.
 *
 * `at` is the clock of a use case (default now): the application date by default, the approval date (whose calendar
 * year is the year of the once-a-year rule), the times recorded. Tests pass it; the faces do not.
 */

export interface ApplicationInput {
  psn_no: string;
  kind?: ApplicationKind | undefined;
  /** Default: today in China. Never after today. */
  application_date?: string | undefined;
  household_size: number;
  /** Declared household per-capita annual income, fen. */
  household_income_fen: number;
  /** A clerk's certificate of the household's severe difficulty (never the applicant's own declaration). */
  certified_difficulty?: boolean | undefined;
  note?: string | undefined;
  /** The early warning the application comes from (a clerk applying on the family's behalf). */
  warning_id?: number | undefined;
}

export interface FileInput extends ApplicationInput {
  filed_by: string;
  filed_via: FiledVia;
}

export interface Clock {
  at?: Date | undefined;
}

export interface ApplicationWithEvents extends AssistanceApplication {
  events: AssistanceEvent[];
}

export interface Preview {
  psn_no: string;
  psn_name: string;
  admdvs: string;
  application_date: string;
  calculation: AssistanceCalculation;
}

// ---------------------------------------------------------------------------------------------------------------------
// Input

function checkText(value: unknown, field: string, maxLength: number): string {
  const text = typeof value === "string" ? value.trim() : "";
  if (text === "") throw new DomainError(field, "is required");
  if (text.length > maxLength) throw new DomainError(field, `is longer than ${maxLength} characters`);
  return text;
}

function optionalText(value: unknown, field: string, maxLength: number): string | null {
  if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) return null;
  return checkText(value, field, maxLength);
}

export function checkApplicationId(value: unknown, field = "application_id"): string {
  const text = typeof value === "string" ? value.trim() : "";
  if (!/^[A-Z0-9]{8,40}$/.test(text)) throw new DomainError(field, `must be an application number (capitals and digits), got ${JSON.stringify(value)}`);
  return text;
}

interface CheckedInput {
  psn_no: string;
  kind: ApplicationKind;
  application_date: string;
  household_size: number;
  household_income_fen: Fen;
  certified_difficulty: boolean;
  note: string | null;
  warning_id: number | null;
}

/** Household size: the members whose income the per-capita figure divides (one to thirty). */
const MAX_HOUSEHOLD = 30;

function checkInput(input: ApplicationInput, today: string): CheckedInput {
  const kind = input.kind ?? "application";
  if (!isApplicationKind(kind)) throw new DomainError("kind", `must be ${APPLICATION_KINDS.join(" or ")}, got ${JSON.stringify(input.kind)}`);
  const date = input.application_date === undefined ? today : parseDate(input.application_date, "application_date");
  if (date > today) throw new DomainError("application_date", `${date} is after today (${today}): an application is dated the day it is received`);
  const size = input.household_size;
  if (typeof size !== "number" || !Number.isInteger(size) || size < 1 || size > MAX_HOUSEHOLD) {
    throw new DomainError("household_size", `must be a whole number of persons from 1 to ${MAX_HOUSEHOLD}, got ${JSON.stringify(size)}`);
  }
  const income = input.household_income_fen;
  if (typeof income !== "number" || !Number.isSafeInteger(income) || income < 0) {
    throw new DomainError("household_income", `must be an amount in yuan, 0 or more, got ${JSON.stringify(income)}`);
  }
  if (input.certified_difficulty !== undefined && typeof input.certified_difficulty !== "boolean") {
    throw new DomainError("certified_difficulty", `must be true or false, got ${JSON.stringify(input.certified_difficulty)}`);
  }
  const warning = input.warning_id;
  if (warning !== undefined && (typeof warning !== "number" || !Number.isSafeInteger(warning) || warning < 1)) {
    throw new DomainError("warning_id", `must be a warning's number, got ${JSON.stringify(warning)}`);
  }
  return {
    psn_no: checkText(input.psn_no, "psn_no", 40),
    kind,
    application_date: date,
    household_size: size,
    household_income_fen: income as Fen,
    certified_difficulty: input.certified_difficulty ?? false,
    note: optionalText(input.note, "note", 500),
    warning_id: warning ?? null,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// The facts the rule reads

async function categoriesOf(q: Queryable, psnNo: string): Promise<PersonCategory[]> {
  const rows = await rowsOf<{ psn_idet_type: string; begntime: string; endtime: string | null }>(q, sql`
    select psn_idet_type, begntime::text as begntime, endtime::text as endtime from person_identities where psn_no = ${psnNo} order by begntime, id`);
  return rows.map((r) => ({ psn_idet_type: r.psn_idet_type as Category, begntime: r.begntime, endtime: r.endtime }));
}

/** The person's settlements of the window, whatever their status (the rule says which count, and why not the others). */
async function settlementsIn(q: Queryable, psnNo: string, from: string, to: string): Promise<BurdenSettlement[]> {
  const rows = await rowsOf<Record<string, string | number>>(q, sql`
    select s.setl_id, s.setl_time::date::text as setl_date, s.status, f.fixmedins_name, s.inscp_scp_amt, s.hifp_pay, s.hifmi_pay, s.hifob_pay, s.maf_pay, s.oth_pay
    from settlements s left join fixmedins f on f.fixmedins_code = s.fixmedins_code
    where s.psn_no = ${psnNo} and s.setl_time >= ${from}::date and s.setl_time < ${to}::date + 1
    order by s.setl_time, s.setl_id`);
  return rows.map((r) => ({
    setl_id: String(r.setl_id),
    setl_date: String(r.setl_date),
    status: String(r.status),
    ...(r.fixmedins_name ? { fixmedins_name: String(r.fixmedins_name) } : {}),
    inscp_scp_amt: Number(r.inscp_scp_amt) as Fen,
    hifp_pay: Number(r.hifp_pay) as Fen,
    hifmi_pay: Number(r.hifmi_pay) as Fen,
    hifob_pay: Number(r.hifob_pay) as Fen,
    maf_pay: Number(r.maf_pay) as Fen,
    oth_pay: Number(r.oth_pay) as Fen,
  }));
}

/** The person's application-based assistance granted so far (a secondary application deducts those of its window). */
async function grantedTo(q: Queryable, psnNo: string): Promise<GrantedAssistance[]> {
  const rows = await rowsOf<{ application_id: string; application_date: string; state: ApplicationState; amount_fen: number | string }>(q, sql`
    select application_id, application_date::text as application_date, state, amount_fen from assistance_applications
    where psn_no = ${psnNo} and kind = 'application' and state in ('approved', 'paid')
    order by application_date, application_id`);
  return rows.map((r) => ({ application_id: r.application_id, application_date: r.application_date, state: r.state, amount_fen: Number(r.amount_fen) as Fen }));
}

interface Case {
  kind: ApplicationKind;
  application_date: string;
  household_size: number;
  household_income_fen: Fen;
  certified_difficulty: boolean;
}

async function calculate(q: Queryable, policy: Policy, psnNo: string, c: Case): Promise<AssistanceCalculation> {
  const window = lookbackWindow(c.application_date, termsOf(policy, c.kind).lookback_months);
  return calculateAssistance(policy, {
    ...c,
    categories: await categoriesOf(q, psnNo),
    settlements: await settlementsIn(q, psnNo, window.from, window.to),
    ...(c.kind === "secondary" ? { granted: await grantedTo(q, psnNo) } : {}),
  });
}

/** The insured region's policy of the application date ("参保地政策"). */
function policyFor(services: Services, person: PersonRow, date: string): Policy {
  return selectPolicy(services.policies, person.insuplc_admdvs, date, "application_date").policy;
}

function policyById(services: Services, id: string): Policy {
  const found = services.policies.find((p) => policyId(p) === id);
  if (!found) throw new DomainError("policy_id", `the application's policy ${id} is not loaded: it is needed to recompute the application`);
  return found;
}

// ---------------------------------------------------------------------------------------------------------------------
// Filing and its preview

/** What the application would give if filed now: nothing is written. */
export async function previewApplication(services: Services, input: ApplicationInput, clock: Clock = {}): Promise<Preview> {
  const checked = checkInput(input, todayInChina(clock.at));
  const person = await getPerson(services.db, checked.psn_no);
  const policy = policyFor(services, person, checked.application_date);
  const calculation = await calculate(services.db, policy, person.psn_no, checked);
  return { psn_no: person.psn_no, psn_name: person.psn_name, admdvs: person.insuplc_admdvs, application_date: checked.application_date, calculation };
}

async function checkWarning(q: Queryable, warningId: number, psnNo: string): Promise<void> {
  const [w] = await rowsOf<{ psn_no: string }>(q, sql`select psn_no from warnings where id = ${warningId}`);
  if (!w) throw new DomainError("warning_id", `no warning ${warningId}`);
  if (w.psn_no !== psnNo) throw new DomainError("warning_id", `warning ${warningId} is of ${w.psn_no}, not of ${psnNo}`);
}

async function recordEvent(
  q: Queryable, applicationId: string, at: Date, actor: string, action: "file" | ApplicationAction, from: ApplicationState | null, to: ApplicationState, note: string | null,
): Promise<void> {
  await q.insert(assistanceEvents).values({ application_id: applicationId, at, actor, action, from_state: from, to_state: to, note });
}

async function withEvents(q: Queryable, applicationId: string): Promise<ApplicationWithEvents> {
  return { ...(await getApplication(q, applicationId)), events: await applicationEvents(q, applicationId) };
}

/**
 * Files an application (state submitted) with the calculation as of filing. A person may have two of a kind under
 * review (the person applied on the portal while a clerk filed for them): the once-a-year rule at approval keeps the
 * second from being granted too.
 */
export async function fileApplication(services: Services, input: FileInput, clock: Clock = {}): Promise<ApplicationWithEvents> {
  const at = clock.at ?? new Date();
  const checked = checkInput(input, todayInChina(at));
  if (!(FILED_VIA as readonly string[]).includes(input.filed_via)) throw new DomainError("filed_via", `must be ${FILED_VIA.join(", ")}, got ${JSON.stringify(input.filed_via)}`);
  const filedBy = checkText(input.filed_by, "filed_by", 50);
  if (input.filed_via === "portal" && checked.certified_difficulty) {
    throw new DomainError("certified_difficulty", "is a clerk's certificate: an applicant on the portal cannot certify their own household");
  }
  return services.db.transaction(async (tx) => {
    const person = await getPerson(tx, checked.psn_no);
    if (checked.warning_id !== null) await checkWarning(tx, checked.warning_id, person.psn_no);
    const policy = policyFor(services, person, checked.application_date);
    const calculation = await calculate(tx, policy, person.psn_no, checked);
    const applicationId = newId("ASA", checked.application_date);
    await tx.insert(assistanceApplications).values({
      application_id: applicationId,
      psn_no: person.psn_no,
      admdvs: person.insuplc_admdvs,
      kind: checked.kind,
      fund_pay_type: calculation.fund_pay_type,
      policy_id: calculation.policy_id,
      application_date: checked.application_date,
      state: "submitted",
      filed_by: filedBy,
      filed_via: input.filed_via,
      warning_id: checked.warning_id,
      household_size: checked.household_size,
      household_income_fen: checked.household_income_fen,
      certified_difficulty: checked.certified_difficulty,
      note: checked.note,
      base_fen: calculation.base_fen,
      amount_fen: calculation.amount_fen,
      setl_ids: calculation.setl_ids,
      steps: calculation.steps,
      created_at: at,
      updated_at: at,
    });
    const via = { portal: "本人通过门户申请", console: "经办人代为申请", cli: "经办人代为申请（命令行）" }[input.filed_via];
    const note =
      `${via}${checked.warning_id !== null ? `（来自预警${checked.warning_id}）` : ""}；` +
      `测算：救助基数${formatYuan(calculation.base_fen)}元，救助金额${formatYuan(calculation.amount_fen)}元` +
      `${calculation.eligibility.eligible ? "" : "（不符合条件）"}`;
    await recordEvent(tx, applicationId, at, filedBy, "file", null, "submitted", note);
    return withEvents(tx, applicationId);
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Review and payment

interface Locked {
  application_id: string;
  psn_no: string;
  admdvs: string;
  kind: ApplicationKind;
  fund_pay_type: string;
  policy_id: string;
  application_date: string;
  state: ApplicationState;
  household_size: number;
  household_income_fen: Fen;
  certified_difficulty: boolean;
  amount_fen: Fen;
  reviewed_by: string | null;
  reviewed_at: string | null;
  paid_by: string | null;
  paid_at: string | null;
}

/** The application's row, locked for the rest of the transaction: a second approval or payment waits, then sees the first. */
async function lockApplication(q: Queryable, applicationId: string): Promise<Locked> {
  const [r] = await rowsOf<Record<string, unknown>>(q, sql`
    select application_id, psn_no, admdvs, kind, fund_pay_type, policy_id, application_date::text as application_date, state, household_size,
      household_income_fen, certified_difficulty, amount_fen, reviewed_by, reviewed_at, paid_by, paid_at
    from assistance_applications where application_id = ${applicationId} for update`);
  if (!r) throw new AssistanceNotFound("application_id", `no assistance application ${applicationId}`);
  const time = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString());
  return {
    application_id: String(r.application_id),
    psn_no: String(r.psn_no),
    admdvs: String(r.admdvs),
    kind: r.kind as ApplicationKind,
    fund_pay_type: String(r.fund_pay_type),
    policy_id: String(r.policy_id),
    application_date: String(r.application_date),
    state: r.state as ApplicationState,
    household_size: Number(r.household_size),
    household_income_fen: Number(r.household_income_fen) as Fen,
    certified_difficulty: r.certified_difficulty === true,
    amount_fen: Number(r.amount_fen) as Fen,
    reviewed_by: (r.reviewed_by as string | null) ?? null,
    reviewed_at: time(r.reviewed_at),
    paid_by: (r.paid_by as string | null) ?? null,
    paid_at: time(r.paid_at),
  };
}

/** Whether an error is the once-a-year index refusing a second approval (PostgreSQL or PGlite, through drizzle's wrapper). */
function isOnceAYearViolation(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    const x = e as { code?: unknown; constraint?: unknown; message?: unknown; detail?: unknown };
    if (x.code === "23505" && [x.constraint, x.message, x.detail].some((t) => typeof t === "string" && t.includes("assistance_once_a_year"))) return true;
  }
  return false;
}

export interface ApproveInput {
  by: string;
  /** The reviewing clerk certifies the household's severe difficulty (an application filed on the portal cannot). */
  certify_difficulty?: boolean | undefined;
}

/**
 * Approves a submitted application: the calculation again on the settlements stored now (a settlement reversed since
 * filing no longer counts), refused when the person is not eligible or nothing is to be paid (reject it instead), or
 * when the person has the kind approved in the approval's calendar year already. That last rule is the database's:
 * the partial unique index assistance_once_a_year makes the second of two simultaneous approvals fail, and the failure
 * is answered as the same refusal.
 */
export async function approveApplication(services: Services, applicationId: string, input: ApproveInput, clock: Clock = {}): Promise<ApplicationWithEvents> {
  const id = checkApplicationId(applicationId);
  const by = checkText(input.by, "by", 50);
  if (input.certify_difficulty !== undefined && typeof input.certify_difficulty !== "boolean") {
    throw new DomainError("certify_difficulty", `must be true or false, got ${JSON.stringify(input.certify_difficulty)}`);
  }
  const at = clock.at ?? new Date();
  const today = todayInChina(at);
  const year = Number(today.slice(0, 4));
  let seen: { psn_no: string; kind: ApplicationKind } | undefined;
  try {
    return await services.db.transaction(async (tx) => {
      const a = await lockApplication(tx, id);
      seen = { psn_no: a.psn_no, kind: a.kind };
      const next = nextState(a, "approve");
      if (today < a.application_date) throw new DomainError("application_date", `${a.application_date} is after the approval date ${today}`);
      const certified = a.certified_difficulty || input.certify_difficulty === true;
      const calculation = await calculate(tx, policyById(services, a.policy_id), a.psn_no, { ...a, certified_difficulty: certified });
      const refusal = calculation.eligibility.refusal;
      if (refusal) throw new DomainError(refusal.field, `${refusal.rule}: not eligible; reject the application instead`);
      if (calculation.amount_fen === 0) {
        throw new DomainError(
          "amount",
          `nothing to pay: the base ${formatYuan(calculation.base_fen)} yuan is not above the threshold ${formatYuan(calculation.threshold_fen)} yuan; reject the application instead`,
        );
      }
      const [other] = await rowsOf<{ application_id: string }>(tx, sql`
        select application_id from assistance_applications
        where psn_no = ${a.psn_no} and kind = ${a.kind} and approval_year = ${year} and state in ('approved', 'paid') and application_id <> ${a.application_id} limit 1`);
      if (other) throw onceAYear(a.psn_no, a.kind, year, other.application_id);
      await tx.execute(sql`
        update assistance_applications set state = ${next}, approval_year = ${year}, reviewed_by = ${by}, reviewed_at = ${at.toISOString()}::timestamptz,
          certified_difficulty = ${certified}, base_fen = ${calculation.base_fen}, amount_fen = ${calculation.amount_fen},
          setl_ids = ${JSON.stringify(calculation.setl_ids)}::jsonb, steps = ${JSON.stringify(calculation.steps)}::jsonb, updated_at = ${at.toISOString()}::timestamptz
        where application_id = ${a.application_id}`);
      const note =
        `${certified && !a.certified_difficulty ? "经办人认定家庭生活严重困难；" : ""}` +
        `按${today}已存结算重新测算：救助基数${formatYuan(calculation.base_fen)}元，批准救助金额${formatYuan(calculation.amount_fen)}元（${year}年度）`;
      await recordEvent(tx, a.application_id, at, by, "approve", a.state, next, note);
      return withEvents(tx, a.application_id);
    });
  } catch (error) {
    if (seen && isOnceAYearViolation(error)) throw onceAYear(seen.psn_no, seen.kind, year, null);
    throw error;
  }
}

export interface RejectInput {
  by: string;
  reason: string;
}

/** Rejects a submitted application, with the reason the person is told. */
export async function rejectApplication(services: Services, applicationId: string, input: RejectInput, clock: Clock = {}): Promise<ApplicationWithEvents> {
  const id = checkApplicationId(applicationId);
  const by = checkText(input.by, "by", 50);
  const reason = checkText(input.reason, "reason", 500);
  const at = clock.at ?? new Date();
  return services.db.transaction(async (tx) => {
    const a = await lockApplication(tx, id);
    const next = nextState(a, "reject");
    await tx.execute(sql`
      update assistance_applications set state = ${next}, reviewed_by = ${by}, reviewed_at = ${at.toISOString()}::timestamptz, reject_reason = ${reason},
        updated_at = ${at.toISOString()}::timestamptz
      where application_id = ${a.application_id}`);
    await recordEvent(tx, a.application_id, at, by, "reject", a.state, next, `驳回：${reason}`);
    return withEvents(tx, a.application_id);
  });
}

export interface PayResult {
  application: ApplicationWithEvents;
  transfer: Transfer;
}

/**
 * Pays an approved application: one ledger transfer of the approved amount from the fund of the person's insured region
 * to the person (fund:<fund_pay_type>:<admdvs> → person:<psn_no>, kind assistance), in the transaction that marks it paid.
 */
export interface PayInput {
  by: string;
  /** The amount the clerk saw and confirms (optional): a payment of anything else is refused. */
  amount_fen?: number | undefined;
}

export async function payApplication(services: Services, applicationId: string, input: PayInput, clock: Clock = {}): Promise<PayResult> {
  const id = checkApplicationId(applicationId);
  const by = checkText(input.by, "by", 50);
  const confirmed = input.amount_fen;
  if (confirmed !== undefined && (typeof confirmed !== "number" || !Number.isSafeInteger(confirmed) || confirmed < 0)) {
    throw new DomainError("amount", `must be an amount in yuan, got ${JSON.stringify(confirmed)}`);
  }
  const at = clock.at ?? new Date();
  return services.db.transaction(async (tx) => {
    const a = await lockApplication(tx, id);
    const next = nextState(a, "pay");
    invariant(a.amount_fen > 0, () => `approved application ${a.application_id} pays ${a.amount_fen} fen`);
    if (confirmed !== undefined && confirmed !== a.amount_fen) {
      throw new AssistanceConflict("amount", `application ${a.application_id} was approved for ${formatYuan(a.amount_fen)} yuan, not ${formatYuan(confirmed as Fen)}: pay what was approved`);
    }
    // The fund is the pool's, the region of the policy that granted it (a county's person is paid from the prefecture's).
    const pool = policyById(services, a.policy_id).admdvs;
    const transfer = await postAssistancePayment(tx, { application_id: a.application_id, psn_no: a.psn_no, admdvs: pool, fund_pay_type: a.fund_pay_type, amount_fen: a.amount_fen });
    await tx.execute(sql`
      update assistance_applications set state = ${next}, paid_by = ${by}, paid_at = ${at.toISOString()}::timestamptz, updated_at = ${at.toISOString()}::timestamptz
      where application_id = ${a.application_id}`);
    await recordEvent(tx, a.application_id, at, by, "pay", a.state, next, `支付${formatYuan(a.amount_fen)}元：${transfer.debit_account} → ${transfer.credit_account}`);
    return { application: await withEvents(tx, a.application_id), transfer };
  });
}

/** One application with its events. */
export async function applicationWithEvents(q: Queryable, applicationId: string): Promise<ApplicationWithEvents> {
  return withEvents(q, checkApplicationId(applicationId));
}
