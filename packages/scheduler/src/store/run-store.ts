// DAG-run side of a scheduler pass: create the runs schedules are due, and start queued runs
// under each DAG's max active runs (creating their task instances).
import type { DagRunType } from "@updraft/core";
import { dagRuns, defaultRunId, type RunKey, type UpdraftDb } from "@updraft/db";
import { and, count, eq, inArray, max, sql } from "drizzle-orm";
import { planScheduledRuns, type PlannedRun } from "../decisions/plan-scheduled-runs.ts";
import { selectRunsToStart } from "../decisions/select-runs-to-start.ts";
import type { CachedDag } from "./dag-cache.ts";
import { insertTaskInstances } from "./integrity-store.ts";

/** Creates the scheduled runs that are due for unpaused DAGs with a schedule. Returns how many. */
export async function createDueScheduledRuns(db: UpdraftDb, dags: Iterable<CachedDag>, now: Date): Promise<number> {
  const scheduled = [...dags].filter((d) => d.isActive && !d.isPaused && d.serialized.schedule && d.serialized.startDate);
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
 * per task (no state yet). Queued runs are read per unpaused DAG with room, at most its room each
 * (LATERAL over the (dag_id, state) index), so one DAG's backlog never hides another DAG's runs
 * (Airflow #49508). Called inside the scheduler's critical section.
 * @returns the runs started
 */
export async function startQueuedRuns(
  db: UpdraftDb,
  dags: ReadonlyMap<string, CachedDag>,
  defaultMaxActiveRuns: number,
  now: Date,
): Promise<RunKey[]> {
  const running = await db.select({ dagId: dagRuns.dagId, n: count() }).from(dagRuns).where(eq(dagRuns.state, "running")).groupBy(dagRuns.dagId);
  const runningPerDag = new Map(running.map((r) => [r.dagId, r.n]));
  const rooms = new Map<string, number>();
  for (const dag of dags.values()) {
    // A DAG no file defines (kept only for its running runs) starts no queued runs, as Airflow.
    if (dag.isPaused || !dag.isActive) continue;
    const room = (dag.serialized.maxActiveRuns ?? defaultMaxActiveRuns) - (runningPerDag.get(dag.dagId) ?? 0);
    if (room > 0) rooms.set(dag.dagId, room);
  }
  if (rooms.size === 0) return [];
  const queued = (
    await db.execute<{ id: number | string; dag_id: string; run_id: string; logical_date: string | Date }>(sql`
      select x.id, x.dag_id, x.run_id, x.logical_date
      from unnest(${sql.param([...rooms.keys()])}::text[], ${sql.param([...rooms.values()])}::int[]) as d(dag_id, room)
      cross join lateral (
        select r.id, r.dag_id, r.run_id, r.logical_date from dag_runs r
        where r.dag_id = d.dag_id and r.state = 'queued' order by r.logical_date, r.id limit d.room
      ) x`)
  ).rows.map((r) => ({ id: Number(r.id), dagId: r.dag_id, runId: r.run_id, logicalDate: new Date(r.logical_date) }));
  if (queued.length === 0) return [];
  const toStart = selectRunsToStart(queued, {
    runningPerDag,
    maxActiveRuns: (dagId) => dags.get(dagId)?.serialized.maxActiveRuns ?? defaultMaxActiveRuns,
    isPaused: (dagId) => dags.get(dagId)?.isPaused ?? true,
  });
  const started: RunKey[] = [];
  for (const run of toStart) {
    const dag = dags.get(run.dagId)!;
    const runId = queued.find((q) => q.id === run.id)!.runId;
    // Its task instances first (a cleared run keeps those it has), in bounded statements so a
    // wide run's start never holds the embedded database for seconds; then the run starts, guarded
    // by its state. Task instances of a run still queued are harmless: only running runs' are
    // progressed and claimed (and Airflow creates them with the run).
    await insertTaskInstances(db, dag.serialized.tasks.map((t) => ({ dagId: dag.dagId, runId, ...t })));
    const rows = await db
      .update(dagRuns)
      .set({ state: "running", startDate: now, endDate: null })
      .where(and(eq(dagRuns.id, run.id), eq(dagRuns.state, "queued")))
      .returning({ id: dagRuns.id });
    if (rows.length > 0) started.push({ dagId: dag.dagId, runId });
  }
  return started;
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
