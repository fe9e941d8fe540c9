import type { Catalogue, CatalogueEntry } from "../reference/index.js";
import { CHRGITM_NAMES } from "../codes.js";
import { invariant, InvariantError } from "../errors.js";
import { ZERO, type Fen } from "../money.js";
import { applyRatio, formatRatio, RATIO_ZERO } from "../ratio.js";
import { priceOfFen, priceTimesCount, type UnitPrice } from "../quantity.js";
import type { FeeLine, LineSplit } from "./types.js";

/** Step 1 for one line: looked up in the treating region's catalogue as valid on the date of care. */
export function splitLine(line: FeeLine, catalogue: Catalogue, treatingRegion: string, date: string): LineSplit {
  const amount = line.det_item_fee_sumamt ?? priceTimesCount(line.pric, line.cnt);
  const entry = catalogue.find(treatingRegion, line.med_list_codg, date);
  if (!entry || entry.chrgitm_lv === "03") {
    return {
      feedetl_sn: line.feedetl_sn,
      med_list_codg: line.med_list_codg,
      pric: line.pric,
      cnt: line.cnt,
      det_item_fee_sumamt: amount,
      med_list_name: entry?.med_list_name ?? null,
      pric_uplmt_amt: entry?.pric_uplmt_amt ?? null,
      // 丙类 keeps the catalogue's own figure (0 or 1): a HIS compares it with its copy of the catalogue.
      selfpay_prop: entry?.selfpay_prop ?? RATIO_ZERO,
      chrgitm_lv: entry?.chrgitm_lv ?? null,
      list_type: entry?.list_type ?? null,
      fulamt_ownpay_amt: amount,
      overlmt_amt: ZERO,
      preselfpay_amt: ZERO,
      inscp_scp_amt: ZERO,
      memo: entry ? "丙类，全自费" : notListedMemo(treatingRegion, date),
    };
  }
  const cap = entry.pric_uplmt_amt;
  const capPrice = cap === null ? null : priceOfFen(cap);
  // A line whose given amount is below price × count cannot be over its cap by more than its amount.
  const overlmt = capPrice !== null && line.pric > capPrice ? (Math.min(amount, priceTimesCount((line.pric - capPrice) as UnitPrice, line.cnt)) as Fen) : ZERO;
  const preselfpay = applyRatio((amount - overlmt) as Fen, entry.selfpay_prop);
  const inscp = (amount - overlmt - preselfpay) as Fen;
  if (!(inscp >= 0 && overlmt >= 0 && preselfpay >= 0)) throw new InvariantError(`line ${line.feedetl_sn} splits negative`);
  const memo = lineMemo(entry, overlmt > 0);
  return {
    feedetl_sn: line.feedetl_sn,
    med_list_codg: line.med_list_codg,
    pric: line.pric,
    cnt: line.cnt,
    det_item_fee_sumamt: amount,
    med_list_name: entry.med_list_name,
    pric_uplmt_amt: cap,
    selfpay_prop: entry.selfpay_prop,
    chrgitm_lv: entry.chrgitm_lv,
    list_type: entry.list_type,
    fulamt_ownpay_amt: ZERO,
    overlmt_amt: overlmt,
    preselfpay_amt: preselfpay,
    inscp_scp_amt: inscp,
    memo,
  };
}

export interface LineTotals {
  medfee_sumamt: Fen;
  fulamt_ownpay_amt: Fen;
  overlmt_selfpay: Fen;
  preselfpay_amt: Fen;
  inscp_scp_amt: Fen;
}

export function sumLines(lines: readonly LineSplit[]): LineTotals {
  let medfee = 0;
  let fulamt = 0;
  let overlmt = 0;
  let preselfpay = 0;
  let inscp = 0;
  for (const l of lines) {
    medfee += l.det_item_fee_sumamt;
    fulamt += l.fulamt_ownpay_amt;
    overlmt += l.overlmt_amt;
    preselfpay += l.preselfpay_amt;
    inscp += l.inscp_scp_amt;
  }
  invariant(medfee === fulamt + overlmt + preselfpay + inscp, "medfee_sumamt ≠ fulamt + overlmt + preselfpay + inscp");
  return {
    medfee_sumamt: medfee as Fen,
    fulamt_ownpay_amt: fulamt as Fen,
    overlmt_selfpay: overlmt as Fen,
    preselfpay_amt: preselfpay as Fen,
    inscp_scp_amt: inscp as Fen,
  };
}

const memos = new WeakMap<CatalogueEntry, [string, string]>();
function lineMemo(entry: CatalogueEntry, over: boolean): string {
  let m = memos.get(entry);
  if (!m) {
    const words = [CHRGITM_NAMES[entry.chrgitm_lv]];
    const tail = entry.selfpay_prop > 0 ? [`先行自付${formatRatio(entry.selfpay_prop)}`] : [];
    m = [[...words, ...tail].join("，"), [...words, "超限价部分自付", ...tail].join("，")];
    memos.set(entry, m);
  }
  return over ? m[1] : m[0];
}
let lastNotListed = { region: "", date: "", memo: "" };
function notListedMemo(region: string, date: string): string {
  if (lastNotListed.region !== region || lastNotListed.date !== date) {
    lastNotListed = { region, date, memo: `不在就医地${region}医保目录内（${date}），全自费` };
  }
  return lastNotListed.memo;
}
