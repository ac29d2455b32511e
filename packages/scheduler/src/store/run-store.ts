// DAG-run side of a scheduler pass: create the runs schedules are due, and start queued runs
// under each DAG's max active runs (creating their task instances).
import type { DagRunType } from "@updraft/core";
import { dagRuns, defaultRunId, taskInstances, type UpdraftDb } from "@updraft/db";
import { and, count, eq, inArray, max } from "drizzle-orm";
import { planScheduledRuns, type PlannedRun } from "../decisions/plan-scheduled-runs.ts";
import { selectRunsToStart } from "../decisions/select-runs-to-start.ts";
import type { CachedDag } from "./dag-cache.ts";

/** Creates the scheduled runs that are due for unpaused DAGs with a schedule. Returns how many. */
export async function createDueScheduledRuns(db: UpdraftDb, dags: Iterable<CachedDag>, now: Date): Promise<number> {
  const scheduled = [...dags].filter((d) => !d.isPaused && d.serialized.schedule && d.serialized.startDate);
  if (scheduled.length === 0) return 0;
  const last = await db
    .select({ dagId: dagRuns.dagId, last: max(dagRuns.logicalDate) })
    .from(dagRuns)
    .where(and(eq(dagRuns.runType, "scheduled"), inArray(dagRuns.dagId, scheduled.map((d) => d.dagId))))
    .groupBy(dagRuns.dagId);
  const lastByDag = new Map(last.map((r) => [r.dagId, r.last]));
  let created = 0;
  for (const dag of scheduled) {
    const plans = planScheduledRuns({
      schedule: dag.serialized.schedule!,
      startDate: new Date(dag.serialized.startDate!),
      catchup: dag.serialized.catchup,
      lastLogicalDate: lastByDag.get(dag.dagId) ?? null,
      now,
      limit: 50,
    });
    if (plans.length === 0) continue;
    const rows = await db
      .insert(dagRuns)
      .values(plannedRunRows(dag.dagId, "scheduled", plans, now))
      .onConflictDoNothing()
      .returning({ id: dagRuns.id });
    created += rows.length;
  }
  return created;
}

/**
 * Starts queued runs that their DAG's max active runs allow: run -> running and one task instance
 * per task (no state yet). Called inside the scheduler's critical section.
 */
export async function startQueuedRuns(
  db: UpdraftDb,
  dags: ReadonlyMap<string, CachedDag>,
  defaultMaxActiveRuns: number,
  now: Date,
): Promise<number> {
  const queued = await db
    .select({ id: dagRuns.id, dagId: dagRuns.dagId, runId: dagRuns.runId, logicalDate: dagRuns.logicalDate })
    .from(dagRuns)
    .where(eq(dagRuns.state, "queued"))
    .orderBy(dagRuns.logicalDate)
    .limit(1_000);
  if (queued.length === 0) return 0;
  const running = await db.select({ dagId: dagRuns.dagId, n: count() }).from(dagRuns).where(eq(dagRuns.state, "running")).groupBy(dagRuns.dagId);
  const toStart = selectRunsToStart(
    queued.filter((r) => dags.has(r.dagId)),
    {
      runningPerDag: new Map(running.map((r) => [r.dagId, r.n])),
      maxActiveRuns: (dagId) => dags.get(dagId)?.serialized.maxActiveRuns ?? defaultMaxActiveRuns,
      isPaused: (dagId) => dags.get(dagId)?.isPaused ?? true,
    },
  );
  for (const run of toStart) {
    const dag = dags.get(run.dagId)!;
    const runId = queued.find((q) => q.id === run.id)!.runId;
    await db.transaction(async (tx) => {
      const started = await tx
        .update(dagRuns)
        .set({ state: "running", startDate: now, endDate: null })
        .where(and(eq(dagRuns.id, run.id), eq(dagRuns.state, "queued")))
        .returning({ id: dagRuns.id });
      if (started.length === 0) return;
      const rows = dag.serialized.tasks.map((t) => ({
        dagId: dag.dagId,
        runId,
        taskId: t.taskId,
        state: null,
        tryNumber: 0,
        maxTries: t.retries + 1,
        queue: t.queue,
        pool: t.pool,
        poolSlots: t.poolSlots,
        priorityWeight: t.priorityWeight,
      }));
      // onConflictDoNothing: a cleared run restarts with the task instances it already has.
      for (let i = 0; i < rows.length; i += 1_000) {
        await tx.insert(taskInstances).values(rows.slice(i, i + 1_000)).onConflictDoNothing();
      }
    });
  }
  return toStart.length;
}

/** Rows of queued runs for planned intervals, with Airflow-style run ids (`scheduled__<date>`). */
export function plannedRunRows(dagId: string, runType: DagRunType, plans: readonly PlannedRun[], now: Date) {
  return plans.map((p) => ({
    dagId,
    runId: defaultRunId(runType, p.logicalDate),
    runType,
    state: "queued" as const,
    conf: {},
    logicalDate: p.logicalDate,
    dataIntervalStart: p.dataIntervalStart,
    dataIntervalEnd: p.dataIntervalEnd,
    queuedAt: now,
  }));
}
