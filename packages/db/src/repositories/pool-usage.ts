// Pool administration beyond listing, and how many slots each pool's queued and running task
// instances take, computed from task_instances so it is never out of date.
import type { TaskInstanceState } from "@updraft/core";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { UpdraftDb } from "../client.ts";
import { pools, type PoolRow } from "../schema/pools.ts";
import { taskInstances } from "../schema/task-instances.ts";

export interface PoolUsage {
  running: number;
  queued: number;
}

const USING_STATES: TaskInstanceState[] = ["running", "queued"];

/** Slots taken per pool by running and queued task instances; pools with none are absent. */
export async function poolUsage(db: UpdraftDb, poolNames?: readonly string[]): Promise<Map<string, PoolUsage>> {
  const filter = inArray(taskInstances.state, USING_STATES);
  const rows = await db
    .select({
      pool: taskInstances.pool,
      state: taskInstances.state,
      slots: sql<number>`coalesce(sum(${taskInstances.poolSlots}), 0)::int`,
    })
    .from(taskInstances)
    .where(poolNames === undefined ? filter : and(filter, inArray(taskInstances.pool, [...poolNames])))
    .groupBy(taskInstances.pool, taskInstances.state);
  const usage = new Map<string, PoolUsage>();
  for (const row of rows) {
    const entry = usage.get(row.pool) ?? { running: 0, queued: 0 };
    if (row.state === "running") entry.running += Number(row.slots);
    else entry.queued += Number(row.slots);
    usage.set(row.pool, entry);
  }
  return usage;
}

/** The pool with that name, or undefined. */
export async function getPool(db: UpdraftDb, name: string): Promise<PoolRow | undefined> {
  const [row] = await db.select().from(pools).where(eq(pools.name, name));
  return row;
}

/** Inserts a pool; undefined when one with that name exists already. */
export async function insertPool(db: UpdraftDb, pool: { name: string; slots: number; description?: string | null }): Promise<PoolRow | undefined> {
  const [row] = await db
    .insert(pools)
    .values({ name: pool.name, slots: pool.slots, description: pool.description ?? null })
    .onConflictDoNothing({ target: pools.name })
    .returning();
  return row;
}

/** Changes the given fields of a pool; undefined when it does not exist. */
export async function updatePool(
  db: UpdraftDb,
  name: string,
  changes: { slots?: number | undefined; description?: string | null | undefined },
): Promise<PoolRow | undefined> {
  const set: Partial<PoolRow> = {};
  if (changes.slots !== undefined) set.slots = changes.slots;
  if (changes.description !== undefined) set.description = changes.description;
  if (Object.keys(set).length === 0) return getPool(db, name);
  const [row] = await db.update(pools).set(set).where(eq(pools.name, name)).returning();
  return row;
}

/** Deletes a pool; false when it did not exist. */
export async function deletePool(db: UpdraftDb, name: string): Promise<boolean> {
  const rows = await db.delete(pools).where(eq(pools.name, name)).returning({ name: pools.name });
  return rows.length > 0;
}
