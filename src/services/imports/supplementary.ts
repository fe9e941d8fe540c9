import { sql } from "drizzle-orm";
import { DomainError } from "../../domain/errors.js";
import { regionCovers, selectPolicy, type Policy } from "../../domain/reference/index.js";
import type { Database, Db, Queryable } from "../../store/db.js";
import { array, rowsOf } from "../common/sql.js";
import { shippedPolicies } from "../reference/index.js";
import {
  certnoOf, countWritten, dateOf, REQUIRED, requiredText, runImport, text, type Fail, type ImportOptions, type ImportResult, type ImportSpec,
  type SourceRow, type Written,
} from "./rows.js";

/**
 * Who is covered by a supplementary tier of the one-stop chain (policy.supplementary: 惠民保 from the insurer's roster,
 * a charity's families): the roster the insurer or the charity hands over, one row per person, tier and year. A row
 * names the person by ID number and name (which must match the insured person), the tier by its id in the policy of
 * the person's insured region for that year (a tier of `enrollment: roster`), and the period of cover inside that year.
 * Rows are upserted by (person, tier, year) into supplementary_enrollments; the settlement reads the tiers whose period
 * holds the date of care (services/common/persons.ts).
 */

export const SUPPLEMENTARY_COLUMNS = {
  required: ["certno", "psn_name", "tier_id", "year", "begin_date", "source"] as readonly string[],
  optional: ["end_date"] as readonly string[],
};

export interface SupplementaryValue {
  certno: string;
  psn_name: string;
  tier_id: string;
  year: number;
  begin_date: string;
  end_date: string | null;
  /** Who handed the roster over (the insurer, the charity). */
  source: string;
}

const TIER_ID = /^[a-z][a-z0-9_]{1,30}$/;

/** Validates a row of the roster on its own; the person and the tier are checked against the database and the policy when written. */
export function parseSupplementaryRow(values: SourceRow["values"], fail: Fail): SupplementaryValue | undefined {
  const certno = certnoOf(values, fail);
  const psnName = requiredText(values, "psn_name", 50, fail);
  const tierId = text(values.tier_id);
  if (tierId === "") fail("tier_id", REQUIRED);
  else if (!TIER_ID.test(tierId)) fail("tier_id", `须为政策中补充保障的编号（如huiminbao）/ must be the id of a supplementary tier of the policy (such as huiminbao), got "${tierId}"`);
  const yearText = text(values.year);
  const year = Number(yearText);
  const yearOk = /^\d{4}$/.test(yearText) && year >= 2000 && year <= 2100;
  if (yearText === "") fail("year", REQUIRED);
  else if (!yearOk) fail("year", `须为年度，如2022 / must be a calendar year such as 2022, got "${yearText}"`);
  const begin = dateOf(values, "begin_date", fail, true);
  const end = dateOf(values, "end_date", fail, false);
  const source = requiredText(values, "source", 100, fail);
  // The enrollment is of one calendar year (the accumulators', the deductible's and the cap's): its period lies inside it.
  if (yearOk && begin && Number(begin.slice(0, 4)) !== year) {
    fail("begin_date", `须在${year}年度内 / must lie in ${year}, got ${begin}`);
    return undefined;
  }
  if (yearOk && end && Number(end.slice(0, 4)) !== year) {
    fail("end_date", `须在${year}年度内 / must lie in ${year}, got ${end}`);
    return undefined;
  }
  if (begin && end && end < begin) {
    fail("end_date", `终止日期早于开始日期 / ${end} is before begin_date ${begin}`);
    return undefined;
  }
  if (!certno || !psnName || !TIER_ID.test(tierId) || !yearOk || !begin || end === undefined || !source) return undefined;
  return { certno, psn_name: psnName, tier_id: tierId, year, begin_date: begin, end_date: end, source };
}

export interface SupplementaryImportOptions extends ImportOptions {
  /** The policies the tiers are looked up in (default: the shipped ones). */
  policies?: readonly Policy[];
  /** Only persons insured inside this region (a clerk's upload in the console); others are refused by row. */
  region?: string | undefined;
}

/**
 * Writes a batch: refuses a row whose person is unknown, outside the uploader's region or of another name, or whose
 * tier is not a roster tier of the policy that settles the person's care of that year; upserts the others, leaving an
 * identical stored row alone (a file imported twice changes nothing).
 */
export async function writeSupplementary(
  tx: Queryable,
  batch: readonly { row: number; value: SupplementaryValue }[],
  reject: (row: number, field: string, reason: string) => void,
  options: { policies: readonly Policy[]; region?: string | undefined },
): Promise<Written> {
  const certnos = [...new Set(batch.map((b) => b.value.certno))];
  const known = new Map(
    (await rowsOf<{ certno: string; psn_no: string; psn_name: string; insuplc_admdvs: string }>(tx, sql`
      select p.certno, p.psn_no, p.psn_name, p.insuplc_admdvs from unnest(${array(certnos, "text")}) as u(certno)
      cross join lateral (select certno, psn_no, psn_name, insuplc_admdvs from persons p where p.certno = u.certno offset 0) p`)).map((p) => [p.certno, p]),
  );
  const rows: { psn_no: string; admdvs: string; value: SupplementaryValue }[] = [];
  for (const b of batch) {
    const v = b.value;
    const person = known.get(v.certno);
    if (person === undefined) {
      reject(b.row, "certno", "未找到该身份证号的参保人员，请先导入人员 / no insured person has this certno: import persons first");
      continue;
    }
    if (options.region !== undefined && !regionCovers(options.region, person.insuplc_admdvs)) {
      reject(b.row, "certno", `该人员参保地为${person.insuplc_admdvs}，不在本地区${options.region} / the person is insured in ${person.insuplc_admdvs}, outside your region ${options.region}`);
      continue;
    }
    if (v.psn_name !== person.psn_name) {
      reject(b.row, "psn_name", "姓名与该身份证号的参保人员不符 / is not the name of the insured person with this certno");
      continue;
    }
    let policy: Policy;
    try {
      policy = selectPolicy(options.policies, person.insuplc_admdvs, `${v.year}-01-01`).policy;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      reject(b.row, "year", `参保地${person.insuplc_admdvs}无${v.year}年度（或更早）的政策 / the person's region ${person.insuplc_admdvs} has no policy for ${v.year} or earlier`);
      continue;
    }
    const tier = policy.supplementary.find((t) => t.id === v.tier_id);
    const ids = policy.supplementary.filter((t) => t.enrollment === "roster").map((t) => t.id);
    if (tier === undefined) {
      reject(
        b.row, "tier_id",
        `参保地政策${policy.admdvs}-${policy.year}中没有补充保障${v.tier_id}（有：${ids.join("、") || "无"}）/ ` +
          `the policy ${policy.admdvs}-${policy.year} of the person's region has no supplementary tier ${v.tier_id} (it has ${ids.join(", ") || "none"})`,
      );
      continue;
    }
    if (tier.enrollment !== "roster") {
      reject(b.row, "tier_id", `${v.tier_id}按人员类别享受，无需名单 / ${v.tier_id} covers persons by their categories, not by a roster`);
      continue;
    }
    rows.push({ psn_no: person.psn_no, admdvs: person.insuplc_admdvs, value: v });
  }
  if (rows.length === 0) return { inserted: 0, updated: 0 };
  const col = (f: (r: (typeof rows)[number]) => unknown, type: string) => array(rows.map(f), type);
  return countWritten(
    await rowsOf<{ inserted: boolean }>(tx, sql`
      insert into supplementary_enrollments as s (psn_no, tier_id, year, admdvs, begin_date, end_date, source)
      select * from unnest(${col((r) => r.psn_no, "text")}, ${col((r) => r.value.tier_id, "text")}, ${col((r) => r.value.year, "integer")},
        ${col((r) => r.admdvs, "text")}, ${col((r) => r.value.begin_date, "date")}, ${col((r) => r.value.end_date, "date")}, ${col((r) => r.value.source, "text")})
      on conflict (psn_no, tier_id, year) do update
        set admdvs = excluded.admdvs, begin_date = excluded.begin_date, end_date = excluded.end_date, source = excluded.source, imported_at = now()
      where (s.admdvs, s.begin_date, s.end_date, s.source) is distinct from (excluded.admdvs, excluded.begin_date, excluded.end_date, excluded.source)
      returning (xmax = 0) as inserted`),
  );
}

/** Imports a roster of a supplementary tier: bad rows reported with row, field and reason, good rows upserted. */
export async function importSupplementary(
  target: Database | Db,
  rows: AsyncIterable<SourceRow> | Iterable<SourceRow>,
  options: SupplementaryImportOptions = {},
): Promise<ImportResult> {
  const policies = options.policies ?? shippedPolicies();
  const spec: ImportSpec<SupplementaryValue> = {
    keyField: "certno",
    key: (v) => `${v.certno}|${v.tier_id}|${v.year}`,
    parse: parseSupplementaryRow,
    write: (tx, batch, _present, reject) => writeSupplementary(tx, batch, reject, { policies, region: options.region }),
  };
  return runImport(target, spec, rows, options);
}
