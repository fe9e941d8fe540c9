import type { Handler } from "../types.js";
import {
  admissionCancel, admit, chronicFiling, chronicFilingCancel, dischargeCancel, dischargeHandler, inpatientFeeCancel, inpatientFeeUpload,
  inpatientInfoChange, inpatientPreSettle, inpatientReverse, inpatientSettle, outpatientFeeCancel, outpatientFeeUpload, outpatientPreSettle,
  outpatientRegister, outpatientRegisterCancel, outpatientReverse, outpatientSettle, outpatientVisitInfo, reverseByMessage,
  chronicDrugQuery, chronicFilingsQuery, designatedHospitalsQuery, diagnosesQuery, feeLinesQuery, settlementQuery, staysQuery, visitsQuery,
} from "./settlement/index.js";
import { settlementListStatusQuery, settlementListUpload } from "./settlement/index.js";
import { detailReconcile, fileDownload, fileUpload, totalsReconcile } from "./ledger/index.js";
import { dictionaryQuery, herbalFile, hilistQuery, listMatchQuery, materialFile, priceCapQuery, selfpayQuery, serviceFile, westernDrugFile } from "./reference/index.js";
import { accumulatorsQuery, benefitCheck, personInfo, signIn, signOut, voucherDecode } from "./identity/index.js";
import { matchingCancel, matchingQuery, matchingUpload } from "./reference/index.js";
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
    fileDownload, westernDrugFile, herbalFile, serviceFile, materialFile, hilistQuery, listMatchQuery, priceCapQuery, selfpayQuery, dictionaryQuery,
    settlementListUpload, settlementListStatusQuery,
    matchingUpload, matchingCancel, matchingQuery,
    visitsQuery, diagnosesQuery, settlementQuery, feeLinesQuery, chronicDrugQuery, chronicFilingsQuery, designatedHospitalsQuery, staysQuery,
    ...LETTERED,
  ] as Handler[]).map((h) => [h.infno, h]),
);

/** The lettered variants served, for the words of a refusal of another. */
export const VARIANTS: readonly string[] = LETTERED.map((h) => h.infno);
