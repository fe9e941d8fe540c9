import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { ListType } from "../../domain/codes.js";
import { DomainError } from "../../domain/errors.js";
import {
  type CodedLine, listKindName, listTypeKind, type LiveMatching, NATIONAL_LIST_TYPES, planMatching, resolveLines, sameMatching,
} from "../../domain/reference/index.js";
import type { Database, Queryable } from "../../store/db.js";
import { catalogueEntries, catalogueMatches, fixmedins, unmatchedCodes } from "../../store/schema.js";
import { nowText } from "../common/ids.js";
import { inRegion } from "../common/region.js";
import { rowsOf } from "../common/sql.js";

/**
 * 目录对照 (catalogue matching) of a hospital: upload (3301, a clerk's file), cancel (3302), the list (1317, the
 * console), and the resolution of fee lines that carry only the hospital's own code (2204/2301).
 */

export type MatchingRow = typeof catalogueMatches.$inferSelect;

/** One matching to record, as 3301 sends it (fixmedins_hilist_id → medins_list_codg). */
export interface MatchingInput {
  medins_list_codg: string;
  medins_list_name: string;
  list_type: string;
  med_list_codg: string;
  begndate: string;
  enddate: string | null;
  /** The other fields as sent (aprvno, dosform, spec …). */
  info: Record<string, unknown>;
}

export type MatchingOutcome = "inserted" | "updated" | "unchanged";

/** A hospital code the hospital sent that found no matching, and why: kept in unmatched_codes. */
export interface UnmatchedEntry {
  medins_list_codg: string;
  medins_list_name?: string | null;
  reason: string;
  source: string;
}

/**
 * A refusal naming hospital codes without a matching: the message is refused (nothing changes), and the codes are then
 * noted for the hospital (recordUnmatched), outside the transaction that rolled back.
 */
export class UnmatchedCodes extends DomainError {
  constructor(
    readonly fixmedins_code: string,
    readonly entries: UnmatchedEntry[],
    field: string,
    rule: string,
  ) {
    super(field, rule);
    this.name = "UnmatchedCodes";
  }
}

/**
 * What of the Services this module uses (the per-process cache): named here, since common/context.ts reads the shipped
 * policies from this capability and an import of it would close a circle.
 */
export interface MatchingCache {
  cached<T>(key: string, ttlMs: number, load: () => Promise<T | undefined>): Promise<T | undefined>;
  /** Forgets in this process at once and, with several server processes, in every one when `q` commits. */
  forget(key: string, q?: Queryable): Promise<void>;
}
type Services = MatchingCache;

const liveFlagKey = (code: string) => `matching:any:${code}`;

async function hospitalOf(q: Queryable, code: string, field: string) {
  const [row] = await q.select().from(fixmedins).where(eq(fixmedins.fixmedins_code, code)).limit(1);
  if (!row) throw new DomainError(field, `${code} 不是定点医药机构 / is not a designated medical institution of Yibao`);
  return row;
}

/** The live matchings of some of a hospital's codes, in one query, by code. */
export async function liveMatchingsOf(q: Queryable, fixmedinsCode: string, codes: readonly string[]): Promise<Map<string, LiveMatching[]>> {
  const out = new Map<string, LiveMatching[]>();
  if (codes.length === 0) return out;
  const rows = await q
    .select({ id: catalogueMatches.id, medins_list_codg: catalogueMatches.medins_list_codg, med_list_codg: catalogueMatches.med_list_codg, begndate: catalogueMatches.begndate, enddate: catalogueMatches.enddate })
    .from(catalogueMatches)
    .where(and(eq(catalogueMatches.fixmedins_code, fixmedinsCode), eq(catalogueMatches.status, "active"), inArray(catalogueMatches.medins_list_codg, [...new Set(codes)])));
  for (const r of rows) {
    const list = out.get(r.medins_list_codg);
    if (list) list.push(r);
    else out.set(r.medins_list_codg, [r]);
  }
  return out;
}

/**
 * Checks matchings against the hospital's region's catalogue (one query for all of them): the national code must be in
 * it on some day of the matching, of the kind the list type names. Answers one problem (or null) per row.
 */
export async function checkMatchings(
  q: Queryable,
  admdvs: string,
  rows: readonly MatchingInput[],
): Promise<({ field: string; reason: string } | null)[]> {
  const codes = [...new Set(rows.map((r) => r.med_list_codg))];
  const entries = codes.length === 0
    ? []
    : await q
        .select({ med_list_codg: catalogueEntries.med_list_codg, med_list_name: catalogueEntries.med_list_name, list_type: catalogueEntries.list_type, begndate: catalogueEntries.begndate, enddate: catalogueEntries.enddate })
        .from(catalogueEntries)
        .where(and(eq(catalogueEntries.admdvs, admdvs), inArray(catalogueEntries.med_list_codg, codes)));
  const byCode = new Map<string, typeof entries>();
  for (const e of entries) byCode.set(e.med_list_codg, [...(byCode.get(e.med_list_codg) ?? []), e]);
  const seen = new Set<string>();
  return rows.map((r) => {
    const key = `${r.medins_list_codg}\u0000${r.begndate}`;
    if (seen.has(key)) return { field: "fixmedins_hilist_id", reason: `院内项目编码 ${r.medins_list_codg} 自 ${r.begndate} 的对照在本批中重复 / is matched twice from ${r.begndate} in one upload` };
    seen.add(key);
    if (r.enddate !== null && r.enddate < r.begndate) return { field: "enddate", reason: "结束日期早于开始日期 / must not be before begndate" };
    let kind: ListType;
    try {
      kind = listTypeKind(r.list_type, "list_type");
    } catch (error) {
      if (error instanceof DomainError) return { field: "list_type", reason: error.rule };
      throw error;
    }
    const found = byCode.get(r.med_list_codg) ?? [];
    if (found.length === 0) return { field: "med_list_codg", reason: `医疗目录编码 ${r.med_list_codg} 不在 ${admdvs} 的医保目录中 / is not in the catalogue of ${admdvs}` };
    const overlapping = found.filter((e) => e.begndate <= (r.enddate ?? "9999-12-31") && (e.enddate === null || e.enddate >= r.begndate));
    if (overlapping.length === 0) {
      return {
        field: "med_list_codg",
        reason: `医疗目录编码 ${r.med_list_codg} 在 ${r.begndate}–${r.enddate ?? ""} 期间不在 ${admdvs} 的医保目录中 / is in the catalogue of ${admdvs} only ${found.map((e) => `${e.begndate}–${e.enddate ?? ""}`).join(", ")}`,
      };
    }
    const entry = overlapping[0] as (typeof overlapping)[number];
    if (entry.list_type !== kind) {
      const typeName = NATIONAL_LIST_TYPES[r.list_type]?.name ?? r.list_type;
      return {
        field: "list_type",
        reason: `${r.med_list_codg}（${entry.med_list_name}）在目录中是${listKindName(entry.list_type as ListType)}，不是目录类别 ${r.list_type}（${typeName}）/ is a ${entry.list_type} of the catalogue, not list type ${r.list_type}`,
      };
    }
    return null;
  });
}

/**
 * Records checked matchings of one hospital (checkMatchings first). A matching already in force, identical, is left
 * alone; a new one takes the place of the live ones of its code from its first day (planMatching), which end as history.
 */
export async function applyMatchings(
  services: Services,
  q: Queryable,
  fixmedinsCode: string,
  admdvs: string,
  rows: readonly MatchingInput[],
  how: { source: string; opter: string | null },
): Promise<{ id: number; outcome: MatchingOutcome }[]> {
  const live = await liveMatchingsOf(q, fixmedinsCode, rows.map((r) => r.medins_list_codg));
  const liveRows = new Map<number, MatchingRow>();
  const ids = [...live.values()].flat().map((m) => m.id);
  if (ids.length > 0) for (const r of await q.select().from(catalogueMatches).where(inArray(catalogueMatches.id, ids))) liveRows.set(r.id, r);
  const now = nowText();
  const out: { id: number; outcome: MatchingOutcome }[] = [];
  for (const r of rows) {
    const current = live.get(r.medins_list_codg) ?? [];
    const same = current.map((m) => liveRows.get(m.id)).find((m) => m !== undefined && sameMatching(m, r));
    if (same) {
      out.push({ id: same.id, outcome: "unchanged" });
      continue;
    }
    const plan = planMatching(current, r.begndate);
    if (plan.replace.length > 0) {
      await q
        .update(catalogueMatches)
        .set({ status: "replaced", updt_time: now, ended_reason: `由 ${r.begndate} 起的新对照取代 / replaced by the matching from ${r.begndate} (${how.source})` })
        .where(inArray(catalogueMatches.id, plan.replace));
    }
    for (const end of plan.endBefore) {
      await q
        .update(catalogueMatches)
        .set({ enddate: end.enddate, updt_time: now, ended_reason: `至 ${end.enddate} 止，其后由新对照取代 / ends ${end.enddate}: a new matching from ${r.begndate} (${how.source})` })
        .where(eq(catalogueMatches.id, end.id));
    }
    const [row] = await q
      .insert(catalogueMatches)
      .values({
        fixmedins_code: fixmedinsCode, medins_list_codg: r.medins_list_codg, medins_list_name: r.medins_list_name, list_type: r.list_type,
        med_list_codg: r.med_list_codg, admdvs, begndate: r.begndate, enddate: r.enddate, info: r.info, source: how.source, opter: how.opter, updt_time: now,
      })
      .returning({ id: catalogueMatches.id });
    if (!row) throw new Error("insert returned nothing");
    const fresh: LiveMatching = { id: row.id, medins_list_codg: r.medins_list_codg, med_list_codg: r.med_list_codg, begndate: r.begndate, enddate: r.enddate };
    const kept = current
      .filter((m) => !plan.replace.includes(m.id))
      .map((m) => ({ ...m, enddate: plan.endBefore.find((e) => e.id === m.id)?.enddate ?? m.enddate }));
    live.set(r.medins_list_codg, [...kept, fresh]);
    out.push({ id: row.id, outcome: current.length > 0 ? "updated" : "inserted" });
  }
  const matched = [...new Set(rows.map((r) => r.medins_list_codg))];
  if (matched.length > 0) {
    await q
      .update(unmatchedCodes)
      .set({ resolved_at: sql`now()` })
      .where(and(eq(unmatchedCodes.fixmedins_code, fixmedinsCode), inArray(unmatchedCodes.medins_list_codg, matched), sql`${unmatchedCodes.resolved_at} is null`));
  }
  await services.forget(liveFlagKey(fixmedinsCode), q);
  return out;
}

/**
 * 3301: matchings of the hospital, all or none. A national code outside the region's catalogue (or of another kind
 * than the list type) refuses the upload naming the row; its hospital code is noted as unmatched.
 */
export async function uploadMatchings(
  services: Services,
  q: Queryable,
  fixmedinsCode: string,
  rows: readonly MatchingInput[],
  how: { source: string; opter: string | null; at: (index: number) => string },
): Promise<{ id: number; outcome: MatchingOutcome }[]> {
  const hospital = await hospitalOf(q, fixmedinsCode, "fixmedins_code");
  const problems = await checkMatchings(q, hospital.admdvs, rows);
  const bad = problems.flatMap((p, i) => (p ? [{ i, p }] : []));
  if (bad.length > 0) {
    const first = bad[0] as (typeof bad)[number];
    // A code matched already stays matched: only codes without a matching in force are noted as unmatched.
    const live = await liveMatchingsOf(q, fixmedinsCode, bad.map(({ i }) => (rows[i] as MatchingInput).medins_list_codg));
    throw new UnmatchedCodes(
      fixmedinsCode,
      bad.filter(({ i }) => !live.has((rows[i] as MatchingInput).medins_list_codg))
        .map(({ i, p }) => ({ medins_list_codg: (rows[i] as MatchingInput).medins_list_codg, medins_list_name: (rows[i] as MatchingInput).medins_list_name, reason: p.reason, source: how.source })),
      `${how.at(first.i)}.${first.p.field}`,
      bad.length === 1 ? first.p.reason : `${first.p.reason}（另有 ${bad.length - 1} 条被拒绝 / and ${bad.length - 1} more refused: ${bad.slice(1, 6).map(({ i, p }) => `${how.at(i)}.${p.field}`).join(", ")}${bad.length > 6 ? " …" : ""}）`,
    );
  }
  return applyMatchings(services, q, fixmedinsCode, hospital.admdvs, rows, how);
}

/**
 * 3302: cancels the live matching(s) of a hospital code (to the national code named, where one is). The code is then
 * unmatched: fee lines carrying only it are refused until a new matching.
 */
export async function cancelMatching(
  services: Services,
  q: Queryable,
  fixmedinsCode: string,
  which: { medins_list_codg: string; med_list_codg?: string | undefined; list_type?: string | undefined },
  how: { source: string; field: string },
): Promise<number> {
  const conditions: SQL[] = [
    eq(catalogueMatches.fixmedins_code, fixmedinsCode), eq(catalogueMatches.medins_list_codg, which.medins_list_codg), eq(catalogueMatches.status, "active"),
  ];
  const live = await q.select().from(catalogueMatches).where(and(...conditions));
  if (live.length === 0) throw new DomainError(`${how.field}.fixmedins_hilist_id`, `院内项目编码 ${which.medins_list_codg} 没有有效的目录对照 / has no matching in force to cancel`);
  const target = which.med_list_codg === undefined ? live : live.filter((m) => m.med_list_codg === which.med_list_codg);
  if (target.length === 0) {
    throw new DomainError(`${how.field}.med_list_codg`, `院内项目编码 ${which.medins_list_codg} 对照的是 ${live.map((m) => m.med_list_codg).join(", ")}，不是 ${which.med_list_codg} / is matched to ${live.map((m) => m.med_list_codg).join(", ")}`);
  }
  if (which.list_type !== undefined && target.some((m) => m.list_type !== which.list_type)) {
    throw new DomainError(`${how.field}.list_type`, `院内项目编码 ${which.medins_list_codg} 的对照目录类别是 ${target.map((m) => m.list_type).join(", ")} / is matched under list type ${target.map((m) => m.list_type).join(", ")}`);
  }
  const now = nowText();
  await q
    .update(catalogueMatches)
    .set({ status: "cancelled", updt_time: now, ended_reason: `对照已撤销 / cancelled (${how.source})` })
    .where(inArray(catalogueMatches.id, target.map((m) => m.id)));
  if (target.length === live.length) {
    await noteUnmatched(q, fixmedinsCode, [{
      medins_list_codg: which.medins_list_codg, medins_list_name: target[0]?.medins_list_name ?? null, reason: "目录对照已撤销，尚未重新对照 / the matching was cancelled and not replaced", source: how.source,
    }]);
  }
  await services.forget(liveFlagKey(fixmedinsCode), q);
  return target.length;
}

async function noteUnmatched(q: Queryable, fixmedinsCode: string, entries: readonly UnmatchedEntry[]): Promise<void> {
  const byCode = new Map<string, UnmatchedEntry>();
  for (const e of entries) if (!byCode.has(e.medins_list_codg)) byCode.set(e.medins_list_codg, e);
  if (byCode.size === 0) return;
  await q
    .insert(unmatchedCodes)
    .values([...byCode.values()].map((e) => ({ fixmedins_code: fixmedinsCode, medins_list_codg: e.medins_list_codg, medins_list_name: e.medins_list_name ?? null, reason: e.reason, source: e.source })))
    .onConflictDoUpdate({
      target: [unmatchedCodes.fixmedins_code, unmatchedCodes.medins_list_codg],
      set: {
        reason: sql`excluded.reason`, source: sql`excluded.source`, times: sql`${unmatchedCodes.times} + 1`, last_seen: sql`now()`, resolved_at: sql`null`,
        medins_list_name: sql`coalesce(excluded.medins_list_name, ${unmatchedCodes.medins_list_name})`,
      },
    });
}

/** Notes the codes of a refusal (UnmatchedCodes), after its transaction rolled back. */
export async function recordUnmatched(database: Database, error: UnmatchedCodes): Promise<void> {
  await noteUnmatched(database.db, error.fixmedins_code, error.entries);
}

/**
 * The national code of each fee line. A line that carries med_list_codg keeps it; a line that carries only the hospital
 * code gets the national one from the matching valid on the fee's day. All of a batch's hospital codes are read in one
 * query, and none at all when every line carries a national code and the hospital has no matching in force (a flag
 * cached per hospital): where it has, a line whose national code disagrees with the matching of its day is refused.
 */
export async function resolveFeeCodes(services: Services, q: Queryable, fixmedinsCode: string, lines: readonly CodedLine[], source: string): Promise<string[]> {
  const needed = lines.some((l) => l.med_list_codg === null);
  if (!needed) {
    const any = await services.cached(liveFlagKey(fixmedinsCode), 60_000, async () => {
      const [row] = await q
        .select({ id: catalogueMatches.id })
        .from(catalogueMatches)
        .where(and(eq(catalogueMatches.fixmedins_code, fixmedinsCode), eq(catalogueMatches.status, "active")))
        .limit(1);
      return row !== undefined;
    });
    if (!any) return lines.map((l) => l.med_list_codg as string);
  }
  const codes = lines.flatMap((l) => (l.medins_list_codg === null ? [] : [l.medins_list_codg]));
  const resolution = resolveLines(lines, await liveMatchingsOf(q, fixmedinsCode, codes));
  if (resolution.unmatched.length > 0) {
    const first = resolution.unmatched[0] as (typeof resolution.unmatched)[number];
    const n = resolution.unmatched.length;
    throw new UnmatchedCodes(
      fixmedinsCode,
      resolution.unmatched.map((u) => ({ medins_list_codg: u.medins_list_codg, reason: u.reason, source })),
      `feedetail[${first.index}].medins_list_codg`,
      n === 1
        ? first.reason
        : `${n} 行的院内项目编码未对照，上传被拒绝 / ${n} lines have hospital codes without a matching: ` +
            resolution.unmatched.slice(0, 10).map((u) => `feedetail[${u.index}] ${u.medins_list_codg}`).join("; ") + (n > 10 ? " …" : "") + `. ${first.reason}`,
    );
  }
  const wrong = resolution.disagreeing[0];
  if (wrong) {
    throw new DomainError(
      `feedetail[${wrong.index}].med_list_codg`,
      `${wrong.sent} 与院内项目编码 ${wrong.medins_list_codg} 的目录对照（自 ${wrong.begndate} 起对照 ${wrong.matched}）不符 / disagrees with the matching of ${wrong.medins_list_codg} (to ${wrong.matched} from ${wrong.begndate})` +
        (resolution.disagreeing.length > 1 ? `; ${resolution.disagreeing.length - 1} more: ${resolution.disagreeing.slice(1, 6).map((d) => `feedetail[${d.index}]`).join(", ")}` : ""),
    );
  }
  return resolution.codes;
}

// ---- reading -------------------------------------------------------------------------------------------------------

export interface MatchingFilter {
  medins_list_codg?: string | undefined;
  medins_list_name?: string | undefined;
  med_list_codg?: string | undefined;
  list_type?: string | undefined;
  /** "1" in force, "0" ended (cancelled or replaced); absent: both. */
  vali_flag?: "0" | "1" | undefined;
  /** Rows changed at or after this time (yyyy-MM-dd HH:mm:ss). */
  updt_time?: string | undefined;
  /** A code or a name, in part (the console's search). */
  search?: string | undefined;
}

/** A hospital's matchings, oldest change first (a HIS pages through the changes since its last copy), paged. */
export async function matchingPage(
  q: Queryable,
  fixmedinsCode: string,
  filter: MatchingFilter,
  page: { page_num: number; page_size: number },
): Promise<{ rows: MatchingRow[]; total: number }> {
  const c: SQL[] = [eq(catalogueMatches.fixmedins_code, fixmedinsCode)];
  if (filter.medins_list_codg) c.push(eq(catalogueMatches.medins_list_codg, filter.medins_list_codg));
  if (filter.medins_list_name) c.push(sql`${catalogueMatches.medins_list_name} like ${`%${filter.medins_list_name}%`}`);
  if (filter.med_list_codg) c.push(eq(catalogueMatches.med_list_codg, filter.med_list_codg));
  if (filter.list_type) c.push(eq(catalogueMatches.list_type, filter.list_type));
  if (filter.vali_flag === "1") c.push(eq(catalogueMatches.status, "active"));
  if (filter.vali_flag === "0") c.push(sql`${catalogueMatches.status} <> 'active'`);
  if (filter.updt_time) c.push(sql`${catalogueMatches.updt_time} >= ${filter.updt_time}`);
  if (filter.search) {
    const like = `%${filter.search}%`;
    c.push(sql`(${catalogueMatches.medins_list_codg} like ${like} or ${catalogueMatches.medins_list_name} like ${like} or ${catalogueMatches.med_list_codg} like ${like})`);
  }
  const where = and(...c);
  const rows = await q
    .select()
    .from(catalogueMatches)
    .where(where)
    .orderBy(catalogueMatches.updt_time, catalogueMatches.id)
    .limit(page.page_size)
    .offset((page.page_num - 1) * page.page_size);
  // Counted exactly (one hospital's rows, by its index): a HIS pages to the last page the count gives.
  const [counted] = await rowsOf<{ n: number | string }>(q, sql`select count(*) as n from ${catalogueMatches} where ${where}`);
  return { rows, total: Number(counted?.n ?? 0) };
}

export type UnmatchedRow = typeof unmatchedCodes.$inferSelect;

/** A hospital's codes without a matching: open ones (resolved too with `all`), the latest first. */
export async function unmatchedOf(q: Queryable, fixmedinsCode: string, all = false): Promise<UnmatchedRow[]> {
  const c: SQL[] = [eq(unmatchedCodes.fixmedins_code, fixmedinsCode)];
  if (!all) c.push(sql`${unmatchedCodes.resolved_at} is null`);
  return q.select().from(unmatchedCodes).where(and(...c)).orderBy(sql`${unmatchedCodes.last_seen} desc`, unmatchedCodes.medins_list_codg).limit(5_000);
}

export interface MatchingOverview {
  fixmedins_code: string;
  fixmedins_name: string;
  admdvs: string;
  matched: number;
  unmatched: number;
}

/** The hospitals of a region (or one), each with its matchings in force and its open unmatched codes. */
export async function matchingOverview(q: Queryable, scope: { region?: string | undefined; fixmedins_code?: string | undefined }): Promise<MatchingOverview[]> {
  const c: SQL[] = [sql`true`];
  if (scope.region !== undefined) c.push(inRegion(sql`f.admdvs`, scope.region));
  if (scope.fixmedins_code !== undefined) c.push(sql`f.fixmedins_code = ${scope.fixmedins_code}`);
  const rows = await rowsOf<Record<string, unknown>>(q, sql`
    select f.fixmedins_code, f.fixmedins_name, f.admdvs,
      (select count(*) from catalogue_matches m where m.fixmedins_code = f.fixmedins_code and m.status = 'active') as matched,
      (select count(*) from unmatched_codes u where u.fixmedins_code = f.fixmedins_code and u.resolved_at is null) as unmatched
    from fixmedins f where ${sql.join(c, sql` and `)} order by f.fixmedins_code`);
  return rows.map((r) => ({
    fixmedins_code: String(r.fixmedins_code), fixmedins_name: String(r.fixmedins_name), admdvs: String(r.admdvs), matched: Number(r.matched), unmatched: Number(r.unmatched),
  }));
}

/** A hospital by code, for the routes' scope checks (its region). */
export async function findHospital(q: Queryable, code: string) {
  const [row] = await q.select().from(fixmedins).where(eq(fixmedins.fixmedins_code, code)).limit(1);
  return row ?? null;
}
