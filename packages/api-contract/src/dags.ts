// The DAG resource as the REST API and `updraft dags list --json` show it: Airflow's stable REST
// API v1 field names, so existing Airflow scripts read it unchanged.
import type { SerializedDag } from "@updraft/core";

/** Airflow's serialized cron schedule (`{"__type": "CronExpression", "value": "0 * * * *"}`). */
export interface CronExpression {
  __type: "CronExpression";
  value: string;
}

/** A schedule string (cron or preset such as `@daily`) in Airflow's response shape. */
export function toScheduleInterval(schedule: string | null): CronExpression | null {
  return schedule === null ? null : { __type: "CronExpression", value: schedule };
}

/** The opaque token naming a DAG file in `dagSources/{file_token}`: the fileloc, base64url-encoded. */
export function fileToken(fileloc: string): string {
  return Buffer.from(fileloc, "utf8").toString("base64url");
}

/** The fileloc a token names, or undefined when it is not one. */
export function filelocOfToken(token: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  const fileloc = Buffer.from(token, "base64url").toString("utf8");
  return fileToken(fileloc) === token ? fileloc : undefined;
}

export interface DagResponse {
  dag_id: string;
  description: string | null;
  fileloc: string;
  is_paused: boolean;
  is_active: boolean;
  /** Cron expression or preset as Airflow's `CronExpression` object; null for manually triggered DAGs. */
  schedule_interval: CronExpression | null;
  dag_display_name: string;
  /** Names the DAG's file for `GET /dagSources/{file_token}`. */
  file_token: string;
  owners: string[];
  is_subdag: false;
  tags: Array<{ name: string }>;
  max_active_runs: number;
  max_active_tasks: number;
  last_parsed_time: string | null;
  next_dagrun: string | null;
  /** The next run's data interval, and when it will be created (its end), as in Airflow. */
  next_dagrun_data_interval_start: string | null;
  next_dagrun_data_interval_end: string | null;
  next_dagrun_create_after: string | null;
  task_ids: string[];
}

/** The stored DAG record the response is built from (a row of the `dags` table). */
export interface DagRecord {
  dagId: string;
  fileloc: string;
  isPaused: boolean;
  isActive: boolean;
  description: string | null;
  schedule: string | null;
  tags: string[] | null;
  lastParsedAt: Date | null;
  nextDagrunLogicalDate?: Date | null;
  nextDagrunDataIntervalStart?: Date | null;
  nextDagrunDataIntervalEnd?: Date | null;
  serialized: SerializedDag;
}

/** Installation-wide limits that apply where a DAG sets none. */
export interface DagDefaults {
  maxActiveRunsPerDag: number;
  maxActiveTasksPerDag: number;
}

export function toDagResponse(record: DagRecord, defaults: DagDefaults): DagResponse {
  return {
    dag_id: record.dagId,
    description: record.description,
    fileloc: record.fileloc,
    is_paused: record.isPaused,
    is_active: record.isActive,
    schedule_interval: toScheduleInterval(record.schedule),
    dag_display_name: record.dagId,
    file_token: fileToken(record.fileloc),
    owners: [],
    is_subdag: false,
    tags: (record.tags ?? []).map((name) => ({ name })),
    max_active_runs: record.serialized.maxActiveRuns ?? defaults.maxActiveRunsPerDag,
    max_active_tasks: record.serialized.maxActiveTasks ?? defaults.maxActiveTasksPerDag,
    last_parsed_time: record.lastParsedAt?.toISOString() ?? null,
    next_dagrun: record.nextDagrunLogicalDate?.toISOString() ?? null,
    next_dagrun_data_interval_start: record.nextDagrunDataIntervalStart?.toISOString() ?? null,
    next_dagrun_data_interval_end: record.nextDagrunDataIntervalEnd?.toISOString() ?? null,
    next_dagrun_create_after: record.nextDagrunDataIntervalEnd?.toISOString() ?? null,
    task_ids: record.serialized.tasks.map((t) => t.taskId),
  };
}
