// Celery-style workers and long-running jobs (scheduler, webserver, ...) report heartbeats here;
// health checks and the UI read them, and a stale heartbeat means the process is gone.
import { sql } from "drizzle-orm";
import { bigserial, index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";

export type WorkerState = "online" | "offline" | "stopped";
export type JobType = "scheduler" | "webserver" | "dag_processor" | "triggerer";
export type JobState = "running" | "success" | "failed";

export const workers = pgTable("workers", {
  name: text("name").primaryKey(),
  hostname: text("hostname").notNull(),
  pid: integer("pid").notNull(),
  queues: text("queues").array().notNull(),
  concurrency: integer("concurrency").notNull(),
  startedAt: timestamptz("started_at").notNull(),
  lastHeartbeat: timestamptz("last_heartbeat").notNull(),
  active: integer("active").notNull().default(0),
  processed: integer("processed").notNull().default(0),
  succeeded: integer("succeeded").notNull().default(0),
  failed: integer("failed").notNull().default(0),
  state: text("state").$type<WorkerState>().notNull().default("online"),
});

export const schedulerJobs = pgTable(
  "scheduler_jobs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    jobType: text("job_type").$type<JobType>().notNull(),
    hostname: text("hostname").notNull(),
    pid: integer("pid").notNull(),
    state: text("state").$type<JobState>().notNull().default("running"),
    startedAt: timestamptz("started_at").notNull().default(sql`now()`),
    latestHeartbeat: timestamptz("latest_heartbeat").notNull().default(sql`now()`),
  },
  (t) => [index("scheduler_jobs_type_heartbeat_idx").on(t.jobType, t.latestHeartbeat)],
);

export type WorkerRow = typeof workers.$inferSelect;
export type SchedulerJobRow = typeof schedulerJobs.$inferSelect;
