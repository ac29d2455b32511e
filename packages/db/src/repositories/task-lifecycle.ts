// The writes that move one try of a task instance through its life: running, then finished
// (success, skipped, up for retry or failed), with its result, history row and log lines. Every
// write is fenced by the try number and the expected state, so a late report from a try that was
// already declared lost or timed out changes nothing: a task instance never ends in two states.
import { decideAfterTry, type JsonValue, type RetryPolicy, type TryResult } from "@updraft/core";
import { and, eq, sql, type SQL } from "drizzle-orm";
import type { UpdraftDb } from "../client.ts";
import { wakeSchedulerForRuns, type RunKey } from "../notify.ts";
import { taskInstances } from "../schema/task-instances.ts";
import type { TaskLogStream } from "../schema/task-logs.ts";
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

/** queued -> running. False when the try is no longer the current queued one (refused). */
export async function markTryRunning(db: UpdraftDb, key: TryKey, on: RunningOn, now: Date = new Date()): Promise<boolean> {
  const result = await recordTryBatch(db, { running: [{ key, on, at: now }], finished: [], logs: [] });
  return result.running[0]!;
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
  const result = await recordTryBatch(db, { running: [], finished: [{ key, end, at: now }], logs: [] });
  return result.finished[0]!;
}

export interface LogRecord extends TryKey {
  ts: Date;
  stream: TaskLogStream;
  line: string;
}

/** A try's process has started: queued -> running, fenced by try number and state. */
export interface RunningMark {
  key: TryKey;
  on: RunningOn;
  at: Date;
}

/** A try has ended: running -> its next state, fenced by try number and state. */
export interface TryFinish {
  key: TryKey;
  end: TryEnd;
  at: Date;
}

/** What one flush writes: running-marks first, then log lines, then finished tries. */
export interface TryBatch {
  running: readonly RunningMark[];
  finished: readonly TryFinish[];
  logs: readonly LogRecord[];
}

/** Per entry of the batch, in its order: whether the running-mark was taken, what the finish did. */
export interface TryBatchResult {
  running: boolean[];
  finished: FinishedTry[];
}

const keyOf = (k: TryKey) => `${k.dagId}\u0000${k.runId}\u0000${k.taskId}\u0000${k.tryNumber}`;
const param = (values: unknown[]) => sql.param(values);

/**
 * Writes a batch of try changes in ONE transaction with a fixed number of multi-row statements
 * (`unnest` arrays), whatever the batch's size: running-marks, log lines, then for the finished
 * tries their new state, results (XCom), history rows and a single NOTIFY naming the runs that
 * changed. Each change is fenced as in the single-try functions: a running-mark needs the try
 * queued, a finish needs it running with the same try number, so a late or repeated report is
 * refused and never recorded twice. The retry decision is core's pure `decideAfterTry`.
 * @throws whatever the driver throws; nothing of the batch is written then (one transaction).
 */
export async function recordTryBatch(db: UpdraftDb, batch: TryBatch): Promise<TryBatchResult> {
  if (batch.running.length === 0 && batch.finished.length === 0 && batch.logs.length === 0) return { running: [], finished: [] };
  // Running-marks alone are one statement, atomic by itself: no BEGIN/COMMIT round trips.
  if (batch.finished.length === 0 && batch.logs.length === 0) return { running: await markRunningRows(db, batch.running), finished: [] };
  return db.transaction(async (tx) => {
    const running = await markRunningRows(tx, batch.running);
    if (batch.logs.length > 0) await insertLogRows(tx, batch.logs);
    const finished = await finishRows(tx, batch.finished);
    const runs: RunKey[] = batch.finished.filter((_, i) => finished[i]!.accepted).map((f) => ({ dagId: f.key.dagId, runId: f.key.runId }));
    if (runs.length > 0) await wakeSchedulerForRuns(tx, runs);
    return { running, finished };
  });
}

type Tx = Pick<UpdraftDb, "execute">;

async function markRunningRows(tx: Tx, marks: readonly RunningMark[]): Promise<boolean[]> {
  if (marks.length === 0) return [];
  const rows = await tx.execute<{ dag_id: string; run_id: string; task_id: string; try_number: number }>(sql`
    update task_instances ti set state = 'running', start_date = k.at, end_date = null, duration = null, hostname = k.host,
      worker_name = k.worker, pid = k.pid, last_heartbeat_at = k.at, updated_at = now()
    from unnest(${param(marks.map((m) => m.key.dagId))}::text[], ${param(marks.map((m) => m.key.runId))}::text[],
      ${param(marks.map((m) => m.key.taskId))}::text[], ${param(marks.map((m) => m.key.tryNumber))}::int[],
      ${param(marks.map((m) => m.on.hostname))}::text[], ${param(marks.map((m) => m.on.workerName))}::text[],
      ${param(marks.map((m) => m.on.pid))}::int[], ${param(marks.map((m) => m.at.toISOString()))}::timestamptz[])
      as k(dag_id, run_id, task_id, try_number, host, worker, pid, at)
    where ti.dag_id = k.dag_id and ti.run_id = k.run_id and ti.task_id = k.task_id and ti.try_number = k.try_number and ti.state = 'queued'
    returning ti.dag_id, ti.run_id, ti.task_id, ti.try_number`);
  const taken = new Set(rows.rows.map((r) => keyOf({ dagId: r.dag_id, runId: r.run_id, taskId: r.task_id, tryNumber: Number(r.try_number) })));
  return marks.map((m) => taken.delete(keyOf(m.key)));
}

async function insertLogRows(tx: Tx, logs: readonly LogRecord[]): Promise<void> {
  await tx.execute(sql`
    insert into task_logs (dag_id, run_id, task_id, try_number, ts, stream, line)
    select * from unnest(${param(logs.map((l) => l.dagId))}::text[], ${param(logs.map((l) => l.runId))}::text[],
      ${param(logs.map((l) => l.taskId))}::text[], ${param(logs.map((l) => l.tryNumber))}::int[],
      ${param(logs.map((l) => l.ts.toISOString()))}::timestamptz[], ${param(logs.map((l) => l.stream))}::text[],
      ${param(logs.map((l) => l.line))}::text[])`);
}

type CurrentRow = {
  dag_id: string;
  run_id: string;
  task_id: string;
  try_number: number;
  max_tries: number;
  start_date: string | Date | null;
  hostname: string | null;
  worker_name: string | null;
  pid: number | null;
  queue: string;
  pool: string;
};

async function finishRows(tx: Tx, finishes: readonly TryFinish[]): Promise<FinishedTry[]> {
  if (finishes.length === 0) return [];
  const keys = (fs: readonly { key: TryKey }[]): SQL => sql`unnest(${param(fs.map((f) => f.key.dagId))}::text[], ${param(fs.map((f) => f.key.runId))}::text[],
      ${param(fs.map((f) => f.key.taskId))}::text[], ${param(fs.map((f) => f.key.tryNumber))}::int[])`;
  const current = await tx.execute<CurrentRow>(sql`
    select ti.dag_id, ti.run_id, ti.task_id, ti.try_number, ti.max_tries, ti.start_date, ti.hostname, ti.worker_name, ti.pid, ti.queue, ti.pool
    from task_instances ti join ${keys(finishes)} as k(dag_id, run_id, task_id, try_number)
      on ti.dag_id = k.dag_id and ti.run_id = k.run_id and ti.task_id = k.task_id and ti.try_number = k.try_number
    where ti.state = 'running'
    for update of ti`);
  const byKey = new Map(current.rows.map((r) => [keyOf({ dagId: r.dag_id, runId: r.run_id, taskId: r.task_id, tryNumber: Number(r.try_number) }), r]));
  const results: FinishedTry[] = [];
  const done: Array<{ f: TryFinish; row: CurrentRow; state: NonNullable<FinishedTry["state"]>; nextRetryAt: Date | null; duration: number | null; start: Date | null }> = [];
  for (const f of finishes) {
    const row = byKey.get(keyOf(f.key));
    // A key seen twice in one batch is finished once: the second report finds it taken.
    if (!row) {
      results.push({ accepted: false });
      continue;
    }
    byKey.delete(keyOf(f.key));
    const after = decideAfterTry(f.end.result, f.key.tryNumber, Number(row.max_tries), f.end.policy, f.at, f.end.retryable ?? true);
    const start = row.start_date === null ? null : new Date(row.start_date);
    const duration = start ? (f.at.getTime() - start.getTime()) / 1000 : null;
    done.push({ f, row, state: after.state, nextRetryAt: after.nextRetryAt, duration, start });
    results.push({ accepted: true, state: after.state });
  }
  if (done.length === 0) return results;
  await tx.execute(sql`
    update task_instances ti set state = k.state, end_date = k.at, duration = k.duration, next_retry_at = k.next_retry_at, updated_at = now()
    from unnest(${param(done.map((d) => d.f.key.dagId))}::text[], ${param(done.map((d) => d.f.key.runId))}::text[],
      ${param(done.map((d) => d.f.key.taskId))}::text[], ${param(done.map((d) => d.f.key.tryNumber))}::int[],
      ${param(done.map((d) => d.state))}::text[], ${param(done.map((d) => d.f.at.toISOString()))}::timestamptz[],
      ${param(done.map((d) => d.duration))}::float8[], ${param(done.map((d) => d.nextRetryAt?.toISOString() ?? null))}::timestamptz[])
      as k(dag_id, run_id, task_id, try_number, state, at, duration, next_retry_at)
    where ti.dag_id = k.dag_id and ti.run_id = k.run_id and ti.task_id = k.task_id and ti.try_number = k.try_number`);
  const succeeded = done.filter((d) => d.f.end.result === "success");
  if (succeeded.length > 0) {
    await tx.execute(sql`
      insert into xcom (dag_id, run_id, task_id, key, value, created_at)
      select k.dag_id, k.run_id, k.task_id, 'return_value', k.value::jsonb, k.at
      from unnest(${param(succeeded.map((d) => d.f.key.dagId))}::text[], ${param(succeeded.map((d) => d.f.key.runId))}::text[],
        ${param(succeeded.map((d) => d.f.key.taskId))}::text[], ${param(succeeded.map((d) => JSON.stringify(d.f.end.value ?? null)))}::text[],
        ${param(succeeded.map((d) => d.f.at.toISOString()))}::timestamptz[]) as k(dag_id, run_id, task_id, value, at)
      on conflict (dag_id, run_id, task_id, key) do update set value = excluded.value, created_at = excluded.created_at`);
  }
  await tx.execute(sql`
    insert into task_instance_history (dag_id, run_id, task_id, try_number, state, start_date, end_date, duration, hostname, worker_name, pid, queue, pool, error)
    select * from unnest(${param(done.map((d) => d.f.key.dagId))}::text[], ${param(done.map((d) => d.f.key.runId))}::text[],
      ${param(done.map((d) => d.f.key.taskId))}::text[], ${param(done.map((d) => d.f.key.tryNumber))}::int[],
      ${param(done.map((d) => (d.f.end.result === "failed" ? "failed" : d.state)))}::text[],
      ${param(done.map((d) => d.start?.toISOString() ?? null))}::timestamptz[], ${param(done.map((d) => d.f.at.toISOString()))}::timestamptz[],
      ${param(done.map((d) => d.duration))}::float8[], ${param(done.map((d) => d.row.hostname))}::text[],
      ${param(done.map((d) => d.row.worker_name))}::text[], ${param(done.map((d) => d.row.pid))}::int[],
      ${param(done.map((d) => d.row.queue))}::text[], ${param(done.map((d) => d.row.pool))}::text[],
      ${param(done.map((d) => d.f.end.error ?? null))}::text[])
    on conflict do nothing`);
  return results;
}

/** Appends log lines in one insert (chunked under the bind-parameter limit). */
export async function appendTaskLogs(db: UpdraftDb, records: readonly LogRecord[]): Promise<void> {
  if (records.length > 0) await insertLogRows(db, records);
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

/**
 * Of the given tries (each held by this process), those that are no longer the current try of
 * their task instance or whose task instance left `queued`/`running` meanwhile: ended elsewhere
 * (a run's dagrunTimeout skipped it, a user cleared or marked it, it was declared lost). As
 * Airflow's LocalTaskJob heartbeat, which terminates a task whose state was changed externally.
 * A task instance that no longer exists counts as ended too.
 */
export async function triesEndedElsewhere(db: UpdraftDb, keys: readonly TryKey[]): Promise<TryKey[]> {
  if (keys.length === 0) return [];
  const rows = await db.execute<{ i: number }>(sql`
    select k.i from unnest(${param(keys.map((k) => k.dagId))}::text[], ${param(keys.map((k) => k.runId))}::text[], ${param(keys.map((k) => k.taskId))}::text[],
      ${param(keys.map((k) => k.tryNumber))}::int[], ${param(keys.map((_, i) => i))}::int[]) as k(dag_id, run_id, task_id, try_number, i)
    left join task_instances ti on ti.dag_id = k.dag_id and ti.run_id = k.run_id and ti.task_id = k.task_id
    where ti.task_id is null or ti.try_number <> k.try_number or ti.state is null or ti.state not in ('queued', 'running')`);
  return rows.rows.map((r) => keys[Number(r.i)]!);
}
