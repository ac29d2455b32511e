// What changed lately, for the webserver's one change poller (server push to dashboards): runs
// whose task instances were updated, runs that are active or just finished, and a fingerprint of
// the worker registry. Each is one cheap aggregate query.
import type { DagRunState } from "@updraft/core";
import { count, gt, inArray, max, or, sql } from "drizzle-orm";
import type { UpdraftDb } from "../client.ts";
import { dagRuns } from "../schema/dag-runs.ts";
import { taskInstances } from "../schema/task-instances.ts";
import { workers } from "../schema/workers.ts";

export interface RunTouch {
  dagId: string;
  runId: string;
  /** Newest task instance update in that run (ms since epoch). */
  at: number;
}

/** Runs with a task instance updated after `since`, with their newest update time. */
export async function runsWithTaskUpdatesSince(db: UpdraftDb, since: Date): Promise<RunTouch[]> {
  const rows = await db
    .select({ dagId: taskInstances.dagId, runId: taskInstances.runId, at: max(taskInstances.updatedAt) })
    .from(taskInstances)
    .where(gt(taskInstances.updatedAt, since))
    .groupBy(taskInstances.dagId, taskInstances.runId);
  return rows.map((r) => ({ dagId: r.dagId, runId: r.runId, at: r.at?.getTime() ?? 0 }));
}

export interface RunStateRow {
  dagId: string;
  runId: string;
  state: DagRunState;
}

/**
 * Runs that are queued or running, or were created, started or ended after `since`. dag_runs has
 * no updated_at, so the poller compares these states with the previous answer to see changes.
 */
export async function activeOrRecentRuns(db: UpdraftDb, since: Date): Promise<RunStateRow[]> {
  return db
    .select({ dagId: dagRuns.dagId, runId: dagRuns.runId, state: dagRuns.state })
    .from(dagRuns)
    .where(
      or(
        inArray(dagRuns.state, ["queued", "running"]),
        gt(dagRuns.createdAt, since),
        gt(dagRuns.startDate, since),
        gt(dagRuns.endDate, since),
      ),
    );
}

/** Changes whenever a worker joins, leaves, heartbeats or counts a task. */
export async function workersFingerprint(db: UpdraftDb): Promise<string> {
  const [row] = await db
    .select({
      n: count(),
      beat: max(workers.lastHeartbeat),
      sum: sql<string>`coalesce(sum(${workers.processed} + ${workers.active}), 0)::text`,
      states: sql<string>`coalesce(string_agg(${workers.state}, ','), '')`,
    })
    .from(workers);
  return `${row?.n ?? 0}|${row?.beat?.getTime() ?? 0}|${row?.sum ?? 0}|${row?.states ?? ""}`;
}
