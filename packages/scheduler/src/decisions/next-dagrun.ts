// The DAG's next scheduled run, as Airflow's `next_dagrun` and its data interval: the interval
// the scheduler will create a run for next, given the latest scheduled run. It may lie in the past
// (a catchup, or a run due on the next pass); its run is created once the interval has ended.
import { isOnceSchedule, nextFireTime, previousFireTime } from "@updraft/core";
import type { PlannedRun } from "./plan-scheduled-runs.ts";

export interface NextDagrunState {
  /** Cron expression or preset; null for a DAG triggered only by hand. */
  schedule: string | null;
  /** ISO 8601; null means no scheduled runs, as in Airflow. */
  startDate: string | null;
  catchup: boolean;
  /** Logical date of the DAG's latest scheduled run, if any. */
  lastLogicalDate: Date | null;
  now: Date;
}

/**
 * Null for a DAG without a schedule or start date, and for `@once` once its run exists (Airflow's
 * OnceTimetable: its single run is at the start date, whatever `catchup` says). Uses the same
 * cursor as planScheduledRuns.
 */
export function nextDagrun(state: NextDagrunState): PlannedRun | null {
  if (!state.schedule || !state.startDate) return null;
  const { schedule, now } = state;
  const startDate = new Date(state.startDate);
  if (isOnceSchedule(schedule)) {
    return state.lastLogicalDate === null ? { logicalDate: startDate, dataIntervalStart: startDate, dataIntervalEnd: startDate } : null;
  }
  let cursor = state.lastLogicalDate ? nextFireTime(schedule, state.lastLogicalDate) : nextFireTime(schedule, new Date(startDate.getTime() - 1));
  if (!state.catchup) {
    const latestEnd = previousFireTime(schedule, new Date(now.getTime() + 1));
    const latestStart = previousFireTime(schedule, latestEnd);
    if (latestStart > cursor) cursor = latestStart;
  }
  return { logicalDate: cursor, dataIntervalStart: cursor, dataIntervalEnd: nextFireTime(schedule, cursor) };
}
