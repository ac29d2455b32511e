// Notes users attach to DAG runs and task instances (Airflow's `setNote`).
import { and, eq } from "drizzle-orm";
import type { UpdraftDb } from "../client.ts";
import { dagRuns, type DagRunRow } from "../schema/dag-runs.ts";
import { taskInstances, type TaskInstanceRow } from "../schema/task-instances.ts";

/** Sets (or clears, with null) a run's note; undefined when the run does not exist. */
export async function setDagRunNote(db: UpdraftDb, dagId: string, runId: string, note: string | null): Promise<DagRunRow | undefined> {
  const [row] = await db
    .update(dagRuns)
    .set({ note })
    .where(and(eq(dagRuns.dagId, dagId), eq(dagRuns.runId, runId)))
    .returning();
  return row;
}

/** Sets (or clears, with null) a task instance's note; undefined when it does not exist. */
export async function setTaskInstanceNote(
  db: UpdraftDb,
  key: { dagId: string; runId: string; taskId: string },
  note: string | null,
): Promise<TaskInstanceRow | undefined> {
  const [row] = await db
    .update(taskInstances)
    .set({ note })
    .where(and(eq(taskInstances.dagId, key.dagId), eq(taskInstances.runId, key.runId), eq(taskInstances.taskId, key.taskId)))
    .returning();
  return row;
}
