// The audit log, as Airflow's `log` table: who did what to which DAG, run or task, and when.
// Written by the REST API for every user action (trigger, clear, mark, pause, delete, pool and
// user changes, failed logins) and read back through `GET /api/v1/eventLogs`.
import { sql } from "drizzle-orm";
import { index, integer, pgTable, serial, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";

export const eventLog = pgTable(
  "log",
  {
    id: serial("id").primaryKey(),
    dttm: timestamptz("dttm").notNull().default(sql`now()`),
    dagId: text("dag_id"),
    taskId: text("task_id"),
    runId: text("run_id"),
    mapIndex: integer("map_index"),
    tryNumber: integer("try_number"),
    event: text("event").notNull(),
    /** Airflow's `execution_date`: the logical date of the run the event touched. */
    logicalDate: timestamptz("execution_date"),
    owner: text("owner"),
    /** Free text, in practice a JSON object with the request's details. */
    extra: text("extra"),
  },
  (t) => [index("log_dttm_idx").on(t.dttm), index("log_dag_id_idx").on(t.dagId), index("log_event_idx").on(t.event)],
);

export type EventLogRow = typeof eventLog.$inferSelect;
