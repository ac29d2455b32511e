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

/**
 * Stable content hash: the same DAG definition always hashes the same, whatever key order.
 * SHA-256 (hex) of the DAG's canonical JSON: object keys sorted, undefined members left out.
 * The JSON is fed to the hash in pieces rather than built as one string: nesting `join`s made
 * every level copy the text below it, about 1 s and 75 MiB of garbage (much of it large strings
 * only a full GC frees) for a 10,000-task DAG, on every parse of the folder.
 */
export function hashSerializedDag(dag: SerializedDag): string {
  const hash = createHash("sha256");
  const parts: string[] = [];
  writeCanonicalJson(dag, parts, () => {
    hash.update(parts.join(""));
    parts.length = 0;
  });
  hash.update(parts.join(""));
  return hash.digest("hex");
}

/** Pieces of the canonical JSON go to `parts`; `flush` empties it now and then. */
function writeCanonicalJson(value: unknown, parts: (string | undefined)[], flush: () => void): void {
  if (Array.isArray(value)) {
    parts.push("[");
    for (let i = 0; i < value.length; i++) {
      if (i > 0) parts.push(",");
      writeCanonicalJson(value[i], parts, flush);
    }
    parts.push("]");
  } else if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    parts.push("{");
    for (let i = 0; i < keys.length; i++) {
      parts.push(i > 0 ? `,${JSON.stringify(keys[i])}:` : `${JSON.stringify(keys[i])}:`);
      writeCanonicalJson(record[keys[i]!], parts, flush);
    }
    parts.push("}");
  } else {
    // As in JSON.stringify of an array, a function or symbol element writes nothing.
    parts.push(JSON.stringify(value));
  }
  if (parts.length >= 4096) flush();
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
