// Which scheduled runs a DAG is due, with Airflow's data intervals: the run for the interval
// [fire_k, fire_k+1) is created once fire_k+1 has passed, with logical date fire_k. Without
// catchup only the latest complete interval is run; with it, every interval since startDate.
import { nextFireTime, previousFireTime } from "@updraft/core";

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

/** Backfill: one run per schedule interval whose logical date lies in [start, end]. */
export function planBackfillRuns(schedule: string, start: Date, end: Date, limit = 10_000): PlannedRun[] {
  const planned: PlannedRun[] = [];
  for (let at = nextFireTime(schedule, new Date(start.getTime() - 1)); at <= end && planned.length < limit; ) {
    const next = nextFireTime(schedule, at);
    planned.push({ logicalDate: at, dataIntervalStart: at, dataIntervalEnd: next });
    at = next;
  }
  return planned;
}
