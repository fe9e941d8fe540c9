import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { DomainError } from "../../../../domain/errors.js";
import { selectPolicy } from "../../../../domain/reference/index.js";
import { dateField } from "../../../../domain/zodFields.js";
import { getPerson } from "../../../../services/common/index.js";
import type { Queryable } from "../../../../store/db.js";
import { chronicFilings } from "../../../../store/schema.js";
import { defineHandler } from "../../types.js";

export const chronicFiling = defineHandler({
  infno: "2503",
  name: "人员慢特病备案",
  readOnly: false,
  output: { result: ["trt_dcla_detl_sn"] },
  input: z.object({
    data: z.object({
      psn_no: z.string().min(1),
      insutype: z.string().regex(/^\d{3}$/),
      opsp_dise_code: z.string().min(1),
      opsp_dise_name: z.string().min(1),
      ide_fixmedins_no: z.string().optional(),
      hosp_ide_date: z.string().optional(),
      diag_dr_codg: z.string().optional(),
      begndate: dateField,
      enddate: dateField.optional(),
    }).passthrough(),
  }),
  async handle(ctx, { data }) {
    const person = await getPerson(ctx.q, data.psn_no, "data.psn_no");
    const { policy } = selectPolicy(ctx.services.policies, person.insuplc_admdvs, data.begndate);
    const diseases = policy.basic[data.insutype]?.chronic.diseases ?? [];
    if (!diseases.some((d) => d.code === data.opsp_dise_code)) {
      throw new DomainError("data.opsp_dise_code", `${data.opsp_dise_code} is not an outpatient chronic/special disease of ${person.insuplc_admdvs}`);
    }
    if (data.enddate && data.enddate < data.begndate) throw new DomainError("data.enddate", "must not be before begndate");
    const [row] = await ctx.q
      .insert(chronicFilings)
      .values({
        psn_no: person.psn_no,
        insutype: data.insutype,
        opsp_dise_code: data.opsp_dise_code,
        opsp_dise_name: data.opsp_dise_name,
        ide_fixmedins_no: data.ide_fixmedins_no ?? ctx.fixmedins_code,
        begndate: data.begndate,
        enddate: data.enddate ?? null,
      })
      .returning();
    const sn = String(row?.id);
    return { output: { result: { trt_dcla_detl_sn: sn } }, effects: { trt_dcla_detl_sn: sn, psn_no: person.psn_no } };
  },
});

export async function cancelChronicFiling(q: Queryable, sn: string, psnNo: string): Promise<void> {
  const id = Number(sn);
  const rows = Number.isSafeInteger(id)
    ? await q
        .update(chronicFilings)
        .set({ status: "cancelled" })
        .where(and(eq(chronicFilings.id, id), eq(chronicFilings.psn_no, psnNo), eq(chronicFilings.status, "active")))
        .returning()
    : [];
  if (rows.length === 0) throw new DomainError("data.trt_dcla_detl_sn", `no active chronic/special disease filing ${sn} of ${psnNo}`);
}

export const chronicFilingCancel = defineHandler({
  infno: "2504",
  name: "人员慢特病备案撤销",
  readOnly: false,
  input: z.object({ data: z.object({ trt_dcla_detl_sn: z.union([z.string(), z.number()]).transform(String), psn_no: z.string().min(1), memo: z.string().optional() }) }),
  async handle(ctx, { data }) {
    await cancelChronicFiling(ctx.q, data.trt_dcla_detl_sn, data.psn_no);
    return { output: {} };
  },
});
