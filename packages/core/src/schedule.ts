// DAG schedules: a cron expression or one of Airflow's presets, evaluated in UTC. Only the
// fire-time arithmetic lives here; deciding which runs to create is the scheduler's job.
import type * as CronParserModule from "cron-parser";
import { UpdraftError } from "./errors.ts";
import { lazyModule } from "./lazy-module.ts";

// cron-parser (and its date library) loads on first use: a task process never reads a schedule.
const cronParser = lazyModule<typeof CronParserModule>(import.meta.url, "cron-parser");
const cronExpressionParser = () => cronParser().CronExpressionParser;

/** Airflow's schedule presets and the cron expressions they stand for. */
export const SCHEDULE_PRESETS: Readonly<Record<string, string>> = {
  "@hourly": "0 * * * *",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@weekly": "0 0 * * 0",
  "@monthly": "0 0 1 * *",
  "@quarterly": "0 0 1 */3 *",
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
};

/** Airflow's `@once`: exactly one scheduled run, at the DAG's start date (its `OnceTimetable`). */
export const ONCE_SCHEDULE = "@once";

/** True for `@once`, which has no fire times: the scheduler plans its single run specially. */
export function isOnceSchedule(schedule: string): boolean {
  return schedule.trim() === ONCE_SCHEDULE;
}

function cronOf(schedule: string): string {
  if (isOnceSchedule(schedule)) {
    throw new UpdraftError("UPDRAFT_INTERNAL", `schedule "${ONCE_SCHEDULE}" has no fire times; plan its single run at the start date`);
  }
  return SCHEDULE_PRESETS[schedule.trim()] ?? schedule.trim();
}

/** Throws UPDRAFT_DAG_INVALID naming the DAG when the schedule is neither a preset nor valid cron. */
export function validateSchedule(dagId: string, schedule: string): void {
  if (isOnceSchedule(schedule)) return;
  const cron = cronOf(schedule);
  if (cron.startsWith("@") || cron.split(/\s+/).length !== 5) {
    throw new UpdraftError(
      "UPDRAFT_DAG_INVALID",
      `DAG "${dagId}" has schedule "${schedule}", which is neither a preset (${[...Object.keys(SCHEDULE_PRESETS), ONCE_SCHEDULE].join(", ")}) nor a 5-field cron expression`,
    );
  }
  try {
    cronExpressionParser().parse(cron, { tz: "UTC" });
  } catch (error) {
    throw new UpdraftError("UPDRAFT_DAG_INVALID", `DAG "${dagId}" has an invalid cron schedule "${schedule}": ${String(error)}`);
  }
}

/** The first fire time strictly after `after`. */
export function nextFireTime(schedule: string, after: Date): Date {
  return cronExpressionParser().parse(cronOf(schedule), { currentDate: after, tz: "UTC" }).next().toDate();
}

/** The last fire time strictly before `before`. */
export function previousFireTime(schedule: string, before: Date): Date {
  return cronExpressionParser().parse(cronOf(schedule), { currentDate: before, tz: "UTC" }).prev().toDate();
}
