import { criteriaInWords, type Evaluation } from "./evaluate.js";

/**
 * What one check does with its evaluation, given the person's open warning (at most one: the warnings_open index) and
 * their latest closed one. Pure, so that the hook after a settlement, the hook after a reversal and the scan decide alike.
 *
 * - nothing open, some threshold holds: raise a warning — unless the latest closed warning already held every settlement
 *   behind these figures (a clerk closed it; the same spending does not warn twice, new spending does);
 * - open and the figures changed: rechecked; when that takes the person under every threshold, below_threshold (the
 *   warning stays, in its state, and says so); when a later check finds a threshold holding again, above_threshold;
 * - open and the figures are those stored: unchanged (only the window's dates and checked_at move).
 */

export type CheckCause =
  | { kind: "settlement"; setl_id: string }
  | { kind: "reversal"; setl_id: string }
  | { kind: "scan"; year: number };

export interface StoredWarning {
  id: number;
  below_threshold: boolean;
  explanation: string;
  setl_ids: readonly string[];
  policy_id: string;
}

export interface CheckResult {
  evaluation: Evaluation;
  /** The settlements behind the figures: those in force in the window that left the person something to pay. */
  setl_ids: readonly string[];
  policy_id: string;
}

export type Decision = "none" | "raise" | "recheck" | "below_threshold" | "above_threshold" | "unchanged";

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export function decide(open: StoredWarning | null, lastClosed: { setl_ids: readonly string[] } | null, check: CheckResult): Decision {
  const holds = check.evaluation.criteria.length > 0;
  if (open === null) {
    if (!holds) return "none";
    if (lastClosed !== null) {
      const handled = new Set(lastClosed.setl_ids);
      if (check.setl_ids.every((id) => handled.has(id))) return "none";
    }
    return "raise";
  }
  const changed = open.explanation !== check.evaluation.explanation || open.policy_id !== check.policy_id || !sameList(open.setl_ids, check.setl_ids);
  if (!changed) return "unchanged";
  if (!holds && !open.below_threshold) return "below_threshold";
  if (holds && open.below_threshold) return "above_threshold";
  return "recheck";
}

function causeInWords(cause: CheckCause): string {
  switch (cause.kind) {
    case "settlement":
      return `结算 ${cause.setl_id} 后`;
    case "reversal":
      return `撤销结算 ${cause.setl_id} 后`;
    case "scan":
      return `${cause.year}年度预警扫描`;
  }
}

/** The monitor's event note: what triggered the check, what it found, and the figures in words. */
export function checkEventNote(decision: Exclude<Decision, "none" | "unchanged">, cause: CheckCause, evaluation: Evaluation): string {
  const when = causeInWords(cause);
  switch (decision) {
    case "raise":
      return `${when}触发预警（${criteriaInWords(evaluation.criteria)}）：${evaluation.explanation}`;
    case "recheck":
      return `${when}重新核算（${criteriaInWords(evaluation.criteria)}）：${evaluation.explanation}`;
    case "below_threshold":
      return `${when}已低于全部预警线，预警保留、状态不变：${evaluation.explanation}`;
    case "above_threshold":
      return `${when}再次超过预警线（${criteriaInWords(evaluation.criteria)}）：${evaluation.explanation}`;
  }
}
