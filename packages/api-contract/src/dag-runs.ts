// The DAG run resource with Airflow's v1 field names. `execution_date` repeats `logical_date`
// because scripts written for Airflow before 2.2 still read it.
import type { DagRunState, DagRunType } from "@updraft/core";

export interface DagRunResponse {
  dag_id: string;
  dag_run_id: string;
  run_type: DagRunType;
  state: DagRunState;
  conf: Record<string, unknown>;
  logical_date: string;
  execution_date: string;
  data_interval_start: string | null;
  data_interval_end: string | null;
  start_date: string | null;
  end_date: string | null;
  queued_at: string | null;
  /** True for runs a user or the API triggered (Airflow's `external_trigger`). */
  external_trigger: boolean;
  /** Free text a user attached to the run. */
  note: string | null;
}

/** A row of the `dag_runs` table, as far as the response needs it. */
export interface DagRunRecord {
  dagId: string;
  runId: string;
  runType: DagRunType;
  state: DagRunState;
  conf: Record<string, unknown>;
  logicalDate: Date;
  dataIntervalStart: Date | null;
  dataIntervalEnd: Date | null;
  startDate: Date | null;
  endDate: Date | null;
  queuedAt: Date | null;
  note?: string | null;
}

export function toDagRunResponse(record: DagRunRecord): DagRunResponse {
  const logicalDate = record.logicalDate.toISOString();
  return {
    dag_id: record.dagId,
    dag_run_id: record.runId,
    run_type: record.runType,
    state: record.state,
    conf: record.conf,
    logical_date: logicalDate,
    execution_date: logicalDate,
    data_interval_start: isoOrNull(record.dataIntervalStart),
    data_interval_end: isoOrNull(record.dataIntervalEnd),
    start_date: isoOrNull(record.startDate),
    end_date: isoOrNull(record.endDate),
    queued_at: isoOrNull(record.queuedAt),
    external_trigger: record.runType === "manual",
    note: record.note ?? null,
  };
}

export function isoOrNull(date: Date | null | undefined): string | null {
  return date === null || date === undefined ? null : date.toISOString();
}
