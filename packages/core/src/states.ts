// Task-instance and DAG-run states, exactly the names of the contract (PRODUCT.md), plus the
// sets the scheduler and executors reason with. A task instance with no state yet is `null`
// ("none" in Airflow).

export const TASK_INSTANCE_STATES = [
  "scheduled",
  "queued",
  "running",
  "success",
  "failed",
  "up_for_retry",
  "upstream_failed",
  "skipped",
  "removed",
] as const;
export type TaskInstanceState = (typeof TASK_INSTANCE_STATES)[number];

export const DAG_RUN_STATES = ["queued", "running", "success", "failed"] as const;
export type DagRunState = (typeof DAG_RUN_STATES)[number];

/** States from which a task instance never moves without a user action (clear, mark). */
export const FINISHED_TASK_STATES: ReadonlySet<TaskInstanceState> = new Set([
  "success",
  "failed",
  "upstream_failed",
  "skipped",
  "removed",
]);

/** States that hold an executor slot or are about to (count against concurrency limits). */
export const ACTIVE_TASK_STATES: ReadonlySet<TaskInstanceState> = new Set(["queued", "running"]);

export function isFinishedTaskState(state: TaskInstanceState | null): boolean {
  return state !== null && FINISHED_TASK_STATES.has(state);
}

export function isTaskInstanceState(value: string): value is TaskInstanceState {
  return (TASK_INSTANCE_STATES as readonly string[]).includes(value);
}

export function isDagRunState(value: string): value is DagRunState {
  return (DAG_RUN_STATES as readonly string[]).includes(value);
}

export const DAG_RUN_TYPES = ["manual", "scheduled", "backfill"] as const;
export type DagRunType = (typeof DAG_RUN_TYPES)[number];

export const USER_ROLES = ["Admin", "Op", "Viewer"] as const;
export type UserRole = (typeof USER_ROLES)[number];
