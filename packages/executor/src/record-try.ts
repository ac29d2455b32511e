// Runs one claimed try in a pooled task process and records it: running (with the process's pid),
// log lines, then the outcome with its result — the same for the local executor and for workers.
// Every write goes through the OutcomeBuffer (batched, one transaction per flush, retried while
// the database is away, fenced so a try declared lost meanwhile stays lost); the returned promise
// settles only once the outcome is committed.
import { join } from "node:path";
import { errorMessage, logTryFinished, logTryReceived, type JsonValue, type Logger, type QueuedTaskInstance } from "@updraft/core";
import { isConnectionError, readResults, type FernetCipher, type FinishedTry, type LogRecord, type TryEnd, type TryKey, type UpdraftDb } from "@updraft/db";
import type { ExternalStops } from "./external-stops.ts";
import { lookupSecret } from "./lookup-secret.ts";
import type { OutcomeBuffer } from "./outcome-buffer.ts";
import type { TaskProcessPool } from "./local/process-pool.ts";
import type { TryOutcome } from "./task-outcome.ts";

/** Grace after executionTimeout before a task process that ignores its abort is killed. */
const KILL_GRACE_MS = 3_000;

/** How long a try waits to be marked running while the database is unreachable, before it fails. */
const START_PATIENCE_MS = 5 * 60_000;

export interface RecordTryContext {
  db: UpdraftDb;
  pool: TaskProcessPool;
  dagsFolder: string;
  hostname: string;
  workerName: string;
  logger: Logger;
  /** Where running-marks, log lines and outcomes are written (batched). */
  outcomes: OutcomeBuffer;
  /** Decrypts the variables and connections tasks read (UPDRAFT_FERNET_KEY). @defaultValue null // plain values only */
  cipher?: FernetCipher | null;
  /** Follows the try so that it is stopped once its task instance ended elsewhere. @defaultValue none */
  stops?: ExternalStops;
}

export type RecordedTry = { outcome: TryOutcome; finished: FinishedTry } | { outcome: "refused" };

export async function runAndRecordTry(ti: QueuedTaskInstance, ctx: RecordTryContext): Promise<RecordedTry> {
  const { db, logger, outcomes } = ctx;
  const key = tryKeyOf(ti);
  const on = { hostname: ctx.hostname, workerName: ctx.workerName };
  // Log lines go straight to the buffer, which batches them into its next flush.
  const addLog = (stream: LogRecord["stream"], line: string, ts: Date) => outcomes.appendLogs([{ ...key, stream, line, ts }]);
  // Operator log (issue 13, item 5): "received" now, "succeeded in Xs" at the end.
  const receivedAt = Date.now();
  logTryReceived(logger, key, ctx.workerName);
  let outcome: TryOutcome | "refused";
  const stop = ctx.stops?.track(key);
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
        onStart: (pid) => markRunningPatiently(outcomes, key, { ...on, pid }),
        onLog: (line) => addLog(line.stream, line.line, line.at),
        onLookup: (kind, name) => lookupSecret(db, ctx.cipher ?? null, kind, name),
        deadlineMs: ti.executionTimeoutMs === null ? null : ti.executionTimeoutMs + KILL_GRACE_MS,
        ...(stop ? { stop } : {}),
      },
    );
  } catch (error) {
    // No task process could be had (or the database refused the start): record a failed try so
    // retries apply; if the try never became running, the running-mark now makes it so.
    await outcomes.markRunning(key, { ...on, pid: process.pid }).catch(() => false);
    outcome = { state: "failed", error: `could not run the try: ${errorMessage(error)}`, timedOut: false };
  } finally {
    ctx.stops?.untrack(key);
  }
  if (outcome === "refused") {
    logger.warn({ ti: key }, "try was no longer queued when its process was ready; dropped");
    return { outcome };
  }
  if (outcome.state === "failed") addLog("log", outcome.error, new Date());
  if (outcome.state === "skipped") addLog("log", `skipped: ${outcome.reason}`, new Date());
  const end: TryEnd = {
    result: outcome.state,
    value: outcome.state === "success" ? outcome.result : undefined,
    error: outcome.state === "failed" ? outcome.error : null,
    policy: ti.retryPolicy,
    retryable: !(outcome.state === "failed" && outcome.final === true), // a sensor's timeout is final
  };
  const finished = await outcomes.finish(key, end);
  if (!finished.accepted) logger.warn({ ti: key }, "try result refused: the try is no longer the running one (declared lost or cleared)");
  logTryFinished(logger, key, ctx.workerName, finished.state ?? outcome.state, (Date.now() - receivedAt) / 1000, outcome.state === "failed" ? outcome.error : null);
  return { outcome, finished };
}

/**
 * The running-mark, asked again while the database is unreachable (a restart, an outage): the try
 * has not started, so waiting costs only time, whereas failing it would spend a try (and leave it
 * queued, since the failure could not be recorded either). Resolves as markRunning does.
 */
async function markRunningPatiently(outcomes: OutcomeBuffer, key: TryKey, on: Parameters<OutcomeBuffer["markRunning"]>[1]): Promise<boolean> {
  const deadline = Date.now() + START_PATIENCE_MS;
  for (let delayMs = 250; ; delayMs = Math.min(2 * delayMs, 5_000)) {
    try {
      return await outcomes.markRunning(key, on);
    } catch (error) {
      if (!isConnectionError(error) || Date.now() + delayMs > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
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
