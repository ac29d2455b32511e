// Reading a try's log lines in order, optionally only those after a line already seen, which is
// how the API and UI tail a running task.
import { and, asc, eq, gt, type SQL } from "drizzle-orm";
import type { UpdraftDb } from "../client.ts";
import { taskLogs, type TaskLogRow } from "../schema/task-logs.ts";

export interface TaskLogQuery {
  dagId: string;
  runId: string;
  taskId: string;
  tryNumber: number;
  /** Only lines with a greater id (the continuation token of an earlier read). */
  afterId?: number | undefined;
}

/** The try's log lines by id. */
export async function readTaskLogs(db: UpdraftDb, query: TaskLogQuery): Promise<TaskLogRow[]> {
  const filters: SQL[] = [
    eq(taskLogs.dagId, query.dagId),
    eq(taskLogs.runId, query.runId),
    eq(taskLogs.taskId, query.taskId),
    eq(taskLogs.tryNumber, query.tryNumber),
  ];
  if (query.afterId !== undefined) filters.push(gt(taskLogs.id, query.afterId));
  return db
    .select()
    .from(taskLogs)
    .where(and(...filters))
    .orderBy(asc(taskLogs.id));
}
