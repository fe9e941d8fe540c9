/** The outpatient visit's flow over the interface. */
import { toYuan, type Fen } from "../domain/money.js";
import { formatDate, formatDateTime } from "./client.js";
import { feePickerFor, intBetween, outpatientDrafts, pad, pick, sumFen, toFeeDetail } from "./fees.js";
import { type FlowContext, type FlowResult, OUTPATIENT_DEPTS, OUTPATIENT_DIAGNOSES, doctor, needText, runFlow } from "./flow.js";


/** A general outpatient visit: 1101 → 2201 → 2203 → 2204 (10 lines) → 2206 → 2207. */
export function outpatientFlow(certno: string, ctx: FlowContext): Promise<FlowResult> {
  return runFlow("outpatient", certno, ctx, async (run, result) => {
    const { client, rng, numbers } = ctx;
    const now = (ctx.now ?? Date.now)();
    const person = await run.person(certno);
    const admdvs = person.insuplc_admdvs;
    const dept = pick(rng, OUTPATIENT_DEPTS);
    const dr = doctor(rng, client.mdtrtareaAdmvs);
    const [diseCodg, diseName] = pick(rng, OUTPATIENT_DIAGNOSES);
    const begnMs = now - intBetween(rng, 10, 50) * 60_000;
    const begntime = formatDateTime(begnMs);
    const iptOtpNo = numbers.next("MZ");

    const registered = await run.step(
      "2201",
      {
        data: {
          psn_no: person.psn_no,
          insutype: person.insutype,
          begntime,
          mdtrt_cert_type: "02",
          mdtrt_cert_no: certno,
          ipt_otp_no: iptOtpNo,
          atddr_no: dr.no,
          dr_name: dr.name,
          dept_code: dept.dept_code,
          dept_name: dept.dept_name,
          caty: dept.caty,
        },
      },
      admdvs,
    );
    const mdtrtId = needText(registered.output, "data.mdtrt_id", "2201");
    result.mdtrtId = mdtrtId;

    await run.step(
      "2203",
      {
        mdtrtinfo: {
          mdtrt_id: mdtrtId,
          psn_no: person.psn_no,
          med_type: "11",
          begntime,
          main_cond_dscr: `${diseName}，就诊`,
          dise_codg: diseCodg,
          dise_name: diseName,
        },
        diseinfo: [
          {
            diag_type: "1",
            diag_srt_no: "1",
            diag_code: diseCodg,
            diag_name: diseName,
            diag_dept: dept.dept_name,
            dise_dor_no: dr.no,
            dise_dor_name: dr.name,
            diag_time: formatDateTime(begnMs + 5 * 60_000),
            vali_flag: "1",
          },
        ],
      },
      admdvs,
    );

    const picker = feePickerFor(ctx.catalogue, formatDate(now));
    const drafts = outpatientDrafts(picker, rng, ctx.level ?? "3", "11");
    const chrgBchno = `${iptOtpNo}01`;
    const feeTime = formatDateTime(begnMs + 10 * 60_000 > now ? now : begnMs + 10 * 60_000);
    const feedetail = drafts.map((d, i) =>
      toFeeDetail(d, {
        feedetl_sn: `${iptOtpNo}${pad(i + 1, 4)}`,
        mdtrt_id: mdtrtId,
        psn_no: person.psn_no,
        chrg_bchno: chrgBchno,
        rxno: `CF${iptOtpNo}`,
        fee_ocur_time: feeTime,
        bilg_dept_codg: dept.dept_code,
        bilg_dr_codg: dr.no,
      }),
    );
    await run.step("2204", { feedetail }, admdvs);

    const total = sumFen(drafts);
    result.medfeeSumamtFen = total;
    const settle = {
      psn_no: person.psn_no,
      mdtrt_cert_type: "02",
      mdtrt_cert_no: certno,
      med_type: "11",
      medfee_sumamt: toYuan(total as Fen),
      psn_setlway: "01",
      mdtrt_id: mdtrtId,
      chrg_bchno: chrgBchno,
      insutype: person.insutype,
      acct_used_flag: person.acct_used_flag,
    };
    await run.settle(["2206", "2207"], settle, total, admdvs, result);
  });
}
