import { DomainError } from "../../domain/errors.js";
import { parseDay } from "../../domain/ids.js";
import type { Database } from "../../store/db.js";
import type { Services } from "../common/context.js";
import type { SourceRow } from "../common/importSpec.js";
import { applyMatchings, checkMatchings, findHospital, liveMatchingsOf, type MatchingInput, recordUnmatched, UnmatchedCodes } from "../reference/index.js";
import type { ImportCounts, ImportResult, RejectedRow } from "./rows.js";

/**
 * A hospital's catalogue matching (目录对照) as a file, CSV or .xlsx, with the columns of 3301 (a clerk's upload, or
 * `yibao matching import`): each good row is recorded as 3301 records it, a row already in force is left alone, and a bad
 * row is listed (row, field, reason) with its hospital code noted among the hospital's unmatched codes.
 */
export const MATCHING_COLUMNS = {
  required: ["fixmedins_hilist_id", "fixmedins_hilist_name", "list_type", "med_list_codg", "begndate"],
  optional: ["enddate", "drugadm_strdcod", "genname_no", "aprvno", "dosform", "exct_cont", "item_cont", "prcunt", "spec", "pacspec", "pric", "memo"],
} as const;

export interface MatchingImportOptions {
  opter?: string | null;
  batchSize?: number;
  onProgress?: (counts: ImportCounts) => void;
}

export async function importMatchingRows(
  services: Services,
  database: Database,
  fixmedinsCode: string,
  rows: AsyncIterable<SourceRow>,
  options: MatchingImportOptions = {},
): Promise<ImportResult> {
  const hospital = await findHospital(database.db, fixmedinsCode);
  if (!hospital) throw new DomainError("fixmedins_code", `${fixmedinsCode} 不是定点医药机构 / is not a designated medical institution of Yibao`);
  const result: ImportResult = { read: 0, inserted: 0, updated: 0, unchanged: 0, older: 0, rejectedRows: 0, rejected: [] };
  const batchSize = options.batchSize ?? 1_000;
  let batch: { row: number; value: MatchingInput }[] = [];
  const refused: { medins_list_codg: string; medins_list_name: string | null; reason: string }[] = [];
  const reject = (r: RejectedRow, code?: string, name?: string | null) => {
    result.rejected.push(r);
    result.rejectedRows += 1;
    if (code) refused.push({ medins_list_codg: code, medins_list_name: name ?? null, reason: r.reason });
  };

  const flush = async () => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    await database.db.transaction(async (tx) => {
      const problems = await checkMatchings(tx, hospital.admdvs, current.map((b) => b.value));
      const good = current.filter((b, i) => {
        const p = problems[i];
        if (p) reject({ row: b.row, field: p.field, reason: p.reason }, b.value.medins_list_codg, b.value.medins_list_name);
        return !p;
      });
      const done = await applyMatchings(services, tx, fixmedinsCode, hospital.admdvs, good.map((g) => g.value), { source: "file", opter: options.opter ?? null });
      for (const d of done) result[d.outcome] += 1;
    });
    options.onProgress?.(result);
  };

  const seen = new Map<string, number>();
  for await (const source of rows) {
    const v = source.values;
    if (Object.values(v).every((x) => (x ?? "").trim() === "")) continue;
    result.read += 1;
    if (source.problem) {
      reject({ row: source.row, field: "row", reason: source.problem });
      continue;
    }
    const get = (k: string) => (v[k] ?? "").trim();
    const code = get("fixmedins_hilist_id");
    const name = get("fixmedins_hilist_name");
    const missing = MATCHING_COLUMNS.required.filter((k) => get(k) === "");
    if (missing.length > 0) {
      for (const k of missing) reject({ row: source.row, field: k, reason: "必填 / is required" }, undefined);
      if (code) refused.push({ medins_list_codg: code, medins_list_name: name || null, reason: `文件第 ${source.row} 行缺少 ${missing.join(", ")} / row ${source.row} lacks ${missing.join(", ")}` });
      continue;
    }
    let begndate: string;
    let enddate: string | null;
    try {
      begndate = parseDay(get("begndate"), "begndate");
      enddate = get("enddate") === "" ? null : parseDay(get("enddate"), "enddate");
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      reject({ row: source.row, field: error.field, reason: error.rule }, code, name);
      continue;
    }
    const key = `${code}\u0000${begndate}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      reject({ row: source.row, field: "fixmedins_hilist_id", reason: `与第 ${earlier} 行重复（同一院内编码与开始日期）/ repeats row ${earlier} (the same code and begndate)` });
      continue;
    }
    seen.set(key, source.row);
    const info: Record<string, string> = {};
    for (const k of MATCHING_COLUMNS.optional) if (k !== "enddate" && get(k) !== "") info[k] = get(k);
    batch.push({ row: source.row, value: { medins_list_codg: code, medins_list_name: name, list_type: get("list_type"), med_list_codg: get("med_list_codg"), begndate, enddate, info } });
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  if (refused.length > 0) {
    // Codes matched already (by another row, or before) stay matched: only the others are noted as unmatched.
    const live = await liveMatchingsOf(database.db, fixmedinsCode, refused.map((r) => r.medins_list_codg));
    const open = refused.filter((r) => !live.has(r.medins_list_codg));
    if (open.length > 0) {
      await recordUnmatched(database, new UnmatchedCodes(fixmedinsCode, open.map((r) => ({ ...r, source: "file" })), "file", "unmatched rows of a matching file"));
    }
  }
  result.rejected.sort((a, b) => a.row - b.row);
  return result;
}
