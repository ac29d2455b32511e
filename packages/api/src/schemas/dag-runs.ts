// Request and response schemas of the DAG run resource.
import { DAG_RUN_STATES, DAG_RUN_TYPES } from "@updraft/core";
import { Type } from "typebox";
import { DateTime, NullableDateTime, pageQuery } from "./common.ts";

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
    note: Type.Union([Type.String(), Type.Null()]),
  },
  { title: "DagRun" },
);

export const DagRunCollection = Type.Object({ dag_runs: Type.Array(DagRun), total_entries: Type.Integer() });

export const DagRunListQuery = Type.Object(
  {
    ...pageQuery,
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
    note: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()], { description: "A note on the run" })),
  },
  { additionalProperties: false },
);
