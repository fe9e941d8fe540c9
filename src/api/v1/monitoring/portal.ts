import { z } from "zod";
import { toYuan } from "../../../domain/money.js";
import { CRITERION_NAMES, WARNING_EVENT_NAMES, WARNING_STATE_NAMES, WARNING_STATES } from "../../../domain/monitoring/index.js";
import { warningsOf } from "../../../services/monitoring/index.js";
import { forbidden } from "../../errors.js";
import { dateOut, timeOut, yuanOut } from "../../fields.js";
import { defineRoute } from "../../route.js";
import { signedIn } from "../../session.js";

/**
 * The insured person's own warnings in the portal: what was found and what became of it. Who at the bureau acted is not
 * shown (staff accounts are the bureau's business); what they found and did is, in their words.
 */

export const myWarningsRoute = defineRoute({
  method: "GET",
  path: "/me/warnings",
  operationId: "myWarnings",
  summary: { zh: "我的高额医疗费用预警及处理结果", en: "My warnings of high medical spending and their outcome" },
  tags: ["portal"],
  access: "self",
  response: z.object({
    items: z.array(z.object({
      id: z.int(),
      state: z.enum(WARNING_STATES),
      state_name: z.string(),
      raised_at: timeOut,
      updated_at: timeOut,
      window_from: dateOut,
      window_to: dateOut,
      window_self_paid: yuanOut.meta({ description: "期间政策范围内个人自付（元）/ the window's in-policy self-paid, yuan" }),
      criteria_names: z.array(z.string()),
      below_threshold: z.boolean(),
      explanation: z.string(),
      history: z.array(z.object({
        at: timeOut,
        action: z.string(),
        action_name: z.string(),
        state: z.enum(WARNING_STATES).nullable().meta({ description: "之后的状态 / the state after it" }),
        state_name: z.string().nullable(),
        note: z.string().nullable(),
      })),
    })),
  }),
  async handle({ services, principal }) {
    const me = signedIn(principal);
    if (!me.psn_no) throw forbidden(null, "this account is not linked to an insured person");
    const found = await warningsOf(services.db, me.psn_no);
    return {
      items: found.map((w) => ({
        id: w.id, state: w.state, state_name: WARNING_STATE_NAMES[w.state], raised_at: w.raised_at, updated_at: w.updated_at,
        window_from: w.window_from, window_to: w.window_to, window_self_paid: toYuan(w.window_self_paid_fen),
        criteria_names: w.criteria.map((c) => CRITERION_NAMES[c]), below_threshold: w.below_threshold, explanation: w.explanation,
        history: w.events.map((e) => ({
          at: e.at, action: e.action, action_name: WARNING_EVENT_NAMES[e.action] ?? e.action, state: e.to_state,
          state_name: e.to_state === null ? null : WARNING_STATE_NAMES[e.to_state], note: e.note,
        })),
      })),
    };
  },
});
