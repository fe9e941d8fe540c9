import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { DomainError } from "../../../domain/errors.js";
import { getHospital } from "../../../services/encounters.js";
import { newId } from "../../../services/ids.js";
import type { Services } from "../../../services/context.js";
import type { Queryable } from "../../../store/db.js";
import { signIns } from "../../../store/schema.js";
import { defineHandler } from "../types.js";

/** A hospital's sign-in must be open for every transaction but 9001. */
export async function checkSignIn(services: Services, q: Queryable, fixmedinsCode: string, signNo: string | null): Promise<void> {
  if (!signNo) throw new DomainError("sign_no", "is required: sign in with 9001 first");
  const row = await services.cached(`sign_no:${signNo}`, 60_000, async () => {
    const [found] = await q.select().from(signIns).where(eq(signIns.sign_no, signNo)).limit(1);
    return found;
  });
  if (!row || row.fixmedins_code !== fixmedinsCode) throw new DomainError("sign_no", `${signNo} is not a sign-in of ${fixmedinsCode}`);
  if (row.signout_time) throw new DomainError("sign_no", `${signNo} is signed out; sign in again with 9001`);
}

export const signIn = defineHandler({
  infno: "9001",
  name: "签到",
  readOnly: false,
  output: { signinoutb: ["sign_no", "sign_time"] },
  needsSignIn: false,
  input: z.object({ signIn: z.object({ opter_no: z.string().min(1).max(30), mac: z.string().optional(), ip: z.string().optional() }) }),
  async handle(ctx, input) {
    await getHospital(ctx.services, ctx.q, ctx.fixmedins_code);
    const signNo = newId("SN", ctx.inf_time);
    await ctx.q.insert(signIns).values({ sign_no: signNo, fixmedins_code: ctx.fixmedins_code, opter_no: input.signIn.opter_no });
    return { output: { signinoutb: { sign_no: signNo, sign_time: ctx.inf_time } } };
  },
});

export const signOut = defineHandler({
  infno: "9002",
  name: "签退",
  readOnly: false,
  output: { signoutoutb: ["sign_time"] },
  input: z.object({ signOut: z.object({ sign_no: z.string().min(1), opter_no: z.string().min(1) }) }),
  async handle(ctx, input) {
    const rows = await ctx.q
      .update(signIns)
      .set({ signout_time: new Date() })
      .where(and(eq(signIns.sign_no, input.signOut.sign_no), eq(signIns.fixmedins_code, ctx.fixmedins_code), isNull(signIns.signout_time)))
      .returning();
    ctx.services.forget(`sign_no:${input.signOut.sign_no}`);
    if (rows.length === 0) throw new DomainError("signOut.sign_no", `${input.signOut.sign_no} is not an open sign-in of ${ctx.fixmedins_code}`);
    return { output: { signoutoutb: { sign_time: ctx.inf_time } } };
  },
});
