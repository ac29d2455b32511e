// Request and response schemas of the DAG resource.
import { Type } from "typebox";
import { DateTime, nullable, NullableDateTime, OrderByQuery, pageQuery, ScheduleInterval } from "./common.ts";

export const Dag = Type.Object(
  {
    dag_id: Type.String(),
    description: nullable(Type.String()),
    fileloc: Type.String(),
    is_paused: Type.Boolean(),
    is_active: Type.Boolean(),
    schedule_interval: ScheduleInterval,
    tags: Type.Array(Type.Object({ name: Type.String() })),
    dag_display_name: Type.String(),
    file_token: Type.String({ description: "Names the DAG's file for GET /api/v1/dagSources/{file_token}" }),
    owners: Type.Array(Type.String()),
    is_subdag: Type.Boolean(),
    max_active_runs: Type.Integer(),
    max_active_tasks: Type.Integer(),
    last_parsed_time: NullableDateTime,
    next_dagrun: NullableDateTime,
    next_dagrun_data_interval_start: NullableDateTime,
    next_dagrun_data_interval_end: NullableDateTime,
    next_dagrun_create_after: NullableDateTime,
    task_ids: Type.Array(Type.String()),
  },
  { title: "Dag" },
);

export const DagCollection = Type.Object({ dags: Type.Array(Dag), total_entries: Type.Integer() });

export const DagListQuery = Type.Object(
  {
    ...pageQuery,
    order_by: OrderByQuery,
    tags: Type.Optional(Type.Array(Type.String(), { description: "DAGs with any of these tags" })),
    only_active: Type.Optional(Type.Boolean({ default: true })),
    paused: Type.Optional(Type.Boolean()),
    dag_id_pattern: Type.Optional(Type.String({ description: "Substring of the dag id" })),
  },
  { additionalProperties: false },
);

export const DagPatchBody = Type.Object({ is_paused: Type.Boolean() }, { additionalProperties: false });

export const ImportError = Type.Object({
  import_error_id: Type.Integer(),
  filename: Type.String(),
  stack_trace: Type.String(),
  timestamp: DateTime,
});

export const ImportErrorCollection = Type.Object({ import_errors: Type.Array(ImportError), total_entries: Type.Integer() });

export const PageQuery = Type.Object(pageQuery, { additionalProperties: false });

export const OrderedPageQuery = Type.Object({ ...pageQuery, order_by: OrderByQuery }, { additionalProperties: false });
