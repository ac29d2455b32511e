// Task output, one row per line, so the UI can tail a running try by "id greater than the last
// one seen" without files shared between workers.
import { sql } from "drizzle-orm";
import { bigserial, foreignKey, index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";
import { dagRuns } from "./dag-runs.ts";

export type TaskLogStream = "stdout" | "stderr" | "log";

export const taskLogs = pgTable(
  "task_logs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    dagId: text("dag_id").notNull(),
    runId: text("run_id").notNull(),
    taskId: text("task_id").notNull(),
    tryNumber: integer("try_number").notNull(),
    ts: timestamptz("ts").notNull().default(sql`now()`),
    stream: text("stream").$type<TaskLogStream>().notNull(),
    line: text("line").notNull(),
  },
  (t) => [
    index("task_logs_try_idx").on(t.dagId, t.runId, t.taskId, t.tryNumber, t.id),
    foreignKey({
      name: "task_logs_dag_run_fk",
      columns: [t.dagId, t.runId],
      foreignColumns: [dagRuns.dagId, dagRuns.runId],
    }).onDelete("cascade"),
  ],
);

export type TaskLogRow = typeof taskLogs.$inferSelect;
