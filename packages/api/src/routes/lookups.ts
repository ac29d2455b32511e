// Fetch-or-404 helpers, so every route reports a missing DAG, run or task the same way.
import { UpdraftError } from "@updraft/core";
import { getDag, getDagRun, getTaskInstance, type DagRow, type DagRunRow, type TaskInstanceRow, type UpdraftDb } from "@updraft/db";

/** Airflow's path wildcard: `~` as a dag_id or dag_run_id means "every DAG" / "every run". */
export const WILDCARD = "~";

export async function requireDag(db: UpdraftDb, dagId: string): Promise<DagRow> {
  const dag = await getDag(db, dagId);
  if (dag === undefined) throw new UpdraftError("UPDRAFT_DAG_NOT_FOUND", `DAG "${dagId}" not found`, { details: { dagId } });
  return dag;
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
  await requireDagRun(db, dagId, runId);
  const ti = await getTaskInstance(db, dagId, runId, taskId);
  if (ti === undefined) throw taskNotFound(dagId, runId, taskId);
  return ti;
}

export function taskNotFound(dagId: string, runId: string, taskId: string): UpdraftError {
  return new UpdraftError("UPDRAFT_TASK_NOT_FOUND", `Run "${runId}" of DAG "${dagId}" has no task instance "${taskId}"`, {
    details: { dagId, runId, taskId },
  });
}
