// The aggregates behind /metrics: a handful of grouped counts per scrape, never a row per task.
import type { DagRunState, TaskInstanceState } from "@updraft/core";
import { and, count, gt, isNotNull, lte, sql } from "drizzle-orm";
import type { UpdraftDb } from "../client.ts";
import { dagRuns } from "../schema/dag-runs.ts";
import { taskInstanceHistory, taskInstances } from "../schema/task-instances.ts";
import { workers } from "../schema/workers.ts";

/** Task instances per state; a task instance with no state yet counts as "none". */
export async function countTaskInstancesByState(db: UpdraftDb): Promise<Map<TaskInstanceState | "none", number>> {
  const rows = await db.select({ state: taskInstances.state, n: count() }).from(taskInstances).groupBy(taskInstances.state);
  return new Map(rows.map((r) => [r.state ?? "none", Number(r.n)]));
}

export async function countDagRunsByState(db: UpdraftDb): Promise<Map<DagRunState, number>> {
  const rows = await db.select({ state: dagRuns.state, n: count() }).from(dagRuns).groupBy(dagRuns.state);
  return new Map(rows.map((r) => [r.state, Number(r.n)]));
}

/** Workers that say they are online and heartbeated after `heartbeatAfter`. */
export async function countOnlineWorkers(db: UpdraftDb, heartbeatAfter: Date): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(workers)
    .where(and(sql`${workers.state} = 'online'`, gt(workers.lastHeartbeat, heartbeatAfter)));
  return Number(row?.n ?? 0);
}

/** Durations (seconds) of tries that ended in (after, until], for the duration histogram. */
export async function finishedTryDurations(db: UpdraftDb, after: Date, until: Date): Promise<number[]> {
  const rows = await db
    .select({ duration: taskInstanceHistory.duration })
    .from(taskInstanceHistory)
    .where(
      and(
        gt(taskInstanceHistory.endDate, after),
        lte(taskInstanceHistory.endDate, until),
        isNotNull(taskInstanceHistory.duration),
        sql`${taskInstanceHistory.state} in ('success', 'failed', 'up_for_retry')`,
      ),
    )
    .limit(100_000);
  return rows.map((r) => r.duration ?? 0);
}
