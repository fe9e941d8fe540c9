import type { FastifyInstance } from "fastify";
import type { Services } from "../../services/context.js";
import { callService, refusal } from "./dispatch.js";

export const HIS_PATH = "/fsi/api/rsfComIfsService/callService";

export interface HisGatewayOptions {
  services: Services;
  /** 9001 sign-ins per client address and window (api/security.ts rateLimitsFrom); none when absent. */
  signinLimit?: { max: number; window_ms: number };
}

/** The hospital-facing interface: one endpoint, the transaction named by infno; always HTTP 200 with the envelope. */
export async function hisGateway(app: FastifyInstance, options: HisGatewayOptions): Promise<void> {
  // Every transaction comes to the one path, so the limit is taken in the handler, once the body tells it is a 9001:
  // a hospital's settlements are never slowed by it, a guesser of operator passwords is.
  const limit = options.signinLimit;
  const checkSignin = limit ? app.createRateLimit({ max: limit.max, timeWindow: limit.window_ms }) : undefined;
  app.post(HIS_PATH, { bodyLimit: 32 * 1024 * 1024 }, async (request, reply) => {
    if (checkSignin && (request.body as { infno?: unknown } | null)?.infno === "9001") {
      const state = await checkSignin(request);
      if (!state.isAllowed && state.isExceeded) {
        void reply.header("retry-after", String(state.ttlInSeconds));
        return refusal(`9001 签到过于频繁，请 ${state.ttlInSeconds} 秒后再试 / too many 9001 sign-ins from your address: retry in ${state.ttlInSeconds} s`);
      }
    }
    return callService(options.services, request.body, request.log);
  });
}
