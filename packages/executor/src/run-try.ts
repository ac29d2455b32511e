// Runs one try of a task in this process: builds its context, calls the function, command, branch
// or sensor, enforces executionTimeout and turns whatever happens into a TryOutcome. Executors
// decide where this runs (here for `dags test`, in pooled child processes for the local executor).
import { format } from "node:util";
import { describeNonJsonValue, errorMessage, formatDuration, isUpdraftError, redactSecrets, resetMaskedSecrets, storableText, type JsonValue } from "@updraft/core";
import { installSecretsLookup, isTaskSkipped, normaliseBranchChoice, type Dag, type SecretsLookup, type TaskContext } from "@updraft/sdk";
import { runBash } from "./run-bash.ts";
import type { LogSink, TryOutcome } from "./task-outcome.ts";

export interface TryRequest {
  dag: Dag;
  taskId: string;
  runId: string;
  tryNumber: number;
  logicalDate: Date;
  dataIntervalStart: Date | null;
  dataIntervalEnd: Date | null;
  conf: Record<string, JsonValue>;
  /** Upstream results by input name. */
  inputs: Record<string, unknown>;
  sink: LogSink;
  /**
   * What to do when a timed-out try has not stopped within {@link TIMEOUT_GRACE_MS} of its abort:
   * `"host-kills"` (a pooled task process) never resolves, so the host kills the process at its
   * deadline and nothing of the try outlives it; `"abandon"` (in-process, inline DAGs in tests)
   * resolves the failure anyway. Default `"abandon"`.
   */
  stuck?: "host-kills" | "abandon";
  /**
   * Where Variable.get / Connection.get read beyond the environment during this try.
   * @defaultValue null // environment only (`dags test`)
   */
  secrets?: SecretsLookup | null;
  /** Timeout of each task callback. @defaultValue CALLBACK_TIMEOUT_MS (30 s) */
  callbackTimeoutMs?: number;
}

/** How long a timed-out try has, after `ctx.signal` aborts, to stop before it is killed. */
export const TIMEOUT_GRACE_MS = 1_000;

/** How long a task callback may run before it is given up on (logged; no state changes). */
export const CALLBACK_TIMEOUT_MS = 30_000;

export async function runTry(request: TryRequest): Promise<TryOutcome> {
  // Secrets fetched during this try are masked in its log lines (Airflow's secrets masker).
  resetMaskedSecrets();
  installSecretsLookup(request.secrets ?? null);
  // Log lines and messages are stored whatever the task printed: a NUL or a lone surrogate, which
  // Postgres refuses (failing the whole batched write), becomes U+FFFD.
  const sink = request.sink;
  const outcome = await runTryUnmasked({ ...request, sink: (line) => sink({ ...line, line: storableText(redactSecrets(line.line)) }) });
  if (outcome.state === "failed") return { ...outcome, error: storableText(redactSecrets(outcome.error)) };
  if (outcome.state === "skipped") return { ...outcome, reason: storableText(outcome.reason) };
  return outcome;
}

async function runTryUnmasked(request: TryRequest): Promise<TryOutcome> {
  const { spec, callbacks } = request.dag.task(request.taskId);
  const ctx = contextOf(request, spec.retries + 1);
  // As Airflow's callbacks: onExecute before the work, then the one matching the outcome.
  await runCallback(ctx, "onExecute", callbacks.onExecute, null, request.callbackTimeoutMs);
  let thrown: unknown = null;
  const outcome = await runWork(request, ctx.ctx, ctx.controller, (error) => (thrown = error));
  const error = outcome.state === "failed" ? (thrown instanceof Error ? thrown : new Error(outcome.error)) : null;
  const which = callbackFor(outcome, request.tryNumber, spec.retries + 1);
  await runCallback(ctx, which, callbacks[which], error, request.callbackTimeoutMs);
  return outcome;
}

/**
 * Which callback a try's outcome calls: onSuccess, onSkipped, or for a failure onRetry while
 * tries remain (and the failure is not final, like a sensor's timeout), else onFailure.
 */
export function callbackFor(outcome: TryOutcome, tryNumber: number, maxTries: number): "onSuccess" | "onSkipped" | "onRetry" | "onFailure" {
  if (outcome.state === "success") return "onSuccess";
  if (outcome.state === "skipped") return "onSkipped";
  return tryNumber < maxTries && outcome.final !== true ? "onRetry" : "onFailure";
}

// A callback that throws or outlives its timeout is logged on the try's log; the outcome stands.
async function runCallback(
  c: { ctx: TaskContext },
  name: string,
  callback: ((ctx: TaskContext, error: Error | null) => unknown) | undefined,
  error: Error | null,
  timeoutMs = CALLBACK_TIMEOUT_MS,
): Promise<void> {
  if (!callback) return;
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      Promise.resolve().then(() => callback(c.ctx, error)).then(() => "done" as const),
      new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs))),
    ]);
    if (result === "timeout") c.ctx.log(`${name} callback did not finish within ${formatDuration(timeoutMs)}; given up (no state changed)`);
  } catch (failure) {
    c.ctx.log(`${name} callback failed (no state changed): ${failure instanceof Error && failure.stack ? failure.stack : errorMessage(failure)}`);
  } finally {
    clearTimeout(timer);
  }
}

function contextOf(request: TryRequest, maxTries: number): { ctx: TaskContext; controller: AbortController } {
  const controller = new AbortController();
  const ctx: TaskContext = {
    dagId: request.dag.dagId,
    runId: request.runId,
    taskId: request.taskId,
    tryNumber: request.tryNumber,
    maxTries,
    logicalDate: request.logicalDate,
    dataIntervalStart: request.dataIntervalStart,
    dataIntervalEnd: request.dataIntervalEnd,
    params: Object.freeze({ ...request.dag.params, ...request.conf }),
    conf: Object.freeze({ ...request.conf }),
    log: (message, ...values) => request.sink({ stream: "log", line: format(message, ...values), at: new Date() }),
    signal: controller.signal,
  };
  return { ctx, controller };
}

async function runWork(request: TryRequest, ctx: TaskContext, controller: AbortController, onThrown: (error: unknown) => void): Promise<TryOutcome> {
  const { spec, runtime } = request.dag.task(request.taskId);
  const startedAt = Date.now();
  const attempt = (async (): Promise<TryOutcome> => {
    switch (runtime.kind) {
      case "task":
        return success(await runtime.run(ctx, request.inputs));
      case "bash": {
        const command = typeof runtime.command === "function" ? runtime.command(ctx, request.inputs) : runtime.command;
        ctx.log(`running: ${command}`);
        return runBash({ command, env: runtime.env, cwd: runtime.cwd, skipOnExitCode: runtime.skipOnExitCode }, ctx, request.sink);
      }
      case "branch": {
        const followed = normaliseBranchChoice(request.dag.graph, request.taskId, await runtime.choose(ctx, request.inputs));
        ctx.log(`following ${followed.length > 0 ? followed.join(", ") : "no task"}`);
        return success(followed);
      }
      case "sensor":
        return poke(spec.sensor!, ctx, () => runtime.poke(ctx, request.inputs));
    }
  })().catch((error: unknown): TryOutcome => {
    if (isTaskSkipped(error)) return { state: "skipped", reason: error.message };
    onThrown(error);
    const text = isUpdraftError(error) ? error.describe() : error instanceof Error && error.stack ? error.stack : errorMessage(error);
    return { state: "failed", error: text, timedOut: false };
  });

  const timeoutMs = spec.executionTimeoutMs;
  if (timeoutMs === null) return attempt;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    const first = await Promise.race([attempt, timedOut]);
    // Synchronous work blocks the timer: a task that ran past its timeout that way ends before the
    // timer can fire, yet it timed out all the same (Airflow's SIGALRM would have stopped it).
    if (first !== "timeout" && Date.now() - startedAt <= timeoutMs) return first;
  } finally {
    clearTimeout(timer);
  }
  // As Airflow's execution_timeout: the try fails, whatever the task does next. It is asked to
  // stop (ctx.signal); a task that ignores that is killed with its process after a short grace.
  const error = `the try exceeded its executionTimeout of ${formatDuration(timeoutMs)} and was stopped`;
  controller.abort(new Error(error));
  const stopped = await Promise.race([attempt.then(() => true), sleep(TIMEOUT_GRACE_MS).then(() => false)]);
  if (!stopped && request.stuck === "host-kills") {
    ctx.log(`the task ignored its abort for ${formatDuration(TIMEOUT_GRACE_MS)}; its process will be killed`);
    return new Promise<never>(() => {});
  }
  return { state: "failed", error, timedOut: true };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function success(value: unknown): TryOutcome {
  if (value === undefined) return { state: "success", result: null };
  // Refuse what JSON would silently change (Date, NaN, Set, Map, class instances): fail loudly here.
  const lossy = describeNonJsonValue(value);
  if (lossy !== null) {
    return { state: "failed", error: `the task's result cannot be stored as an XCom without changing it: ${lossy}`, timedOut: false };
  }
  try {
    return { state: "success", result: JSON.parse(JSON.stringify(value)) as JsonValue };
  } catch (error) {
    return { state: "failed", error: `the task's result is not JSON-serialisable: ${errorMessage(error)}`, timedOut: false };
  }
}

async function poke(
  sensor: { pokeIntervalMs: number; timeoutMs: number; softFail: boolean },
  ctx: TaskContext,
  check: () => unknown,
): Promise<TryOutcome> {
  // As Airflow's BaseSensorOperator in poke mode: poke until the condition holds; once the
  // timeout has passed after a poke, the sensor fails for good (AirflowSensorTimeout: no retry)
  // or is skipped with softFail. The last wait is shortened so that a poke happens at the deadline
  // instead of giving up early. An error thrown by the poke is an ordinary failure and retried.
  const started = Date.now();
  for (let pokes = 1; ; pokes++) {
    const value = await check();
    if (value) return success(value);
    const elapsed = Date.now() - started;
    if (elapsed >= sensor.timeoutMs) {
      const reason = `sensor timed out after ${formatDuration(elapsed)} (${pokes} pokes; timeout ${formatDuration(sensor.timeoutMs)})`;
      return sensor.softFail ? { state: "skipped", reason } : { state: "failed", error: reason, timedOut: true, final: true };
    }
    const wait = Math.min(sensor.pokeIntervalMs, sensor.timeoutMs - elapsed);
    ctx.log(`condition not met (poke ${pokes}); next poke in ${formatDuration(wait)}`);
    await abortableSleep(wait, ctx.signal);
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason as Error)), { once: true });
  });
}
