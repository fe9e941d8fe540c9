import { DomainError } from "../errors.js";

/**
 * The life of a warning: new → contacted → helped | not_eligible → closed. A clerk moves it by an action; the monitor
 * never does (a reversal that takes the person back under every threshold marks it below_threshold and leaves its state).
 * One shortcut: a warning that is below every threshold may be closed before anyone was helped — there is nobody left to
 * help — but only then.
 */

export const WARNING_STATES = ["new", "contacted", "helped", "not_eligible", "closed"] as const;
export type WarningState = (typeof WARNING_STATES)[number];

export const WARNING_STATE_NAMES: Record<WarningState, string> = {
  new: "新预警",
  contacted: "已联系",
  helped: "已帮扶",
  not_eligible: "经核实不符合救助条件",
  closed: "已办结",
};

export const WARNING_ACTIONS = ["contact", "help", "not_eligible", "close"] as const;
export type WarningAction = (typeof WARNING_ACTIONS)[number];

export const WARNING_ACTION_NAMES: Record<WarningAction, string> = {
  contact: "联系核实",
  help: "落实帮扶",
  not_eligible: "认定不符合救助条件",
  close: "办结",
};

/** What each action needs the warning to be in, and what it makes it. */
const TRANSITIONS: Record<WarningAction, { from: readonly WarningState[]; to: WarningState }> = {
  contact: { from: ["new"], to: "contacted" },
  help: { from: ["contacted"], to: "helped" },
  not_eligible: { from: ["contacted"], to: "not_eligible" },
  close: { from: ["helped", "not_eligible"], to: "closed" },
};

/** The states a below-threshold warning may also be closed from. */
const CLOSABLE_BELOW_THRESHOLD: readonly WarningState[] = ["new", "contacted"];

/** Longest note a clerk may write on an action. */
export const MAX_NOTE_LENGTH = 500;

/**
 * A refusal of an action the warning's state does not allow: the warning is as it was. Its code makes it a 409 on the
 * REST API (a conflict with the warning's present state, not a malformed request).
 */
export class WarningStateError extends DomainError {
  readonly code = "conflict";
}

export function isWarningState(value: unknown): value is WarningState {
  return typeof value === "string" && (WARNING_STATES as readonly string[]).includes(value);
}

export function parseWarningAction(value: unknown, field = "action"): WarningAction {
  if (typeof value === "string" && (WARNING_ACTIONS as readonly string[]).includes(value)) return value as WarningAction;
  throw new DomainError(field, `must be one of ${WARNING_ACTIONS.join(", ")}, got ${JSON.stringify(value)}`);
}

/** The states an action may be taken from, as the refusal and the API's document say them. */
export function allowedFrom(action: WarningAction): readonly WarningState[] {
  return TRANSITIONS[action].from;
}

/**
 * The state `action` moves a warning to, or a WarningStateError saying why not (the warning's id, its state, and what the
 * action needs), named by `field`.
 */
export function nextState(
  warning: { id: number; state: WarningState; below_threshold: boolean },
  action: WarningAction,
  field = "action",
): WarningState {
  const { from, to } = TRANSITIONS[action];
  if (from.includes(warning.state)) return to;
  if (action === "close" && warning.below_threshold && CLOSABLE_BELOW_THRESHOLD.includes(warning.state)) return to;
  const now = `warning ${warning.id} is ${warning.state} (${WARNING_STATE_NAMES[warning.state]})`;
  if (warning.state === "closed") throw new WarningStateError(field, `${now}: a closed warning takes no more actions`);
  const needs = from.map((s) => `${s} (${WARNING_STATE_NAMES[s]})`).join(" or ");
  const shortcut = action === "close" ? ", or new or contacted while below every threshold" : "";
  throw new WarningStateError(field, `${now}: ${action} (${WARNING_ACTION_NAMES[action]}) needs it ${needs}${shortcut}`);
}

/**
 * The clerk's note: trimmed, at most MAX_NOTE_LENGTH characters, and required where the action is a finding that needs
 * its reason (not_eligible: why the family does not qualify).
 */
export function checkNote(action: WarningAction, note: unknown, field = "note"): string | null {
  if (note !== undefined && note !== null && typeof note !== "string") throw new DomainError(field, "must be text");
  const text = typeof note === "string" ? note.trim() : "";
  if (text.length > MAX_NOTE_LENGTH) throw new DomainError(field, `is longer than ${MAX_NOTE_LENGTH} characters`);
  if (text === "" && action === "not_eligible") throw new DomainError(field, "is required for not_eligible: say why the family does not qualify");
  return text === "" ? null : text;
}

/** The actions a warning's state allows now (what the console offers). */
export function allowedActions(warning: { state: WarningState; below_threshold: boolean }): WarningAction[] {
  return WARNING_ACTIONS.filter((action) => {
    const { from } = TRANSITIONS[action];
    return from.includes(warning.state) || (action === "close" && warning.below_threshold && CLOSABLE_BELOW_THRESHOLD.includes(warning.state));
  });
}

/** Every event a warning records, by its action: the monitor's and the clerks'. */
export const WARNING_EVENT_NAMES: Record<string, string> = {
  raised: "触发预警",
  rechecked: "重新核算",
  below_threshold: "已低于全部预警线",
  above_threshold: "再次超过预警线",
  ...WARNING_ACTION_NAMES,
};
