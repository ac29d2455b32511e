// Pools: listing and editing slot budgets. The default pool is seeded by a migration;
// ensureDefaultPool re-creates it if a user deleted it.
import { asc } from "drizzle-orm";
import type { UpdraftDb } from "../client.ts";
import { DEFAULT_POOL_NAME, DEFAULT_POOL_SLOTS, pools, type PoolRow } from "../schema/pools.ts";

/** Creates `default_pool` with 128 slots unless it exists (an existing one keeps its slots). */
export async function ensureDefaultPool(db: UpdraftDb): Promise<void> {
  await db
    .insert(pools)
    .values({ name: DEFAULT_POOL_NAME, slots: DEFAULT_POOL_SLOTS, description: "Default pool" })
    .onConflictDoNothing({ target: pools.name });
}

/** All pools by name. */
export async function listPools(db: UpdraftDb): Promise<PoolRow[]> {
  return db.select().from(pools).orderBy(asc(pools.name));
}

/** Creates the pool or changes its slots (and description, when given). */
export async function upsertPool(
  db: UpdraftDb,
  pool: { name: string; slots: number; description?: string | null },
): Promise<PoolRow> {
  const set: Partial<PoolRow> = { slots: pool.slots };
  if (pool.description !== undefined) set.description = pool.description;
  const [row] = await db
    .insert(pools)
    .values({ name: pool.name, slots: pool.slots, description: pool.description ?? null })
    .onConflictDoUpdate({ target: pools.name, set })
    .returning();
  return row!;
}
