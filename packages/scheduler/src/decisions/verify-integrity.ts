// A run in flight keeps matching its DAG's current definition, as Airflow's
// `DagRun.verify_integrity` and `task_instance_scheduling_decisions` do: a task the DAG gained gets
// a task instance (no state yet) so the run waits for it; an unfinished task instance of a task the
// DAG lost becomes `removed`, so the run does not wait for work that no longer exists; a `removed`
// task instance whose task came back is restored (no state yet).
import { FINISHED_TASK_STATES, type TaskInstanceState } from "@updraft/core";

export interface IntegrityChanges {
  /** Task ids of the DAG without a task instance in the run: create one, no state yet. */
  create: string[];
  /** Task instances of tasks the DAG no longer has, not finished yet: mark them `removed`. */
  remove: string[];
  /** `removed` task instances whose task is in the DAG again: back to no state. */
  restore: string[];
}

/**
 * Compares a run's task instances with its DAG's tasks.
 *
 * Unlike Airflow, which marks every task instance of a vanished task `removed` (even a succeeded
 * one), a finished task instance keeps its state: its outcome is history, and a task the DAG no
 * longer has is not part of the run's state either way.
 *
 * @param taskIds the tasks of the DAG's current definition
 * @param instances the run's task instances: task id -> state (`null`: no state yet)
 */
export function verifyRunIntegrity(
  taskIds: readonly string[],
  instances: ReadonlyMap<string, TaskInstanceState | null>,
): IntegrityChanges {
  const inDag = new Set(taskIds);
  const changes: IntegrityChanges = { create: [], remove: [], restore: [] };
  for (const taskId of taskIds) {
    if (!instances.has(taskId)) changes.create.push(taskId);
    else if (instances.get(taskId) === "removed") changes.restore.push(taskId);
  }
  for (const [taskId, state] of instances) {
    if (inDag.has(taskId)) continue;
    if (state === null || !FINISHED_TASK_STATES.has(state)) changes.remove.push(taskId);
  }
  return changes;
}

/** True when the run's task instances already match its DAG. */
export function isIntact(changes: IntegrityChanges): boolean {
  return changes.create.length === 0 && changes.remove.length === 0 && changes.restore.length === 0;
}
