import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { DEFAULT_POOL_NAME, ensureDefaultPool, listPools, pools, upsertPool } from "../src/index.ts";
import { DRIVERS, useMigratedDatabase } from "./support/test-database.ts";

describe.each(DRIVERS)("repositories/pools (%s)", (driver) => {
  const database = useMigratedDatabase(driver);

  it("has default_pool with 128 slots after migration", async () => {
    const { db } = database();
    expect(await listPools(db)).toEqual([{ name: "default_pool", slots: 128, description: "Default pool" }]);
  });

  it("upserts pools and re-creates a deleted default pool", async () => {
    const { db } = database();
    expect(await upsertPool(db, { name: "gpu", slots: 2, description: "GPUs" })).toEqual({ name: "gpu", slots: 2, description: "GPUs" });
    expect(await upsertPool(db, { name: "gpu", slots: 4 })).toEqual({ name: "gpu", slots: 4, description: "GPUs" });

    await upsertPool(db, { name: DEFAULT_POOL_NAME, slots: 16 });
    await ensureDefaultPool(db); // keeps a user's change
    expect((await listPools(db)).find((p) => p.name === DEFAULT_POOL_NAME)?.slots).toBe(16);

    await db.delete(pools).where(eq(pools.name, DEFAULT_POOL_NAME));
    await ensureDefaultPool(db);
    expect((await listPools(db)).map((p) => [p.name, p.slots])).toEqual([
      ["default_pool", 128],
      ["gpu", 4],
    ]);
  });
});
