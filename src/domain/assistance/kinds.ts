/**
 * Assistance on application (依申请救助) and secondary assistance (再救助): the kinds of application, their states, and
 * the doors an application comes in by. The names are the words the explanations and the console use.
 */

export const APPLICATION_KINDS = ["application", "secondary"] as const;
export type ApplicationKind = (typeof APPLICATION_KINDS)[number];
export const APPLICATION_KIND_NAMES: Record<ApplicationKind, string> = {
  application: "依申请救助",
  secondary: "再救助",
};

/** submitted → approved | rejected; approved → paid. Nothing leaves rejected or paid. */
export const APPLICATION_STATES = ["submitted", "approved", "rejected", "paid"] as const;
export type ApplicationState = (typeof APPLICATION_STATES)[number];
export const APPLICATION_STATE_NAMES: Record<ApplicationState, string> = {
  submitted: "已提交",
  approved: "已批准",
  rejected: "已驳回",
  paid: "已支付",
};

/** Who filed it: the person on the portal, or a clerk on their behalf at the console or on the command line. */
export const FILED_VIA = ["portal", "console", "cli"] as const;
export type FiledVia = (typeof FILED_VIA)[number];

export function isApplicationKind(value: unknown): value is ApplicationKind {
  return typeof value === "string" && (APPLICATION_KINDS as readonly string[]).includes(value);
}

export function isApplicationState(value: unknown): value is ApplicationState {
  return typeof value === "string" && (APPLICATION_STATES as readonly string[]).includes(value);
}
