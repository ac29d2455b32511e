// Why a task instance ended without running (skipped, upstream_failed), in one line a user reads:
// "branch `choose` followed `small_batch`", "`extract` failed (trigger rule all_success)". The
// scheduler's progress decision, `dags test` and the API's task instance all say it the same way.
import type { TaskInstanceState } from "./states.ts";
import type { TriggerRule } from "./trigger-rules.ts";

export interface SettledFacts {
  state: TaskInstanceState | null;
  triggerRule: TriggerRule;
  /** The direct upstream task instances and their states, in the DAG's order. */
  upstream: ReadonlyArray<{ taskId: string; state: TaskInstanceState | null }>;
  /** A succeeded upstream branch task that did not follow this task, with what it followed. */
  notFollowedBy?: { branchId: string; followed: readonly string[] } | undefined;
}

const quote = (ids: readonly string[]): string => (ids.length === 0 ? "nothing" : ids.map((id) => `\`${id}\``).join(", "));

/**
 * The reason after the state, without the state itself ("`extract` failed (trigger rule
 * all_success)"), or null when the state is not one a task reaches without running.
 */
export function describeSettledState(facts: SettledFacts): string | null {
  if (facts.state === "skipped") {
    if (facts.notFollowedBy) return `branch \`${facts.notFollowedBy.branchId}\` followed ${quote(facts.notFollowedBy.followed)}`;
    const skipped = facts.upstream.filter((u) => u.state === "skipped").map((u) => u.taskId);
    const done = facts.upstream.filter((u) => u.state !== null).map((u) => `\`${u.taskId}\` ${u.state}`);
    if (skipped.length > 0) return `${quote(skipped)} ${skipped.length === 1 ? "was" : "were"} skipped (trigger rule ${facts.triggerRule})`;
    return `upstream ${done.length === 0 ? "states" : done.join(", ")} cannot meet trigger rule ${facts.triggerRule}`;
  }
  if (facts.state === "upstream_failed") {
    const failed = facts.upstream.filter((u) => u.state === "failed" || u.state === "upstream_failed");
    if (failed.length === 0) return `an upstream task failed (trigger rule ${facts.triggerRule})`;
    const parts = failed.map((u) => `\`${u.taskId}\` ${u.state === "failed" ? "failed" : "was upstream_failed"}`);
    return `${parts.join(", ")} (trigger rule ${facts.triggerRule})`;
  }
  return null;
}
