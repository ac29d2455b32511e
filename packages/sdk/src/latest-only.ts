// latestOnly(): Airflow's LatestOnlyOperator. A branch task that follows all its direct
// downstream tasks when the run is the latest scheduled interval (or was not scheduled at all),
// and skips them otherwise, so a catchup or backfill does not repeat work only the newest run needs.
import { isLatestRun, nextFireTime } from "@updraft/core";
import { FOLLOW_ALL_DOWNSTREAM } from "./branch-choice.ts";
import { activeBuilder } from "./builder.ts";
import type { TaskOptions } from "./options.ts";
import type { TaskHandle } from "./task-handle.ts";

/**
 * A task that lets its direct downstream tasks run only in the DAG's latest scheduled run, as
 * Airflow's `LatestOnlyOperator`: a run proceeds when now lies after its data interval's end and
 * no later than the next interval's end. A run without a data interval (triggered by hand or by
 * the API, Airflow's `external_trigger`) and a DAG without a schedule always proceed. Skipped
 * downstream tasks' own downstream tasks follow their trigger rules, as after any branch.
 * @param options task options; `taskId` defaults to `"latest_only"`
 * @returns the handle; its result is the list of followed task ids
 */
export function latestOnly(options: Partial<TaskOptions> = {}): TaskHandle<string[]> {
  const builder = activeBuilder("latestOnly");
  const schedule = builder.schedule;
  return builder.addTask(
    { taskId: "latest_only", ...options },
    {
      kind: "branch",
      choose: (ctx) => {
        const end = ctx.dataIntervalEnd;
        const next = end === null || schedule === null || schedule.startsWith("@once") ? null : nextFireTime(schedule, end);
        const latest = isLatestRun({ externallyTriggered: end === null, dataIntervalEnd: end, nextDataIntervalEnd: next, now: new Date() });
        ctx.log(
          latest
            ? "the run is the latest (or was triggered): its downstream tasks run"
            : `not the latest run (interval ends ${end!.toISOString()}, the next interval ends ${next!.toISOString()}): its downstream tasks are skipped`,
        );
        return latest ? FOLLOW_ALL_DOWNSTREAM : [];
      },
    },
  );
}
