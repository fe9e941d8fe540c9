import Fastify, { type FastifyInstance } from "fastify";
import { rateLimitsFrom as hisRateLimitsFrom, type GuardOptions } from "../gateway/his/guard.js";
import { hisGateway } from "../gateway/his/plugin.js";
import { restApi } from "./plugin.js";
import { rateLimitsFrom, registerRateLimits, securityHeaders, type RateLimits } from "./security.js";
import { webApp } from "./web.js";
import { sessionLimits } from "../services/identity/index.js";
import type { Services } from "../services/common/index.js";
import { ImportWorker, type ImportWorkerOptions } from "../services/imports/index.js";
import { countingStatements, statementTallies } from "../store/statements.js";

export interface ServerOptions {
  services: Services;
  logger?: boolean | { level: string };
  /** Serve the console and the portal (dist/web) at / (default true). */
  web?: boolean;
  webDir?: string;
  /** The per-address limits of the sign-ins (default: from the environment, see security.ts). */
  limits?: RateLimits;
  /** Run an import worker for the uploads (default yes; false for a server that must not take jobs). */
  importWorker?: boolean | ImportWorkerOptions;
  /** The interface's guard: rate limits (default YIBAO_HIS_RATE_LIMITS, else DEFAULT_RATE_LIMITS), clock. */
  his?: GuardOptions;
}

function trustProxySetting(value: string | undefined): boolean | string {
  if (value === undefined || value === "" || value === "0" || value === "false") return false;
  return value === "1" || value === "true" ? true : value;
}

/** The HTTP face of Yibao: the national hospital-facing interface, the REST API, the web console and portal, a health check. */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const limits = options.limits ?? rateLimitsFrom();
  // Read once here so that a mistyped YIBAO_SESSION_* stops the start instead of the first sign-in.
  sessionLimits();
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
  // Before any route: both add hooks to the routes registered after them.
  await securityHeaders(app);
  await registerRateLimits(app);
  app.get("/health", async () => ({ status: "ok", database: options.services.database.kind }));
  // The benchmark's count of statements per message (YIBAO_COUNT_STATEMENTS=1 only; src/store/statements.ts).
  if (countingStatements()) app.get("/health/statements", async () => statementTallies());
  await app.register(hisGateway, {
    services: options.services,
    guard: options.his ?? { limits: hisRateLimitsFrom(process.env.YIBAO_HIS_RATE_LIMITS) },
    signinLimit: limits.his_signin,
  });
  await app.register(restApi, { prefix: "/api", services: options.services, limits });
  if (options.web !== false) await app.register(webApp, options.webDir ? { dir: options.webDir } : {});
  if (options.importWorker !== false) {
    // Started once the server is ready (jobs left by a stopped server are taken up then), stopped before it closes.
    const workerOptions = typeof options.importWorker === "object" ? options.importWorker : {};
    const worker = new ImportWorker(options.services, { log: (message) => app.log.warn(message), ...workerOptions });
    app.addHook("onReady", async () => {
      worker.start();
    });
    app.addHook("onClose", async () => worker.stop());
  }
  return app;
}
