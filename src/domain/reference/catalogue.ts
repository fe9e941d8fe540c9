import { CHRGITM_LEVELS, LIST_TYPES, type ChrgitmLevel, type ListType } from "../codes.js";
import { DomainError } from "../errors.js";
import { parseDate, parseRegionCode, withinValidity } from "../ids.js";
import { parseYuan, type Fen } from "../money.js";
import { parseRatio, RATIO_ONE, RATIO_ZERO, type Ratio } from "../ratio.js";

/** One entry of a region's medical-insurance catalogue (医保目录), valid over [begndate, enddate]. */
export interface CatalogueEntry {
  med_list_codg: string;
  med_list_name: string;
  admdvs: string;
  chrgitm_lv: ChrgitmLevel;
  selfpay_prop: Ratio;
  /** Unit price cap; null means none. */
  pric_uplmt_amt: Fen | null;
  list_type: ListType;
  begndate: string;
  enddate: string | null;
}

export const CATALOGUE_COLUMNS = [
  "med_list_codg",
  "med_list_name",
  "admdvs",
  "chrgitm_lv",
  "selfpay_prop",
  "pric_uplmt_amt",
  "list_type",
  "begndate",
  "enddate",
] as const;

const blank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim() === "");

/** Validates one catalogue row (from CSV text or JSON); `at` prefixes field names, e.g. "catalogue[3]". */
export function parseCatalogueEntry(row: Record<string, unknown>, at = ""): CatalogueEntry {
  const f = (name: string) => (at ? `${at}.${name}` : name);
  const code = typeof row.med_list_codg === "string" ? row.med_list_codg.trim() : "";
  if (!/^[A-Za-z0-9.\-_]{1,50}$/.test(code)) throw new DomainError(f("med_list_codg"), "must be a catalogue code of 1 to 50 letters and digits");
  const level = String(row.chrgitm_lv ?? "").trim();
  if (!(CHRGITM_LEVELS as readonly string[]).includes(level)) throw new DomainError(f("chrgitm_lv"), `must be 01, 02 or 03, got "${level}"`);
  const selfpay = blank(row.selfpay_prop) ? RATIO_ZERO : parseRatio(row.selfpay_prop, f("selfpay_prop"));
  // 甲类 has no self-paid share. 丙类 is paid whole by the patient: national catalogues and HIS systems write 1 (100%), others 0;
  // either means the same (the line goes to fulamt_ownpay_amt), anything between is a mistake.
  if (level === "01" && selfpay !== RATIO_ZERO) throw new DomainError(f("selfpay_prop"), "must be 0 for class 01");
  if (level === "03" && selfpay !== RATIO_ZERO && selfpay !== RATIO_ONE) throw new DomainError(f("selfpay_prop"), "must be 0 or 1 for class 03");
  const listType = blank(row.list_type) ? "drug" : String(row.list_type).trim();
  if (!(LIST_TYPES as readonly string[]).includes(listType)) throw new DomainError(f("list_type"), `must be drug, service or material, got "${listType}"`);
  const begndate = blank(row.begndate) ? "1900-01-01" : parseDate(row.begndate, f("begndate"));
  const enddate = blank(row.enddate) ? null : parseDate(row.enddate, f("enddate"));
  if (enddate !== null && enddate < begndate) throw new DomainError(f("enddate"), "must not be before begndate");
  return {
    med_list_codg: code,
    med_list_name: blank(row.med_list_name) ? code : String(row.med_list_name).trim(),
    admdvs: parseRegionCode(row.admdvs, f("admdvs")),
    chrgitm_lv: level as ChrgitmLevel,
    selfpay_prop: selfpay,
    pric_uplmt_amt: blank(row.pric_uplmt_amt) ? null : parseYuan(row.pric_uplmt_amt, f("pric_uplmt_amt")),
    list_type: listType as ListType,
    begndate,
    enddate,
  };
}

/** The catalogue of one or more regions, looked up by (treating region, code, date of care). */
export class Catalogue {
  /** Treating region → code → entries: two lookups of strings already hashed, no key built per line. */
  private readonly byRegion = new Map<string, Map<string, CatalogueEntry[]>>();

  constructor(entries: Iterable<CatalogueEntry> = []) {
    for (const e of entries) this.add(e);
  }

  add(entry: CatalogueEntry): void {
    let codes = this.byRegion.get(entry.admdvs);
    if (!codes) this.byRegion.set(entry.admdvs, (codes = new Map()));
    const list = codes.get(entry.med_list_codg);
    if (list) list.push(entry);
    else codes.set(entry.med_list_codg, [entry]);
  }

  find(admdvs: string, code: string, date: string): CatalogueEntry | undefined {
    const list = this.byRegion.get(admdvs)?.get(code);
    if (!list) return undefined;
    for (const e of list) if (withinValidity(date, e.begndate, e.enddate)) return e;
    return undefined;
  }

  get size(): number {
    let n = 0;
    for (const codes of this.byRegion.values()) for (const list of codes.values()) n += list.length;
    return n;
  }

  *entries(): IterableIterator<CatalogueEntry> {
    for (const codes of this.byRegion.values()) for (const list of codes.values()) yield* list;
  }
}
