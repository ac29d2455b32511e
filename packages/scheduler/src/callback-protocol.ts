// Messages between the scheduler's callback runner and its callback process.
import type { JsonValue } from "@updraft/core";

export interface CallbackRequest {
  /** Absolute path of the DAG file. */
  path: string;
  dagId: string;
  /** Set for a task callback (a lost try's onFailure / onRetry); absent for a DAG callback. */
  taskId?: string;
  /** onSuccess / onFailure (DAG), onFailure / onRetry (task). */
  which: string;
  runId: string;
  /** ISO 8601. */
  logicalDate: string;
  conf: Record<string, JsonValue>;
  /** DAG callback: the run's final state and Airflow's reason ("success", "task_failure", "timed_out"). */
  state?: "success" | "failed";
  reason?: string;
  /** Task callback: the lost try. */
  tryNumber?: number;
  /** The error passed to the callback (null for onSuccess). */
  error: string | null;
  timeoutMs: number;
}

export type CallbackMessage = { type: "log"; line: string } | { type: "done"; ran: boolean; error: string | null };
