// The operator's view of each try, in the log of the scheduler, the workers and standalone, as
// Celery prints "Task x[id] received" and "Task x[id] succeeded in 0.41s": one info line when
// a try is queued, when a worker receives it and when it ends (state, duration, worker). All such
// lines come from here, so their wording and fields stay the same in every process.
import type { Logger } from "./logger.ts";

export interface TryLogKey {
  dagId: string;
  runId: string;
  taskId: string;
  tryNumber: number;
}

/** "parallel_tasks.task2[manual__2026-…] try 1": how the lines name a try. */
export function tryLabel(ti: TryLogKey): string {
  return `${ti.dagId}.${ti.taskId}[${ti.runId}] try ${ti.tryNumber}`;
}

const fields = (ti: TryLogKey) => ({ dag_id: ti.dagId, task_id: ti.taskId, run_id: ti.runId, try_number: ti.tryNumber });

/** The scheduler handed the try to the executor (queue name: the task's queue). */
export function logTryQueued(logger: Logger, ti: TryLogKey & { queue?: string }, executor: string): void {
  logger.info({ ...fields(ti), queue: ti.queue, executor }, `Task ${tryLabel(ti)} queued`);
}

/** A worker (or the local executor) took the try and starts it. */
export function logTryReceived(logger: Logger, ti: TryLogKey, worker: string): void {
  logger.info({ ...fields(ti), worker }, `Task ${tryLabel(ti)} received`);
}

/** The try ended: "succeeded in 0.41s", "failed in 2.03s: exit code 3". */
export function logTryFinished(logger: Logger, ti: TryLogKey, worker: string, state: string, seconds: number, error?: string | null): void {
  const verb = state === "success" ? "succeeded" : state === "failed" ? "failed" : state === "up_for_retry" ? "failed (will retry)" : `ended ${state}`;
  const line = `Task ${tryLabel(ti)} ${verb} in ${seconds.toFixed(2)}s${error ? `: ${error}` : ""}`;
  const bindings = { ...fields(ti), worker, state, duration: Number(seconds.toFixed(3)) };
  if (state === "success" || state === "skipped") logger.info(bindings, line);
  else logger.warn(bindings, line);
}
