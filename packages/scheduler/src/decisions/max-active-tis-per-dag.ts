// Airflow's task-level concurrency `max_active_tis_per_dag`: at most that many instances of one
// task, over all runs of its DAG, queued or running at once. Pure: the caller passes the counts.

export interface TaskConcurrencyInput {
  /** The task's `maxActiveTisPerDag`; null for no limit. */
  maxActiveTisPerDag: number | null;
  /** Instances of this task (any run of the DAG) queued or running now, including ones taken this pass. */
  active: number;
}

/** @returns null when one more instance may be queued, else the reason it waits. */
export function decideTaskConcurrency(input: TaskConcurrencyInput): string | null {
  if (input.maxActiveTisPerDag === null || input.active < input.maxActiveTisPerDag) return null;
  return `the task's maxActiveTisPerDag (${input.maxActiveTisPerDag}) is reached: ${input.active} instance(s) queued or running`;
}
