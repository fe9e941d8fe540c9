import { regionCovers } from "../reference/index.js";

/**
 * Who may do what (pure). Five roles: the bureau's administrator, clerk and auditor work inside their region; a
 * hospital operator sees its own hospital's bills; an insured person sees their own records. Every check is a function
 * of the principal and the thing asked for, so the API, the portal and later capabilities share one rule book.
 */

export const ROLES = ["admin", "clerk", "auditor", "hospital", "insured"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Record<Role, { zh: string; en: string }> = {
  admin: { zh: "医保局管理员", en: "Bureau administrator" },
  clerk: { zh: "经办人员", en: "Clerk" },
  auditor: { zh: "稽核人员", en: "Auditor" },
  hospital: { zh: "定点医疗机构操作员", en: "Hospital operator" },
  insured: { zh: "参保人", en: "Insured person" },
};

export interface Principal {
  user_id: number;
  username: string;
  display_name: string;
  role: Role;
  /** The region the user works in (a prefecture covers its counties). */
  admdvs: string;
  fixmedins_code: string | null;
  psn_no: string | null;
}

/**
 * What a route asks for. `read` and `write` are the bureau's registers (persons, enrollments, rosters, duplicates,
 * statistics): staff read them, clerks and administrators change them. `settlements` are readable by staff, by a
 * hospital (its own) and by the insured (their own); `self` is the insured person's portal; `audit` is the sign-in
 * log and the list of users; `manage` (administrators) adds, unlocks and disables users.
 */
export type Access = "read" | "write" | "settlements" | "self" | "audit" | "manage";

const ALLOWED: Record<Access, readonly Role[]> = {
  read: ["admin", "clerk", "auditor"],
  write: ["admin", "clerk"],
  settlements: ["admin", "clerk", "auditor", "hospital", "insured"],
  self: ["insured"],
  audit: ["admin", "auditor"],
  manage: ["admin"],
};

export function mayAccess(principal: Principal, access: Access): boolean {
  return ALLOWED[access].includes(principal.role);
}

export function rolesFor(access: Access): readonly Role[] {
  return ALLOWED[access];
}

/** Whether the principal may see a person whose insured region is `admdvs` (and whose number is `psnNo`). */
export function mayReadPerson(principal: Principal, person: { psn_no: string; insuplc_admdvs: string }): boolean {
  if (principal.role === "insured") return principal.psn_no === person.psn_no;
  if (principal.role === "hospital") return false;
  return regionCovers(principal.admdvs, person.insuplc_admdvs);
}

/**
 * The settlements a principal sees, as a filter (the list form of mayReadSettlement): the insured their own, a
 * hospital its own, staff those insured or treated in their region (a national scope: all).
 */
export function settlementFilter(principal: Principal): { psn_no?: string; fixmedins_code?: string; region?: string } {
  // A hospital or person account without its binding sees nothing rather than everything.
  if (principal.role === "insured") return { psn_no: principal.psn_no ?? "\u0000" };
  if (principal.role === "hospital") return { fixmedins_code: principal.fixmedins_code ?? "\u0000" };
  return principal.admdvs === "000000" ? {} : { region: principal.admdvs };
}

/**
 * Whether the principal may see a settlement: staff of the insured region or of the treating region (a cross-region
 * bill concerns both bureaus), the hospital that sent it, the person it is for.
 */
export function mayReadSettlement(
  principal: Principal,
  s: { psn_no: string; fixmedins_code: string; insuplc_admdvs: string; mdtrtarea_admvs: string },
): boolean {
  switch (principal.role) {
    case "insured":
      return principal.psn_no === s.psn_no;
    case "hospital":
      return principal.fixmedins_code === s.fixmedins_code;
    default:
      return regionCovers(principal.admdvs, s.insuplc_admdvs) || regionCovers(principal.admdvs, s.mdtrtarea_admvs);
  }
}
