// Whether a progress pass must read a running run's task instances at all. decideRunProgress only
// ever changes a task instance that has no state yet or is up_for_retry, and the run's state only
// when no task instance is unfinished; a dagrunTimeout that has passed ends the run whatever its
// task instances. A run with none of these (e.g. a wide run whose task instances are all
// scheduled, queued or running) comes out of the decision unchanged, so reading its thousands of
// task instances on every pass would be work for nothing (issue 10, item 1).

/** What the progress pass knows of a running run before reading its task instances. */
export interface RunProgressFacts {
  /** Some task instance has no state yet or is up_for_retry (the only ones the decision moves). */
  movable: boolean;
  /** Some task instance is not finished (no state, scheduled, queued, running, up_for_retry). */
  unfinished: boolean;
  /** The run's dagrunTimeout has passed (decideDagrunTimeout would fail it). */
  timeoutDue: boolean;
}

/**
 * @returns true when decideRunProgress or decideDagrunTimeout may change the run or one of its
 * task instances, i.e. the pass must read it; false when both would return "nothing to do"
 * (no transitions, run still running, not timed out).
 */
export function runMayProgress(facts: RunProgressFacts): boolean {
  return facts.movable || !facts.unfinished || facts.timeoutDue;
}
