// The worker registry's writes: a worker registers when it starts, heartbeats with its counters
// while it runs, and deregisters when it stops. Reads for the API live in workers.ts.
import { eq, sql } from "drizzle-orm";
import type { UpdraftDb } from "../client.ts";
import { workers } from "../schema/workers.ts";

export interface WorkerRegistration {
  name: string;
  hostname: string;
  pid: number;
  queues: string[];
  concurrency: number;
}

/** Registers (or re-registers, after a restart under the same name) a worker, counters reset. */
export async function registerWorker(db: UpdraftDb, worker: WorkerRegistration, now: Date = new Date()): Promise<void> {
  const row = { ...worker, startedAt: now, lastHeartbeat: now, active: 0, processed: 0, succeeded: 0, failed: 0, state: "online" as const };
  await db.insert(workers).values(row).onConflictDoUpdate({ target: workers.name, set: row });
}

export interface WorkerCounters {
  active: number;
  /** Tries finished since the last heartbeat, added to the stored totals. */
  processed: number;
  succeeded: number;
  failed: number;
}

export async function heartbeatWorker(db: UpdraftDb, name: string, counters: WorkerCounters, now: Date = new Date()): Promise<void> {
  await db
    .update(workers)
    .set({
      lastHeartbeat: now,
      state: "online",
      active: counters.active,
      processed: sql`${workers.processed} + ${counters.processed}`,
      succeeded: sql`${workers.succeeded} + ${counters.succeeded}`,
      failed: sql`${workers.failed} + ${counters.failed}`,
    })
    .where(eq(workers.name, name));
}

export async function deregisterWorker(db: UpdraftDb, name: string): Promise<void> {
  await db.update(workers).set({ state: "stopped", active: 0 }).where(eq(workers.name, name));
}
