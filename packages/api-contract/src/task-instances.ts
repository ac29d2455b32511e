// The task instance resource (Airflow v1 names), its finished tries, and the clear result.
import type { TaskInstanceState } from "@updraft/core";
import { isoOrNull } from "./dag-runs.ts";

export interface TaskInstanceResponse {
  task_id: string;
  dag_id: string;
  dag_run_id: string;
  state: TaskInstanceState | null;
  start_date: string | null;
  end_date: string | null;
  /** Seconds. */
  duration: number | null;
  try_number: number;
  /** Airflow's meaning: retries allowed (the last permitted try is max_tries + 1). */
  max_tries: number;
  /** "" until a try started, as Airflow. */
  hostname: string;
  /** The Updraft worker (or local executor) that ran the current try; beside `hostname`, which two workers on one machine share. */
  worker_name: string | null;
  pid: number | null;
  queue: string;
  pool: string;
  pool_slots: number;
  priority_weight: number;
  queued_when: string | null;
  next_retry_at: string | null;
  /** -1: Updraft has no mapped tasks (Airflow's value for an unmapped task). */
  map_index: number;
  /** Free text a user attached to the task instance. */
  note: string | null;
}

/** A row of the `task_instances` table, as far as the response needs it. */
export interface TaskInstanceRecord {
  dagId: string;
  runId: string;
  taskId: string;
  state: TaskInstanceState | null;
  startDate: Date | null;
  endDate: Date | null;
  duration: number | null;
  tryNumber: number;
  maxTries: number;
  hostname: string | null;
  workerName?: string | null;
  pid: number | null;
  queue: string;
  pool: string;
  poolSlots: number;
  priorityWeight: number;
  queuedAt: Date | null;
  nextRetryAt: Date | null;
  note?: string | null;
}

export function toTaskInstanceResponse(record: TaskInstanceRecord): TaskInstanceResponse {
  return {
    task_id: record.taskId,
    dag_id: record.dagId,
    dag_run_id: record.runId,
    state: record.state,
    start_date: isoOrNull(record.startDate),
    end_date: isoOrNull(record.endDate),
    duration: record.duration,
    try_number: record.tryNumber,
    // Stored as the last permitted try number; Airflow's API counts retries.
    max_tries: Math.max(0, record.maxTries - 1),
    hostname: record.hostname ?? "",
    worker_name: record.workerName ?? null,
    pid: record.pid,
    queue: record.queue,
    pool: record.pool,
    pool_slots: record.poolSlots,
    priority_weight: record.priorityWeight,
    queued_when: isoOrNull(record.queuedAt),
    next_retry_at: isoOrNull(record.nextRetryAt),
    map_index: -1,
    note: record.note ?? null,
  };
}

export interface TaskInstanceTryResponse {
  try_number: number;
  state: TaskInstanceState;
  start_date: string | null;
  end_date: string | null;
  duration: number | null;
  hostname: string | null;
  worker_name: string | null;
  error: string | null;
}

/** A row of `task_instance_history`. */
export interface TaskInstanceTryRecord {
  tryNumber: number;
  state: TaskInstanceState;
  startDate: Date | null;
  endDate: Date | null;
  duration: number | null;
  hostname: string | null;
  workerName?: string | null;
  error: string | null;
}

export function toTaskInstanceTryResponse(record: TaskInstanceTryRecord): TaskInstanceTryResponse {
  return {
    try_number: record.tryNumber,
    state: record.state,
    start_date: isoOrNull(record.startDate),
    end_date: isoOrNull(record.endDate),
    duration: record.duration,
    hostname: record.hostname,
    worker_name: record.workerName ?? null,
    error: record.error,
  };
}

/** One task instance touched by a clear or a state change (Airflow's TaskInstanceReference), with its state before. */
export interface ClearedTaskInstanceResponse {
  dag_id: string;
  task_id: string;
  dag_run_id: string;
  execution_date: string;
  state: TaskInstanceState | null;
}

export function toClearedTaskInstanceResponse(record: {
  dagId: string;
  taskId: string;
  runId: string;
  logicalDate: Date;
  state: TaskInstanceState | null;
}): ClearedTaskInstanceResponse {
  return { dag_id: record.dagId, task_id: record.taskId, dag_run_id: record.runId, execution_date: record.logicalDate.toISOString(), state: record.state };
}
