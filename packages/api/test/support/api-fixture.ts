// Suite setup for the API tests: a fresh migrated Postgres database per test file, three users
// (one per role), a few DAGs, and a built (not listening) server. Dropped in afterAll.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashPassword } from "@updraft/auth";
import { loadConfig, type FrozenConfig } from "@updraft/config";
import { hashSerializedDag, type SerializedDag, type SerializedTask, type UserRole } from "@updraft/core";
import { createUser, migrate, syncDags, type UpdraftDatabase } from "@updraft/db";
import { createTestDatabase, type TestDatabase } from "@updraft/db/testing";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll } from "vitest";
import { buildApiServer, type ApiServerOptions } from "../../src/index.ts";

export const PASSWORD = "correct horse battery";
export const LOCAL_TOKEN = "local-admin-token-for-tests";
export const USERS: Record<UserRole, string> = { Admin: "alice", Op: "oscar", Viewer: "victor" };

export function basic(username: string, password = PASSWORD): { authorization: string } {
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` };
}

export const as = {
  Admin: basic(USERS.Admin),
  Op: basic(USERS.Op),
  Viewer: basic(USERS.Viewer),
};

export function sampleTask(taskId: string, overrides: Partial<SerializedTask> = {}): SerializedTask {
  return {
    taskId,
    kind: "task",
    upstream: [],
    inputs: {},
    bashCommand: null,
    retries: 0,
    retryDelayMs: 1000,
    retryExponentialBackoff: false,
    maxRetryDelayMs: null,
    executionTimeoutMs: null,
    queue: "default",
    pool: "default_pool",
    poolSlots: 1,
    priorityWeight: 1,
    triggerRule: "all_success",
    sensor: null,
    doc: null,
    ...overrides,
  };
}

export function sampleDag(dagId: string, overrides: Partial<SerializedDag> = {}): SerializedDag {
  return {
    dagId,
    fileloc: `${dagId}.ts`,
    description: `The ${dagId} DAG`,
    schedule: null,
    startDate: "2024-01-01T00:00:00Z",
    catchup: false,
    maxActiveRuns: null,
    maxActiveTasks: null,
    tags: ["example"],
    params: {},
    tasks: [sampleTask("extract"), sampleTask("transform", { upstream: ["extract"], retries: 2 }), sampleTask("load", { upstream: ["transform"] })],
    ...overrides,
  };
}

export interface ApiFixture {
  database: UpdraftDatabase;
  server: FastifyInstance;
  config: FrozenConfig;
}

/** Registers beforeAll/afterAll; call the returned function inside tests. */
export function useApi(
  dags: SerializedDag[] = [sampleDag("etl")],
  serverOptions: Partial<Pick<ApiServerOptions, "webRoot" | "liveIntervalMs">> & { env?: Record<string, string> } = {},
): () => ApiFixture {
  let testDb: TestDatabase | undefined;
  let fixture: ApiFixture | undefined;
  beforeAll(async () => {
    testDb = await createTestDatabase("postgres");
    const database = await testDb.open();
    await migrate(database);
    const passwordHash = await hashPassword(PASSWORD);
    for (const [role, username] of Object.entries(USERS) as Array<[UserRole, string]>) {
      await createUser(database.db, { username, passwordHash, role });
    }
    await syncDags(database.db, {
      dags: dags.map((serialized) => ({ serialized, hash: hashSerializedDag(serialized) })),
      importErrors: [],
      parsedAt: new Date(),
      pausedAtCreation: false,
    });
    const config = loadConfig({ env: serverOptions.env ?? {}, cwd: await mkdtemp(join(tmpdir(), "updraft-api-cfg-")) });
    const server = await buildApiServer({ database, config, localAdminToken: LOCAL_TOKEN, webRoot: serverOptions.webRoot, liveIntervalMs: serverOptions.liveIntervalMs });
    await server.ready();
    fixture = { database, server, config };
  });
  afterAll(async () => {
    await fixture?.server.close();
    await testDb?.drop();
  });
  return () => {
    if (fixture === undefined) throw new Error("API fixture not ready");
    return fixture;
  };
}
