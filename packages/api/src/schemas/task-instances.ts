// Request and response schemas of task instances, their tries, logs and the clear action.
import { TASK_INSTANCE_STATES } from "@updraft/core";
import { Type } from "typebox";
import { DateTime, nullable, NullableDateTime, pageQuery } from "./common.ts";

const NullableTaskState = nullable(Type.Enum([...TASK_INSTANCE_STATES]));

const taskInstanceFields = {
  task_id: Type.String(),
  dag_id: Type.String(),
  dag_run_id: Type.String(),
  state: NullableTaskState,
  start_date: NullableDateTime,
  end_date: NullableDateTime,
  duration: nullable(Type.Number({ description: "Seconds" })),
  try_number: Type.Integer(),
  max_tries: Type.Integer(),
  hostname: Type.String({ description: "Empty until a try started" }),
  worker_name: nullable(Type.String({ description: "The worker (or local executor) that ran the current try" })),
  pid: nullable(Type.Integer()),
  queue: Type.String(),
  pool: Type.String(),
  pool_slots: Type.Integer(),
  priority_weight: Type.Integer(),
  queued_when: NullableDateTime,
  next_retry_at: NullableDateTime,
  map_index: Type.Integer({ description: "-1: not a mapped task" }),
  note: nullable(Type.String()),
};

export const TaskInstance = Type.Object(taskInstanceFields, { title: "TaskInstance" });

export const TaskInstanceCollection = Type.Object({
  task_instances: Type.Array(TaskInstance),
  total_entries: Type.Integer(),
});

export const TaskInstanceTry = Type.Object({
  try_number: Type.Integer(),
  state: Type.Enum([...TASK_INSTANCE_STATES]),
  start_date: NullableDateTime,
  end_date: NullableDateTime,
  duration: nullable(Type.Number()),
  hostname: nullable(Type.String()),
  worker_name: nullable(Type.String()),
  error: nullable(Type.String()),
});

export const TaskInstanceDetail = Type.Object({
  ...taskInstanceFields,
  tries: Type.Array(TaskInstanceTry),
  result: Type.Unknown({ description: "The task's return value (XCom return_value), or null" }),
  state_reason: nullable(
    Type.String({ description: "Why a skipped or upstream_failed task instance did not run, e.g. \"branch `choose` followed `small_batch`\"" }),
  ),
});

export const TaskInstanceListQuery = Type.Object(pageQuery, { additionalProperties: false });

export const MarkTaskInstanceBody = Type.Object(
  {
    new_state: Type.Enum(["success", "failed", "skipped"], { description: "success, failed or skipped" }),
    dry_run: Type.Optional(Type.Boolean({ description: "Accepted for Airflow clients; the answer is the same without it" })),
  },
  { additionalProperties: false },
);

const relatives = {
  include_upstream: Type.Optional(Type.Boolean({ default: false })),
  include_downstream: Type.Optional(Type.Boolean({ default: false })),
  include_future: Type.Optional(Type.Boolean({ default: false, description: "The same tasks in later runs of the DAG" })),
  include_past: Type.Optional(Type.Boolean({ default: false, description: "The same tasks in earlier runs of the DAG" })),
};

/** Airflow's UpdateTaskInstancesState. */
export const UpdateTaskInstancesStateBody = Type.Object(
  {
    dag_run_id: Type.Optional(Type.String({ minLength: 1 })),
    execution_date: Type.Optional(DateTime),
    task_id: Type.String({ minLength: 1 }),
    new_state: Type.Enum(["success", "failed", "skipped"]),
    dry_run: Type.Optional(Type.Boolean({ default: true, description: "As Airflow, true unless set: only report" })),
    ...relatives,
  },
  { additionalProperties: false },
);

export const TaskInstanceReferenceCollection = Type.Object({
  task_instances: Type.Array(
    Type.Object({ dag_id: Type.String(), dag_run_id: Type.String(), task_id: Type.String(), execution_date: DateTime }),
  ),
});

/** Airflow's ListTaskInstanceForm (POST /dags/~/dagRuns/~/taskInstances/list). */
export const TaskInstanceBatchBody = Type.Object(
  {
    dag_ids: Type.Optional(Type.Array(Type.String(), { maxItems: 1000 })),
    dag_run_ids: Type.Optional(Type.Array(Type.String(), { maxItems: 1000 })),
    task_ids: Type.Optional(Type.Array(Type.String(), { maxItems: 1000 })),
    state: Type.Optional(Type.Array(nullable(Type.Enum([...TASK_INSTANCE_STATES, "none"])))),
    pool: Type.Optional(Type.Array(Type.String())),
    queue: Type.Optional(Type.Array(Type.String())),
    executor: Type.Optional(Type.Array(Type.String())),
    duration_gte: Type.Optional(Type.Number()),
    duration_lte: Type.Optional(Type.Number()),
    start_date_gte: Type.Optional(DateTime),
    start_date_lte: Type.Optional(DateTime),
    end_date_gte: Type.Optional(DateTime),
    end_date_lte: Type.Optional(DateTime),
    execution_date_gte: Type.Optional(DateTime),
    execution_date_lte: Type.Optional(DateTime),
    page_offset: Type.Optional(Type.Integer({ minimum: 0 })),
    page_limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  },
  { additionalProperties: false },
);

export const ClearTaskInstancesBody = Type.Object(
  {
    dag_run_id: Type.String({ minLength: 1, description: "The run to clear in (Updraft requires it; Airflow's date-range form is not supported)" }),
    task_ids: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
    only_failed: Type.Optional(Type.Boolean({ default: false })),
    only_running: Type.Optional(Type.Boolean({ default: false })),
    dry_run: Type.Optional(Type.Boolean({ default: false })),
    reset_dag_runs: Type.Optional(Type.Boolean({ description: "Accepted for Airflow clients; a cleared finished run is always re-queued" })),
    ...relatives,
  },
  { additionalProperties: false },
);

export const ClearedTaskInstances = Type.Object({
  task_instances: Type.Array(
    Type.Object({ dag_id: Type.String(), task_id: Type.String(), dag_run_id: Type.String(), execution_date: DateTime, state: NullableTaskState }),
  ),
});

export const LogParams = Type.Object({
  dag_id: Type.String(),
  dag_run_id: Type.String(),
  task_id: Type.String(),
  try_number: Type.Integer({ minimum: 0 }),
});

export const LogQuery = Type.Object(
  { token: Type.Optional(Type.String({ pattern: "^[0-9]+$", description: "continuation_token of an earlier read" })) },
  { additionalProperties: false },
);

export const Log = Type.Object({
  content: Type.String(),
  continuation_token: nullable(Type.String()),
  lines: Type.Array(
    Type.Object({
      timestamp: Type.String({ format: "date-time", description: "When the line was written" }),
      stream: Type.String({ description: "stdout, stderr, or log (Updraft's own lines about the try)" }),
      line: Type.String(),
    }),
    { description: "The lines of `content`, each with its time and stream" },
  ),
});
