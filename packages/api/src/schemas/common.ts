// Schema pieces every route shares: the problem body of every error answer, pagination, and
// nullable timestamp fields. Field names follow Airflow's stable REST API (snake_case).
import { Type, type TSchema } from "typebox";

/** Airflow's problem JSON (RFC 7807 shape); `type` carries the stable Updraft error code. */
export const Problem = Type.Object(
  {
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    type: Type.String({ description: "Updraft error code, e.g. UPDRAFT_DAG_NOT_FOUND" }),
  },
  { title: "Problem" },
);

/** The error answers every route may give; listed so the OpenAPI document shows them. */
export const errorResponses = {
  "4xx": Problem,
  "5xx": Problem,
};

export function nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}

export const DateTime = Type.String({ format: "date-time" });
export const NullableDateTime = nullable(DateTime);

/** Airflow's page parameters. */
export const pageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 100, description: "Page size" })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0, description: "Items to skip" })),
};

export const DagIdParams = Type.Object({ dag_id: Type.String() });
export const DagRunParams = Type.Object({ dag_id: Type.String(), dag_run_id: Type.String() });
export const TaskInstanceParams = Type.Object({ dag_id: Type.String(), dag_run_id: Type.String(), task_id: Type.String() });

/** Airflow's `CronExpression` schedule object; null for DAGs without a schedule. */
export const ScheduleInterval = nullable(
  Type.Object({ __type: Type.Literal("CronExpression"), value: Type.String({ description: "Cron expression or preset, e.g. @daily" }) }, { title: "CronExpression" }),
);

/** Airflow's `order_by` parameter: a field name, with `-` in front for descending order. */
export const OrderByQuery = Type.Optional(Type.String({ pattern: "^-?[a-z_]+$", description: "Field to sort by; prefix - for descending" }));
