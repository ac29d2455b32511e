// The worker in this process on real Postgres and Redis: it registers, takes a try from its queue,
// runs it in a task process, records running -> success with the result and log, counts it, and
// deregisters on stop. A try whose row is no longer queued is dropped, not run.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "@updraft/core";
import { Broker } from "@updraft/broker";
import { createDagRun, migrate, taskInstances, taskLogs, workers, xcom, type UpdraftDatabase } from "@updraft/db";
import { createTestDatabase, type TestDatabase } from "@updraft/db/testing";
import { claimTaskInstances, DagCache, processDagsFolder } from "@updraft/scheduler";
import { and, eq } from "drizzle-orm";
import { UpdraftWorker } from "../src/index.ts";

let testDb: TestDatabase;
let database: UpdraftDatabase;
let folder: string;
let broker: Broker;
let worker: UpdraftWorker;

beforeAll(async () => {
  testDb = await createTestDatabase("postgres");
  database = await testDb.open();
  await migrate(database);
  folder = await mkdtemp(join(tmpdir(), "updraft-worker-"));
  await writeFile(
    join(folder, "hello.ts"),
    `import { dag, task } from "@updraft/sdk";
export default dag({ dagId: "hello" }, () => { task({ taskId: "greet" }, (ctx) => { ctx.log("hello from " + ctx.taskId); return { greeting: "hi" }; }); });`,
  );
  await processDagsFolder(database.db, { dagsFolder: folder, fileTimeoutMs: 30_000, pausedAtCreation: false });
  broker = new Broker({ redisUrl: "redis://127.0.0.1:6379/0", prefix: `worker-test-${process.pid}-${Date.now()}` });
  worker = new UpdraftWorker({ db: database.db, broker, dagsFolder: folder, queues: ["default"], concurrency: 2, name: "test-worker", heartbeatMs: 200, logger: silentLogger });
  await worker.start();
});

afterAll(async () => {
  for (const name of await broker.knownQueueNames()) await broker.queue(name).obliterate({ force: true });
  await broker.close();
  await database.close();
  await testDb.drop();
  await rm(folder, { recursive: true, force: true });
});

async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts a run the way the scheduler would and claims its task instance. */
async function claimOne(runId: string) {
  await createDagRun(database.db, { dagId: "hello", runId, runType: "manual", logicalDate: new Date() });
  const { dagRuns } = await import("@updraft/db");
  await database.db.update(dagRuns).set({ state: "running" }).where(eq(dagRuns.runId, runId));
  await database.db.insert(taskInstances).values({ dagId: "hello", runId, taskId: "greet", state: "scheduled", maxTries: 1 });
  const cache = new DagCache();
  const dags = await cache.refresh(database.db);
  const claim = await claimTaskInstances(database.db, dags, { parallelism: 8, defaultMaxActiveTasks: 8, executorFreeSlots: 8 }, new Date());
  expect(claim.queued).toHaveLength(1);
  return claim.queued[0]!;
}

const row = async (runId: string) =>
  (await database.db.select().from(taskInstances).where(and(eq(taskInstances.runId, runId), eq(taskInstances.taskId, "greet"))))[0];

describe("UpdraftWorker", () => {
  it("runs a queued try and records it with its result, log and counters", async () => {
    const queued = await claimOne("r1");
    await broker.enqueue([queued]);
    await until(async () => (await row("r1"))?.state === "success");
    expect(await row("r1")).toMatchObject({ tryNumber: 1, workerName: "test-worker", hostname: expect.any(String) });
    const [result] = await database.db.select().from(xcom).where(eq(xcom.runId, "r1"));
    expect(result!.value).toEqual({ greeting: "hi" });
    const lines = await database.db.select().from(taskLogs).where(eq(taskLogs.runId, "r1"));
    expect(lines.map((l) => l.line)).toContain("hello from greet");
    await until(async () => (await database.db.select().from(workers).where(eq(workers.name, "test-worker")))[0]?.processed === 1);
  });

  it("drops a try whose task instance is no longer queued (cleared or taken over)", async () => {
    const queued = await claimOne("r2");
    await database.db.update(taskInstances).set({ state: null }).where(eq(taskInstances.runId, "r2"));
    await broker.enqueue([queued]);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await row("r2"))!.state).toBeNull();
  });

  it("deregisters when stopped", async () => {
    await worker.stop();
    const [registered] = await database.db.select().from(workers).where(eq(workers.name, "test-worker"));
    expect(registered!.state).toBe("stopped");
  });
});
