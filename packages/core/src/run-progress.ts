// The heart of a DAG run's progress, as one pure function: given the states of its task
// instances, which ones become schedulable, which are settled without running (skipped,
// upstream_failed, branch not followed), and what the run's own state is. The scheduler and the
// sequential executor both call it, so `dags test` and a real run behave the same.
import { downstreamClosure, type DagGraph } from "./dag-graph.ts";
import { describeSettledState } from "./settled-reason.ts";
import { FINISHED_TASK_STATES, type DagRunState, type TaskInstanceState } from "./states.ts";
import { evaluateTriggerRule, type TriggerRule, type UpstreamSummary } from "./trigger-rules.ts";

export interface TaskInstanceSnapshot {
  state: TaskInstanceState | null;
  /** For `up_for_retry`: when the next try may start. */
  nextRetryAt?: Date | null;
}

export interface RunProgressInput {
  graph: DagGraph;
  triggerRules: ReadonlyMap<string, TriggerRule>;
  instances: ReadonlyMap<string, TaskInstanceSnapshot>;
  /** For each branch task that succeeded: the task ids it chose to follow. */
  branchFollowed: ReadonlyMap<string, readonly string[]>;
  now: Date;
  /**
   * Tasks held by another run (`dependsOnPast`, `waitForDownstream`; see
   * decideDependsOnPast in the scheduler), with the reason. Such a task is not scheduled even when
   * its trigger rule is met, and while one is unfinished the run is never called deadlocked, as
   * Airflow skips its deadlock check when a task `depends_on_past`. Default: none.
   */
  heldByOtherRuns?: ReadonlyMap<string, string>;
}

export type ProgressTransition = {
  taskId: string;
  to: Extract<TaskInstanceState, "scheduled" | "skipped" | "upstream_failed">;
  reason: string;
};

export interface RunProgress {
  /** State changes to apply, in dependency order (a cascade is already resolved). */
  transitions: ProgressTransition[];
  /** The run's state once the transitions are applied. */
  runState: Extract<DagRunState, "running" | "success" | "failed">;
  /** True when the run failed because no unfinished task instance can ever run (Airflow's deadlock). */
  deadlocked?: boolean;
}

export function decideRunProgress(input: RunProgressInput): RunProgress {
  const states = new Map<string, TaskInstanceState | null>();
  for (const taskId of input.graph.order) states.set(taskId, input.instances.get(taskId)?.state ?? null);

  const transitions: ProgressTransition[] = [];
  const set = (taskId: string, to: ProgressTransition["to"], reason: string) => {
    states.set(taskId, to);
    transitions.push({ taskId, to, reason });
  };

  const notFollowed = branchSkips(input);
  for (const taskId of input.graph.order) {
    const state = states.get(taskId) ?? null;
    if (state === "up_for_retry") {
      const at = input.instances.get(taskId)?.nextRetryAt;
      if (!at || at.getTime() <= input.now.getTime()) set(taskId, "scheduled", "retry delay has passed");
      continue;
    }
    if (state !== null) continue;
    const branch = notFollowed.get(taskId);
    if (branch !== undefined) {
      set(taskId, "skipped", settledReason(input, states, taskId, "skipped", branch));
      continue;
    }
    const rule = input.triggerRules.get(taskId) ?? "all_success";
    const decision = evaluateTriggerRule(rule, summarise(input.graph.upstream.get(taskId) ?? [], states));
    switch (decision) {
      case "run":
        if (input.heldByOtherRuns?.has(taskId)) break;
        set(taskId, "scheduled", `trigger rule ${rule} is met`);
        break;
      case "skip":
        set(taskId, "skipped", settledReason(input, states, taskId, "skipped"));
        break;
      case "upstream_failed":
        set(taskId, "upstream_failed", settledReason(input, states, taskId, "upstream_failed"));
        break;
      case "wait":
        break;
    }
  }
  const runState = runStateOf(input.graph, states);
  if (runState === "running" && isDeadlocked(states, input.heldByOtherRuns)) {
    return { transitions, runState: "failed", deadlocked: true };
  }
  return { transitions, runState };
}

// Airflow's DagRun.update_state deadlock: unfinished task instances remain, none is scheduled,
// queued, running or waiting for a retry, and no trigger rule let any of them run; nothing can
// change any more, so the run fails ("Deadlock; marking run failed").
function isDeadlocked(states: ReadonlyMap<string, TaskInstanceState | null>, external: ReadonlyMap<string, string> | undefined): boolean {
  let waiting = 0;
  for (const [taskId, state] of states) {
    if (state === null) {
      if (external?.has(taskId)) return false;
      waiting++;
    } else if (!FINISHED_TASK_STATES.has(state)) return false;
  }
  return waiting > 0;
}

// The one-line reason shown by `dags test` and stored nowhere: the API derives the same text.
function settledReason(
  input: RunProgressInput,
  states: ReadonlyMap<string, TaskInstanceState | null>,
  taskId: string,
  state: "skipped" | "upstream_failed",
  branchId?: string,
): string {
  const upstream = (input.graph.upstream.get(taskId) ?? []).map((id) => ({ taskId: id, state: states.get(id) ?? null }));
  const notFollowedBy = branchId === undefined ? undefined : { branchId, followed: input.branchFollowed.get(branchId) ?? [] };
  return describeSettledState({ state, triggerRule: input.triggerRules.get(taskId) ?? "all_success", upstream, notFollowedBy }) ?? state;
}

/** Summary of the direct upstream states that the trigger rule reads. */
export function summarise(
  upstream: readonly string[],
  states: ReadonlyMap<string, TaskInstanceState | null>,
): UpstreamSummary {
  const summary: UpstreamSummary = { total: upstream.length, success: 0, failed: 0, upstreamFailed: 0, skipped: 0, removed: 0 };
  for (const id of upstream) {
    switch (states.get(id)) {
      case "success":
        summary.success++;
        break;
      case "failed":
        summary.failed++;
        break;
      case "upstream_failed":
        summary.upstreamFailed++;
        break;
      case "skipped":
        summary.skipped++;
        break;
      case "removed":
        summary.removed++;
        break;
      default:
        break;
    }
  }
  return summary;
}

// Airflow's skip_all_except: a succeeded branch skips its direct downstream tasks that it did not
// follow, unless such a task is also downstream of a followed task (the "join" of the branches).
function branchSkips(input: RunProgressInput): Map<string, string> {
  const skipped = new Map<string, string>();
  for (const [branchId, followed] of input.branchFollowed) {
    const keep = new Set(followed);
    for (const f of followed) for (const d of downstreamClosure(input.graph, f)) keep.add(d);
    for (const down of input.graph.downstream.get(branchId) ?? []) {
      if (!keep.has(down)) skipped.set(down, branchId);
    }
  }
  return skipped;
}

// As in Airflow: the run is finished when every task instance is; it failed if a leaf task
// (one without downstream tasks) failed or had an upstream failure.
function runStateOf(graph: DagGraph, states: ReadonlyMap<string, TaskInstanceState | null>): RunProgress["runState"] {
  for (const state of states.values()) {
    if (state === null || !FINISHED_TASK_STATES.has(state)) return "running";
  }
  for (const [taskId, down] of graph.downstream) {
    if (down.length > 0) continue;
    const state = states.get(taskId);
    if (state === "failed" || state === "upstream_failed") return "failed";
  }
  return "success";
}
