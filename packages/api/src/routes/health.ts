// GET /api/v1/health: answers without a user, as Airflow's does, so load balancers and compose
// health checks can call it. The scheduler counts as healthy while its heartbeat is fresh.
import type { Broker } from "@updraft/broker";
import { latestJobHeartbeat } from "@updraft/db";
import { Health } from "../schemas/admin.ts";
import { errorResponses } from "../schemas/common.ts";
import type { ApiApp, ApiContext } from "./context.ts";

/** Heartbeats older than this (or 3 heartbeat intervals, if longer) mean the scheduler is gone. */
export const SCHEDULER_HEALTH_THRESHOLD_MS = 30_000;

/** A broker that does not answer a PING within this long counts as unhealthy. */
const BROKER_PING_TIMEOUT_MS = 1_000;

/**
 * Airflow's health shape (`metadatabase.status`, `scheduler.status`) plus, with the distributed
 * executor, `broker.status` (Redis): each says on its own which dependency is down.
 */
export function healthRoutes(app: ApiApp, { db, config }: ApiContext, broker?: Broker): void {
  const thresholdMs = Math.max(SCHEDULER_HEALTH_THRESHOLD_MS, 3 * config.schedulerHeartbeatMs);
  app.get(
    "/api/v1/health",
    {
      config: { access: "public" },
      schema: { tags: ["Monitoring"], summary: "Health of the metadatabase and the scheduler", response: { 200: Health, ...errorResponses } },
    },
    async (request) => {
      let heartbeat: Date | null = null;
      let databaseOk = true;
      try {
        // One statement: its answer is the database's (on the embedded database it waits its turn
        // behind the scheduler's statements, so a second one would double that wait).
        heartbeat = await latestJobHeartbeat(db, "scheduler");
      } catch (error) {
        // The process's outage log already says "Postgres unreachable" once; not once per probe.
        request.log.debug({ err: error }, "health check: metadatabase unreachable");
        databaseOk = false;
      }
      const schedulerOk = heartbeat !== null && Date.now() - heartbeat.getTime() < thresholdMs;
      const status = (ok: boolean) => (ok ? ("healthy" as const) : ("unhealthy" as const));
      return {
        metadatabase: { status: status(databaseOk) },
        scheduler: { status: status(schedulerOk), latest_scheduler_heartbeat: heartbeat?.toISOString() ?? null },
        ...(broker ? { broker: { status: status(await brokerAnswers(broker)) } } : {}),
      };
    },
  );
}

async function brokerAnswers(broker: Broker): Promise<boolean> {
  if (!broker.isConnected) return false;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), BROKER_PING_TIMEOUT_MS)));
  try {
    return await Promise.race([broker.connection.ping().then((answer) => answer === "PONG"), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
