// Trigger rules decide, from the states of a task's direct upstream tasks, whether it may run,
// must wait, or is settled without running. Semantics follow Airflow's TriggerRuleDep with
// flag_upstream_failed, so a DAG behaves as an Airflow user expects.

export const TRIGGER_RULES = [
  "all_success",
  "all_failed",
  "all_done",
  "all_done_min_one_success",
  "one_success",
  "one_failed",
  "one_done",
  "none_failed",
  "none_failed_min_one_success",
  "none_skipped",
  "all_skipped",
  "always",
] as const;
export type TriggerRule = (typeof TRIGGER_RULES)[number];

export function isTriggerRule(value: string): value is TriggerRule {
  return (TRIGGER_RULES as readonly string[]).includes(value);
}

/** Counts of direct upstream task instances by outcome. */
export interface UpstreamSummary {
  total: number;
  success: number;
  failed: number;
  upstreamFailed: number;
  skipped: number;
  removed: number;
}

/** What a trigger rule says about a task whose upstream is as summarised. */
export type TriggerDecision = "run" | "wait" | "skip" | "upstream_failed";

export function evaluateTriggerRule(rule: TriggerRule, up: UpstreamSummary): TriggerDecision {
  // A task without upstream tasks has nothing to wait for, whatever its rule (as in Airflow).
  if (up.total === 0) return "run";
  const failures = up.failed + up.upstreamFailed;
  // Removed upstream tasks no longer exist in the DAG; they count as done and satisfied.
  const done = up.success + failures + up.skipped + up.removed;
  const allDone = done >= up.total;

  switch (rule) {
    case "all_success":
      if (failures > 0) return "upstream_failed";
      if (up.skipped > 0) return "skip";
      return allDone ? "run" : "wait";
    case "all_failed":
      if (up.success > 0 || up.skipped > 0) return "skip";
      return allDone ? "run" : "wait";
    case "all_done":
      return allDone ? "run" : "wait";
    case "all_done_min_one_success":
      if (!allDone) return "wait";
      return up.success > 0 ? "run" : "skip";
    case "one_success":
      if (up.success > 0) return "run";
      if (!allDone) return "wait";
      return up.skipped === up.total ? "skip" : "upstream_failed";
    case "one_failed":
      if (failures > 0) return "run";
      return allDone ? "skip" : "wait";
    case "one_done":
      if (up.success > 0 || failures > 0) return "run";
      return allDone ? "skip" : "wait";
    case "none_failed":
      if (failures > 0) return "upstream_failed";
      return allDone ? "run" : "wait";
    case "none_failed_min_one_success":
      if (failures > 0) return "upstream_failed";
      if (!allDone) return "wait";
      return up.success > 0 ? "run" : "skip";
    case "none_skipped":
      if (up.skipped > 0) return "skip";
      return allDone ? "run" : "wait";
    case "all_skipped":
      if (up.success > 0 || failures > 0) return "skip";
      return allDone ? "run" : "wait";
    case "always":
      return "run";
  }
}
