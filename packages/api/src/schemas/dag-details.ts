// Schemas of a DAG's structure (tasks and edges, from its serialized form), its source text and
// the tries of one run (for the Gantt chart).
import { Type } from "typebox";
import { nullable, NullableDateTime, ScheduleInterval } from "./common.ts";

const DagTask = Type.Object({
  task_id: Type.String(),
  kind: Type.String(),
  upstream_task_ids: Type.Array(Type.String()),
  downstream_task_ids: Type.Array(Type.String()),
  trigger_rule: Type.String(),
  retries: Type.Integer(),
  queue: Type.String(),
  pool: Type.String(),
  priority_weight: Type.Integer(),
  bash_command: nullable(Type.String()),
  doc: nullable(Type.String()),
});

export const DagDetail = Type.Object(
  {
    dag_id: Type.String(),
    fileloc: Type.String(),
    description: nullable(Type.String()),
    schedule_interval: ScheduleInterval,
    start_date: NullableDateTime,
    catchup: Type.Boolean(),
    tags: Type.Array(Type.Object({ name: Type.String() })),
    params: Type.Record(Type.String(), Type.Unknown(), { description: "Run parameters with their defaults" }),
    param_schemas: Type.Record(Type.String(), Type.Record(Type.String(), Type.Unknown()), {
      description: "The JSON Schema of each typed param (Airflow's Param), which the trigger form renders by type; empty when none is typed",
    }),
    tasks: Type.Array(DagTask),
    edges: Type.Array(Type.Object({ source_task_id: Type.String(), target_task_id: Type.String() })),
  },
  { title: "DagDetail" },
);

export const DagSource = Type.Object({ fileloc: Type.String(), content: Type.String() }, { title: "DagSource" });

export const RunTry = Type.Object({
  task_id: Type.String(),
  try_number: Type.Integer(),
  state: nullable(Type.String()),
  start_date: NullableDateTime,
  end_date: NullableDateTime,
  duration: nullable(Type.Number({ description: "Seconds" })),
  hostname: nullable(Type.String()),
  worker_name: nullable(Type.String()),
});

export const RunTryCollection = Type.Object({ tries: Type.Array(RunTry), total_entries: Type.Integer() });
