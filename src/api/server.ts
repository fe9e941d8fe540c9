import Fastify, { type FastifyInstance } from "fastify";
import { rateLimitsFrom, type GuardOptions } from "../gateway/his/guard.js";
import { hisGateway } from "../gateway/his/plugin.js";
import { restApi } from "./plugin.js";
import { webApp } from "./web.js";
import type { Services } from "../services/context.js";

export interface ServerOptions {
  services: Services;
  logger?: boolean | { level: string };
  /** Serve the console and the portal (dist/web) at / (default true). */
  web?: boolean;
  webDir?: string;
  /** The interface's guard: rate limits (default YIBAO_HIS_RATE_LIMITS, else DEFAULT_RATE_LIMITS), clock. */
  his?: GuardOptions;
}

function trustProxySetting(value: string | undefined): boolean | string {
  if (value === undefined || value === "" || value === "0" || value === "false") return false;
  return value === "1" || value === "true" ? true : value;
}

/** The HTTP face of Yibao: the national hospital-facing interface, the REST API, the web console and portal, a health check. */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? { level: process.env.LOG_LEVEL ?? "info" },
    // Behind a reverse proxy (TLS, a load balancer), its X-Forwarded-For/-Proto give the client's address for the
    // sign-in log and https for the Secure cookie: trusted only when said (YIBAO_TRUST_PROXY=1, or a list of addresses).
    trustProxy: trustProxySetting(process.env.YIBAO_TRUST_PROXY),
  });
  // A body that is not JSON still gets the interface's envelope, not Fastify's error page.
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    if (request.url.startsWith("/fsi/")) {
      // A stable answer by status; Fastify's own text goes to the log only.
      request.log.info({ err: error }, "his request not readable");
      const why = error.statusCode === 413 ? "the body is too large" : error.statusCode === 415 ? "the body must be application/json" : "the body is not a JSON envelope";
      return reply.code(200).send({ infcode: -1, err_msg: `[malformed] 请求报文无法解析 / malformed request: ${why}`, output: null });
    }
    return reply.code(error.statusCode ?? 500).send({ error: { code: "bad_request", message: error.message } });
  });
  app.get("/health", async () => ({ status: "ok", database: options.services.database.kind }));
  await app.register(hisGateway, { services: options.services, guard: options.his ?? { limits: rateLimitsFrom(process.env.YIBAO_HIS_RATE_LIMITS) } });
  await app.register(restApi, { prefix: "/api", services: options.services });
  if (options.web !== false) await app.register(webApp, options.webDir ? { dir: options.webDir } : {});
  return app;
}
