import { DomainError } from "../errors.js";
import { APPLICATION_KIND_NAMES, type ApplicationKind, type ApplicationState } from "./kinds.js";

/**
 * The life of an application: submitted → approved | rejected (with a reason); approved → paid. Every other move is
 * refused with what the application is now, who put it there and when, so that a clerk who approves or pays a second
 * time learns why nothing happened. The refusals are conflicts (409 on the API) or, for an unknown application, not
 * found (404); the command line shows either with exit status 2, as any refusal.
 */

export type ApplicationAction = "approve" | "reject" | "pay";

/** A refusal because of the state of things (approving twice, a second approval in a year): nothing was changed. */
export class AssistanceConflict extends DomainError {
  readonly code = "conflict";
}

/** No such application. */
export class AssistanceNotFound extends DomainError {
  readonly code = "not_found";
}

export interface ApplicationStatus {
  application_id: string;
  state: ApplicationState;
  reviewed_by: string | null;
  reviewed_at: string | null;
  paid_by: string | null;
  paid_at: string | null;
}

const when = (by: string | null, at: string | null) => `${by ?? "?"}${at ? `, ${at.slice(0, 10)}` : ""}`;

/** The state an action leads to, or the refusal naming why not. */
export function nextState(a: ApplicationStatus, action: ApplicationAction): ApplicationState {
  const id = `application ${a.application_id}`;
  const refuse = (rule: string): never => {
    throw new AssistanceConflict("application_id", `${id} ${rule}`);
  };
  switch (action) {
    case "approve":
      if (a.state === "submitted") return "approved";
      if (a.state === "approved") return refuse(`is already approved (${when(a.reviewed_by, a.reviewed_at)}): approving twice is refused`);
      if (a.state === "paid") return refuse(`is already approved and paid (${when(a.paid_by, a.paid_at)}): approving twice is refused`);
      return refuse(`was rejected (${when(a.reviewed_by, a.reviewed_at)}): a rejected application is not approved; file a new one`);
    case "reject":
      if (a.state === "submitted") return "rejected";
      if (a.state === "rejected") return refuse(`is already rejected (${when(a.reviewed_by, a.reviewed_at)})`);
      if (a.state === "approved") return refuse(`is approved (${when(a.reviewed_by, a.reviewed_at)}): an approved application is paid, not rejected`);
      return refuse(`is paid (${when(a.paid_by, a.paid_at)}): a paid application is not rejected`);
    case "pay":
      if (a.state === "approved") return "paid";
      if (a.state === "paid") return refuse(`is already paid (${when(a.paid_by, a.paid_at)}): paying twice is refused`);
      if (a.state === "submitted") return refuse("is not approved yet: approve it before paying");
      return refuse(`was rejected (${when(a.reviewed_by, a.reviewed_at)}): there is nothing to pay`);
  }
}

/** The refusal of a second approval of a kind for a person in one calendar year (the once-a-year rule). */
export function onceAYear(psnNo: string, kind: ApplicationKind, year: number, other: string | null): AssistanceConflict {
  return new AssistanceConflict(
    "psn_no",
    `${psnNo} already has ${kind === "application" ? "application-based" : "secondary"} assistance (${APPLICATION_KIND_NAMES[kind]}) approved in ${year}` +
      `${other ? ` (application ${other})` : ""}: it is granted once per person per calendar year of approval`,
  );
}
