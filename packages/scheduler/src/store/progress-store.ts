// Moves running DAG runs forward: for each, decideRunProgress over its task instances' states,
// then the state changes are written (guarded by the state they were decided from, so a
// concurrent change wins) and finished runs get their final state. A pass names the runs to look
// at (those a flush of finished tries named, newly started ones, retries that came due), so it
// costs O(changed work); the periodic full pass (`runs: "all"`) reconciles every running run.
import { decideRunProgress, FINISHED_TASK_STATES, TASK_INSTANCE_STATES, type ProgressTransition, type TaskInstanceSnapshot, type TaskInstanceState } from "@updraft/core";
import { runStatement, type RunKey, type UpdraftDb } from "@updraft/db";
import { sql } from "drizzle-orm";
import { decideDagrunTimeout, type DagrunTimedOut } from "../decisions/dagrun-timeout.ts";
import { runMayProgress } from "../decisions/run-may-progress.ts";
import type { CachedDag } from "./dag-cache.ts";
import { followingRuns, heldByPastRuns } from "./past-store.ts";
import { inChunks } from "./chunks.ts";
import { verifyIntegrity } from "./integrity-store.ts";
import { APPLY_TRANSITIONS, END_RUNS, FACTS_OF_ALL_RUNS, FACTS_OF_RUNS, FACTS_OF_RUNS_AND_DUE_RETRIES, TASK_INSTANCES_OF_RUNS } from "./progress-statements.ts";
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

/** Task instance states that are not finished, besides "no state yet". */
const UNFINISHED_STATES = TASK_INSTANCE_STATES.filter((s) => !FINISHED_TASK_STATES.has(s) && s !== "up_for_retry");

// The statements' texts, and why the facts are per-run probes: progress-statements.ts.

export interface ProgressOptions {
  /**
   * Runs already brought in line with their DAG (verify_integrity), by "dagId\0runId", with the
   * DAG hash they were checked against; updated in place. A run whose DAG still has that hash
   * is not checked (nor read for it) again. @defaultValue none: every run is checked on "all"
   */
  verified?: Map<string, string>;
  /**
   * With a list of runs: also every running run with an `up_for_retry` task instance whose retry
   * delay has passed at `now`, found by the same statement that reads the runs' facts (no round
   * trip of its own). @defaultValue false
   */
  dueRetries?: boolean;
}

/**
 * Progresses the given running runs, or every running run (`"all"`, the reconcile). Only runs the
 * decision may change (runMayProgress), or that need verify_integrity, have their task instances
 * read, so a wide run whose task instances are all in flight costs three index probes a pass.
 * @returns counts of what changed
 */
export async function progressRunningRuns(
  db: UpdraftDb,
  dags: ReadonlyMap<string, CachedDag>,
  now: Date,
  scope: readonly RunKey[] | "all" = "all",
  options: ProgressOptions = {},
): Promise<ProgressResult> {
  if (scope !== "all" && scope.length === 0 && !options.dueRetries) return { transitions: 0, finishedRuns: 0, ended: [], timedOut: [], runs: 0 };
  // A change in a run may release the next run's `dependsOnPast` tasks: look at that run too. (A
  // retry coming due releases nothing there: the previous try did not succeed.)
  if (scope !== "all") scope = [...scope, ...(await followingRuns(db, dags, scope))];
  const looked = (
    await runStatement<{ id: number | string; dag_id: string; run_id: string; start_date: string | Date | null; movable: boolean; active: boolean }>(
      db,
      scope === "all" ? FACTS_OF_ALL_RUNS : options.dueRetries ? FACTS_OF_RUNS_AND_DUE_RETRIES : FACTS_OF_RUNS,
      scope === "all"
        ? [UNFINISHED_STATES]
        : [UNFINISHED_STATES, scope.map((r) => r.dagId), scope.map((r) => r.runId), ...(options.dueRetries ? [now.toISOString()] : [])],
    )
  ).map((r) => ({ id: Number(r.id), dagId: r.dag_id, runId: r.run_id, startDate: r.start_date === null ? null : new Date(r.start_date), movable: r.movable, active: r.active }));
  // The DAG may have gained or lost tasks since the run started (Airflow's verify_integrity). DAG
  // definitions change only when the scheduler's DAG cache refreshes, which is on its full passes
  // (scope "all"), so the event-driven passes of the hot loop skip the check; a full pass checks
  // only runs not yet checked against their DAG's current hash.
  const verified = options.verified;
  if (scope === "all" && verified) {
    const running = new Set(looked.map((r) => runKey(r.dagId, r.runId)));
    for (const key of verified.keys()) if (!running.has(key)) verified.delete(key);
  }
  const needsIntegrity = (r: RunKey) => scope === "all" && (!verified || verified.get(runKey(r.dagId, r.runId)) !== dags.get(r.dagId)?.hash);
  const runs = looked.filter((r) => {
    const dag = dags.get(r.dagId);
    if (!dag) return false;
    const timeoutDue = decideDagrunTimeout({ startDate: r.startDate, timeoutMs: dag.serialized.dagrunTimeoutMs ?? null, now, instances: new Map() }) !== null;
    return needsIntegrity(r) || runMayProgress({ movable: r.movable, unfinished: r.movable || r.active, timeoutDue });
  });
  if (runs.length === 0) return { transitions: 0, finishedRuns: 0, ended: [], timedOut: [], runs: looked.length };
  const tis = (
    await runStatement<{ dag_id: string; run_id: string; task_id: string; state: TaskInstanceState | null; next_retry_at: string | Date | null }>(db, TASK_INSTANCES_OF_RUNS, [
      runs.map((r) => r.dagId),
      runs.map((r) => r.runId),
    ])
  ).map((r) => ({ dagId: r.dag_id, runId: r.run_id, taskId: r.task_id, state: r.state, nextRetryAt: r.next_retry_at === null ? null : new Date(r.next_retry_at) }));
  const byRun = new Map<string, Map<string, TaskInstanceSnapshot>>();
  for (const ti of tis) {
    const key = runKey(ti.dagId, ti.runId);
    let map = byRun.get(key);
    if (!map) byRun.set(key, (map = new Map()));
    map.set(ti.taskId, { state: ti.state, nextRetryAt: ti.nextRetryAt });
  }
  if (scope === "all") {
    const check = runs.filter(needsIntegrity);
    for (const run of check) if (!byRun.has(runKey(run.dagId, run.runId))) byRun.set(runKey(run.dagId, run.runId), new Map());
    await verifyIntegrity(db, dags, check.map((r) => ({ dagId: r.dagId, runId: r.runId, instances: byRun.get(runKey(r.dagId, r.runId))! })), now);
    for (const run of check) verified?.set(runKey(run.dagId, run.runId), dags.get(run.dagId)!.hash);
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
    const rows = await runStatement<{ id: number | string }>(db, END_RUNS, [state, now.toISOString(), ids]);
    for (const row of rows) moved.add(Number(row.id));
  }
  return {
    transitions: changes.length,
    finishedRuns: finished.length + timedOut.length,
    ended: [
      ...finished.filter((f) => moved.has(f.id)).map((f) => ({ dagId: f.dagId, runId: f.runId, state: f.state, reason: f.reason })),
      ...timedOut.filter((t) => moved.has(t.id)).map((t) => ({ dagId: t.dagId, runId: t.runId, state: "failed" as const, reason: "timed_out" })),
    ],
    timedOut: timedOut.map((t) => ({ dagId: t.dagId, runId: t.runId, reason: t.decision.reason })),
    runs: looked.length,
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

type Change = ProgressTransition & { dagId: string; runId: string; from: TaskInstanceSnapshot["state"] };

// Multi-row UPDATEs of at most WRITE_CHUNK_ROWS transitions; each row is guarded by the state it was decided
// from (`is not distinct from`, so "no state yet" matches), so a transition decided from stale
// data is a no-op.
async function applyTransitions(db: UpdraftDb, changes: readonly Change[], now: Date): Promise<void> {
  if (changes.length === 0) return;
  const at = now.toISOString();
  await inChunks(changes, (chunk) =>
    runStatement(db, APPLY_TRANSITIONS, [
      at,
      chunk.map((c) => c.dagId),
      chunk.map((c) => c.runId),
      chunk.map((c) => c.taskId),
      chunk.map((c) => c.to),
      chunk.map((c) => c.from),
    ]),
  );
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
