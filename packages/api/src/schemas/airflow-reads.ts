// Response schemas of Airflow's read endpoints Updraft adds: tasks, tries, XCom entries, DAG
// stats, event logs (the audit log), version and config. Field names are Airflow's.
import { Type } from "typebox";
import { DateTime, nullable, NullableDateTime, OrderByQuery, pageQuery } from "./common.ts";
import { TaskInstance } from "./task-instances.ts";

const TimeDelta = Type.Object(
  { __type: Type.Literal("TimeDelta"), days: Type.Integer(), seconds: Type.Integer(), microseconds: Type.Integer() },
  { title: "TimeDelta" },
);

export const Task = Type.Object(
  {
    task_id: Type.String(),
    task_display_name: Type.String(),
    class_ref: Type.Object({ class_name: Type.String(), module_path: Type.String() }),
    owner: Type.String(),
    start_date: NullableDateTime,
    end_date: NullableDateTime,
    trigger_rule: Type.String(),
    extra_links: Type.Array(Type.Object({})),
    depends_on_past: Type.Boolean(),
    is_mapped: Type.Boolean(),
    wait_for_downstream: Type.Boolean(),
    retries: Type.Number(),
    queue: Type.String(),
    pool: Type.String(),
    pool_slots: Type.Number(),
    execution_timeout: Type.Optional(TimeDelta),
    retry_delay: TimeDelta,
    retry_exponential_backoff: Type.Boolean(),
    priority_weight: Type.Number(),
    weight_rule: Type.Literal("absolute"),
    ui_color: Type.String(),
    ui_fgcolor: Type.String(),
    template_fields: Type.Array(Type.String()),
    downstream_task_ids: Type.Array(Type.String()),
    doc_md: nullable(Type.String()),
  },
  { title: "Task" },
);

export const TaskCollection = Type.Object({ tasks: Type.Array(Task), total_entries: Type.Integer() });
export const TaskParams = Type.Object({ dag_id: Type.String(), task_id: Type.String() });
export const TaskListQuery = Type.Object({ order_by: OrderByQuery }, { additionalProperties: false });

export const TaskInstanceTryCollection = Type.Object({ task_instances: Type.Array(TaskInstance), total_entries: Type.Integer() });
export const TryParams = Type.Object({ dag_id: Type.String(), dag_run_id: Type.String(), task_id: Type.String(), task_try_number: Type.Integer({ minimum: 0 }) });

const xcomItem = {
  dag_id: Type.String(),
  dag_run_id: Type.String(),
  task_id: Type.String(),
  key: Type.String(),
  map_index: Type.Integer(),
  execution_date: DateTime,
  timestamp: DateTime,
};
export const XComCollection = Type.Object({ xcom_entries: Type.Array(Type.Object(xcomItem)), total_entries: Type.Integer() });
export const XCom = Type.Object({ ...xcomItem, value: Type.Unknown({ description: "The stored JSON value; with stringify=true, its JSON text" }) }, { title: "XCom" });
export const XComListQuery = Type.Object(
  { ...pageQuery, xcom_key: Type.Optional(Type.String()), map_index: Type.Optional(Type.Integer({ minimum: -1 })) },
  { additionalProperties: false },
);
export const XComQuery = Type.Object(
  { map_index: Type.Optional(Type.Integer({ minimum: -1 })), deserialize: Type.Optional(Type.Boolean()), stringify: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export const XComParams = Type.Object({ dag_id: Type.String(), dag_run_id: Type.String(), task_id: Type.String(), xcom_key: Type.String() });

export const DagStats = Type.Object({
  dags: Type.Array(Type.Object({ dag_id: Type.String(), stats: Type.Array(Type.Object({ state: Type.String(), count: Type.Integer() })) })),
  total_entries: Type.Integer(),
});
export const DagStatsQuery = Type.Object(
  { dag_ids: Type.Optional(Type.String({ description: "Comma-separated DAG ids; every DAG when absent" })) },
  { additionalProperties: false },
);

export const EventLog = Type.Object(
  {
    event_log_id: Type.Integer(),
    when: DateTime,
    dag_id: nullable(Type.String()),
    task_id: nullable(Type.String()),
    run_id: nullable(Type.String()),
    map_index: nullable(Type.Integer()),
    try_number: nullable(Type.Integer()),
    event: Type.String(),
    execution_date: NullableDateTime,
    owner: nullable(Type.String()),
    extra: nullable(Type.String({ description: "Details of the action, as JSON text" })),
  },
  { title: "EventLog" },
);
export const EventLogCollection = Type.Object({ event_logs: Type.Array(EventLog), total_entries: Type.Integer() });
export const EventLogQuery = Type.Object(
  {
    ...pageQuery,
    order_by: OrderByQuery,
    dag_id: Type.Optional(Type.String()),
    task_id: Type.Optional(Type.String()),
    run_id: Type.Optional(Type.String()),
    map_index: Type.Optional(Type.Integer()),
    try_number: Type.Optional(Type.Integer()),
    event: Type.Optional(Type.String()),
    owner: Type.Optional(Type.String()),
    before: Type.Optional(DateTime),
    after: Type.Optional(DateTime),
    included_events: Type.Optional(Type.String({ description: "Comma-separated events to keep" })),
    excluded_events: Type.Optional(Type.String({ description: "Comma-separated events to leave out" })),
  },
  { additionalProperties: false },
);
export const EventLogParams = Type.Object({ event_log_id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });

export const VersionInfo = Type.Object({ version: Type.String(), git_version: nullable(Type.String()) }, { title: "VersionInfo" });

const ConfigSection = Type.Object({ name: Type.String(), options: Type.Array(Type.Object({ key: Type.String(), value: Type.String() })) });
export const Config = Type.Object({ sections: Type.Array(ConfigSection) }, { title: "Config" });
export const ConfigQuery = Type.Object({ section: Type.Optional(Type.String()) }, { additionalProperties: false });
export const ConfigOptionParams = Type.Object({ section: Type.String(), option: Type.String() });

export const DagSourceParams = Type.Object({ file_token: Type.String({ maxLength: 4096 }) });
export const DagSourceContent = Type.Object({ content: Type.String() });
