// Gathers, for one task instance, the facts explainWaiting needs: its own row, its run, its DAG's
// pause state and definition, its upstream states, and the installation's current use of every
// limit, judged by the claim's own plan. Read-only; the API calls it for "why is this task not running?".
import { decideRunProgress, type ProgressTransition, type TaskInstanceState } from "@updraft/core";
import { dagRuns, dags, taskInstances, type UpdraftDb } from "@updraft/db";
import { and, count, eq, inArray } from "drizzle-orm";
import { claimVerdict } from "../decisions/claim-rooms.ts";
import { explainWaiting, type Explanation } from "../decisions/explain-waiting.ts";
import { planClaim } from "./claim-store.ts";
import { DagCache, type CachedDag } from "./dag-cache.ts";
import { heldByPastRuns } from "./past-store.ts";
import { branchChoices } from "./progress-store.ts";
import { runKey } from "./run-key.ts";
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
  const [dag] = await db.select({ isPaused: dags.isPaused, isActive: dags.isActive, serialized: dags.serialized }).from(dags).where(eq(dags.dagId, key.dagId));
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
  // The claim's own plan (same rooms, candidates and selection), so "ready" means "the next claim takes it".
  const cache = new DagCache();
  const cached = await cache.refresh(db);
  // dependsOnPast: the same reader and decision progress holds the task instance with.
  const held = ti.state === null
    ? (await heldByPastRuns(db, cached, [{ ...key, states: new Map([[key.taskId, { state: null }]]) }])).get(runKey(key.dagId, key.runId))?.get(key.taskId)
    : undefined;
  const plan = await planClaim(db, cached, {
    parallelism: limits.parallelism,
    defaultMaxActiveTasks: limits.maxActiveTasksPerDag,
    executorFreeSlots: Number.POSITIVE_INFINITY,
  });
  const [running] = await db.select({ n: count() }).from(dagRuns).where(and(eq(dagRuns.dagId, key.dagId), eq(dagRuns.state, "running")));
  const verdict = claimVerdict(
    { ...key, pool: ti.pool, poolSlots: ti.poolSlots, priorityWeight: ti.priorityWeight, runIsRunning: run.state === "running", dagIsPaused: dag.isPaused },
    plan.rooms,
    plan.selection,
    plan.snapshot,
  );
  const dagNow = cached.get(key.dagId);
  const progress = ti.state === null && run.state === "running" && dagNow ? await progressDecision(db, dagNow, key, now, held) : undefined;
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
    dagIsActive: dag.isActive,
    runningRuns: running?.n ?? 0,
    maxActiveRuns: serialized.maxActiveRuns ?? limits.maxActiveRunsPerDag,
    claim: verdict,
    ...(held === undefined ? {} : { heldByPast: held }),
    ...(progress === undefined ? {} : { progress }),
    now,
  });
}

// The scheduler's own progress decision for one task instance of a running run: the same
// decideRunProgress over the whole run, with its branches' choices, that the next pass makes.
async function progressDecision(
  db: UpdraftDb,
  dag: CachedDag,
  key: { dagId: string; runId: string; taskId: string },
  now: Date,
  /** Why an earlier run holds this task instance (dependsOnPast), as progress reads it. */
  heldByPast: string | undefined,
): Promise<Pick<ProgressTransition, "to" | "reason"> | null> {
  const rows = await db
    .select({ taskId: taskInstances.taskId, state: taskInstances.state, nextRetryAt: taskInstances.nextRetryAt })
    .from(taskInstances)
    .where(and(eq(taskInstances.dagId, key.dagId), eq(taskInstances.runId, key.runId)));
  const followed = await branchChoices(db, new Map([[dag.dagId, dag]]), rows.map((r) => ({ ...key, taskId: r.taskId, state: r.state })));
  const progress = decideRunProgress({
    graph: dag.graph,
    triggerRules: dag.triggerRules,
    instances: new Map(rows.map((r) => [r.taskId, { state: r.state as TaskInstanceState | null, nextRetryAt: r.nextRetryAt }])),
    branchFollowed: [...followed.values()][0] ?? new Map(),
    now,
    ...(heldByPast === undefined ? {} : { heldByOtherRuns: new Map([[key.taskId, heldByPast]]) }),
  });
  const transition = progress.transitions.find((t) => t.taskId === key.taskId);
  return transition ? { to: transition.to, reason: transition.reason } : null;
}
