/**
 * The stored data the API benchmark reads: the demo (policies, hospitals, catalogue, users, and settled care through the
 * hospital interface itself), then as many persons and settlements as a large region holds, made in SQL from the demo's
 * own settlements (each generated settlement is a copy of a real one, with its funds and steps, for another person at
 * another time), so that the rows have the real shape and size.
 *
 * What is generated, per generated settlement: its encounter, the settlement row (setlinfo, delta and steps as the real
 * one), its settlement_funds rows. Fee lines are copied for one settlement in LINES_EVERY (all of them would be about 15
 * lines × 10,000,000 = 150,000,000 rows, beyond this machine's disk budget); the benchmark asks for settlement pages
 * among those that have lines, so that every page it reads is whole. Ledger postings are not generated: no route measured
 * here reads them. Every generated person has an enrollment in each of the two years.
 *
 * The settlements go in by batches of BATCH, each batch one transaction (a run stopped part-way resumes after the last
 * whole batch). A large load drops the four tables' secondary indexes and builds them again at the end (their
 * definitions are kept in bench_dropped_indexes meanwhile, so that the next run builds them even if this one stopped),
 * and, connected as a superuser, skips the foreign keys' checks (session_replication_role = replica, batch by batch):
 * on this machine that made a batch of 250,000 settlements about three times faster.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../src/store/db.js";
import { rowsOf } from "../src/services/common/sql.js";

export interface ApiDataSizes {
  persons: number;
  settlements: number;
}

/** Fee lines are copied for one generated settlement in this many. */
export const LINES_EVERY = 10;
/** From this many settlements to add, the load drops the secondary indexes and builds them again after. */
const BULK_FROM = 1_000_000;
/** The tables the settlements' load writes. */
const LOADED_TABLES = ["encounters", "settlements", "settlement_funds", "fee_lines"];

/** Generated rows per statement: large enough to be fast, small enough to show progress and keep memory flat. */
const BATCH = 250_000;

/**
 * Birthplaces of the generated persons' ID numbers (Guangdong, Hunan, Yunnan, Guizhou: persons insured in 百色 who were
 * born elsewhere), so that no generated ID number can be one of the demo's (all born in Guangxi or Jiangxi).
 */
const REGIONS = ["440103", "440104", "440105", "440106", "430102", "430103", "430104", "530102", "530103", "530111", "520102", "520103"];
const SURNAMES = ["黄", "韦", "农", "李", "陆", "罗", "梁", "黎", "覃", "杨", "陈", "王", "赵", "潘", "蒙", "岑", "凌", "何", "刘", "莫"];
const GIVEN = ["志", "强", "建", "华", "明", "军", "文", "海", "国", "平", "秀", "英", "兰", "芳", "丽", "美", "玉", "梅", "红", "春"];

const arrayLiteral = (values: readonly string[]) => `array[${values.map((v) => `'${v}'`).join(",")}]`;

/** The generated person of index i (1-based): psn_no, and its certno is computed by the same SQL. */
export const generatedPsnNo = (i: number) => `BP${String(i).padStart(10, "0")}`;

export async function generatedCounts(database: Database): Promise<ApiDataSizes> {
  const [p] = await rowsOf<{ n: number | string }>(database.db, sql`select count(*) as n from persons where psn_no like 'BP%'`);
  const [s] = await rowsOf<{ n: number | string }>(database.db, sql`select count(*) as n from settlements where setl_id like 'BS%'`);
  return { persons: Number(p?.n ?? 0), settlements: Number(s?.n ?? 0) };
}

/**
 * Adds generated persons and settlements up to `sizes` (what is there already is kept: a second run adds nothing).
 * `progress(done, total, what)` is called after each batch.
 */
export async function generateApiData(
  database: Database,
  sizes: ApiDataSizes,
  progress: (done: number, total: number, what: string) => void,
): Promise<void> {
  const run = (text: string) => database.db.execute(sql.raw(text));
  await run(`create or replace function bench_id_check(s text) returns text language sql immutable as $$
    select substr('10X98765432', (sum(substr(s, k, 1)::int * (array[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2])[k]) % 11)::int + 1, 1)
    from generate_series(1, 17) k $$`);
  // The generated person of index i: born on one of 25,000 days from 1940, the ID's sequence from the index's high part.
  await run(`create or replace function bench_certno(i bigint) returns text language sql immutable as $$
    select body || bench_id_check(body) from (select
      (${arrayLiteral(REGIONS)})[1 + (i % ${REGIONS.length})::int]
      || to_char(date '1940-01-01' + (i % 25000)::int, 'YYYYMMDD')
      || lpad(((i / 25000) % 1000)::text, 3, '0') as body) b $$`);

  const have = await generatedCounts(database);
  for (let lo = have.persons + 1; lo <= sizes.persons; lo += BATCH) {
    const hi = Math.min(sizes.persons, lo + BATCH - 1);
    await run(`insert into persons (psn_no, certno, psn_name, gend, brdy, insuplc_admdvs, rural, tel)
      select 'BP' || lpad(i::text, 10, '0'), bench_certno(i),
        (${arrayLiteral(SURNAMES)})[1 + (i % 20)::int] || (${arrayLiteral(GIVEN)})[1 + ((i / 20) % 20)::int]
          || (${arrayLiteral(GIVEN)})[1 + ((i / 400) % 20)::int],
        case when ((i / 25000) % 1000) % 2 = 1 then '1' else '2' end,
        date '1940-01-01' + (i % 25000)::int,
        '451000', (i % 3) <> 0, '139' || lpad((i % 100000000)::text, 8, '0')
      from generate_series(${lo}::bigint, ${hi}::bigint) i`);
    await run(`insert into enrollments (psn_no, insutype, admdvs, year, status, psn_insu_date)
      select 'BP' || lpad(i::text, 10, '0'), case when i % 5 = 0 then '310' else '390' end, '451000', y, 'enrolled', make_date(y, 1, 1)
      from generate_series(${lo}::bigint, ${hi}::bigint) i cross join (values (2025), (2026)) v(y)`);
    progress(hi, sizes.persons, "persons");
  }

  // The demo's settled settlements are the templates, numbered from 0.
  await run(`drop table if exists bench_templates`);
  await run(`create table bench_templates as
    select (row_number() over (order by s.setl_id) - 1)::int as idx, s.setl_id, s.mdtrt_id from settlements s
    where s.status = 'settled' and s.setl_id not like 'BS%'`);
  const [t] = await rowsOf<{ n: number | string }>(database.db, sql`select count(*) as n from bench_templates`);
  const templates = Number(t?.n ?? 0);
  if (templates === 0) throw new Error("the demo has no settlements to copy: was it installed with its care?");
  const persons = sizes.persons;
  if (persons === 0) throw new Error("generated settlements need generated persons");

  // A run stopped part-way through a batch (before batches were transactions) may have left some of the next batch's
  // rows behind: the settlements are counted, their encounters, funds and lines beyond them removed.
  const doneNo = (prefix: string) => `${prefix}${String(have.settlements).padStart(12, "0")}`;
  await run(`delete from fee_lines where mdtrt_id like 'BM%' and mdtrt_id > '${doneNo("BM")}'`);
  await run(`delete from settlement_funds where setl_id like 'BS%' and setl_id > '${doneNo("BS")}'`);
  await run(`delete from encounters where mdtrt_id like 'BM%' and mdtrt_id > '${doneNo("BM")}'`);

  // Many rows to add: the secondary indexes of the four tables are dropped for the load and built again after it (one
  // sort each instead of ten million inserts into each), and the foreign keys' checks are skipped where the bench
  // connects as a superuser (every generated row refers to rows the same statement joined with).
  const bulk = sizes.settlements - have.settlements >= BULK_FROM;
  if (bulk) await dropSecondaryIndexes(database);
  const [su] = await rowsOf<{ rolsuper: boolean }>(database.db, sql`select rolsuper from pg_roles where rolname = current_user`);
  const skipChecks = bulk && su?.rolsuper === true;

  for (let lo = have.settlements + 1; lo <= sizes.settlements; lo += BATCH) {
    const hi = Math.min(sizes.settlements, lo + BATCH - 1);
    // j's person: a spread over the persons (7919 is prime to any count here); its time: spread evenly from
    // 2025-01-01 to 2026-11-30, so that the current year holds about half.
    const gen = `select j, 'BS' || lpad(j::text, 12, '0') as setl_id, 'BM' || lpad(j::text, 12, '0') as mdtrt_id,
        'BP' || lpad((1 + (j * 7919) % ${persons})::text, 10, '0') as psn_no,
        timestamp '2025-01-01 08:00:00' + ((j * 5237) % 699) * interval '1 day' + ((j * 31) % 600) * interval '1 minute' as at,
        t.setl_id as t_setl, t.mdtrt_id as t_mdtrt
      from generate_series(${lo}::bigint, ${hi}::bigint) j join bench_templates t on t.idx = (j % ${templates})::int`;
    // One transaction per batch: a run stopped part-way leaves whole batches only.
    await database.db.transaction(async (tx) => {
      const batch = (text: string) => tx.execute(sql.raw(text));
      if (skipChecks) await batch(`set local session_replication_role = replica`);
      await batch(`insert into encounters (mdtrt_id, psn_no, insutype, fixmedins_code, kind, med_type, mdtrtarea_admvs, insuplc_admdvs,
          opsp_dise_code, ipt_otp_no, begntime, endtime, dscg_way, status, info)
        select g.mdtrt_id, g.psn_no, e.insutype, e.fixmedins_code, e.kind, e.med_type, e.mdtrtarea_admvs, e.insuplc_admdvs,
          e.opsp_dise_code, e.ipt_otp_no, g.at - coalesce(e.endtime - e.begntime, interval '0'),
          case when e.endtime is null then null else g.at end, e.dscg_way, 'settled', e.info
        from (${gen}) g join encounters e on e.mdtrt_id = g.t_mdtrt`);
      await batch(`insert into settlements (setl_id, mdtrt_id, psn_no, fixmedins_code, insutype, med_type, insuplc_admdvs, mdtrtarea_admvs,
          setl_time, year, policy_id, mid_setl_flag, medfee_sumamt, fulamt_ownpay_amt, overlmt_selfpay, preselfpay_amt, inscp_scp_amt,
          act_pay_dedc, hifp_pay, pool_prop_selfpay, hifmi_pay, hifob_pay, maf_pay, oth_pay, fund_pay_sumamt, psn_part_amt, acct_pay,
          psn_cash_pay, balc_after_fen, setlinfo, delta, steps, tilt_category, assistance_category, status, msgid)
        select g.setl_id, g.mdtrt_id, g.psn_no, s.fixmedins_code, s.insutype, s.med_type, s.insuplc_admdvs, s.mdtrtarea_admvs,
          g.at, extract(year from g.at)::int, s.policy_id, s.mid_setl_flag, s.medfee_sumamt, s.fulamt_ownpay_amt, s.overlmt_selfpay,
          s.preselfpay_amt, s.inscp_scp_amt, s.act_pay_dedc, s.hifp_pay, s.pool_prop_selfpay, s.hifmi_pay, s.hifob_pay, s.maf_pay,
          s.oth_pay, s.fund_pay_sumamt, s.psn_part_amt, s.acct_pay, s.psn_cash_pay, s.balc_after_fen,
          s.setlinfo || jsonb_build_object('setl_id', g.setl_id, 'mdtrt_id', g.mdtrt_id, 'psn_no', g.psn_no), s.delta, s.steps,
          s.tilt_category, s.assistance_category, 'settled', null
        from (${gen}) g join settlements s on s.setl_id = g.t_setl`);
      await batch(`insert into settlement_funds (setl_id, fund_pay_type, fund_pay_type_name, inscp_scp_amt, crt_payb_lmt_amt, fund_payamt, setl_proc_info)
        select g.setl_id, f.fund_pay_type, f.fund_pay_type_name, f.inscp_scp_amt, f.crt_payb_lmt_amt, f.fund_payamt, f.setl_proc_info
        from (${gen}) g join settlement_funds f on f.setl_id = g.t_setl`);
      await batch(`insert into fee_lines (mdtrt_id, feedetl_sn, chrg_bchno, med_list_codg, medins_list_codg, pric_fen, cnt_e4, det_item_fee_sumamt,
          fulamt_ownpay_amt, overlmt_amt, preselfpay_amt, inscp_scp_amt, chrgitm_lv, fee_ocur_time, setl_id, cancelled)
        select g.mdtrt_id, l.feedetl_sn, l.chrg_bchno, l.med_list_codg, l.medins_list_codg, l.pric_fen, l.cnt_e4, l.det_item_fee_sumamt,
          l.fulamt_ownpay_amt, l.overlmt_amt, l.preselfpay_amt, l.inscp_scp_amt, l.chrgitm_lv, g.at, g.setl_id, false
        from (${gen}) g join fee_lines l on l.mdtrt_id = g.t_mdtrt and l.setl_id = g.t_setl where g.j % ${LINES_EVERY} = 0`);
    });
    progress(hi, sizes.settlements, "settlements");
  }
  await restoreSecondaryIndexes(database, progress);
  // As autovacuum leaves a database in service: statistics for the planner, and the visibility map that lets a count
  // read an index alone (a freshly loaded table would send every count to the heap).
  for (const table of ["persons", "enrollments", "encounters", "settlements", "settlement_funds", "fee_lines"]) {
    await run(`vacuum (analyze) ${table}`);
    progress(1, 1, `vacuum ${table}`);
  }
}

/**
 * Drops the loaded tables' secondary (non-unique) indexes, keeping each definition in bench_dropped_indexes so that a
 * run stopped before the end builds them again next time (restoreSecondaryIndexes).
 */
async function dropSecondaryIndexes(database: Database): Promise<void> {
  await database.db.execute(sql`create table if not exists bench_dropped_indexes (name text primary key, def text not null)`);
  await database.db.transaction(async (tx) => {
    await tx.execute(sql.raw(`insert into bench_dropped_indexes (name, def)
      select i.relname, pg_get_indexdef(x.indexrelid) from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
      where t.relname in (${LOADED_TABLES.map((n) => `'${n}'`).join(", ")}) and t.relnamespace = 'public'::regnamespace
        and not x.indisunique and not x.indisprimary
      on conflict do nothing`));
    for (const { name } of await rowsOf<{ name: string }>(tx, sql`select name from bench_dropped_indexes order by name`)) {
      await tx.execute(sql.raw(`drop index if exists "${name}"`));
    }
  });
}

/**
 * Builds again the indexes dropped for a load (nothing when none was): called at the end of the load, and by the
 * benchmarks before they measure, so that a load stopped part-way never leaves a database without its indexes.
 */
export async function restoreSecondaryIndexes(
  database: Database,
  progress: (done: number, total: number, what: string) => void = () => undefined,
): Promise<void> {
  const [exists] = await rowsOf<{ t: string | null }>(database.db, sql`select to_regclass('public.bench_dropped_indexes')::text as t`);
  if (!exists?.t) return;
  const dropped = await rowsOf<{ name: string; def: string }>(database.db, sql`select name, def from bench_dropped_indexes order by name`);
  let done = 0;
  for (const { name, def } of dropped) {
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`set local maintenance_work_mem = '512MB'`);
      await tx.execute(sql.raw(def.replace(/^CREATE INDEX /, "CREATE INDEX IF NOT EXISTS ")));
      await tx.execute(sql`delete from bench_dropped_indexes where name = ${name}`);
    });
    progress(++done, dropped.length, `index ${name}`);
  }
}
