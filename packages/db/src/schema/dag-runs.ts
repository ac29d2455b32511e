// One row per DAG run. (dag_id, run_id) is the natural key every per-run table points at;
// the bigserial id only gives a stable insertion order.
import { sql } from "drizzle-orm";
import type { DagRunState, DagRunType } from "@updraft/core";
import { bigserial, index, jsonb, pgTable, text, unique } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";
import { dags } from "./dags.ts";

export const dagRuns = pgTable(
  "dag_runs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    dagId: text("dag_id")
      .notNull()
      .references(() => dags.dagId, { onDelete: "cascade" }),
    runId: text("run_id").notNull(),
    runType: text("run_type").$type<DagRunType>().notNull(),
    state: text("state").$type<DagRunState>().notNull(),
    conf: jsonb("conf").$type<Record<string, unknown>>().notNull().default({}),
    logicalDate: timestamptz("logical_date").notNull(),
    dataIntervalStart: timestamptz("data_interval_start"),
    dataIntervalEnd: timestamptz("data_interval_end"),
    queuedAt: timestamptz("queued_at"),
    startDate: timestamptz("start_date"),
    endDate: timestamptz("end_date"),
    createdAt: timestamptz("created_at").notNull().default(sql`now()`),
    /** Free text a user attached to the run (Airflow's DAG run note). */
    note: text("note"),
  },
  (t) => [
    unique("dag_runs_dag_id_run_id_key").on(t.dagId, t.runId),
    index("dag_runs_state_idx").on(t.state),
    index("dag_runs_dag_id_state_idx").on(t.dagId, t.state),
    index("dag_runs_dag_id_logical_date_idx").on(t.dagId, t.logicalDate),
  ],
);

export type DagRunRow = typeof dagRuns.$inferSelect;
