/** The inpatient stay's flow over the interface. */
import { toYuan, type Fen } from "../domain/money.js";
import { formatDate, formatDateTime } from "./client.js";
import { type FeeLineDraft, drawStay, feePickerFor, inpatientDrafts, intBetween, pad, pick, sumFen, toFeeDetail } from "./fees.js";
import { type FlowContext, type FlowResult, INPATIENT_DEPTS, INPATIENT_DIAGNOSES, doctor, firstText, runFlow } from "./flow.js";

/** A general inpatient stay: 1101 → 2401 → 2301 (2–4 batches) → 2402 → 2303 → 2304 → 2305 (a share of stays). */
export function inpatientFlow(certno: string, ctx: FlowContext): Promise<FlowResult> {
  return runFlow("inpatient", certno, ctx, async (run, result) => {
    const { client, rng, numbers } = ctx;
    const now = (ctx.now ?? Date.now)();
    const person = await run.person(certno);
    const admdvs = person.insuplc_admdvs;
    const dept = pick(rng, INPATIENT_DEPTS);
    const dr = doctor(rng, client.mdtrtareaAdmvs);
    const chief = doctor(rng, client.mdtrtareaAdmvs);
    const [diseCodg, diseName] = pick(rng, INPATIENT_DIAGNOSES);
    const stay = drawStay(ctx.level ?? "3", rng);
    const endMs = now - intBetween(rng, 1, 30) * 60_000;
    // A stay admitted before the earliest admission allowed (the year the person is enrolled for) is shortened to it.
    const room = ctx.earliestAdmission === undefined ? Infinity : Math.floor((endMs - ctx.earliestAdmission) / 86_400_000);
    const days = Math.max(1, Math.min(stay.days, room));
    const batches = Math.min(days, intBetween(rng, 2, 4));
    const begnMs = Math.max(ctx.earliestAdmission ?? -Infinity, endMs - days * 86_400_000 - intBetween(rng, 0, 6 * 60) * 60_000);
    const begntime = formatDateTime(begnMs);
    const endtime = formatDateTime(endMs);
    const iptNo = numbers.next("ZY");

    const admitted = await run.step(
      "2401",
      {
        mdtrtinfo: {
          psn_no: person.psn_no,
          insutype: person.insutype,
          coner_name: "家属",
          tel: `13${pad(intBetween(rng, 0, 999_999_999), 9)}`,
          begntime,
          mdtrt_cert_type: "02",
          mdtrt_cert_no: certno,
          med_type: "21",
          ipt_no: iptNo,
          medrcdno: `BA${iptNo}`,
          atddr_no: dr.no,
          chfpdr_name: chief.name,
          adm_diag_dscr: diseName,
          adm_dept_codg: dept.dept_code,
          adm_dept_name: dept.dept_name,
          adm_bed: `${intBetween(rng, 1, 60)}床`,
          dscg_maindiag_code: diseCodg,
          dscg_maindiag_name: diseName,
          dise_codg: diseCodg,
          dise_name: diseName,
        },
        diseinfo: [
          {
            psn_no: person.psn_no,
            diag_type: "1",
            maindiag_flag: "1",
            diag_srt_no: "1",
            diag_code: diseCodg,
            diag_name: diseName,
            adm_cond: "",
            diag_dept: dept.dept_name,
            dise_dor_no: dr.no,
            dise_dor_name: dr.name,
            diag_time: begntime,
            vali_flag: "1",
          },
        ],
      },
      admdvs,
    );
    // The interface names the output of 2401 only as mdtrt_id: the national spec's node is result{mdtrt_id, psn_no, ipt_no};
    // data{} (as 2201) and the top level are read too.
    const mdtrtId = firstText(admitted.output, ["result.mdtrt_id", "data.mdtrt_id", "mdtrt_id"], "2401");
    result.mdtrtId = mdtrtId;

    const picker = feePickerFor(ctx.catalogue, formatDate(endMs));
    // A shortened stay costs less: its total scaled by the days it kept.
    const batchDrafts = inpatientDrafts(picker, rng, days, batches, ctx.level ?? "3", Math.round((stay.totalFen * days) / Math.max(days, stay.days)));
    let seq = 0;
    for (let b = 0; b < batchDrafts.length; b++) {
      const drafts = batchDrafts[b] as FeeLineDraft[];
      const feeMs = Math.min(endMs, begnMs + Math.round(((b + 1) * (endMs - begnMs)) / batchDrafts.length) - 60 * 60_000);
      const feedetail = drafts.map((d) => {
        seq += 1;
        return toFeeDetail(d, {
          feedetl_sn: `${iptNo}${pad(seq, 4)}`,
          mdtrt_id: mdtrtId,
          psn_no: person.psn_no,
          chrg_bchno: `${iptNo}${pad(b + 1, 2)}`,
          rxno: `CF${iptNo}${pad(b + 1, 2)}`,
          fee_ocur_time: formatDateTime(Math.max(begnMs, feeMs)),
          bilg_dept_codg: dept.dept_code,
          bilg_dr_codg: dr.no,
          inpatient: { drord_no: `YZ${iptNo}${pad(seq, 4)}`, med_type: "21" },
        });
      });
      await run.step("2301", { feedetail }, admdvs);
    }

    await run.step(
      "2402",
      {
        dscginfo: {
          mdtrt_id: mdtrtId,
          psn_no: person.psn_no,
          insutype: person.insutype,
          endtime,
          dise_codg: diseCodg,
          dise_name: diseName,
          dscg_way: "1",
        },
        diseinfo: [
          {
            mdtrt_id: mdtrtId,
            psn_no: person.psn_no,
            diag_type: "1",
            maindiag_flag: "1",
            diag_srt_no: "1",
            diag_code: diseCodg,
            diag_name: diseName,
            diag_dept: dept.dept_name,
            dise_dor_no: dr.no,
            dise_dor_name: dr.name,
            diag_time: endtime,
            vali_flag: "1",
          },
        ],
      },
      admdvs,
    );

    const total = batchDrafts.reduce((s, drafts) => s + sumFen(drafts), 0);
    result.medfeeSumamtFen = total;
    const settle = {
      psn_no: person.psn_no,
      mdtrt_cert_type: "02",
      mdtrt_cert_no: certno,
      med_type: "21",
      medfee_sumamt: toYuan(total as Fen),
      psn_setlway: "01",
      mdtrt_id: mdtrtId,
      insutype: person.insutype,
      acct_used_flag: person.acct_used_flag,
      mid_setl_flag: "0",
    };
    const setlId = await run.settle(["2303", "2304"], settle, total, admdvs, result);

    if ((ctx.reverseShare ?? 0) > 0 && rng() < (ctx.reverseShare ?? 0)) {
      await run.step("2305", { data: { mdtrt_id: mdtrtId, setl_id: setlId, psn_no: person.psn_no } }, admdvs);
      result.reversed = true;
    }
  });
}
