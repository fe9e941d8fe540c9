import { eq } from "drizzle-orm";
import { z } from "zod";
import { DomainError } from "../../../../domain/errors.js";
import { cancelDischarge, cancelEncounter, cancelFeeLines } from "../../../../services/settlement/index.js";
import { messageLog } from "../../../../store/schema.js";
import { defineHandler } from "../../types.js";
import { cancelChronicFiling } from "./chronic.js";
import { reverseMessage } from "./settlement.js";

/** 2601 冲正: undoes an earlier message of this hospital by its msgid, as the hospital does when it lost the answer. */
export const reverseByMessage = defineHandler({
  infno: "2601",
  name: "冲正交易",
  readOnly: false,
  input: z.object({ data: z.object({ psn_no: z.string().min(1), omsgid: z.string().length(30), oinfno: z.string().regex(/^\d{4}[A-Z]?$/, "must be the infno of the message to reverse (2207, 2207A)") }) }),
  async handle(ctx, { data }) {
    const [original] = await ctx.q.select().from(messageLog).where(eq(messageLog.msgid, data.omsgid)).limit(1);
    if (!original || original.fixmedins_code !== ctx.fixmedins_code) throw new DomainError("data.omsgid", `no message ${data.omsgid} of ${ctx.fixmedins_code}`);
    if (original.infno !== data.oinfno) throw new DomainError("data.oinfno", `message ${data.omsgid} was ${original.infno}`);
    if (original.reversed) throw new DomainError("data.omsgid", `message ${data.omsgid} is reversed already`);
    const effects = (original.effects ?? {}) as Record<string, unknown>;
    if (effects.psn_no !== undefined && effects.psn_no !== data.psn_no) throw new DomainError("data.psn_no", `message ${data.omsgid} was not ${data.psn_no}'s`);
    const mdtrtId = String(effects.mdtrt_id ?? "");
    // A lettered variant (2207A) is undone as its plain transaction: the log holds it under the infno it was sent with.
    switch (data.oinfno.slice(0, 4)) {
      case "2207":
      case "2304":
        await reverseMessage(ctx, { setl_id: String(effects.setl_id), mdtrt_id: mdtrtId, psn_no: data.psn_no });
        break;
      case "2201":
      case "2401":
        await cancelEncounter(ctx.q, mdtrtId, ctx.fixmedins_code, data.psn_no);
        break;
      case "2204":
      case "2301":
        for (const sn of (effects.feedetl_sns as string[] | undefined) ?? []) {
          await cancelFeeLines(ctx.q, mdtrtId, ctx.fixmedins_code, data.psn_no, { feedetl_sn: sn });
        }
        break;
      case "2402":
        await cancelDischarge(ctx.q, mdtrtId, ctx.fixmedins_code, data.psn_no);
        break;
      case "2503":
        await cancelChronicFiling(ctx.q, String(effects.trt_dcla_detl_sn), data.psn_no);
        break;
      default:
        throw new DomainError("data.oinfno", `${data.oinfno} cannot be reversed by 2601; use its own cancel transaction`);
    }
    await ctx.q.update(messageLog).set({ reversed: true }).where(eq(messageLog.msgid, data.omsgid));
    return { output: {} };
  },
});
