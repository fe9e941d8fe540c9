import { z } from "zod";
import { settlementFilter } from "../../../domain/identity/index.js";
import { toYuan } from "../../../domain/money.js";
import { regionName } from "../../../domain/reference/index.js";
import { forbidden } from "../../errors.js";
import { regionIn, yearIn, yuanOut } from "../../fields.js";
import { defineRoute } from "../../route.js";
import { regionOf } from "../../scope.js";
import { signedIn } from "../../session.js";
import { defaultYear } from "../common/shapes.js";
import { hospitalsOverview } from "../../../services/reference/index.js";

export const hospitalsRoute = defineRoute({
  method: "GET",
  path: "/hospitals",
  operationId: "listHospitals",
  summary: { zh: "定点医疗机构及其年度结算", en: "Hospitals and their settlements of a year" },
  tags: ["settlements"],
  access: "settlements",
  query: z.strictObject({ year: yearIn.optional(), admdvs: regionIn.optional() }),
  response: z.object({
    year: z.int(),
    items: z.array(z.object({
      fixmedins_code: z.string(), fixmedins_name: z.string(), medins_lv: z.string(), admdvs: z.string(), admdvs_name: z.string(),
      settlements: z.int(), medfee_sumamt: yuanOut, fund_pay_sumamt: yuanOut,
    })),
  }),
  async handle({ query, services, principal }) {
    const me = signedIn(principal);
    if (me.role === "insured") throw forbidden(null, "the insured see their own settlements in the portal");
    const year = query.year ?? defaultYear();
    const scope = me.role === "hospital" ? settlementFilter(me) : { region: regionOf(me, query.admdvs, "query.admdvs") };
    const rows = await hospitalsOverview(services.db, year, scope);
    return {
      year,
      items: rows.map((h) => ({ ...h, admdvs_name: regionName(h.admdvs), medfee_sumamt: toYuan(h.medfee_sumamt), fund_pay_sumamt: toYuan(h.fund_pay_sumamt) })),
    };
  },
});
