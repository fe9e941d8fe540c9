import type { z } from "zod";
import type { Handler } from "../types.js";
import { inpatientPreSettle, inpatientSettle, outpatientPreSettle, outpatientSettle, outpatientVisitInfo } from "./settlement/index.js";
import { SETTLEMENT_LIST_INPUT_A, settlementListUpload } from "./settlement/index.js";

/**
 * Lettered variants of the national interface (新版 transactions that many provinces switched to): the same use case as
 * the plain number, with the differences the document gives them. Each answers as its plain transaction; the message log
 * keeps the infno sent, so 2601 reverses it by that name.
 */
function variant<S extends z.ZodType>(of: Handler<S>, letter: string, differences: string, input: S = of.input): Handler<S> {
  return { ...of, infno: `${of.infno}${letter}`, variantOf: of.infno, differences, input };
}

/** 2203A carries the diagnoses with the visit: a visit without one is refused, as the document makes diseinfo required. */
const visitWithDiagnoses = (outpatientVisitInfo.input as z.ZodObject<{ mdtrtinfo: z.ZodType; diseinfo: z.ZodType }>).superRefine((v, ctx) => {
  const list = (v as { diseinfo?: unknown[] }).diseinfo ?? [];
  if (list.length === 0) ctx.addIssue({ code: "custom", path: ["diseinfo"], message: "2203A carries the visit's diagnoses: at least one is required" });
});

export const LETTERED: readonly Handler[] = [
  variant(outpatientVisitInfo, "A", "diseinfo is required (at least one diagnosis): the visit and its diagnoses in one message", visitWithDiagnoses as unknown as typeof outpatientVisitInfo.input),
  variant(outpatientPreSettle, "A", "the same input as 2206 (mid_setl_flag may be sent; an outpatient visit settles once)"),
  variant(outpatientSettle, "A", "carries mid_setl_flag (ignored for an outpatient visit, which settles once) and the parts fulamt_ownpay_amt, overlmt_selfpay, preselfpay_amt, inscp_scp_amt, which must agree with the lines"),
  variant(inpatientPreSettle, "A", "the same input as 2303; mid_setl_flag 1 pre-settles a mid-stay settlement"),
  variant(inpatientSettle, "A", "the same input as 2304; mid_setl_flag 1 settles mid-stay (中途结算) and leaves the stay open"),
  variant(settlementListUpload, "A", "the list as most provinces send it: the same nodes, with bldinfo (输血) and a procedure's oprn_oprt_begntime/oprn_oprt_endtime for its date; payinfo is not sent (the funds are the settlement's), and iteminfo may be left out: the fees by category are then the settlement's own lines, each in the 收费项目类别 2301 answered for it", SETTLEMENT_LIST_INPUT_A as unknown as typeof settlementListUpload.input),
] as Handler[];
