import { z } from "zod";
import { formatYuan, toYuan, type Fen } from "../../../../domain/money.js";
import { dayField, parseWith, yuanField } from "../../../../domain/zodFields.js";
import { fileText } from "../../../../services/common/index.js";
import { ledgerTotals, statementRows, totalsOf, type StatementTotals } from "../../../../services/ledger/index.js";
import { DomainError } from "../../../../domain/errors.js";
import { defineHandler } from "../../types.js";

const period = {
  setl_optins: z.union([z.literal(""), z.string().regex(/^\d{6}$/)]).optional().transform((v) => v || undefined),
  // A date, or a time in it ("2026-12-01 00:00:00", "2026-12-31 23:59:59"): clients send both.
  stmt_begndate: dayField,
  stmt_enddate: dayField,
  // HIS clients send "" for unused fields: "" is taken as absent.
  clr_type: z.string().optional().transform((v) => v || undefined),
  insutype: z.union([z.literal(""), z.string().regex(/^\d{3}$/)]).optional().transform((v) => v || undefined),
};

function differences(ours: StatementTotals, theirs: { medfee_sumamt: Fen; fund_pay_sumamt: Fen; acct_pay?: Fen | undefined; cash_payamt?: Fen | undefined; fixmedins_setl_cnt: number }): string[] {
  const out: string[] = [];
  const cmp = (name: string, a: number, b: number | undefined, money = true) => {
    if (b !== undefined && a !== b) out.push(`${name}：平台${money ? formatYuan(a as Fen) : a}，医院${money ? formatYuan(b as Fen) : b}`);
  };
  cmp("医疗费总额", ours.medfee_sumamt, theirs.medfee_sumamt);
  cmp("基金支付总额", ours.fund_pay_sumamt, theirs.fund_pay_sumamt);
  cmp("个人账户支付", ours.acct_pay, theirs.acct_pay);
  cmp("现金支付", ours.psn_cash_pay, theirs.cash_payamt);
  cmp("结算笔数", ours.count, theirs.fixmedins_setl_cnt, false);
  return out;
}

const TOTALS_FIELDS = ["medfee_sumamt", "fund_pay_sumamt", "acct_pay", "cash_payamt", "setl_cnt"];

function totalsToWire(t: StatementTotals) {
  return { medfee_sumamt: toYuan(t.medfee_sumamt), fund_pay_sumamt: toYuan(t.fund_pay_sumamt), acct_pay: toYuan(t.acct_pay), cash_payamt: toYuan(t.psn_cash_pay), setl_cnt: t.count };
}

/** 3201 对总账: the hospital's totals against the platform's settlements, themselves checked against the ledger. */
export const totalsReconcile = defineHandler({
  infno: "3201",
  name: "医药机构费用结算对总账",
  readOnly: true,
  output: { stmtinfo: ["setl_optins", "stmt_rslt", "stmt_rslt_dscr"], platform: TOTALS_FIELDS, ledger: TOTALS_FIELDS },
  input: z.object({
    data: z.object({
      ...period,
      medfee_sumamt: yuanField,
      fund_pay_sumamt: yuanField,
      acct_pay: yuanField.optional(),
      fixmedins_setl_cnt: z.union([z.string(), z.number()]).transform(Number).pipe(z.number().int().min(0)),
    }).passthrough(),
  }),
  async handle(ctx, { data }) {
    if (data.stmt_enddate < data.stmt_begndate) throw new DomainError("data.stmt_enddate", "must not be before stmt_begndate");
    const rows = await statementRows(ctx.q, { fixmedins_code: ctx.fixmedins_code, begindate: data.stmt_begndate, enddate: data.stmt_enddate, insutype: data.insutype, setl_optins: data.setl_optins, clr_type: data.clr_type });
    const ours = totalsOf(rows);
    const ledger = await ledgerTotals(ctx.q, rows.map((r) => r.setl_id));
    const ledgerDiff = differences(ours, { ...ledger, cash_payamt: ledger.psn_cash_pay, fixmedins_setl_cnt: ledger.count });
    const diff = differences(ours, { medfee_sumamt: data.medfee_sumamt, fund_pay_sumamt: data.fund_pay_sumamt, acct_pay: data.acct_pay, fixmedins_setl_cnt: data.fixmedins_setl_cnt });
    const balanced = diff.length === 0 && ledgerDiff.length === 0;
    return {
      output: {
        stmtinfo: {
          setl_optins: data.setl_optins ?? "",
          stmt_rslt: balanced ? "0" : "1",
          stmt_rslt_dscr: balanced ? "对账平" : [...diff, ...ledgerDiff.map((d) => `账簿：${d}`)].join("；"),
        },
        platform: totalsToWire(ours),
        ledger: totalsToWire(ledger),
      },
    };
  },
});

const detailRow = z.object({
  setl_id: z.string().min(1),
  mdtrt_id: z.string().optional(),
  psn_no: z.string().optional(),
  medfee_sumamt: yuanField,
  fund_pay_sumamt: yuanField,
  acct_pay: yuanField.optional(),
  refd_setl_flag: z.string().optional(),
}).passthrough();

/** The columns of a detail file, in the national document's order. */
const FILE_COLUMNS = ["setl_id", "mdtrt_id", "psn_no", "medfee_sumamt", "fund_pay_sumamt", "acct_pay", "refd_setl_flag"] as const;

/**
 * The rows of a detail file (9101): one settlement a line, its fields separated by tabs (or commas), in FILE_COLUMNS
 * order; a first line of column names is skipped. Each row is refused as an inline row would be, naming its line.
 */
function fileRows(text: string, fileQuryNo: string): z.output<typeof detailRow>[] {
  const out: z.output<typeof detailRow>[] = [];
  text.replace(/^\uFEFF/, "").split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    const cells = (line.includes("\t") ? line.split("\t") : line.split(",")).map((c) => c.trim());
    if (i === 0 && cells[0] === "setl_id") return;
    if (out.length >= 100_000) throw new DomainError(`file ${fileQuryNo}`, "holds more than 100000 rows");
    const row = Object.fromEntries(FILE_COLUMNS.map((c, k) => [c, cells[k] === "" ? undefined : cells[k]]));
    out.push(parseWith(detailRow, row, `file ${fileQuryNo} line ${i + 1}`));
  });
  return out;
}

/**
 * 3202 明细对账: detail rows inline, or in a file uploaded with 9101 (data.file_qury_no); answers each row that disagrees
 * and each platform settlement the hospital lacks.
 */
export const detailReconcile = defineHandler({
  infno: "3202",
  name: "医药机构费用结算对明细账",
  readOnly: true,
  output: { stmtinfo: ["setl_optins", "stmt_rslt", "stmt_rslt_dscr"], "result[]": ["setl_id", "stmt_rslt", "memo"] },
  input: z.object({
    data: z.object({
      ...period,
      medfee_sumamt: yuanField.optional(),
      fund_pay_sumamt: yuanField.optional(),
      cash_payamt: yuanField.optional(),
      fixmedins_setl_cnt: z.union([z.string(), z.number()]).transform(Number).pipe(z.number().int().min(0)).optional(),
      file_qury_no: z.string().min(1).optional(),
    }).passthrough(),
    detail: z.array(detailRow).max(100_000).optional(),
  }),
  async handle(ctx, { data, detail: inline }) {
    if (inline && data.file_qury_no) throw new DomainError("data.file_qury_no", "give the rows either inline (detail) or in a file, not both");
    if (!inline && !data.file_qury_no) throw new DomainError("detail", "is required, or data.file_qury_no: the number 9101 answered for a file of the rows");
    const detail = inline ?? fileRows(await fileText(ctx.q, ctx.fixmedins_code, data.file_qury_no ?? "", ctx.inf_time, "data.file_qury_no"), data.file_qury_no ?? "");
    const rows = await statementRows(ctx.q, { fixmedins_code: ctx.fixmedins_code, begindate: data.stmt_begndate, enddate: data.stmt_enddate, insutype: data.insutype, setl_optins: data.setl_optins, clr_type: data.clr_type });
    const ours = new Map(rows.map((r) => [r.setl_id, r]));
    const result: Record<string, unknown>[] = [];
    const seen = new Set<string>();
    for (const d of detail) {
      seen.add(d.setl_id);
      const r = ours.get(d.setl_id);
      if (!r) {
        result.push({ setl_id: d.setl_id, stmt_rslt: "1", memo: "平台无此有效结算（不存在、已撤销或不在对账范围）" });
      } else if (r.medfee_sumamt !== d.medfee_sumamt || r.fund_pay_sumamt !== d.fund_pay_sumamt || (d.acct_pay !== undefined && r.acct_pay !== d.acct_pay)) {
        result.push({
          setl_id: d.setl_id,
          stmt_rslt: "1",
          memo: `金额不符：平台医疗费${formatYuan(r.medfee_sumamt as Fen)}、基金${formatYuan(r.fund_pay_sumamt as Fen)}、个账${formatYuan(r.acct_pay as Fen)}`,
        });
      }
    }
    for (const r of rows) if (!seen.has(r.setl_id)) result.push({ setl_id: r.setl_id, stmt_rslt: "1", memo: "医院明细缺少此结算" });
    return {
      output: {
        stmtinfo: { setl_optins: data.setl_optins ?? "", stmt_rslt: result.length === 0 ? "0" : "1", stmt_rslt_dscr: result.length === 0 ? "明细对账平" : `${result.length}笔不符` },
        result,
      },
    };
  },
});
