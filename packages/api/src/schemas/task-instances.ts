// Request and response schemas of task instances, their tries, logs and the clear action.
import { TASK_INSTANCE_STATES } from "@updraft/core";
import { Type } from "typebox";
import { nullable, NullableDateTime, pageQuery } from "./common.ts";

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
  hostname: nullable(Type.String()),
  pid: nullable(Type.Integer()),
  queue: Type.String(),
  pool: Type.String(),
  pool_slots: Type.Integer(),
  priority_weight: Type.Integer(),
  queued_when: NullableDateTime,
  next_retry_at: NullableDateTime,
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
  error: nullable(Type.String()),
});

export const TaskInstanceDetail = Type.Object({
  ...taskInstanceFields,
  tries: Type.Array(TaskInstanceTry),
  result: Type.Unknown({ description: "The task's return value (XCom return_value), or null" }),
});

export const TaskInstanceListQuery = Type.Object(pageQuery, { additionalProperties: false });

export const MarkTaskInstanceBody = Type.Object(
  { new_state: Type.Enum(["success", "failed"], { description: "success or failed" }) },
  { additionalProperties: false },
);

export const ClearTaskInstancesBody = Type.Object(
  {
    dag_run_id: Type.String({ minLength: 1 }),
    task_ids: Type.Optional(Type.Array(Type.String(), { minItems: 1 })),
    only_failed: Type.Optional(Type.Boolean({ default: false })),
    dry_run: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);

export const ClearedTaskInstances = Type.Object({
  task_instances: Type.Array(
    Type.Object({ task_id: Type.String(), dag_run_id: Type.String(), state: NullableTaskState }),
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

export const Log = Type.Object({ content: Type.String(), continuation_token: nullable(Type.String()) });
