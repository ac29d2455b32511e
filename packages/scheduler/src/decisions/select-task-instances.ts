// Which scheduled task instances may be queued now: highest priority weight first, each taken
// only if every limit still has room — parallelism, the executor's free slots, the DAG's max
// active tasks and its pool's open slots. A task blocked by one limit does not block a
// lower-priority task that the limit does not concern. Each refusal says which limit, so the
// API can explain why a task waits.

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
}

export type BlockReason =
  | { limit: "parallelism"; max: number }
  | { limit: "executor_slots" }
  | { limit: "max_active_tasks"; dagId: string; max: number }
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
  }
  return result;

  function blockReason(c: C): BlockReason | null {
    if (total >= snapshot.parallelism) return { limit: "parallelism", max: snapshot.parallelism };
    if (executorFree <= 0) return { limit: "executor_slots" };
    const maxTasks = snapshot.maxActiveTasks(c.dagId);
    if ((perDag.get(c.dagId) ?? 0) >= maxTasks) return { limit: "max_active_tasks", dagId: c.dagId, max: maxTasks };
    const pool = snapshot.pools.get(c.pool);
    if (!pool) return { limit: "pool_missing", pool: c.pool };
    const open = pool.slots - (poolUse.get(c.pool) ?? 0);
    if (open < c.poolSlots) return { limit: "pool", pool: c.pool, open: Math.max(0, open), needed: c.poolSlots };
    return null;
  }
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
    case "pool":
      return `pool "${reason.pool}" has ${reason.open} open slot(s); the task needs ${reason.needed}`;
    case "pool_missing":
      return `pool "${reason.pool}" does not exist; create it (POST /api/v1/pools)`;
  }
}
