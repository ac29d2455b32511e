// Values passed between tasks (a task's return value is key "return_value"). Rows go with their
// run, so deleting a run never leaves orphaned results.
import { sql } from "drizzle-orm";
import { foreignKey, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";
import { dagRuns } from "./dag-runs.ts";

export const xcom = pgTable(
  "xcom",
  {
    dagId: text("dag_id").notNull(),
    runId: text("run_id").notNull(),
    taskId: text("task_id").notNull(),
    key: text("key").notNull().default("return_value"),
    value: jsonb("value").$type<unknown>(),
    createdAt: timestamptz("created_at").notNull().default(sql`now()`),
  },
  (t) => [
    primaryKey({ name: "xcom_pkey", columns: [t.dagId, t.runId, t.taskId, t.key] }),
    foreignKey({
      name: "xcom_dag_run_fk",
      columns: [t.dagId, t.runId],
      foreignColumns: [dagRuns.dagId, dagRuns.runId],
    }).onDelete("cascade"),
  ],
);

export type XcomRow = typeof xcom.$inferSelect;
