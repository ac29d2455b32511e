// Recovers tries that nobody works on: zombies (running, heartbeat missed) end as a failed try —
// retried if retries are left — and queued tries the broker lost are sent again (or, for an
// in-process executor that died, put back to scheduled). Every write is fenced by try number.
import { errorMessage, formatDuration, retryPolicyOf, type Executor, type Logger } from "@updraft/core";
import { dagRuns, finishTry, markTryRunning, taskInstances, type UpdraftDb } from "@updraft/db";
import { and, asc, eq, isNull, lt, or, sql } from "drizzle-orm";
import { isLost, isStaleQueued, needsHolderCheck, silenceMs, type LossThresholds } from "../decisions/find-lost-tries.ts";
import { queuedRowColumns, toQueuedTaskInstance } from "./claim-store.ts";
import type { CachedDag } from "./dag-cache.ts";

export interface LostTryThresholds {
  /**
   * A running try silent this long is lost when its holder cannot be asked (no broker, or the
   * broker is unreachable). UPDRAFT_WORKER_OFFLINE_AFTER_SEC.
   */
  zombieAfterMs: number;
  /**
   * A running try silent this long is lost when the executor says nobody holds it any more (the
   * worker's BullMQ job lock expired). @defaultValue min(zombieAfterMs, 10 s)
   */
  fastZombieAfterMs?: number;
  /** A queued try not started after this long is checked with the executor. */
  queuedCheckAfterMs: number;
}

/** A try still held by a live worker is declared lost only after this much silence (Airflow's zombie threshold). */
const HELD_ZOMBIE_AFTER_MS = 300_000;
const FAST_ZOMBIE_AFTER_MS = 10_000;

/** The three silence thresholds of the loss decision, from the configured ones. */
export function lossThresholds(thresholds: LostTryThresholds): LossThresholds {
  const fastAfterMs = Math.min(thresholds.fastZombieAfterMs ?? FAST_ZOMBIE_AFTER_MS, thresholds.zombieAfterMs);
  return { fastAfterMs, slowAfterMs: thresholds.zombieAfterMs, heldAfterMs: Math.max(HELD_ZOMBIE_AFTER_MS, thresholds.zombieAfterMs) };
}

/** A try failed because its worker was lost: its task's onRetry (up_for_retry) or onFailure (failed) is due. */
export interface LostTry {
  dagId: string;
  runId: string;
  taskId: string;
  tryNumber: number;
  state: "failed" | "up_for_retry";
  error: string;
}

/**
 * Fails running tries whose worker is gone (see decisions/find-lost-tries.ts for the rule): each
 * ends as a failed try, retried if retries are left. Silence counts from `notBefore` at the
 * earliest (when this scheduler last regained the database). Returns how many were failed.
 */
export async function failZombies(
  db: UpdraftDb,
  dags: ReadonlyMap<string, CachedDag>,
  executor: Pick<Executor, "isTryHeld">,
  thresholds: LostTryThresholds,
  now: Date,
  notBefore: Date,
  logger: Logger,
  onLost?: (lost: LostTry) => void,
): Promise<number> {
  const loss = lossThresholds(thresholds);
  const cutoff = new Date(now.getTime() - loss.fastAfterMs);
  const running = await db
    .select({ dagId: taskInstances.dagId, runId: taskInstances.runId, taskId: taskInstances.taskId, tryNumber: taskInstances.tryNumber, queue: taskInstances.queue, lastHeartbeatAt: taskInstances.lastHeartbeatAt, startDate: taskInstances.startDate, workerName: taskInstances.workerName })
    .from(taskInstances)
    .where(and(eq(taskInstances.state, "running"), or(isNull(taskInstances.lastHeartbeatAt), lt(taskInstances.lastHeartbeatAt, cutoff))));
  let failed = 0;
  for (const ti of running) {
    const silence = silenceMs(ti, now, notBefore);
    if (!needsHolderCheck(silence, loss)) continue;
    const held = executor.isTryHeld ? await executor.isTryHeld(ti) : undefined;
    if (!isLost(silence, held, loss)) continue;
    const spec = dags.get(ti.dagId)?.tasks.get(ti.taskId);
    const policy = retryPolicyOf(spec);
    const why = held === false ? " and no longer holds its job" : held === true ? " (it still holds its job but cannot reach the database)" : "";
    const error = `the try was lost: ${ti.workerName ?? "its worker"} sent no heartbeat for ${formatDuration(silence)}${why} (worker died or was cut off)`;
    const result = await finishTry(db, ti, { result: "failed", error, policy }, now);
    if (result.accepted) {
      failed++;
      logger.warn({ ti: { dagId: ti.dagId, runId: ti.runId, taskId: ti.taskId, tryNumber: ti.tryNumber }, worker: ti.workerName, silenceMs: silence, held, next: result.state }, "lost try failed");
      if (result.state === "failed" || result.state === "up_for_retry") {
        onLost?.({ dagId: ti.dagId, runId: ti.runId, taskId: ti.taskId, tryNumber: ti.tryNumber, state: result.state, error });
      }
    }
  }
  return failed;
}

/** Stale queued tries read per page; every page is read each time. */
const STALE_PAGE = 5_000;

/**
 * Sends again (broker executors) or fails into a retry (in-process executors) every queued try
 * older than the check threshold. Reads them a page at a time over the primary key, so a page full
 * of tries nobody can take yet (a queue no worker serves, a DAG no longer parsed) never hides the
 * tries behind it. Returns how many were sent or recovered.
 */
export async function recoverStaleQueued(
  db: UpdraftDb,
  dags: ReadonlyMap<string, CachedDag>,
  executor: Executor,
  thresholds: LostTryThresholds,
  now: Date,
  logger: Logger,
): Promise<number> {
  const cutoff = new Date(now.getTime() - thresholds.queuedCheckAfterMs);
  let recovered = 0;
  let after: { dagId: string; runId: string; taskId: string } | null = null;
  for (;;) {
    const rows = await db
      .select({ ...queuedRowColumns, queuedAt: taskInstances.queuedAt })
      .from(taskInstances)
      .innerJoin(dagRuns, and(eq(dagRuns.dagId, taskInstances.dagId), eq(dagRuns.runId, taskInstances.runId)))
      .where(
        and(
          eq(taskInstances.state, "queued"),
          or(isNull(taskInstances.queuedAt), lt(taskInstances.queuedAt, cutoff)),
          after === null ? undefined : sql`(${taskInstances.dagId}, ${taskInstances.runId}, ${taskInstances.taskId}) > (${after.dagId}, ${after.runId}, ${after.taskId})`,
        ),
      )
      .orderBy(asc(taskInstances.dagId), asc(taskInstances.runId), asc(taskInstances.taskId))
      .limit(STALE_PAGE);
    const stale = rows.filter((r) => dags.has(r.dagId) && isStaleQueued(r, now, thresholds.queuedCheckAfterMs));
    if (stale.length > 0) recovered += await recoverStale(db, dags, executor, stale, now, logger);
    if (rows.length < STALE_PAGE) return recovered;
    after = rows.at(-1)!;
  }
}

async function recoverStale(
  db: UpdraftDb,
  dags: ReadonlyMap<string, CachedDag>,
  executor: Executor,
  stale: ReadonlyArray<Parameters<typeof toQueuedTaskInstance>[0]>,
  now: Date,
  logger: Logger,
): Promise<number> {
  if (executor.reconcile) {
    const sent = await executor.reconcile(stale.map((r) => toQueuedTaskInstance(r, dags.get(r.dagId)!)));
    if (sent > 0) logger.warn({ sent }, "re-enqueued queued tries whose job the broker had lost");
    return sent;
  }
  // An in-process executor starts a claimed try within moments; one still queued after the
  // threshold was claimed by a scheduler that is gone. Record it as a failed try so retries apply.
  let recovered = 0;
  for (const r of stale) {
    const key = { dagId: r.dagId, runId: r.runId, taskId: r.taskId, tryNumber: r.tryNumber };
    try {
      if (!(await markTryRunning(db, key, { hostname: "scheduler", workerName: null, pid: process.pid }, now))) continue;
      const spec = dags.get(r.dagId)!.tasks.get(r.taskId);
      // Retry at once: the try never started, so its delay would only add waiting.
      const policy = { ...retryPolicyOf(spec), retryDelayMs: 0 };
      await finishTry(db, key, { result: "failed", error: `the try was claimed by a scheduler that stopped before starting it`, policy }, now);
      recovered++;
    } catch (error) {
      logger.warn({ err: errorMessage(error) }, "recovering a queued try failed");
    }
  }
  return recovered;
}
