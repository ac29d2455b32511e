// Runs `dags test` tries in a pooled task process instead of the CLI's own process, so an
// executionTimeout really ends the try: a task that spins synchronously or ignores ctx.signal is
// killed with its process, exactly as under the local executor and on workers.
import type { TaskProcessPool } from "./local/process-pool.ts";
import type { TryRequest } from "./run-try.ts";
import type { TryOutcome } from "./task-outcome.ts";

/** Runs one try and resolves with its outcome; the sequential executor's seam. */
export type TryRunner = (request: TryRequest) => Promise<TryOutcome>;

/** Time after executionTimeout before a try that has not ended is killed with its process. */
export const KILL_AFTER_TIMEOUT_MS = 3_000;

/**
 * A TryRunner that runs each try in `pool`, importing the DAG from `dagFile` (absolute path) in
 * the task process. The process is killed `KILL_AFTER_TIMEOUT_MS` after the task's
 * executionTimeout if the try has not ended by then.
 */
export function pooledTryRunner(pool: TaskProcessPool, dagFile: string): TryRunner {
  return async (request) => {
    const timeoutMs = request.dag.task(request.taskId).spec.executionTimeoutMs;
    const outcome = await pool.run(
      {
        path: dagFile,
        dagId: request.dag.dagId,
        taskId: request.taskId,
        runId: request.runId,
        tryNumber: request.tryNumber,
        logicalDate: request.logicalDate.toISOString(),
        dataIntervalStart: request.dataIntervalStart?.toISOString() ?? null,
        dataIntervalEnd: request.dataIntervalEnd?.toISOString() ?? null,
        conf: request.conf,
        inputs: request.inputs,
      },
      { onStart: () => Promise.resolve(true), onLog: request.sink, deadlineMs: timeoutMs === null ? null : timeoutMs + KILL_AFTER_TIMEOUT_MS },
    );
    if (outcome === "refused") throw new Error("the task process refused the try");
    return outcome;
  };
}
