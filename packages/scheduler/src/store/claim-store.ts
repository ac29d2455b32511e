// The claim: scheduled task instances become queued, within every limit, exactly once. Runs in
// one transaction that first takes a transaction-scoped advisory lock (so two schedulers never
// count the same free slot twice) and locks candidate rows with FOR UPDATE SKIP LOCKED (so a row
// another transaction holds is passed over, never claimed twice).
import { retryPolicyOf, type JsonValue, type QueuedTaskInstance } from "@updraft/core";
import { dagRuns, pools, taskInstances, type UpdraftDb } from "@updraft/db";
import { and, count, desc, eq, inArray, sql, sum } from "drizzle-orm";
import { selectTaskInstancesToQueue, type BlockReason } from "../decisions/select-task-instances.ts";
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

export async function claimTaskInstances(db: UpdraftDb, dags: ReadonlyMap<string, CachedDag>, limits: ClaimLimits, now: Date): Promise<ClaimResult> {
  if (limits.executorFreeSlots <= 0) return { queued: [], blocked: [], ran: true };
  return db.transaction(async (tx) => {
    const lock = await tx.execute<{ locked: boolean }>(sql`select pg_try_advisory_xact_lock(${CLAIM_LOCK_KEY}) as locked`);
    if (!lock.rows[0]?.locked) return { queued: [], blocked: [], ran: false };

    const active = await tx
      .select({ dagId: taskInstances.dagId, pool: taskInstances.pool, n: count(), slots: sum(taskInstances.poolSlots) })
      .from(taskInstances)
      .where(inArray(taskInstances.state, ["queued", "running"]))
      .groupBy(taskInstances.dagId, taskInstances.pool);
    const poolRows = await tx.select({ name: pools.name, slots: pools.slots }).from(pools);
    const perDag = new Map<string, number>();
    const occupied = new Map<string, number>();
    let total = 0;
    for (const row of active) {
      perDag.set(row.dagId, (perDag.get(row.dagId) ?? 0) + row.n);
      occupied.set(row.pool, (occupied.get(row.pool) ?? 0) + Number(row.slots ?? 0));
      total += row.n;
    }
    if (total >= limits.parallelism) return { queued: [], blocked: [], ran: true };

    const candidates = await tx
      .select({ ...queuedRowColumns, poolSlots: taskInstances.poolSlots })
      .from(taskInstances)
      .innerJoin(dagRuns, and(eq(dagRuns.dagId, taskInstances.dagId), eq(dagRuns.runId, taskInstances.runId)))
      .where(and(eq(taskInstances.state, "scheduled"), eq(dagRuns.state, "running")))
      .orderBy(desc(taskInstances.priorityWeight), dagRuns.logicalDate, taskInstances.taskId)
      .limit(Math.max(512, limits.parallelism * 4))
      .for("update", { of: taskInstances, skipLocked: true });

    const selection = selectTaskInstancesToQueue(
      candidates.filter((c) => dags.has(c.dagId)),
      {
        parallelism: limits.parallelism,
        activeTotal: total,
        executorFreeSlots: limits.executorFreeSlots,
        activePerDag: perDag,
        maxActiveTasks: (dagId) => dags.get(dagId)?.serialized.maxActiveTasks ?? limits.defaultMaxActiveTasks,
        pools: new Map(poolRows.map((p) => [p.name, { slots: p.slots, occupied: occupied.get(p.name) ?? 0 }])),
      },
    );
    const selected = selection.selected;
    for (let i = 0; i < selected.length; i += 500) {
      const keys = sql.join(selected.slice(i, i + 500).map((c) => sql`(${c.dagId}, ${c.runId}, ${c.taskId})`), sql`, `);
      await tx
        .update(taskInstances)
        .set({ state: "queued", tryNumber: sql`${taskInstances.tryNumber} + 1`, queuedAt: now, hostname: null, pid: null, workerName: null })
        .where(sql`(${taskInstances.dagId}, ${taskInstances.runId}, ${taskInstances.taskId}) in (${keys})`);
    }
    return {
      ran: true,
      blocked: selection.blocked.map((b) => ({ dagId: b.candidate.dagId, runId: b.candidate.runId, taskId: b.candidate.taskId, reason: b.reason })),
      queued: selected.map((c) => toQueuedTaskInstance({ ...c, tryNumber: c.tryNumber + 1 }, dags.get(c.dagId)!)),
    };
  });
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
