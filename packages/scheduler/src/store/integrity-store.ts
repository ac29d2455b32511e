// Applies verifyRunIntegrity to running runs: creates the task instances of tasks their DAG
// gained, marks those of tasks it lost `removed`, restores those whose task came back. Batched:
// one statement per kind of change for all runs of a pass.
import type { SerializedTask, TaskInstanceSnapshot } from "@updraft/core";
import type { UpdraftDb } from "@updraft/db";
import { sql } from "drizzle-orm";
import { isIntact, verifyRunIntegrity } from "../decisions/verify-integrity.ts";
import { inChunks } from "./chunks.ts";
import type { CachedDag } from "./dag-cache.ts";

const param = (values: unknown[]) => sql.param(values);

export interface IntegrityRun {
  dagId: string;
  runId: string;
  /** The run's task instances (task id -> snapshot); updated in place with the changes made. */
  instances: Map<string, TaskInstanceSnapshot>;
}

/**
 * Brings each run's task instances in line with its DAG's current definition (as Airflow's
 * `verify_integrity`). A new task instance has no state yet; a removed one ends now. Guarded by
 * state, so a concurrent change wins and the next pass looks again.
 * @returns how many task instances were created, removed and restored
 */
export async function verifyIntegrity(
  db: Pick<UpdraftDb, "execute">,
  dags: ReadonlyMap<string, CachedDag>,
  runs: readonly IntegrityRun[],
  now: Date,
): Promise<{ created: number; removed: number; restored: number }> {
  const create: Array<{ dagId: string; runId: string; task: SerializedTask }> = [];
  const remove: Array<{ dagId: string; runId: string; taskId: string; from: TaskInstanceSnapshot["state"] }> = [];
  const restore: Array<{ dagId: string; runId: string; taskId: string }> = [];
  for (const run of runs) {
    const dag = dags.get(run.dagId);
    if (!dag) continue;
    const states = new Map([...run.instances].map(([taskId, ti]) => [taskId, ti.state]));
    const changes = verifyRunIntegrity(dag.graph.order, states);
    if (isIntact(changes)) continue;
    for (const taskId of changes.create) {
      create.push({ dagId: run.dagId, runId: run.runId, task: dag.tasks.get(taskId)! });
      run.instances.set(taskId, { state: null });
    }
    for (const taskId of changes.remove) {
      remove.push({ dagId: run.dagId, runId: run.runId, taskId, from: states.get(taskId) ?? null });
      run.instances.set(taskId, { state: "removed" });
    }
    for (const taskId of changes.restore) {
      restore.push({ dagId: run.dagId, runId: run.runId, taskId });
      run.instances.set(taskId, { state: null });
    }
  }
  if (create.length > 0) {
    await insertTaskInstances(db, create.map((c) => ({ dagId: c.dagId, runId: c.runId, ...c.task })));
  }
  if (remove.length > 0) {
    await db.execute(sql`
      update task_instances ti set state = 'removed', next_retry_at = null, updated_at = now(),
        end_date = coalesce(ti.end_date, ${now.toISOString()}::timestamptz)
      from unnest(${param(remove.map((c) => c.dagId))}::text[], ${param(remove.map((c) => c.runId))}::text[],
        ${param(remove.map((c) => c.taskId))}::text[], ${param(remove.map((c) => c.from))}::text[]) as k(dag_id, run_id, task_id, from_state)
      where ti.dag_id = k.dag_id and ti.run_id = k.run_id and ti.task_id = k.task_id and ti.state is not distinct from k.from_state`);
  }
  if (restore.length > 0) {
    await db.execute(sql`
      update task_instances ti set state = null, updated_at = now()
      from unnest(${param(restore.map((c) => c.dagId))}::text[], ${param(restore.map((c) => c.runId))}::text[], ${param(restore.map((c) => c.taskId))}::text[])
        as k(dag_id, run_id, task_id)
      where ti.dag_id = k.dag_id and ti.run_id = k.run_id and ti.task_id = k.task_id and ti.state = 'removed'`);
  }
  return { created: create.length, removed: remove.length, restored: restore.length };
}

/**
 * Inserts task instances with no state yet, one per (run, task), taking max tries, queue, pool,
 * pool slots and priority weight from the task; an existing task instance is left as it is.
 * In statements of at most WRITE_CHUNK_ROWS rows.
 */
export async function insertTaskInstances(
  db: Pick<UpdraftDb, "execute">,
  rows: ReadonlyArray<{ dagId: string; runId: string } & Pick<SerializedTask, "taskId" | "retries" | "queue" | "pool" | "poolSlots" | "priorityWeight">>,
): Promise<void> {
  if (rows.length === 0) return;
  await inChunks(rows, (chunk) => db.execute(sql`
    insert into task_instances (dag_id, run_id, task_id, state, try_number, max_tries, queue, pool, pool_slots, priority_weight)
    select t.dag_id, t.run_id, t.task_id, null, 0, t.max_tries, t.queue, t.pool, t.pool_slots, t.priority_weight
    from unnest(${param(chunk.map((r) => r.dagId))}::text[], ${param(chunk.map((r) => r.runId))}::text[], ${param(chunk.map((r) => r.taskId))}::text[],
      ${param(chunk.map((r) => r.retries + 1))}::int[], ${param(chunk.map((r) => r.queue))}::text[], ${param(chunk.map((r) => r.pool))}::text[],
      ${param(chunk.map((r) => r.poolSlots))}::int[], ${param(chunk.map((r) => r.priorityWeight))}::int[])
      as t(dag_id, run_id, task_id, max_tries, queue, pool, pool_slots, priority_weight)
    on conflict do nothing`));
}
