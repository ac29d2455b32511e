// Why a task instance is not running, in words — the question Airflow users ask daily. Built
// from the same facts and limits the scheduler decides with: for a scheduled task instance, the
// verdict of the claim's own plan (`claimVerdict`), so "ready" is said only of what the next
// claim takes.
import { evaluateTriggerRule, summarise, type DagRunState, type ProgressTransition, type TaskInstanceState, type TriggerRule } from "@updraft/core";
import type { ClaimVerdict } from "./claim-rooms.ts";
import { describeBlockReason } from "./select-task-instances.ts";

export interface WaitingFacts {
  dagId: string;
  runId: string;
  taskId: string;
  state: TaskInstanceState | null;
  nextRetryAt: Date | null;
  queue: string;
  pool: string;
  poolSlots: number;
  priorityWeight: number;
  triggerRule: TriggerRule;
  upstream: ReadonlyArray<{ taskId: string; state: TaskInstanceState | null }>;
  runState: DagRunState;
  dagIsPaused: boolean;
  /** False when no file defines the DAG now (deleted, or failing to import). Default: true. */
  dagIsActive?: boolean;
  /** Running runs of this DAG and its max active runs (for a queued run). */
  runningRuns: number;
  maxActiveRuns: number;
  /**
   * For a task instance without state: why `dependsOnPast` / `waitForDownstream` hold it (the
   * reason decideDependsOnPast gave progress), or undefined when they do not.
   */
  heldByPast?: string;
  /** For a scheduled task instance: what the next claim does with it. */
  claim?: ClaimVerdict;
  /**
   * For a task instance with no state yet: what the scheduler's progress decision
   * (`decideRunProgress` over the whole run, with branches) does with it on the next pass, or
   * null when it leaves it waiting. When given, the words come from it, so they cannot disagree
   * with the scheduler; without it only the trigger rule is read (branches not followed are then
   * unknown).
   */
  progress?: Pick<ProgressTransition, "to" | "reason"> | null;
  now: Date;
}

export interface Explanation {
  /** Short machine-readable kind of the wait. */
  reason: "not_waiting" | "dag_paused" | "dag_inactive" | "run_queued" | "upstream" | "depends_on_past" | "trigger_rule" | "retry_delay" | "limit" | "executor" | "finished";
  message: string;
}

export function explainWaiting(f: WaitingFacts): Explanation[] {
  if (f.state === "running") return [{ reason: "not_waiting", message: "the task instance is running" }];
  if (f.state === "removed") {
    return [{ reason: "finished", message: `the task instance is removed: its task is no longer in DAG "${f.dagId}" (or was not when the run went on)` }];
  }
  if (f.state !== null && ["success", "failed", "upstream_failed", "skipped"].includes(f.state)) {
    return [{ reason: "finished", message: `the task instance is finished (${f.state}); clear it to run it again` }];
  }
  const reasons: Explanation[] = [];
  if (f.dagIsPaused) reasons.push({ reason: "dag_paused", message: `DAG "${f.dagId}" is paused; unpause it to run its tasks` });
  const inactive = f.dagIsActive === false;
  if (inactive && f.runState === "queued") {
    reasons.push({ reason: "dag_inactive", message: `no file defines DAG "${f.dagId}" now (its file was deleted or fails to import; see import errors): its queued runs start when a file defines it again` });
  } else if (inactive && f.runState === "running") {
    reasons.push({
      reason: "dag_inactive",
      message: `no file defines DAG "${f.dagId}" now (its file was deleted or fails to import; see import errors): this run goes on with the DAG's last parsed definition, and a task whose file cannot be imported fails`,
    });
  }
  // Max active runs is named only when it is full: with room, a paused DAG's pause (said above) is why.
  if (f.runState === "queued" && !inactive && !(f.dagIsPaused && f.runningRuns < f.maxActiveRuns)) {
    reasons.push({
      reason: "run_queued",
      message: `the run waits in queued: ${f.runningRuns} of at most ${f.maxActiveRuns} runs of "${f.dagId}" are running (max active runs)`,
    });
  }
  switch (f.state) {
    case null:
      reasons.push(...explainUpstream(f));
      break;
    case "up_for_retry":
      reasons.push({
        reason: "retry_delay",
        message: f.nextRetryAt && f.nextRetryAt > f.now
          ? `waiting for its retry delay: the next try may start at ${f.nextRetryAt.toISOString()}`
          : "its retry delay has passed; the scheduler schedules it again on its next pass",
      });
      break;
    case "scheduled": {
      const claim = explainClaim(f);
      if (claim) reasons.push(claim);
      break;
    }
    case "queued":
      reasons.push({
        reason: "executor",
        message: `queued on "${f.queue}", waiting for an executor slot or a worker listening on queue "${f.queue}"`,
      });
      break;
    default:
      break;
  }
  return reasons;
}

function explainClaim(f: WaitingFacts): Explanation | null {
  const verdict = f.claim;
  if (!verdict) return null;
  switch (verdict.kind) {
    case "queued":
      return { reason: "limit", message: "ready; every limit has room, so the scheduler queues it on its next pass" };
    case "dag_paused":
    case "run_not_running":
      return null; // already said above (paused, or the run waits in queued)
    case "blocked":
      return { reason: "limit", message: `ready, but ${describeBlockReason(verdict.reason)}` };
    case "behind": {
      const which = { parallelism: "the installation's free slots", max_active_tasks: `the free slots of DAG "${f.dagId}"`, pool: `the open slots of pool "${f.pool}"` }[verdict.limit];
      return { reason: "limit", message: `ready, but task instances of higher priority (or older runs) take ${which} first` };
    }
  }
}

function explainUpstream(f: WaitingFacts): Explanation[] {
  if (f.progress !== undefined) return explainProgress(f, f.progress);
  const states = new Map(f.upstream.map((u) => [u.taskId, u.state]));
  const decision = evaluateTriggerRule(f.triggerRule, summarise([...states.keys()], states));
  const unfinished = f.upstream.filter((u) => u.state === null || !["success", "failed", "upstream_failed", "skipped", "removed"].includes(u.state));
  if (decision === "wait" && unfinished.length > 0) {
    const list = unfinished.map((u) => `${u.taskId} (${u.state ?? "no state yet"})`).join(", ");
    return [{ reason: "upstream", message: `waiting for upstream task(s) ${list} (trigger rule ${f.triggerRule})` }];
  }
  if (decision === "run" && f.heldByPast !== undefined) {
    return [{ reason: "depends_on_past", message: `its trigger rule ${f.triggerRule} is met, but ${f.heldByPast} (dependsOnPast)` }];
  }
  if (decision === "run") {
    return [{ reason: "trigger_rule", message: `its trigger rule ${f.triggerRule} is met; the scheduler schedules it on its next pass` }];
  }
  if (decision === "wait") {
    // Every upstream has ended (some `removed`) and the rule is still not met: nothing will change
    // it, so no pass runs it. Airflow's deadlock check fails the run once nothing else can run.
    const ended = f.upstream.map((u) => `${u.taskId} (${u.state})`).join(", ");
    return [{
      reason: "trigger_rule",
      message: `its trigger rule ${f.triggerRule} can no longer be met by its ended upstream task(s) ${ended}; it will not run, and the run fails as deadlocked once nothing else in it can run`,
    }];
  }
  return [{ reason: "trigger_rule", message: `its trigger rule ${f.triggerRule} is decided (${decision}); the scheduler settles it on its next pass` }];
}

// The words for the scheduler's own progress decision about this task instance.
function explainProgress(f: WaitingFacts, progress: Pick<ProgressTransition, "to" | "reason"> | null): Explanation[] {
  if (progress?.to === "scheduled") {
    return [{ reason: "trigger_rule", message: `its trigger rule ${f.triggerRule} is met; the scheduler schedules it on its next pass` }];
  }
  if (progress) return [{ reason: "trigger_rule", message: `the scheduler sets it ${progress.to} on its next pass: ${progress.reason}` }];
  const states = new Map(f.upstream.map((u) => [u.taskId, u.state]));
  if (evaluateTriggerRule(f.triggerRule, summarise([...states.keys()], states)) === "run") {
    // Met, yet the scheduler leaves it: another run holds it (depends on past, wait for downstream).
    if (f.heldByPast !== undefined) {
      return [{ reason: "depends_on_past", message: `its trigger rule ${f.triggerRule} is met, but ${f.heldByPast} (dependsOnPast)` }];
    }
    return [{ reason: "upstream", message: `its trigger rule ${f.triggerRule} is met, but it waits for its task in an earlier run (depends on past or wait for downstream)` }];
  }
  const unfinished = f.upstream.filter((u) => u.state === null || !["success", "failed", "upstream_failed", "skipped", "removed"].includes(u.state));
  if (unfinished.length > 0) {
    const list = unfinished.map((u) => `${u.taskId} (${u.state ?? "no state yet"})`).join(", ");
    return [{ reason: "upstream", message: `waiting for upstream task(s) ${list} (trigger rule ${f.triggerRule})` }];
  }
  const ended = f.upstream.map((u) => `${u.taskId} (${u.state})`).join(", ");
  return [{
    reason: "trigger_rule",
    message: `its trigger rule ${f.triggerRule} can no longer be met by its ended upstream task(s) ${ended}; it will not run, and the run fails as deadlocked once nothing else in it can run`,
  }];
}
