// One migrated test database and one DAGs folder per suite for the scheduler's store tests:
// created before the suite (the files written and, by default, parsed), dropped after it.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { migrate, type UpdraftDatabase } from "@updraft/db";
import { createTestDatabase, type TestDatabase } from "@updraft/db/testing";
import { processDagsFolder } from "../../src/index.ts";

export interface StoreWorld {
  /** Set once the suite's beforeAll ran. */
  database: UpdraftDatabase;
  folder: string;
}

/** Registers the suite's hooks; the returned object is filled in beforeAll. */
export function useStoreWorld(driver: "postgres" | "pglite", files: Record<string, string>, options: { parse?: boolean } = {}): StoreWorld {
  const world = {} as StoreWorld;
  let testDb: TestDatabase | undefined;
  beforeAll(async () => {
    testDb = await createTestDatabase(driver);
    world.database = await testDb.open();
    await migrate(world.database);
    world.folder = await mkdtemp(join(tmpdir(), "updraft-store-"));
    for (const [name, source] of Object.entries(files)) await writeFile(join(world.folder, name), source);
    if (options.parse !== false) await processDagsFolder(world.database.db, { dagsFolder: world.folder, fileTimeoutMs: 60_000, pausedAtCreation: false });
  }, 120_000);
  afterAll(async () => {
    await testDb?.drop();
    if (world.folder) await rm(world.folder, { recursive: true, force: true });
  });
  return world;
}
