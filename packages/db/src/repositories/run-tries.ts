// Every try of every task in one run, finished (history) and current, for the Gantt chart: one
// query instead of one request per task, so a run with a thousand tasks stays cheap to draw.
import { and, eq, sql } from "drizzle-orm";
import type { TaskInstanceState } from "@updraft/core";
import type { UpdraftDb } from "../client.ts";
import { taskInstanceHistory, taskInstances } from "../schema/task-instances.ts";

export interface RunTry {
  taskId: string;
  tryNumber: number;
  state: TaskInstanceState | null;
  startDate: Date | null;
  endDate: Date | null;
  duration: number | null;
  hostname: string | null;
  workerName: string | null;
}

/**
 * The run's tries ordered by start: the finished ones from history, plus each task's current try
 * unless history already holds it (a finished try is in both tables).
 */
export async function listRunTries(db: UpdraftDb, dagId: string, runId: string, limit = 5_000): Promise<RunTry[]> {
  const [finished, current] = await Promise.all([
    db
      .select({
        taskId: taskInstanceHistory.taskId,
        tryNumber: taskInstanceHistory.tryNumber,
        state: taskInstanceHistory.state,
        startDate: taskInstanceHistory.startDate,
        endDate: taskInstanceHistory.endDate,
        duration: taskInstanceHistory.duration,
        hostname: taskInstanceHistory.hostname,
        workerName: taskInstanceHistory.workerName,
      })
      .from(taskInstanceHistory)
      .where(and(eq(taskInstanceHistory.dagId, dagId), eq(taskInstanceHistory.runId, runId)))
      .orderBy(sql`${taskInstanceHistory.startDate} asc nulls last`)
      .limit(limit),
    db
      .select({
        taskId: taskInstances.taskId,
        tryNumber: taskInstances.tryNumber,
        state: taskInstances.state,
        startDate: taskInstances.startDate,
        endDate: taskInstances.endDate,
        duration: taskInstances.duration,
        hostname: taskInstances.hostname,
        workerName: taskInstances.workerName,
      })
      .from(taskInstances)
      .where(and(eq(taskInstances.dagId, dagId), eq(taskInstances.runId, runId)))
      .limit(limit),
  ]);
  const seen = new Set(finished.map((t) => `${t.taskId}\0${t.tryNumber}`));
  const all: RunTry[] = [...finished, ...current.filter((t) => t.tryNumber > 0 && !seen.has(`${t.taskId}\0${t.tryNumber}`))];
  const startOf = (t: RunTry) => t.startDate?.getTime() ?? Number.POSITIVE_INFINITY;
  return all.sort((a, b) => startOf(a) - startOf(b) || a.taskId.localeCompare(b.taskId) || a.tryNumber - b.tryNumber).slice(0, limit);
}
