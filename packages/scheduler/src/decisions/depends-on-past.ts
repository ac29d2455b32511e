// Airflow's `depends_on_past` and `wait_for_downstream` (its PrevDagrunDep), as one pure
// function: may a task instance of this run be scheduled, given the same task's instance in the
// DAG's previous run (by logical date)?
import type { TaskInstanceState } from "@updraft/core";

/** What the decision needs about the previous run of the DAG; null when there is none. */
export interface PreviousRunView {
  runId: string;
  /** State of this task's instance in the previous run; undefined when it had none (task added since). */
  taskState: TaskInstanceState | null | undefined;
  /** States of the instances, in the previous run, of this task's direct downstream tasks. */
  downstreamStates: ReadonlyArray<TaskInstanceState | null>;
}

export interface DependsOnPastInput {
  /** The task's `dependsOnPast` (Airflow's `depends_on_past`); implied by `waitForDownstream`. */
  dependsOnPast: boolean;
  /** The task's `waitForDownstream` (Airflow's `wait_for_downstream`). */
  waitForDownstream: boolean;
  previous: PreviousRunView | null;
}

const DONE_FOR_PAST: ReadonlySet<TaskInstanceState | null> = new Set(["success", "skipped"]);

/**
 * As Airflow's PrevDagrunDep: with `dependsOnPast`, a task instance waits until the same task's
 * instance in the previous run ended `success` or `skipped`; with `waitForDownstream` also until
 * that instance's direct downstream instances did. The first run of a DAG, and a task that had
 * no instance in the previous run, do not wait.
 * @returns null when the task may be scheduled, else the reason it waits (for "why waiting").
 */
export function decideDependsOnPast(input: DependsOnPastInput): string | null {
  if (!input.dependsOnPast && !input.waitForDownstream) return null;
  const previous = input.previous;
  if (previous === null || previous.taskState === undefined) return null;
  if (!DONE_FOR_PAST.has(previous.taskState)) {
    return `depends on past: its instance in the previous run ${previous.runId} is ${previous.taskState ?? "not started"}, not success or skipped`;
  }
  if (input.waitForDownstream) {
    const pending = previous.downstreamStates.filter((s) => !DONE_FOR_PAST.has(s)).length;
    if (pending > 0) {
      return `wait for downstream: ${pending} downstream task instance(s) of the previous run ${previous.runId} have not ended success or skipped`;
    }
  }
  return null;
}
