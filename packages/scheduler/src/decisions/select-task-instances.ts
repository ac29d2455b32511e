// Which scheduled task instances may be queued now: highest priority weight first, each taken
// only if every limit still has room — parallelism, the executor's free slots, the DAG's max
// active tasks and its pool's open slots. A task blocked by one limit does not block a
// lower-priority task that the limit does not concern. Each refusal says which limit, so the
// API can explain why a task waits. A task's own `maxActiveTisPerDag` (Airflow's
// max_active_tis_per_dag) is judged by decideTaskConcurrency, counting what this pass takes.
import { decideTaskConcurrency } from "./max-active-tis-per-dag.ts";

export interface Candidate {
  dagId: string;
  runId: string;
  taskId: string;
  pool: string;
  poolSlots: number;
  priorityWeight: number;
}

export interface ConcurrencySnapshot {
  parallelism: number;
  /** Task instances queued or running across the installation. */
  activeTotal: number;
  /** How many more the executor can take now (Infinity when it queues without bound). */
  executorFreeSlots: number;
  activePerDag: ReadonlyMap<string, number>;
  maxActiveTasks: (dagId: string) => number;
  /** Pool name -> its slots and the slots occupied by queued/running task instances. */
  pools: ReadonlyMap<string, { slots: number; occupied: number }>;
  /** Instances queued or running per task ("dagId\0taskId"), for tasks with a `maxActiveTisPerDag`. Default: none. */
  activePerTask?: ReadonlyMap<string, number>;
  /** The task's `maxActiveTisPerDag`, null for none. Default: no task has one. */
  maxActiveTisPerDag?: (dagId: string, taskId: string) => number | null;
}

/** Key of a task in {@link ConcurrencySnapshot.activePerTask}. */
export const taskKey = (dagId: string, taskId: string): string => `${dagId}\u0000${taskId}`;

export type BlockReason =
  | { limit: "parallelism"; max: number }
  | { limit: "executor_slots" }
  | { limit: "max_active_tasks"; dagId: string; max: number }
  | { limit: "max_active_tis_per_dag"; dagId: string; taskId: string; max: number; active: number }
  | { limit: "pool"; pool: string; open: number; needed: number }
  | { limit: "pool_missing"; pool: string };

export interface Selection<C extends Candidate> {
  selected: C[];
  blocked: Array<{ candidate: C; reason: BlockReason }>;
}

export function selectTaskInstancesToQueue<C extends Candidate>(candidates: readonly C[], snapshot: ConcurrencySnapshot): Selection<C> {
  // Stable sort: among equal weights the caller's order (older runs first) is kept.
  const ordered = [...candidates].sort((a, b) => b.priorityWeight - a.priorityWeight);
  const perDag = new Map(snapshot.activePerDag);
  const poolUse = new Map([...snapshot.pools].map(([name, p]) => [name, p.occupied]));
  let total = snapshot.activeTotal;
  let executorFree = snapshot.executorFreeSlots;
  const perTask = new Map(snapshot.activePerTask ?? []);
  const result: Selection<C> = { selected: [], blocked: [] };

  for (const candidate of ordered) {
    const reason = blockReason(candidate);
    if (reason) {
      result.blocked.push({ candidate, reason });
      continue;
    }
    result.selected.push(candidate);
    total++;
    executorFree--;
    perDag.set(candidate.dagId, (perDag.get(candidate.dagId) ?? 0) + 1);
    poolUse.set(candidate.pool, (poolUse.get(candidate.pool) ?? 0) + candidate.poolSlots);
    const task = taskKey(candidate.dagId, candidate.taskId);
    perTask.set(task, (perTask.get(task) ?? 0) + 1);
  }
  return result;

  function blockReason(c: C): BlockReason | null {
    if (total >= snapshot.parallelism) return { limit: "parallelism", max: snapshot.parallelism };
    if (executorFree <= 0) return { limit: "executor_slots" };
    const maxTasks = snapshot.maxActiveTasks(c.dagId);
    if ((perDag.get(c.dagId) ?? 0) >= maxTasks) return { limit: "max_active_tasks", dagId: c.dagId, max: maxTasks };
    const task = taskConcurrencyBlock(snapshot, c.dagId, c.taskId, perTask.get(taskKey(c.dagId, c.taskId)) ?? 0);
    if (task) return task;
    const pool = snapshot.pools.get(c.pool);
    if (!pool) return { limit: "pool_missing", pool: c.pool };
    const open = pool.slots - (poolUse.get(c.pool) ?? 0);
    if (open < c.poolSlots) return { limit: "pool", pool: c.pool, open: Math.max(0, open), needed: c.poolSlots };
    return null;
  }
}

/** The task-level limit's block, if `active` instances of the task leave no room (decideTaskConcurrency). */
export function taskConcurrencyBlock(snapshot: ConcurrencySnapshot, dagId: string, taskId: string, active: number): BlockReason | null {
  const max = snapshot.maxActiveTisPerDag?.(dagId, taskId) ?? null;
  if (decideTaskConcurrency({ maxActiveTisPerDag: max, active }) === null) return null;
  return { limit: "max_active_tis_per_dag", dagId, taskId, max: max!, active };
}

/** A sentence for people: why a scheduled task instance was not queued. */
export function describeBlockReason(reason: BlockReason): string {
  switch (reason.limit) {
    case "parallelism":
      return `the installation already runs ${reason.max} task instances (UPDRAFT_PARALLELISM)`;
    case "executor_slots":
      return "every executor slot is busy";
    case "max_active_tasks":
      return `DAG "${reason.dagId}" already runs ${reason.max} task instances (its max active tasks)`;
    case "max_active_tis_per_dag":
      return `task "${reason.taskId}" already has ${reason.active} instance(s) queued or running over the runs of DAG "${reason.dagId}" (its maxActiveTisPerDag is ${reason.max})`;
    case "pool":
      return `pool "${reason.pool}" has ${reason.open} open slot(s); the task needs ${reason.needed}`;
    case "pool_missing":
      return `pool "${reason.pool}" does not exist; create it (POST /api/v1/pools)`;
  }
}
