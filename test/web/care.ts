import type { FastifyInstance } from "fastify";
import { signRequest, type HisCredential } from "../../src/lib/hisSignature.js";
import type { Services } from "../../src/services/common/context.js";
import { demoCredentials } from "../../src/services/identity/hisCredentials.js";

/**
 * A costly inpatient stay settled today through the hospital interface, as a hospital's HIS would send it (signed with
 * the demo hospital's credential, through the guard): 2401 admission, 2301 the bill's one line, 2402 discharge, 2304
 * settlement. The monitor checks the person in the same transaction, so a bill this size raises a warning.
 */

const HOSPITAL = "H45100000001"; // 百色市人民医院, level 3
const CEFTRIAXONE = "XJ01DDA101B023010100606"; // 注射用头孢曲松钠, class 甲 (01) without a price cap

/** Now in China (UTC+8), as the interface's inf_time: YYYY-MM-DD HH:MM:SS. */
function chinaTime(): string {
  const now = new Date(Date.now() + 8 * 3600_000).toISOString();
  return `${now.slice(0, 10)} ${now.slice(11, 19)}`;
}

export class DemoHospital {
  private seq = 0;
  private signNo = "";
  private constructor(private readonly app: FastifyInstance, private readonly credential: HisCredential) {}

  static async open(app: FastifyInstance, services: Services): Promise<DemoHospital> {
    const [credential] = await demoCredentials(services, [HOSPITAL]);
    const hospital = new DemoHospital(app, credential as HisCredential);
    const r = await hospital.ok("9001", { signIn: { opter_no: "E2E", mac: "00-00", ip: "127.0.0.1" } });
    hospital.signNo = String(r.output.signinoutb?.sign_no);
    return hospital;
  }

  private async ok(infno: string, input: Record<string, unknown>) {
    const time = chinaTime();
    this.seq += 1;
    const payload = JSON.stringify({
      infno, msgid: `${HOSPITAL}${time.replace(/[-: ]/g, "")}${String(this.seq).padStart(4, "0")}`, mdtrtarea_admvs: "451000", insuplc_admdvs: "451000",
      recer_sys_code: "E2E", infver: "V1.0", opter_type: "1", opter: "E2E", opter_name: "测试收费员", inf_time: time, fixmedins_code: HOSPITAL,
      fixmedins_name: "", sign_no: this.signNo, input,
    });
    const res = await this.app.inject({
      method: "POST", url: "/fsi/api/rsfComIfsService/callService", payload, headers: { "content-type": "application/json", ...signRequest(this.credential, payload) },
    });
    const answer = res.json() as { infcode: number; err_msg: string | null; output: Record<string, Record<string, unknown>> };
    if (answer.infcode !== 0) throw new Error(`${infno} failed: ${answer.err_msg}`);
    return answer;
  }

  /** A stay of `yuan` (a multiple of 100) for the person, settled now; returns its setl_id. */
  async stay(person: { psn_no: string; certno: string }, yuan: number): Promise<string> {
    const time = chinaTime();
    const iptNo = `E2E${Date.now()}`;
    const adm = await this.ok("2401", {
      mdtrtinfo: { psn_no: person.psn_no, insutype: "390", begntime: time, mdtrt_cert_type: "02", mdtrt_cert_no: person.certno, med_type: "21", ipt_no: iptNo, adm_diag_dscr: "重症肺炎" },
      diseinfo: [{ diag_type: "1", diag_srt_no: 1, diag_code: "J18.900", diag_name: "肺炎", vali_flag: "1" }],
    });
    const mdtrtId = String(adm.output.result?.mdtrt_id);
    const count = yuan / 100;
    await this.ok("2301", {
      feedetail: [{
        feedetl_sn: "1", mdtrt_id: mdtrtId, psn_no: person.psn_no, chrg_bchno: "B1", med_list_codg: CEFTRIAXONE, medins_list_codg: CEFTRIAXONE,
        pric: 100, cnt: count, det_item_fee_sumamt: yuan, fee_ocur_time: time,
      }],
    });
    await this.ok("2402", { dscginfo: { mdtrt_id: mdtrtId, psn_no: person.psn_no, insutype: "390", endtime: time, dscg_way: "1" }, diseinfo: [] });
    const settled = await this.ok("2304", { data: { psn_no: person.psn_no, mdtrt_id: mdtrtId, insutype: "390", medfee_sumamt: yuan, acct_used_flag: "0", mid_setl_flag: "0" } });
    return String(settled.output.setlinfo?.setl_id);
  }
}
