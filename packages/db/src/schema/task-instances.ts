// The current try of every task in every run, plus the finished tries kept for history.
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
      .default(sql`now()`)
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
    // (dag_id, task_id, run_id), not (dag_id, run_id, task_id): a primary key led by (dag_id,
    // run_id) ties with task_instances_run_state_idx for "a run's task instances of a state"
    // whenever the planner estimates one row per run (a new DAG, or no statistics yet), and the
    // planner then walks the whole run and filters on state (40-145 ms a probe on a 10,000-task
    // run, measured with auto_explain in `pnpm bench`). Led by (dag_id, task_id), it also serves
    // one task across runs (depends_on_past, max_active_tis_per_dag).
    primaryKey({ name: "task_instances_pkey", columns: [t.dagId, t.taskId, t.runId] }),
    foreignKey({
      name: "task_instances_dag_run_fk",
      columns: [t.dagId, t.runId],
      foreignColumns: [dagRuns.dagId, dagRuns.runId],
    }).onDelete("cascade"),
    // Every state change writes a new entry into each index (an indexed column changed, so the
    // update is never HOT): the table keeps few, and two of them partial. Task instances in flight
    // across DAGs (active counts, lost and stale tries, retries come due), and only those: no
    // entry is written when a task instance is scheduled or finishes, and the claim's read of
    // scheduled ones cannot be planned through it (with statistics that still say nothing is
    // scheduled, it was: a scan of every scheduled row and a sort, 45-57 ms a claim).
    index("task_instances_in_flight_idx")
      .on(t.state)
      .where(sql`${t.state} in ('queued', 'running', 'up_for_retry')`),
    index("task_instances_run_state_idx").on(t.dagId, t.runId, t.state, t.taskId),
    // The claim reads each DAG's best scheduled task instances per pool (LATERAL per DAG with
    // room and pool with open slots) in exactly this order (priority weight, the run's logical
    // date, run id, task id; ids as "C"), so it reads as many rows of the index as it may queue
    // and sorts nothing, however many are scheduled. Only scheduled rows are in it.
    index("task_instances_claim_order_idx")
      .on(t.dagId, t.pool, t.priorityWeight.desc(), t.runLogicalDate, sql`${t.runId} collate "C"`, sql`${t.taskId} collate "C"`)
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
