import { describe, expect, it } from "vitest";
import { isUpdraftError } from "@updraft/core";
import { assertMigrated, checkDatabase, createUser, listUsers, migrate, resetDatabase, syncDags } from "../src/index.ts";
import { createTestDatabase } from "../src/testing.ts";
import { DRIVERS, sampleDag } from "./support/test-database.ts";

describe.each(DRIVERS)("migrations (%s)", (driver) => {
  it("reports pending migrations, migrates, then checks ok; reset empties the data", async () => {
    const testDb = await createTestDatabase(driver);
    try {
      const database = await testDb.open();
      expect(database.driver).toBe(driver);

      const before = await checkDatabase(database);
      expect(before).toMatchObject({ ok: false, driver, applied: 0 });
      expect(before.pending).toBeGreaterThanOrEqual(2);
      await expect(assertMigrated(database)).rejects.toSatisfy((e) => isUpdraftError(e, "UPDRAFT_DB_NOT_MIGRATED"));

      await migrate(database);
      await migrate(database); // idempotent
      const after = await checkDatabase(database);
      expect(after).toMatchObject({ ok: true, driver, pending: 0, applied: before.pending });
      await assertMigrated(database);

      await createUser(database.db, { username: "ada", passwordHash: "x", role: "Admin" });
      await syncDags(database.db, { dags: [{ serialized: sampleDag("a"), hash: "h" }], importErrors: [], parsedAt: new Date(), pausedAtCreation: true });
      await resetDatabase(database);
      expect(await listUsers(database.db)).toEqual([]);
      expect(await checkDatabase(database)).toMatchObject({ ok: true, pending: 0 });

      await database.close();
      const closed = await checkDatabase(database);
      expect(closed.ok).toBe(false);
      expect(closed.message).toMatch(/failed/);
      await expect(assertMigrated(database)).rejects.toSatisfy((e) => isUpdraftError(e, "UPDRAFT_DB_UNAVAILABLE"));
    } finally {
      await testDb.drop();
    }
  });
});

describe("migrations (postgres, concurrent)", () => {
  it("two processes migrating at once both succeed", async () => {
    const testDb = await createTestDatabase("postgres");
    try {
      const [a, b] = await Promise.all([testDb.open(), testDb.open()]);
      await Promise.all([migrate(a), migrate(b)]);
      expect(await checkDatabase(a)).toMatchObject({ ok: true, pending: 0 });
    } finally {
      await testDb.drop();
    }
  });
});
