import { z } from "zod";
import { settlementFilter } from "../../../domain/identity/index.js";
import { toYuan, type Fen } from "../../../domain/money.js";
import { todayInChina } from "../../../services/common/index.js";
import { forbidden } from "../../errors.js";
import { dateIn, yuanOut } from "../../fields.js";
import { defineRoute } from "../../route.js";
import { regionOf } from "../../scope.js";
import { signedIn } from "../../session.js";
import { DomainError } from "../../../domain/errors.js";
import { reconcileHospitals } from "../../../services/ledger/index.js";

const totalsOut = z.object({ medfee_sumamt: yuanOut, fund_pay_sumamt: yuanOut, acct_pay: yuanOut, psn_cash_pay: yuanOut });

export const reconciliationRoute = defineRoute({
  method: "GET",
  path: "/reconciliation",
  operationId: "reconciliation",
  summary: { zh: "对账：各医疗机构结算与账本核对", en: "Reconciliation: each hospital's settlements against the ledger" },
  description: "按结算时间取期间内的结算；平台合计（有效结算）与账本净额逐项核对到分 / the settlements of the period by settlement time; the platform's totals (settlements in force) against the ledger's net, figure by figure, to the fen.",
  tags: ["settlements"],
  access: "settlements",
  query: z.strictObject({
    date_from: dateIn.optional().meta({ description: "默认本年 1 月 1 日 / default 1 January of this year" }),
    date_to: dateIn.optional().meta({ description: "默认今天 / default today" }),
    fixmedins_code: z.string().min(1).max(30).optional(),
  }),
  response: z.object({
    date_from: z.string(),
    date_to: z.string(),
    items: z.array(z.object({
      fixmedins_code: z.string(), fixmedins_name: z.string(), settlements: z.int(), reversed: z.int(),
      platform: totalsOut, ledger: totalsOut, balanced: z.boolean(),
    })),
  }),
  async handle({ query, services, principal }) {
    const me = signedIn(principal);
    if (me.role === "insured") throw forbidden(null, "reconciliation is for the bureau and the hospitals");
    const today = todayInChina();
    const from = query.date_from ?? `${today.slice(0, 4)}-01-01`;
    const to = query.date_to ?? today;
    if (from > to) throw new DomainError("query.date_from", `must not be after date_to (${to})`);
    if (me.role === "hospital" && query.fixmedins_code !== undefined && query.fixmedins_code !== me.fixmedins_code) {
      throw forbidden("query.fixmedins_code", "a hospital reconciles only its own settlements");
    }
    const rows = await reconcileHospitals(services.db, {
      from, to,
      ...(me.role === "hospital" ? settlementFilter(me) : { region: regionOf(me, undefined, "query"), fixmedins_code: query.fixmedins_code }),
    });
    const t = (m: { medfee_sumamt: Fen; fund_pay_sumamt: Fen; acct_pay: Fen; psn_cash_pay: Fen }) => ({
      medfee_sumamt: toYuan(m.medfee_sumamt), fund_pay_sumamt: toYuan(m.fund_pay_sumamt), acct_pay: toYuan(m.acct_pay), psn_cash_pay: toYuan(m.psn_cash_pay),
    });
    return { date_from: from, date_to: to, items: rows.map((r) => ({ ...r, platform: t(r.platform), ledger: t(r.ledger) })) };
  },
});
