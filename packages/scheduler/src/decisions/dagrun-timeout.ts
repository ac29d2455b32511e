// Airflow's `dagrun_timeout`, as a pure function: a run started longer ago than its DAG's
// timeout is failed, and its unfinished task instances are set to `skipped` (as Airflow's
// SchedulerJobRunner._schedule_dag_run does; a running task then stops because its state changed).
import { FINISHED_TASK_STATES, type TaskInstanceSnapshot } from "@updraft/core";

export interface DagrunTimeoutInput {
  /** When the run started (left `queued`); null while it has not. */
  startDate: Date | null;
  /** The DAG's `dagrunTimeout` in ms; null for none. */
  timeoutMs: number | null;
  now: Date;
  /** The run's task instances, by task id (only their state is read). */
  instances: ReadonlyMap<string, Pick<TaskInstanceSnapshot, "state">>;
}

export interface DagrunTimedOut {
  runState: "failed";
  /** Task ids of the unfinished instances, each to be set to `skipped`. */
  skip: string[];
  reason: string;
}

/** @returns null while the run is within its timeout (or has none), else what to apply. */
export function decideDagrunTimeout(input: DagrunTimeoutInput): DagrunTimedOut | null {
  if (input.timeoutMs === null || input.startDate === null) return null;
  const elapsed = input.now.getTime() - input.startDate.getTime();
  if (elapsed <= input.timeoutMs) return null;
  const skip = [...input.instances].filter(([, ti]) => ti.state === null || !FINISHED_TASK_STATES.has(ti.state)).map(([id]) => id);
  return { runState: "failed", skip, reason: `the run exceeded its dagrunTimeout of ${input.timeoutMs / 1000}s` };
}
