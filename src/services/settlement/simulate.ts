import { existsSync, statSync } from "node:fs";
import { z } from "zod";
import type { Catalogue } from "../../domain/reference/index.js";
import { FILING_TYPES, LEVELS, MED_TYPES } from "../../domain/codes.js";
import { DomainError } from "../../domain/errors.js";
import { formatYuanGrouped, toYuan, type Fen } from "../../domain/money.js";
import { priceOfFen } from "../../domain/quantity.js";
import { policyId, regionCovers, type Policy } from "../../domain/reference/index.js";
import { emptyAccumulators, settle } from "../../domain/settlement/index.js";
import type { Accumulators, Encounter, FeeLine, PersonCategory, SettlementPerson, SettlementResult } from "../../domain/settlement/index.js";
import { categoryField, dateTimeField, parseWith, quantityField, regionField, yuanField } from "../../domain/zodFields.js";
import { parseCsv } from "../../lib/csv.js";
import { loadPolicyFile, shippedCatalogue, shippedCatalogueRegions, shippedPolicy } from "../reference/index.js";

/**
 * `yibao simulate`: a policy analyst's what-if. Past encounters (a CSV of fee lines) are settled through the year, person
 * by person in setl_time order, once under a base policy and once under an alternative; the fund impact per tier is the
 * difference of the totals. Nothing is stored. Money is fen throughout; yuan only in the printed report.
 */

export const SIMULATE_COLUMNS = [
  "psn_no",
  "insutype",
  "insuplc_admdvs",
  "psn_idet_types",
  "mdtrt_id",
  "med_type",
  "setl_time",
  "medins_lv",
  "mdtrtarea_admvs",
  "offsite_filing",
  "opsp_dise_code",
  "med_list_codg",
  "pric",
  "cnt",
] as const;

const ENCOUNTER_COLUMNS = ["psn_no", "med_type", "setl_time", "medins_lv", "mdtrtarea_admvs", "offsite_filing", "opsp_dise_code"] as const;
const PERSON_COLUMNS = ["insutype", "insuplc_admdvs", "psn_idet_types"] as const;

/** An empty cell is "not given". */
const optional = <T extends z.ZodType<unknown, string>>(schema: T) =>
  z
    .string()
    .transform((v) => (v.trim() === "" ? null : v.trim()))
    .pipe(schema.nullable());

const rowSchema = z.object({
  psn_no: z.string().trim().min(1, "must not be empty").max(30),
  insutype: z.string().trim().regex(/^\d{3}$/, "must be a 3-digit insurance type (390 resident, 310 employee)"),
  insuplc_admdvs: regionField,
  psn_idet_types: z
    .string()
    .transform((v) => v.split(";").map((c) => c.trim()).filter((c) => c !== ""))
    .pipe(z.array(categoryField)),
  mdtrt_id: z.string().trim().min(1, "must not be empty").max(30),
  med_type: z.string().trim().pipe(z.enum(MED_TYPES)),
  setl_time: dateTimeField,
  medins_lv: z.string().trim().pipe(z.enum(LEVELS)),
  mdtrtarea_admvs: regionField,
  offsite_filing: optional(z.enum(FILING_TYPES)),
  opsp_dise_code: optional(z.string().max(20)),
  med_list_codg: z.string().trim().min(1, "must not be empty").max(50),
  pric: yuanField,
  cnt: quantityField,
});
type Row = z.output<typeof rowSchema>;

export interface SimEncounter {
  /** The CSV row of the encounter's first fee line (the header is row 1). */
  row: number;
  encounter: Encounter;
  lines: FeeLine[];
}

export interface SimPerson {
  row: number;
  person: SettlementPerson;
  /** In setl_time order (file order among equal times). */
  encounters: SimEncounter[];
}

export interface SimulationData {
  persons: SimPerson[];
  settlements: number;
  feeLines: number;
  /** The treating regions, whose shipped catalogues the settlements need. */
  treatingRegions: string[];
  /** The calendar years of care. */
  years: number[];
}

function cell(value: unknown): string {
  if (Array.isArray(value)) return [...(value as string[])].sort().join(";");
  return value === null || value === undefined ? "" : String(value);
}

/**
 * Parses the fee-line CSV (header SIMULATE_COLUMNS, in any order; other columns are ignored) into persons and their
 * encounters. Errors name the row (the header is row 1) and the field.
 */
export function parseSimulationCsv(text: string, source: string): SimulationData {
  const [header = [], ...rows] = parseCsv(text);
  const names = header.map((h) => h.trim());
  const missing = SIMULATE_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0) {
    throw new DomainError(`${source} header`, `lacks ${missing.join(", ")} (the columns are ${SIMULATE_COLUMNS.join(",")})`);
  }
  const duplicate = names.find((n, i) => n !== "" && names.indexOf(n) !== i);
  if (duplicate) throw new DomainError(`${source} header`, `names column ${duplicate} twice`);
  if (rows.length === 0) throw new DomainError(source, "has no fee lines below its header");

  const encounters = new Map<string, SimEncounter & { first: Row }>();
  const persons = new Map<string, SimPerson & { first: Row }>();
  const treatingRegions = new Set<string>();
  const known = new Set(shippedCatalogueRegions());

  rows.forEach((fields, i) => {
    const rowNo = i + 2;
    const at = `${source} row ${rowNo}`;
    if (fields.length !== names.length) {
      throw new DomainError(at, `has ${fields.length} fields where the header has ${names.length}`);
    }
    const record = Object.fromEntries(names.map((n, k) => [n, fields[k] ?? ""]));
    const row = parseWith(rowSchema, record, at);
    if (!known.has(row.mdtrtarea_admvs)) {
      throw new DomainError(`${at}.mdtrtarea_admvs`, `no shipped catalogue for treating region ${row.mdtrtarea_admvs} (have: ${[...known].join(", ")})`);
    }
    treatingRegions.add(row.mdtrtarea_admvs);

    let person = persons.get(row.psn_no);
    if (!person) {
      person = {
        row: rowNo,
        first: row,
        person: { psn_no: row.psn_no, insutype: row.insutype, insuplc_admdvs: row.insuplc_admdvs, balc: 0 as Fen, idetinfo: [] },
        encounters: [],
      };
      persons.set(row.psn_no, person);
    } else {
      for (const c of PERSON_COLUMNS) {
        if (cell(row[c]) !== cell(person.first[c])) {
          throw new DomainError(`${at}.${c}`, `is "${cell(row[c])}" but "${cell(person.first[c])}" in row ${person.row}, the first row of person ${row.psn_no}`);
        }
      }
    }

    let enc = encounters.get(row.mdtrt_id);
    if (!enc) {
      enc = {
        row: rowNo,
        first: row,
        encounter: {
          mdtrt_id: row.mdtrt_id,
          med_type: row.med_type,
          setl_time: row.setl_time,
          medins_lv: row.medins_lv,
          mdtrtarea_admvs: row.mdtrtarea_admvs,
          offsite_filing: row.offsite_filing,
          opsp_dise_code: row.opsp_dise_code,
          acct_used_flag: false,
        },
        lines: [],
      };
      encounters.set(row.mdtrt_id, enc);
      person.encounters.push(enc);
    } else {
      for (const c of ENCOUNTER_COLUMNS) {
        if (cell(row[c]) !== cell(enc.first[c])) {
          throw new DomainError(`${at}.${c}`, `is "${cell(row[c])}" but "${cell(enc.first[c])}" in row ${enc.row}, the first line of mdtrt_id ${row.mdtrt_id}`);
        }
      }
    }
    enc.lines.push({ feedetl_sn: String(rowNo), med_list_codg: row.med_list_codg, pric: priceOfFen(row.pric), cnt: row.cnt });
  });

  const out: SimPerson[] = [];
  const allYears = new Set<number>();
  for (const p of persons.values()) {
    // Categories are valid all year: every year in which the person has care.
    const years = p.encounters.map((e) => Number(e.encounter.setl_time.slice(0, 4)));
    const from = Math.min(...years);
    const to = Math.max(...years);
    for (const y of years) allYears.add(y);
    const idetinfo: PersonCategory[] = [...new Set(p.first.psn_idet_types)].map((c) => ({
      psn_idet_type: c,
      begntime: `${from}-01-01 00:00:00`,
      endtime: `${to}-12-31 23:59:59`,
    }));
    const sorted = p.encounters
      .map((e, k) => ({ e, k }))
      .sort((a, b) => (a.e.encounter.setl_time < b.e.encounter.setl_time ? -1 : a.e.encounter.setl_time > b.e.encounter.setl_time ? 1 : a.k - b.k))
      .map(({ e }) => ({ row: e.row, encounter: e.encounter, lines: e.lines }));
    out.push({ row: p.row, person: { ...p.person, idetinfo }, encounters: sorted });
  }
  return {
    persons: out,
    settlements: encounters.size,
    feeLines: rows.length,
    treatingRegions: [...treatingRegions].sort(),
    years: [...allYears].sort(),
  };
}

export interface PolicyChoiceSource {
  policy: Policy;
  /** "shipped", or the path of the YAML file. */
  source: string;
}

/** A shipped policy id such as 451000-2022, or the path of a YAML policy file. `option` names the flag in errors. */
export function resolvePolicy(spec: string | undefined, option: string): PolicyChoiceSource {
  const value = spec?.trim() ?? "";
  if (value === "") throw new DomainError(option, "is required: a shipped policy id such as 451000-2022, or the path of a YAML policy file");
  if (existsSync(value) && statSync(value).isFile()) return { policy: loadPolicyFile(value), source: value };
  if (/^\d{6}-\d{4}$/.test(value)) {
    try {
      return { policy: shippedPolicy(value), source: "shipped" };
    } catch (error) {
      if (error instanceof DomainError) throw new DomainError(option, error.rule);
      throw error;
    }
  }
  throw new DomainError(option, `"${value}" is neither a shipped policy id (such as 451000-2022) nor a policy file`);
}

export const TIERS = [
  { key: "hifp_pay", zh: "基本医保统筹", en: "Basic insurance (hifp)" },
  { key: "hifmi_pay", zh: "居民大病保险", en: "Critical illness (hifmi)" },
  { key: "hifob_pay", zh: "职工大额补助", en: "Large amount (hifob)" },
  { key: "maf_pay", zh: "医疗救助", en: "Medical assistance (maf)" },
  { key: "fund_pay_sumamt", zh: "基金支付合计", en: "Total fund" },
  { key: "psn_part_amt", zh: "个人负担", en: "Personal share" },
] as const;
export type TierKey = (typeof TIERS)[number]["key"];

export interface Totals {
  amounts: Record<TierKey, Fen>;
  /** Settlements in which the tier paid (or, for the personal share, the person paid) more than 0. */
  paid: Record<TierKey, number>;
  medfee_sumamt: Fen;
  settlements: number;
  /** Engine warnings, with how many settlements gave each. */
  warnings: Map<string, number>;
}

export interface PolicyRun {
  label: "base" | "alt";
  policy: Policy;
  source: string;
  /** Persons whose insured region is not the policy's: the policy was applied as their insured region's. */
  relabelled: { persons: number; regions: string[] };
  totals: Totals;
}

export interface TierImpact {
  key: TierKey;
  zh: string;
  en: string;
  base: Fen;
  alt: Fen;
  difference: Fen;
  /** (alt − base) / base in hundredths of a percent, rounded half away from zero; null when base is 0 and alt is not. */
  change_bp: number | null;
  base_paid: number;
  alt_paid: number;
}

export interface SimulationReport {
  source: string;
  persons: number;
  settlements: number;
  fee_lines: number;
  medfee_sumamt: Fen;
  base: PolicyRun;
  alt: PolicyRun;
  tiers: TierImpact[];
  notes: string[];
}

function emptyTotals(): Totals {
  const zeroes = () => Object.fromEntries(TIERS.map((t) => [t.key, 0])) as Record<TierKey, number>;
  return { amounts: zeroes() as Record<TierKey, Fen>, paid: zeroes(), medfee_sumamt: 0 as Fen, settlements: 0, warnings: new Map() };
}

/**
 * Settles every person's encounters in order under `policy`, accumulators per person and calendar year. Where the
 * person's insured region is not the policy's, the policy is applied as the insured region's: the person is taken as
 * insured under it, and each encounter keeps its own standing, local care in the insured region staying local and off-site
 * care staying off-site (with its filing), the treating region's catalogue unchanged.
 */
export function settleUnder(
  label: "base" | "alt",
  choice: PolicyChoiceSource,
  catalogue: Catalogue,
  data: SimulationData,
  source: string,
): PolicyRun {
  const { policy } = choice;
  const asInsured = new Map<string, Policy>([[policy.admdvs, policy]]);
  const relabelled = new Set<string>();
  const regions = new Set<string>();
  const totals = emptyTotals();
  for (const { person, encounters } of data.persons) {
    // A county of the policy's pool is insured under the policy as it is (620122 under 620100); only another region's
    // person is relabelled to see this policy as theirs.
    let applied = regionCovers(policy.admdvs, person.insuplc_admdvs) ? policy : asInsured.get(person.insuplc_admdvs);
    if (!applied) {
      applied = { ...policy, admdvs: person.insuplc_admdvs };
      asInsured.set(person.insuplc_admdvs, applied);
    }
    if (applied !== policy) {
      relabelled.add(person.psn_no);
      regions.add(person.insuplc_admdvs);
    }
    const years = new Map<number, Accumulators>();
    for (const { row, encounter, lines } of encounters) {
      const year = Number(encounter.setl_time.slice(0, 4));
      let result: SettlementResult;
      try {
        result = settle({ policy: applied, catalogue, person, accumulators: years.get(year) ?? emptyAccumulators(year), encounter, lines });
      } catch (error) {
        if (error instanceof DomainError) {
          throw new DomainError(
            `${source} row ${row}.${error.field}`,
            `${error.rule} (mdtrt_id ${encounter.mdtrt_id}, settling under the ${label} policy ${policyId(policy)})`,
          );
        }
        throw error;
      }
      years.set(year, result.accumulators);
      const s = result.setlinfo;
      for (const t of TIERS) {
        totals.amounts[t.key] = (totals.amounts[t.key] + s[t.key]) as Fen;
        if (s[t.key] > 0) totals.paid[t.key] += 1;
      }
      totals.medfee_sumamt = (totals.medfee_sumamt + s.medfee_sumamt) as Fen;
      totals.settlements += 1;
      for (const w of result.warnings) totals.warnings.set(w, (totals.warnings.get(w) ?? 0) + 1);
    }
  }
  return { label, policy, source: choice.source, relabelled: { persons: relabelled.size, regions: [...regions].sort() }, totals };
}

/** (alt − base) / base in hundredths of a percent, half away from zero, exactly (BigInt: fen totals can be large). */
export function changeBasisPoints(base: number, alt: number): number | null {
  if (base === 0) return alt === 0 ? 0 : null;
  const num = BigInt(alt - base) * 10_000n;
  const den = BigInt(base);
  const negative = num < 0n;
  const abs = negative ? -num : num;
  const q = (abs * 2n + den) / (2n * den);
  return Number(negative ? -q : q);
}

export function simulate(base: PolicyChoiceSource, alt: PolicyChoiceSource, data: SimulationData, source: string): SimulationReport {
  const catalogue = shippedCatalogue(...data.treatingRegions);
  const b = settleUnder("base", base, catalogue, data, source);
  const a = settleUnder("alt", alt, catalogue, data, source);
  const tiers: TierImpact[] = TIERS.map((t) => ({
    key: t.key,
    zh: t.zh,
    en: t.en,
    base: b.totals.amounts[t.key],
    alt: a.totals.amounts[t.key],
    difference: (a.totals.amounts[t.key] - b.totals.amounts[t.key]) as Fen,
    change_bp: changeBasisPoints(b.totals.amounts[t.key], a.totals.amounts[t.key]),
    base_paid: b.totals.paid[t.key],
    alt_paid: a.totals.paid[t.key],
  }));
  const notes: string[] = [];
  for (const run of [b, a]) {
    if (run.relabelled.persons > 0) {
      const name = run.label === "base" ? "基准" : "方案";
      notes.push(
        `${name}政策${policyId(run.policy)}属${run.policy.admdvs}（${run.policy.region_name}），已按参保地政策适用于参保地为${run.relabelled.regions.join("、")}的` +
          `${run.relabelled.persons}人：视同在${run.policy.admdvs}参保，本地就医仍按本地、异地就医仍按异地结算 — ` +
          `the ${run.label} policy ${policyId(run.policy)} is region ${run.policy.admdvs}'s; it was applied as the insured region's policy ` +
          `for ${run.relabelled.persons} person(s) insured in ${run.relabelled.regions.join(", ")}, treated as insured there ` +
          `(care in their own region stays local, off-site care stays off-site).`,
      );
    }
    const otherYears = data.years.filter((y) => y !== run.policy.year);
    if (otherYears.length > 0) {
      notes.push(
        `${run.label === "base" ? "基准" : "方案"}政策${policyId(run.policy)}亦用于${otherYears.join("、")}年的就医 — ` +
          `the ${run.label} policy ${policyId(run.policy)} was applied to care in ${otherYears.join(", ")} as well.`,
      );
    }
    for (const [w, n] of run.totals.warnings) notes.push(`${run.label === "base" ? "基准" : "方案"} ${run.label}: ${w}（${n}笔 settlements）`);
  }
  return {
    source,
    persons: data.persons.length,
    settlements: data.settlements,
    fee_lines: data.feeLines,
    medfee_sumamt: b.totals.medfee_sumamt,
    base: b,
    alt: a,
    tiers,
    notes,
  };
}

/** The whole tool: CSV text and the two policy specs in, the report out. */
export function runSimulation(input: { base: string | undefined; alt: string | undefined; csv: string; source: string }): SimulationReport {
  const base = resolvePolicy(input.base, "--base");
  const alt = resolvePolicy(input.alt, "--alt");
  const data = parseSimulationCsv(input.csv, input.source);
  return simulate(base, alt, data, input.source);
}

// ---- printing: yuan with two decimals only here ----

function formatChange(bp: number | null): string {
  if (bp === null) return "n/a";
  const sign = bp > 0 ? "+" : bp < 0 ? "-" : "";
  const abs = Math.abs(bp);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}%`;
}


/** Terminal columns of a string: CJK and full-width characters take two. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    const wide =
      (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6);
    w += wide ? 2 : 1;
  }
  return w;
}

function pad(text: string, width: number, right: boolean): string {
  const fill = " ".repeat(Math.max(0, width - displayWidth(text)));
  return right ? fill + text : text + fill;
}

function describe(run: PolicyRun): string {
  return `${policyId(run.policy)} ${run.policy.region_name}（${run.source === "shipped" ? "随附 shipped" : run.source}）`;
}

export function formatReportTable(r: SimulationReport): string {
  const head = ["项目 Item", "基准 Base (元)", "方案 Alt (元)", "差额 Difference (元)", "变动 Change"];
  const body = r.tiers.map((t) => [
    `${t.zh} ${t.en}`,
    formatYuanGrouped(t.base),
    formatYuanGrouped(t.alt),
    formatYuanGrouped(t.difference, true),
    formatChange(t.change_bp),
  ]);
  const widths = head.map((h, i) => Math.max(displayWidth(h), ...body.map((row) => displayWidth(row[i] ?? ""))));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i] ?? 0, i > 0)).join("  ").trimEnd();
  const out = [
    "基金影响测算 Fund impact simulation",
    `基准政策 Base: ${describe(r.base)}`,
    `方案政策 Alt:  ${describe(r.alt)}`,
    `数据 Data: ${r.source} — 参保人 Persons ${r.persons}，结算 Settlements ${r.settlements}，费用明细 Fee lines ${r.fee_lines}，` +
      `医疗总费用 Total medical fees ${formatYuanGrouped(r.medfee_sumamt)} 元`,
    "",
    line(head),
    line(widths.map((w) => "-".repeat(w))),
    ...body.map(line),
  ];
  if (r.notes.length > 0) out.push("", ...r.notes.map((n) => `注 Note: ${n}`));
  return `${out.join("\n")}\n`;
}

export function reportToJson(r: SimulationReport): Record<string, unknown> {
  const run = (p: PolicyRun) => ({
    policy: policyId(p.policy),
    region_name: p.policy.region_name,
    source: p.source,
    applied_as_insured_region: p.relabelled.persons > 0 ? { persons: p.relabelled.persons, insured_regions: p.relabelled.regions } : null,
  });
  return {
    source: r.source,
    base: run(r.base),
    alt: run(r.alt),
    persons: r.persons,
    settlements: r.settlements,
    fee_lines: r.fee_lines,
    medfee_sumamt: toYuan(r.medfee_sumamt),
    tiers: r.tiers.map((t) => ({
      tier: t.key,
      name: `${t.zh} ${t.en}`,
      base: toYuan(t.base),
      alt: toYuan(t.alt),
      difference: toYuan(t.difference),
      change_percent: t.change_bp === null ? null : t.change_bp / 100,
      settlements_paid: { base: t.base_paid, alt: t.alt_paid },
    })),
    notes: r.notes,
  };
}
