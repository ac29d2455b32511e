// A try lost with its worker never ran its own onFailure / onRetry: the scheduler's callback
// runner runs them (a DAG-importing process), on Postgres. Side effects are marker files.
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger, type Executor } from "@updraft/core";
import { createDagRun, migrate, taskInstances, type UpdraftDatabase } from "@updraft/db";
import { createTestDatabase, type TestDatabase } from "@updraft/db/testing";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DagCache, processDagsFolder, Scheduler, startQueuedRuns } from "../src/index.ts";

let testDb: TestDatabase;
let database: UpdraftDatabase;
let folder: string;
let markers: string;

beforeAll(async () => {
  testDb = await createTestDatabase("postgres");
  database = await testDb.open();
  await migrate(database);
  folder = await mkdtemp(join(tmpdir(), "updraft-lost-cb-"));
  markers = await mkdtemp(join(tmpdir(), "updraft-lost-cb-markers-"));
  await writeFile(
    join(folder, "lost.ts"),
    `import { writeFileSync } from "node:fs";
import { dag, task } from "@updraft/sdk";
const mark = (name, text) => writeFileSync(${JSON.stringify(markers)} + "/" + name, text);
export default dag({ dagId: "lost" }, () => {
  task({ taskId: "will_retry", retries: 1, onRetry: (ctx, error) => mark("retry." + ctx.taskId + "." + ctx.tryNumber, error.message) }, () => 1);
  task({ taskId: "will_fail", onFailure: (ctx, error) => mark("failure." + ctx.taskId + "." + ctx.tryNumber, error.message) }, () => 2);
});`,
  );
  const bag = await processDagsFolder(database.db, { dagsFolder: folder, fileTimeoutMs: 60_000, pausedAtCreation: false });
  expect(bag.importErrors).toEqual([]);
}, 120_000);

afterAll(async () => {
  await testDb?.drop();
  await rm(folder, { recursive: true, force: true });
  await rm(markers, { recursive: true, force: true });
});

describe("lost tries' callbacks", () => {
  it("runs onRetry for a lost try with a retry left and onFailure for one without, with the loss as the error", { timeout: 120_000 }, async () => {
    await createDagRun(database.db, { dagId: "lost", runId: "r1", runType: "manual", logicalDate: new Date() });
    await startQueuedRuns(database.db, await new DagCache().refresh(database.db), 8, new Date()); // creates its task instances
    const long = new Date(Date.now() - 3_600_000);
    for (const taskId of ["will_retry", "will_fail"]) {
      await database.db
        .update(taskInstances)
        .set({ state: "running", tryNumber: 1, startDate: long, lastHeartbeatAt: long, workerName: "gone-worker", hostname: "gone", pid: 1 })
        .where(and(eq(taskInstances.dagId, "lost"), eq(taskInstances.taskId, taskId)));
    }
    // An executor that takes nothing and cannot say who holds a try (as an in-process one).
    const executor: Executor = { name: "none", freeSlots: () => 0, execute: () => {}, close: async () => {} };
    const scheduler = new Scheduler({
      database,
      executor,
      limits: { parallelism: 8, maxActiveTasksPerDag: 8, maxActiveRunsPerDag: 8 },
      heartbeatMs: 500,
      lostTries: { zombieAfterMs: 300, queuedCheckAfterMs: 60_000 },
      logger: silentLogger,
      callbacks: { dagsFolder: folder },
    });
    await scheduler.start();
    try {
      const deadline = Date.now() + 90_000;
      while ((await readdir(markers)).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    } finally {
      await scheduler.stop();
    }
    expect((await readdir(markers)).sort()).toEqual(["failure.will_fail.1", "retry.will_retry.1"]);
    expect(await readFile(join(markers, "retry.will_retry.1"), "utf8")).toMatch(/^the try was lost: gone-worker sent no heartbeat/);
    expect(await readFile(join(markers, "failure.will_fail.1"), "utf8")).toMatch(/^the try was lost/);
  });
});
