// Builds the REST API server (not yet listening): plugins, the error handler, the
// authentication gate, then one module per resource. The caller decides where to listen.
import type { Broker } from "@updraft/broker";
import cookie from "@fastify/cookie";
import formbody from "@fastify/formbody";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { FrozenConfig } from "@updraft/config";
import type { UpdraftDatabase } from "@updraft/db";
import Fastify, { LogController, type FastifyInstance } from "fastify";
import { defaultAccess, type Access } from "./auth/access.ts";
import { installAuthentication } from "./auth/authenticate.ts";
import { BasicVerifier } from "./auth/basic-credentials.ts";
import { LoginThrottle, type LoginThrottleOptions } from "./auth/login-throttle.ts";
import { SessionStore } from "./auth/sessions.ts";
import { registerSecurityHeaders, withRedaction } from "./security.ts";
import { installErrorHandling, problem } from "./errors.ts";
import { installBodyDepthLimit } from "./body-depth.ts";
import type { ApiApp, ApiContext } from "./routes/context.ts";
import { dagRunRoutes } from "./routes/dag-runs.ts";
import { dagRoutes } from "./routes/dags.ts";
import { healthRoutes } from "./routes/health.ts";
import { importErrorRoutes } from "./routes/import-errors.ts";
import { loginRoutes } from "./routes/login.ts";
import { logRoutes } from "./routes/logs.ts";
import { DOCS_PREFIX, registerOpenApi } from "./routes/openapi.ts";
import { poolRoutes } from "./routes/pools.ts";
import { schedulingRoutes } from "./routes/scheduling.ts";
import { taskInstanceRoutes } from "./routes/task-instances.ts";
import { userRoutes } from "./routes/users.ts";
import { dagDetailRoutes } from "./routes/dag-details.ts";
import { eventRoutes } from "./routes/events.ts";
import { metricsRoutes } from "./routes/metrics.ts";
import { registerQueueBoard } from "./routes/queues.ts";
import { workerRoutes } from "./routes/workers.ts";
import { meRoutes } from "./routes/me.ts";
import { airflowInfoRoutes } from "./routes/airflow-info.ts";
import { eventLogRoutes } from "./routes/event-logs.ts";
import { taskInstanceActionRoutes } from "./routes/task-instance-actions.ts";
import { taskInstanceExtraRoutes } from "./routes/task-instance-extras.ts";
import { taskRoutes } from "./routes/tasks.ts";
import { ChangeFeed } from "./live/change-feed.ts";
import { UpdraftMetrics } from "./metrics/updraft-metrics.ts";
import { staticSiteRoutes } from "./web/static-site.ts";
import { variableRoutes } from "./routes/variables.ts";
import { connectionRoutes } from "./routes/connections.ts";
import { noteRoutes } from "./routes/notes.ts";
import { defaultWebRoot } from "./web/web-root.ts";

export const API_VERSION = "0.1.0";

export interface ApiServerOptions {
  database: UpdraftDatabase;
  /** The broker of the distributed executor: enables bull-board at /queues and queue-length metrics. */
  broker?: Broker;
  config: FrozenConfig;
  /** Requests with `Authorization: Bearer <token>` act as Admin (used by the local CLI beside `updraft standalone`). */
  localAdminToken?: string;
  /** Fastify's logger option. @defaultValue false */
  logger?: boolean | object;
  /** How long a verified HTTP Basic login is reused without running argon2 again. @defaultValue 60_000 // ms */
  basicAuthCacheMs?: number;
  /**
   * The built dashboard (a folder with index.html and assets/). When it is missing the server
   * still runs and answers pages with a "run pnpm build" notice. @defaultValue the dist folder of @updraft/web
   */
  webRoot?: string;
  /** How often the change poller behind /api/v1/events looks for changes. @defaultValue 500 // ms */
  liveIntervalMs?: number;
  /** Largest request body accepted; bigger ones get 413. @defaultValue 1_048_576 // bytes */
  bodyLimit?: number;
  /** Failed-login limits per username and per client address (form and HTTP Basic). */
  loginThrottle?: LoginThrottleOptions;
}

/** A route as registered, for introspection (docs coverage, auth tests). */
export interface RegisteredRoute {
  method: string;
  url: string;
  access: Access;
  /** Left out of the OpenAPI document. */
  hidden: boolean;
}

declare module "fastify" {
  interface FastifyInstance {
    /** Every route this server registered, in registration order. */
    updraftRoutes: readonly RegisteredRoute[];
  }
}

export async function buildApiServer(options: ApiServerOptions): Promise<FastifyInstance> {
  const app: ApiApp = Fastify({
    // Credentials (Authorization, cookies, passwords) are censored in every log line.
    logger: withRedaction(options.logger),
    bodyLimit: options.bodyLimit ?? 1_048_576,
    // Behind N trusted reverse proxies, request.ip is the client's address from X-Forwarded-For
    // (Airflow's proxy_fix_x_for); otherwise the socket's, so nobody can forge it.
    trustProxy: options.config.web.proxyFixXFor > 0 ? (_address: string, hop: number) => hop < options.config.web.proxyFixXFor : false,
    // Run ids may be up to 250 characters (Airflow's limit); longer path segments answer 414.
    routerOptions: { maxParamLength: 1000 },
    // Errors Fastify raises before routing (414, bad content type) answer as problem JSON too.
    frameworkErrors: (error, _request, reply) => {
      const status = (error as { statusCode?: number }).statusCode ?? 400;
      const raw = reply as unknown as { code(n: number): { type(t: string): { send(b: unknown): unknown } } };
      void raw.code(status).type("application/problem+json").send(problem(status, error.message, "UPDRAFT_INVALID_INPUT"));
    },
    // Request lines go out at debug (errors at error) from the onResponse hook below, so health
    // checks and page loads do not drown the task lines an operator reads (issue 13, item 5).
    logController: new LogController({ disableRequestLogging: true }),
    ajv: {
      // Fastify's default silently drops unknown body fields; the API rejects them instead.
      customOptions: { removeAdditional: false, coerceTypes: "array", useDefaults: true, allErrors: false },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook("onResponse", async (request, reply) => {
    const line = { method: request.method, url: request.url, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (reply.statusCode >= 500) request.log.error(line, "request failed");
    else request.log.debug(line, "request completed");
  });

  const routes: RegisteredRoute[] = [];
  app.decorate("updraftRoutes", routes);
  app.addHook("onRoute", (route) => {
    // Routes registered by plugins (the docs UI) carry no access level: the docs are public.
    const fromDocs = route.url.startsWith(DOCS_PREFIX);
    const access = route.config?.access ?? (fromDocs ? "public" : defaultAccess(route.method));
    route.config = { ...route.config, access };
    const methods = typeof route.method === "string" ? [route.method] : route.method;
    const hidden = (route.schema as { hide?: boolean } | undefined)?.hide === true || fromDocs;
    for (const method of methods) routes.push({ method, url: route.url, access, hidden });
  });

  // Session cookies carry a 256-bit random id looked up in the `session` table, so they need no
  // signature, and no secret has to be shared between webservers or kept over restarts.
  await app.register(cookie);
  await app.register(formbody);
  await registerSecurityHeaders(app);
  installErrorHandling(app);
  installBodyDepthLimit(app);

  const verifier = new BasicVerifier(options.database.db, { cacheTtlMs: options.basicAuthCacheMs });
  const sessions = new SessionStore(options.database.db);
  const throttle = new LoginThrottle(options.database.db, options.loginThrottle);
  installAuthentication(app, { db: options.database.db, basic: verifier, sessions, throttle, localAdminToken: options.localAdminToken });

  await registerOpenApi(app, API_VERSION);
  const context: ApiContext = { db: options.database.db, config: options.config };
  healthRoutes(app, context, options.broker);
  dagRoutes(app, context);
  dagRunRoutes(app, context);
  taskInstanceRoutes(app, context);
  schedulingRoutes(app, context);
  logRoutes(app, context);
  importErrorRoutes(app, context);
  poolRoutes(app, context);
  userRoutes(app, context, verifier);
  dagDetailRoutes(app, context);
  workerRoutes(app, context);
  meRoutes(app);
  // Airflow parity: variables, connections, notes.
  variableRoutes(app, context);
  connectionRoutes(app, context);
  noteRoutes(app, context);
  loginRoutes(app, context, { verifier, sessions, throttle });
  // Airflow v1 operations added for spec conformance (api branch): kept in one block so other
  // branches registering routes above merge cleanly.
  taskInstanceActionRoutes(app, context);
  taskInstanceExtraRoutes(app, context);
  taskRoutes(app, context);
  airflowInfoRoutes(app, context, API_VERSION);
  eventLogRoutes(app, context);
  const feed = new ChangeFeed(options.database.db, {
    intervalMs: options.liveIntervalMs,
    onError: (error) => app.log.warn({ err: error }, "live change poll failed"),
  });
  eventRoutes(app, feed);
  metricsRoutes(app, new UpdraftMetrics(options.database.db, { workerOfflineAfterMs: options.config.workerOfflineAfterMs, broker: options.broker }));
  await registerQueueBoard(app, options.broker);
  await staticSiteRoutes(app, options.webRoot ?? defaultWebRoot());
  return app;
}
