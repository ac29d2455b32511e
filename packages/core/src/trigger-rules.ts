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

/**
 * Airflow's `TriggerRuleDep` with `flag_upstream_failed` (airflow/ti_deps/deps/trigger_rule_dep.py,
 * Airflow 3.1, non-mapped tasks), as one pure function. First the rule may settle the task
 * (`skip` or `upstream_failed`) from the upstream counts; otherwise it runs when the rule is met
 * and waits when it is not.
 *
 * As in Airflow, `removed` counts as done but never as success, failed or skipped: a rule that
 * needs those (e.g. `all_success` with a removed upstream) waits; the run then ends by the
 * deadlock check in {@link decideRunProgress}. `one_done` counts only success and failed.
 * `all_done_min_one_success` (Airflow 3.1) skips at once when an upstream was skipped, and is
 * `upstream_failed` when every upstream ended and none succeeded.
 *
 * @param up counts of the direct upstream task instances by state; `total` is the number of
 *   direct upstream tasks (unfinished ones are `total` minus the counted ones)
 */
export function evaluateTriggerRule(rule: TriggerRule, up: UpstreamSummary): TriggerDecision {
  // A task without upstream tasks has nothing to wait for, whatever its rule (as in Airflow).
  if (up.total === 0) return "run";
  return settledBy(rule, up) ?? (isMet(rule, up) ? "run" : "wait");
}

// Airflow's first phase: the upstream states already decide the task's own state.
function settledBy(rule: TriggerRule, up: UpstreamSummary): "skip" | "upstream_failed" | null {
  const failures = up.failed + up.upstreamFailed;
  const done = up.success + failures + up.skipped + up.removed;
  const upstreamDone = done >= up.total;
  switch (rule) {
    case "all_success":
      if (failures > 0) return "upstream_failed";
      return up.skipped > 0 ? "skip" : null;
    case "all_failed":
      return up.success > 0 || up.skipped > 0 ? "skip" : null;
    case "all_done":
    case "always":
      return null;
    case "all_done_min_one_success":
      if (up.skipped > 0) return "skip";
      return done - up.skipped >= up.total - up.skipped && up.success === 0 ? "upstream_failed" : null;
    case "one_success":
      if (upstreamDone && done === up.skipped) return "skip";
      return upstreamDone && up.success === 0 ? "upstream_failed" : null;
    case "one_failed":
      return upstreamDone && failures === 0 ? "skip" : null;
    case "one_done":
      return upstreamDone && up.failed === 0 && up.success === 0 ? "skip" : null;
    case "none_failed":
      return failures > 0 ? "upstream_failed" : null;
    case "none_failed_min_one_success":
      if (failures > 0) return "upstream_failed";
      return up.skipped === up.total ? "skip" : null;
    case "none_skipped":
      return up.skipped > 0 ? "skip" : null;
    case "all_skipped":
      return up.success > 0 || failures > 0 ? "skip" : null;
  }
}

// Airflow's second phase: is the rule met (run) or not yet (wait)?
function isMet(rule: TriggerRule, up: UpstreamSummary): boolean {
  const failures = up.failed + up.upstreamFailed;
  const done = up.success + failures + up.skipped + up.removed;
  switch (rule) {
    case "all_success":
      return up.success >= up.total;
    case "all_failed":
      return failures >= up.total;
    case "all_done":
      return done >= up.total;
    case "all_done_min_one_success":
      return done - up.skipped >= up.total - up.skipped && up.success > 0;
    case "one_success":
      return up.success > 0;
    case "one_failed":
      return failures > 0;
    case "one_done":
      return up.success + up.failed > 0;
    case "none_failed":
    case "none_failed_min_one_success":
      return up.success + up.skipped >= up.total;
    case "none_skipped":
      return done >= up.total && up.skipped === 0;
    case "all_skipped":
      return up.skipped >= up.total;
    case "always":
      return true;
  }
}
