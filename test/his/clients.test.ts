import { deflateRawSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HANDLERS } from "../../src/gateway/his/handlers/index.js";
import { H3, HisSession, makeId, openTestPlatform, refused, type ParsedJson, type TestPerson, type TestPlatform } from "../support/his.js";

/**
 * Replays, field for field, whole conversations as four public hospital-side clients of the national interface shape
 * them, and holds each to the same fen as the clean shape of the same bill:
 * - a C# HIS on Newtonsoft.Json: every property written, null included; doubles ("25.0"); "yyyy-MM-dd HH:mm:ss";
 * - a provincial self-service kiosk middleware: input as a JSON string, opter_type 2 as a number, ISO times, "" for
 *   empty fields, the social security card (mdtrt_cert_type 03) with its card number;
 * - a C# request library: the lettered transactions (2203A, 2206A, 2207A, 2303A, 2304A), C# decimals with SQL scale
 *   ("12.5000"), times with an offset, opter_type as a number;
 * - a Python SDK: floats as text ("25.0", "0.0833"), None as null, feedetl_sn as int, 2302 with an array of lines,
 *   cum_ym as "2022-04", 3201 with times for dates.
 */

type Shape = "clean" | "newtonsoft" | "kiosk" | "csharp" | "python";
const SHAPES: Shape[] = ["clean", "newtonsoft", "kiosk", "csharp", "python"];

/** A JSON number token as the client wrote it (JSON.stringify would print 25.0 as 25). */
class Raw {
  constructor(readonly text: string) {}
}

function json(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return `[${value.map(json).join(",")}]`;
  if (value && typeof value === "object") return `{${Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => `${JSON.stringify(k)}:${json(v)}`).join(",")}}`;
  return JSON.stringify(value);
}

/** A decimal (given as text, e.g. "12.5") as each client writes it; `scale` is the SQL column's for the C# decimal. */
function num(shape: Shape, text: string, scale: number): unknown {
  const [whole = "0", decimals = ""] = text.split(".");
  switch (shape) {
    case "clean":
      return Number(text);
    case "newtonsoft":
      return new Raw(decimals === "" ? `${whole}.0` : text); // a double: 25.0, 12.5, 0.0833
    case "csharp":
      return new Raw(`${whole}.${decimals.padEnd(scale, "0")}`); // a decimal(16,scale) read from SQL: 12.5000
    case "kiosk":
      return decimals.length < 2 ? `${whole}.${decimals.padEnd(2, "0")}` : text; // text: "25.00", "0.0833"
    case "python":
      return decimals === "" ? `${whole}.0` : text; // str(float): "25.0"
  }
}

/** A time (China time, "yyyy-MM-dd HH:mm:ss") as each client writes it. */
function time(shape: Shape, t: string): string {
  if (shape === "kiosk") return t.replace(" ", "T");
  if (shape === "csharp") {
    // DateTimeOffset.ToString("o") in UTC: the same instant, eight hours earlier.
    const utc = new Date(`${t.replace(" ", "T")}+08:00`).toISOString();
    return `${utc.slice(0, 19)}.000Z`;
  }
  return t;
}

/** An optional field the client has no value for: Newtonsoft writes null, the kiosk "", the Python SDK None. */
function none(shape: Shape): unknown {
  return shape === "newtonsoft" || shape === "python" ? null : shape === "kiosk" ? "" : undefined;
}

const INFNO: Partial<Record<string, string>> = { "2203": "2203A", "2206": "2206A", "2207": "2207A", "2303": "2303A", "2304": "2304A" };

let msgSeq = 0;
function msgid(t: string): string {
  msgSeq += 1;
  return `${H3}${t.replace(/[-: ]/g, "")}${String(msgSeq).padStart(4, "0")}`;
}

/** The envelope of one message, as text. */
function body(shape: Shape, session: HisSession, infno: string, input: Record<string, unknown>, at: string, id = msgid(at)): string {
  const sent = shape === "csharp" ? (INFNO[infno] ?? infno) : infno;
  const base = { infno: sent, msgid: id, mdtrtarea_admvs: "451000", fixmedins_code: H3, sign_no: session.signNo };
  switch (shape) {
    case "clean":
      return json({ ...base, insuplc_admdvs: "451000", recer_sys_code: "TEST", infver: "V1.0", opter_type: "1", opter: "T001", opter_name: "测试员", inf_time: at, input });
    case "newtonsoft":
      return json({
        ...base, insuplc_admdvs: "451000", recer_sys_code: null, dev_no: null, dev_safe_info: null, cainfo: null, signtype: null, infver: "V1.0",
        opter_type: "1", opter: "HIS01", opter_name: "张三", inf_time: at, fixmedins_name: null, input,
      });
    case "kiosk":
      return json({
        ...base, insuplc_admdvs: "", recer_sys_code: "ZZJ", dev_no: "KIOSK-07", dev_safe_info: "", cainfo: "", signtype: "", infver: "V1.0",
        opter_type: 2, opter: "ZZJ07", opter_name: "自助机07", inf_time: time(shape, at), fixmedins_name: "", input: json(input),
      });
    case "csharp":
      return json({ ...base, insuplc_admdvs: "451000", recer_sys_code: "HIS", infver: "V1.0", opter_type: 1, opter: "0001", opter_name: "收费员", inf_time: time(shape, at), input });
    case "python":
      return json({ ...base, insuplc_admdvs: "451000", recer_sys_code: "PY", dev_no: null, cainfo: null, signtype: null, infver: "V1.0", opter_type: "1", opter: "py", opter_name: "py", inf_time: at, input });
  }
}

type Answer = { infcode: number; err_msg: string | null; output: Record<string, ParsedJson> };

async function send(shape: Shape, session: HisSession, infno: string, input: Record<string, unknown>, at: string): Promise<Answer> {
  const r = await session.sendText(body(shape, session, infno, input, at));
  if (r.infcode !== 0) throw new Error(`${shape} ${infno}: ${r.err_msg}`);
  conforms(shape === "csharp" ? (INFNO[infno] ?? infno) : infno, r.output);
  return r;
}

const NUMERIC = /(_amt|payamt|_pay|_sumamt|_dedc|_selfpay|^balc|^pric|^cnt|^selfpay_prop|^cum|^age|^year|_cnt)$/;
const FLAGS = /_flag$/;

/** Every field the transaction declares is in its answer, numbers as numbers (never null), flags "0"/"1". */
function conforms(infno: string, output: Record<string, ParsedJson>) {
  const declared = HANDLERS.get(infno)?.output;
  if (!declared) return;
  for (const [node, fields] of Object.entries(declared)) {
    const name = node.replace(/\[\]$/, "");
    const rows: Record<string, unknown>[] = node === "" ? [output] : node.endsWith("[]") ? output[name] : [output[name]];
    expect(Array.isArray(rows), `${infno} ${node}`).toBe(true);
    for (const row of rows) {
      expect(Object.keys(row).sort(), `${infno} ${node}`).toEqual([...fields].sort());
      for (const f of fields) {
        if (NUMERIC.test(f) && !/^(cum_type|cum_ym)/.test(f)) expect(typeof row[f], `${infno} ${node}.${f}`).toBe("number");
        if (FLAGS.test(f)) expect(["0", "1"], `${infno} ${node}.${f}`).toContain(row[f]);
      }
    }
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const b of data) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A one-entry zip archive, deflated, as a C# HIS makes one with System.IO.Compression. */
function zipOf(name: string, text: string): Buffer {
  const data = Buffer.from(text, "utf8");
  const packed = deflateRawSync(data);
  const file = Buffer.from(name, "utf8");
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc32(data), 14); local.writeUInt32LE(packed.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(file.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc32(data), 16); central.writeUInt32LE(packed.length, 20); central.writeUInt32LE(data.length, 24); central.writeUInt16LE(file.length, 28);
  const end = Buffer.alloc(22);
  const centralAt = local.length + file.length + packed.length;
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(1, 8); end.writeUInt16LE(1, 10); end.writeUInt32LE(central.length + file.length, 12); end.writeUInt32LE(centralAt, 16);
  return Buffer.concat([local, file, packed, central, file, end]);
}

// ---- the bill, the same for every shape

const AMOX = "XJ01CAA040A001010100973"; // class 01, no cap
const NIFE02 = "XC08CAA053A008010100212"; // class 02, 10% self-pay first
const CONSULT = "001201000010000"; // class 01, cap 10.00
const BED = "001102000010000"; // class 01, cap 40.00
const C03 = "ZZ9999990000000000001"; // class 03

interface BillLine { sn: number; code: string; pric: string; cnt: string; amount: string | null }
/** 25 × 2 = 50.00; 12.5 × 3 = 37.50; a tablet of a 12-tablet box, 0.0833 × 12 = 0.9996 → 1.00; 12 × 1 over the 10.00 cap. */
const OUTPATIENT: BillLine[] = [
  { sn: 1, code: AMOX, pric: "25", cnt: "2", amount: "50" },
  { sn: 2, code: NIFE02, pric: "12.5", cnt: "3", amount: "37.5" },
  { sn: 3, code: AMOX, pric: "0.0833", cnt: "12", amount: null },
  { sn: 4, code: CONSULT, pric: "12", cnt: "1", amount: "12" },
];
/** 45 × 7 = 315.00 over the 40.00 bed cap; 100.123456 × 10 = 1001.23456 → 1001.23; 20 × 100; 50 × 10 class 03; line 9 cancelled. */
const INPATIENT: BillLine[] = [
  { sn: 1, code: BED, pric: "45", cnt: "7", amount: "315" },
  { sn: 2, code: AMOX, pric: "100.123456", cnt: "10", amount: "1001.23" },
  { sn: 3, code: NIFE02, pric: "20", cnt: "100", amount: "2000" },
  { sn: 4, code: C03, pric: "50", cnt: "10", amount: "500" },
];
const CANCELLED: BillLine = { sn: 9, code: AMOX, pric: "1", cnt: "1", amount: "1" };

function feeLine(shape: Shape, l: BillLine, mdtrt_id: string, psn_no: string, at: string, inpatient: boolean): Record<string, unknown> {
  const n = none(shape);
  const line: Record<string, unknown> = {
    feedetl_sn: shape === "python" ? l.sn : String(l.sn), mdtrt_id, psn_no, chrg_bchno: "B1",
    med_list_codg: l.code, medins_list_codg: l.code, pric: num(shape, l.pric, 6), cnt: num(shape, l.cnt, 4),
    det_item_fee_sumamt: l.amount === null ? (shape === "clean" ? undefined : shape === "newtonsoft" ? new Raw("1.0") : num(shape, "1", 4)) : num(shape, l.amount, 4),
    fee_ocur_time: time(shape, at),
  };
  if (n !== undefined) {
    Object.assign(line, { rxno: n, rx_circ_flag: n, dise_codg: n, sin_dos_dscr: n, used_frqu_dscr: n, prd_days: n, medc_way_dscr: n, bilg_dept_codg: n, bilg_dr_codg: n, hosp_appr_flag: n });
    if (inpatient) Object.assign(line, { init_feedetl_sn: n, drord_no: n, med_type: n });
  }
  return line;
}

const total = (lines: BillLine[]) => lines.reduce((s, l) => s + Math.round(Number(l.amount ?? "1") * 100), 0) / 100;

// ---- the people: one resident for the visit and one destitute resident for the stay, per shape

const PEOPLE = Object.fromEntries(SHAPES.map((shape, i) => [shape, {
  visitor: { psn_no: `P4510000003${i}1`, certno: makeId("451002", "1980-01-15", 300 + i * 2), insutype: "390" as const },
  stayer: { psn_no: `P4510000003${i}2`, certno: makeId("451002", "1958-04-12", 301 + i * 2), insutype: "390" as const, categories: [{ type: "destitute", begin: "2022-01-01", end: null }] },
}])) as unknown as Record<Shape, Record<"visitor" | "stayer", TestPerson>>;

/** People of the medical-type tests, each with nothing accumulated. */
const BY_MED_TYPE = {
  emergency: { psn_no: "P451000000391", certno: makeId("451002", "1980-01-15", 391), insutype: "390" },
  trauma: { psn_no: "P451000000392", certno: makeId("451002", "1958-04-12", 392), insutype: "390", categories: [{ type: "destitute", begin: "2022-01-01", end: null }] },
  reversed: { psn_no: "P451000000395", certno: makeId("451002", "1990-07-01", 395), insutype: "390" },
  pharmacy: { psn_no: "P451000000393", certno: makeId("451002", "1985-02-03", 393), insutype: "310", balc_fen: 200_000 },
  maternity: { psn_no: "P451000000394", certno: makeId("451002", "1993-06-01", 394), insutype: "310" },
} satisfies Record<string, TestPerson>;

let platform: TestPlatform;
const sessions = {} as Record<Shape, HisSession>;

beforeAll(async () => {
  platform = await openTestPlatform([...SHAPES.flatMap((s) => [PEOPLE[s].visitor, PEOPLE[s].stayer]), ...Object.values(BY_MED_TYPE)]);
  for (const [i, shape] of SHAPES.entries()) {
    sessions[shape] = new HisSession(platform.app, H3, { time: `2022-04-01 08:0${i}:00` });
    await sessions[shape].signIn();
  }
});
afterAll(() => platform.close());

function personQuery(shape: Shape, p: { certno: string }): Record<string, unknown> {
  switch (shape) {
    case "newtonsoft":
      return { data: { mdtrt_cert_type: "02", mdtrt_cert_no: p.certno, card_sn: null, begntime: null, psn_cert_type: "01", certno: p.certno, psn_name: null } };
    case "kiosk":
      // The social security card: its number as mdtrt_cert_no, the holder's ID number read from the chip.
      return { data: { mdtrt_cert_type: "03", mdtrt_cert_no: "D45100368", card_sn: "45100000000X0A1B2C", begntime: "", psn_cert_type: "01", certno: p.certno, psn_name: "" } };
    case "python":
      return { data: { mdtrt_cert_type: "02", mdtrt_cert_no: p.certno, card_sn: "", begntime: "2022-04-01 08:00:00", psn_cert_type: "01", certno: p.certno, psn_name: null } };
    default:
      return { data: { mdtrt_cert_type: "02", mdtrt_cert_no: p.certno, psn_cert_type: "01", certno: p.certno } };
  }
}

interface Run { lines: ParsedJson[]; pre: ParsedJson; setl: ParsedJson; cum: Record<string, number> }

/** 1101 → 2201 → 2203 → 2204 → 2206 → 2207, then 5206. */
async function outpatient(shape: Shape, p: TestPerson = PEOPLE[shape].visitor, medType = "11"): Promise<Run> {
  const s = sessions[shape];
  const acct = p.insutype === "310" ? "1" : "0";
  const n = none(shape);
  const info = await send(shape, s, "1101", personQuery(shape, p), "2022-04-01 08:25:00");
  expect(info.output.baseinfo.psn_no).toBe(p.psn_no);
  const reg = await send(shape, s, "2201", {
    data: { psn_no: p.psn_no, insutype: p.insutype, begntime: time(shape, "2022-04-01 08:30:00"), mdtrt_cert_type: "02", mdtrt_cert_no: p.certno, ipt_otp_no: `MZ-${p.psn_no}`, atddr_no: n, dr_name: n, dept_code: "A01", dept_name: "内科", caty: n },
  }, "2022-04-01 08:30:00");
  const mdtrt = reg.output.data.mdtrt_id as string;
  await send(shape, s, "2203", {
    mdtrtinfo: { mdtrt_id: mdtrt, psn_no: p.psn_no, med_type: medType, begntime: time(shape, "2022-04-01 08:30:00"), main_cond_dscr: n, dise_codg: "J06.900", dise_name: "上呼吸道感染", birctrl_type: n },
    diseinfo: [{ diag_type: "1", diag_srt_no: shape === "python" ? 1 : "1", diag_code: "J06.900", diag_name: "上呼吸道感染", diag_dept: n, dise_dor_no: n, dise_dor_name: n, diag_time: time(shape, "2022-04-01 08:40:00"), vali_flag: "1" }],
  }, "2022-04-01 08:40:00");
  const up = await send(shape, s, "2204", { feedetail: OUTPATIENT.map((l) => feeLine(shape, l, mdtrt, p.psn_no, "2022-04-01 08:50:00", false)) }, "2022-04-01 08:50:00");
  const sum = num(shape, String(total(OUTPATIENT)), 4);
  const settle = (extra: Record<string, unknown>) => ({
    data: { psn_no: p.psn_no, mdtrt_cert_type: "02", mdtrt_cert_no: p.certno, med_type: medType, medfee_sumamt: sum, psn_setlway: "01", mdtrt_id: mdtrt, chrg_bchno: "B1", insutype: p.insutype, acct_used_flag: shape === "python" ? Number(acct) : acct, ...extra },
  });
  const pre = await send(shape, s, "2206", settle({}), "2022-04-01 09:00:00");
  const parts = shape === "csharp"
    ? { mid_setl_flag: "0", invono: "INV-1", fulamt_ownpay_amt: new Raw("0.0000"), overlmt_selfpay: new Raw("2.0000"), preselfpay_amt: new Raw("3.7500"), inscp_scp_amt: new Raw("94.7500") }
    : { invono: n, fulamt_ownpay_amt: n, overlmt_selfpay: n, preselfpay_amt: n, inscp_scp_amt: n };
  const setl = await send(shape, s, "2207", settle(parts), "2022-04-01 09:00:00");
  return { lines: up.output.result, pre: pre.output, setl: setl.output, cum: await accumulators(shape, p.psn_no, p.insutype) };
}

/** 1101 → 2401 → 2301 (and a line cancelled by 2302) → 2402 → 2303 → 2304, then 5206. */
async function inpatient(shape: Shape, p: TestPerson = PEOPLE[shape].stayer, medType = "21"): Promise<Run> {
  const s = sessions[shape];
  const n = none(shape);
  await send(shape, s, "1101", personQuery(shape, p), "2022-04-02 09:55:00");
  const adm = await send(shape, s, "2401", {
    mdtrtinfo: {
      psn_no: p.psn_no, insutype: "390", coner_name: n, tel: n, begntime: time(shape, "2022-04-02 10:00:00"), mdtrt_cert_type: "02", mdtrt_cert_no: p.certno,
      med_type: medType, ipt_no: `ZY-${p.psn_no}`, medrcdno: n, atddr_no: "D01", chfpdr_name: "李四", adm_diag_dscr: "肺炎", adm_dept_codg: "A03", adm_dept_name: "呼吸内科", adm_bed: "12", dscg_maindiag_code: "J18.900", dscg_maindiag_name: "肺炎", main_cond_dscr: n, dise_codg: "J18.900", dise_name: "肺炎", oprn_oprt_code: n, fpsc_no: n,
    },
    diseinfo: [{ psn_no: p.psn_no, diag_type: "1", maindiag_flag: "1", diag_srt_no: shape === "python" ? 1 : "1", diag_code: "J18.900", diag_name: "肺炎", adm_cond: n, diag_dept: "A03", dise_dor_no: "D01", dise_dor_name: "李四", diag_time: time(shape, "2022-04-02 10:00:00") }],
  }, "2022-04-02 10:00:00");
  const mdtrt = adm.output.result.mdtrt_id as string;
  const up = await send(shape, s, "2301", { feedetail: [...INPATIENT, CANCELLED].map((l) => feeLine(shape, l, mdtrt, p.psn_no, "2022-04-05 10:00:00", true)) }, "2022-04-05 10:00:00");
  const cancelOne = { mdtrt_id: mdtrt, psn_no: p.psn_no, feedetl_sn: shape === "python" ? 9 : "9" };
  const cancelled = await send(shape, s, "2302", { data: shape === "python" ? [cancelOne] : cancelOne }, "2022-04-05 11:00:00");
  expect(cancelled.output.cancelled).toBe(1);
  await send(shape, s, "2402", {
    dscginfo: { mdtrt_id: mdtrt, psn_no: p.psn_no, insutype: "390", endtime: time(shape, "2022-04-08 09:00:00"), dise_codg: "J18.900", dise_name: "肺炎", oprn_oprt_code: n, fpsc_no: n, matn_stas: n, die_date: n, dscg_way: "1" },
    diseinfo: [{ mdtrt_id: mdtrt, psn_no: p.psn_no, diag_type: "1", maindiag_flag: "1", diag_srt_no: "1", diag_code: "J18.900", diag_name: "肺炎", diag_dept: "A03", dise_dor_no: "D01", dise_dor_name: "李四", diag_time: time(shape, "2022-04-08 09:00:00") }],
  }, "2022-04-08 09:00:00");
  const settle = (extra: Record<string, unknown>) => ({
    data: { psn_no: p.psn_no, mdtrt_cert_type: "02", mdtrt_cert_no: p.certno, medfee_sumamt: num(shape, String(total(INPATIENT)), 4), psn_setlway: "01", mdtrt_id: mdtrt, insutype: "390", mid_setl_flag: shape === "python" ? 0 : "0", acct_used_flag: "0", invono: n, ...extra },
  });
  const pre = await send(shape, s, "2303", settle({}), "2022-04-08 09:30:00");
  const setl = await send(shape, s, "2304", settle({}), "2022-04-08 09:30:00");
  return { lines: up.output.result.slice(0, INPATIENT.length), pre: pre.output, setl: setl.output, cum: await accumulators(shape, p.psn_no, p.insutype) };
}

async function accumulators(shape: Shape, psnNo: string, insutype = "390"): Promise<Record<string, number>> {
  const cumYm = shape === "python" ? "2022-04" : shape === "kiosk" ? "2022-04-30" : shape === "csharp" ? 202204 : "202204";
  const r = await send(shape, sessions[shape], "5206", { data: { psn_no: psnNo, cum_ym: cumYm } }, "2022-04-30 18:00:00");
  for (const row of r.output.cuminfo) expect(row).toMatchObject({ cum_ym: "202204", year: 2022, insutype });
  return Object.fromEntries(r.output.cuminfo.map((c: { cum_type_code: string; cum: number }) => [c.cum_type_code, c.cum]));
}

/** The amounts of a run, without the identifiers that differ from person to person. */
function amounts(run: Run) {
  const money = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k, v]) => typeof v === "number" && k !== "age"));
  return {
    lines: run.lines.map((l: Record<string, unknown>) => ({ ...money(l), chrgitm_lv: l.chrgitm_lv, med_chrgitm_type: l.med_chrgitm_type, memo: l.memo })),
    pre: money(run.pre.setlinfo),
    setl: money(run.setl.setlinfo),
    setldetail: run.setl.setldetail.map((d: Record<string, unknown>) => ({ ...d })),
    cum: run.cum,
  };
}

const runs = { outpatient: {} as Record<Shape, Run>, inpatient: {} as Record<Shape, Run> };

describe("the clean shape of the bill, to the fen", () => {
  it("outpatient: 100.50 yuan, 94.75 in policy, 50% = 47.375 → 47.38 once, 53.12 in cash", async () => {
    const run = await outpatient("clean");
    runs.outpatient.clean = run;
    expect(run.lines.map((l: Record<string, number>) => [l.det_item_fee_sumamt, l.pric, l.cnt, l.overlmt_amt, l.preselfpay_amt, l.inscp_scp_amt])).toEqual([
      [50, 25, 2, 0, 0, 50], [37.5, 12.5, 3, 0, 3.75, 33.75], [1, 0.0833, 12, 0, 0, 1], [12, 12, 1, 2, 0, 10],
    ]);
    expect(run.lines[3]).toMatchObject({ pric_uplmt_amt: 10, med_chrgitm_type: "02", bas_medn_flag: "0" });
    expect(run.lines[0]).toMatchObject({ pric_uplmt_amt: 0, med_chrgitm_type: "09" });
    expect(run.setl.setlinfo).toMatchObject({
      med_type: "11", medfee_sumamt: 100.5, fulamt_ownpay_amt: 0, overlmt_selfpay: 2, preselfpay_amt: 3.75, inscp_scp_amt: 94.75,
      act_pay_dedc: 0, hifp_pay: 47.38, pool_prop_selfpay: 47.37, fund_pay_sumamt: 47.38, psn_part_amt: 53.12, acct_pay: 0, psn_cash_pay: 53.12,
    });
    expect(run.cum).toMatchObject({ outpatient_basic_paid: 47.38 });
  });

  it("inpatient: 3,816.23 yuan; basic 2,281.23 × 65% = 1,482.80; assistance 1,598.43; 735.00 the patient's", async () => {
    const run = await inpatient("clean");
    runs.inpatient.clean = run;
    expect(run.lines.map((l: Record<string, number>) => [l.det_item_fee_sumamt, l.pric, l.overlmt_amt, l.preselfpay_amt, l.inscp_scp_amt, l.fulamt_ownpay_amt])).toEqual([
      [315, 45, 35, 0, 280, 0], [1001.23, 100.123456, 0, 0, 1001.23, 0], [2000, 20, 0, 200, 1800, 0], [500, 50, 0, 0, 0, 500],
    ]);
    expect(run.setl.setlinfo).toMatchObject({
      medfee_sumamt: 3816.23, inscp_scp_amt: 3081.23, overlmt_selfpay: 35, preselfpay_amt: 200, fulamt_ownpay_amt: 500,
      act_pay_dedc: 800, hifp_pay: 1482.8, pool_prop_selfpay: 798.43, hifmi_pay: 0, maf_pay: 1598.43, fund_pay_sumamt: 3081.23, psn_part_amt: 735, psn_cash_pay: 735,
    });
    expect(run.setl.setldetail.map((d: Record<string, unknown>) => [d.fund_pay_type, d.fund_payamt, d.crt_payb_lmt_amt])).toEqual([["390100", 1482.8, 150000], ["610100", 1598.43, 100000]]);
  });
});

describe.each(SHAPES.filter((s) => s !== "clean"))("a replay of the %s client", (shape) => {
  it("settles the visit (1101 → 2201 → 2203 → 2204 → 2206 → 2207) to the same fen as the clean shape", async () => {
    const run = await outpatient(shape);
    runs.outpatient[shape] = run;
    expect(amounts(run)).toEqual(amounts(runs.outpatient.clean));
    expect(run.setl.setlinfo.setl_time).toBe("2022-04-01 09:00:00");
  });

  it("settles the stay (1101 → 2401 → 2301 → 2302 → 2402 → 2303 → 2304) to the same fen as the clean shape", async () => {
    const run = await inpatient(shape);
    runs.inpatient[shape] = run;
    expect(amounts(run)).toEqual(amounts(runs.inpatient.clean));
  });
});

describe("the edges stay exact", () => {
  it("3201 with times for its dates balances the ten settlements above: 5 × (100.50 + 3,816.23), funds 5 × (47.38 + 3,081.23)", async () => {
    const s = sessions.python;
    const r = await send("python", s, "3201", {
      data: { insutype: "390", clr_type: "", setl_optins: "451000", stmt_begndate: "2022-04-01 00:00:00", stmt_enddate: "2022-04-30 23:59:59", medfee_sumamt: "19583.65", fund_pay_sumamt: "15643.05", acct_pay: "0.0", fixmedins_setl_cnt: "10" },
    }, "2022-05-01 08:00:00");
    expect(r.output.stmtinfo).toEqual({ setl_optins: "451000", stmt_rslt: "0", stmt_rslt_dscr: "对账平" });
  });

  it("3202 by file: 9101 takes a zip as base64 (C#) or a text as a list of bytes (Java); the rows balance, a wrong one is reported", async () => {
    const rows = SHAPES.flatMap((shape) => [runs.outpatient[shape], runs.inpatient[shape]]).map((r) => {
      const i = r.setl.setlinfo;
      return [i.setl_id, i.mdtrt_id, i.psn_no, i.medfee_sumamt.toFixed(2), i.fund_pay_sumamt.toFixed(2), i.acct_pay.toFixed(2), "0"].join("\t");
    });
    expect(rows).toHaveLength(10);
    const period = { setl_optins: "451000", stmt_begndate: "2022-04-01", stmt_enddate: "2022-04-30", medfee_sumamt: 19583.65, fund_pay_sumamt: 15643.05, cash_payamt: 3940.6, fixmedins_setl_cnt: 10 };
    const s = sessions.newtonsoft;
    const text = `setl_id\tmdtrt_id\tpsn_no\tmedfee_sumamt\tfund_pay_sumamt\tacct_pay\trefd_setl_flag\n${rows.join("\n")}\n`;
    const zipped = await send("newtonsoft", s, "9101", { fsUploadIn: { in: zipOf("H45100000001_3202.txt", text).toString("base64"), filename: "H45100000001_3202.zip", fixmedins_code: H3 } }, "2022-05-01 08:05:00");
    expect(zipped.output).toMatchObject({ filename: "H45100000001_3202.zip", dld_endtime: "2022-05-02 08:05:00" });
    const balanced = await send("newtonsoft", s, "3202", { data: { ...period, file_qury_no: zipped.output.file_qury_no, clr_type: null, insutype: null } }, "2022-05-01 08:06:00");
    expect(balanced.output).toEqual({ stmtinfo: { setl_optins: "451000", stmt_rslt: "0", stmt_rslt_dscr: "明细对账平" }, result: [] });

    const wrong = rows.map((r, i) => (i === 3 ? r.replace("\t3816.23\t", "\t3816.24\t") : r)).join("\r\n");
    const java = await send("python", sessions.python, "9101", { fsUploadIn: { in: [...Buffer.from(wrong, "utf8")], filename: "detail.txt" } }, "2022-05-01 08:07:00");
    const off = await send("python", sessions.python, "3202", { data: { ...period, file_qury_no: java.output.file_qury_no } }, "2022-05-01 08:08:00");
    expect(off.output.stmtinfo).toMatchObject({ stmt_rslt: "1", stmt_rslt_dscr: "1笔不符" });
    expect(off.output.result).toEqual([{ setl_id: runs.inpatient.newtonsoft.setl.setlinfo.setl_id, stmt_rslt: "1", memo: "金额不符：平台医疗费3816.23、基金3081.23、个账0.00" }]);

    const none = await refused(platform.database, () => s.sendText(body("clean", s, "3202", { data: period }, "2022-05-01 08:09:00")));
    expect(none.err_msg).toBe("detail: is required, or data.file_qury_no: the number 9101 answered for a file of the rows");
    const other = await refused(platform.database, () => sessions.clean.sendText(body("clean", sessions.clean, "3202", { data: { ...period, file_qury_no: "FILE-NOT-THERE" } }, "2022-05-01 08:09:00")));
    expect(other.err_msg).toBe("data.file_qury_no: no file FILE-NOT-THERE uploaded (9101) by H45100000001");
    const bad = await send("python", sessions.python, "9101", { fsUploadIn: { in: [...Buffer.from("JS0\t\t\t1.234\t0\t0\t0", "utf8")], filename: "bad.txt" } }, "2022-05-01 08:10:00");
    const badRow = await refused(platform.database, () => sessions.python.sendText(body("python", sessions.python, "3202", { data: { ...period, file_qury_no: bad.output.file_qury_no } }, "2022-05-01 08:11:00")));
    expect(badRow.err_msg).toBe(`file ${bad.output.file_qury_no} line 1.medfee_sumamt: has more than two decimals: "1.234"`);
  });

  it("a null where the field is required is refused naming it; a stated total off by more than a fen, or a fraction of a fen, too", async () => {
    const s = sessions.newtonsoft;
    const p = PEOPLE.newtonsoft.visitor;
    const nullPsn = await refused(platform.database, () => s.sendText(body("newtonsoft", s, "2201", { data: { psn_no: null, insutype: "390", begntime: "2022-04-03 08:00:00", ipt_otp_no: "MZ-N" } }, "2022-04-03 08:00:00")));
    expect(nullPsn.err_msg).toMatch(/^input\.data\.psn_no: /);
    const nullInfno = await refused(platform.database, () => s.sendText(json({ infno: null, msgid: msgid("2022-04-03 08:00:00"), fixmedins_code: H3, input: {} })));
    expect(nullInfno.err_msg).toMatch(/^infno: /);
    const reg = await send("clean", s, "2201", { data: { psn_no: p.psn_no, insutype: "390", begntime: "2022-04-03 08:00:00", ipt_otp_no: "MZ-EDGE" } }, "2022-04-03 08:00:00");
    const mdtrt = reg.output.data.mdtrt_id as string;
    const line = (pric: unknown, cnt: unknown, amount: unknown) => ({ feedetail: [{ feedetl_sn: "1", mdtrt_id: mdtrt, psn_no: p.psn_no, med_list_codg: AMOX, pric, cnt, det_item_fee_sumamt: amount }] });
    const send2204 = (input: Record<string, unknown>) => refused(platform.database, () => s.sendText(body("clean", s, "2204", input, "2022-04-03 08:10:00")));
    // 0.0833 × 12 = 0.9996: 1.00 and 0.99 are within a fen of it, 1.02 is not.
    expect((await send2204(line(0.0833, 12, 1.02))).err_msg).toBe("feedetail[0].det_item_fee_sumamt: 1.02 disagrees with pric × cnt = 0.0833 × 12 = 1.00 by more than a fen");
    expect((await send2204(line(1, 1, "1.005"))).err_msg).toMatch(/^input\.feedetail\[0\]\.det_item_fee_sumamt: has more than two decimals: "1\.005"/);
    expect((await send2204(line("0.0000001", 1, 0))).err_msg).toMatch(/^input\.feedetail\[0\]\.pric: has more than six decimals/);
    expect((await send2204(line(1, "0.00001", 0))).err_msg).toMatch(/^input\.feedetail\[0\]\.cnt: has more than four decimals/);
    const ok = await send("clean", s, "2204", line(0.0833, 12, 0.99), "2022-04-03 08:10:00");
    expect(ok.output.result[0]).toMatchObject({ det_item_fee_sumamt: 0.99, inscp_scp_amt: 0.99 });
  });

  it("refuses a lettered variant Yibao does not serve, naming the ones it does", async () => {
    const s = sessions.csharp;
    const r = await refused(platform.database, () => s.sendText(body("clean", s, "2208B", { data: {} }, "2022-04-03 09:00:00")));
    expect(r.err_msg).toBe("infno: 2208B 不支持 / not supported: not a transaction Yibao serves; of the lettered variants it serves 2203A, 2206A, 2207A, 2303A, 2304A, 4101A, or send 2208; 交易列表见 / the transactions served are listed at /fsi/api/interface.md (docs/interface.md)");
    const noDiagnosis = await refused(platform.database, () => s.sendText(body("csharp", s, "2203", { mdtrtinfo: { mdtrt_id: "MZ0", psn_no: "P0", med_type: "11" }, diseinfo: [] }, "2022-04-03 09:00:00")));
    expect(noDiagnosis.err_msg).toBe("input.diseinfo: 2203A carries the visit's diagnoses: at least one is required");
  });

  it("2601 reverses a 2207A by its msgid and the infno it was sent with", async () => {
    const s = sessions.csharp;
    const p = BY_MED_TYPE.reversed;
    const at = "2022-04-20 10:00:00";
    const reg = await send("csharp", s, "2201", { data: { psn_no: p.psn_no, insutype: "390", begntime: time("csharp", at), ipt_otp_no: "MZ-REV" } }, at);
    const mdtrt = reg.output.data.mdtrt_id as string;
    await send("csharp", s, "2203", { mdtrtinfo: { mdtrt_id: mdtrt, psn_no: p.psn_no, med_type: "11" }, diseinfo: [{ diag_type: "1", diag_srt_no: "1", diag_code: "J06.900", diag_name: "上呼吸道感染" }] }, at);
    await send("csharp", s, "2204", { feedetail: [feeLine("csharp", OUTPATIENT[0] as BillLine, mdtrt, p.psn_no, at, false)] }, at);
    const id = msgid(at);
    const r = await s.sendText(body("csharp", s, "2207", { data: { psn_no: p.psn_no, mdtrt_id: mdtrt, insutype: "390", medfee_sumamt: new Raw("50.0000"), acct_used_flag: "0", mid_setl_flag: "0" } }, at, id));
    expect(r.output.setlinfo).toMatchObject({ hifp_pay: 25, psn_cash_pay: 25 });
    expect((await accumulators("clean", p.psn_no)).outpatient_basic_paid).toBe(25);
    const plain = await refused(platform.database, () => s.sendText(body("clean", s, "2601", { data: { psn_no: p.psn_no, omsgid: id, oinfno: "2207" } }, at)));
    expect(plain.err_msg).toBe(`data.oinfno: message ${id} was 2207A`);
    await send("clean", s, "2601", { data: { psn_no: p.psn_no, omsgid: id, oinfno: "2207A" } }, at);
    expect((await accumulators("clean", p.psn_no)).outpatient_basic_paid).toBe(0);
  });
});

describe("national medical types, each under the rule the policy gives it", () => {
  it("13 急诊 settles as general outpatient (11) to the same fen, and answers 13", async () => {
    const run = await outpatient("clean", BY_MED_TYPE.emergency, "13");
    expect(amounts(run)).toEqual(amounts(runs.outpatient.clean));
    expect(run.setl.setlinfo.med_type).toBe("13");
  });

  it("22 外伤住院 settles as inpatient (21) to the same fen, and answers 22", async () => {
    const run = await inpatient("clean", BY_MED_TYPE.trauma, "22");
    expect(amounts(run)).toEqual(amounts(runs.inpatient.clean));
    expect(run.setl.setlinfo.med_type).toBe("22");
  });

  it("41 定点药店购药 settles as outpatient with the personal account: under the 500-yuan deductible, all 100.50 from the account", async () => {
    const run = await outpatient("clean", BY_MED_TYPE.pharmacy, "41");
    expect(run.setl.setlinfo).toMatchObject({ med_type: "41", inscp_scp_amt: 94.75, act_pay_dedc: 94.75, hifp_pay: 0, psn_part_amt: 100.5, acct_pay: 100.5, psn_cash_pay: 0, balc: 1899.5 });
    expect(run.cum).toMatchObject({ outpatient_deductible_counted: 94.75, outpatient_basic_paid: 0 });
  });

  it("refuses in words a type the policy does not pay (51, 52), one of the other kind of care, and a code that is no national type", async () => {
    const s = sessions.clean;
    const p = BY_MED_TYPE.maternity;
    const at = "2022-04-10 09:00:00";
    const reg = await send("clean", s, "2201", { data: { psn_no: p.psn_no, insutype: "310", begntime: at, mdtrt_cert_type: "02", mdtrt_cert_no: p.certno, ipt_otp_no: "MZ-MAT" } }, at);
    const mdtrt = reg.output.data.mdtrt_id as string;
    const visit = (med_type: string) => refused(platform.database, () => s.sendText(body("clean", s, "2203", { mdtrtinfo: { mdtrt_id: mdtrt, psn_no: p.psn_no, med_type }, diseinfo: [] }, at)));
    expect((await visit("51")).err_msg).toBe("mdtrtinfo.med_type: 51 (生育门诊) is not paid by the policy of 451000 for 2022: it gives no settlement rule for it");
    expect((await visit("21")).err_msg).toBe("mdtrtinfo.med_type: 21 (普通住院) is inpatient: admit with 2401");
    expect((await visit("99")).err_msg).toMatch(/^input\.mdtrtinfo\.med_type: must be a national medical type \(医疗类别\): 11, 12, 13, 14, 21/);
    const admit = (med_type: string) => refused(platform.database, () => s.sendText(body("clean", s, "2401", { mdtrtinfo: { psn_no: p.psn_no, insutype: "310", begntime: at, med_type, ipt_no: "ZY-MAT" }, diseinfo: [] }, at)));
    expect((await admit("52")).err_msg).toBe("mdtrtinfo.med_type: 52 (生育住院) is not paid by the policy of 451000 for 2022: it gives no settlement rule for it");
    expect((await admit("13")).err_msg).toBe("mdtrtinfo.med_type: 13 (急诊) is outpatient care: register it with 2201 and 2203");
  });
});
