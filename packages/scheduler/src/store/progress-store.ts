// Moves running DAG runs forward: for each, decideRunProgress over its task instances' states,
// then the state changes are written (guarded by the state they were decided from, so a
// concurrent change wins) and finished runs get their final state. A pass names the runs to look
// at (those a flush of finished tries named, newly started ones, retries that came due), so it
// costs O(changed work); the periodic full pass (`runs: "all"`) reconciles every running run.
import { decideRunProgress, type ProgressTransition, type TaskInstanceSnapshot, type TaskInstanceState } from "@updraft/core";
import { dagRuns, mergeChangedRuns, type ChangedRun, type RunKey, type UpdraftDb } from "@updraft/db";
import { eq, sql, type SQL } from "drizzle-orm";
import { decideDagrunTimeout, type DagrunTimedOut } from "../decisions/dagrun-timeout.ts";
import type { CachedDag } from "./dag-cache.ts";
import { followingRuns, heldByPastRuns } from "./past-store.ts";
import { verifyIntegrity } from "./integrity-store.ts";
import { runKey } from "./run-key.ts";

export interface ProgressResult {
  transitions: number;
  finishedRuns: number;
  /** Runs that ended in this pass, with Airflow's callback reason ("success", "task_failure", "all_tasks_deadlocked", "timed_out"). */
  ended: Array<RunKey & { state: "success" | "failed"; reason: string }>;
  /** Runs failed by their DAG's `dagrunTimeout` (included in finishedRuns). */
  timedOut: Array<RunKey & { reason: string }>;
  /** Runs looked at. */
  runs: number;
}

const param = (values: unknown[]) => sql.param(values);

/** `unnest` of run keys as a relation `k(dag_id, run_id)`. */
function runKeys(runs: readonly RunKey[]): SQL {
  return sql`unnest(${param(runs.map((r) => r.dagId))}::text[], ${param(runs.map((r) => r.runId))}::text[]) as k(dag_id, run_id)`;
}

/**
 * Progresses the given running runs, or every running run (`"all"`, the reconcile). A run named
 * with the tasks whose tries ended is passed over when the decision could find nothing to do in it
 * (see {@link withoutQuietRuns}), so a wide run is not re-read for each of its finished tries.
 * @returns counts of what changed
 */
export async function progressRunningRuns(
  db: UpdraftDb,
  dags: ReadonlyMap<string, CachedDag>,
  now: Date,
  scope: readonly ChangedRun[] | "all" = "all",
): Promise<ProgressResult> {
  if (scope !== "all" && scope.length === 0) return { transitions: 0, finishedRuns: 0, ended: [], timedOut: [], runs: 0 };
  // A change in a run may release the next run's `dependsOnPast` tasks: look at that run too.
  if (scope !== "all") scope = await withoutQuietRuns(db, dags, mergeChangedRuns([...scope, ...(await followingRuns(db, dags, scope))]));
  if (scope !== "all" && scope.length === 0) return { transitions: 0, finishedRuns: 0, ended: [], timedOut: [], runs: 0 };
  const runs =
    scope === "all"
      ? await db
          .select({ id: dagRuns.id, dagId: dagRuns.dagId, runId: dagRuns.runId, startDate: dagRuns.startDate })
          .from(dagRuns)
          .where(eq(dagRuns.state, "running"))
      : (
          await db.execute<{ id: number; dag_id: string; run_id: string; start_date: string | Date | null }>(sql`
            select distinct r.id, r.dag_id, r.run_id, r.start_date from dag_runs r join ${runKeys(scope)} on r.dag_id = k.dag_id and r.run_id = k.run_id
            where r.state = 'running'`)
        ).rows.map((r) => ({ id: Number(r.id), dagId: r.dag_id, runId: r.run_id, startDate: r.start_date === null ? null : new Date(r.start_date) }));
  if (runs.length === 0) return { transitions: 0, finishedRuns: 0, ended: [], timedOut: [], runs: 0 };
  const tis = (
    await db.execute<{ dag_id: string; run_id: string; task_id: string; state: TaskInstanceState | null; next_retry_at: string | Date | null }>(
      scope === "all"
        ? sql`select ti.dag_id, ti.run_id, ti.task_id, ti.state, ti.next_retry_at from task_instances ti
            join dag_runs r on r.dag_id = ti.dag_id and r.run_id = ti.run_id where r.state = 'running'`
        : sql`select ti.dag_id, ti.run_id, ti.task_id, ti.state, ti.next_retry_at from task_instances ti
            join ${runKeys(runs)} on ti.dag_id = k.dag_id and ti.run_id = k.run_id`,
    )
  ).rows.map((r) => ({ dagId: r.dag_id, runId: r.run_id, taskId: r.task_id, state: r.state, nextRetryAt: r.next_retry_at === null ? null : new Date(r.next_retry_at) }));
  const byRun = new Map<string, Map<string, TaskInstanceSnapshot>>();
  for (const ti of tis) {
    const key = runKey(ti.dagId, ti.runId);
    let map = byRun.get(key);
    if (!map) byRun.set(key, (map = new Map()));
    map.set(ti.taskId, { state: ti.state, nextRetryAt: ti.nextRetryAt });
  }
  // The DAG may have gained or lost tasks since the run started (Airflow's verify_integrity). DAG
  // definitions change only when the scheduler's DAG cache refreshes, which is on its full passes
  // (scope "all"), so the event-driven passes of the hot loop skip the check.
  if (scope === "all") {
    for (const run of runs) if (!byRun.has(runKey(run.dagId, run.runId))) byRun.set(runKey(run.dagId, run.runId), new Map());
    await verifyIntegrity(db, dags, runs.map((r) => ({ dagId: r.dagId, runId: r.runId, instances: byRun.get(runKey(r.dagId, r.runId))! })), now);
  }
  const followed = await branchChoices(db, dags, tis);

  const changes: Change[] = [];
  const finished: Array<{ id: number; dagId: string; runId: string; state: "success" | "failed"; reason: string }> = [];
  const timedOut: Array<{ id: number; dagId: string; runId: string; decision: DagrunTimedOut }> = [];
  const live: Array<(typeof runs)[number] & { instances: Map<string, TaskInstanceSnapshot> }> = [];
  for (const run of runs) {
    const dag = dags.get(run.dagId);
    const instances = byRun.get(runKey(run.dagId, run.runId));
    if (!dag || !instances) continue;
    const timeout = decideDagrunTimeout({
      startDate: run.startDate,
      timeoutMs: dag.serialized.dagrunTimeoutMs ?? null,
      now,
      instances,
    });
    if (timeout) timedOut.push({ id: run.id, dagId: run.dagId, runId: run.runId, decision: timeout });
    else live.push({ ...run, instances });
  }
  const held = await heldByPastRuns(db, dags, live.map((r) => ({ dagId: r.dagId, runId: r.runId, states: r.instances })));
  for (const run of live) {
    const dag = dags.get(run.dagId)!;
    const instances = run.instances;
    const progress = decideRunProgress({
      graph: dag.graph,
      triggerRules: dag.triggerRules,
      instances,
      branchFollowed: followed.get(runKey(run.dagId, run.runId)) ?? new Map(),
      now,
      heldByOtherRuns: held.get(runKey(run.dagId, run.runId)),
    });
    for (const t of progress.transitions) changes.push({ ...t, dagId: run.dagId, runId: run.runId, from: instances.get(t.taskId)?.state ?? null });
    if (progress.runState !== "running") {
      const reason = progress.runState === "success" ? "success" : progress.deadlocked ? "all_tasks_deadlocked" : "task_failure";
      finished.push({ id: run.id, dagId: run.dagId, runId: run.runId, state: progress.runState, reason });
    }
  }
  await applyTransitions(db, changes, now);
  // Only runs this pass moved (guarded by state = 'running') are reported as ended, so a run's
  // callbacks fire once even with several schedulers.
  const moved = new Set(await applyTimeouts(db, timedOut, now));
  for (const state of ["success", "failed"] as const) {
    const ids = finished.filter((r) => r.state === state).map((r) => r.id);
    if (ids.length === 0) continue;
    const rows = await db.execute<{ id: number | string }>(sql`update dag_runs set state = ${state}, end_date = ${now.toISOString()}::timestamptz
      where id = any(${param(ids)}::bigint[]) and state = 'running' returning id`);
    for (const row of rows.rows) moved.add(Number(row.id));
  }
  return {
    transitions: changes.length,
    finishedRuns: finished.length + timedOut.length,
    ended: [
      ...finished.filter((f) => moved.has(f.id)).map((f) => ({ dagId: f.dagId, runId: f.runId, state: f.state, reason: f.reason })),
      ...timedOut.filter((t) => moved.has(t.id)).map((t) => ({ dagId: t.dagId, runId: t.runId, state: "failed" as const, reason: "timed_out" })),
    ],
    timedOut: timedOut.map((t) => ({ dagId: t.dagId, runId: t.runId, reason: t.decision.reason })),
    runs: runs.length,
  };
}

// As Airflow's dagrun_timeout: the run fails and its unfinished task instances (queued and running
// ones too) become skipped. A running try's result is refused afterwards (it is no longer the
// running one), and the executor stops it (its running tries are checked on their heartbeat).
async function applyTimeouts(db: UpdraftDb, timedOut: ReadonlyArray<{ id: number; dagId: string; runId: string; decision: DagrunTimedOut }>, now: Date): Promise<number[]> {
  if (timedOut.length === 0) return [];
  const at = now.toISOString();
  // The decision's unfinished task instances; the state guard lets a concurrent finish win.
  const skip = timedOut.flatMap((t) => t.decision.skip.map((taskId) => ({ dagId: t.dagId, runId: t.runId, taskId })));
  if (skip.length > 0) {
    await db.execute(sql`
      update task_instances ti set state = 'skipped', next_retry_at = null, updated_at = now(),
        start_date = coalesce(ti.start_date, ${at}::timestamptz), end_date = ${at}::timestamptz,
        duration = extract(epoch from (${at}::timestamptz - coalesce(ti.start_date, ${at}::timestamptz)))
      from unnest(${param(skip.map((k) => k.dagId))}::text[], ${param(skip.map((k) => k.runId))}::text[], ${param(skip.map((k) => k.taskId))}::text[])
        as k(dag_id, run_id, task_id)
      where ti.dag_id = k.dag_id and ti.run_id = k.run_id and ti.task_id = k.task_id
        and (ti.state is null or ti.state not in ('success', 'failed', 'skipped', 'upstream_failed', 'removed'))`);
  }
  const rows = await db.execute<{ id: number | string }>(sql`update dag_runs set state = 'failed', end_date = ${at}::timestamptz
    where id = any(${param(timedOut.map((t) => t.id))}::bigint[]) and state = 'running' returning id`);
  return rows.rows.map((r) => Number(r.id));
}

/**
 * The runs a pass must read, of those named: it drops a run when every task whose try ended there
 * has no downstream task, its DAG has no `dagrunTimeout`, and a task instance of the run is still
 * scheduled, queued, running or up for retry. Such an end changes no other task instance's trigger
 * rule, the run cannot end or be deadlocked while one is in flight (decideRunProgress), and retries
 * come due through `runsWithDueRetries`: the decision would find nothing to do, and reading the
 * run would cost O(its task instances) per finished try. Runs named without their tasks are kept.
 * One statement, served by task_instances_in_flight_idx.
 */
async function withoutQuietRuns(db: UpdraftDb, dags: ReadonlyMap<string, CachedDag>, runs: readonly ChangedRun[]): Promise<ChangedRun[]> {
  const leavesOnly = runs.filter((r) => {
    const dag = dags.get(r.dagId);
    if (!dag || !r.finishedTasks || (dag.serialized.dagrunTimeoutMs ?? null) !== null) return false;
    return r.finishedTasks.every((t) => dag.graph.downstream.get(t)?.length === 0);
  });
  if (leavesOnly.length === 0) return [...runs];
  const rows = await db.execute<{ dag_id: string; run_id: string }>(sql`
    select k.dag_id, k.run_id from ${runKeys(leavesOnly)}
    where exists (select 1 from task_instances ti where ti.dag_id = k.dag_id and ti.run_id = k.run_id
      and ti.state in ('scheduled', 'queued', 'running', 'up_for_retry'))`);
  const quiet = new Set(rows.rows.map((r) => runKey(r.dag_id, r.run_id)));
  return runs.filter((r) => !quiet.has(runKey(r.dagId, r.runId)));
}

/** Running runs with a task instance whose retry delay has passed (they need a look now). */
export async function runsWithDueRetries(db: UpdraftDb, now: Date): Promise<RunKey[]> {
  const rows = await db.execute<{ dag_id: string; run_id: string }>(sql`
    select distinct dag_id, run_id from task_instances
    where state = 'up_for_retry' and (next_retry_at is null or next_retry_at <= ${now.toISOString()}::timestamptz)`);
  return rows.rows.map((r) => ({ dagId: r.dag_id, runId: r.run_id }));
}

type Change = ProgressTransition & { dagId: string; runId: string; from: TaskInstanceSnapshot["state"] };

// One multi-row UPDATE for all transitions; each row is guarded by the state it was decided
// from (`is not distinct from`, so "no state yet" matches), so a transition decided from stale
// data is a no-op.
async function applyTransitions(db: UpdraftDb, changes: readonly Change[], now: Date): Promise<void> {
  if (changes.length === 0) return;
  const at = now.toISOString();
  await db.execute(sql`
    update task_instances ti set state = k.to_state, next_retry_at = null, updated_at = now(),
      start_date = case when k.to_state = 'scheduled' then ti.start_date else ${at}::timestamptz end,
      end_date = case when k.to_state = 'scheduled' then ti.end_date else ${at}::timestamptz end,
      duration = case when k.to_state = 'scheduled' then ti.duration else 0 end
    from unnest(${param(changes.map((c) => c.dagId))}::text[], ${param(changes.map((c) => c.runId))}::text[],
      ${param(changes.map((c) => c.taskId))}::text[], ${param(changes.map((c) => c.to))}::text[], ${param(changes.map((c) => c.from))}::text[])
      as k(dag_id, run_id, task_id, to_state, from_state)
    where ti.dag_id = k.dag_id and ti.run_id = k.run_id and ti.task_id = k.task_id and ti.state is not distinct from k.from_state`);
}

/** What each succeeded branch task chose to follow (its XCom), per run ("dagId\0runId"). */
export async function branchChoices(
  db: UpdraftDb,
  dags: ReadonlyMap<string, CachedDag>,
  tis: ReadonlyArray<{ dagId: string; runId: string; taskId: string; state: string | null }>,
): Promise<Map<string, Map<string, string[]>>> {
  const branches = tis.filter((t) => t.state === "success" && dags.get(t.dagId)?.tasks.get(t.taskId)?.kind === "branch");
  const result = new Map<string, Map<string, string[]>>();
  if (branches.length === 0) return result;
  const rows = await db.execute<{ dag_id: string; run_id: string; task_id: string; value: unknown }>(sql`
    select x.dag_id, x.run_id, x.task_id, x.value from xcom x
    join unnest(${param(branches.map((b) => b.dagId))}::text[], ${param(branches.map((b) => b.runId))}::text[], ${param(branches.map((b) => b.taskId))}::text[])
      as k(dag_id, run_id, task_id) on x.dag_id = k.dag_id and x.run_id = k.run_id and x.task_id = k.task_id
    where x.key = 'return_value'`);
  for (const row of rows.rows) {
    const key = runKey(row.dag_id, row.run_id);
    let map = result.get(key);
    if (!map) result.set(key, (map = new Map()));
    map.set(row.task_id, Array.isArray(row.value) ? (row.value as string[]) : []);
  }
  return result;
}
