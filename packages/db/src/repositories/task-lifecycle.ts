// The writes that move one try of a task instance through its life: running, then finished
// (success, skipped, up for retry or failed), with its result, history row and log lines. Every
// write is fenced by the try number and the expected state, so a late report from a try that was
// already declared lost or timed out changes nothing: a task instance never ends in two states.
import { decideAfterTry, type JsonValue, type RetryPolicy, type TryResult } from "@updraft/core";
import { and, eq, sql } from "drizzle-orm";
import type { UpdraftDb } from "../client.ts";
import { wakeScheduler } from "../notify.ts";
import { taskInstanceHistory, taskInstances } from "../schema/task-instances.ts";
import { taskLogs, type TaskLogStream } from "../schema/task-logs.ts";
import { xcom } from "../schema/xcom.ts";

export interface TryKey {
  dagId: string;
  runId: string;
  taskId: string;
  tryNumber: number;
}

export interface RunningOn {
  hostname: string;
  workerName: string | null;
  pid: number;
}

function keyFilter(key: TryKey) {
  return and(
    eq(taskInstances.dagId, key.dagId),
    eq(taskInstances.runId, key.runId),
    eq(taskInstances.taskId, key.taskId),
    eq(taskInstances.tryNumber, key.tryNumber),
  );
}

/** queued -> running. False when the try is no longer the current queued one (refused). */
export async function markTryRunning(db: UpdraftDb, key: TryKey, on: RunningOn, now: Date = new Date()): Promise<boolean> {
  const rows = await db
    .update(taskInstances)
    .set({ state: "running", startDate: now, endDate: null, duration: null, hostname: on.hostname, workerName: on.workerName, pid: on.pid, lastHeartbeatAt: now })
    .where(and(keyFilter(key), eq(taskInstances.state, "queued")))
    .returning({ taskId: taskInstances.taskId });
  return rows.length === 1;
}

export interface TryEnd {
  result: TryResult;
  /** The task's result (XCom) when it succeeded. */
  value?: JsonValue;
  error?: string | null;
  policy: RetryPolicy;
  /** False when the failure must not be retried (a sensor's timeout). Default true. */
  retryable?: boolean;
}

export interface FinishedTry {
  accepted: boolean;
  state?: "success" | "skipped" | "failed" | "up_for_retry";
}

/**
 * running -> success | skipped | up_for_retry | failed, in one transaction with the result, the
 * history row and a wake-up for the scheduler. Refused (accepted=false) when the try is not the
 * current running try any more.
 */
export async function finishTry(db: UpdraftDb, key: TryKey, end: TryEnd, now: Date = new Date()): Promise<FinishedTry> {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ maxTries: taskInstances.maxTries, startDate: taskInstances.startDate, hostname: taskInstances.hostname, workerName: taskInstances.workerName, pid: taskInstances.pid, queue: taskInstances.queue, pool: taskInstances.pool })
      .from(taskInstances)
      .where(and(keyFilter(key), eq(taskInstances.state, "running")))
      .for("update");
    if (!current) return { accepted: false };
    const after = decideAfterTry(end.result, key.tryNumber, current.maxTries, end.policy, now, end.retryable ?? true);
    const duration = current.startDate ? (now.getTime() - current.startDate.getTime()) / 1000 : null;
    await tx
      .update(taskInstances)
      .set({ state: after.state, endDate: now, duration, nextRetryAt: after.nextRetryAt })
      .where(keyFilter(key));
    if (end.result === "success") {
      await tx
        .insert(xcom)
        .values({ dagId: key.dagId, runId: key.runId, taskId: key.taskId, key: "return_value", value: end.value ?? null })
        .onConflictDoUpdate({ target: [xcom.dagId, xcom.runId, xcom.taskId, xcom.key], set: { value: end.value ?? null, createdAt: now } });
    }
    await tx
      .insert(taskInstanceHistory)
      .values({ ...key, state: end.result === "failed" ? "failed" : after.state, startDate: current.startDate, endDate: now, duration, hostname: current.hostname, workerName: current.workerName, pid: current.pid, queue: current.queue, pool: current.pool, error: end.error ?? null })
      .onConflictDoNothing();
    await wakeScheduler(tx, `${key.dagId}/${key.runId}`);
    return { accepted: true, state: after.state };
  });
}

export interface LogRecord extends TryKey {
  ts: Date;
  stream: TaskLogStream;
  line: string;
}

/** Appends log lines in one insert (chunked under the bind-parameter limit). */
export async function appendTaskLogs(db: UpdraftDb, records: readonly LogRecord[]): Promise<void> {
  for (let i = 0; i < records.length; i += 2_000) {
    await db.insert(taskLogs).values(records.slice(i, i + 2_000).map((r) => ({ ...r })));
  }
}

/** Results (XCom) of the given upstream tasks of a run, by task id. */
export async function readResults(db: UpdraftDb, dagId: string, runId: string, taskIds: readonly string[]): Promise<Map<string, unknown>> {
  if (taskIds.length === 0) return new Map();
  const rows = await db
    .select({ taskId: xcom.taskId, value: xcom.value })
    .from(xcom)
    .where(and(eq(xcom.dagId, dagId), eq(xcom.runId, runId), eq(xcom.key, "return_value"), sql`${xcom.taskId} in ${taskIds}`));
  return new Map(rows.map((r) => [r.taskId, r.value]));
}

/** Marks every running try of this worker as alive now (one statement, whatever their number). */
export async function heartbeatRunningTries(db: UpdraftDb, workerName: string, now: Date = new Date()): Promise<number> {
  const rows = await db
    .update(taskInstances)
    .set({ lastHeartbeatAt: now })
    .where(and(eq(taskInstances.workerName, workerName), eq(taskInstances.state, "running")))
    .returning({ taskId: taskInstances.taskId });
  return rows.length;
}
