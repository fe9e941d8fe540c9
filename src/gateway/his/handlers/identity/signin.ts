import { and, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import { DomainError } from "../../../../domain/errors.js";
import { getHospital } from "../../../../services/settlement/index.js";
import { newId } from "../../../../services/common/index.js";
import type { Services } from "../../../../services/common/index.js";
import type { Queryable } from "../../../../store/db.js";
import { signIns } from "../../../../store/schema.js";
import type { HisCaller } from "../../types.js";
import { defineHandler } from "../../types.js";

/** A sign_no obtained with another credential (of the same hospital or not): logged as a refusal of the sender. */
export class SignNoOfOtherCredential extends DomainError {}

/**
 * A hospital's sign-in must be open for every transaction but 9001, and be one that the same credential obtained: a
 * sign_no seen (or guessed) by someone else opens nothing.
 */
export async function checkSignIn(services: Services, q: Queryable, caller: HisCaller, signNo: string | null): Promise<void> {
  const fixmedinsCode = caller.fixmedins_code;
  if (!signNo) throw new DomainError("sign_no", "is required: sign in with 9001 first");
  const row = await services.cached(`sign_no:${signNo}`, 60_000, async () => {
    const [found] = await q.select().from(signIns).where(eq(signIns.sign_no, signNo)).limit(1);
    return found;
  });
  if (!row || row.fixmedins_code !== fixmedinsCode) throw new DomainError("sign_no", `${signNo} is not a sign-in of ${fixmedinsCode}`);
  if (row.access_key !== caller.access_key) throw new SignNoOfOtherCredential("sign_no", `${signNo} was obtained with another credential: sign in with 9001 under this one`);
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
    await ctx.q.insert(signIns).values({ sign_no: signNo, fixmedins_code: ctx.fixmedins_code, opter_no: input.signIn.opter_no, access_key: ctx.access_key });
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
      // Only a sign-in of the same credential: another credential of the hospital cannot end this one's.
      .where(and(eq(signIns.sign_no, input.signOut.sign_no), eq(signIns.fixmedins_code, ctx.fixmedins_code), eq(signIns.access_key, ctx.access_key), isNull(signIns.signout_time)))
      .returning();
    await ctx.services.forget(`sign_no:${input.signOut.sign_no}`, ctx.q);
    if (rows.length === 0) throw new DomainError("signOut.sign_no", `${input.signOut.sign_no} is not an open sign-in of ${ctx.fixmedins_code} under this credential`);
    return { output: { signoutoutb: { sign_time: ctx.inf_time } } };
  },
});
