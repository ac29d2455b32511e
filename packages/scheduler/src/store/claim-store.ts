// The claim: scheduled task instances become queued, within every limit, exactly once. Runs in
// one transaction that first takes a transaction-scoped advisory lock (so two schedulers never
// count the same free slot twice); the UPDATE is guarded by state = 'scheduled', so a row another
// transaction changed meanwhile is passed over, never claimed twice.
import { retryPolicyOf, type JsonValue, type QueuedTaskInstance } from "@updraft/core";
import { dagRuns, taskInstances, type UpdraftDb } from "@updraft/db";
import { sql } from "drizzle-orm";
import { claimRooms, type ClaimRooms } from "../decisions/claim-rooms.ts";
import { selectTaskInstancesToQueue, taskKey, type BlockReason, type ConcurrencySnapshot, type Selection } from "../decisions/select-task-instances.ts";
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
    const lock = await tx.execute<{ locked: boolean }>(sql`select pg_try_advisory_xact_lock(${CLAIM_LOCK_KEY}) as locked`);
    if (!lock.rows[0]?.locked) return { queued: [], blocked: [], ran: false };
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
  const use = await db.execute<{ dag_id: string | null; pool: string; n: number | string; slots: number | string | null }>(sql`
    select dag_id, pool, count(*) as n, sum(pool_slots) as slots from task_instances where state in ('queued', 'running') group by dag_id, pool
    union all
    select null, name, 0, slots from pools`);
  const perDag = new Map<string, number>();
  const occupied = new Map<string, number>();
  const poolSizes: Array<[string, number]> = [];
  let total = 0;
  for (const row of use.rows) {
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
    const rows = await db.execute<{ dag_id: string; task_id: string; n: number | string }>(sql`
      select ti.dag_id, ti.task_id, count(*) as n from task_instances ti
      join unnest(${param(limitedTasks.map((t) => t.dagId))}::text[], ${param(limitedTasks.map((t) => t.taskId))}::text[]) as k(dag_id, task_id)
        on ti.dag_id = k.dag_id and ti.task_id = k.task_id
      where ti.state in ('queued', 'running') group by ti.dag_id, ti.task_id`);
    for (const row of rows.rows) activePerTask.set(taskKey(row.dag_id, row.task_id), Number(row.n));
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

const param = (values: unknown[]) => sql.param(values);
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
async function readCandidates(db: Pick<UpdraftDb, "execute">, rooms: ClaimRooms): Promise<CandidateRow[]> {
  if (rooms.global <= 0 || rooms.dagRooms.size === 0 || rooms.poolOpen.size === 0) return [];
  const full = [...rooms.taskFull.keys()].map((k) => k.split("\u0000") as [string, string]);
  // The claim's order over what was read (the LATERAL reads in the index's own words).
  const order = (t: string) => sql.raw(`${t}.priority_weight desc, ${t}.run_logical_date, ${t}.run_id collate "C", ${t}.task_id collate "C", ${t}.dag_id collate "C"`);
  const rows = await db.execute<{
    dag_id: string; run_id: string; task_id: string; try_number: number; max_tries: number; queue: string; pool: string; pool_slots: number;
    priority_weight: number; row_version: string; logical_date: string | Date; data_interval_start: string | Date | null; data_interval_end: string | Date | null; conf: unknown;
  }>(sql`
    with po(pool, open) as (select * from unnest(${param([...rooms.poolOpen.keys()])}::text[], ${param([...rooms.poolOpen.values()])}::int[])),
    tf(dag_id, task_id) as (select * from unnest(${param(full.map((f) => f[0]))}::text[], ${param(full.map((f) => f[1]))}::text[])),
    c as (
      select x.*, d.room, po.open from unnest(${param([...rooms.dagRooms.keys()])}::text[], ${param([...rooms.dagRooms.values()])}::int[]) as d(dag_id, room)
      cross join po
      cross join lateral (
        select ti.dag_id, ti.run_id, ti.task_id, ti.try_number, ti.max_tries, ti.queue, ti.pool, ti.pool_slots, ti.priority_weight,
          ti.run_logical_date, ti.ctid::text as row_version
        from task_instances ti
        where ti.dag_id = d.dag_id and ti.pool = po.pool and ti.state = 'scheduled' and ti.pool_slots <= po.open
          -- the DAG's running runs, read once per DAG and pool: a per-row lookup or join is planned
          -- as a scan of every run of the DAG while the tables have no statistics yet (a new
          -- install). Compared as an expression (|| ''), never as an index condition: with
          -- run_id = any(...) as one, task_instances_run_state_idx looked cheaper to the planner
          -- on stale statistics, and it read and sorted every scheduled row of the DAG's running
          -- runs (405, to queue 8) instead of reading this index in order
          and (ti.run_id || '') = any(array(select r.run_id from dag_runs r where r.dag_id = d.dag_id and r.state = 'running'))
          and not exists (select 1 from tf where tf.dag_id = ti.dag_id and tf.task_id = ti.task_id)
        order by ti.priority_weight desc nulls last, ti.run_logical_date, ti.run_id collate "C", ti.task_id collate "C"
        limit least(d.room, po.open, ${rooms.global})
      ) x
    ),
    per_dag as (select c.*, row_number() over (partition by c.dag_id order by ${order("c")}) as dag_rank from c),
    per_pool as (
      select per_dag.*, row_number() over (partition by per_dag.pool order by ${order("per_dag")}) as pool_rank
      from per_dag where per_dag.dag_rank <= per_dag.room
    )
    select p.dag_id, p.run_id, p.task_id, p.try_number, p.max_tries, p.queue, p.pool, p.pool_slots, p.priority_weight,
      p.row_version, r.logical_date, r.data_interval_start, r.data_interval_end, r.conf
    from per_pool p join dag_runs r on r.dag_id = p.dag_id and r.run_id = p.run_id
    where p.pool_rank <= least(p.open, ${rooms.global})
    order by ${order("p")}
    limit ${rooms.global}`);
  const date = (v: string | Date | null) => (v === null ? null : new Date(v));
  return rows.rows.map((r) => ({
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
  const rows = await tx.execute<{ dag_id: string; run_id: string; task_id: string }>(sql`
    update task_instances ti set state = 'queued', try_number = ti.try_number + 1, queued_at = ${now.toISOString()}::timestamptz,
      hostname = null, pid = null, worker_name = null, updated_at = now()
    from unnest(${param(selected.map((c) => c.dagId))}::text[], ${param(selected.map((c) => c.runId))}::text[], ${param(selected.map((c) => c.taskId))}::text[])
      as k(dag_id, run_id, task_id)
    where ti.ctid = any(${param(selected.map((c) => c.rowVersion))}::tid[])
      and ti.dag_id = k.dag_id and ti.run_id = k.run_id and ti.task_id = k.task_id and ti.state = 'scheduled'
    returning ti.dag_id, ti.run_id, ti.task_id`);
  return new Set(rows.rows.map((r) => keyOf({ dagId: r.dag_id, runId: r.run_id, taskId: r.task_id })));
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
