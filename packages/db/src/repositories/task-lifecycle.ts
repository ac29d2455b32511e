// The writes that move one try of a task instance through its life: running, then finished
// (success, skipped, up for retry or failed), with its result, history row and log lines. Every
// write is fenced by the try number and the expected state, so a late report from a try that was
// already declared lost or timed out changes nothing: a task instance never ends in two states.
import { decideAfterTry, type JsonValue, type RetryPolicy, type TryResult } from "@updraft/core";
import { and, eq, sql, type SQL } from "drizzle-orm";
import type { UpdraftDb } from "../client.ts";
import { runsPayload, SCHEDULER_CHANNEL } from "../notify.ts";
import { runStatement, type StatementTarget } from "../raw-statement.ts";
import type { TaskLogStream } from "../schema/task-logs.ts";
import { xcom } from "../schema/xcom.ts";
import { MARK_TRIES, RECORD_TRIES } from "./try-batch-statements.ts";

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
 * Writes a batch of try changes in ONE statement, whatever the batch's size (`unnest` arrays):
 * the running-marks, the log lines and, for the finished tries, their new state, results (XCom),
 * history rows and a single NOTIFY naming the runs that changed (data-modifying CTEs: atomic as
 * one statement, one round trip, no BEGIN/COMMIT). Only a batch that both marks and finishes the
 * same try runs as a transaction of two statements (marks first), since the CTEs of one statement
 * share a snapshot. Each change is fenced as in the single-try functions: a running-mark needs the
 * try queued, a finish needs it running with the same try number, so a late or repeated report
 * is refused and never recorded twice. The retry decision is core's pure `decideAfterTry`, taken
 * here for both cases ("tries remain", "last try"); the statement only picks one by the row's
 * `max_tries`. The statements are fixed texts (try-batch-statements.ts), prepared once per
 * connection on Postgres.
 * @throws whatever the driver throws; nothing of the batch is written then.
 */
export async function recordTryBatch(db: UpdraftDb, batch: TryBatch): Promise<TryBatchResult> {
  const hasMarks = batch.running.length > 0;
  const hasRest = batch.finished.length > 0 || batch.logs.length > 0;
  if (!hasMarks && !hasRest) return { running: [], finished: [] };
  if (!hasRest) return markRunningRows(db, batch.running);
  if (hasMarks && marksOverlap(batch)) {
    return db.transaction(async (tx) => {
      const { running } = await markRunningRows(tx, batch.running);
      return { running, finished: (await recordRows(tx, [], batch.finished, batch.logs)).finished };
    });
  }
  return recordRows(db, batch.running, batch.finished, batch.logs);
}

/** Whether a try of the batch is both marked running and finished (then two statements are needed). */
function marksOverlap(batch: TryBatch): boolean {
  const marked = new Set(batch.running.map((m) => keyOf(m.key)));
  return batch.finished.some((f) => marked.has(keyOf(f.key)));
}

/** Per mark in order: whether it was taken (the 1-based positions the statement returned). */
function takenMarks(marks: readonly RunningMark[], taken: readonly number[]): boolean[] {
  const result = new Array<boolean>(marks.length).fill(false);
  for (const i of taken) result[i - 1] = true;
  return result;
}

function markValues(marks: readonly RunningMark[]): unknown[] {
  return [
    marks.map((m) => m.key.dagId),
    marks.map((m) => m.key.runId),
    marks.map((m) => m.key.taskId),
    marks.map((m) => m.key.tryNumber),
    marks.map((m) => m.on.hostname),
    marks.map((m) => m.on.workerName),
    marks.map((m) => m.on.pid),
    marks.map((m) => m.at.toISOString()),
  ];
}

async function markRunningRows(target: StatementTarget, marks: readonly RunningMark[]): Promise<TryBatchResult> {
  const rows = await runStatement<{ i: number }>(target, MARK_TRIES, markValues(marks));
  return { running: takenMarks(marks, rows.map((r) => r.i)), finished: [] };
}

/**
 * The marks, the finishes (each fenced by try number and state = 'running') and the log lines,
 * as one statement. Returns, per mark in order, whether it was taken, and per finish in order,
 * whether it was accepted and the state it left.
 */
async function recordRows(target: StatementTarget, marks: readonly RunningMark[], finishes: readonly TryFinish[], logs: readonly LogRecord[]): Promise<TryBatchResult> {
  // A key seen twice in one batch is finished once: by its first report; a later one is refused.
  const seen = new Set<string>();
  const unique: number[] = []; // positions in `finishes` of the reports written
  finishes.forEach((f, n) => {
    const key = keyOf(f.key);
    if (!seen.has(key)) {
      seen.add(key);
      unique.push(n);
    }
  });
  const u = unique.map((n) => finishes[n]!);
  const more = u.map((f) => decideAfterTry(f.end.result, f.key.tryNumber, f.key.tryNumber + 1, f.end.policy, f.at, f.end.retryable ?? true));
  const last = u.map((f) => decideAfterTry(f.end.result, f.key.tryNumber, f.key.tryNumber, f.end.policy, f.at, f.end.retryable ?? true));
  // Names every run of the batch: a refused finish costs its run at most a needless look.
  const wake = u.length > 0 ? runsPayload(u.map((f) => ({ dagId: f.key.dagId, runId: f.key.runId }))) : "";
  const rows = await runStatement<{ kind: "m" | "f"; i: number; state: NonNullable<FinishedTry["state"]> | null }>(target, RECORD_TRIES, [
    ...markValues(marks),
    u.map((f) => f.key.dagId),
    u.map((f) => f.key.runId),
    u.map((f) => f.key.taskId),
    u.map((f) => f.key.tryNumber),
    u.map((f) => f.end.result),
    u.map((f) => f.at.toISOString()),
    more.map((a) => a.state),
    more.map((a) => a.nextRetryAt?.toISOString() ?? null),
    last.map((a) => a.state),
    u.map((f) => (f.end.result === "success" ? JSON.stringify(f.end.value ?? null) : null)),
    u.map((f) => f.end.error ?? null),
    logs.map((l) => l.dagId),
    logs.map((l) => l.runId),
    logs.map((l) => l.taskId),
    logs.map((l) => l.tryNumber),
    logs.map((l) => l.ts.toISOString()),
    logs.map((l) => l.stream),
    logs.map((l) => l.line),
    SCHEDULER_CHANNEL,
    wake,
  ]);
  const finished: FinishedTry[] = finishes.map(() => ({ accepted: false }));
  const taken: number[] = [];
  for (const row of rows) {
    if (row.kind === "m") taken.push(row.i);
    else finished[unique[row.i - 1]!] = { accepted: true, state: row.state! };
  }
  return { running: takenMarks(marks, taken), finished };
}

const LOG_TABLE = sql.raw("task_logs (dag_id, run_id, task_id, try_number, ts, stream, line)");

/** `insert into task_logs` of these lines. */
function insertLogs(logs: readonly LogRecord[]): SQL {
  return sql`insert into ${LOG_TABLE}
    select * from unnest(${param(logs.map((l) => l.dagId))}::text[], ${param(logs.map((l) => l.runId))}::text[],
      ${param(logs.map((l) => l.taskId))}::text[], ${param(logs.map((l) => l.tryNumber))}::int[],
      ${param(logs.map((l) => l.ts.toISOString()))}::timestamptz[], ${param(logs.map((l) => l.stream))}::text[],
      ${param(logs.map((l) => l.line))}::text[])`;
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
