// Callbacks, as Airflow's on_*_callback: functions a DAG author attaches to a task (or to all
// tasks through defaultArgs) or to a DAG. They are not part of the serialized DAG (code, not
// data); the spec only records which exist. A callback that throws or outlives its timeout is
// logged and changes no state.
import type { JsonValue } from "@updraft/core";
import type { TaskContext } from "./context.ts";

/**
 * A task callback: receives the try's context and, for `onFailure` / `onRetry`, the error the try
 * ended with (null otherwise). It runs where the try ran, after the try's outcome is known (before
 * it for `onExecute`); its `ctx.log` lines go to the try's log.
 */
export type TaskCallback = (ctx: TaskContext, error: Error | null) => void | Promise<void>;

/** Task callbacks (Airflow's on_execute/on_success/on_failure/on_retry/on_skipped_callback). */
export interface TaskCallbacks {
  /** Right before the task's work starts, each try (Airflow's on_execute_callback). @defaultValue undefined */
  onExecute?: TaskCallback;
  /** After a try succeeded (Airflow's on_success_callback). @defaultValue undefined */
  onSuccess?: TaskCallback;
  /** After the last try failed, no retry left (Airflow's on_failure_callback). @defaultValue undefined */
  onFailure?: TaskCallback;
  /** After a try failed and a retry follows (Airflow's on_retry_callback). @defaultValue undefined */
  onRetry?: TaskCallback;
  /** After a try ended skipped (Airflow's on_skipped_callback). @defaultValue undefined */
  onSkipped?: TaskCallback;
}

export const TASK_CALLBACKS = ["onExecute", "onSuccess", "onFailure", "onRetry", "onSkipped"] as const;
export type TaskCallbackName = (typeof TASK_CALLBACKS)[number];

/** What a DAG callback receives about the run that finished. */
export interface DagRunCallbackContext {
  readonly dagId: string;
  readonly runId: string;
  readonly logicalDate: Date;
  /** The run's final state. */
  readonly state: "success" | "failed";
  /** Why it ended (e.g. "task_failure", "timed_out", "success"), as Airflow's callback `reason`. */
  readonly reason: string;
  /** The DAG's params with the run's conf applied over them. */
  readonly params: Readonly<Record<string, JsonValue>>;
  readonly conf: Readonly<Record<string, JsonValue>>;
  /** Writes a line to the callback runner's log (the scheduler's log, with the run named). */
  readonly log: (message: string, ...values: unknown[]) => void;
}

/** A DAG callback; `error` describes the failure for `onFailure` (null for `onSuccess`). */
export type DagCallback = (ctx: DagRunCallbackContext, error: Error | null) => void | Promise<void>;

/** DAG callbacks (Airflow's DAG on_success_callback / on_failure_callback). */
export interface DagCallbacks {
  /** When a run ends `success`. @defaultValue undefined */
  onSuccess?: DagCallback;
  /** When a run ends `failed`, including by its dagrunTimeout. @defaultValue undefined */
  onFailure?: DagCallback;
}

export const DAG_CALLBACKS = ["onSuccess", "onFailure"] as const;

/** The callbacks among `o`'s fields that are functions (anything else is refused by the caller). */
export function pickCallbacks<N extends string>(o: Record<string, unknown>, names: readonly N[]): Partial<Record<N, (...args: never[]) => unknown>> {
  const out: Partial<Record<N, (...args: never[]) => unknown>> = {};
  for (const name of names) if (typeof o[name] === "function") out[name] = o[name] as (...args: never[]) => unknown;
  return out;
}
