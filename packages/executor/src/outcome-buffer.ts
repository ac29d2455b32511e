// The one place where tries' writes are batched: running-marks, log lines and outcomes (state,
// history, XCom) wait here a few milliseconds and are written together by `recordTryBatch` — one
// multi-row statement and ONE scheduler wake-up per flush, not per try. Every
// promise it hands out settles only after the flush holding its entry has committed, which is
// what lets a worker acknowledge a broker job after its outcome is durable ("ack after flush").
import { errorMessage, type Logger } from "@updraft/core";
import { isConnectionError, recordTryBatch, type FinishedTry, type LogRecord, type RunKey, type RunningOn, type TryEnd, type TryKey, type UpdraftDb } from "@updraft/db";

export interface OutcomeBufferOptions {
  db: UpdraftDb;
  logger: Logger;
  /**
   * How long a running-mark or outcome waits for others to share its flush (ms). 0: a buffer that
   * is idle flushes on the event loop's next turn (what arrived in the same turn shares it), and what
   * arrives while a flush is in flight shares the next one, so batches grow with load while an
   * idle chain pays no wait. @defaultValue 0
   */
  flushMs?: number;
  /** How long log lines alone wait before a flush. @defaultValue 200 // ms */
  logFlushMs?: number;
  /** Most entries (marks + outcomes) in one flush; more start another flush at once. @defaultValue 1000 */
  maxBatch?: number;
  /** Keep retrying a flush of outcomes for this long while the database is away. @defaultValue 600000 // ms */
  persistForMs?: number;
  /** Called after a flush committed with the runs whose task instances it finished (scheduler hand-off). */
  onFlushed?: (runs: readonly RunKey[]) => void;
}

interface Pending<T> {
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/**
 * One queue of writes that flushes on its own: at most one flush in flight; what arrives meanwhile
 * forms the next batch, which starts after `delayMs` (0: on the next turn of the event loop).
 */
class FlushLane<E> {
  entries: E[] = [];
  /** Cancels the pending start (a timeout, or an immediate for a delay of 0). */
  private cancel: (() => void) | null = null;
  private timerDue = Infinity;
  flushing: Promise<void> | null = null;
  failures = 0;

  constructor(
    /** Writes what is queued (taking it off `entries`); throws (after putting back what it keeps) when it failed. */
    private readonly write: () => Promise<void>,
    /** Delay before a flush of what is queued now (ms). */
    private readonly delay: () => number,
    /** Delay before the next flush when entries arrived during one (ms): they have waited already. */
    private readonly again: () => number,
  ) {}

  schedule(delayMs: number = this.delay()): void {
    if (this.flushing) return; // the running flush starts the next one when it ends
    const due = Date.now() + delayMs;
    if (this.cancel && this.timerDue <= due) return;
    this.cancel?.();
    this.timerDue = due;
    if (delayMs <= 0) {
      const immediate = setImmediate(() => this.start());
      this.cancel = () => clearImmediate(immediate);
    } else {
      const timeout = setTimeout(() => this.start(), delayMs);
      this.cancel = () => clearTimeout(timeout);
    }
  }

  start(): void {
    this.cancel?.();
    this.cancel = null;
    this.timerDue = Infinity;
    if (this.flushing || this.entries.length === 0) return;
    this.flushing = this.write()
      .then(
        () => void (this.failures = 0),
        () => void this.failures++,
      )
      .finally(() => {
        this.flushing = null;
        if (this.entries.length > 0) this.schedule(this.failures > 0 ? this.backoffMs() : this.again());
      });
  }

  /** Until this lane is empty, or only entries whose last flush failed are waiting. */
  async drain(): Promise<void> {
    while (this.flushing || this.entries.length > 0) {
      if (this.flushing) await this.flushing;
      else this.start();
      if (this.failures > 0) return;
    }
  }

  /** Wait before retrying after `failures` failed flushes in a row (ms). */
  backoffMs(failures = this.failures): number {
    return Math.min(10_000, 100 * 2 ** Math.min(failures, 7));
  }
}

type RunningEntry = { kind: "running"; key: TryKey; on: RunningOn; at: Date } & Pending<boolean>;
type FinishedEntry = { kind: "finished"; key: TryKey; end: TryEnd; at: Date; firstTriedAt: number } & Pending<FinishedTry>;
type LogEntry = { kind: "log"; record: LogRecord };
type Entry = RunningEntry | FinishedEntry | LogEntry;

/**
 * Buffers try writes and flushes them in batches: running-marks, outcomes and log lines of a
 * flush go out together as one statement (recordTryBatch), so a busy worker sends about one
 * statement per flush instead of one per kind. At most one flush is in flight; a running-mark
 * that arrives meanwhile waits for it (one round trip) and goes with the next.
 *
 * Contract (what worker-loss detection may rely on):
 * - `markRunning` resolves true once the try is recorded running (false: it was not the current
 *   queued try, so it must not run); it rejects when its flush failed (nothing was written).
 * - `finish` resolves once the outcome is committed, with whether it was accepted (a late or
 *   repeated report is refused, never recorded twice). It is retried for `persistForMs` while the
 *   database is away and rejects only after that. Acknowledge the broker job only after it resolves:
 *   a crash before then leaves the try running in the database, so the lost-try check retries it.
 * - Log lines ride on the next flush; they are not acknowledged individually.
 * - A try's running-mark is written before its outcome: callers finish a try only after its
 *   `markRunning` resolved true, and flushes run one at a time, in order.
 */
export class OutcomeBuffer {
  private readonly lane: FlushLane<Entry>;
  /** Flushes committed so far (for metrics and the benchmark). */
  flushes = 0;

  constructor(private readonly options: OutcomeBufferOptions) {
    const flushMs = () => options.flushMs ?? 0;
    // Log lines alone wait longer; a running-mark or an outcome flushes at once.
    const logsOnly = () => !this.lane.entries.some((e) => e.kind !== "log");
    const delay = () => (logsOnly() ? (options.logFlushMs ?? 200) : flushMs());
    this.lane = new FlushLane(
      () => this.write(),
      delay,
      () => (logsOnly() ? (options.logFlushMs ?? 200) : 0),
    );
  }

  /** queued -> running for this try, in the next flush. */
  markRunning(key: TryKey, on: RunningOn, at: Date = new Date()): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.lane.entries.push({ kind: "running", key, on, at, resolve, reject });
      this.lane.schedule();
    });
  }

  /** running -> the try's outcome, with its last log lines, in the next flush. */
  finish(key: TryKey, end: TryEnd, logs: readonly LogRecord[] = [], at: Date = new Date()): Promise<FinishedTry> {
    return new Promise((resolve, reject) => {
      for (const record of logs) this.lane.entries.push({ kind: "log", record });
      this.lane.entries.push({ kind: "finished", key, end, at, firstTriedAt: Date.now(), resolve, reject });
      this.lane.schedule();
    });
  }

  /** Log lines of a running try, written with the next flush. */
  appendLogs(records: readonly LogRecord[]): void {
    for (const record of records) this.lane.entries.push({ kind: "log", record });
    this.lane.schedule();
  }

  /** Writes everything buffered now; resolves when the buffer is empty (or only failed outcomes wait). */
  async flush(): Promise<void> {
    await this.lane.drain();
  }

  /** Flushes what is left (retrying as `finish` promises); takes no more entries after. */
  async close(): Promise<void> {
    for (;;) {
      await this.flush();
      if (this.lane.entries.length === 0 && !this.lane.flushing) return;
      await new Promise((resolve) => setTimeout(resolve, this.lane.backoffMs()));
    }
  }

  private async write(): Promise<void> {
    const max = this.options.maxBatch ?? 1_000;
    // Log lines ride along whatever their number; marks and outcomes at most `maxBatch` a flush, in order.
    const running: RunningEntry[] = [];
    const finished: FinishedEntry[] = [];
    const lines: LogEntry[] = [];
    const rest: Entry[] = [];
    for (const entry of this.lane.entries) {
      if (entry.kind === "log") lines.push(entry);
      else if (running.length + finished.length >= max) rest.push(entry);
      else if (entry.kind === "running") running.push(entry);
      else finished.push(entry);
    }
    this.lane.entries = rest;
    const logs = lines.map((e) => e.record);
    let result: Awaited<ReturnType<typeof recordTryBatch>>;
    try {
      result = await recordTryBatch(this.options.db, { running, finished, logs });
    } catch (error) {
      // Nothing of the batch was written (one statement, or one transaction).
      if (!isConnectionError(error)) {
        // The database refused something in the batch: the marks go alone, and the outcomes and
        // lines one by one, so one value it cannot store never holds up the other tries.
        await this.writeMarks(running);
        if (finished.length === 0 && logs.length === 0) return;
        return this.writeApart(finished, logs, error);
      }
      // An outage: each of these tries fails to start now (its caller asks again); outcomes and
      // log lines go back to the front of the buffer and are retried, outcomes for at most `persistForMs`.
      for (const r of running) r.reject(error);
      const persistFor = this.options.persistForMs ?? 600_000;
      const keep = [...lines, ...finished.filter((f) => Date.now() - f.firstTriedAt <= persistFor)];
      for (const f of finished) if (!keep.includes(f)) f.reject(error);
      this.lane.entries.unshift(...keep);
      if (finished.length > 0 || lines.length > 0) {
        this.options.logger.warn({ err: errorMessage(error), outcomes: keep.filter((e) => e.kind === "finished").length, retryInMs: this.lane.backoffMs(this.lane.failures + 1) }, "writing tries' outcomes failed; retrying");
      }
      throw error;
    }
    this.flushes++;
    running.forEach((r, i) => r.resolve(result.running[i]!));
    finished.forEach((f, i) => f.resolve(result.finished[i]!));
    const runs = finished.filter((_, i) => result.finished[i]!.accepted).map((f) => ({ dagId: f.key.dagId, runId: f.key.runId }));
    if (runs.length > 0) this.options.onFlushed?.(runs);
  }

  /** Running-marks alone, after their batch was refused: settles each of them, never throws. */
  private async writeMarks(running: RunningEntry[]): Promise<void> {
    if (running.length === 0) return;
    try {
      const result = await recordTryBatch(this.options.db, { running, finished: [], logs: [] });
      running.forEach((r, i) => r.resolve(result.running[i]!));
    } catch (error) {
      // Nothing was written: each of these tries fails to start now (its caller reports it).
      for (const r of running) r.reject(error);
    }
  }

  /**
   * After the database refused a batch: each outcome is written alone. One it refuses alone (a
   * value it cannot store) is recorded as a failed try naming why, so retries apply instead of the
   * try staying running; a log line it refuses alone is dropped with a warning. An outage meanwhile
   * puts what is left back in the lane (retried as any outcome).
   */
  private async writeApart(finished: FinishedEntry[], logs: LogRecord[], refusal: unknown): Promise<void> {
    const { db, logger } = this.options;
    logger.warn({ err: errorMessage(refusal), outcomes: finished.length, lines: logs.length }, "the database refused a batch of tries' outcomes; writing them one by one");
    const written: FinishedEntry[] = [];
    const results: FinishedTry[] = [];
    let linesDone = 0;
    try {
      for (const record of logs) {
        await recordTryBatch(db, { running: [], finished: [], logs: [record] }).catch((error: unknown) => {
          if (isConnectionError(error)) throw error;
          logger.warn({ err: errorMessage(error), ti: { dagId: record.dagId, runId: record.runId, taskId: record.taskId, tryNumber: record.tryNumber } }, "log line refused by the database; dropped");
        });
        linesDone++;
      }
      for (const entry of finished) {
        const one = (end: FinishedEntry["end"]) => recordTryBatch(db, { running: [], finished: [{ key: entry.key, end, at: entry.at }], logs: [] });
        const result = await one(entry.end).catch(async (error: unknown) => {
          if (isConnectionError(error)) throw error;
          const reason = `the try's outcome could not be stored: ${errorMessage(error)}`;
          logger.warn({ ti: entry.key }, reason);
          return one({ result: "failed", error: reason, policy: entry.end.policy, retryable: entry.end.retryable ?? true });
        });
        written.push(entry);
        results.push(result.finished[0]!);
      }
    } catch (error) {
      const lines = logs.slice(linesDone).map((record): LogEntry => ({ kind: "log", record }));
      this.lane.entries.unshift(...lines, ...finished.filter((f) => !written.includes(f)));
      throw error;
    } finally {
      if (written.length > 0) this.flushes++;
      written.forEach((entry, i) => entry.resolve(results[i]!));
      const runs = written.filter((_, i) => results[i]!.accepted).map((f) => ({ dagId: f.key.dagId, runId: f.key.runId }));
      if (runs.length > 0) this.options.onFlushed?.(runs);
    }
  }
}
