// Moves running DAG runs forward: for each, decideRunProgress over its task instances' states,
// then the state changes are written (guarded by the state they were decided from, so a
// concurrent change wins) and finished runs get their final state.
import { decideRunProgress, type ProgressTransition, type TaskInstanceSnapshot } from "@updraft/core";
import { dagRuns, taskInstances, xcom, type UpdraftDb } from "@updraft/db";
import { and, eq, isNull, or, sql } from "drizzle-orm";
import type { CachedDag } from "./dag-cache.ts";

export interface ProgressResult {
  transitions: number;
  finishedRuns: number;
}

export async function progressRunningRuns(db: UpdraftDb, dags: ReadonlyMap<string, CachedDag>, now: Date): Promise<ProgressResult> {
  const runs = await db.select({ id: dagRuns.id, dagId: dagRuns.dagId, runId: dagRuns.runId }).from(dagRuns).where(eq(dagRuns.state, "running"));
  if (runs.length === 0) return { transitions: 0, finishedRuns: 0 };
  const tis = await db
    .select({ dagId: taskInstances.dagId, runId: taskInstances.runId, taskId: taskInstances.taskId, state: taskInstances.state, nextRetryAt: taskInstances.nextRetryAt })
    .from(taskInstances)
    .innerJoin(dagRuns, and(eq(dagRuns.dagId, taskInstances.dagId), eq(dagRuns.runId, taskInstances.runId)))
    .where(eq(dagRuns.state, "running"));
  const byRun = new Map<string, Map<string, TaskInstanceSnapshot>>();
  for (const ti of tis) {
    const key = `${ti.dagId}\u0000${ti.runId}`;
    let map = byRun.get(key);
    if (!map) byRun.set(key, (map = new Map()));
    map.set(ti.taskId, { state: ti.state, nextRetryAt: ti.nextRetryAt });
  }
  const followed = await branchChoices(db, dags, tis);

  const changes: Array<ProgressTransition & { dagId: string; runId: string; from: TaskInstanceSnapshot["state"] }> = [];
  const finished: Array<{ id: number; state: "success" | "failed" }> = [];
  for (const run of runs) {
    const dag = dags.get(run.dagId);
    const instances = byRun.get(`${run.dagId}\u0000${run.runId}`);
    if (!dag || !instances) continue;
    const progress = decideRunProgress({
      graph: dag.graph,
      triggerRules: dag.triggerRules,
      instances,
      branchFollowed: followed.get(`${run.dagId}\u0000${run.runId}`) ?? new Map(),
      now,
    });
    for (const t of progress.transitions) changes.push({ ...t, dagId: run.dagId, runId: run.runId, from: instances.get(t.taskId)?.state ?? null });
    if (progress.runState !== "running") finished.push({ id: run.id, state: progress.runState });
  }
  await applyTransitions(db, changes, now);
  for (const run of finished) {
    await db.update(dagRuns).set({ state: run.state, endDate: now }).where(and(eq(dagRuns.id, run.id), eq(dagRuns.state, "running")));
  }
  return { transitions: changes.length, finishedRuns: finished.length };
}

// One UPDATE per (target state, previous state) group; the WHERE on the previous state makes a
// transition decided from stale data a no-op.
async function applyTransitions(
  db: UpdraftDb,
  changes: ReadonlyArray<ProgressTransition & { dagId: string; runId: string; from: TaskInstanceSnapshot["state"] }>,
  now: Date,
): Promise<void> {
  const groups = new Map<string, Array<(typeof changes)[number]>>();
  for (const c of changes) {
    const key = `${c.to}|${c.from ?? ""}`;
    const group = groups.get(key);
    if (group) group.push(c);
    else groups.set(key, [c]);
  }
  for (const group of groups.values()) {
    const { to, from } = group[0]!;
    for (let i = 0; i < group.length; i += 500) {
      const slice = group.slice(i, i + 500);
      const keys = sql.join(slice.map((c) => sql`(${c.dagId}, ${c.runId}, ${c.taskId})`), sql`, `);
      const settled = to !== "scheduled";
      await db
        .update(taskInstances)
        .set({ state: to, nextRetryAt: null, ...(settled ? { startDate: now, endDate: now, duration: 0 } : {}) })
        .where(and(sql`(${taskInstances.dagId}, ${taskInstances.runId}, ${taskInstances.taskId}) in (${keys})`, from === null ? isNull(taskInstances.state) : eq(taskInstances.state, from)));
    }
  }
}

// What each succeeded branch task chose to follow (its XCom), per run.
async function branchChoices(
  db: UpdraftDb,
  dags: ReadonlyMap<string, CachedDag>,
  tis: ReadonlyArray<{ dagId: string; runId: string; taskId: string; state: string | null }>,
): Promise<Map<string, Map<string, string[]>>> {
  const branches = tis.filter((t) => t.state === "success" && dags.get(t.dagId)?.tasks.get(t.taskId)?.kind === "branch");
  const result = new Map<string, Map<string, string[]>>();
  if (branches.length === 0) return result;
  const rows = await db
    .select({ dagId: xcom.dagId, runId: xcom.runId, taskId: xcom.taskId, value: xcom.value })
    .from(xcom)
    .where(and(eq(xcom.key, "return_value"), or(...branches.map((b) => and(eq(xcom.dagId, b.dagId), eq(xcom.runId, b.runId), eq(xcom.taskId, b.taskId))))));
  for (const row of rows) {
    const key = `${row.dagId}\u0000${row.runId}`;
    let map = result.get(key);
    if (!map) result.set(key, (map = new Map()));
    map.set(row.taskId, Array.isArray(row.value) ? (row.value as string[]) : []);
  }
  return result;
}
