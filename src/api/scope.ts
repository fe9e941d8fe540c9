import { mayReadPerson, type Principal } from "../domain/identity/index.js";
import { regionCovers, regionName } from "../domain/reference/index.js";
import { forbidden } from "./errors.js";

/**
 * What a signed-in principal may see inside a route: the bureau's staff their region, a hospital its bills, a person
 * their own records. Handlers call these; the refusals are 403 with the field that asked for too much.
 */

/**
 * The region a query works in: the one asked for (it must lie inside the principal's), else the principal's own.
 * undefined for a national scope that asked for none (everything).
 */
export function regionOf(principal: Principal, asked: string | undefined, field: string): string | undefined {
  if (asked !== undefined) {
    if (!regionCovers(principal.admdvs, asked)) {
      throw forbidden(field, `${asked} (${regionName(asked)}) is outside your region ${principal.admdvs} (${regionName(principal.admdvs)})`);
    }
    return asked;
  }
  return principal.admdvs === "000000" ? undefined : principal.admdvs;
}

export function checkPerson(principal: Principal, person: { psn_no: string; insuplc_admdvs: string }, field: string): void {
  if (!mayReadPerson(principal, person)) {
    throw forbidden(
      field,
      principal.role === "insured"
        ? "an insured person sees only their own records"
        : `the person ${person.psn_no} is insured in ${person.insuplc_admdvs} (${regionName(person.insuplc_admdvs)}), outside your region ${principal.admdvs} (${regionName(principal.admdvs)})`,
    );
  }
}
