// Fetch-or-404 helpers, so every route reports a missing DAG, run or task the same way.
import { UpdraftError } from "@updraft/core";
import { dagExists, getDagRun, getTaskInstance, requireDag, type DagRow, type DagRunRow, type TaskInstanceRow, type UpdraftDb } from "@updraft/db";

/** Airflow's path wildcard: `~` as a dag_id or dag_run_id means "every DAG" / "every run". */
export const WILDCARD = "~";

/** The DAG, else UPDRAFT_DAG_NOT_FOUND (from @updraft/db, where the CLI calls it too). */
export { requireDag };

/**
 * The DAG exists, else UPDRAFT_DAG_NOT_FOUND. Reads its key only: a route that needs no more
 * must not parse the serialized definition (megabytes of JSON for a DAG of 10,000 tasks).
 */
export async function requireDagExists(db: UpdraftDb, dagId: string): Promise<void> {
  if (!(await dagExists(db, dagId))) throw new UpdraftError("UPDRAFT_DAG_NOT_FOUND", `DAG "${dagId}" not found`, { details: { dagId } });
}

/**
 * The run, else UPDRAFT_DAG_NOT_FOUND or UPDRAFT_DAG_RUN_NOT_FOUND, without reading the DAG's
 * definition (a run's DAG exists: dag_runs references dags).
 */
export async function requireRun(db: UpdraftDb, dagId: string, runId: string): Promise<DagRunRow> {
  const run = await getDagRun(db, dagId, runId);
  if (run !== undefined) return run;
  await requireDagExists(db, dagId);
  throw new UpdraftError("UPDRAFT_DAG_RUN_NOT_FOUND", `DAG "${dagId}" has no run "${runId}"`, { details: { dagId, runId } });
}

export async function requireDagRun(db: UpdraftDb, dagId: string, runId: string): Promise<{ dag: DagRow; run: DagRunRow }> {
  const dag = await requireDag(db, dagId);
  const run = await getDagRun(db, dagId, runId);
  if (run === undefined) {
    throw new UpdraftError("UPDRAFT_DAG_RUN_NOT_FOUND", `DAG "${dagId}" has no run "${runId}"`, { details: { dagId, runId } });
  }
  return { dag, run };
}

export async function requireTaskInstance(db: UpdraftDb, dagId: string, runId: string, taskId: string): Promise<TaskInstanceRow> {
  await requireRun(db, dagId, runId);
  const ti = await getTaskInstance(db, dagId, runId, taskId);
  if (ti === undefined) throw taskNotFound(dagId, runId, taskId);
  return ti;
}

export function taskNotFound(dagId: string, runId: string, taskId: string): UpdraftError {
  return new UpdraftError("UPDRAFT_TASK_NOT_FOUND", `Run "${runId}" of DAG "${dagId}" has no task instance "${taskId}"`, {
    details: { dagId, runId, taskId },
  });
}
