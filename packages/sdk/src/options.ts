// The options a DAG author sets, with their defaults. These types are the public SDK surface:
// every option documents its default and unit.
import type { Duration, JsonValue, TriggerRule } from "@updraft/core";
import type { DagCallbacks, TaskCallbacks } from "./callbacks.ts";
import type { Param } from "./param.ts";

/** Options every kind of task accepts (task, bash, branch, sensor), callbacks included. */
export interface TaskOptions extends TaskCallbacks {
  /** Unique id of the task within its DAG: letters, digits, `_`, `-` and `.`. */
  taskId: string;
  /**
   * How many times a failed try is retried before the task instance fails.
   * @defaultValue 0
   */
  retries?: number;
  /**
   * Wait before the next try: seconds, or a string such as `"30s"`, `"5m"`.
   * @defaultValue 300 // seconds, as in Airflow
   */
  retryDelay?: Duration;
  /**
   * Double the retry delay after every failed try (delay × 2^(try−1)).
   * @defaultValue false
   */
  retryExponentialBackoff?: boolean;
  /**
   * Upper bound of the retry delay when backing off exponentially.
   * @defaultValue 86400 // seconds (one day)
   */
  maxRetryDelay?: Duration;
  /**
   * A try running longer than this is killed and counts as failed (then retried if it has retries left).
   * @defaultValue undefined // no limit
   */
  executionTimeout?: Duration;
  /**
   * Queue the task is routed to; only workers started with `--queues` including it take it.
   * @defaultValue "default"
   */
  queue?: string;
  /**
   * Pool whose slots the running task occupies.
   * @defaultValue "default_pool"
   */
  pool?: string;
  /**
   * Slots of the pool the task occupies while it runs.
   * @defaultValue 1
   */
  poolSlots?: number;
  /**
   * Among ready tasks competing for slots, a higher weight starts first (across the installation).
   * @defaultValue 1
   */
  priorityWeight?: number;
  /**
   * When the task runs, judged from the states of its direct upstream tasks.
   * @defaultValue "all_success"
   */
  triggerRule?: TriggerRule;
  /** Free text shown in the dashboard. @defaultValue undefined */
  doc?: string;
  /**
   * Airflow's `depends_on_past`: an instance of this task waits until the same task's instance
   * in the DAG's previous run (by logical date) ended `success` or `skipped`. The first run, and a
   * task new since the previous run, do not wait. "Why waiting" names it.
   * @defaultValue false
   */
  dependsOnPast?: boolean;
  /**
   * Airflow's `wait_for_downstream`: as `dependsOnPast` (which it implies), and also wait until the
   * previous instance's direct downstream instances ended `success` or `skipped`.
   * @defaultValue false
   */
  waitForDownstream?: boolean;
  /**
   * Airflow's `max_active_tis_per_dag`: instances of this task, over all runs of its DAG, queued or
   * running at once.
   * @defaultValue undefined // no task-level limit
   */
  maxActiveTisPerDag?: number;
}

/** Task options that a DAG's `defaultArgs` may set for all of its tasks. */
export type DefaultArgs = Omit<TaskOptions, "taskId">;

/** Options of a DAG, with its run callbacks (`onSuccess`, `onFailure`). */
export interface DagOptions extends DagCallbacks {
  /** Unique id of the DAG across the DAGs folder: letters, digits, `_`, `-` and `.`. */
  dagId: string;
  /**
   * When runs are created: a 5-field cron expression (UTC) or a preset (`@hourly`, `@daily`,
   * `@weekly`, `@monthly`, `@quarterly`, `@yearly`), or `@once` for exactly one scheduled run at
   * `startDate` (Airflow's `@once`); `null` means manual triggers only.
   * @defaultValue null
   */
  schedule?: string | null;
  /**
   * First logical date the schedule may produce (a Date or an ISO 8601 string; UTC when no zone is given).
   * @defaultValue undefined // required when a schedule is set
   */
  startDate?: Date | string;
  /**
   * Create the runs for every interval missed since `startDate` (true), or only the latest (false).
   * @defaultValue false
   */
  catchup?: boolean;
  /**
   * DAG runs of this DAG running at once; more wait in `queued`.
   * @defaultValue UPDRAFT_MAX_ACTIVE_RUNS_PER_DAG (16)
   */
  maxActiveRuns?: number;
  /**
   * Task instances of this DAG (over all its runs) running at once.
   * @defaultValue UPDRAFT_MAX_ACTIVE_TASKS_PER_DAG (16)
   */
  maxActiveTasks?: number;
  /**
   * Airflow's `dagrun_timeout`: a run still unfinished this long after it started is failed and
   * its unfinished task instances are set to `skipped`, as Airflow does.
   * @defaultValue undefined // no timeout
   */
  dagrunTimeout?: Duration;
  /** Task options applied to every task of the DAG unless the task sets them. @defaultValue {} */
  defaultArgs?: DefaultArgs;
  /** Labels to filter DAGs by in the dashboard and API. @defaultValue [] */
  tags?: string[];
  /** One line about the DAG. @defaultValue undefined */
  description?: string;
  /**
   * Run parameters with their defaults; a run's `conf` overrides them and tasks read the merged
   * result as `ctx.params`. The dashboard builds its trigger form from them. A value made with
   * `param(default, schema)` is typed: a manual run's value is validated against its JSON Schema.
   * @defaultValue {}
   */
  params?: Record<string, JsonValue | Param>;
}
