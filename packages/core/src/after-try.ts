// What a task instance becomes when a try ends: success, skipped, up for retry (with the time of
// the next try) or failed. Pure; the worker or executor that saw the try end applies it.
import { nextRetryAt, type RetryPolicy } from "./retry.ts";
import type { TaskInstanceState } from "./states.ts";

export type TryResult = "success" | "skipped" | "failed";

export interface AfterTry {
  state: Extract<TaskInstanceState, "success" | "skipped" | "failed" | "up_for_retry">;
  nextRetryAt: Date | null;
}

/**
 * @param tryNumber the try that just ended (1-based)
 * @param maxTries the last try number allowed (retries + 1, raised when a task is cleared)
 * @param retryable false for a failure that retries must not repeat, such as a sensor reaching
 *   its timeout (Airflow's `AirflowSensorTimeout`, since 2.2 fails the task at once). Default true.
 */
export function decideAfterTry(result: TryResult, tryNumber: number, maxTries: number, policy: RetryPolicy, now: Date, retryable = true): AfterTry {
  if (result !== "failed") return { state: result, nextRetryAt: null };
  if (retryable && tryNumber < maxTries) return { state: "up_for_retry", nextRetryAt: nextRetryAt(policy, tryNumber, now) };
  return { state: "failed", nextRetryAt: null };
}
