// Gathers, for one task instance, the facts explainWaiting needs: its own row, its run, its DAG's
// pause state and definition, its upstream states, and the installation's current use of every
// limit. Read-only; the API calls it for "why is this task not running?".
import type { TaskInstanceState } from "@updraft/core";
import { dagRuns, dags, pools, taskInstances, type UpdraftDb } from "@updraft/db";
import { and, count, eq, inArray, sum } from "drizzle-orm";
import { explainWaiting, type Explanation } from "../decisions/explain-waiting.ts";
import type { SchedulerLimits } from "../scheduler.ts";
import type { SerializedDag } from "@updraft/core";

/** Undefined when the task instance does not exist. */
export async function explainTaskInstance(
  db: UpdraftDb,
  key: { dagId: string; runId: string; taskId: string },
  limits: SchedulerLimits,
  now: Date = new Date(),
): Promise<Explanation[] | undefined> {
  const [ti] = await db
    .select()
    .from(taskInstances)
    .where(and(eq(taskInstances.dagId, key.dagId), eq(taskInstances.runId, key.runId), eq(taskInstances.taskId, key.taskId)));
  const [run] = await db.select().from(dagRuns).where(and(eq(dagRuns.dagId, key.dagId), eq(dagRuns.runId, key.runId)));
  const [dag] = await db.select({ isPaused: dags.isPaused, serialized: dags.serialized }).from(dags).where(eq(dags.dagId, key.dagId));
  if (!ti || !run || !dag) return undefined;
  const serialized = dag.serialized as SerializedDag;
  const spec = serialized.tasks.find((t) => t.taskId === key.taskId);
  const upstreamIds = spec?.upstream ?? [];
  const upstream = upstreamIds.length
    ? await db
        .select({ taskId: taskInstances.taskId, state: taskInstances.state })
        .from(taskInstances)
        .where(and(eq(taskInstances.dagId, key.dagId), eq(taskInstances.runId, key.runId), inArray(taskInstances.taskId, upstreamIds)))
    : [];
  const active = await db
    .select({ dagId: taskInstances.dagId, pool: taskInstances.pool, n: count(), slots: sum(taskInstances.poolSlots) })
    .from(taskInstances)
    .where(inArray(taskInstances.state, ["queued", "running"]))
    .groupBy(taskInstances.dagId, taskInstances.pool);
  const poolRows = await db.select().from(pools);
  const [running] = await db.select({ n: count() }).from(dagRuns).where(and(eq(dagRuns.dagId, key.dagId), eq(dagRuns.state, "running")));
  const perDag = new Map<string, number>();
  const occupied = new Map<string, number>();
  for (const row of active) {
    perDag.set(row.dagId, (perDag.get(row.dagId) ?? 0) + row.n);
    occupied.set(row.pool, (occupied.get(row.pool) ?? 0) + Number(row.slots ?? 0));
  }
  return explainWaiting({
    ...key,
    state: ti.state,
    nextRetryAt: ti.nextRetryAt,
    queue: ti.queue,
    pool: ti.pool,
    poolSlots: ti.poolSlots,
    priorityWeight: ti.priorityWeight,
    triggerRule: spec?.triggerRule ?? "all_success",
    upstream: upstreamIds.map((id) => ({ taskId: id, state: (upstream.find((u) => u.taskId === id)?.state ?? null) as TaskInstanceState | null })),
    runState: run.state,
    dagIsPaused: dag.isPaused,
    runningRuns: running?.n ?? 0,
    maxActiveRuns: serialized.maxActiveRuns ?? limits.maxActiveRunsPerDag,
    snapshot: {
      parallelism: limits.parallelism,
      activeTotal: [...perDag.values()].reduce((a, b) => a + b, 0),
      executorFreeSlots: Infinity,
      activePerDag: perDag,
      maxActiveTasks: () => serialized.maxActiveTasks ?? limits.maxActiveTasksPerDag,
      pools: new Map(poolRows.map((p) => [p.name, { slots: p.slots, occupied: occupied.get(p.name) ?? 0 }])),
    },
    now,
  });
}
