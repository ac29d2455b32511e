// DAGs as last seen by the DAG processor. The scheduler works from `serialized` alone; a DAG whose
// file no longer defines it stays (for its history) but is marked inactive.
import type { SerializedDag } from "@updraft/core";
import { sql } from "drizzle-orm";
import { boolean, index, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";

export const dags = pgTable(
  "dags",
  {
    dagId: text("dag_id").primaryKey(),
    fileloc: text("fileloc").notNull(),
    isPaused: boolean("is_paused").notNull().default(true),
    isActive: boolean("is_active").notNull().default(true),
    serialized: jsonb("serialized").$type<SerializedDag>().notNull(),
    hash: text("hash").notNull(),
    description: text("description"),
    schedule: text("schedule"),
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    lastParsedAt: timestamptz("last_parsed_at").notNull(),
    nextDagrunLogicalDate: timestamptz("next_dagrun_logical_date"),
    nextDagrunDataIntervalStart: timestamptz("next_dagrun_data_interval_start"),
    nextDagrunDataIntervalEnd: timestamptz("next_dagrun_data_interval_end"),
    createdAt: timestamptz("created_at").notNull().default(sql`now()`),
  },
  (t) => [index("dags_is_active_is_paused_idx").on(t.isActive, t.isPaused)],
);

export type DagRow = typeof dags.$inferSelect;
