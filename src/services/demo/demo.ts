import { and, eq, inArray, sql } from "drizzle-orm";
import { mulberry32 } from "../../lib/random.js";
import type { CatalogueEntry } from "../../domain/reference/index.js";
import type { Category } from "../../domain/codes.js";
import { residentIdCheckChar } from "../../domain/ids.js";
import { formatYuan, type Fen } from "../../domain/money.js";
import type { Database, Db, Queryable, Tx } from "../../store/db.js";
import { POVERTY_RELIEF_CATEGORIES, recomputeSubsidies, scanDuplicates } from "../enrollment/index.js";
import { demoYears, enrollments, users } from "../../store/schema.js";
import { DEMO_PASSWORD } from "../../domain/identity/index.js";
import { createUser, verifyPassword, type NewUser } from "../identity/index.js";
import { importCatalogue, importFixmedins, importIdentities, importPersons, importRows, importSupplementary, numberedRows } from "../imports/index.js";
import { array, rowsOf } from "../common/sql.js";
import { shippedCatalogueEntries, shippedCatalogueRegions } from "../reference/index.js";

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

/** The tiers' rosters are handed over by these (made up). */
export const DEMO_SUPPLEMENTARY_SOURCES = { huiminbao: "百色惠民保承保公司（演示）", charity: "百色市慈善总会（演示）" } as const;

/** The categories whose families the demo's charity supports. */
const CHARITY_CATEGORIES: readonly Category[] = ["destitute", "orphan", "de_facto_orphan", "minimum_living", "low_income"];

/**
 * Who the demo's supplementary tiers cover in each year of the demo: about a quarter of Baise's insured bought 惠民保
 * (the insurer's roster, the whole year), drawn by a generator of its own so that the persons, categories and care of
 * the demo stay as they were; the charity's list of the year holds every person who was destitute, minimum-living or
 * low-income at some time in it. The README's four persons are on no roster (examples/supplementary-451000.csv enrols
 * three of them). 惠民保's deductible (20,000 yuan a year) is more than the demo's care leaves to anyone, so its
 * settlements say why it paid nothing; the charity (3,000 yuan) pays the heaviest of its families' stays.
 */
export function demoSupplementary(data: DemoData, years: readonly number[]): Record<string, string>[] {
  const random = seededRandom(4_510_013);
  const readme = new Set(DEMO_PERSONS.map((p) => p.certno));
  const rows: Record<string, string>[] = [];
  const row = (p: PersonRecord, tier: keyof typeof DEMO_SUPPLEMENTARY_SOURCES, year: number, begin: string, end: string) =>
    rows.push({ certno: p.certno ?? "", psn_name: p.psn_name ?? "", tier_id: tier, year: String(year), begin_date: begin, end_date: end, source: DEMO_SUPPLEMENTARY_SOURCES[tier] });
  for (const p of data.persons) {
    if (p.insuplc_admdvs !== DEMO_REGION || readme.has(p.certno ?? "")) continue;
    const bought = random() < 0.25;
    const periods = data.identities.filter((i) => i.certno === p.certno && CHARITY_CATEGORIES.includes(i.psn_idet_type as Category));
    for (const year of years) {
      if (bought) row(p, "huiminbao", year, `${year}-01-01`, "");
      // The charity's list is of the year: a person who held a supported category at any time in it is on it all year.
      if (periods.some((c) => c.begntime <= `${year}-12-31` && (c.endtime === "" || c.endtime >= `${year}-01-01`))) row(p, "charity", year, `${year}-01-01`, "");
    }
  }
  return rows;
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
  /** Duplicate-enrollment cases the scan found (the demo plants a few). */
  duplicates: number;
}

/**
 * What a database holds, as far as the demo is concerned: nothing yet (the demo may go in), the demo (and the years of
 * it), or a bureau's own data — which never gets demo data or a demo account, whatever else it lacks.
 */
export type DemoDatabaseState = { state: "empty" } | { state: "demo"; years: number[] } | { state: "other" };

export async function demoDatabaseState(db: Queryable): Promise<DemoDatabaseState> {
  const years = (await db.select({ year: demoYears.year }).from(demoYears).orderBy(demoYears.year)).map((r) => r.year);
  if (years.length > 0) return { state: "demo", years };
  // Policies are recorded at every start and say nothing of whose data this is; every other table of data does.
  const [row] = await rowsOf<{ any: boolean }>(db, sql`select (
    exists (select 1 from persons) or exists (select 1 from fixmedins) or exists (select 1 from catalogue_entries)
    or exists (select 1 from users) or exists (select 1 from enrollments) or exists (select 1 from import_jobs)) as any`);
  return row?.any ? { state: "other" } : { state: "empty" };
}

/** A Database whose statements all run inside one transaction: the seed's imports nest in it as savepoints. */
export function insideTransaction(database: Database, tx: Tx): Database {
  return { ...database, db: tx as unknown as Db };
}

/**
 * Loads the demo into an empty database, in one transaction: a start killed during it leaves nothing, and the next
 * start loads it again. A database with any data of its own is left exactly as it is (and gets no demo account).
 * Run inside a caller's transaction (installDemo, which adds the settled care) it commits with the caller.
 */
export async function seedDemo(database: Database, options: { years?: number[] } = {}): Promise<DemoSeedResult> {
  return database.db.transaction(async (tx) => {
    await lockDemo(tx);
    if ((await demoDatabaseState(tx)).state !== "empty") {
      return { seeded: false, persons: 0, identities: 0, fixmedins: 0, catalogue: 0, contributions: 0, duplicates: 0 };
    }
    return seedEmpty(insideTransaction(database, tx), options.years ?? [...new Set([DEMO_YEAR, chinaYear(new Date())])]);
  });
}

/**
 * Two starts at once on one server database: the second waits here until the first commits, then finds its demo. One
 * key for every writer of the demo (the lock is re-entrant within a transaction: installDemo takes it, seedDemo again).
 */
export async function lockDemo(tx: Queryable): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended('yibao demo', 0))`);
}

/** The calendar year in China (UTC+8), where the bureau is, whatever the server's time zone. */
export function chinaYear(at: Date): number {
  return new Date(at.getTime() + 8 * 3_600_000).getUTCFullYear();
}

async function seedEmpty(database: Database, years: number[]): Promise<DemoSeedResult> {
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
  const supplementary = await importSupplementary(database, numberedRows(demoSupplementary(data, years)));
  fail("supplementary", supplementary.rejected);
  await seedDuplicates(database);
  for (const year of years) {
    const r = await recomputeSubsidies(database, { year });
    contributions += r.initial + r.adjustments;
  }
  await seedPopulation(database, years);
  const duplicates = await scanDuplicates(database.db, { year: DEMO_YEAR });
  await seedDemoUsers(database);
  await database.db.insert(demoYears).values(years.map((year) => ({ year })));
  return { seeded: true, persons, identities: identities.read, fixmedins: hospitals.read, catalogue, contributions, duplicates: duplicates.created };
}

/**
 * A demo database started in a year it has no data of: the demo's insured are enrolled for that year as they were for
 * the latest one (a new year's payment, with its subsidies by category), and the region's registered population is
 * counted for it. Inside the caller's transaction; a year the demo has already is left alone.
 */
export async function extendDemoYear(database: Database, year: number): Promise<{ enrollments: number; contributions: number }> {
  const state = await demoDatabaseState(database.db);
  if (state.state !== "demo") throw new Error("extendDemoYear: this database holds no demo");
  if (state.years.includes(year)) return { enrollments: 0, contributions: 0 };
  const latest = Math.max(...state.years.filter((y) => y < year), DEMO_YEAR);
  const added = await rowsOf<{ n: number | string }>(database.db, sql`
    with added as (
      insert into enrollments (psn_no, insutype, admdvs, year, psn_insu_date)
      select psn_no, insutype, admdvs, ${year}, ${`${year}-01-01`}::date from enrollments where year = ${latest} and status = 'enrolled'
      on conflict do nothing returning 1)
    select count(*) as n from added`);
  const r = await recomputeSubsidies(database, { year });
  // The supplementary rosters of the year, by demoSupplementary's rules: 惠民保 bought again by those who had it, and the
  // charity's list of the persons who hold a supported category at some time in the year.
  await database.db.execute(sql`
    insert into supplementary_enrollments (psn_no, tier_id, year, admdvs, begin_date, end_date, source)
    select psn_no, tier_id, ${year}::integer, admdvs, ${`${year}-01-01`}::date, null::date, source from supplementary_enrollments where year = ${latest} and tier_id = 'huiminbao'
    union all
    select p.psn_no, 'charity', ${year}::integer, p.insuplc_admdvs, ${`${year}-01-01`}::date, null::date, ${DEMO_SUPPLEMENTARY_SOURCES.charity}::text from persons p
    where p.insuplc_admdvs = ${DEMO_REGION} and p.certno <> all(${array(DEMO_PERSONS.map((d) => d.certno), "text")}) and exists (
      select 1 from person_identities i where i.psn_no = p.psn_no and i.psn_idet_type = any(${array(CHARITY_CATEGORIES, "text")})
        and i.begntime <= ${`${year}-12-31`}::date and (i.endtime is null or i.endtime >= ${`${year}-01-01`}::date))
    on conflict do nothing`);
  await seedPopulation(database, [year]);
  await database.db.insert(demoYears).values({ year });
  return { enrollments: Number(added[0]?.n ?? 0), contributions: r.initial + r.adjustments };
}

/**
 * Duplicate enrollment to find and resolve: three Baise residents also enrolled in Nanchang (一人两地), and one Baise
 * employee also enrolled as a resident (职工与居民重复). Inserted as the other region's import would have written them.
 */
async function seedDuplicates(database: Database): Promise<void> {
  const residents = await rowsOf<{ psn_no: string; insutype: string }>(database.db, sql`
    select e.psn_no, e.insutype from enrollments e join persons p on p.psn_no = e.psn_no
    where e.year = ${DEMO_YEAR} and p.insuplc_admdvs = '451000' and p.certno <> all(${array(DEMO_PERSONS.map((d) => d.certno), "text")})
    order by p.certno`);
  const pickEvery = (insutype: string, n: number, step: number) => residents.filter((r) => r.insutype === insutype).filter((_, i) => i % step === 7).slice(0, n);
  const twoRegions = pickEvery("390", 3, 97);
  const employees = pickEvery("310", 1, 53);
  await database.db.insert(enrollments).values([
    ...twoRegions.map((r) => ({ psn_no: r.psn_no, insutype: "390", admdvs: "360100", year: DEMO_YEAR, psn_insu_date: `${DEMO_YEAR}-03-01` })),
    ...employees.map((r) => ({ psn_no: r.psn_no, insutype: "390", admdvs: "451000", year: DEMO_YEAR, psn_insu_date: `${DEMO_YEAR}-02-01` })),
  ]).onConflictDoNothing();
}

/**
 * The registered population (from the statistics bureau, in real life) per region and year: a little above the insured,
 * so that the coverage rates read like the seeds' (about 97% for everyone, 99% and more for the poverty-relief group).
 */
async function seedPopulation(database: Database, years: readonly number[]): Promise<void> {
  const rows: Record<string, string>[] = [];
  for (const year of years) {
    const counts = await rowsOf<{ admdvs: string; insured: number | string; relief: number | string }>(database.db, sql`
      select e.admdvs, count(distinct e.psn_no) as insured,
        count(distinct e.psn_no) filter (where exists (
          select 1 from person_identities i where i.psn_no = e.psn_no and i.psn_idet_type = any(${array(POVERTY_RELIEF_CATEGORIES, "text")}))) as relief
      from enrollments e where e.year = ${year} and e.status = 'enrolled' group by e.admdvs order by e.admdvs`);
    for (const c of counts) {
      const insured = Number(c.insured);
      const relief = Number(c.relief);
      rows.push({ admdvs: c.admdvs, year: String(year), category: "all", count: String(Math.ceil(insured / 0.97)), source: "演示数据 / demo" });
      if (relief > 0) rows.push({ admdvs: c.admdvs, year: String(year), category: "poverty_relief", count: String(relief + 1), source: "演示数据 / demo" });
    }
  }
  const r = await importRows("population", database, numberedRows(rows));
  if (r.rejected.length > 0) throw new Error(`demo population refused: ${r.rejected[0]?.field}: ${r.rejected[0]?.reason}`);
}

/** The demo's accounts (README): one per role in Baise, a clerk of Nanchang, and two insured persons. */
export { DEMO_PASSWORD };
export const DEMO_USERS: readonly Omit<NewUser, "password">[] = [
  { username: "admin", display_name: "百色市医保局管理员", role: "admin", admdvs: "451000" },
  { username: "clerk", display_name: "百色市医保经办员 黄丽", role: "clerk", admdvs: "451000" },
  { username: "auditor", display_name: "百色市医保稽核员 陆军", role: "auditor", admdvs: "451000" },
  { username: "hospital", display_name: "百色市人民医院医保办 罗芳", role: "hospital", admdvs: "451000", fixmedins_code: "H45100000001" },
  { username: "nanchang", display_name: "南昌市医保经办员 王强", role: "clerk", admdvs: "360100" },
];

/** Creates the demo accounts that do not exist yet; called only while the demo is loaded into an empty database. */
export async function seedDemoUsers(database: Database): Promise<number> {
  const insured = await rowsOf<{ psn_no: string; certno: string; psn_name: string; insuplc_admdvs: string }>(database.db, sql`
    select psn_no, certno, psn_name, insuplc_admdvs from persons where certno = any(${array([DEMO_PERSONS[0]?.certno, DEMO_PERSONS[1]?.certno], "text")}) order by certno desc`);
  const accounts: NewUser[] = [
    ...DEMO_USERS.map((u) => ({ ...u, password: DEMO_PASSWORD })),
    // The insured sign in with their ID number.
    ...insured.map((p) => ({ username: p.certno, display_name: p.psn_name, role: "insured" as const, admdvs: p.insuplc_admdvs, psn_no: p.psn_no, password: DEMO_PASSWORD })),
  ];
  const existing = new Set((await rowsOf<{ username: string }>(database.db, sql`select username from users`)).map((u) => u.username));
  let created = 0;
  for (const account of accounts) {
    if (existing.has(account.username)) continue;
    await createUser(database.db, account, { demo: true });
    created += 1;
  }
  return created;
}

/**
 * The accounts that still have the demo's published password (README): while any does, the server should not be
 * reachable from other machines. Only the demo's own user names are tried (a hash each, at start).
 */
export async function accountsWithDemoPassword(db: Queryable): Promise<string[]> {
  const names = [...DEMO_USERS.map((u) => u.username), ...DEMO_PERSONS.map((p) => p.certno)];
  const rows = await db.select({ username: users.username, password_hash: users.password_hash, active: users.active }).from(users).where(inArray(users.username, names));
  const open: string[] = [];
  for (const r of rows) if (r.active && (await verifyPassword(DEMO_PASSWORD, r.password_hash))) open.push(r.username);
  return open.sort();
}

/** Whether any active administrator exists: a bureau's first one comes from `yibao users add … --role admin`. */
export async function hasAdministrator(db: Queryable): Promise<boolean> {
  const [row] = await db.select({ username: users.username }).from(users).where(and(eq(users.role, "admin"), eq(users.active, true))).limit(1);
  return row !== undefined;
}
