// The worker registry's writes: a worker registers when it starts, heartbeats with its counters
// while it runs, and deregisters when it stops. Reads for the API live in workers.ts.
import { and, eq, like, sql } from "drizzle-orm";
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

/**
 * Forgets workers that stopped cleanly and whose names start with `prefix` (the local executor's
 * `local@<host>:`), so a standalone restarted many times shows one local row, not one per run.
 * Workers that died without deregistering stay, shown offline. @returns how many went.
 */
export async function forgetStoppedWorkers(db: UpdraftDb, prefix: string): Promise<number> {
  const escaped = prefix.replace(/[\\%_]/g, (c) => `\\${c}`);
  const gone = await db.delete(workers).where(and(eq(workers.state, "stopped"), like(workers.name, `${escaped}%`))).returning({ name: workers.name });
  return gone.length;
}
