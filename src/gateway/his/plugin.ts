import type { FastifyInstance } from "fastify";
import type { Services } from "../../services/context.js";
import { callService, refusedAnswer } from "./dispatch.js";
import { HisGuard, type GuardOptions, type HisCaller } from "./guard.js";

export const HIS_PATH = "/fsi/api/rsfComIfsService/callService";

declare module "fastify" {
  interface FastifyRequest {
    /** The caller the guard admitted (src/gateway/his/guard.ts). */
    hisCaller?: HisCaller;
    hisBody?: unknown;
  }
}

/**
 * The hospital-facing interface: one endpoint, the transaction named by infno; always HTTP 200 with the envelope. The
 * body is kept as text (the signature covers its bytes) and parsed by the guard once the signature holds.
 */
export async function hisGateway(app: FastifyInstance, options: { services: Services; guard?: GuardOptions }): Promise<void> {
  const guard = new HisGuard(options.services, options.guard);
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => done(null, body));
  app.post(HIS_PATH, {
    bodyLimit: 32 * 1024 * 1024,
    preHandler: async (request, reply) => {
      const raw = typeof request.body === "string" ? request.body : "";
      const admitted = await guard.admit(request.headers, raw, request.ip, request.log);
      if ("refusal" in admitted) {
        request.log.info({ refused: admitted.refusal.reason, ip: request.ip }, "his request refused");
        return reply.send(refusedAnswer(admitted.refusal.reason, admitted.refusal.message));
      }
      request.hisCaller = admitted.caller;
      request.hisBody = admitted.body;
    },
  }, async (request) => callService(options.services, request.hisBody, request.hisCaller as HisCaller, request.log));
}
