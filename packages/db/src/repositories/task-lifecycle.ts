// The writes that move one try of a task instance through its life: running, then finished
// (success, skipped, up for retry or failed), with its result, history row and log lines. Every
// write is fenced by the try number and the expected state, so a late report from a try that was
// already declared lost or timed out changes nothing: a task instance never ends in two states.
import { decideAfterTry, type JsonValue, type RetryPolicy, type TryResult } from "@updraft/core";
import { and, eq, sql, type SQL } from "drizzle-orm";
import type { UpdraftDb } from "../client.ts";
import { runsPayload, SCHEDULER_CHANNEL } from "../notify.ts";
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
 * Writes a batch of try changes with at most two statements, whatever the batch's size (`unnest`
 * arrays): the running-marks, then ONE statement that writes the log lines and, for the finished
 * tries, their new state, results (XCom), history rows and a single NOTIFY naming the runs that
 * changed (data-modifying CTEs: atomic as one statement, one round trip, no BEGIN/COMMIT). When a
 * batch holds both, the two run in one transaction. Each change is fenced as in the single-try
 * functions: a running-mark needs the try queued, a finish needs it running with the same try
 * number, so a late or repeated report is refused and never recorded twice. The retry decision is
 * core's pure `decideAfterTry`, taken here for both cases ("tries remain", "last try"); the
 * statement only picks one by the row's `max_tries`.
 * @throws whatever the driver throws; nothing of the batch is written then.
 */
export async function recordTryBatch(db: UpdraftDb, batch: TryBatch): Promise<TryBatchResult> {
  const hasMarks = batch.running.length > 0;
  const hasRest = batch.finished.length > 0 || batch.logs.length > 0;
  if (!hasMarks && !hasRest) return { running: [], finished: [] };
  if (!hasRest) return { running: await markRunningRows(db, batch.running), finished: [] };
  if (!hasMarks) return { running: [], finished: await finishAndLogRows(db, batch.finished, batch.logs) };
  return db.transaction(async (tx) => {
    const running = await markRunningRows(tx, batch.running);
    return { running, finished: await finishAndLogRows(tx, batch.finished, batch.logs) };
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

const LOG_TABLE = sql.raw("task_logs (dag_id, run_id, task_id, try_number, ts, stream, line)");

/** `insert into task_logs` of these lines (a statement, or a CTE's body). */
function insertLogs(logs: readonly LogRecord[]): SQL {
  return sql`insert into ${LOG_TABLE}
    select * from unnest(${param(logs.map((l) => l.dagId))}::text[], ${param(logs.map((l) => l.runId))}::text[],
      ${param(logs.map((l) => l.taskId))}::text[], ${param(logs.map((l) => l.tryNumber))}::int[],
      ${param(logs.map((l) => l.ts.toISOString()))}::timestamptz[], ${param(logs.map((l) => l.stream))}::text[],
      ${param(logs.map((l) => l.line))}::text[])`;
}

/**
 * The finishes (each fenced by try number and state = 'running') and the log lines, as one
 * statement. Returns, per finish in order, whether it was accepted and the state it left.
 */
async function finishAndLogRows(tx: Tx, finishes: readonly TryFinish[], logs: readonly LogRecord[]): Promise<FinishedTry[]> {
  // A key seen twice in one batch is finished once: by its first report; a later one is refused.
  const seen = new Set<string>();
  const unique = finishes.filter((f) => !seen.has(keyOf(f.key)) && seen.add(keyOf(f.key)));
  if (unique.length === 0) {
    await tx.execute(insertLogs(logs));
    return [];
  }
  const after = unique.map((f) => ({
    more: decideAfterTry(f.end.result, f.key.tryNumber, f.key.tryNumber + 1, f.end.policy, f.at, f.end.retryable ?? true),
    last: decideAfterTry(f.end.result, f.key.tryNumber, f.key.tryNumber, f.end.policy, f.at, f.end.retryable ?? true),
  }));
  // Names every run and task of the batch: a refused finish costs its run at most a needless look.
  const wake = runsPayload(unique.map((f) => ({ dagId: f.key.dagId, runId: f.key.runId, finishedTasks: [f.key.taskId] })));
  const rows = await tx.execute<{ dag_id: string; run_id: string; task_id: string; try_number: number; state: NonNullable<FinishedTry["state"]> }>(sql`
    with k as (
      select * from unnest(${param(unique.map((f) => f.key.dagId))}::text[], ${param(unique.map((f) => f.key.runId))}::text[],
        ${param(unique.map((f) => f.key.taskId))}::text[], ${param(unique.map((f) => f.key.tryNumber))}::int[],
        ${param(unique.map((f) => f.end.result))}::text[], ${param(unique.map((f) => f.at.toISOString()))}::timestamptz[],
        ${param(after.map((a) => a.more.state))}::text[], ${param(after.map((a) => a.more.nextRetryAt?.toISOString() ?? null))}::timestamptz[],
        ${param(after.map((a) => a.last.state))}::text[],
        ${param(unique.map((f) => (f.end.result === "success" ? JSON.stringify(f.end.value ?? null) : null)))}::text[],
        ${param(unique.map((f) => f.end.error ?? null))}::text[])
        as k(dag_id, run_id, task_id, try_number, result, at, state_more, retry_more, state_last, value, error)
    ),
    done as (
      update task_instances ti set
        state = case when ti.try_number < ti.max_tries then k.state_more else k.state_last end,
        next_retry_at = case when ti.try_number < ti.max_tries then k.retry_more end,
        end_date = k.at, duration = extract(epoch from (k.at - ti.start_date)), updated_at = now()
      from k
      where ti.dag_id = k.dag_id and ti.run_id = k.run_id and ti.task_id = k.task_id and ti.try_number = k.try_number and ti.state = 'running'
      returning ti.dag_id, ti.run_id, ti.task_id, ti.try_number, ti.state, ti.start_date, ti.duration, ti.hostname, ti.worker_name, ti.pid,
        ti.queue, ti.pool, k.result, k.at, k.value, k.error
    ),
    results as (
      insert into xcom (dag_id, run_id, task_id, key, value, created_at)
      select dag_id, run_id, task_id, 'return_value', value::jsonb, at from done where result = 'success'
      on conflict (dag_id, run_id, task_id, key) do update set value = excluded.value, created_at = excluded.created_at
    ),
    history as (
      insert into task_instance_history (dag_id, run_id, task_id, try_number, state, start_date, end_date, duration, hostname, worker_name, pid, queue, pool, error)
      select dag_id, run_id, task_id, try_number, result, start_date, at, duration, hostname, worker_name, pid, queue, pool, error from done
      on conflict do nothing
    ),
    ${logs.length > 0 ? sql`lines as (${insertLogs(logs)}),` : sql``}
    wake as (select pg_notify(${SCHEDULER_CHANNEL}, ${wake}) from (select 1 from done limit 1) d)
    select dag_id, run_id, task_id, try_number, state, (select count(*) from wake) as woken from done`);
  const accepted = new Map(rows.rows.map((r) => [keyOf({ dagId: r.dag_id, runId: r.run_id, taskId: r.task_id, tryNumber: Number(r.try_number) }), r.state]));
  return finishes.map((f) => {
    const state = accepted.get(keyOf(f.key));
    accepted.delete(keyOf(f.key)); // a repeated key in the batch is refused
    return state === undefined ? { accepted: false } : { accepted: true, state };
  });
}

/** Appends log lines in one insert (chunked under the bind-parameter limit). */
export async function appendTaskLogs(db: UpdraftDb, records: readonly LogRecord[]): Promise<void> {
  if (records.length > 0) await db.execute(insertLogs(records));
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

/**
 * Marks every running try of this worker as alive now (one statement, whatever their number).
 * A row another transaction holds locked right now (its outcome being written) is passed over,
 * not waited for: that try is ending, and the beat neither blocks nor delays the outcome.
 * @returns how many tries were marked
 */
export async function heartbeatRunningTries(db: UpdraftDb, workerName: string, now: Date = new Date()): Promise<number> {
  const rows = await db.execute<{ task_id: string }>(sql`
    update task_instances ti set last_heartbeat_at = ${now.toISOString()}::timestamptz, updated_at = now()
    from (select dag_id, run_id, task_id from task_instances where worker_name = ${workerName} and state = 'running' for update skip locked) k
    where ti.dag_id = k.dag_id and ti.run_id = k.run_id and ti.task_id = k.task_id and ti.state = 'running'
    returning ti.task_id`);
  return rows.rows.length;
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
