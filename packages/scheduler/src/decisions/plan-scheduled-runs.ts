// Which scheduled runs a DAG is due, with Airflow's data intervals: the run for the interval
// [fire_k, fire_k+1) is created once fire_k+1 has passed, with logical date fire_k. Without
// catchup only the latest complete interval is run; with it, every interval since startDate.
import { isOnceSchedule, nextFireTime, previousFireTime, UpdraftError } from "@updraft/core";

export interface PlannedRun {
  logicalDate: Date;
  dataIntervalStart: Date;
  dataIntervalEnd: Date;
}

export interface ScheduleState {
  schedule: string;
  startDate: Date;
  catchup: boolean;
  /** Logical date of the DAG's latest scheduled run, if any. */
  lastLogicalDate: Date | null;
  now: Date;
  /** At most this many runs per call, so a long catchup is spread over several passes. */
  limit: number;
}

export function planScheduledRuns(state: ScheduleState): PlannedRun[] {
  const { schedule, now } = state;
  if (isOnceSchedule(schedule)) return planOnceRun(state);
  const firstStart = nextFireTime(schedule, new Date(state.startDate.getTime() - 1));
  let cursor = state.lastLogicalDate ? nextFireTime(schedule, state.lastLogicalDate) : firstStart;
  if (!state.catchup) {
    const latestEnd = previousFireTime(schedule, new Date(now.getTime() + 1));
    const latestStart = previousFireTime(schedule, latestEnd);
    if (latestStart > cursor) cursor = latestStart;
  }
  const planned: PlannedRun[] = [];
  for (let end = nextFireTime(schedule, cursor); end <= now && planned.length < state.limit; end = nextFireTime(schedule, cursor)) {
    planned.push({ logicalDate: cursor, dataIntervalStart: cursor, dataIntervalEnd: end });
    cursor = end;
  }
  return planned;
}

/**
 * `@once`, as Airflow's OnceTimetable: a single run with logical date and data interval at the
 * start date, whatever `catchup` says, created once the start date has come; never another.
 */
function planOnceRun(state: ScheduleState): PlannedRun[] {
  if (state.lastLogicalDate !== null || state.limit < 1 || state.startDate > state.now) return [];
  return [{ logicalDate: state.startDate, dataIntervalStart: state.startDate, dataIntervalEnd: state.startDate }];
}

/**
 * Backfill: one run per schedule interval whose logical date lies in [start, end].
 * @throws UpdraftError UPDRAFT_INVALID_INPUT for `@once`, which has no intervals to backfill.
 */
export function planBackfillRuns(schedule: string, start: Date, end: Date, limit = 10_000): PlannedRun[] {
  if (isOnceSchedule(schedule)) {
    throw new UpdraftError("UPDRAFT_INVALID_INPUT", `schedule "@once" has no intervals to backfill; trigger the DAG instead`);
  }
  const planned: PlannedRun[] = [];
  for (let at = nextFireTime(schedule, new Date(start.getTime() - 1)); at <= end && planned.length < limit; ) {
    const next = nextFireTime(schedule, at);
    planned.push({ logicalDate: at, dataIntervalStart: at, dataIntervalEnd: next });
    at = next;
  }
  return planned;
}
