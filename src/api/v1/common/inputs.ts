import { DomainError } from "../../../domain/errors.js";

/**
 * Runs a service with input from one part of the request, and names the fields of its refusals as the client sent them:
 * the service says "keep_enrollment_id", the client reads "body.keep_enrollment_id". `fixed` maps fields that came from
 * elsewhere ({ id: "params.id" }). The error's class is kept where it is a plain DomainError (a 400).
 */
export async function renameFields<T>(part: "body" | "query", run: () => Promise<T>, fixed: Record<string, string> = {}): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof DomainError && error.constructor === DomainError) {
      const field = fixed[error.field] ?? (error.field.startsWith(`${part}.`) ? error.field : `${part}.${error.field}`);
      throw new DomainError(field, error.rule);
    }
    throw error;
  }
}
