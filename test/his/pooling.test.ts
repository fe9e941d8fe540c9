import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ledgerTransfers } from "../../src/store/schema.js";
import { H3, HisSession, makeId, openTestPlatform, type TestPlatform } from "../support/his.js";

/**
 * A prefecture pools its counties: a person insured in 右江区 451002 settles under 百色市 451000's policy, at a
 * hospital of the prefecture without any off-site cut, and is paid from the pool's funds (fund:390100:451000), not
 * from a county account that holds nothing.
 */

const COUNTY = { psn_no: "P451002000001", certno: makeId("451002", "1960-05-05", 41), insutype: "390" as const, admdvs: "451002", categories: [{ type: "destitute", begin: "2022-01-01", end: null }] };
const A01 = "XJ01CAA040A001010100973";
const B02 = "XC08CAA053A008010100212";
const C03 = "ZZ9999990000000000001";

let platform: TestPlatform;
let his: HisSession;

beforeAll(async () => {
  platform = await openTestPlatform([COUNTY]);
  his = new HisSession(platform.app, H3);
  await his.signIn();
});
afterAll(() => platform.close());

const line = (mdtrt_id: string, sn: string, code: string, pric: number, cnt: number) => ({
  feedetl_sn: sn, mdtrt_id, psn_no: COUNTY.psn_no, chrg_bchno: "B1", med_list_codg: code, medins_list_codg: code, pric, cnt,
  det_item_fee_sumamt: Math.round(pric * cnt * 100) / 100, fee_ocur_time: his.clock.time,
});

describe("a county's insured person at a hospital of the prefecture", () => {
  it("settles the worked check as a 451000 person would, paid from the pool's funds", async () => {
    const adm = await his.ok("2401", {
      mdtrtinfo: { psn_no: COUNTY.psn_no, insutype: "390", begntime: "2022-03-01 10:00:00", mdtrt_cert_type: "02", mdtrt_cert_no: COUNTY.certno, med_type: "21", ipt_no: "ZYC1", adm_diag_dscr: "肺炎" },
      diseinfo: [{ diag_type: "1", diag_srt_no: 1, diag_code: "J18.900", diag_name: "肺炎", vali_flag: "1" }],
    });
    const mdtrt = adm.output.result.mdtrt_id as string;
    await his.ok("2301", { feedetail: [line(mdtrt, "1", A01, 100, 100), line(mdtrt, "2", B02, 20, 100), line(mdtrt, "3", C03, 50, 10)] });
    his.clock.time = "2022-03-08 09:00:00";
    await his.ok("2402", { dscginfo: { mdtrt_id: mdtrt, psn_no: COUNTY.psn_no, insutype: "390", endtime: "2022-03-08 09:00:00", dscg_way: "1" }, diseinfo: [] });
    const setl = await his.ok("2304", { data: { psn_no: COUNTY.psn_no, mdtrt_id: mdtrt, insutype: "390", medfee_sumamt: 12500, acct_used_flag: "0", mid_setl_flag: "0" } });
    // The worked check of settlement-spec.md: no off-site cut (the hospital is in the insured person's pool).
    expect(setl.output.setlinfo).toMatchObject({ inscp_scp_amt: 11800, act_pay_dedc: 800, hifp_pay: 7150, maf_pay: 4650, psn_cash_pay: 700, clr_optins: "451000" });
    const postings = await platform.database.db.select().from(ledgerTransfers).where(eq(ledgerTransfers.setl_id, setl.output.setlinfo.setl_id as string));
    expect(postings.map((t) => [t.debit_account, t.amount_fen]).sort()).toEqual([
      [`cash:${COUNTY.psn_no}`, 70000],
      ["fund:390100:451000", 715000],
      ["fund:610100:451000", 465000],
    ]);
    const rev = await his.ok("2305", { data: { mdtrt_id: mdtrt, setl_id: setl.output.setlinfo.setl_id, psn_no: COUNTY.psn_no } });
    expect(rev.output.setlinfo).toMatchObject({ hifp_pay: -7150, maf_pay: -4650, clr_optins: "451000" });
  });
});
