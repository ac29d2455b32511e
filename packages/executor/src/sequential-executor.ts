// The sequential executor behind `updraft dags test`: one run of a DAG in this process, one task
// at a time, in dependency order. Which task may run next is decided by the same pure function
// the scheduler uses (decideRunProgress), so trigger rules, skips and retries behave alike.
import {
  decideAfterTry,
  decideRunProgress,
  type DagRunState,
  type JsonValue,
  type TaskInstanceSnapshot,
  type TaskInstanceState,
} from "@updraft/core";
import type { Dag } from "@updraft/sdk";
import type { TryRunner } from "./pooled-try-runner.ts";
import { runTry } from "./run-try.ts";
import type { LogLine, TryOutcome } from "./task-outcome.ts";

export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** What the caller hears while the run goes on (the CLI prints it). */
export interface RunReporter {
  taskStarted?(taskId: string, tryNumber: number): void;
  log?(taskId: string, tryNumber: number, line: LogLine): void;
  taskFinished?(taskId: string, tryNumber: number, outcome: TryOutcome, nextState: TaskInstanceState): void;
  taskSettled?(taskId: string, state: TaskInstanceState, reason: string): void;
}

export interface SequentialRunOptions {
  dag: Dag;
  runId: string;
  conf?: Record<string, JsonValue>;
  logicalDate?: Date;
  reporter?: RunReporter;
  clock?: Clock;
  /**
   * Where each try runs. Default: in this process (runTry), which cannot stop a task that spins
   * synchronously past its executionTimeout; `updraft dags test` passes pooledTryRunner so it can.
   */
  runner?: TryRunner;
}

export interface TaskInstanceReport {
  state: TaskInstanceState | null;
  tries: number;
  result: JsonValue | undefined;
}

export interface SequentialRunResult {
  state: Extract<DagRunState, "success" | "failed">;
  taskInstances: Map<string, TaskInstanceReport>;
}

export async function runDagSequentially(options: SequentialRunOptions): Promise<SequentialRunResult> {
  const { dag, reporter = {}, clock = systemClock, runner = runTry } = options;
  const logicalDate = options.logicalDate ?? clock.now();
  const instances = new Map<string, TaskInstanceSnapshot & { tries: number }>(
    dag.taskIds.map((id) => [id, { state: null, tries: 0 }]),
  );
  const results = new Map<string, JsonValue>();
  const branchFollowed = new Map<string, string[]>();
  const triggerRules = new Map(dag.taskIds.map((id) => [id, dag.task(id).spec.triggerRule]));

  for (;;) {
    const progress = decideRunProgress({ graph: dag.graph, triggerRules, instances, branchFollowed, now: clock.now() });
    for (const t of progress.transitions) {
      instances.get(t.taskId)!.state = t.to;
      if (t.to !== "scheduled") reporter.taskSettled?.(t.taskId, t.to, t.reason);
    }
    if (progress.runState !== "running") {
      const taskInstances = new Map(
        [...instances].map(([id, ti]) => [id, { state: ti.state, tries: ti.tries, result: results.get(id) }]),
      );
      return { state: progress.runState, taskInstances };
    }

    const next = pickNext(dag, instances);
    if (!next) {
      // Nothing runnable: wait for the earliest retry to come due.
      const due = Math.min(...[...instances.values()].map((ti) => ti.nextRetryAt?.getTime() ?? Infinity));
      await clock.sleep(Math.max(0, due - clock.now().getTime()));
      continue;
    }

    const ti = instances.get(next)!;
    ti.tries += 1;
    ti.state = "running";
    const tryNumber = ti.tries;
    reporter.taskStarted?.(next, tryNumber);
    const spec = dag.task(next).spec;
    const outcome = await runner({
      dag,
      taskId: next,
      runId: options.runId,
      tryNumber,
      logicalDate,
      dataIntervalStart: null,
      dataIntervalEnd: null,
      conf: options.conf ?? {},
      inputs: Object.fromEntries(Object.entries(spec.inputs).map(([name, up]) => [name, results.get(up)])),
      sink: (line) => reporter.log?.(next, tryNumber, line),
    });

    if (outcome.state === "success") {
      results.set(next, outcome.result);
      if (spec.kind === "branch") branchFollowed.set(next, outcome.result as string[]);
    }
    const retryable = !(outcome.state === "failed" && outcome.final === true);
    const after = decideAfterTry(outcome.state, tryNumber, spec.retries + 1, spec, clock.now(), retryable);
    ti.state = after.state;
    ti.nextRetryAt = after.nextRetryAt;
    reporter.taskFinished?.(next, tryNumber, outcome, ti.state);
  }
}

// Highest priority weight first, then dependency order: what the scheduler would pick with one slot.
function pickNext(dag: Dag, instances: Map<string, { state: TaskInstanceState | null }>): string | undefined {
  let best: string | undefined;
  for (const id of dag.taskIds) {
    if (instances.get(id)!.state !== "scheduled") continue;
    if (best === undefined || dag.task(id).spec.priorityWeight > dag.task(best).spec.priorityWeight) best = id;
  }
  return best;
}
