import { describe, expect, it } from "vitest";
import { Catalogue, parseCatalogueEntry } from "../../src/domain/reference/catalogue.js";
import { splitLine, sumLines } from "../../src/domain/settlement/lines.js";
import { shippedCatalogue } from "../../src/services/reference/shipped.js";
import { CATALOGUE, domainError, entry, INSURED, line, OFFSITE, TEST_ENTRIES } from "./helpers.js";

const row = (overrides: Record<string, unknown> = {}) => ({
  med_list_codg: "XB01ACA104B004010100620",
  med_list_name: "银杏达莫注射液",
  admdvs: "451000",
  chrgitm_lv: "02",
  selfpay_prop: "0.1",
  pric_uplmt_amt: "12.50",
  list_type: "drug",
  begndate: "2020-01-01",
  enddate: "2022-06-30",
  ...overrides,
});

describe("parseCatalogueEntry", () => {
  it("parses a row into fen, millionths and dates", () => {
    expect(parseCatalogueEntry(row())).toEqual({
      med_list_codg: "XB01ACA104B004010100620",
      med_list_name: "银杏达莫注射液",
      admdvs: "451000",
      chrgitm_lv: "02",
      selfpay_prop: 100_000,
      pric_uplmt_amt: 1250,
      list_type: "drug",
      begndate: "2020-01-01",
      enddate: "2022-06-30",
    });
  });

  it("reads blanks as no price cap, no pre-self-pay, open validity, the code as name", () => {
    const e = parseCatalogueEntry({ med_list_codg: "A1", admdvs: 451000, chrgitm_lv: "01", selfpay_prop: "", pric_uplmt_amt: "", begndate: "", enddate: "" });
    expect(e).toMatchObject({ med_list_name: "A1", selfpay_prop: 0, pric_uplmt_amt: null, list_type: "drug", begndate: "1900-01-01", enddate: null });
  });

  it("takes 0 or 1 (100% self-paid, as national catalogues write it) for class 03, and nothing between", () => {
    expect(parseCatalogueEntry(row({ chrgitm_lv: "03", selfpay_prop: "1" })).selfpay_prop).toBe(1_000_000);
    expect(parseCatalogueEntry(row({ chrgitm_lv: "03", selfpay_prop: "1.0000" })).selfpay_prop).toBe(1_000_000);
    expect(parseCatalogueEntry(row({ chrgitm_lv: "03", selfpay_prop: "0" })).selfpay_prop).toBe(0);
    expect(domainError(() => parseCatalogueEntry(row({ chrgitm_lv: "03", selfpay_prop: "0.5" }))).rule).toBe("must be 0 or 1 for class 03");
    expect(domainError(() => parseCatalogueEntry(row({ chrgitm_lv: "01", selfpay_prop: "1" }))).rule).toBe("must be 0 for class 01");
  });

  it("splits a class 03 line written with selfpay_prop 1 exactly as one written with 0: all of it fulamt_ownpay_amt", () => {
    const one = new Catalogue([parseCatalogueEntry(row({ med_list_codg: "C1", chrgitm_lv: "03", selfpay_prop: "1", pric_uplmt_amt: "" }))]);
    const zero = new Catalogue([parseCatalogueEntry(row({ med_list_codg: "C1", chrgitm_lv: "03", selfpay_prop: "0", pric_uplmt_amt: "" }))]);
    const fee = line("C1", "123.45", 3);
    const a = splitLine(fee, one, "451000", "2022-03-01");
    const b = splitLine(fee, zero, "451000", "2022-03-01");
    expect(a).toMatchObject({ det_item_fee_sumamt: 37_035, fulamt_ownpay_amt: 37_035, overlmt_amt: 0, preselfpay_amt: 0, inscp_scp_amt: 0, selfpay_prop: 1_000_000 });
    expect({ ...a, selfpay_prop: 0 }).toEqual(b);
  });

  it("refuses bad rows, naming the row and the field", () => {
    expect(domainError(() => parseCatalogueEntry(row({ chrgitm_lv: "04" }), "catalogue[3]")).field).toBe("catalogue[3].chrgitm_lv");
    expect(domainError(() => parseCatalogueEntry(row({ chrgitm_lv: "01" }), "catalogue[0]")).field).toBe("catalogue[0].selfpay_prop");
    expect(domainError(() => parseCatalogueEntry(row({ chrgitm_lv: "03" }))).field).toBe("selfpay_prop");
    expect(domainError(() => parseCatalogueEntry(row({ selfpay_prop: "1.2" }))).field).toBe("selfpay_prop");
    expect(domainError(() => parseCatalogueEntry(row({ pric_uplmt_amt: "12.505" }))).field).toBe("pric_uplmt_amt");
    expect(domainError(() => parseCatalogueEntry(row({ enddate: "2019-12-31" }))).field).toBe("enddate");
    expect(domainError(() => parseCatalogueEntry(row({ begndate: "2020-02-30" }))).field).toBe("begndate");
    expect(domainError(() => parseCatalogueEntry(row({ med_list_codg: "" }))).field).toBe("med_list_codg");
    expect(domainError(() => parseCatalogueEntry(row({ med_list_codg: "A B" }))).field).toBe("med_list_codg");
    expect(domainError(() => parseCatalogueEntry(row({ admdvs: "45100" }))).field).toBe("admdvs");
    expect(domainError(() => parseCatalogueEntry(row({ list_type: "food" }))).field).toBe("list_type");
  });
});

describe("Catalogue lookup by treating region, code and date of care", () => {
  it("validity includes both ends", () => {
    const c = new Catalogue([entry("X", "01", { begin: "2022-03-01", end: "2022-06-30" })]);
    expect(c.find(INSURED, "X", "2022-02-28")).toBeUndefined();
    expect(c.find(INSURED, "X", "2022-03-01")?.med_list_codg).toBe("X");
    expect(c.find(INSURED, "X", "2022-06-30")?.med_list_codg).toBe("X");
    expect(c.find(INSURED, "X", "2022-07-01")).toBeUndefined();
  });

  it("keeps regions apart and finds the version valid on the date", () => {
    const c = new Catalogue([
      entry("X", "01", { cap: "50", end: "2022-06-30" }),
      entry("X", "01", { cap: "60", begin: "2022-07-01" }),
      entry("X", "03", { region: OFFSITE }),
    ]);
    expect(c.size).toBe(3);
    expect(c.find(INSURED, "X", "2022-06-30")?.pric_uplmt_amt).toBe(5000);
    expect(c.find(INSURED, "X", "2022-07-01")?.pric_uplmt_amt).toBe(6000);
    expect(c.find(OFFSITE, "X", "2022-07-01")?.chrgitm_lv).toBe("03");
    expect(c.find("110000", "X", "2022-07-01")).toBeUndefined();
    expect(c.find(INSURED, "Y", "2022-07-01")).toBeUndefined();
    expect([...c.entries()]).toHaveLength(3);
    expect(CATALOGUE.size).toBe(TEST_ENTRIES.length);
  });

  it("the shipped catalogues hold each region's own price caps and validity", () => {
    const c = shippedCatalogue("451000", "360100");
    expect(c.find("451000", "001102000050000", "2022-05-01")?.pric_uplmt_amt).toBe(12_000);
    expect(c.find("360100", "001102000050000", "2022-05-01")?.pric_uplmt_amt).toBe(13_200);
    expect(c.find("451000", "XL03AXA102C008010100919", "2022-05-01")).toBeUndefined();
    expect(c.find("360100", "XL03AXA102C008010100919", "2022-05-01")?.chrgitm_lv).toBe("02");
    expect(c.find("451000", "XB01ACA104B004010100620", "2022-06-30")?.selfpay_prop).toBe(100_000);
    expect(c.find("451000", "XB01ACA104B004010100620", "2022-07-01")).toBeUndefined();
  });
});

describe("Step 1: one fee line", () => {
  const date = "2022-05-10";
  const split = (l: ReturnType<typeof line>, d = date, region = INSURED) => splitLine(l, CATALOGUE, region, d);

  it("class 01: the whole amount is in policy", () => {
    expect(split(line("A01", "123.45", 2))).toMatchObject({
      det_item_fee_sumamt: 24_690,
      fulamt_ownpay_amt: 0,
      overlmt_amt: 0,
      preselfpay_amt: 0,
      inscp_scp_amt: 24_690,
      chrgitm_lv: "01",
    });
  });

  it("class 02: pre-self-pay at selfpay_prop, rounded half up per line", () => {
    expect(split(line("B10", "2000"))).toMatchObject({ preselfpay_amt: 20_000, inscp_scp_amt: 180_000 });
    // 0.05 yuan × 10% = 0.5 fen → 1 fen
    expect(split(line("B10", "0.05"))).toMatchObject({ det_item_fee_sumamt: 5, preselfpay_amt: 1, inscp_scp_amt: 4 });
    // 0.04 yuan × 10% = 0.4 fen → 0
    expect(split(line("B10", "0.04"))).toMatchObject({ preselfpay_amt: 0, inscp_scp_amt: 4 });
  });

  it("class 03 and codes not in the treating region's catalogue are fully self-paid", () => {
    const c03 = split(line("C03", "500"));
    expect(c03).toMatchObject({ fulamt_ownpay_amt: 50_000, inscp_scp_amt: 0, overlmt_amt: 0, preselfpay_amt: 0, chrgitm_lv: "03" });
    expect(c03.memo).toContain("丙类");
    const unknown = split(line("NOPE", "12.34", 3));
    expect(unknown).toMatchObject({ det_item_fee_sumamt: 3702, fulamt_ownpay_amt: 3702, inscp_scp_amt: 0, chrgitm_lv: null, med_list_name: null });
    expect(unknown.memo).toContain("451000");
    expect(split(line("A01", "10"), date, "110000")).toMatchObject({ fulamt_ownpay_amt: 1000, inscp_scp_amt: 0 });
  });

  it("the price cap: overlmt_amt = round((pric − pric_uplmt_amt) × cnt), then pre-self-pay on the rest", () => {
    expect(split(line("CAP", "60", 3))).toMatchObject({ det_item_fee_sumamt: 18_000, overlmt_amt: 3000, inscp_scp_amt: 15_000 });
    expect(split(line("CAP", "50", 3))).toMatchObject({ overlmt_amt: 0, inscp_scp_amt: 15_000 });
    expect(split(line("CAP", "49.99", 3))).toMatchObject({ overlmt_amt: 0, inscp_scp_amt: 14_997 });
    expect(split(line("CAP", "50.01", 3))).toMatchObject({ overlmt_amt: 3, inscp_scp_amt: 15_000 });
    // the example: 100 yuan × 3 against a 50-yuan cap, class 02 at 10%
    expect(split(line("B10CAP", "100", 3))).toMatchObject({ overlmt_amt: 15_000, preselfpay_amt: 1500, inscp_scp_amt: 13_500 });
    // fractional count: (60.01 − 50) × 0.5 = 5.005 yuan → 500.5 fen → 501 fen
    expect(split(line("CAP", "60.01", "0.5"))).toMatchObject({ det_item_fee_sumamt: 3001, overlmt_amt: 501, inscp_scp_amt: 2500 });
  });

  it("a hospital-given amount is taken as the line's amount", () => {
    expect(split(line("A01", "10", 3, "29.99"))).toMatchObject({ det_item_fee_sumamt: 2999, inscp_scp_amt: 2999 });
    // a given amount below price × count is never over its cap by more than itself
    expect(split(line("CAP", "100", 1, "20"))).toMatchObject({ det_item_fee_sumamt: 2000, overlmt_amt: 2000, inscp_scp_amt: 0 });
  });

  it("catalogue validity on the date of care decides in or out of policy", () => {
    expect(split(line("OLD", "10"), "2022-06-30").inscp_scp_amt).toBe(1000);
    expect(split(line("OLD", "10"), "2022-07-01").fulamt_ownpay_amt).toBe(1000);
    expect(split(line("NEW", "10"), "2022-06-30").fulamt_ownpay_amt).toBe(1000);
    expect(split(line("NEW", "10"), "2022-07-01").inscp_scp_amt).toBe(1000);
  });

  it("sums lines into the settlement's totals", () => {
    const lines = [line("A01", "10000"), line("B10", "2000"), line("C03", "500"), line("CAP", "60", 3)].map((l) => split(l));
    expect(sumLines(lines)).toEqual({
      medfee_sumamt: 1_268_000,
      fulamt_ownpay_amt: 50_000,
      overlmt_selfpay: 3000,
      preselfpay_amt: 20_000,
      inscp_scp_amt: 1_195_000,
    });
  });
});
