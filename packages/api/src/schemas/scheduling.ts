// Schemas of the scheduling resources: a task instance's unmet dependencies and backfills.
import { Type } from "typebox";
import { DateTime } from "./common.ts";

export const TaskInstanceDependencies = Type.Object(
  {
    dependencies: Type.Array(
      Type.Object({
        name: Type.String({ description: "Kind of wait: dag_paused, dag_inactive, run_queued, upstream, depends_on_past, trigger_rule, retry_delay, limit, executor, finished, not_waiting" }),
        reason: Type.String({ description: "Why, in words" }),
      }),
    ),
  },
  { title: "TaskInstanceDependencyCollection" },
);

export const BackfillBody = Type.Object(
  {
    dag_id: Type.String({ minLength: 1 }),
    from_date: DateTime,
    to_date: DateTime,
  },
  { additionalProperties: false },
);
