// The serialized form of a DAG: plain JSON, stored in the database by the DAG processor. The
// scheduler decides from this record alone and never imports user code; only the process that
// runs a task imports its file.
import { createHash } from "node:crypto";
import type { TriggerRule } from "./trigger-rules.ts";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export const TASK_KINDS = ["task", "bash", "branch", "sensor"] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export interface SerializedSensor {
  pokeIntervalMs: number;
  timeoutMs: number;
  /** On timeout the task is skipped instead of failed. */
  softFail: boolean;
}

export interface SerializedTask {
  taskId: string;
  kind: TaskKind;
  /** Direct upstream task ids, sorted. */
  upstream: string[];
  /** Input name -> upstream task id whose result (XCom) is passed in under that name. */
  inputs: Record<string, string>;
  /** The shell command of a `bash` task when it is static (a function-built command is not serializable). */
  bashCommand: string | null;
  retries: number;
  retryDelayMs: number;
  retryExponentialBackoff: boolean;
  maxRetryDelayMs: number | null;
  executionTimeoutMs: number | null;
  queue: string;
  pool: string;
  poolSlots: number;
  priorityWeight: number;
  triggerRule: TriggerRule;
  sensor: SerializedSensor | null;
  doc: string | null;
  /** Airflow's `depends_on_past`; absent means false. */
  dependsOnPast?: boolean;
  /** Airflow's `wait_for_downstream` (implies dependsOnPast); absent means false. */
  waitForDownstream?: boolean;
  /** Airflow's `max_active_tis_per_dag`; absent or null means no task-level limit. */
  maxActiveTisPerDag?: number | null;
  /** Names of the task's callbacks (onExecute, onSuccess, onFailure, onRetry, onSkipped); absent: none. */
  callbacks?: string[];
}

export interface SerializedDag {
  dagId: string;
  /** Path of the defining file, relative to the DAGs folder. */
  fileloc: string;
  description: string | null;
  /** Cron expression or preset (`@daily`, ...); null means manual triggers only. */
  schedule: string | null;
  /** ISO 8601 date-time with zone. */
  startDate: string | null;
  catchup: boolean;
  maxActiveRuns: number | null;
  maxActiveTasks: number | null;
  tags: string[];
  /** Run parameters with their defaults; a run's conf overrides them. */
  params: Record<string, JsonValue>;
  /** Airflow's `dagrun_timeout` in ms; absent or null means none. */
  dagrunTimeoutMs?: number | null;
  /** Names of the DAG's run callbacks (onSuccess, onFailure); absent: none. */
  callbacks?: string[];
  /** JSON Schemas of the typed params (Airflow's `Param`), checked when a run is triggered. Absent: none. */
  paramSchemas?: Record<string, ParamSchema>;
  tasks: SerializedTask[];
}

/** Stable content hash: the same DAG definition always hashes the same, whatever key order. */
export function hashSerializedDag(dag: SerializedDag): string {
  return createHash("sha256").update(canonicalJson(dag)).digest("hex");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The JSON Schema of one param (the subset the dashboard's trigger form renders). */
export interface ParamSchema {
  type?: "string" | "number" | "integer" | "boolean" | "array" | "object" | "null" | Array<string>;
  enum?: JsonValue[];
  /** For strings: `date`, `date-time`, `time`, `email`, `uri`, ... (ajv-formats). */
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  title?: string;
  description?: string;
  [keyword: string]: unknown;
}
