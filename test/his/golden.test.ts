import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Level } from "../../src/domain/codes.js";
import { parseYuan, type Fen } from "../../src/domain/money.js";
import { parseQuantity, priceOfFen } from "../../src/domain/quantity.js";
import { emptyAccumulators } from "../../src/domain/settlement/accumulators.js";
import { settle } from "../../src/domain/settlement/engine.js";
import type { Accumulators, FeeLine, SettlementPerson, SettlementResult } from "../../src/domain/settlement/types.js";
import { shippedCatalogue, shippedPolicy } from "../../src/services/reference/shipped.js";
import { H2, H3, HisSession, makeId, openTestPlatform, type TestPlatform } from "../support/his.js";

/**
 * A whole inpatient stay replayed over the interface for a destitute resident who was settled once already this year,
 * checked twice: against the pure engine fed the same input, and against the golden file (yuan), which was computed
 * independently from settlement-spec.md and checked by hand (see the notes in the file).
 */

const GOLDEN_PERSON = {
  psn_no: "P451000000301",
  certno: makeId("451002", "1948-10-20", 301),
  insutype: "390" as const,
  categories: [{ type: "destitute", begin: "2022-01-01", end: null }],
};

const BED = "001102000010000"; // 床位费(三人间), class 01, cap 40.00
const NURSING1 = "001103000010000"; // 一级护理, class 01, cap 30.00
const NURSING2 = "001103000020000"; // 二级护理, class 01, cap 20.00
const BLOOD = "002501010010000"; // 血细胞分析, class 01, cap 20.00
const CT = "002103000010000"; // CT平扫, class 01, cap 200.00
const CEFTAZIDIME = "XJ01DDA102B008010100296"; // 注射用头孢他啶, class 02, 20%
const CEFTRIAXONE = "XJ01DDA101B023010100606"; // 注射用头孢曲松钠, class 01
const PIPERACILLIN = "XJ01CRA102B001010100409"; // 注射用哌拉西林钠他唑巴坦钠, class 02, 10%
const PCI = "003205000020000"; // 经皮冠状动脉支架置入术, class 01, cap 3,500.00
const STENT = "C03010101001000000001"; // 冠脉药物洗脱支架 (material), class 02, 30%, cap 1,000.00
const THYMOPENTIN = "XL03AXA101B009010100407"; // 注射用胸腺五肽, class 03
const GINSENG = "ZZ9999990000000000001"; // 人参养荣丸(自费), class 03
const INFUSION = "001203000030000"; // 静脉输液, class 01, cap 8.00
const MEROPENEM = "XJ01DHA101B017010100391"; // 注射用美罗培南, class 02, 10%
const NIFEDIPINE = "XC08CAA053A008010100212"; // 硝苯地平控释片, class 02, 10%
const UNLISTED = "X99ZZZ000000000000001"; // not in the catalogue
const TROPONIN = "002503060020000"; // 肌钙蛋白I测定, class 01, cap 60.00
const PCT = "002504010010000"; // 降钙素原测定, class 02, 10%, cap 150.00
const VANCOMYCIN = "XJ01XAA101B012010100328"; // 注射用盐酸万古霉素, class 02, 10%
const GINKGO = "XB01ACA104B004010100620"; // 银杏达莫注射液, class 02, 10%, valid until 2022-06-30

type Item = readonly [sn: string, code: string, pric: number, cnt: number];

/** The earlier stay at H2 (level 2), settled on 2022-02-16. */
const FIRST_STAY: Item[] = [
  ["1", CEFTRIAXONE, 45.67, 200],
  ["2", PIPERACILLIN, 88.88, 100],
  ["3", BED, 40, 6],
  ["4", NURSING2, 20, 6],
  ["5", GINSENG, 58, 5],
];

/** The stay at H3 (level 3): uploads over five days; line 12 is cancelled on day 3 and sent again with the right count. */
const DAYS: { time: string; lines: Item[]; cancel?: string; resend?: Item[] }[] = [
  { time: "2022-05-09 10:00:00", lines: [["1", BED, 50, 1], ["2", NURSING1, 30, 1], ["3", BLOOD, 25, 1], ["4", CT, 200, 1], ["5", CEFTAZIDIME, 37.85, 6]] },
  { time: "2022-05-10 10:00:00", lines: [["6", BED, 50, 1], ["7", NURSING1, 30, 1], ["8", PCI, 3800, 1], ["9", STENT, 1250, 2], ["10", THYMOPENTIN, 128.5, 3], ["11", INFUSION, 8, 3], ["12", MEROPENEM, 150, 4]] },
  {
    time: "2022-05-11 10:00:00",
    lines: [["13", BED, 50, 1], ["14", NURSING1, 30, 1], ["15", CEFTAZIDIME, 37.85, 4.5], ["16", NIFEDIPINE, 3.33, 0.5], ["17", UNLISTED, 66.6, 1]],
    cancel: "12",
    resend: [["12", MEROPENEM, 150, 2]],
  },
  { time: "2022-05-12 10:00:00", lines: [["18", BED, 50, 1], ["19", NURSING1, 30, 1], ["20", TROPONIN, 66, 1], ["21", PCT, 160, 1], ["22", GINKGO, 12.8, 10]] },
  { time: "2022-05-13 10:00:00", lines: [["23", BED, 50, 1], ["24", NURSING1, 30, 1], ["25", CEFTRIAXONE, 45.67, 120], ["26", VANCOMYCIN, 98.76, 30]] },
];
const DISCHARGE = "2022-05-14 09:00:00";
const SETTLE_TIME = "2022-05-14 10:00:00";

const GOLDEN = JSON.parse(readFileSync(new URL("./golden/inpatient-stay.json", import.meta.url), "utf8"));

/** Fields of setlinfo that are money (yuan on the wire, fen in the engine). */
const MONEY = [
  "medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt", "act_pay_dedc", "hifp_pay", "pool_prop_selfpay",
  "cvlserv_pay", "hifes_pay", "hifmi_pay", "hifob_pay", "maf_pay", "hifdm_pay", "oth_pay", "fund_pay_sumamt", "psn_part_amt", "acct_pay",
  "psn_cash_pay", "hosp_part_amt", "balc", "acct_mulaid_pay",
] as const;

let platform: TestPlatform;

beforeAll(async () => {
  platform = await openTestPlatform([GOLDEN_PERSON]);
});
afterAll(() => platform.close());

/** Yuan on the wire → fen, exactly (the wire carries at most two decimals). */
const fen = (yuan: number) => parseYuan(String(yuan), "wire amount");

function wireLine(s: HisSession, mdtrt_id: string, [sn, code, pric, cnt]: Item) {
  const amount = Math.round(Math.round(pric * 100) * cnt) / 100;
  return { feedetl_sn: sn, mdtrt_id, psn_no: GOLDEN_PERSON.psn_no, chrg_bchno: s.clock.time.slice(0, 10), med_list_codg: code, medins_list_codg: code, pric, cnt, det_item_fee_sumamt: amount, fee_ocur_time: s.clock.time };
}

function engineLine(item: Item, wire: { det_item_fee_sumamt: number }): FeeLine {
  const [sn, code, pric, cnt] = item;
  return { feedetl_sn: sn, med_list_codg: code, pric: priceOfFen(fen(pric)), cnt: parseQuantity(String(cnt), "cnt"), det_item_fee_sumamt: fen(wire.det_item_fee_sumamt) };
}

function settleData(mdtrt_id: string, medfee_sumamt: number) {
  return { data: { psn_no: GOLDEN_PERSON.psn_no, mdtrt_id, insutype: "390", medfee_sumamt, med_type: "21", acct_used_flag: "0", mid_setl_flag: "0", psn_setlway: "01" } };
}

/** The engine's run for one stay, as the server must have computed it. */
function engine(person: SettlementPerson, accumulators: Accumulators, mdtrt_id: string, level: Level, setl_time: string, lines: FeeLine[]): SettlementResult {
  return settle({
    policy: shippedPolicy("451000-2022"),
    catalogue: shippedCatalogue("451000"),
    person,
    accumulators,
    encounter: { mdtrt_id, med_type: "21", setl_time, medins_lv: level, mdtrtarea_admvs: "451000", offsite_filing: null, opsp_dise_code: null, acct_used_flag: false },
    lines,
  });
}

/** A setlinfo on the wire, in fen where it is money, without the identifiers the server made up. */
function inFen(setlinfo: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(setlinfo)) out[k] = (MONEY as readonly string[]).includes(k) ? fen(v as number) : v;
  return out;
}

/** setldetail rows on the wire, in fen. */
/** The wire answers an uncapped fund's room as 0 (a client reads a decimal); the engine holds it as null. */
function uncappedAsZero<T extends { crt_payb_lmt_amt: number | null }>(rows: T[]) {
  return rows.map((d) => ({ ...d, crt_payb_lmt_amt: d.crt_payb_lmt_amt ?? 0 }));
}

function detailInFen(rows: Record<string, unknown>[]) {
  return rows.map((d) => ({
    ...d,
    inscp_scp_amt: fen(d.inscp_scp_amt as number),
    crt_payb_lmt_amt: fen(d.crt_payb_lmt_amt as number),
    fund_payamt: fen(d.fund_payamt as number),
  }));
}

function withoutIds(setlinfo: Record<string, unknown>) {
  const { setl_id: _s, mdtrt_id: _m, medins_setl_id: _i, ...rest } = setlinfo;
  return rest;
}

function cum(output: Record<string, unknown>): Record<string, number> {
  return Object.fromEntries((output.cuminfo as { cum_type_code: string; cum: number }[]).map((c) => [c.cum_type_code, c.cum]));
}

describe("golden: a destitute resident's second inpatient stay of the year, replayed over the interface", () => {
  it("settles every amount as the pure engine does and as the golden file says", async () => {
    // The earlier stay, at H2 (level 2).
    const h2 = new HisSession(platform.app, H2, { time: "2022-02-10 09:00:00" });
    await h2.signIn();
    const first = await h2.ok("2401", {
      mdtrtinfo: { psn_no: GOLDEN_PERSON.psn_no, insutype: "390", begntime: h2.clock.time, mdtrt_cert_type: "02", mdtrt_cert_no: GOLDEN_PERSON.certno, med_type: "21", ipt_no: "ZY-G1", adm_diag_dscr: "社区获得性肺炎" },
      diseinfo: [{ diag_type: "1", diag_srt_no: 1, diag_code: "J18.900", diag_name: "肺炎", vali_flag: "1" }],
    });
    const firstId = first.output.result.mdtrt_id as string;
    const firstWire = FIRST_STAY.map((item) => wireLine(h2, firstId, item));
    await h2.ok("2301", { feedetail: firstWire });
    h2.clock.time = "2022-02-16 09:00:00";
    await h2.ok("2402", { dscginfo: { mdtrt_id: firstId, psn_no: GOLDEN_PERSON.psn_no, insutype: "390", endtime: h2.clock.time, dscg_way: "1" }, diseinfo: [] });
    h2.clock.time = "2022-02-16 10:00:00";
    const firstSettle = await h2.ok("2304", settleData(firstId, GOLDEN.first_settlement.medfee_sumamt));

    // The stay at H3 (level 3).
    const his = new HisSession(platform.app, H3, { time: "2022-05-09 09:00:00" });
    await his.signIn();
    const adm = await his.ok("2401", {
      mdtrtinfo: { psn_no: GOLDEN_PERSON.psn_no, insutype: "390", begntime: his.clock.time, mdtrt_cert_type: "02", mdtrt_cert_no: GOLDEN_PERSON.certno, med_type: "21", ipt_no: "ZY-G2", adm_diag_dscr: "急性心肌梗死" },
      diseinfo: [{ diag_type: "1", diag_srt_no: 1, diag_code: "I21.900", diag_name: "急性心肌梗死", vali_flag: "1" }],
    });
    const mdtrt = adm.output.result.mdtrt_id as string;
    const live = new Map<string, { item: Item; wire: ReturnType<typeof wireLine>; split: Record<string, unknown> }>();
    for (const day of DAYS) {
      his.clock.time = day.time;
      const wire = day.lines.map((item) => wireLine(his, mdtrt, item));
      const up = await his.ok("2301", { feedetail: wire });
      day.lines.forEach((item, i) => live.set(item[0], { item, wire: wire[i]!, split: up.output.result[i] }));
      if (day.cancel) {
        const c = await his.ok("2302", { data: { mdtrt_id: mdtrt, psn_no: GOLDEN_PERSON.psn_no, feedetl_sn: day.cancel } });
        expect(c.output.cancelled).toBe(1);
        live.delete(day.cancel);
      }
      if (day.resend) {
        const again = day.resend.map((item) => wireLine(his, mdtrt, item));
        const up2 = await his.ok("2301", { feedetail: again });
        day.resend.forEach((item, i) => live.set(item[0], { item, wire: again[i]!, split: up2.output.result[i] }));
      }
    }
    his.clock.time = DISCHARGE;
    await his.ok("2402", { dscginfo: { mdtrt_id: mdtrt, psn_no: GOLDEN_PERSON.psn_no, insutype: "390", endtime: DISCHARGE, dscg_way: "1" }, diseinfo: [] });
    his.clock.time = SETTLE_TIME;
    const info = await his.ok("1101", { data: { mdtrt_cert_type: "02", certno: GOLDEN_PERSON.certno } });
    const pre = await his.ok("2303", settleData(mdtrt, GOLDEN.setlinfo.medfee_sumamt));
    const setl = await his.ok("2304", settleData(mdtrt, GOLDEN.setlinfo.medfee_sumamt));
    const acc = await his.ok("5206", { data: { psn_no: GOLDEN_PERSON.psn_no, cum_ym: "202205" } });

    // The same input to the pure engine: the first stay from empty accumulators, the second from what the first left.
    const b = info.output.baseinfo;
    const person: SettlementPerson = {
      psn_no: GOLDEN_PERSON.psn_no, insutype: "390", insuplc_admdvs: "451000", balc: 0 as Fen,
      idetinfo: [{ psn_idet_type: "destitute", begntime: "2022-01-01", endtime: null }],
      psn_name: b.psn_name, psn_cert_type: b.psn_cert_type, certno: b.certno, gend: b.gend, naty: b.naty, brdy: b.brdy, age: b.age,
      psn_type: "1501", cvlserv_flag: "0",
    };
    const r1 = engine(person, emptyAccumulators(2022), firstId, "2", "2022-02-16 10:00:00", FIRST_STAY.map((item, i) => engineLine(item, firstWire[i]!)));
    // In the order the lines were stored: line 12, sent again on day 3, after that day's lines.
    const order = [...live.values()];
    const r2 = engine(person, r1.accumulators, mdtrt, "3", SETTLE_TIME, order.map((l) => engineLine(l.item, l.wire)));

    // Against the engine: every field of setlinfo (amounts in fen), every setldetail row, every line's split.
    expect(withoutIds(inFen(firstSettle.output.setlinfo))).toEqual(withoutIds({ ...r1.setlinfo }));
    expect(detailInFen(firstSettle.output.setldetail)).toEqual(uncappedAsZero(r1.setldetail));
    expect(withoutIds(inFen(setl.output.setlinfo))).toEqual(withoutIds({ ...r2.setlinfo }));
    expect(setl.output.setlinfo).toMatchObject({ mdtrt_id: mdtrt, setl_id: expect.stringMatching(/^JS20220514/) });
    expect(detailInFen(setl.output.setldetail)).toEqual(uncappedAsZero(r2.setldetail));
    expect(withoutIds(pre.output.setlinfo)).toEqual(withoutIds(setl.output.setlinfo));
    expect(pre.output.setldetail).toEqual(setl.output.setldetail);
    for (const l of order) {
      const e = r2.lines.find((x) => x.feedetl_sn === l.item[0])!;
      expect([l.split.det_item_fee_sumamt, l.split.fulamt_ownpay_amt, l.split.overlmt_amt, l.split.preselfpay_amt, l.split.inscp_scp_amt].map((v) => fen(v as number)))
        .toEqual([e.det_item_fee_sumamt, e.fulamt_ownpay_amt, e.overlmt_amt, e.preselfpay_amt, e.inscp_scp_amt]);
    }
    const accFen = Object.fromEntries(Object.entries(cum(acc.output)).map(([k, v]) => [k, fen(v)]));
    const { year: _y, chronic_basic_paid_fen: _c, supplementary_base_fen: _sb, supplementary_paid_fen: _sp, ...scalars } = r2.accumulators;
    expect(accFen).toEqual(Object.fromEntries(Object.entries(scalars).map(([k, v]) => [k.replace(/_fen$/, ""), v])));

    // Against the golden file (yuan).
    const pick = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.map((k) => [k, o[k]]));
    expect(pick(firstSettle.output.setlinfo, Object.keys(GOLDEN.first_settlement))).toEqual(GOLDEN.first_settlement);
    expect(withoutIds(setl.output.setlinfo)).toEqual(GOLDEN.setlinfo);
    expect(setl.output.setldetail.map((d: Record<string, unknown>) => pick(d, ["fund_pay_type", "fund_pay_type_name", "inscp_scp_amt", "crt_payb_lmt_amt", "fund_payamt"]))).toEqual(GOLDEN.setldetail);
    expect(order.map((l) => pick(l.split, Object.keys(GOLDEN.lines[0])))).toEqual(GOLDEN.lines);
    expect(cum(acc.output)).toEqual(GOLDEN.accumulators_after);
  });
});
