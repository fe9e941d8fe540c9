import { and, eq, inArray, sql, type SQLWrapper } from "drizzle-orm";
import type { ChrgitmLevel, Level } from "../../domain/codes.js";
import { DomainError, invariant } from "../../domain/errors.js";
import { formatYuan, type Fen } from "../../domain/money.js";
import { medTypeRule, selectPolicy } from "../../domain/reference/index.js";
import { priceOfFen, type Quantity, type UnitPrice } from "../../domain/quantity.js";
import { emptyAccumulators, reverseDelta, settle, storedDelta } from "../../domain/settlement/index.js";
import type { Accumulators, FeeLine, FundStep, SettlementResult } from "../../domain/settlement/index.js";
import type { Queryable } from "../../store/db.js";
import { accumulators, encounters, feeLines, personIdentities, persons, settlementFunds, settlements, supplementaryEnrollments } from "../../store/schema.js";
import type { Services } from "../common/context.js";
import { filingOf, getEncounter, getHospital, writeTogether } from "./encounters.js";
import { newId } from "../common/ids.js";
import { postReversal, settlementTransfers, transfersInsert } from "../ledger/index.js";
import { getPerson, lockPerson, settlementPersonOf, supplementaryTiersCondition, type PersonRow } from "../common/persons.js";
import { jsonRow, rowFromJson, rowsOf } from "../common/sql.js";
import { checkPerson } from "../monitoring/index.js";

export interface SettleRequest {
  kind: "outpatient" | "inpatient";
  mdtrt_id: string;
  psn_no: string;
  fixmedins_code: string;
  insutype: string;
  /** The request's medical type, where given: must be the encounter's (set by 2203/2401). */
  med_type?: string | null;
  /** The hospital's total: must equal the uploaded lines' total. */
  medfee_sumamt: Fen;
  /** 2207/2304 repeat the pre-settlement's parts; where given they must agree too. */
  expected?: Partial<Record<"fulamt_ownpay_amt" | "overlmt_selfpay" | "preselfpay_amt" | "inscp_scp_amt", Fen>>;
  acct_used_flag: boolean;
  mid_setl_flag: boolean;
  setl_time: string;
  msgid: string | null;
  /** false: pre-settlement, which changes nothing. */
  commit: boolean;
}

export interface SettleOutcome {
  setl_id: string | null;
  result: SettlementResult;
}

export async function loadAccumulators(q: Queryable, psnNo: string, year: number): Promise<Accumulators> {
  const [row] = await q.select().from(accumulators).where(and(eq(accumulators.psn_no, psnNo), eq(accumulators.year, year))).limit(1);
  return accumulatorsOf(row, year);
}

function accumulatorsOf(row: typeof accumulators.$inferSelect | undefined, year: number): Accumulators {
  if (!row) return emptyAccumulators(year);
  const { psn_no: _p, updated_at: _u, chronic_basic_paid_fen, supplementary_base_fen, supplementary_paid_fen, ...rest } = row;
  return {
    ...(rest as unknown as Accumulators),
    chronic_basic_paid_fen: chronic_basic_paid_fen as Record<string, Fen>,
    supplementary_base_fen: supplementary_base_fen as Record<string, Fen>,
    supplementary_paid_fen: supplementary_paid_fen as Record<string, Fen>,
  };
}

function accumulatorsUpsert(q: Queryable, psnNo: string, acc: Accumulators) {
  const values = { ...acc, psn_no: psnNo, updated_at: new Date() };
  const { psn_no: _p, year: _y, ...set } = values;
  return q.insert(accumulators).values(values).onConflictDoUpdate({ target: [accumulators.psn_no, accumulators.year], set });
}

type FeeLineRow = typeof feeLines.$inferSelect;

/**
 * What a settlement reads after the person's lock, in one statement: the encounter, its uploaded unsettled lines, the
 * person's identities, supplementary rosters and accumulators of the year, and (for a stay) the deductible its mid-stay
 * settlements met already. Read after the lock, so it sees every settlement of the person committed before.
 */
async function readSettlementInputs(q: Queryable, req: SettleRequest, person: PersonRow, date: string) {
  const year = Number(date.slice(0, 4));
  const [row] = await rowsOf<{
    encounter: Record<string, unknown> | null;
    lines: Record<string, unknown>[];
    identities: Record<string, unknown>[];
    supplementary: string[];
    accumulators: Record<string, unknown> | null;
    earlier_dedc: string | number;
  }>(q, sql`select
    (select ${jsonRow(encounters)} from ${encounters} where ${encounters.mdtrt_id} = ${req.mdtrt_id}) as encounter,
    (select coalesce(json_agg(${jsonRow(feeLines)} order by ${feeLines.id}), '[]'::json) from ${feeLines}
      where ${feeLines.mdtrt_id} = ${req.mdtrt_id} and not ${feeLines.cancelled} and ${feeLines.setl_id} is null) as lines,
    (select coalesce(json_agg(${jsonRow(personIdentities)} order by ${personIdentities.begntime}), '[]'::json) from ${personIdentities}
      where ${personIdentities.psn_no} = ${person.psn_no}) as identities,
    (select coalesce(array_agg(${supplementaryEnrollments.tier_id} order by ${supplementaryEnrollments.tier_id}), '{}'::text[]) from ${supplementaryEnrollments}
      where ${supplementaryTiersCondition(person, date)}) as supplementary,
    (select ${jsonRow(accumulators)} from ${accumulators} where ${accumulators.psn_no} = ${person.psn_no} and ${accumulators.year} = ${year}) as accumulators,
    ${req.kind === "inpatient"
      ? sql`(select coalesce(sum(${settlements.act_pay_dedc}), 0)::bigint from ${settlements} where ${settlements.mdtrt_id} = ${req.mdtrt_id} and ${settlements.status} = 'settled')`
      : sql`0`} as earlier_dedc`);
  invariant(row !== undefined, "the settlement's inputs answered no row");
  return {
    encounter: row.encounter ? rowFromJson(encounters, row.encounter) : null,
    lines: row.lines.map((l) => rowFromJson(feeLines, l)) as FeeLineRow[],
    identities: row.identities.map((i) => rowFromJson(personIdentities, i)),
    supplementary: row.supplementary,
    accumulators: accumulatorsOf(row.accumulators ? rowFromJson(accumulators, row.accumulators) : undefined, year),
    admissionDeductibleCounted: Number(row.earlier_dedc) as Fen,
  };
}

/** 2206/2207 and 2303/2304: the engine over the uploaded, unsettled lines; committed in the caller's transaction. */
export async function settleEncounter(services: Services, q: Queryable, req: SettleRequest): Promise<SettleOutcome> {
  const person = req.commit ? await lockPerson(q, req.psn_no) : await getPerson(q, req.psn_no);
  const date = req.setl_time.slice(0, 10);
  const year = Number(date.slice(0, 4));
  const inputs = await readSettlementInputs(q, req, person, date);
  const e = inputs.encounter;
  if (!e || e.fixmedins_code !== req.fixmedins_code) throw new DomainError("mdtrt_id", `no encounter ${req.mdtrt_id} at ${req.fixmedins_code}`);
  if (e.psn_no !== req.psn_no) throw new DomainError("psn_no", `encounter ${req.mdtrt_id} is not ${req.psn_no}'s`);
  if (e.kind !== req.kind) throw new DomainError("mdtrt_id", `${req.mdtrt_id} is an ${e.kind} encounter`);
  if (e.insutype !== req.insutype) throw new DomainError("insutype", `${req.mdtrt_id} was registered under insutype ${e.insutype}`);
  if (req.med_type && req.med_type !== e.med_type) throw new DomainError("med_type", `${req.med_type} disagrees with the encounter's ${e.med_type} (2203/2401)`);
  if (e.status === "settled") throw new DomainError("mdtrt_id", `${req.mdtrt_id} is settled already`);
  if (e.status === "cancelled") throw new DomainError("mdtrt_id", `${req.mdtrt_id} is cancelled`);
  if (e.kind === "inpatient" && e.status !== "discharged" && !req.mid_setl_flag) {
    throw new DomainError("mdtrt_id", `${req.mdtrt_id} is not discharged (2402); set mid_setl_flag 1 for a mid-stay settlement`);
  }
  const rows = inputs.lines;
  if (rows.length === 0) throw new DomainError("mdtrt_id", `${req.mdtrt_id} has no uploaded, unsettled fee lines`);
  const lines: FeeLine[] = rows.map((r) => ({
    feedetl_sn: r.feedetl_sn,
    med_list_codg: r.med_list_codg,
    pric: (r.pric_e6 ?? priceOfFen(r.pric_fen as Fen)) as UnitPrice,
    cnt: r.cnt_e4 as Quantity,
    det_item_fee_sumamt: r.det_item_fee_sumamt as Fen,
  }));
  const uploaded = lines.reduce((s, l) => s + (l.det_item_fee_sumamt ?? 0), 0);
  if (uploaded !== req.medfee_sumamt) {
    throw new DomainError("medfee_sumamt", `${formatYuan(req.medfee_sumamt)} disagrees with the uploaded lines' total ${formatYuan(uploaded as Fen)}`);
  }

  const hospital = await getHospital(services, q, e.fixmedins_code);
  // Mid-stay settlements of this admission already in force met part of its per-admission deductible.
  const admissionDeductibleCounted = inputs.admissionDeductibleCounted;
  const choice = selectPolicy(services.policies, person.insuplc_admdvs, date);
  // The encounter keeps the national medical type it was sent with; the insured region's policy says under which rule it
  // settles (12 门诊挂号 as 11, 22 外伤住院 as 21), or refuses it as one it does not pay.
  const rule = medTypeRule(choice.policy, e.med_type);
  const result = settle({
    policy: choice.policy,
    catalogue: await services.catalogue(e.mdtrtarea_admvs, q),
    person: settlementPersonOf(person, req.insutype, date, inputs.identities, inputs.supplementary),
    accumulators: inputs.accumulators,
    encounter: {
      mdtrt_id: e.mdtrt_id,
      med_type: rule,
      setl_time: req.setl_time,
      medins_lv: hospital.medins_lv as Level,
      mdtrtarea_admvs: e.mdtrtarea_admvs,
      offsite_filing: filingOf(e),
      opsp_dise_code: e.opsp_dise_code,
      acct_used_flag: req.acct_used_flag,
      admission_deductible_counted_fen: admissionDeductibleCounted,
    },
    lines,
  });
  if (choice.warning) result.warnings.unshift(choice.warning);
  result.setlinfo.med_type = e.med_type;
  for (const [field, value] of Object.entries(req.expected ?? {})) {
    const computed = result.setlinfo[field as keyof typeof req.expected & keyof typeof result.setlinfo] as Fen;
    if (value !== undefined && value !== computed) {
      throw new DomainError(field, `${formatYuan(value)} disagrees with the uploaded lines' ${formatYuan(computed)}`);
    }
  }
  if (!req.commit) return { setl_id: null, result };

  const setlId = newId("JS", req.setl_time);
  const s = result.setlinfo;
  // Every row the settlement writes, in one statement (one round trip): the settlement, its fund steps, the lines it
  // takes, the accumulators, the personal account, the ledger's postings and the encounter's state.
  const transfers = transfersInsert(
    q,
    setlId,
    "settle",
    // The funds are the pool's (the policy's region): a county's insured are paid from the prefecture's 390100, not their own.
    settlementTransfers({ setl_id: setlId, psn_no: person.psn_no, insuplc_admdvs: choice.policy.admdvs, fixmedins_code: e.fixmedins_code, medfee_sumamt: s.medfee_sumamt, acct_pay: s.acct_pay, psn_cash_pay: s.psn_cash_pay }, result.setldetail),
  );
  const writes: SQLWrapper[] = [
    q.insert(settlements).values({
      setl_id: setlId,
      mdtrt_id: e.mdtrt_id,
      psn_no: person.psn_no,
      fixmedins_code: e.fixmedins_code,
      insutype: req.insutype,
      med_type: e.med_type,
      insuplc_admdvs: person.insuplc_admdvs,
      mdtrtarea_admvs: e.mdtrtarea_admvs,
      setl_time: req.setl_time,
      year,
      policy_id: result.policy_id,
      mid_setl_flag: req.mid_setl_flag,
      medfee_sumamt: s.medfee_sumamt,
      fulamt_ownpay_amt: s.fulamt_ownpay_amt,
      overlmt_selfpay: s.overlmt_selfpay,
      preselfpay_amt: s.preselfpay_amt,
      inscp_scp_amt: s.inscp_scp_amt,
      act_pay_dedc: s.act_pay_dedc,
      hifp_pay: s.hifp_pay,
      pool_prop_selfpay: s.pool_prop_selfpay,
      hifmi_pay: s.hifmi_pay,
      hifob_pay: s.hifob_pay,
      maf_pay: s.maf_pay,
      oth_pay: s.oth_pay,
      fund_pay_sumamt: s.fund_pay_sumamt,
      psn_part_amt: s.psn_part_amt,
      acct_pay: s.acct_pay,
      psn_cash_pay: s.psn_cash_pay,
      balc_after_fen: s.balc,
      setlinfo: { ...s, setl_id: setlId },
      delta: result.delta,
      steps: result.steps,
      tilt_category: result.tilt_category,
      assistance_category: result.assistance_category,
      msgid: req.msgid,
    }),
    ...(result.setldetail.length > 0 ? [q.insert(settlementFunds).values(result.setldetail.map((d: FundStep) => ({ ...d, setl_id: setlId })))] : []),
    q.update(feeLines).set({ setl_id: setlId }).where(inArray(feeLines.id, rows.map((r) => r.id))),
    accumulatorsUpsert(q, person.psn_no, result.accumulators),
    ...(s.acct_pay > 0 ? [q.update(persons).set({ balc_fen: s.balc }).where(eq(persons.psn_no, person.psn_no))] : []),
    ...(transfers ? [transfers] : []),
    ...(!req.mid_setl_flag ? [q.update(encounters).set({ status: "settled" }).where(eq(encounters.mdtrt_id, e.mdtrt_id))] : []),
  ];
  await writeTogether(q, writes);
  // The split answered at upload is re-stored only where the date of settlement changed it (a catalogue entry's validity).
  for (const r of rows) {
    const split = result.lines.find((l) => l.feedetl_sn === r.feedetl_sn);
    invariant(split !== undefined, "a settled line lost its split");
    if (
      split.fulamt_ownpay_amt !== r.fulamt_ownpay_amt ||
      split.overlmt_amt !== r.overlmt_amt ||
      split.preselfpay_amt !== r.preselfpay_amt ||
      split.inscp_scp_amt !== r.inscp_scp_amt
    ) {
      await q
        .update(feeLines)
        .set({
          fulamt_ownpay_amt: split.fulamt_ownpay_amt,
          overlmt_amt: split.overlmt_amt,
          preselfpay_amt: split.preselfpay_amt,
          inscp_scp_amt: split.inscp_scp_amt,
          chrgitm_lv: split.chrgitm_lv as ChrgitmLevel | null,
        })
        .where(eq(feeLines.id, r.id));
    }
  }
  // The early warning of catastrophic spending (高额医疗费用预警) is checked in this transaction: one statement unless near a threshold.
  await checkPerson(services, q, person, date, { kind: "settlement", setl_id: setlId });
  return { setl_id: setlId, result };
}

export interface ReverseRequest {
  setl_id: string;
  mdtrt_id: string;
  psn_no: string;
  fixmedins_code: string;
  msgid: string | null;
  /** The reversal's time (the message's inf_time): the date the early warning is checked again on. */
  reversal_time: string;
}

/** 2208/2305: restores the accumulators, the personal account and the ledger exactly; the lines may be settled again. */
export async function reverseSettlement(services: Services, q: Queryable, req: ReverseRequest) {
  const person = await lockPerson(q, req.psn_no);
  const [row] = await q.select().from(settlements).where(eq(settlements.setl_id, req.setl_id)).limit(1);
  if (!row || row.fixmedins_code !== req.fixmedins_code) throw new DomainError("setl_id", `no settlement ${req.setl_id} at ${req.fixmedins_code}`);
  if (row.mdtrt_id !== req.mdtrt_id) throw new DomainError("mdtrt_id", `settlement ${req.setl_id} is not of encounter ${req.mdtrt_id}`);
  if (row.psn_no !== req.psn_no) throw new DomainError("psn_no", `settlement ${req.setl_id} is not ${req.psn_no}'s`);
  if (row.status !== "settled") throw new DomainError("setl_id", `settlement ${req.setl_id} is reversed already`);

  const acc = await loadAccumulators(q, person.psn_no, row.year);
  await accumulatorsUpsert(q, person.psn_no, reverseDelta(acc, storedDelta(row.delta)));
  if (row.acct_pay > 0) await q.update(persons).set({ balc_fen: person.balc_fen + row.acct_pay }).where(eq(persons.psn_no, person.psn_no));
  await postReversal(q, row.setl_id);
  await q.update(settlements).set({ status: "reversed", reversed_at: new Date(), reversal_msgid: req.msgid }).where(eq(settlements.setl_id, row.setl_id));
  await q.update(feeLines).set({ setl_id: null }).where(eq(feeLines.setl_id, row.setl_id));
  const e = await getEncounter(q, row.mdtrt_id, row.fixmedins_code);
  if (e.status === "settled") {
    await q.update(encounters).set({ status: e.kind === "inpatient" ? (e.endtime ? "discharged" : "admitted") : "registered" }).where(eq(encounters.mdtrt_id, e.mdtrt_id));
  }
  // A reversal may take the person back under every threshold: the warning says so (it is never deleted).
  await checkPerson(services, q, person, req.reversal_time.slice(0, 10), { kind: "reversal", setl_id: row.setl_id });
  return { ...row, status: "reversed", balc_after_fen: person.balc_fen + row.acct_pay };
}
