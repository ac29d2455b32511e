// The claim: scheduled task instances become queued, within every limit, exactly once. Runs in
// one transaction that first takes a transaction-scoped advisory lock (so two schedulers never
// count the same free slot twice); the UPDATE is guarded by state = 'scheduled', so a row another
// transaction changed meanwhile is passed over, never claimed twice.
import { retryPolicyOf, type JsonValue, type QueuedTaskInstance } from "@updraft/core";
import { dagRuns, runStatement, taskInstances, type UpdraftDb } from "@updraft/db";
import { claimRooms, type ClaimRooms } from "../decisions/claim-rooms.ts";
import { selectTaskInstancesToQueue, taskKey, type BlockReason, type ConcurrencySnapshot, type Selection } from "../decisions/select-task-instances.ts";
import { CLAIM_CANDIDATES, CLAIM_LOCK, MARK_QUEUED, SLOTS_IN_USE, TASK_TIS_IN_USE } from "./claim-statements.ts";
import type { CachedDag } from "./dag-cache.ts";

/** Arbitrary constant naming the claim critical section among Postgres advisory locks. */
const CLAIM_LOCK_KEY = 7_305_214_001;

export interface ClaimLimits {
  parallelism: number;
  defaultMaxActiveTasks: number;
  executorFreeSlots: number;
}

export interface ClaimResult {
  queued: QueuedTaskInstance[];
  blocked: Array<{ dagId: string; runId: string; taskId: string; reason: BlockReason }>;
  /** False when another scheduler held the critical section; it does the claiming this time. */
  ran: boolean;
}

/**
 * Claims scheduled task instances of running runs of unpaused DAGs: scheduled -> queued (try
 * number raised) in one statement for the whole batch, within every limit, highest priority first.
 * @returns what to hand to the executor; `ran` false when another scheduler held the claim lock
 */
export async function claimTaskInstances(db: UpdraftDb, dags: ReadonlyMap<string, CachedDag>, limits: ClaimLimits, now: Date): Promise<ClaimResult> {
  if (limits.executorFreeSlots <= 0) return { queued: [], blocked: [], ran: true };
  return db.transaction(async (tx) => {
    const [lock] = await runStatement<{ locked: boolean }>(tx, CLAIM_LOCK, [CLAIM_LOCK_KEY]);
    if (!lock?.locked) return { queued: [], blocked: [], ran: false };
    const plan = await planClaim(tx, dags, limits);
    const selected = plan.selection.selected;
    const claimed = selected.length === 0 ? new Set<string>() : await markQueued(tx, selected, now);
    const taken = selected.filter((c) => claimed.has(keyOf(c)));
    return {
      ran: true,
      blocked: plan.selection.blocked.map((b) => ({ dagId: b.candidate.dagId, runId: b.candidate.runId, taskId: b.candidate.taskId, reason: b.reason })),
      queued: taken.map((c) => toQueuedTaskInstance({ ...c, tryNumber: c.tryNumber + 1 }, dags.get(c.dagId)!)),
    };
  });
}

export interface ClaimPlan {
  snapshot: ConcurrencySnapshot;
  rooms: ClaimRooms;
  candidates: CandidateRow[];
  selection: Selection<CandidateRow>;
}

/** A scheduled task instance as the claim read it; `rowVersion` is the row's ctid then. */
export type CandidateRow = QueuedRow & { poolSlots: number; rowVersion: string };

/**
 * What the claim would queue now, without writing: the limits' current use, the rooms they leave,
 * the candidates read within those rooms (per DAG and per pool, so no full DAG or pool can crowd
 * out others) and the pure selection over them. "Why waiting" calls the same function.
 */
export async function planClaim(db: Pick<UpdraftDb, "execute">, dags: ReadonlyMap<string, CachedDag>, limits: ClaimLimits): Promise<ClaimPlan> {
  // The task instances in use per DAG and pool, and the pools' sizes: one round trip.
  const use = await runStatement<{ dag_id: string | null; pool: string; n: number | string; slots: number | string | null }>(db, SLOTS_IN_USE, []);
  const perDag = new Map<string, number>();
  const occupied = new Map<string, number>();
  const poolSizes: Array<[string, number]> = [];
  let total = 0;
  for (const row of use) {
    if (row.dag_id === null) {
      poolSizes.push([row.pool, Number(row.slots)]);
      continue;
    }
    perDag.set(row.dag_id, (perDag.get(row.dag_id) ?? 0) + Number(row.n));
    occupied.set(row.pool, (occupied.get(row.pool) ?? 0) + Number(row.slots ?? 0));
    total += Number(row.n);
  }
  // Tasks with a maxActiveTisPerDag (Airflow's max_active_tis_per_dag), and their instances in use.
  const limitedTasks = [...dags.values()].flatMap((d) =>
    d.isPaused ? [] : d.serialized.tasks.filter((t) => typeof t.maxActiveTisPerDag === "number").map((t) => ({ dagId: d.dagId, taskId: t.taskId })),
  );
  const activePerTask = new Map<string, number>();
  if (limitedTasks.length > 0) {
    const rows = await runStatement<{ dag_id: string; task_id: string; n: number | string }>(db, TASK_TIS_IN_USE, [limitedTasks.map((t) => t.dagId), limitedTasks.map((t) => t.taskId)]);
    for (const row of rows) activePerTask.set(taskKey(row.dag_id, row.task_id), Number(row.n));
  }
  const snapshot: ConcurrencySnapshot = {
    parallelism: limits.parallelism,
    activeTotal: total,
    executorFreeSlots: limits.executorFreeSlots,
    activePerDag: perDag,
    maxActiveTasks: (dagId) => dags.get(dagId)?.serialized.maxActiveTasks ?? limits.defaultMaxActiveTasks,
    pools: new Map(poolSizes.map(([name, slots]) => [name, { slots, occupied: occupied.get(name) ?? 0 }])),
    activePerTask,
    maxActiveTisPerDag: (dagId, taskId) => dags.get(dagId)?.tasks.get(taskId)?.maxActiveTisPerDag ?? null,
  };
  const rooms = claimRooms({ ...snapshot, dags: [...dags.values()], limitedTasks });
  const candidates = await readCandidates(db, rooms);
  return { snapshot, rooms, candidates, selection: selectTaskInstancesToQueue(candidates, snapshot) };
}

const keyOf = (c: { dagId: string; runId: string; taskId: string }) => `${c.dagId}\u0000${c.runId}\u0000${c.taskId}`;

// Per DAG with room and pool with open slots: that DAG's best min(room, open, global) scheduled
// task instances in that pool that the pool has the slots for (LATERAL, read in the order of
// task_instances_claim_order_idx, so it stops after that many rows and sorts nothing;
// `run_logical_date` is the run's logical date); of those, per DAG its best `room`; then per pool
// at most min(open, global) (each takes a slot at least); then the best `global` overall. Tasks at
// their maxActiveTisPerDag are not read, so they never fill a DAG's room. Exactly the pure
// `candidateWindow` (held equal by a test; DAG id breaks the last ties); the pure selection
// decides. Ids compare as "C" (byte order, as the pure code's `<` on the ids' characters),
// whatever the database's locale, which is also what lets Postgres sort them with memcmp.
// The DAG's running runs are read once per DAG and pool: a per-row lookup or join is planned as a
// scan of every run of the DAG while the tables have no statistics yet (a new install). They are
// compared as an expression (`run_id || ''`), never as an index condition: with `run_id = any(...)`
// as one, task_instances_run_state_idx looked cheaper to the planner on stale statistics, and it
// read and sorted every scheduled row of the DAG's running runs (405, to queue 8) instead of
// reading this index in order. The text is CLAIM_CANDIDATES (claim-statements.ts).
async function readCandidates(db: Pick<UpdraftDb, "execute">, rooms: ClaimRooms): Promise<CandidateRow[]> {
  if (rooms.global <= 0 || rooms.dagRooms.size === 0 || rooms.poolOpen.size === 0) return [];
  const full = [...rooms.taskFull.keys()].map((k) => k.split("\u0000") as [string, string]);
  const rows = await runStatement<{
    dag_id: string; run_id: string; task_id: string; try_number: number; max_tries: number; queue: string; pool: string; pool_slots: number;
    priority_weight: number; row_version: string; logical_date: string | Date; data_interval_start: string | Date | null; data_interval_end: string | Date | null; conf: unknown;
  }>(db, CLAIM_CANDIDATES, [
    [...rooms.poolOpen.keys()],
    [...rooms.poolOpen.values()],
    full.map((f) => f[0]),
    full.map((f) => f[1]),
    [...rooms.dagRooms.keys()],
    [...rooms.dagRooms.values()],
    rooms.global,
  ]);
  const date = (v: string | Date | null) => (v === null ? null : new Date(v));
  return rows.map((r) => ({
    dagId: r.dag_id,
    runId: r.run_id,
    taskId: r.task_id,
    tryNumber: Number(r.try_number),
    maxTries: Number(r.max_tries),
    queue: r.queue,
    pool: r.pool,
    poolSlots: Number(r.pool_slots),
    priorityWeight: Number(r.priority_weight),
    rowVersion: r.row_version,
    logicalDate: new Date(r.logical_date),
    dataIntervalStart: date(r.data_interval_start),
    dataIntervalEnd: date(r.data_interval_end),
    conf: r.conf,
  }));
}

// scheduled -> queued for the whole selection in one statement; the state guard makes a row that
// changed meanwhile (cleared, marked) stay as it is. Returns the keys actually claimed. The rows
// are found by the ctid the claim read them at (a TID scan, whatever the statistics say) and
// matched on their keys too. A row updated since the read has a new ctid, so it is passed over
// (and read again by the next claim), never claimed twice. Found by keys alone, it was planned
// from statistics taken when nothing was scheduled as a hash join over every scheduled row
// (20 ms to queue 61 of 9,326, auto_explain in `pnpm bench`).
async function markQueued(tx: Pick<UpdraftDb, "execute">, selected: readonly CandidateRow[], now: Date): Promise<Set<string>> {
  const rows = await runStatement<{ dag_id: string; run_id: string; task_id: string }>(tx, MARK_QUEUED, [
    now.toISOString(),
    selected.map((c) => c.dagId),
    selected.map((c) => c.runId),
    selected.map((c) => c.taskId),
    selected.map((c) => c.rowVersion),
  ]);
  return new Set(rows.map((r) => keyOf({ dagId: r.dag_id, runId: r.run_id, taskId: r.task_id })));
}

/** Columns of a task instance and its run that make a QueuedTaskInstance (with the DAG's spec). */
export const queuedRowColumns = {
  dagId: taskInstances.dagId,
  runId: taskInstances.runId,
  taskId: taskInstances.taskId,
  tryNumber: taskInstances.tryNumber,
  maxTries: taskInstances.maxTries,
  queue: taskInstances.queue,
  pool: taskInstances.pool,
  priorityWeight: taskInstances.priorityWeight,
  logicalDate: dagRuns.logicalDate,
  dataIntervalStart: dagRuns.dataIntervalStart,
  dataIntervalEnd: dagRuns.dataIntervalEnd,
  conf: dagRuns.conf,
};

export type QueuedRow = Omit<QueuedTaskInstance, "fileloc" | "executionTimeoutMs" | "inputs" | "retryPolicy" | "conf"> & { conf: unknown };

/** What an executor needs, from a task instance row (try number already raised) and its DAG. */
export function toQueuedTaskInstance(c: QueuedRow, dag: CachedDag): QueuedTaskInstance {
  const spec = dag.tasks.get(c.taskId);
  return {
    dagId: c.dagId,
    runId: c.runId,
    taskId: c.taskId,
    tryNumber: c.tryNumber,
    maxTries: c.maxTries,
    queue: c.queue,
    pool: c.pool,
    priorityWeight: c.priorityWeight,
    fileloc: dag.serialized.fileloc,
    logicalDate: c.logicalDate,
    dataIntervalStart: c.dataIntervalStart,
    dataIntervalEnd: c.dataIntervalEnd,
    conf: c.conf as Record<string, JsonValue>,
    executionTimeoutMs: spec?.executionTimeoutMs ?? null,
    inputs: spec?.inputs ?? {},
    retryPolicy: retryPolicyOf(spec),
  };
}
