import type { FastifyInstance } from "fastify";
import type { Services } from "../../services/context.js";
import { callService } from "./dispatch.js";

export const HIS_PATH = "/fsi/api/rsfComIfsService/callService";

/** The hospital-facing interface: one endpoint, the transaction named by infno; always HTTP 200 with the envelope. */
export async function hisGateway(app: FastifyInstance, options: { services: Services }): Promise<void> {
  app.post(HIS_PATH, { bodyLimit: 32 * 1024 * 1024 }, async (request) => callService(options.services, request.body, request.log));
}
