// How much room each DAG, pool and the installation has for more queued task instances, and
// which DAGs get none (paused, as Airflow stops scheduling a paused DAG's tasks). The claim reads
// candidates per DAG and pool within these rooms, so a DAG or pool that is full never fills the
// candidate set and starves others (Airflow #18051, #19622). "Why waiting" reads the same rooms.
import { taskConcurrencyBlock, taskKey, type Candidate, type ConcurrencySnapshot, type Selection, type BlockReason } from "./select-task-instances.ts";

export interface RoomFacts extends ConcurrencySnapshot {
  /** The DAGs the scheduler knows, with their pause state. */
  dags: ReadonlyArray<{ dagId: string; isPaused: boolean }>;
  /** Tasks that have a `maxActiveTisPerDag`. Default: none. */
  limitedTasks?: ReadonlyArray<{ dagId: string; taskId: string }>;
}

export interface ClaimRooms {
  /** How many task instances may be queued now in all (parallelism and executor slots). */
  global: number;
  /** Unpaused DAGs with room: DAG id -> how many more of its task instances may be queued. */
  dagRooms: Map<string, number>;
  /**
   * Pools with open slots: name -> open slots (slots minus those of queued and running task
   * instances). Slots, not task instances: a task taking 3 slots fits a pool with 3 open slots
   * however few more task instances parallelism allows.
   */
  poolOpen: Map<string, number>;
  /** Tasks at their `maxActiveTisPerDag` ("dagId\0taskId" -> why): none of their instances is read. */
  taskFull: Map<string, BlockReason>;
}

export function claimRooms(f: RoomFacts): ClaimRooms {
  const global = Math.max(0, Math.min(f.parallelism - f.activeTotal, f.executorFreeSlots));
  const dagRooms = new Map<string, number>();
  for (const dag of f.dags) {
    if (dag.isPaused) continue;
    const room = Math.min(global, f.maxActiveTasks(dag.dagId) - (f.activePerDag.get(dag.dagId) ?? 0));
    if (room > 0) dagRooms.set(dag.dagId, room);
  }
  const poolOpen = new Map<string, number>();
  for (const [name, pool] of f.pools) {
    const open = pool.slots - pool.occupied;
    if (open > 0) poolOpen.set(name, open);
  }
  const taskFull = new Map<string, BlockReason>();
  for (const t of f.limitedTasks ?? []) {
    const key = taskKey(t.dagId, t.taskId);
    const block = taskConcurrencyBlock(f, t.dagId, t.taskId, f.activePerTask?.get(key) ?? 0);
    if (block) taskFull.set(key, block);
  }
  return { global, dagRooms, poolOpen, taskFull };
}

/** What the next claim does with one scheduled task instance, in terms a person can act on. */
export type ClaimVerdict =
  | { kind: "queued" }
  | { kind: "dag_paused" }
  | { kind: "run_not_running" }
  | { kind: "blocked"; reason: BlockReason }
  /** Every limit has room for it alone, but higher-priority task instances fill that room first. */
  | { kind: "behind"; limit: "parallelism" | "max_active_tasks" | "pool" };

/**
 * The verdict for `ti` given the rooms and the claim's selection over the candidates read within
 * them (the same inputs the claim decides with, so the two cannot disagree).
 */
export function claimVerdict<C extends Candidate>(
  ti: Candidate & { runIsRunning: boolean; dagIsPaused: boolean },
  rooms: ClaimRooms,
  selection: Selection<C>,
  snapshot: ConcurrencySnapshot,
): ClaimVerdict {
  const same = (c: Candidate) => c.dagId === ti.dagId && c.runId === ti.runId && c.taskId === ti.taskId;
  if (ti.dagIsPaused) return { kind: "dag_paused" };
  if (!ti.runIsRunning) return { kind: "run_not_running" };
  if (selection.selected.some(same)) return { kind: "queued" };
  const blocked = selection.blocked.find((b) => same(b.candidate));
  if (blocked) return { kind: "blocked", reason: blocked.reason };
  if (rooms.global <= 0) {
    const parallelismFull = snapshot.activeTotal >= snapshot.parallelism;
    return { kind: "blocked", reason: parallelismFull ? { limit: "parallelism", max: snapshot.parallelism } : { limit: "executor_slots" } };
  }
  const maxTasks = snapshot.maxActiveTasks(ti.dagId);
  if (!rooms.dagRooms.has(ti.dagId)) return { kind: "blocked", reason: { limit: "max_active_tasks", dagId: ti.dagId, max: maxTasks } };
  const taskFull = rooms.taskFull.get(taskKey(ti.dagId, ti.taskId));
  if (taskFull) return { kind: "blocked", reason: taskFull };
  const pool = snapshot.pools.get(ti.pool);
  if (!pool) return { kind: "blocked", reason: { limit: "pool_missing", pool: ti.pool } };
  const open = rooms.poolOpen.get(ti.pool) ?? 0;
  if (open < ti.poolSlots) return { kind: "blocked", reason: { limit: "pool", pool: ti.pool, open: Math.max(0, pool.slots - pool.occupied), needed: ti.poolSlots } };
  const taken = (pred: (c: C) => boolean) => selection.selected.filter(pred).length;
  if (taken((c) => c.dagId === ti.dagId) >= (rooms.dagRooms.get(ti.dagId) ?? 0)) return { kind: "behind", limit: "max_active_tasks" };
  if (taken((c) => c.pool === ti.pool) >= open) return { kind: "behind", limit: "pool" };
  return { kind: "behind", limit: "parallelism" };
}

/** A scheduled task instance of a running run, as the claim reads it. */
export interface WindowCandidate extends Candidate {
  /** The run's logical date: among equal priority weights, older runs go first. */
  logicalDate: Date;
}

/**
 * The candidates the claim reads, in the order it reads them: per DAG with room and pool with open
 * slots, the best min(DAG room, pool cap) scheduled task instances of that DAG in that pool that
 * the pool has the slots for (pool cap: min(open slots, global), as each takes a slot at least);
 * of those, per DAG its best `room`; then per pool its best `cap`; then the best `global`
 * overall. Task instances of tasks at their maxActiveTisPerDag (`rooms.taskFull`) are not read.
 * Order: priority weight (highest first), logical date, run id, task id, DAG id. Read per DAG
 * and pool, a pool's own candidates are never crowded out of a DAG's room by another pool's
 * that could not be queued anyway, and a DAG is never read beyond what its pools can take. The
 * claim's SQL (claim-store `readCandidates`) computes exactly this without reading more rows;
 * tests hold the two equal.
 *
 * @param scheduled the scheduled task instances of running runs (any order)
 */
export function candidateWindow<C extends WindowCandidate>(rooms: ClaimRooms, scheduled: readonly C[]): C[] {
  if (rooms.global <= 0) return [];
  const open = (pool: string) => rooms.poolOpen.get(pool) ?? 0;
  const cap = (pool: string) => Math.min(open(pool), rooms.global);
  const room = (dagId: string) => rooms.dagRooms.get(dagId) ?? 0;
  const perDagPool = new Map<string, number>();
  const read = [...scheduled].sort(readOrder).filter((c) => {
    if (c.poolSlots > open(c.pool) || rooms.taskFull.has(taskKey(c.dagId, c.taskId))) return false;
    const key = `${c.dagId}\u0000${c.pool}`;
    const n = perDagPool.get(key) ?? 0;
    if (n >= Math.min(room(c.dagId), cap(c.pool))) return false;
    perDagPool.set(key, n + 1);
    return true;
  });
  const perDag = new Map<string, number>();
  const perPool = new Map<string, number>();
  const window: C[] = [];
  for (const c of read) {
    const inDag = perDag.get(c.dagId) ?? 0;
    if (inDag >= room(c.dagId)) continue;
    perDag.set(c.dagId, inDag + 1);
    const inPool = perPool.get(c.pool) ?? 0;
    if (inPool >= cap(c.pool)) continue;
    perPool.set(c.pool, inPool + 1);
    window.push(c);
  }
  return window.slice(0, rooms.global);
}

function readOrder(a: WindowCandidate, b: WindowCandidate): number {
  return (
    b.priorityWeight - a.priorityWeight ||
    a.logicalDate.getTime() - b.logicalDate.getTime() ||
    compareText(a.runId, b.runId) ||
    compareText(a.taskId, b.taskId) ||
    compareText(a.dagId, b.dagId)
  );
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
