import type { Handler } from "../types.js";
import { chronicFiling, chronicFilingCancel } from "./chronic.js";
import { fileUpload } from "./files.js";
import {
  admissionCancel, admit, dischargeCancel, dischargeHandler, inpatientFeeCancel, inpatientFeeUpload, inpatientInfoChange,
  outpatientFeeCancel, outpatientFeeUpload, outpatientRegister, outpatientRegisterCancel, outpatientVisitInfo,
} from "./encounters.js";
import { accumulatorsQuery, benefitCheck, personInfo, voucherDecode } from "./persons.js";
import { detailReconcile, totalsReconcile } from "./reconcile.js";
import { reverseByMessage } from "./reversal.js";
import {
  inpatientPreSettle, inpatientReverse, inpatientSettle, outpatientPreSettle, outpatientReverse, outpatientSettle,
} from "./settlement.js";
import { signIn, signOut } from "./signin.js";
import { LETTERED } from "./variants.js";

/** Every transaction Yibao answers, by infno. */
export const HANDLERS: ReadonlyMap<string, Handler> = new Map(
  ([
    signIn, signOut, personInfo, voucherDecode, benefitCheck,
    outpatientRegister, outpatientRegisterCancel, outpatientVisitInfo, outpatientFeeUpload, outpatientFeeCancel,
    outpatientPreSettle, outpatientSettle, outpatientReverse,
    admit, dischargeHandler, inpatientInfoChange, admissionCancel, dischargeCancel,
    inpatientFeeUpload, inpatientFeeCancel, inpatientPreSettle, inpatientSettle, inpatientReverse,
    chronicFiling, chronicFilingCancel, reverseByMessage, totalsReconcile, detailReconcile, accumulatorsQuery, fileUpload,
    ...LETTERED,
  ] as Handler[]).map((h) => [h.infno, h]),
);

/** The lettered variants served, for the words of a refusal of another. */
export const VARIANTS: readonly string[] = LETTERED.map((h) => h.infno);
