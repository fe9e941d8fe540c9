import { sql } from "drizzle-orm";
import type { Category } from "../../domain/codes.js";
import { invariant } from "../../domain/errors.js";
import type { Fen } from "../../domain/money.js";
import { dayAfter, lookbackWindow, type LookbackWindow } from "../../domain/monitoring/index.js";
import { selectPolicy, policyId, type MonitoringPolicy, type Policy } from "../../domain/reference/index.js";
import type { Queryable } from "../../store/db.js";
import { array, rowsOf } from "../common/sql.js";

/**
 * What a check reads from the stored settlements, for one person (the hook after a settlement or a reversal) or a batch
 * of them (the scan), in one statement: the window's self-paid total, its largest settlement, the settlements behind it,
 * the categories valid on the check date, and the person's open and latest closed warnings.
 */

/**
 * A settlement's self-paid in-policy burden: inscp_scp_amt less what every fund paid (hifp, hifmi, hifob, maf, oth),
 * reversed settlements excluded by the callers. Never below zero: a supplementary tier that also pays out-of-catalogue
 * costs (oth_pay) can pay more than the in-policy part, and that must not cancel another settlement's burden.
 */
export const SELF_PAID = sql.raw("greatest(0, s.inscp_scp_amt - (s.hifp_pay + s.hifmi_pay + s.hifob_pay + s.maf_pay + s.oth_pay))");

/** The monitoring thresholds for a person of `admdvs` on `date`: the insured region's policy, as settlement picks it. */
export interface MonitoringTerms {
  policy: Policy;
  policy_id: string;
  monitoring: MonitoringPolicy;
  window: LookbackWindow;
}

/** null where the region has no policy for the date, or its policy sets no monitoring: there is nothing to check. */
export function termsFor(policies: readonly Policy[], admdvs: string, date: string): MonitoringTerms | null {
  let policy: Policy;
  try {
    policy = selectPolicy(policies, admdvs, date).policy;
  } catch {
    return null;
  }
  if (!policy.monitoring) return null;
  return { policy, policy_id: policyId(policy), monitoring: policy.monitoring, window: lookbackWindow(date, policy.monitoring.lookback_months) };
}

export interface OpenWarningRow {
  id: number;
  state: string;
  below_threshold: boolean;
  explanation: string;
  setl_ids: string[];
  policy_id: string;
  window_from: string;
  window_to: string;
}

export interface StoredFigures {
  psn_no: string;
  window_self_paid_fen: Fen;
  max_single_self_paid_fen: Fen;
  /** The settlements in force in the window that left the person something to pay, oldest first. */
  setl_ids: string[];
  /** The categories valid on the check date. */
  categories: Category[];
  open: OpenWarningRow | null;
  /** The setl_ids of the latest closed warning, if any. */
  last_closed_setl_ids: string[] | null;
}

const ids = (value: unknown): string[] => {
  const list = typeof value === "string" ? (JSON.parse(value) as unknown) : value;
  return Array.isArray(list) ? list.map(String) : [];
};

interface FiguresRow {
  psn_no: string;
  total: number | string;
  max_single: number | string;
  setl_ids: unknown;
  categories: unknown;
  open_id: number | string | null;
  open_state: string | null;
  open_below: boolean | null;
  open_explanation: string | null;
  open_setl_ids: unknown;
  open_policy_id: string | null;
  open_from: string | null;
  open_to: string | null;
  closed_setl_ids: unknown;
}

/**
 * The figures of each person on `date`, each over their own window (`from`, per person: their policy's lookback). One
 * statement; each person's settlements are read through settlements_psn (psn_no, year) for the years the window touches
 * — a lateral probe per person, whatever the planner's statistics say (see common/sql.ts `array`).
 */
export async function readFigures(q: Queryable, people: readonly { psn_no: string; from: string }[], date: string): Promise<StoredFigures[]> {
  if (people.length === 0) return [];
  const next = dayAfter(date);
  const lastYear = Number(date.slice(0, 4));
  const rows = await rowsOf<FiguresRow>(q, sql`
    select u.psn_no, w.total, w.max_single, w.setl_ids,
      (select coalesce(array_agg(distinct i.psn_idet_type), '{}') from person_identities i
        where i.psn_no = u.psn_no and i.begntime <= ${date}::date and (i.endtime is null or i.endtime >= ${date}::date)) as categories,
      o.id as open_id, o.state as open_state, o.below_threshold as open_below, o.explanation as open_explanation,
      o.setl_ids as open_setl_ids, o.policy_id as open_policy_id,
      o.window_from::text as open_from, o.window_to::text as open_to,
      (select c.setl_ids from warnings c where c.psn_no = u.psn_no and c.state = 'closed' order by c.id desc limit 1) as closed_setl_ids
    from unnest(${array(people.map((p) => p.psn_no), "text")}, ${array(people.map((p) => p.from), "date")}) as u(psn_no, from_date)
    cross join lateral (
      select coalesce(sum(x.self_paid), 0) as total, coalesce(max(x.self_paid), 0) as max_single,
        coalesce(array_agg(x.setl_id order by x.setl_time, x.setl_id) filter (where x.self_paid > 0), '{}') as setl_ids
      from (
        select s.setl_id, s.setl_time, ${SELF_PAID} as self_paid from settlements s
        where s.psn_no = u.psn_no and s.year between extract(year from u.from_date)::int and ${lastYear}::int and s.status = 'settled'
          and s.setl_time >= u.from_date::timestamp and s.setl_time < ${next}::timestamp
        offset 0
      ) x
    ) w
    left join lateral (select * from warnings ow where ow.psn_no = u.psn_no and ow.state <> 'closed' limit 1) o on true`);
  return rows.map((r) => ({
    psn_no: r.psn_no,
    window_self_paid_fen: Number(r.total) as Fen,
    max_single_self_paid_fen: Number(r.max_single) as Fen,
    setl_ids: ids(r.setl_ids),
    categories: ids(r.categories) as Category[],
    open: r.open_id === null
      ? null
      : {
          id: Number(r.open_id), state: r.open_state ?? "new", below_threshold: r.open_below === true, explanation: r.open_explanation ?? "",
          setl_ids: ids(r.open_setl_ids), policy_id: r.open_policy_id ?? "", window_from: r.open_from ?? "", window_to: r.open_to ?? "",
        },
    last_closed_setl_ids: r.closed_setl_ids === null ? null : ids(r.closed_setl_ids),
  }));
}

/**
 * How many persons share each household. persons has no index on household_id, so this is a read of the persons table:
 * the callers ask only where the size can change what is stored (domain householdSizeMatters), and the scan once per batch.
 */
export async function householdSizes(q: Queryable, householdIds: readonly string[]): Promise<Map<string, number>> {
  const wanted = [...new Set(householdIds)];
  if (wanted.length === 0) return new Map();
  const rows = await rowsOf<{ household_id: string; n: number | string }>(q, sql`
    select household_id, count(*) as n from persons where household_id = any(${array(wanted, "text")}) group by household_id`);
  const sizes = new Map(rows.map((r) => [r.household_id, Number(r.n)]));
  for (const h of wanted) invariant((sizes.get(h) ?? 0) >= 1, `household ${h} of a person has no member`);
  return sizes;
}
