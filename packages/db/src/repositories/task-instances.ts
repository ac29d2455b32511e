// Task instances as users see and change them: listing a run's tasks, one task's tries and
// result, and the two user actions Airflow offers (clear to re-run, mark success/failed).
import type { TaskInstanceState } from "@updraft/core";
import { and, asc, count, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { UpdraftDb } from "../client.ts";
import { dagRuns } from "../schema/dag-runs.ts";
import { dags } from "../schema/dags.ts";
import { taskInstanceHistory, taskInstances, type TaskInstanceHistoryRow, type TaskInstanceRow } from "../schema/task-instances.ts";
import { xcom } from "../schema/xcom.ts";

function ofRun(dagId: string, runId: string): SQL {
  return and(eq(taskInstances.dagId, dagId), eq(taskInstances.runId, runId))!;
}

/** A run's task instances by task id, with the total for pagination. */
export async function listTaskInstances(
  db: UpdraftDb,
  query: { dagId: string; runId: string; limit?: number | undefined; offset?: number | undefined },
): Promise<{ rows: TaskInstanceRow[]; total: number }> {
  const where = ofRun(query.dagId, query.runId);
  const rows = await db
    .select()
    .from(taskInstances)
    .where(where)
    .orderBy(asc(taskInstances.taskId))
    .limit(query.limit ?? 100)
    .offset(query.offset ?? 0);
  const [total] = await db.select({ n: count() }).from(taskInstances).where(where);
  return { rows, total: total?.n ?? 0 };
}

/** One task instance, or undefined. */
export async function getTaskInstance(db: UpdraftDb, dagId: string, runId: string, taskId: string): Promise<TaskInstanceRow | undefined> {
  const [row] = await db
    .select()
    .from(taskInstances)
    .where(and(ofRun(dagId, runId), eq(taskInstances.taskId, taskId)));
  return row;
}

/** Every finished try kept in history for one task instance, oldest first. */
export async function listTaskInstanceTries(db: UpdraftDb, dagId: string, runId: string, taskId: string): Promise<TaskInstanceHistoryRow[]> {
  return db
    .select()
    .from(taskInstanceHistory)
    .where(
      and(eq(taskInstanceHistory.dagId, dagId), eq(taskInstanceHistory.runId, runId), eq(taskInstanceHistory.taskId, taskId)),
    )
    .orderBy(asc(taskInstanceHistory.tryNumber));
}

/** The task's return value (XCom key `return_value`); `found` tells a stored null from no value. */
export async function getTaskResult(db: UpdraftDb, dagId: string, runId: string, taskId: string): Promise<{ found: boolean; value: unknown }> {
  const [row] = await db
    .select({ value: xcom.value })
    .from(xcom)
    .where(and(eq(xcom.dagId, dagId), eq(xcom.runId, runId), eq(xcom.taskId, taskId), eq(xcom.key, "return_value")));
  return row === undefined ? { found: false, value: null } : { found: true, value: row.value };
}

export interface ClearTaskInstancesInput {
  dagId: string;
  runId: string;
  /** Only these tasks; all of the run's task instances when absent. */
  taskIds?: readonly string[] | undefined;
  /** Only task instances in `failed` or `upstream_failed`. */
  onlyFailed?: boolean | undefined;
  /** Report what would be cleared without changing anything. */
  dryRun?: boolean | undefined;
}

export interface ClearedTaskInstance {
  taskId: string;
  runId: string;
  /** The state before clearing. */
  state: TaskInstanceState | null;
}

const FAILED_STATES: TaskInstanceState[] = ["failed", "upstream_failed"];

/**
 * Clears task instances so the scheduler runs them again: state, next retry and end date are
 * reset, and max_tries is raised so each gets its full `retries` once more. A finished run goes
 * back to `queued`. One transaction, so the scheduler never sees a half-cleared run.
 */
export async function clearTaskInstances(db: UpdraftDb, input: ClearTaskInstancesInput, now: Date = new Date()): Promise<ClearedTaskInstance[]> {
  return db.transaction(async (tx) => {
    const filters: SQL[] = [ofRun(input.dagId, input.runId)];
    if (input.taskIds !== undefined) filters.push(inArray(taskInstances.taskId, [...input.taskIds]));
    if (input.onlyFailed === true) filters.push(inArray(taskInstances.state, FAILED_STATES));
    const targets = await tx
      .select({ taskId: taskInstances.taskId, state: taskInstances.state, tryNumber: taskInstances.tryNumber })
      .from(taskInstances)
      .where(and(...filters))
      .orderBy(asc(taskInstances.taskId))
      .for("update");
    const cleared = targets.map((t) => ({ taskId: t.taskId, runId: input.runId, state: t.state }));
    if (input.dryRun === true || targets.length === 0) return cleared;

    const [dag] = await tx.select({ serialized: dags.serialized }).from(dags).where(eq(dags.dagId, input.dagId));
    const retries = new Map((dag?.serialized.tasks ?? []).map((t) => [t.taskId, t.retries]));
    for (const target of targets) {
      await tx
        .update(taskInstances)
        .set({
          state: null,
          nextRetryAt: null,
          endDate: null,
          maxTries: target.tryNumber + (retries.get(target.taskId) ?? 0) + 1,
        })
        .where(and(ofRun(input.dagId, input.runId), eq(taskInstances.taskId, target.taskId)));
    }
    await tx
      .update(dagRuns)
      .set({ state: "queued", endDate: null, queuedAt: now })
      .where(and(eq(dagRuns.dagId, input.dagId), eq(dagRuns.runId, input.runId), inArray(dagRuns.state, ["success", "failed"])));
    return cleared;
  });
}

/** Sets a task instance's state as a user decision (mark success / failed); end date now if unset. */
export async function setTaskInstanceState(
  db: UpdraftDb,
  key: { dagId: string; runId: string; taskId: string },
  state: TaskInstanceState,
  now: Date = new Date(),
): Promise<TaskInstanceRow | undefined> {
  const [row] = await db
    .update(taskInstances)
    .set({ state, nextRetryAt: null, endDate: sql`coalesce(${taskInstances.endDate}, ${now.toISOString()}::timestamptz)` })
    .where(and(ofRun(key.dagId, key.runId), eq(taskInstances.taskId, key.taskId)))
    .returning();
  return row;
}
