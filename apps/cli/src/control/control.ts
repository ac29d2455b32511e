// What CLI commands ask of a running Updraft, independent of how it is reached: straight through
// the database, or through a running standalone's REST API when that process holds the embedded
// database (PGlite allows one process only; opening it twice would lose rows).
import type { DagResponse, ImportErrorResponse } from "@updraft/api-contract";
import type { JsonValue, UserRole } from "@updraft/core";

export interface DagRunSummary {
  dag_id: string;
  dag_run_id: string;
  state: string;
  logical_date: string;
}

export interface Control {
  /** Where commands go, for messages. */
  readonly target: string;
  /**
   * True when listings parse the DAGs folder first (straight through the database); false when
   * they show what a running standalone parsed last (it re-parses every 30 s).
   */
  readonly parsesOnDemand: boolean;
  listDags(): Promise<DagResponse[]>;
  listImportErrors(): Promise<ImportErrorResponse[]>;
  trigger(dagId: string, options: { conf: Record<string, JsonValue>; runId?: string | undefined }): Promise<DagRunSummary>;
  getRun(dagId: string, runId: string): Promise<DagRunSummary>;
  /** The DAG as GET /api/v1/dags/{dag_id} answers it (is_paused...). */
  getDag(dagId: string): Promise<DagResponse>;
  setPaused(dagId: string, paused: boolean): Promise<DagResponse>;
  backfill(dagId: string, start: Date, end: Date): Promise<DagRunSummary[]>;
  createUser(user: { username: string; password: string; role: UserRole; email?: string | undefined }): Promise<{ username: string; role: string }>;
  close(): Promise<void>;
}
