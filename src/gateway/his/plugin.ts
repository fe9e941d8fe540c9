import type { FastifyInstance } from "fastify";
import type { Services } from "../../services/common/index.js";
import { withStatementLabel } from "../../store/statements.js";
import { interfaceDocument } from "./conformance.js";
import { callService, INTERFACE_DOC_PATH, refusal, refusedAnswer } from "./dispatch.js";
import { HisGuard, type GuardOptions, type HisCaller } from "./guard.js";

export const HIS_PATH = "/fsi/api/rsfComIfsService/callService";

declare module "fastify" {
  interface FastifyRequest {
    /** The caller the guard admitted (src/gateway/his/guard.ts). */
    hisCaller?: HisCaller;
    hisBody?: unknown;
  }
}

export interface HisGatewayOptions {
  services: Services;
  /** The guard's per-institution limits (9001, 1101) and clock. */
  guard?: GuardOptions;
  /** 9001 sign-ins per client address and window (api/security.ts rateLimitsFrom); none when absent. */
  signinLimit?: { max: number; window_ms: number };
}

/**
 * The hospital-facing interface: one endpoint, the transaction named by infno; always HTTP 200 with the envelope. The
 * body is kept as text (the signature covers its bytes) and parsed by the guard once the signature holds.
 */
export async function hisGateway(app: FastifyInstance, options: HisGatewayOptions): Promise<void> {
  const guard = new HisGuard(options.services, options.guard);
  // Every transaction comes to the one path, so the per-address limit of 9001 is taken once the body tells it is a
  // 9001: a hospital's settlements are never slowed by it, a guesser of operator passwords is. (The guard's limits are
  // per institution, after the signature; this one is per address, whoever signs.)
  const limit = options.signinLimit;
  const checkSignin = limit ? app.createRateLimit({ max: limit.max, timeWindow: limit.window_ms }) : undefined;
  // The conformance table, the same text as docs/interface.md (generated from the schemas the gateway validates with):
  // a HIS refused for an unknown transaction is pointed here.
  let doc: string | undefined;
  app.get(INTERFACE_DOC_PATH, async (_request, reply) => {
    doc ??= interfaceDocument();
    return reply.type("text/markdown; charset=utf-8").send(doc);
  });
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => done(null, body));
  app.post(HIS_PATH, {
    bodyLimit: 32 * 1024 * 1024,
    preHandler: async (request, reply) => {
      const raw = typeof request.body === "string" ? request.body : "";
      const admitted = await withStatementLabel("guard", () => guard.admit(request.headers, raw, request.ip, request.log));
      if ("refusal" in admitted) {
        request.log.info({ refused: admitted.refusal.reason, ip: request.ip }, "his request refused");
        return reply.send(refusedAnswer(admitted.refusal.reason, admitted.refusal.message));
      }
      request.hisCaller = admitted.caller;
      request.hisBody = admitted.body;
    },
  }, async (request, reply) => {
    if (checkSignin && (request.hisBody as { infno?: unknown } | null)?.infno === "9001") {
      const state = await checkSignin(request);
      if (!state.isAllowed && state.isExceeded) {
        void reply.header("retry-after", String(state.ttlInSeconds));
        return refusal(`9001 签到过于频繁，请 ${state.ttlInSeconds} 秒后再试 / too many 9001 sign-ins from your address: retry in ${state.ttlInSeconds} s`);
      }
    }
    const infno = (request.hisBody as { infno?: unknown } | null)?.infno;
    return withStatementLabel(typeof infno === "string" ? infno : "(unknown)", () =>
      callService(options.services, request.hisBody, request.hisCaller as HisCaller, request.log));
  });
}
