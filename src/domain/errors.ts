/**
 * A refusal of bad input: names the field (a path such as `feedetail[2].pric`) and the rule it broke.
 * Every layer turns it into its own error shape (exit 2 on the CLI, infcode -1 on the HIS interface).
 */
export class DomainError extends Error {
  readonly field: string;
  readonly rule: string;
  constructor(field: string, rule: string) {
    super(`${field}: ${rule}`);
    this.name = "DomainError";
    this.field = field;
    this.rule = rule;
  }
}

/** A broken invariant: a bug, never the user's fault. */
export class InvariantError extends Error {
  constructor(message: string) {
    super(`invariant broken: ${message}`);
    this.name = "InvariantError";
  }
}

export function invariant(condition: boolean, message: string | (() => string)): asserts condition {
  if (!condition) throw new InvariantError(typeof message === "string" ? message : message());
}
