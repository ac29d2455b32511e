// The worker registry as the dashboard and the API read it (Flower's view): every worker with its
// counters, and what one worker is running now and ran recently.
import { and, asc, count, desc, eq, isNotNull } from "drizzle-orm";
import type { UpdraftDb } from "../client.ts";
import { taskInstanceHistory, taskInstances, type TaskInstanceHistoryRow, type TaskInstanceRow } from "../schema/task-instances.ts";
import { workers, type WorkerRow } from "../schema/workers.ts";

/** Every registered worker, by name. */
export async function listWorkers(db: UpdraftDb): Promise<WorkerRow[]> {
  return db.select().from(workers).orderBy(asc(workers.name));
}

/**
 * Task instances running now per worker name, from the task instance table: the same source as a
 * worker's "Running now" list, so its active count and that list agree (the heartbeat's own
 * counter lags by up to a beat and counts tries still being set up).
 */
export async function runningCountsByWorker(db: UpdraftDb): Promise<Map<string, number>> {
  const rows = await db
    .select({ name: taskInstances.workerName, n: count() })
    .from(taskInstances)
    .where(and(eq(taskInstances.state, "running"), isNotNull(taskInstances.workerName)))
    .groupBy(taskInstances.workerName);
  return new Map(rows.map((r) => [r.name ?? "", r.n]));
}

/** One worker, or undefined. */
export async function getWorker(db: UpdraftDb, name: string): Promise<WorkerRow | undefined> {
  const [row] = await db.select().from(workers).where(eq(workers.name, name));
  return row;
}

/**
 * True when the worker counts as online: it says so and its heartbeat is recent. A worker killed
 * without saying goodbye keeps state "online" in the table, so the heartbeat age decides.
 */
export function isWorkerOnline(row: Pick<WorkerRow, "state" | "lastHeartbeat">, offlineAfterMs: number, now: Date = new Date()): boolean {
  return row.state === "online" && now.getTime() - row.lastHeartbeat.getTime() <= offlineAfterMs;
}

/** The task instances a worker holds now (its current try) and its most recently finished tries. */
export async function workerTaskInstances(
  db: UpdraftDb,
  name: string,
  recentLimit = 50,
): Promise<{ current: TaskInstanceRow[]; recent: TaskInstanceHistoryRow[] }> {
  const [current, recent] = await Promise.all([
    db
      .select()
      .from(taskInstances)
      .where(and(eq(taskInstances.workerName, name), eq(taskInstances.state, "running")))
      .orderBy(asc(taskInstances.startDate)),
    db
      .select()
      .from(taskInstanceHistory)
      .where(and(eq(taskInstanceHistory.workerName, name), isNotNull(taskInstanceHistory.endDate)))
      .orderBy(desc(taskInstanceHistory.endDate))
      .limit(recentLimit),
  ]);
  return { current, recent };
}
