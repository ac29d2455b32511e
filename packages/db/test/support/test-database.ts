// Suite setup shared by the behavioural tests: a fresh, migrated database per driver and suite,
// dropped in afterAll, so every test file runs against both Postgres and PGlite in isolation.
import type { SerializedDag } from "@updraft/core";
import { afterAll, beforeAll } from "vitest";
import { migrate, type DatabaseDriver, type UpdraftDatabase } from "../../src/index.ts";
import { createTestDatabase, type TestDatabase } from "../../src/testing.ts";

export const DRIVERS: DatabaseDriver[] = ["postgres", "pglite"];

/** Registers beforeAll/afterAll hooks; call the returned function inside tests. */
export function useMigratedDatabase(driver: DatabaseDriver): () => UpdraftDatabase {
  let testDb: TestDatabase | undefined;
  let database: UpdraftDatabase | undefined;
  beforeAll(async () => {
    testDb = await createTestDatabase(driver);
    database = await testDb.open();
    await migrate(database);
  });
  afterAll(async () => {
    await testDb?.drop();
  });
  return () => {
    if (database === undefined) throw new Error("database not opened yet");
    return database;
  };
}

/** A minimal valid serialized DAG. */
export function sampleDag(dagId: string, overrides: Partial<SerializedDag> = {}): SerializedDag {
  return {
    dagId,
    fileloc: `${dagId}.ts`,
    description: `The ${dagId} DAG`,
    schedule: "@daily",
    startDate: "2024-01-01T00:00:00Z",
    catchup: false,
    maxActiveRuns: null,
    maxActiveTasks: null,
    tags: ["example", "test"],
    params: { size: 3 },
    tasks: [],
    ...overrides,
  };
}
