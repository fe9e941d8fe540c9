import type { ListType } from "../codes.js";
import { DomainError } from "../errors.js";
import { withinValidity } from "../ids.js";

/**
 * 目录对照: a hospital's own item code (medins_list_codg, the national interface's fixmedins_hilist_id) matched to the
 * national code (med_list_codg) of its region's catalogue, over [begndate, enddate]. Pure rules: which list types there
 * are, how a new matching takes the place of older ones, and which national code a fee line's hospital code stands for.
 */

/** 目录类别 (list_type) of the national dictionary, and the kind of the catalogue each is. */
export const NATIONAL_LIST_TYPES: Readonly<Record<string, { name: string; kind: ListType }>> = {
  "101": { name: "西药中成药", kind: "drug" },
  "102": { name: "中药饮片", kind: "drug" },
  "103": { name: "自制剂", kind: "drug" },
  "104": { name: "民族药", kind: "drug" },
  "201": { name: "医疗服务项目", kind: "service" },
  "301": { name: "医用耗材", kind: "material" },
};

const KIND_NAMES: Record<ListType, string> = { drug: "药品", service: "医疗服务项目", material: "医用耗材" };

/** The catalogue kind a list_type names: a national code (101 …), or the catalogue's own word (drug, service, material). */
export function listTypeKind(listType: string, field: string): ListType {
  const national = NATIONAL_LIST_TYPES[listType];
  if (national) return national.kind;
  if (listType === "drug" || listType === "service" || listType === "material") return listType;
  throw new DomainError(field, `目录类别 ${listType} 不存在 / must be a national list type (${Object.entries(NATIONAL_LIST_TYPES).map(([c, t]) => `${c} ${t.name}`).join(", ")})`);
}

export function listKindName(kind: ListType): string {
  return KIND_NAMES[kind];
}

/** A matching as stored, in force (status active). */
export interface LiveMatching {
  id: number;
  medins_list_codg: string;
  med_list_codg: string;
  begndate: string;
  enddate: string | null;
}

/** What a new matching from `begndate` does to the live ones of the same hospital code. */
export interface MatchingPlan {
  /** Live matchings that begin on or after the new one: replaced whole (ended, kept as history). */
  replace: number[];
  /** Live matchings that begin before and run into the new one: they end the day before it begins. */
  endBefore: { id: number; enddate: string }[];
}

export function dayBefore(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/**
 * A re-upload replaces: an older matching that started before the new one keeps its earlier days (fees of those days
 * still find it) and ends the day before; one starting on or after the new one's first day is replaced whole.
 */
export function planMatching(live: readonly LiveMatching[], begndate: string): MatchingPlan {
  const plan: MatchingPlan = { replace: [], endBefore: [] };
  for (const m of live) {
    if (m.begndate >= begndate) plan.replace.push(m.id);
    else if (m.enddate === null || m.enddate >= begndate) plan.endBefore.push({ id: m.id, enddate: dayBefore(begndate) });
  }
  return plan;
}

/** The same matching as one in force (an upload of it again changes nothing). */
export function sameMatching(a: { med_list_codg: string; begndate: string; enddate: string | null; list_type: string; medins_list_name: string }, b: typeof a): boolean {
  return a.med_list_codg === b.med_list_codg && a.begndate === b.begndate && a.enddate === b.enddate && a.list_type === b.list_type && a.medins_list_name === b.medins_list_name;
}

/** The matching of a hospital code valid on a date, among its live ones. */
export function matchingOn(live: readonly LiveMatching[] | undefined, date: string): LiveMatching | undefined {
  return live?.find((m) => withinValidity(date, m.begndate, m.enddate));
}

/** One fee line as the resolution sees it: its index in the upload, its codes and the day the fee arose. */
export interface CodedLine {
  med_list_codg: string | null;
  medins_list_codg: string | null;
  date: string;
}

export interface UnmatchedLine {
  index: number;
  medins_list_codg: string;
  /** Why, in words (Chinese first). */
  reason: string;
}

export interface Resolution {
  /** The national code of every line, in order, where all resolved. */
  codes: string[];
  /** Lines whose hospital code has no matching valid on the fee's day (and that carry no national code). */
  unmatched: UnmatchedLine[];
  /** Lines carrying both codes whose national code is not the one the matching of the day gives. */
  disagreeing: { index: number; medins_list_codg: string; sent: string; matched: string; begndate: string }[];
}

/**
 * The national code of each line: as sent where the line carries one (checked against the matching of the day where
 * the hospital code has one), else the one the matching of the hospital code valid on the fee's day gives.
 */
export function resolveLines(lines: readonly CodedLine[], matchings: ReadonlyMap<string, readonly LiveMatching[]>): Resolution {
  const out: Resolution = { codes: [], unmatched: [], disagreeing: [] };
  lines.forEach((l, index) => {
    const matched = l.medins_list_codg === null ? undefined : matchingOn(matchings.get(l.medins_list_codg), l.date);
    if (l.med_list_codg !== null) {
      if (matched && l.medins_list_codg !== null && matched.med_list_codg !== l.med_list_codg) {
        out.disagreeing.push({ index, medins_list_codg: l.medins_list_codg, sent: l.med_list_codg, matched: matched.med_list_codg, begndate: matched.begndate });
      }
      out.codes.push(l.med_list_codg);
      return;
    }
    if (l.medins_list_codg === null) throw new DomainError(`feedetail[${index}].med_list_codg`, "须填医疗目录编码或院内项目编码 / is required, or the hospital's own code medins_list_codg");
    if (!matched) {
      const any = matchings.get(l.medins_list_codg);
      out.unmatched.push({
        index,
        medins_list_codg: l.medins_list_codg,
        reason: any && any.length > 0
          ? `院内项目编码 ${l.medins_list_codg} 在 ${l.date} 无有效的目录对照 / has no matching valid on ${l.date} (its matchings: ${any.map((m) => `${m.begndate}–${m.enddate ?? ""}`).join(", ")})`
          : `院内项目编码 ${l.medins_list_codg} 未做目录对照（3301）/ is not matched to a national code: upload the matching with 3301`,
      });
      out.codes.push("");
      return;
    }
    out.codes.push(matched.med_list_codg);
  });
  return out;
}
