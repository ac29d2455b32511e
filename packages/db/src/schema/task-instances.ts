// The current try of every task in every run, plus the finished tries kept for history. The
// (state, priority_weight) index serves the scheduler's "next queued work" query.
import type { TaskInstanceState } from "@updraft/core";
import { sql } from "drizzle-orm";
import { doublePrecision, foreignKey, index, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";
import { dagRuns } from "./dag-runs.ts";

export const taskInstances = pgTable(
  "task_instances",
  {
    dagId: text("dag_id").notNull(),
    runId: text("run_id").notNull(),
    taskId: text("task_id").notNull(),
    state: text("state").$type<TaskInstanceState>(),
    tryNumber: integer("try_number").notNull().default(0),
    maxTries: integer("max_tries").notNull().default(0),
    startDate: timestamptz("start_date"),
    endDate: timestamptz("end_date"),
    /** Seconds. */
    duration: doublePrecision("duration"),
    queue: text("queue").notNull().default("default"),
    pool: text("pool").notNull().default("default_pool"),
    poolSlots: integer("pool_slots").notNull().default(1),
    priorityWeight: integer("priority_weight").notNull().default(1),
    hostname: text("hostname"),
    workerName: text("worker_name"),
    pid: integer("pid"),
    queuedAt: timestamptz("queued_at"),
    nextRetryAt: timestamptz("next_retry_at"),
    lastHeartbeatAt: timestamptz("last_heartbeat_at"),
    updatedAt: timestamptz("updated_at")
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
    /** Free text a user attached to the task instance (Airflow's task instance note). */
    note: text("note"),
    /**
     * The run's logical date, copied in when the row is inserted (a trigger fills it from
     * dag_runs when the insert does not), so that the claim's order is an index order.
     */
    runLogicalDate: timestamptz("run_logical_date"),
  },
  (t) => [
    primaryKey({ name: "task_instances_pkey", columns: [t.dagId, t.runId, t.taskId] }),
    foreignKey({
      name: "task_instances_dag_run_fk",
      columns: [t.dagId, t.runId],
      foreignColumns: [dagRuns.dagId, dagRuns.runId],
    }).onDelete("cascade"),
    // Every state change writes a new entry into each index (an indexed column changed, so the
    // update is never HOT): the table keeps few. Task instances of a state across DAGs (active
    // counts, lost and stale tries):
    index("task_instances_state_idx").on(t.state),
    // A run's task instances of a state (runMayProgress's facts), and one task instance fenced by
    // its state (the running-mark, the outcome): with task_id last, a keyed write finds its row
    // whichever of this index and the primary key the planner picks, also before a new
    // database has statistics. The primary key's (dag_id, run_id) prefix serves whole-run reads.
    index("task_instances_run_state_idx").on(t.dagId, t.runId, t.state, t.taskId),
    // The claim reads each DAG's best scheduled task instances (LATERAL per DAG with room) in
    // exactly this order (priority weight, the run's logical date, run id, task id; ids as "C"),
    // so it reads `room` rows of the index and sorts nothing, however many are scheduled. Only
    // scheduled rows are in it.
    index("task_instances_claim_order_idx")
      .on(t.dagId, t.priorityWeight.desc(), t.runLogicalDate, sql`${t.runId} collate "C"`, sql`${t.taskId} collate "C"`)
      .where(sql`${t.state} = 'scheduled'`),
  ],
);

export const taskInstanceHistory = pgTable(
  "task_instance_history",
  {
    dagId: text("dag_id").notNull(),
    runId: text("run_id").notNull(),
    taskId: text("task_id").notNull(),
    tryNumber: integer("try_number").notNull(),
    state: text("state").$type<TaskInstanceState>().notNull(),
    startDate: timestamptz("start_date"),
    endDate: timestamptz("end_date"),
    /** Seconds. */
    duration: doublePrecision("duration"),
    hostname: text("hostname"),
    workerName: text("worker_name"),
    pid: integer("pid"),
    queue: text("queue"),
    pool: text("pool"),
    error: text("error"),
  },
  (t) => [
    primaryKey({ name: "task_instance_history_pkey", columns: [t.dagId, t.runId, t.taskId, t.tryNumber] }),
    foreignKey({
      name: "task_instance_history_dag_run_fk",
      columns: [t.dagId, t.runId],
      foreignColumns: [dagRuns.dagId, dagRuns.runId],
    }).onDelete("cascade"),
  ],
);

export type TaskInstanceRow = typeof taskInstances.$inferSelect;
export type TaskInstanceHistoryRow = typeof taskInstanceHistory.$inferSelect;
