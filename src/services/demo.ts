import { sql } from "drizzle-orm";
import { mulberry32 } from "../lib/random.js";
import type { CatalogueEntry } from "../domain/catalogue/catalogue.js";
import type { Category } from "../domain/codes.js";
import { residentIdCheckChar } from "../domain/ids.js";
import { formatYuan, type Fen } from "../domain/money.js";
import type { Database } from "../store/db.js";
import { recomputeSubsidies } from "./enrollment.js";
import { importCatalogue, importFixmedins, importIdentities, importPersons, numberedRows, rowsOf } from "./imports.js";
import { shippedCatalogueEntries, shippedCatalogueRegions } from "./reference.js";

/**
 * The demo region: Baise (百色, 451000) with a thousand synthetic insured persons, a few of Nanchang (南昌, 360100),
 * hospitals of the three levels and the shipped catalogues. Everything is made up: the ID numbers are valid by
 * GB 11643 but belong to nobody, the names are random pairs of common characters. A seeded generator makes the same
 * demo everywhere. Loaded through the import services, so it is exactly what an import of the same rows would give.
 * The facts the enrollment-subsidy rules read (rural, disability, serious illness, household income) come from a second
 * generator, so that adding them left the persons and categories of the first one as they were.
 */

export const DEMO_REGION = "451000";
/** The year of the shipped policies; persons are enrolled for it and for the current year. */
export const DEMO_YEAR = 2022;

export interface DemoPerson {
  certno: string;
  psn_name: string;
  insutype: "310" | "390";
  category: Category | null;
}

/** A resident ID number from its parts: region (6), birth date (YYYYMMDD), sequence 0–999 (odd male, even female). */
export function syntheticResidentId(region: string, birth: string, sequence: number): string {
  const first17 = `${region}${birth}${String(sequence).padStart(3, "0")}`;
  return first17 + residentIdCheckChar(first17);
}

/** Persons the README and tests can name: a destitute resident, a resident without category, an employee with 2,000 yuan, a monitored resident. */
export const DEMO_PERSONS: readonly DemoPerson[] = [
  { certno: syntheticResidentId("451026", "19480312", 24), psn_name: "韦秀兰", insutype: "390", category: "destitute" },
  { certno: syntheticResidentId("451002", "19750820", 31), psn_name: "黄建华", insutype: "390", category: null },
  { certno: syntheticResidentId("451002", "19821105", 57), psn_name: "李明远", insutype: "310", category: null },
  { certno: syntheticResidentId("451081", "19900618", 62), psn_name: "农丽芳", insutype: "390", category: "monitored" },
];

export const DEMO_FIXMEDINS = [
  { fixmedins_code: "H45100000001", fixmedins_name: "百色市人民医院", medins_lv: "3", admdvs: "451000" },
  { fixmedins_code: "H45100000002", fixmedins_name: "右江区人民医院", medins_lv: "2", admdvs: "451000" },
  { fixmedins_code: "H45100000003", fixmedins_name: "那坡县龙合乡卫生院", medins_lv: "1", admdvs: "451000" },
  { fixmedins_code: "H36010000001", fixmedins_name: "南昌市第一医院", medins_lv: "3", admdvs: "360100" },
] as const;

const BAISE_COUNTIES = ["451002", "451003", "451022", "451024", "451026", "451027", "451028", "451029", "451030", "451031", "451081", "451082"];
const NANCHANG_DISTRICTS = ["360102", "360103", "360104", "360111", "360112", "360113", "360121"];
export const SURNAMES = ["黄", "韦", "农", "李", "陆", "罗", "梁", "黎", "覃", "杨", "陈", "王", "赵", "潘", "蒙", "岑", "凌", "何", "刘", "莫"];
export const MALE_CHARACTERS = ["志", "强", "建", "华", "明", "军", "文", "海", "国", "平", "永", "德", "成", "林", "福", "宝", "东", "勇", "光", "荣"];
export const FEMALE_CHARACTERS = ["秀", "英", "兰", "芳", "丽", "美", "玉", "梅", "红", "春", "霞", "燕", "桂", "琴", "凤", "娟", "萍", "艳", "花", "珍"];
const EMPLOYERS = ["百色演示物流有限公司", "百色演示建材有限公司", "右江区演示小学", "田阳演示农业合作社", "平果演示铝业有限公司", "百色市演示服务中心"];

/** mulberry32: small, fast and good enough for made-up data; the same seed gives the same demo. */
export const seededRandom = mulberry32;

type PersonRecord = Record<string, string>;
type IdentityRecord = { certno: string; psn_idet_type: string; begntime: string; endtime: string };

interface DemoData {
  persons: PersonRecord[];
  identities: IdentityRecord[];
}

/** The demo's persons and categories, generated afresh (deterministic). */
export function demoData(): DemoData {
  const random = seededRandom(451000);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const used = new Set(DEMO_PERSONS.map((p) => p.certno));
  const persons: PersonRecord[] = [];
  const identities: IdentityRecord[] = [];

  // The subsidy facts: a generator of their own (see above).
  const factsRandom = seededRandom(4_510_004);
  const residentFacts = (income: [number, number]) => ({
    rural: factsRandom() < 0.75 ? "1" : "0",
    disability_level: factsRandom() < 0.04 ? String(1 + Math.floor(factsRandom() * 4)) : "",
    serious_illness: factsRandom() < 0.05 ? "1" : "0",
    household_income: formatYuan((Math.round((income[0] + factsRandom() * (income[1] - income[0])) / 10) * 1000) as Fen),
  });
  const NO_FACTS = { rural: "0", disability_level: "", serious_illness: "0", household_income: "" };

  const phone = () => `1${pick(["3", "5", "7", "8"])}${int(0, 9)}${String(int(0, 99_999_999)).padStart(8, "0")}`;
  const nameOf = (surname: string, male: boolean) => {
    const chars = male ? MALE_CHARACTERS : FEMALE_CHARACTERS;
    return surname + pick(chars) + (random() < 0.6 ? pick(chars) : "");
  };
  const idOf = (region: string, birthYear: number, male: boolean) => {
    for (;;) {
      const month = int(1, 12);
      const birth = `${birthYear}${String(month).padStart(2, "0")}${String(int(1, 28)).padStart(2, "0")}`;
      const sequence = int(0, 499) * 2 + (male ? 1 : 0);
      const id = syntheticResidentId(region, birth, sequence);
      if (!used.has(id)) {
        used.add(id);
        return id;
      }
    }
  };
  const brdyOf = (id: string) => `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  type Facts = typeof NO_FACTS;
  const person = (p: { certno: string; name: string; insutype: string; region: string; tel?: string; emp?: string; balc?: string; household?: string; facts?: Facts }) => {
    persons.push({
      certno: p.certno,
      psn_name: p.name,
      gend: Number(p.certno[16]) % 2 === 1 ? "1" : "2",
      brdy: brdyOf(p.certno),
      insutype: p.insutype,
      insuplc_admdvs: p.region.slice(0, 4) + "00",
      tel: p.tel ?? "",
      emp_name: p.emp ?? "",
      balc: p.balc ?? "",
      household_id: p.household ?? "",
      ...(p.facts ?? NO_FACTS),
    });
  };
  const category = (certno: string, type: Category, begntime = `${DEMO_YEAR}-01-01`, endtime = `${DEMO_YEAR}-12-31`) =>
    identities.push({ certno, psn_idet_type: type, begntime, endtime });

  // The well-known persons first.
  const [destitute, plain, employee, monitored] = DEMO_PERSONS as [DemoPerson, DemoPerson, DemoPerson, DemoPerson];
  person({
    certno: destitute.certno, name: destitute.psn_name, insutype: "390", region: "451026", household: "HH451000000001",
    facts: { rural: "1", disability_level: "", serious_illness: "0", household_income: "2400.00" },
  });
  // Their categories stay valid (open end), so the walk-through works for any date of care from 2022 on.
  category(destitute.certno, "destitute", `${DEMO_YEAR}-01-01`, "");
  person({
    certno: plain.certno, name: plain.psn_name, insutype: "390", region: "451002", tel: "13807760001", household: "HH451000000002",
    facts: { rural: "0", disability_level: "", serious_illness: "0", household_income: "18000.00" },
  });
  person({ certno: employee.certno, name: employee.psn_name, insutype: "310", region: "451002", tel: "13907760002", emp: EMPLOYERS[0], balc: "2000.00" });
  person({
    certno: monitored.certno, name: monitored.psn_name, insutype: "390", region: "451081", tel: "15807760003", household: "HH451000000003",
    facts: { rural: "1", disability_level: "", serious_illness: "0", household_income: "4800.00" },
  });
  category(monitored.certno, "monitored", `${DEMO_YEAR}-01-01`, "");

  // Residents come in households, which share a surname, a county, a telephone and (mostly) a category.
  const householdCategories: [Category | null, number][] = [
    [null, 0.69], ["minimum_living", 0.07], ["low_income", 0.06], ["monitored", 0.05], ["lifted", 0.09], ["illness_impoverished", 0.04],
  ];
  let household = 3;
  let baise = persons.length;
  while (baise < 1000) {
    // Households average about three persons: 42% of draws being employees makes about a fifth of persons employees.
    if (random() < 0.42) {
      // An employee (职工), with a personal-account balance.
      const male = random() < 0.55;
      const certno = idOf(pick(BAISE_COUNTIES), int(1965, 2003), male);
      const balc = formatYuan(int(0, 800_000) as Fen);
      person({ certno, name: nameOf(pick(SURNAMES), male), insutype: "310", region: certno.slice(0, 6), tel: phone(), emp: pick(EMPLOYERS), balc });
      baise++;
      continue;
    }
    const region = pick(BAISE_COUNTIES);
    const surname = pick(SURNAMES);
    const id = `HH451000${String(++household).padStart(6, "0")}`;
    const roll = random();
    if (roll < 0.08) {
      // A single destitute elder, or a child without carers.
      const child = random() < 0.5;
      const male = random() < 0.5;
      const certno = idOf(region, child ? int(2006, 2019) : int(1935, 1962), male);
      person({ certno, name: nameOf(surname, male), insutype: "390", region, household: id, facts: residentFacts([0, 3000]) });
      const type: Category = child ? (random() < 0.5 ? "orphan" : "de_facto_orphan") : "destitute";
      category(certno, type, random() < 0.8 ? `${DEMO_YEAR}-01-01` : `${DEMO_YEAR}-0${int(2, 9)}-01`, `${DEMO_YEAR}-12-31`);
      baise++;
      continue;
    }
    let r = random();
    let type: Category | null = null;
    for (const [t, share] of householdCategories) {
      if (r < share) {
        type = t;
        break;
      }
      r -= share;
    }
    // Most periods cover the demo year; some start during it (open-ended), some end during it.
    const shape = random();
    const begntime = shape < 0.7 ? `${DEMO_YEAR}-01-01` : shape < 0.85 ? `${DEMO_YEAR}-0${int(2, 9)}-01` : `${DEMO_YEAR - 1}-01-01`;
    const endtime = shape < 0.7 ? `${DEMO_YEAR}-12-31` : shape < 0.85 ? "" : `${DEMO_YEAR}-06-30`;
    const tel = random() < 0.8 ? phone() : "";
    const size = Math.min(int(1, 5), 1000 - baise);
    for (let m = 0; m < size; m++) {
      // The first two are the parents' generation, then children or grandparents.
      const male = m === 0 ? random() < 0.6 : m === 1 ? random() < 0.4 : random() < 0.5;
      const year = m < 2 ? int(1955, 1995) : random() < 0.7 ? int(2000, 2021) : int(1935, 1955);
      const certno = idOf(region, year, male);
      const facts = residentFacts(type === null || type === "lifted" ? [6000, 40_000] : [1500, 6000]);
      person({ certno, name: nameOf(m < 2 || random() < 0.8 ? surname : pick(SURNAMES), male), insutype: "390", region, tel, household: id, facts });
      if (type) {
        category(certno, type, begntime, endtime);
        // Lifted households were monitored until the period began.
        if (type === "lifted" && shape < 0.3) category(certno, "monitored", `${DEMO_YEAR - 1}-01-01`, `${DEMO_YEAR - 1}-12-31`);
      }
      baise++;
    }
  }

  // A few insured persons of Nanchang (cross-region care).
  for (let i = 0; i < 12; i++) {
    const male = random() < 0.5;
    const employee = i % 3 === 0;
    const certno = idOf(pick(NANCHANG_DISTRICTS), employee ? int(1970, 2000) : int(1940, 2015), male);
    person({
      certno,
      name: nameOf(pick(["胡", "万", "熊", "涂", "邓", "徐", "吴", "周"]), male),
      insutype: employee ? "310" : "390",
      region: certno.slice(0, 6),
      tel: phone(),
      ...(employee ? { emp: "南昌演示科技有限公司", balc: formatYuan(int(0, 500_000) as Fen) } : { facts: residentFacts([5000, 50_000]) }),
    });
    if (i === 1) category(certno, "minimum_living");
  }
  return { persons, identities };
}

function catalogueRecord(e: CatalogueEntry): Record<string, string> {
  return {
    med_list_codg: e.med_list_codg,
    med_list_name: e.med_list_name,
    admdvs: e.admdvs,
    chrgitm_lv: e.chrgitm_lv,
    selfpay_prop: String(e.selfpay_prop / 1_000_000),
    pric_uplmt_amt: e.pric_uplmt_amt === null ? "" : formatYuan(e.pric_uplmt_amt),
    list_type: e.list_type,
    begndate: e.begndate,
    enddate: e.enddate ?? "",
  };
}

export interface DemoSeedResult {
  seeded: boolean;
  persons: number;
  identities: number;
  fixmedins: number;
  catalogue: number;
  /** Contribution rows written (initial and adjustments) for the resident enrollments. */
  contributions: number;
}

/** Loads the demo into a database that has no persons yet; a database with persons is left as it is. */
export async function seedDemo(database: Database, options: { years?: number[] } = {}): Promise<DemoSeedResult> {
  const [state] = await rowsOf<{ any: boolean }>(database.db, sql`select exists (select 1 from persons) as any`);
  if (state?.any) return { seeded: false, persons: 0, identities: 0, fixmedins: 0, catalogue: 0, contributions: 0 };
  const years = options.years ?? [...new Set([DEMO_YEAR, new Date().getFullYear()])];

  const fail = (what: string, rejected: { row: number; field: string; reason: string }[]) => {
    // The demo is generated valid; a refusal is a bug in this file or a changed rule.
    if (rejected.length > 0) throw new Error(`demo ${what} refused: row ${rejected[0]?.row} ${rejected[0]?.field}: ${rejected[0]?.reason}`);
  };
  let catalogue = 0;
  for (const region of shippedCatalogueRegions()) {
    const r = await importCatalogue(database, numberedRows(shippedCatalogueEntries(region).map(catalogueRecord)));
    fail("catalogue", r.rejected);
    catalogue += r.inserted + r.updated + r.unchanged;
  }
  const hospitals = await importFixmedins(database, numberedRows(DEMO_FIXMEDINS.map((f) => ({ ...f }))));
  fail("fixmedins", hospitals.rejected);

  const data = demoData();
  let persons = 0;
  // Contributions wait for the categories: the demo's persons start with the subsidy they hold on the day they paid, and
  // only a category gained later in the year shows as an adjustment (当月参保、次月资助).
  for (const year of years) {
    const r = await importPersons(database, numberedRows(data.persons), { year, contributions: false });
    fail("persons", r.rejected);
    persons = r.read;
  }
  const identities = await importIdentities(database, numberedRows(data.identities));
  fail("identities", identities.rejected);
  let contributions = (identities.subsidies?.initial ?? 0) + (identities.subsidies?.adjustments ?? 0);
  for (const year of years) {
    const r = await recomputeSubsidies(database, { year });
    contributions += r.initial + r.adjustments;
  }
  return { seeded: true, persons, identities: identities.read, fixmedins: hospitals.read, catalogue, contributions };
}
