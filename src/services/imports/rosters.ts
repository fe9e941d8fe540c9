import type { Category } from "../../domain/codes.js";
import { DomainError } from "../../domain/errors.js";
import type { Policy } from "../../domain/reference/index.js";
import type { Database, Db } from "../../store/db.js";
import { emptySubsidyCounts } from "../enrollment/index.js";
import {
  parseIdentityRow, requiredText, runImport, text, writeIdentities, type Fail, type IdentityValue, type ImportOptions, type ImportResult,
  type ImportSpec, type SourceRow,
} from "./rows.js";

/**
 * Category rosters (名单) from the departments that decide who is poor: civil affairs (民政: destitute, orphans, minimum
 * living, low income) and rural revitalisation (乡村振兴: monitored, lifted out of poverty). A roster is the identities
 * import with the person's name, which must match, and the department, which must be the one that decides the
 * category. Each batch stores the categories and recomputes the subsidies of the persons whose categories changed, in
 * one transaction: a category gained after paying subsidizes from the next month, refunded or credited.
 */

export const ROSTER_SOURCES = ["civil_affairs", "rural_revitalisation"] as const;
export type RosterSource = (typeof ROSTER_SOURCES)[number];

export const ROSTER_SOURCE_NAMES: Record<RosterSource, string> = {
  civil_affairs: "民政部门",
  rural_revitalisation: "乡村振兴部门",
};

export const ROSTER_COLUMNS = {
  required: ["certno", "psn_name", "psn_idet_type", "begntime", "endtime"] as readonly string[],
  optional: ["source"] as readonly string[],
};

/** Which department decides each category (因病致贫重病患者 is identified by either). */
export const CATEGORY_SOURCES: Record<Category, readonly RosterSource[]> = {
  destitute: ["civil_affairs"],
  orphan: ["civil_affairs"],
  de_facto_orphan: ["civil_affairs"],
  minimum_living: ["civil_affairs"],
  low_income: ["civil_affairs"],
  illness_impoverished: ["civil_affairs", "rural_revitalisation"],
  monitored: ["rural_revitalisation"],
  lifted: ["rural_revitalisation"],
};

const SOURCE_BY_NAME = new Map<string, RosterSource>([
  ["civil_affairs", "civil_affairs"],
  ["民政", "civil_affairs"],
  ["民政部门", "civil_affairs"],
  ["rural_revitalisation", "rural_revitalisation"],
  ["rural_revitalization", "rural_revitalisation"],
  ["乡村振兴", "rural_revitalisation"],
  ["乡村振兴部门", "rural_revitalisation"],
]);

/** A department by its code or Chinese name; a DomainError naming `field` otherwise. */
export function parseRosterSource(value: unknown, field = "source"): RosterSource {
  const source = typeof value === "string" ? SOURCE_BY_NAME.get(value.trim().toLowerCase()) : undefined;
  if (!source) throw new DomainError(field, `must be civil_affairs (民政) or rural_revitalisation (乡村振兴), got ${JSON.stringify(value)}`);
  return source;
}

export interface RosterValue extends IdentityValue {
  psn_name: string;
  source: RosterSource;
}

/** Validates a roster row: the identities rules, the name, and the department (the row's, else the file's). */
export function parseRosterRow(values: SourceRow["values"], fail: Fail, fileSource: RosterSource | null): RosterValue | undefined {
  const identity = parseIdentityRow(values, fail);
  const psnName = requiredText(values, "psn_name", 50, fail);
  const given = text(values.source);
  let source: RosterSource | undefined;
  if (given === "") {
    if (fileSource === null) fail("source", "须填写来源部门（或用--source指定）/ is required: give the department in the row or with --source");
    else source = fileSource;
  } else {
    const parsed = SOURCE_BY_NAME.get(given.toLowerCase());
    if (parsed === undefined) fail("source", `来源部门须为civil_affairs（民政）或rural_revitalisation（乡村振兴）/ must be civil_affairs or rural_revitalisation, got "${given}"`);
    else if (fileSource !== null && parsed !== fileSource) {
      fail("source", `与--source指定的${ROSTER_SOURCE_NAMES[fileSource]}不一致 / is ${parsed} but the file is from ${fileSource}`);
    } else source = parsed;
  }
  if (identity && source && !CATEGORY_SOURCES[identity.psn_idet_type].includes(source)) {
    const allowed = CATEGORY_SOURCES[identity.psn_idet_type];
    fail(
      "psn_idet_type",
      `该身份类别不由${ROSTER_SOURCE_NAMES[source]}认定（由${allowed.map((s) => ROSTER_SOURCE_NAMES[s]).join("或")}认定）/ ` +
        `${identity.psn_idet_type} is not decided by ${source} (it is by ${allowed.join(" or ")})`,
    );
    return undefined;
  }
  if (!identity || !psnName || !source) return undefined;
  return { ...identity, psn_name: psnName, source };
}

export interface RosterImportOptions extends ImportOptions {
  /** The department of the whole file; rows may then leave `source` empty (and must agree where they give it). */
  source?: RosterSource | string | null;
  policies?: readonly Policy[];
  /** Only persons insured inside this region (see IdentityWriteOptions.region). */
  region?: string | undefined;
}

/**
 * Imports a roster: bad rows reported with row, field and reason (Chinese and English), good rows upserted by
 * (person, category, begntime), subsidies recomputed for the persons whose categories changed.
 */
export async function importRoster(target: Database | Db, rows: AsyncIterable<SourceRow> | Iterable<SourceRow>, options: RosterImportOptions = {}): Promise<ImportResult> {
  const fileSource = options.source === undefined || options.source === null || options.source === "" ? null : parseRosterSource(options.source, "--source");
  const subsidies = emptySubsidyCounts();
  const spec: ImportSpec<RosterValue> = {
    keyField: "certno",
    key: (r) => `${r.certno}|${r.psn_idet_type}|${r.begntime}`,
    parse: (values, fail) => parseRosterRow(values, fail, fileSource),
    write: (tx, batch, _present, reject) =>
      writeIdentities(tx, batch, reject, { checkName: true, sourceOf: (v) => (v as RosterValue).source, policies: options.policies, subsidies, region: options.region }),
  };
  const result = await runImport(target, spec, rows, options);
  return { ...result, subsidies };
}
