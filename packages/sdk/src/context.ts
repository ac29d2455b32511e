// What a task function receives about the run it belongs to. The executor builds it.
import type { JsonValue } from "@updraft/core";

export interface TaskContext {
  readonly dagId: string;
  readonly runId: string;
  readonly taskId: string;
  /** 1 for the first try, 2 for the first retry, ... */
  readonly tryNumber: number;
  /** Total tries allowed: retries + 1. */
  readonly maxTries: number;
  /** The run's logical date (the start of its data interval for scheduled runs). */
  readonly logicalDate: Date;
  readonly dataIntervalStart: Date | null;
  readonly dataIntervalEnd: Date | null;
  /** The DAG's params with the run's conf applied over them. */
  readonly params: Readonly<Record<string, JsonValue>>;
  /** The conf the run was triggered with. */
  readonly conf: Readonly<Record<string, JsonValue>>;
  /** Writes a line to this try's log (shown in the dashboard and `tasks test`). */
  readonly log: (message: string, ...values: unknown[]) => void;
  /** Aborted when the try is killed (execution timeout, shutdown); pass it to fetch and friends. */
  readonly signal: AbortSignal;
}

const SKIP_BRAND = Symbol.for("updraft.task-skipped");

/** Thrown (via `skip()`) to end a task in `skipped` instead of success, like AirflowSkipException. */
export class TaskSkipped extends Error {
  readonly [SKIP_BRAND] = true;
  constructor(reason: string) {
    super(reason);
    this.name = "TaskSkipped";
  }
}

/** Ends the running task as `skipped`; downstream tasks follow their trigger rules. */
export function skip(reason = "skipped by the task"): never {
  throw new TaskSkipped(reason);
}

/** Brand check that works even if two copies of the SDK are loaded. */
export function isTaskSkipped(error: unknown): error is TaskSkipped {
  return typeof error === "object" && error !== null && SKIP_BRAND in error;
}
