// The local executor: runs claimed tries in a pool of reusable child processes on this machine
// and records each try's start, log lines, result and end in the database from this (parent)
// process — the children never touch the database, which is what makes it safe on PGlite.
import { hostname } from "node:os";
import { join } from "node:path";
import { errorMessage, type Executor, type JsonValue, type Logger, type QueuedTaskInstance } from "@updraft/core";
import { appendTaskLogs, finishTry, markTryRunning, readResults, type LogRecord, type TryKey, type UpdraftDb } from "@updraft/db";
import type { TryOutcome } from "../task-outcome.ts";
import { TaskProcessPool } from "./process-pool.ts";

export interface LocalExecutorOptions {
  db: UpdraftDb;
  dagsFolder: string;
  /** Task processes, i.e. tries running at once. */
  slots: number;
  logger: Logger;
  /** Called when a try has ended and been recorded (the scheduler's nudge). */
  onTryFinished?: () => void;
  /** Replace a task process after this many tries. @defaultValue 1000 */
  maxTriesPerChild?: number;
  /** Name recorded as the task instance's worker. @defaultValue "local@<hostname>:<pid>" */
  workerName?: string;
}

/** Grace after executionTimeout before a task process that ignores its abort is killed. */
const KILL_GRACE_MS = 3_000;
const LOG_FLUSH_MS = 200;

export class LocalExecutor implements Executor {
  readonly name = "local";
  private readonly pool: TaskProcessPool;
  private inFlight = 0;
  private readonly running = new Set<Promise<void>>();
  private readonly host = hostname();
  private readonly workerName: string;

  constructor(private readonly options: LocalExecutorOptions) {
    this.pool = new TaskProcessPool({ size: options.slots, maxTriesPerChild: options.maxTriesPerChild ?? 1_000 });
    this.pool.warm(Math.min(options.slots, 4));
    this.workerName = options.workerName ?? `local@${this.host}:${process.pid}`;
  }

  freeSlots(): number {
    return this.options.slots - this.inFlight;
  }

  execute(batch: readonly QueuedTaskInstance[]): void {
    for (const ti of batch) {
      this.inFlight++;
      const work = this.runTry(ti)
        .catch((error: unknown) => this.options.logger.error({ err: errorMessage(error), ti: keyOf(ti) }, "recording a try failed"))
        .finally(() => {
          this.inFlight--;
          this.running.delete(work);
          this.options.onTryFinished?.();
        });
      this.running.add(work);
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.running);
    await this.pool.close();
  }

  private async runTry(ti: QueuedTaskInstance): Promise<void> {
    const { db, logger } = this.options;
    const key = keyOf(ti);
    const logs = new LogBuffer(db, key, logger);
    const inputs = await readInputs(db, ti);
    let outcome: TryOutcome | "refused";
    try {
      outcome = await this.pool.run(
        {
          path: join(this.options.dagsFolder, ti.fileloc),
          dagId: ti.dagId,
          taskId: ti.taskId,
          runId: ti.runId,
          tryNumber: ti.tryNumber,
          logicalDate: ti.logicalDate.toISOString(),
          dataIntervalStart: ti.dataIntervalStart?.toISOString() ?? null,
          dataIntervalEnd: ti.dataIntervalEnd?.toISOString() ?? null,
          conf: ti.conf,
          inputs,
        },
        {
          onStart: (pid) => markTryRunning(db, key, { hostname: this.host, workerName: this.workerName, pid }),
          onLog: (line) => logs.add(line.stream, line.line, line.at),
          deadlineMs: ti.executionTimeoutMs === null ? null : ti.executionTimeoutMs + KILL_GRACE_MS,
        },
      );
    } catch (error) {
      // No process could be had for the try: record it as a failed try so retries apply.
      await markTryRunning(db, key, { hostname: this.host, workerName: this.workerName, pid: process.pid });
      outcome = { state: "failed", error: `could not start a task process: ${errorMessage(error)}`, timedOut: false };
    }
    if (outcome === "refused") {
      logger.warn({ ti: key }, "try was no longer queued when its process was ready; skipped");
      return;
    }
    if (outcome.state === "failed") logs.add("log", outcome.error, new Date());
    if (outcome.state === "skipped") logs.add("log", `skipped: ${outcome.reason}`, new Date());
    await logs.close();
    const finished = await finishTry(db, key, {
      result: outcome.state,
      value: outcome.state === "success" ? outcome.result : undefined,
      error: outcome.state === "failed" ? outcome.error : null,
      policy: ti.retryPolicy,
    });
    if (!finished.accepted) logger.warn({ ti: key }, "try result refused: the try is no longer the running one");
  }
}

function keyOf(ti: QueuedTaskInstance): TryKey {
  return { dagId: ti.dagId, runId: ti.runId, taskId: ti.taskId, tryNumber: ti.tryNumber };
}

async function readInputs(db: UpdraftDb, ti: QueuedTaskInstance): Promise<Record<string, unknown>> {
  const entries = Object.entries(ti.inputs);
  if (entries.length === 0) return {};
  const results = await readResults(db, ti.dagId, ti.runId, entries.map(([, up]) => up));
  return Object.fromEntries(entries.map(([name, up]) => [name, results.get(up) as JsonValue | undefined]));
}

// Log lines are written in batches (every LOG_FLUSH_MS) so a chatty task costs few inserts, yet
// a person watching the log sees lines within a fraction of a second.
class LogBuffer {
  private pending: LogRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: UpdraftDb,
    private readonly key: TryKey,
    private readonly logger: Logger,
  ) {}

  add(stream: LogRecord["stream"], line: string, ts: Date): void {
    this.pending.push({ ...this.key, stream, line, ts });
    this.timer ??= setTimeout(() => this.flush(), LOG_FLUSH_MS);
  }

  private flush(): void {
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    this.flushing = this.flushing
      .then(() => appendTaskLogs(this.db, batch))
      .catch((error: unknown) => this.logger.warn({ err: errorMessage(error) }, "writing task log lines failed"));
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.flush();
    await this.flushing;
  }
}
