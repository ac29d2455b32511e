// The REST API's response shapes, as the dashboard reads them (see /api/v1/openapi.json). The
// resources the CLI shares come from @updraft/api-contract, type-only, so the two cannot drift.
import type { CronExpression, DagResponse, DagRunResponse, ImportErrorResponse, PoolResponse, TaskInstanceResponse } from "@updraft/api-contract";

export type Dag = DagResponse;
export type DagRun = DagRunResponse;
export type TaskInstance = TaskInstanceResponse;
export type ImportError = ImportErrorResponse;
export type Pool = PoolResponse;

export type TaskState = "scheduled" | "queued" | "running" | "success" | "failed" | "up_for_retry" | "upstream_failed" | "skipped" | "removed";
export type RunState = "queued" | "running" | "success" | "failed";
export type Role = "Admin" | "Op" | "Viewer";

export interface Me {
  username: string;
  role: Role;
}


/** The JSON Schema keywords the trigger form reads from a typed param. */
export interface ParamSchema {
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  title?: string;
  description?: string;
}

export interface DagTask {
  task_id: string;
  kind: string;
  upstream_task_ids: string[];
  downstream_task_ids: string[];
  trigger_rule: string;
  retries: number;
  queue: string;
  pool: string;
  priority_weight: number;
  bash_command: string | null;
  doc: string | null;
}

export interface DagDetail {
  dag_id: string;
  fileloc: string;
  description: string | null;
  schedule_interval: CronExpression | null;
  start_date: string | null;
  catchup: boolean;
  tags: Array<{ name: string }>;
  params: Record<string, unknown>;
  /** JSON Schema of each typed param (Airflow's Param); absent from older servers. */
  param_schemas?: Record<string, ParamSchema>;
  tasks: DagTask[];
  edges: Array<{ source_task_id: string; target_task_id: string }>;
}



export interface TaskTry {
  try_number: number;
  state: TaskState;
  start_date: string | null;
  end_date: string | null;
  duration: number | null;
  hostname: string | null;
  worker_name?: string | null;
  error: string | null;
}

export interface TaskInstanceDetail extends TaskInstance {
  tries: TaskTry[];
  result: unknown;
  /** Why a skipped or upstream_failed task instance did not run. */
  state_reason?: string | null;
}

export interface RunTry {
  task_id: string;
  try_number: number;
  state: TaskState | null;
  start_date: string | null;
  end_date: string | null;
  duration: number | null;
  hostname: string | null;
  worker_name: string | null;
}

export interface LogLine {
  timestamp: string;
  stream: string;
  line: string;
}

export interface LogChunk {
  content: string;
  continuation_token: string | null;
  lines?: LogLine[];
}



export interface User {
  username: string;
  email: string | null;
  role: Role;
  roles?: Array<{ name: Role }>;
  created_on: string;
  last_login: string | null;
}

export interface Worker {
  name: string;
  hostname: string;
  pid: number;
  queues: string[];
  concurrency: number;
  active: number;
  processed: number;
  succeeded: number;
  failed: number;
  started_at: string;
  last_heartbeat: string;
  status: "online" | "offline";
}

export interface WorkerTaskInstance {
  dag_id: string;
  dag_run_id: string;
  task_id: string;
  try_number: number;
  state: TaskState | null;
  start_date: string | null;
  end_date: string | null;
  duration: number | null;
}

export interface WorkerDetail extends Worker {
  running_task_instances: WorkerTaskInstance[];
  recent_task_instances: WorkerTaskInstance[];
}

export interface Dependency {
  name: string;
  reason: string;
}

/** A variable as listed (Airflow leaves the value out of lists). */
export interface VariableItem {
  key: string;
  description: string | null;
}

export interface Variable extends VariableItem {
  value: string;
}

/** A connection as the API answers it: never with its password. */
export interface Connection {
  connection_id: string;
  conn_type: string;
  description: string | null;
  host: string | null;
  login: string | null;
  schema: string | null;
  port: number | null;
  extra?: string | null;
}

export interface ConnectionTestResult {
  status: boolean;
  message: string;
}
