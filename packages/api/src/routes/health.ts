// GET /api/v1/health: answers without a user, as Airflow's does, so load balancers and compose
// health checks can call it. The scheduler counts as healthy while its heartbeat is fresh.
import { latestJobHeartbeat } from "@updraft/db";
import { sql } from "drizzle-orm";
import { Health } from "../schemas/admin.ts";
import { errorResponses } from "../schemas/common.ts";
import type { ApiApp, ApiContext } from "./context.ts";

/** Heartbeats older than this (or 3 heartbeat intervals, if longer) mean the scheduler is gone. */
export const SCHEDULER_HEALTH_THRESHOLD_MS = 30_000;

export function healthRoutes(app: ApiApp, { db, config }: ApiContext): void {
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
        await db.execute(sql`select 1`);
        heartbeat = await latestJobHeartbeat(db, "scheduler");
      } catch (error) {
        request.log.warn({ err: error }, "health check: metadatabase unreachable");
        databaseOk = false;
      }
      const schedulerOk = heartbeat !== null && Date.now() - heartbeat.getTime() < thresholdMs;
      return {
        metadatabase: { status: databaseOk ? "healthy" : "unhealthy" },
        scheduler: { status: schedulerOk ? "healthy" : "unhealthy", latest_scheduler_heartbeat: heartbeat?.toISOString() ?? null },
      } as const;
    },
  );
}
