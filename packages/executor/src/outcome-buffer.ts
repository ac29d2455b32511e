// The one place where tries' writes are batched: running-marks, log lines and outcomes (state,
// history, XCom) wait here a few milliseconds and are written together by `recordTryBatch` — one
// transaction of multi-row statements and ONE scheduler wake-up per flush, not per try. Every
// promise it hands out settles only after the flush holding its entry has committed, which is
// what lets a worker acknowledge a broker job after its outcome is durable ("ack after flush").
import { errorMessage, type Logger } from "@updraft/core";
import { recordTryBatch, type FinishedTry, type LogRecord, type RunKey, type RunningOn, type TryEnd, type TryKey, type UpdraftDb } from "@updraft/db";

export interface OutcomeBufferOptions {
  db: UpdraftDb;
  logger: Logger;
  /** How long a running-mark or outcome waits for others to share its flush. @defaultValue 2 // ms */
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
 * Buffers try writes and flushes them in batches.
 *
 * Contract (what worker-loss detection may rely on):
 * - `markRunning` resolves true once the try is recorded running (false: it was not the current
 *   queued try, so it must not run); it rejects when its flush failed (nothing was written).
 * - `finish` resolves once the outcome is committed, with whether it was accepted (a late or
 *   repeated report is refused, never recorded twice). It is retried for `persistForMs` while the
 *   database is away and rejects only after that. Acknowledge the broker job only after it resolves:
 *   a crash before then leaves the try running in the database, so the lost-try check retries it.
 * - Log lines ride on the next flush; they are not acknowledged individually.
 * - Flushes run one at a time, in order, so a try's running-mark is written before its outcome.
 */
export class OutcomeBuffer {
  private running: Array<{ key: TryKey; on: RunningOn; at: Date } & Pending<boolean>> = [];
  private finished: Array<{ key: TryKey; end: TryEnd; at: Date; firstTriedAt: number } & Pending<FinishedTry>> = [];
  private logs: LogRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private timerDue = Infinity;
  private flushing: Promise<void> | null = null;
  private failures = 0;
  /** Flushes committed so far (for metrics and the benchmark). */
  flushes = 0;

  constructor(private readonly options: OutcomeBufferOptions) {}

  /** queued -> running for this try, in the next flush. */
  markRunning(key: TryKey, on: RunningOn, at: Date = new Date()): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.running.push({ key, on, at, resolve, reject });
      this.schedule(this.options.flushMs ?? 2);
    });
  }

  /** running -> the try's outcome, with its last log lines, in the next flush. */
  finish(key: TryKey, end: TryEnd, logs: readonly LogRecord[] = [], at: Date = new Date()): Promise<FinishedTry> {
    return new Promise((resolve, reject) => {
      this.logs.push(...logs);
      this.finished.push({ key, end, at, firstTriedAt: Date.now(), resolve, reject });
      this.schedule(this.options.flushMs ?? 2);
    });
  }

  /** Log lines of a running try, written with the next flush. */
  appendLogs(records: readonly LogRecord[]): void {
    this.logs.push(...records);
    this.schedule(this.options.logFlushMs ?? 200);
  }

  /** Writes everything buffered now; resolves when the buffer is empty (or only failed entries wait). */
  async flush(): Promise<void> {
    while (this.flushing || this.size() > 0) {
      if (this.flushing) await this.flushing;
      else this.startFlush();
      if (this.failures > 0) return;
    }
  }

  /** Flushes what is left (retrying as `finish` promises); takes no more entries after. */
  async close(): Promise<void> {
    for (;;) {
      await this.flush();
      if (this.size() === 0 && !this.flushing) return;
      await new Promise((resolve) => setTimeout(resolve, this.backoffMs()));
    }
  }

  private size(): number {
    return this.running.length + this.finished.length + this.logs.length;
  }

  private schedule(delayMs: number): void {
    if (this.flushing) return; // the running flush starts the next one when it ends
    const due = Date.now() + delayMs;
    if (this.timer && this.timerDue <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => this.startFlush(), delayMs);
  }

  private startFlush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerDue = Infinity;
    if (this.flushing || this.size() === 0) return;
    this.flushing = this.writeBatch().finally(() => {
      this.flushing = null;
      if (this.running.length + this.finished.length > 0) this.schedule(this.failures > 0 ? this.backoffMs() : 0);
      else if (this.logs.length > 0) this.schedule(this.options.logFlushMs ?? 200);
    });
  }

  private backoffMs(): number {
    return Math.min(10_000, 100 * 2 ** Math.min(this.failures, 7));
  }

  private async writeBatch(): Promise<void> {
    const max = this.options.maxBatch ?? 1_000;
    const running = this.running.splice(0, max);
    const finished = this.finished.splice(0, Math.max(0, max - running.length));
    const logs = this.logs;
    this.logs = [];
    try {
      const result = await recordTryBatch(this.options.db, { running, finished, logs });
      this.failures = 0;
      this.flushes++;
      running.forEach((r, i) => r.resolve(result.running[i]!));
      finished.forEach((f, i) => f.resolve(result.finished[i]!));
      const runs = finished.filter((_, i) => result.finished[i]!.accepted).map((f) => ({ dagId: f.key.dagId, runId: f.key.runId }));
      if (runs.length > 0) this.options.onFlushed?.(runs);
    } catch (error) {
      this.failures++;
      // Nothing of the batch was written (one transaction). A running-mark fails its try now;
      // outcomes and log lines go back to the front of the buffer and are retried.
      for (const r of running) r.reject(error);
      const persistFor = this.options.persistForMs ?? 600_000;
      const keep = finished.filter((f) => Date.now() - f.firstTriedAt <= persistFor);
      for (const f of finished) if (!keep.includes(f)) f.reject(error);
      this.finished.unshift(...keep);
      this.logs.unshift(...logs);
      this.options.logger.warn({ err: errorMessage(error), outcomes: keep.length, retryInMs: this.backoffMs() }, "writing tries' outcomes failed; retrying");
    }
  }
}
