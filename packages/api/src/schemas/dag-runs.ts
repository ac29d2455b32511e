// Request and response schemas of the DAG run resource.
import { DAG_RUN_STATES, DAG_RUN_TYPES } from "@updraft/core";
import { Type } from "typebox";
import { DateTime, nullable, NullableDateTime, OrderByQuery, pageQuery } from "./common.ts";

export const DagRun = Type.Object(
  {
    dag_id: Type.String(),
    dag_run_id: Type.String(),
    run_type: Type.Enum([...DAG_RUN_TYPES]),
    state: Type.Enum([...DAG_RUN_STATES]),
    conf: Type.Object({}, { additionalProperties: true }),
    logical_date: DateTime,
    execution_date: DateTime,
    data_interval_start: NullableDateTime,
    data_interval_end: NullableDateTime,
    start_date: NullableDateTime,
    end_date: NullableDateTime,
    queued_at: NullableDateTime,
    external_trigger: Type.Boolean(),
    note: nullable(Type.String()),
  },
  { title: "DagRun" },
);

export const DagRunCollection = Type.Object({ dag_runs: Type.Array(DagRun), total_entries: Type.Integer() });

export const DagRunListQuery = Type.Object(
  {
    ...pageQuery,
    order_by: OrderByQuery,
    execution_date_gte: Type.Optional(DateTime),
    execution_date_lte: Type.Optional(DateTime),
    start_date_gte: Type.Optional(DateTime),
    start_date_lte: Type.Optional(DateTime),
    end_date_gte: Type.Optional(DateTime),
    end_date_lte: Type.Optional(DateTime),
    // Strings here, checked against the states in the handler: a comma list is allowed too.
    state: Type.Optional(
      Type.Array(Type.String(), { description: `Run states (${DAG_RUN_STATES.join(", ")}); repeat or comma-separate` }),
    ),
  },
  { additionalProperties: false },
);

export const DagRunTriggerBody = Type.Object(
  {
    dag_run_id: Type.Optional(Type.String({ minLength: 1, maxLength: 250 })),
    conf: Type.Optional(Type.Object({}, { additionalProperties: true, description: "Run parameters (a JSON object)" })),
    logical_date: Type.Optional(DateTime),
    execution_date: Type.Optional(DateTime),
    data_interval_start: Type.Optional(DateTime),
    data_interval_end: Type.Optional(DateTime),
    note: Type.Optional(nullable(Type.String({ maxLength: 1000, description: "A note on the run" }))),
  },
  { additionalProperties: false },
);

export const DagRunPatchBody = Type.Object(
  { state: Type.Enum(["success", "failed", "queued"], { description: "As Airflow: success/failed also set unfinished task instances; queued re-queues the run" }) },
  { additionalProperties: false },
);

const dateFilters = {
  execution_date_gte: Type.Optional(DateTime),
  execution_date_lte: Type.Optional(DateTime),
  start_date_gte: Type.Optional(DateTime),
  start_date_lte: Type.Optional(DateTime),
  end_date_gte: Type.Optional(DateTime),
  end_date_lte: Type.Optional(DateTime),
};

/** Airflow's ListDagRunsForm (POST /dags/~/dagRuns/list). */
export const DagRunBatchBody = Type.Object(
  {
    dag_ids: Type.Optional(Type.Array(Type.String({ maxLength: 250 }), { maxItems: 1000 })),
    states: Type.Optional(Type.Array(Type.Enum([...DAG_RUN_STATES]))),
    order_by: OrderByQuery,
    page_offset: Type.Optional(Type.Integer({ minimum: 0 })),
    page_limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    limit_per_dag: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1_000,
        description: "Updraft's addition: at most this many runs of each DAG, newest logical date first (the DAG list's recent runs in one request)",
      }),
    ),
    ...dateFilters,
  },
  { additionalProperties: false },
);
