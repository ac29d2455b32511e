// Runs one claimed try in a pooled task process and records it: running (with the process's pid),
// log lines, then the outcome with its result — the same for the local executor and for workers.
// Writing the outcome is retried until the database takes it, so a result is not lost while
// Postgres is briefly away; the write is fenced, so a try declared lost meanwhile stays lost.
import { join } from "node:path";
import { errorMessage, logTryFinished, logTryReceived, type JsonValue, type Logger, type QueuedTaskInstance } from "@updraft/core";
import { finishTry, markTryRunning, readResults, type FinishedTry, type TryEnd, type TryKey, type UpdraftDb } from "@updraft/db";
import { LogBuffer } from "./log-buffer.ts";
import type { TaskProcessPool } from "./local/process-pool.ts";
import type { TryOutcome } from "./task-outcome.ts";

/** Grace after executionTimeout before a task process that ignores its abort is killed. */
const KILL_GRACE_MS = 3_000;

export interface RecordTryContext {
  db: UpdraftDb;
  pool: TaskProcessPool;
  dagsFolder: string;
  hostname: string;
  workerName: string;
  logger: Logger;
  /** Give up writing the outcome after this long (default: keep trying for 10 minutes). */
  persistForMs?: number;
}

export type RecordedTry = { outcome: TryOutcome; finished: FinishedTry } | { outcome: "refused" };

export async function runAndRecordTry(ti: QueuedTaskInstance, ctx: RecordTryContext): Promise<RecordedTry> {
  const { db, logger } = ctx;
  const key = tryKeyOf(ti);
  const logs = new LogBuffer(db, key, logger);
  const on = { hostname: ctx.hostname, workerName: ctx.workerName };
  // Operator log (issue 13, item 5): "received" now, "succeeded in Xs" at the end.
  const receivedAt = Date.now();
  logTryReceived(logger, key, ctx.workerName);
  let outcome: TryOutcome | "refused";
  try {
    const inputs = await readInputs(db, ti);
    outcome = await ctx.pool.run(
      {
        path: join(ctx.dagsFolder, ti.fileloc),
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
        onStart: (pid) => markTryRunning(db, key, { ...on, pid }),
        onLog: (line) => logs.add(line.stream, line.line, line.at),
        deadlineMs: ti.executionTimeoutMs === null ? null : ti.executionTimeoutMs + KILL_GRACE_MS,
      },
    );
  } catch (error) {
    // No task process could be had (or the database refused the start): record a failed try so
    // retries apply; if the try never became running, markTryRunning now makes it so.
    await markTryRunning(db, key, { ...on, pid: process.pid }).catch(() => false);
    outcome = { state: "failed", error: `could not run the try: ${errorMessage(error)}`, timedOut: false };
  }
  if (outcome === "refused") {
    logger.warn({ ti: key }, "try was no longer queued when its process was ready; dropped");
    return { outcome };
  }
  if (outcome.state === "failed") logs.add("log", outcome.error, new Date());
  if (outcome.state === "skipped") logs.add("log", `skipped: ${outcome.reason}`, new Date());
  await logs.close();
  const end: TryEnd = {
    result: outcome.state,
    value: outcome.state === "success" ? outcome.result : undefined,
    error: outcome.state === "failed" ? outcome.error : null,
    policy: ti.retryPolicy,
  };
  const finished = await persist(() => finishTry(db, key, end), ctx);
  if (!finished.accepted) logger.warn({ ti: key }, "try result refused: the try is no longer the running one (declared lost or cleared)");
  logTryFinished(logger, key, ctx.workerName, finished.state ?? outcome.state, (Date.now() - receivedAt) / 1000, outcome.state === "failed" ? outcome.error : null);
  return { outcome, finished };
}

export function tryKeyOf(ti: QueuedTaskInstance): TryKey {
  return { dagId: ti.dagId, runId: ti.runId, taskId: ti.taskId, tryNumber: ti.tryNumber };
}

async function readInputs(db: UpdraftDb, ti: QueuedTaskInstance): Promise<Record<string, unknown>> {
  const entries = Object.entries(ti.inputs);
  if (entries.length === 0) return {};
  const results = await readResults(db, ti.dagId, ti.runId, entries.map(([, up]) => up));
  return Object.fromEntries(entries.map(([name, up]) => [name, results.get(up) as JsonValue | undefined]));
}

// Retries with capped exponential backoff: the outcome of work already done is worth waiting for.
async function persist<T>(write: () => Promise<T>, ctx: RecordTryContext): Promise<T> {
  const giveUpAt = Date.now() + (ctx.persistForMs ?? 600_000);
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (Date.now() > giveUpAt) throw error;
      const delay = Math.min(10_000, 100 * 2 ** attempt);
      ctx.logger.warn({ err: errorMessage(error), retryInMs: delay }, "recording a try's outcome failed; retrying");
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
