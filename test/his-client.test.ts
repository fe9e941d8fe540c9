import { createHash, createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { SIGNED_HEADERS, signatureMatches } from "../src/lib/hisSignature.js";
import {
  asResponseEnvelope,
  formatDateTime,
  formatMsgid,
  HisClient,
  HisInterfaceError,
  HisTargetError,
  HisTransportError,
  isLoopbackHost,
  loopbackServiceUrl,
  MsgidClock,
  type HisRequestEnvelope,
} from "../src/simulator/client.js";
import {
  BED_CODE,
  checkSettlement,
  CONSULTATION_CODE,
  countsForMix,
  FeePicker,
  HospitalNumbers,
  inpatientDrafts,
  LatencyRecorder,
  loadFeeCatalogue,
  NURSING_CODE,
  outpatientDrafts,
  parseMix,
  parsePersonsList,
  percentile,
  PersonPool,
  runSimulation,
  schedule,
  seededRng,
  toFeeDetail,
  type FeeLineDraft,
} from "../src/simulator/flows.js";
import { csvRecords } from "../src/lib/csv.js";

const URL_OK = "http://127.0.0.1:8080";
const HOSPITAL = "H45100000001";
/** 2022-03-04 05:06:07 Beijing time = 2022-03-03 21:06:07 UTC. */
const T0 = Date.UTC(2022, 2, 3, 21, 6, 7);

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

describe("msgid", () => {
  it("is fixmedins_code (12) + yyyyMMddHHmmss (14, Beijing time) + sequence (4)", () => {
    const client = new HisClient({ url: URL_OK, fixmedinsCode: HOSPITAL, clock: new MsgidClock(() => T0) });
    const a = client.nextMsgid();
    const b = client.nextMsgid();
    expect(a).toHaveLength(30);
    expect(a).toBe("H45100000001202203040506070000");
    expect(b).toBe("H45100000001202203040506070001");
    expect(formatMsgid(HOSPITAL, Math.floor(T0 / 1000), 42)).toBe("H45100000001202203040506070042");
  });

  it("gives 50,000 distinct, well-formed ids in one frozen second, rolling the time forward past 9999", () => {
    const client = new HisClient({ url: URL_OK, fixmedinsCode: HOSPITAL, clock: new MsgidClock(() => T0) });
    const ids = Array.from({ length: 50_000 }, () => client.nextMsgid());
    expect(new Set(ids).size).toBe(50_000);
    for (const id of ids) expect(id).toMatch(/^H45100000001\d{14}\d{4}$/);
    expect(ids[9_999]).toBe("H45100000001202203040506079999");
    expect(ids[10_000]).toBe("H45100000001202203040506080000");
    expect(ids[49_999]).toBe("H45100000001202203040506119999");
    // Strictly increasing: time then sequence never repeats nor goes back.
    for (let i = 1; i < ids.length; i++) expect((ids[i] as string) > (ids[i - 1] as string)).toBe(true);
  });

  it("never repeats when the wall clock steps back, and follows it again once it is ahead", () => {
    let now = T0;
    const clock = new MsgidClock(() => now);
    const seen = new Set<string>();
    const take = () => {
      const { second, seq } = clock.next();
      const id = formatMsgid(HOSPITAL, second, seq);
      expect(seen.has(id)).toBe(false);
      seen.add(id);
      return id;
    };
    take();
    take();
    now = T0 - 5_000; // NTP steps the clock back
    expect(take()).toBe("H45100000001202203040506070002");
    now = T0 + 3_000;
    expect(take()).toBe("H45100000001202203040506100000");
  });

  it("is unique across concurrent clients of one hospital in this process (they share its clock), with the real clock", () => {
    const clients = Array.from({ length: 5 }, (_, i) => new HisClient({ url: URL_OK, fixmedinsCode: "H45100000099", opter: `op${i}` }));
    const ids: string[] = [];
    for (let i = 0; i < 10_000; i++) ids.push((clients[i % 5] as HisClient).nextMsgid());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^H45100000099\d{18}$/);
  });

  it("refuses a fixmedins_code that is not 12 characters", () => {
    expect(() => new HisClient({ url: URL_OK, fixmedinsCode: "H451000001" })).toThrow(/12 capital letters/);
  });
});

describe("request envelope", () => {
  const client = new HisClient({
    url: URL_OK,
    fixmedinsCode: HOSPITAL,
    fixmedinsName: "百色市人民医院",
    opter: "0007",
    opterName: "收费员七",
    devNo: "DEV07",
    clock: new MsgidClock(() => T0),
    now: () => T0,
  });

  it("carries every field of the interface, in its fixed values", () => {
    const input = { data: { psn_no: "45000000000000000001" } };
    const r = client.buildRequest("2201", input, { insuplcAdmdvs: "451002" });
    expect(r).toEqual({
      infno: "2201",
      msgid: expect.stringMatching(/^H45100000001\d{18}$/),
      mdtrtarea_admvs: "451000",
      insuplc_admdvs: "451002",
      recer_sys_code: "YIBAO",
      dev_no: "DEV07",
      dev_safe_info: "",
      cainfo: "",
      signtype: "SM3",
      infver: "V1.0",
      opter_type: "1",
      opter: "0007",
      opter_name: "收费员七",
      inf_time: "2022-03-04 05:06:07",
      fixmedins_code: HOSPITAL,
      fixmedins_name: "百色市人民医院",
      sign_no: "",
      input,
    } satisfies HisRequestEnvelope);
    expect(client.buildRequest("1101", {}).insuplc_admdvs).toBe("");
    expect(() => client.buildRequest("22", {})).toThrow(/4 digits/);
  });

  it("formats inf_time in Beijing time", () => {
    expect(formatDateTime(Date.UTC(2022, 11, 31, 16, 0, 0))).toBe("2023-01-01 00:00:00");
  });

  it("POSTs JSON to the service path, keeps sign_no from 9001, and sends it afterwards", async () => {
    const sent: { url: string; body: HisRequestEnvelope; init: RequestInit }[] = [];
    const fake = (async (url: string | URL | Request, init?: RequestInit) => {
      const body = JSON.parse(String(init?.body)) as HisRequestEnvelope;
      sent.push({ url: String(url), body, init: init as RequestInit });
      if (body.infno === "9001") return json({ infcode: 0, output: { signinoutb: { sign_no: "SN-123", sign_time: "x" } } });
      return json({ infcode: "0", inf_refmsgid: "R1", output: { ok: true } });
    }) as typeof fetch;
    const c = new HisClient({ url: "http://localhost:9/", fixmedinsCode: HOSPITAL, fetch: fake });
    await c.signIn({ mac: "02-00-00-00-00-01", ip: "127.0.0.1" });
    expect(c.signNo).toBe("SN-123");
    const answer = await c.call("1101", { data: { certno: "x" } });
    expect(answer.infcode).toBe(0);
    expect(sent[0]?.url).toBe("http://localhost:9/fsi/api/rsfComIfsService/callService");
    expect(sent[0]?.body.input).toEqual({ signIn: { opter_no: "0001", mac: "02-00-00-00-00-01", ip: "127.0.0.1" } });
    expect(sent[0]?.body.sign_no).toBe("");
    expect(sent[1]?.body.sign_no).toBe("SN-123");
    expect(sent[1]?.init.method).toBe("POST");
    expect(sent[1]?.init.redirect).toBe("error");
  });

  it("throws the err_msg when infcode is -1, unless asked not to", async () => {
    const fake = (async () => json({ infcode: -1, err_msg: "人员不存在" })) as typeof fetch;
    const c = new HisClient({ url: URL_OK, fixmedinsCode: HOSPITAL, fetch: fake });
    const error = await c.call("1101", {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HisInterfaceError);
    expect((error as HisInterfaceError).errMsg).toBe("人员不存在");
    expect((error as Error).message).toMatch(/^1101 failed \(infcode -1, msgid H45100000001\d{18}\): 人员不存在$/);
    expect((await c.call("1101", {}, { throwOnError: false })).err_msg).toBe("人员不存在");
  });

  it("says so when the answer is not an envelope", async () => {
    const html = (async () => new Response("<html>502</html>", { status: 502 })) as typeof fetch;
    const c = new HisClient({ url: URL_OK, fixmedinsCode: HOSPITAL, fetch: html });
    await expect(c.call("1101", {})).rejects.toThrow(HisTransportError);
    await expect(c.call("1101", {})).rejects.toThrow(/HTTP 502, not JSON/);
    expect(asResponseEnvelope({ output: {} })).toMatch(/no integer infcode/);
    expect(asResponseEnvelope({ infcode: "-1" })).toEqual({ infcode: -1 });
  });
});

describe("timeouts", () => {
  it("give up on a server that does not answer, saying so", async () => {
    const hang = ((_url: string | URL | Request, init?: RequestInit) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)))) as typeof fetch;
    const c = new HisClient({ url: URL_OK, fixmedinsCode: HOSPITAL, fetch: hang, timeoutMs: 50 });
    await expect(c.call("2207", {})).rejects.toThrow(/2207 \(msgid H45100000001\d{18}\): request to .* failed: no answer within 50 ms/);
  });
});

describe("loopback-only guard", () => {
  it.each([
    "http://127.0.0.1:8080",
    "http://localhost:8080",
    "http://LOCALHOST",
    "http://[::1]:8080",
    "http://127.5.6.7",
    "http://0x7f.1:8080", // WHATWG URL reads it as 127.0.0.1
    "http://[::ffff:127.0.0.1]:8080",
    "https://127.0.0.1/gw/fsi/api/rsfComIfsService/callService",
  ])("accepts %s", (url) => {
    expect(() => loopbackServiceUrl(url)).not.toThrow();
    expect(() => new HisClient({ url, fixmedinsCode: HOSPITAL })).not.toThrow();
  });

  it.each([
    "http://10.0.0.1:8080",
    "http://192.168.1.10",
    "http://example.com",
    "http://0.0.0.0:8080",
    "http://[::]:8080",
    "http://127.0.0.1.nip.io",
    "http://localhost.example.com",
    "http://foo.localhost",
    "http://[::ffff:10.0.0.1]",
    "http://8.8.8.8",
  ])("refuses %s, before any request", (url) => {
    let called = false;
    const fake = (async () => {
      called = true;
      return json({ infcode: 0 });
    }) as typeof fetch;
    expect(() => new HisClient({ url, fixmedinsCode: HOSPITAL, fetch: fake })).toThrow(HisTargetError);
    expect(() => loopbackServiceUrl(url)).toThrow(/only sends requests to this machine/);
    expect(called).toBe(false);
  });

  it("refuses other schemes and non-URLs", () => {
    expect(() => loopbackServiceUrl("ftp://127.0.0.1/")).toThrow(/http/);
    expect(() => loopbackServiceUrl("127.0.0.1:8080")).toThrow(HisTargetError);
    expect(() => loopbackServiceUrl("not a url")).toThrow(/not a URL/);
  });

  it("appends the service path unless it is given", () => {
    expect(loopbackServiceUrl("http://127.0.0.1:8080").href).toBe("http://127.0.0.1:8080/fsi/api/rsfComIfsService/callService");
    expect(loopbackServiceUrl("http://127.0.0.1:8080/gw/").href).toBe("http://127.0.0.1:8080/gw/fsi/api/rsfComIfsService/callService");
    expect(loopbackServiceUrl("http://127.0.0.1/x/callService").pathname).toBe("/x/callService");
    expect(isLoopbackHost("127.0.0.1")).toBe(true);
    expect(isLoopbackHost("128.0.0.1")).toBe(false);
  });
});

describe("fee lines", () => {
  const catalogue = loadFeeCatalogue("451000");
  const csvCodes = new Set(
    csvRecords(readFileSync(new URL("../catalogues/451000.csv", import.meta.url), "utf8")).records.map((r) => r.med_list_codg),
  );
  const caps = new Map(catalogue.items.map((i) => [i.med_list_codg, i.capFen]));
  const picker = new FeePicker(catalogue, "2022-06-15");

  /** Yuan text with at most two decimals → fen, exactly (no floating point). */
  const fenOf = (yuan: number) => {
    const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(String(yuan));
    if (!m) throw new Error(`not yuan with at most two decimals: ${yuan}`);
    return Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
  };
  const tenthsOf = (cnt: number) => {
    const m = /^(\d+)(?:\.(\d))?$/.exec(String(cnt));
    if (!m) throw new Error(`not a count with at most one decimal: ${cnt}`);
    return Number(m[1]) * 10 + Number(m[2] ?? "0");
  };

  const address = (i: number) => ({
    feedetl_sn: `MZ${i}`,
    mdtrt_id: "M1",
    psn_no: "P1",
    chrg_bchno: "B1",
    rxno: "RX1",
    fee_ocur_time: "2022-06-15 09:00:00",
    bilg_dept_codg: "0301",
    bilg_dr_codg: "D45100000100",
  });

  function checkWire(drafts: FeeLineDraft[]) {
    for (const [i, d] of drafts.entries()) {
      const w = toFeeDetail(d, address(i));
      const pric = fenOf(w.pric);
      const amount = fenOf(w.det_item_fee_sumamt);
      const tenths = tenthsOf(w.cnt);
      expect(tenths).toBeGreaterThan(0);
      // round(pric × cnt) to the fen, half up: pric fen × tenths / 10.
      expect(amount).toBe(Math.floor((pric * tenths + 5) / 10));
      expect(csvCodes.has(w.med_list_codg)).toBe(true);
      expect(w.medins_list_codg).toMatch(/^(YP|ZL|CL)\d{6}$/);
      expect(w.rx_circ_flag).toBe("0");
      expect(w.hosp_appr_flag).toBe("1");
      expect(w.rxno).toBe(d.item.list_type === "drug" ? "RX1" : "");
    }
  }

  it("outpatient: the consultation, then drugs, labs and the like (src/simulator/bills.ts), amounts in yuan with at most two decimals", () => {
    let overCap = 0;
    let oneDecimal = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const drafts = outpatientDrafts(picker, seededRng(seed));
      expect(drafts.length).toBeGreaterThanOrEqual(2);
      expect(drafts.length).toBeLessThanOrEqual(12);
      expect(drafts[0]?.item.med_list_codg).toBe(CONSULTATION_CODE);
      expect(drafts.filter((d) => d.item.list_type === "drug").length).toBeGreaterThanOrEqual(1);
      expect(new Set(drafts.map((d) => d.item.med_list_codg)).size).toBe(drafts.length);
      checkWire(drafts);
      for (const d of drafts) {
        const cap = caps.get(d.item.med_list_codg);
        if (cap !== null && cap !== undefined && d.pricFen > cap) overCap += 1;
        if (d.cntTenths % 10 !== 0) oneDecimal += 1;
      }
    }
    expect(overCap).toBeGreaterThan(0);
    expect(oneDecimal).toBeGreaterThan(0);
  });

  it("inpatient: bed and nursing per batch for the batch's days, drugs, labs, and materials in the first batch", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rng = seededRng(seed);
      const days = 2 + (seed % 8);
      const batches = Math.min(days, 2 + (seed % 3));
      const all = inpatientDrafts(picker, rng, days, batches);
      expect(all).toHaveLength(batches);
      let bedDays = 0;
      for (const batch of all) {
        const bed = batch.find((d) => d.item.med_list_codg === BED_CODE);
        const nursing = batch.find((d) => d.item.med_list_codg === NURSING_CODE);
        expect(bed && nursing).toBeTruthy();
        expect(bed?.cntTenths).toBe(nursing?.cntTenths);
        bedDays += (bed?.cntTenths ?? 0) / 10;
        expect(batch.some((d) => d.item.list_type === "drug")).toBe(true);
        expect(batch.some((d) => /^002[56]/.test(d.item.med_list_codg))).toBe(true);
        checkWire(batch);
      }
      expect(bedDays).toBe(days);
      const materials = all.map((batch) => batch.filter((d) => d.item.list_type === "material").length);
      expect(materials[0]).toBeGreaterThanOrEqual(1);
      expect(materials.slice(1).every((n) => n === 0)).toBe(true);
    }
  });

  it("2301 lines carry init_feedetl_sn, drord_no and med_type 21", () => {
    const [d] = outpatientDrafts(picker, seededRng(7));
    const w = toFeeDetail(d as FeeLineDraft, { ...address(0), inpatient: { drord_no: "YZ1", med_type: "21" } });
    expect(w).toMatchObject({ init_feedetl_sn: "", drord_no: "YZ1", med_type: "21" });
    expect("med_type" in toFeeDetail(d as FeeLineDraft, address(0))).toBe(false);
  });

  it("uses only items valid on the date of care", () => {
    const early = new FeePicker(catalogue, "2022-06-30");
    expect(early.byCode.has("002505010100000")).toBe(false); // valid from 2022-07-01
    expect(() => early.item("002505010100000")).toThrow(/not valid on 2022-06-30/);
    expect(new FeePicker(catalogue, "2022-07-01").byCode.has("002505010100000")).toBe(true);
    // Every material is valid from 2021: a stay in 2020 cannot have its material line.
    expect(() => new FeePicker(catalogue, "2020-06-01")).toThrow(/no materials valid on 2020-06-01/);
  });
});

describe("settlement checks", () => {
  const setl = (over: Record<string, unknown> = {}) => ({
    setlinfo: {
      medfee_sumamt: 100.5,
      fulamt_ownpay_amt: "10.00",
      overlmt_selfpay: 0.5,
      preselfpay_amt: 5,
      inscp_scp_amt: 85,
      psn_part_amt: 40,
      acct_pay: 15.25,
      psn_cash_pay: 24.75,
      ...over,
    },
  });
  it("reads the four parts and checks that they add up to what was uploaded", () => {
    expect(checkSettlement(setl(), "2206", 10050)).toEqual({
      medfee_sumamt: 10050,
      fulamt_ownpay_amt: 1000,
      overlmt_selfpay: 50,
      preselfpay_amt: 500,
      inscp_scp_amt: 8500,
    });
    expect(() => checkSettlement(setl(), "2206", 10051)).toThrow(/medfee_sumamt 100.50 ≠ the 100.51 uploaded/);
    expect(() => checkSettlement(setl({ inscp_scp_amt: 85.01 }), "2207", 10050)).toThrow(/≠ medfee_sumamt/);
    expect(() => checkSettlement(setl({ psn_cash_pay: 1 }), "2207", 10050)).toThrow(/psn_part_amt/);
    expect(() => checkSettlement({ setlinfo: {} }, "2303", 0)).toThrow(/2303: the answer has no output.setlinfo.medfee_sumamt/);
  });
});

describe("percentiles", () => {
  it("are nearest-rank", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([1, 2, 3], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([], 50)).toBeNull();
    expect(() => percentile([1], 101)).toThrow();
  });

  it("are computed per infno over answered calls, errors counted", () => {
    const r = new LatencyRecorder();
    for (let i = 1; i <= 200; i++) r.add({ infno: "2207", latencyMs: i, ok: true });
    r.add({ infno: "2207", latencyMs: null, ok: false });
    r.add({ infno: "1101", latencyMs: 3, ok: false });
    const s = r.summary();
    expect(Object.keys(s)).toEqual(["1101", "2207"]);
    expect(s["2207"]).toMatchObject({ count: 201, errors: 1, p50: 100, p95: 190, p99: 198, max: 200, mean: 100.5 });
    expect(s["1101"]).toMatchObject({ count: 1, errors: 1, p50: 3 });
  });
});

describe("run plan and persons", () => {
  it("parses the mix and turns it into exact counts", () => {
    expect(parseMix("outpatient=0.8,inpatient=0.2")).toEqual({ outpatient: 0.8, inpatient: 0.2 });
    expect(parseMix("inpatient=1")).toEqual({ outpatient: 0, inpatient: 1 });
    expect(parseMix("outpatient=3, inpatient=1")).toEqual({ outpatient: 0.75, inpatient: 0.25 });
    expect(() => parseMix("pharmacy=1")).toThrow(/unknown flow/);
    expect(() => parseMix("outpatient=0")).toThrow(/more than 0/);
    expect(countsForMix(10, parseMix("outpatient=0.8,inpatient=0.2"))).toEqual({ outpatient: 8, inpatient: 2 });
    const kinds = schedule({ outpatient: 30, inpatient: 7 }, seededRng(1));
    expect(kinds.filter((k) => k === "inpatient")).toHaveLength(7);
    expect(kinds).toHaveLength(37);
  });

  it("reads a persons file: one certno per line, blanks and # comments skipped", () => {
    expect(parsePersonsList("# demo\n450000199001010011\r\n\n  450000199001010022  \n")).toEqual([
      "450000199001010011",
      "450000199001010022",
    ]);
  });

  it("hands persons out strictly round-robin, never one to two flows at once", async () => {
    const pool = new PersonPool(["a", "b", "c"]);
    const a = await pool.acquire();
    const b = await pool.acquire();
    pool.release(a.index);
    const c = await pool.acquire();
    expect([a.certno, b.certno, c.certno]).toEqual(["a", "b", "c"]);
    expect((await pool.acquire()).certno).toBe("a"); // a is free again
    let got: string | undefined;
    const waiting = pool.acquire().then((p) => (got = p.certno)); // b's turn, b is busy
    pool.release(c.index); // c freed: the flow still waits for b
    await Promise.resolve();
    expect(got).toBeUndefined();
    pool.release(b.index);
    await waiting;
    expect(got).toBe("b");
    expect((await pool.acquire()).certno).toBe("c");
    const controller = new AbortController();
    const cut = pool.acquire(controller.signal); // a, busy
    controller.abort(new Error("stop"));
    await expect(cut).rejects.toThrow("stop");
  });

  it("numbers the hospital's documents uniquely", () => {
    const n = new HospitalNumbers(seededRng(3));
    expect(n.next("MZ")).toMatch(/^MZ[0-9A-Z]{4}00000001$/);
    expect(n.next("ZY")).toMatch(/^ZY[0-9A-Z]{4}00000002$/);
  });
});

/**
 * A stand-in for the server, only as much of it as the flows need: it checks the envelope, keeps the fee lines per
 * encounter and answers pre-settlement with all of it in policy scope. It lets the flows run end to end without the server.
 */
function fakeServer(options: { failInfno?: string; delayMs?: number } = {}) {
  const requests: HisRequestEnvelope[] = [];
  const fees = new Map<string, number>();
  let seq = 0;
  const yuan = (fen: number) => fen / 100;
  const fetchImpl = (async (_url: string | URL | Request, init?: RequestInit) => {
    const r = JSON.parse(String(init?.body)) as HisRequestEnvelope<Record<string, unknown>>;
    requests.push(r);
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    if (init?.signal?.aborted) throw init.signal.reason;
    if (r.infno === options.failInfno) return json({ infcode: -1, err_msg: `${r.infno} refused by the fake` });
    const input = r.input;
    const data = (input.data ?? {}) as Record<string, unknown>;
    const ok = (output: unknown) => json({ infcode: 0, inf_refmsgid: `R${++seq}`, output });
    switch (r.infno) {
      case "9001":
        return ok({ signinoutb: { sign_no: `SIGN${r.opter}`, sign_time: r.inf_time } });
      case "1101":
        return ok({
          baseinfo: { psn_no: `PSN${data.certno}`, certno: data.certno },
          insuinfo: [{ insutype: "310", balc: 123.45, insuplc_admdvs: "451002", psn_insu_stas: "1" }],
        });
      case "2201":
        return ok({ data: { mdtrt_id: `MD${++seq}`, psn_no: data.psn_no, ipt_otp_no: data.ipt_otp_no } });
      case "2401":
        return ok({ result: { mdtrt_id: `MD${++seq}`, psn_no: (input.mdtrtinfo as { psn_no: string }).psn_no } });
      case "2204":
      case "2301": {
        const lines = input.feedetail as { mdtrt_id: string; det_item_fee_sumamt: number }[];
        for (const l of lines) fees.set(l.mdtrt_id, (fees.get(l.mdtrt_id) ?? 0) + Math.round(l.det_item_fee_sumamt * 100));
        return ok({ result: lines.map((l) => ({ ...l })) });
      }
      case "2206":
      case "2207":
      case "2303":
      case "2304": {
        const total = fees.get(String(data.mdtrt_id)) ?? 0;
        return ok({
          setlinfo: {
            setl_id: r.infno === "2207" || r.infno === "2304" ? `S${++seq}` : undefined,
            medfee_sumamt: yuan(total),
            fulamt_ownpay_amt: 0,
            overlmt_selfpay: 0,
            preselfpay_amt: 0,
            inscp_scp_amt: yuan(total),
            psn_part_amt: yuan(total),
            acct_pay: 0,
            psn_cash_pay: yuan(total),
          },
        });
      }
      default:
        return ok({});
    }
  }) as typeof fetch;
  return { fetchImpl, requests };
}

describe("flows against a stand-in server", () => {
  it("run outpatient and inpatient flows end to end, every request well formed", async () => {
    const server = fakeServer();
    const report = await runSimulation({
      url: URL_OK,
      persons: ["450000199001010011", "450000199001010022", "450000199001010033"],
      counts: { outpatient: 12, inpatient: 6 },
      concurrency: 4,
      reverseShare: 1,
      seed: 42,
      fetch: server.fetchImpl,
    });
    expect(report).toMatchObject({ ok: 18, failed: 0, aborted: 0, notStarted: 0, reversed: 6, stoppedBy: "flows" });
    expect(Object.keys(report.latency)).toEqual(
      ["1101", "2201", "2203", "2204", "2206", "2207", "2301", "2303", "2304", "2305", "2401", "2402", "9001"].sort(),
    );
    expect(report.latency["2207"]?.count).toBe(12);
    expect(report.latency["2304"]?.count).toBe(6);
    expect(report.latency["9001"]?.count).toBe(4);

    const msgids = server.requests.map((r) => r.msgid);
    expect(new Set(msgids).size).toBe(msgids.length);
    for (const r of server.requests) {
      expect(r.msgid).toMatch(/^H45100000001\d{18}$/);
      const hasPsnNo = JSON.stringify(r.input).includes('"psn_no"');
      expect(r.insuplc_admdvs).toBe(hasPsnNo ? "451002" : "");
      if (r.infno !== "9001") expect(r.sign_no).toBe(`SIGN${r.opter}`);
    }
    const inputOf = (infno: string) => server.requests.find((r) => r.infno === infno)?.input as Record<string, unknown>;
    expect(inputOf("1101")).toMatchObject({ data: { mdtrt_cert_type: "02", psn_cert_type: "01" } });
    expect(Object.keys(inputOf("2203"))).toEqual(["mdtrtinfo", "diseinfo"]);
    // The visit's lines: the consultation and at least a drug, at most as many as src/simulator/bills.ts allows.
    expect((inputOf("2204").feedetail as unknown[]).length).toBeGreaterThanOrEqual(2);
    expect((inputOf("2204").feedetail as unknown[]).length).toBeLessThanOrEqual(12);
    expect(Object.keys(inputOf("2402"))).toEqual(["dscginfo", "diseinfo"]);
    expect(inputOf("2207")).toMatchObject({ data: { psn_setlway: "01", med_type: "11", acct_used_flag: "1" } });
    expect(inputOf("2304")).toMatchObject({ data: { mid_setl_flag: "0", med_type: "21" } });
    expect(inputOf("2305")).toEqual({ data: { mdtrt_id: expect.any(String), setl_id: expect.any(String), psn_no: expect.any(String) } });
    // Each encounter's feedetl_sn are distinct.
    const sns = server.requests.filter((r) => r.infno === "2204" || r.infno === "2301").flatMap((r) =>
      ((r.input as { feedetail: { feedetl_sn: string }[] }).feedetail).map((l) => l.feedetl_sn),
    );
    expect(new Set(sns).size).toBe(sns.length);
  });

  it("count a refused transaction as a failed flow with its err_msg", async () => {
    const server = fakeServer({ failInfno: "2207" });
    const report = await runSimulation({
      url: URL_OK,
      persons: ["450000199001010011"],
      counts: { outpatient: 3, inpatient: 1 },
      concurrency: 2,
      seed: 1,
      fetch: server.fetchImpl,
    });
    expect(report).toMatchObject({ ok: 1, failed: 3, errors: [{ message: "2207: 2207 refused by the fake", count: 3 }] });
    expect(report.latency["2207"]).toMatchObject({ count: 3, errors: 3 });
  });

  it("stop at the time limit, cutting off what still runs after the grace period", async () => {
    const server = fakeServer({ delayMs: 30 });
    const report = await runSimulation({
      url: URL_OK,
      persons: ["a1", "a2"],
      counts: { outpatient: 1000, inpatient: 0 },
      concurrency: 2,
      maxSeconds: 0.3,
      graceSeconds: 0.05,
      seed: 1,
      fetch: server.fetchImpl,
    });
    expect(report.stoppedBy).toBe("time");
    expect(report.ok + report.failed + report.aborted).toBeLessThan(1000);
    expect(report.notStarted).toBeGreaterThan(900);
    expect(report.seconds).toBeLessThan(2);
  });

  it("refuse a remote target before sending anything", async () => {
    const server = fakeServer();
    await expect(
      runSimulation({ url: "http://203.0.113.5:8080", persons: ["a"], counts: { outpatient: 1, inpatient: 0 }, concurrency: 1, fetch: server.fetchImpl }),
    ).rejects.toThrow(HisTargetError);
    expect(server.requests).toHaveLength(0);
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// The HTTP/1.1 transport (src/simulator/http1.ts), against real servers on this machine

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage["headers"];
  body: string;
  socket: Socket;
}

/** A loopback HTTP server that records each request (and the connections it came on) and answers with `handler`. */
async function loopbackServer(handler: (seen: Seen, res: ServerResponse, index: number) => void | Promise<void>) {
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const entry: Seen = { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), socket: req.socket };
      seen.push(entry);
      void handler(entry, res, seen.length - 1);
    });
  });
  server.on("connection", (socket: Socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    /** Connections opened to this server so far. */
    connections: () => sockets.size,
    open: () => [...sockets].filter((s) => !s.destroyed).length,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function sendJson(res: ServerResponse, body: unknown, status = 200) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("HTTP/1.1 transport", () => {
  it("POSTs the envelope as JSON to the service path, all on one kept-alive connection", async () => {
    const server = await loopbackServer((seen, res) => {
      const r = JSON.parse(seen.body) as HisRequestEnvelope;
      if (r.infno === "9001") sendJson(res, { infcode: 0, output: { signinoutb: { sign_no: "SN-9" } } });
      else sendJson(res, { infcode: 0, output: { echo: r.opter_name } });
    });
    try {
      const c = new HisClient({ url: server.url, fixmedinsCode: HOSPITAL, opterName: "收费员七" });
      await c.signIn({ mac: "02-00-00-00-00-01", ip: "127.0.0.1" });
      const sent: HisRequestEnvelope[] = [];
      for (let i = 0; i < 5; i++) {
        const { request, response } = await c.timedCall<{ echo: string }>("1101", { data: { certno: `45000019900101001${i}`, psn_name: "张三" } });
        sent.push(request);
        expect(response.output?.echo).toBe("收费员七");
      }
      expect(server.seen).toHaveLength(6);
      for (const [i, s] of server.seen.entries()) {
        expect(s.method).toBe("POST");
        expect(s.url).toBe("/fsi/api/rsfComIfsService/callService");
        expect(s.headers["content-type"]).toBe("application/json; charset=utf-8");
        expect(s.headers.accept).toBe("application/json");
        expect(s.headers.host).toBe(`127.0.0.1:${server.port}`);
        expect(Number(s.headers["content-length"])).toBe(Buffer.byteLength(s.body));
        if (i > 0) expect(JSON.parse(s.body)).toEqual({ ...sent[i - 1], sign_no: "SN-9" });
      }
      expect(server.connections()).toBe(1);
      c.close();
      await pause(50);
      expect(server.open()).toBe(0);
    } finally {
      await server.close();
    }
  });

  it("signs every request with the credential: fresh nonce and timestamp, digest of the exact bytes sent", async () => {
    const credential = { access_key: "AKTEST00000000000001", secret: "s3cret-of-the-hospital" };
    const server = await loopbackServer((_seen, res) => sendJson(res, { infcode: 0, output: { signinoutb: { sign_no: "SN-1" } } }));
    try {
      const before = Date.now();
      const c = new HisClient({ url: server.url, fixmedinsCode: HOSPITAL, opterName: "收费员七", credential });
      await c.signIn({ mac: "02-00-00-00-00-01", ip: "127.0.0.1" });
      await c.call("1101", { data: { certno: "450000199001010010", psn_name: "张三" } });
      expect(server.seen).toHaveLength(2);
      const nonces = new Set<string>();
      for (const s of server.seen) {
        const h = s.headers as Record<string, string>;
        expect(h._api_access_key).toBe(credential.access_key);
        expect(h._api_name).toBe("callService");
        expect(h._api_version).toBe("1.0.0");
        expect(Number(h._api_timestamp)).toBeGreaterThanOrEqual(before);
        expect(Number(h._api_timestamp)).toBeLessThanOrEqual(Date.now());
        expect(h._api_body_sha256).toBe(createHash("sha256").update(Buffer.from(s.body, "utf8")).digest("base64"));
        const signed = Object.fromEntries(SIGNED_HEADERS.map((n) => [n, h[n] as string])) as Record<(typeof SIGNED_HEADERS)[number], string>;
        expect(signatureMatches(credential.secret, signed, h._api_signature as string)).toBe(true);
        // Spelled out, as a HIS vendor would implement it.
        const text = `_api_access_key=${h._api_access_key}&_api_body_sha256=${h._api_body_sha256}&_api_name=callService&_api_nonce=${h._api_nonce}&_api_timestamp=${h._api_timestamp}&_api_version=1.0.0`;
        expect(h._api_signature).toBe(createHmac("sha256", credential.secret).update(text).digest("base64"));
        nonces.add(h._api_nonce as string);
      }
      expect(nonces.size).toBe(2);
      c.close();
    } finally {
      await server.close();
    }
  });

  it("reads chunked answers sent in pieces, multi-byte characters split between them, and large ones", async () => {
    const big = "医".repeat(300_000);
    const server = await loopbackServer(async (seen, res, index) => {
      const text = JSON.stringify({ infcode: -1, err_msg: index === 0 ? "人员不存在" : big });
      const bytes = Buffer.from(text);
      res.writeHead(200, { "content-type": "application/json" }); // no length: chunked
      for (let at = 0; at < bytes.length; at += index === 0 ? 5 : 65_536) {
        res.write(bytes.subarray(at, at + (index === 0 ? 5 : 65_536)));
        await pause(1);
      }
      res.end();
    });
    try {
      const c = new HisClient({ url: server.url, fixmedinsCode: HOSPITAL });
      expect((await c.call("1101", {}, { throwOnError: false })).err_msg).toBe("人员不存在");
      expect((await c.call("1101", {}, { throwOnError: false })).err_msg).toBe(big);
      expect(server.connections()).toBe(1);
    } finally {
      await server.close();
    }
  });

  it("opens a new connection after an answer with Connection: close, or once the server has closed an idle one", async () => {
    const server = await loopbackServer((seen, res, index) => {
      if (index === 0) res.setHeader("connection", "close");
      sendJson(res, { infcode: 0, output: { n: index } });
    });
    try {
      const c = new HisClient({ url: server.url, fixmedinsCode: HOSPITAL });
      expect((await c.call<{ n: number }>("1101", {})).output?.n).toBe(0);
      expect((await c.call<{ n: number }>("1101", {})).output?.n).toBe(1);
      expect(server.connections()).toBe(2);
      for (const s of server.seen) s.socket.destroy(); // the server drops its idle connections
      await pause(50);
      expect((await c.call<{ n: number }>("1101", {})).output?.n).toBe(2);
      expect(server.connections()).toBe(3);
    } finally {
      await server.close();
    }
  });

  it("refuses a redirect without following it", async () => {
    const elsewhere = await loopbackServer((_seen, res) => sendJson(res, { infcode: 0 }));
    const server = await loopbackServer((_seen, res) => {
      res.writeHead(307, { location: `${elsewhere.url}/fsi/api/rsfComIfsService/callService`, "content-length": 0 });
      res.end();
    });
    try {
      const c = new HisClient({ url: server.url, fixmedinsCode: HOSPITAL });
      const error = await c.call("2207", {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HisTransportError);
      expect((error as Error).message).toMatch(/request to .* failed: redirect refused \(HTTP 307 to http:\/\/127\.0\.0\.1:\d+\/fsi/);
      expect(elsewhere.seen).toHaveLength(0);
    } finally {
      await server.close();
      await elsewhere.close();
    }
  });

  it("gives up on a server that does not answer, and carries on afterwards", async () => {
    const server = await loopbackServer((_seen, res, index) => {
      if (index > 0) sendJson(res, { infcode: 0 });
    });
    try {
      const c = new HisClient({ url: server.url, fixmedinsCode: HOSPITAL, timeoutMs: 50 });
      await expect(c.call("2207", {})).rejects.toThrow(/2207 \(msgid H45100000001\d{18}\): request to .* failed: no answer within 50 ms/);
      expect((await c.call("2207", {})).infcode).toBe(0);
      expect(server.connections()).toBe(2); // the connection of the unanswered request is not reused
    } finally {
      await server.close();
    }
  });

  it("cuts a request off with the caller's own reason when the caller aborts", async () => {
    const server = await loopbackServer(() => undefined);
    try {
      const c = new HisClient({ url: server.url, fixmedinsCode: HOSPITAL });
      const controller = new AbortController();
      const reason = new Error("run over");
      const call = c.call("2207", {}, { signal: controller.signal });
      await pause(20);
      controller.abort(reason);
      await expect(call).rejects.toBe(reason);
      await pause(50);
      expect(server.open()).toBe(0);
      await expect(c.call("2207", {}, { signal: controller.signal })).rejects.toBe(reason); // already aborted: not sent
      expect(server.seen).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  it("says so when the connection closes in the middle of an answer, when it is refused, or when the answer is not JSON", async () => {
    const server = await loopbackServer((seen, res, index) => {
      if (index === 0) {
        res.writeHead(200, { "content-type": "application/json", "content-length": 100 });
        res.write('{"infcode":0,');
        setTimeout(() => seen.socket.destroy(), 10);
      } else {
        res.writeHead(502, { "content-type": "text/html" });
        res.end("<html>502</html>");
      }
    });
    try {
      const c = new HisClient({ url: server.url, fixmedinsCode: HOSPITAL });
      await expect(c.call("2204", {})).rejects.toThrow(/failed: the connection closed before the answer was complete/);
      const error = await c.call("2204", {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HisTransportError);
      expect((error as HisTransportError).message).toMatch(/HTTP 502, not JSON: <html>502<\/html>/);
      expect((error as HisTransportError).status).toBe(502);
    } finally {
      await server.close();
    }
    const refused = new HisClient({ url: server.url, fixmedinsCode: HOSPITAL });
    await expect(refused.call("1101", {})).rejects.toThrow(/request to .* failed: connect ECONNREFUSED 127\.0\.0\.1:\d+/);
  });

  it("runs the flows end to end over real HTTP, one kept-alive connection per clerk, closed at the end", async () => {
    const fake = fakeServer();
    const server = await loopbackServer(async (seen, res) => {
      const answer = await fake.fetchImpl(`http://127.0.0.1${seen.url ?? ""}`, { method: "POST", body: seen.body });
      res.writeHead(answer.status, { "content-type": "application/json" });
      res.end(await answer.text());
    });
    try {
      const report = await runSimulation({
        url: server.url,
        persons: ["450000199001010011", "450000199001010022", "450000199001010033", "450000199001010044"],
        counts: { outpatient: 16, inpatient: 4 },
        concurrency: 3,
        reverseShare: 1,
        seed: 5,
      });
      expect(report).toMatchObject({ ok: 20, failed: 0, aborted: 0, notStarted: 0, reversed: 4 });
      expect(report.latency["2207"]?.count).toBe(16);
      expect(server.seen.length).toBe(fake.requests.length);
      expect(server.seen.map((s) => JSON.parse(s.body) as unknown)).toEqual(fake.requests);
      expect(server.connections()).toBe(3);
      await pause(50);
      expect(server.open()).toBe(0);
    } finally {
      await server.close();
    }
  });
});
