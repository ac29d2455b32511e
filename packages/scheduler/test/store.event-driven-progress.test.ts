// The event-driven pass on Postgres and PGlite (issue 8, item 1): a run named with the tasks whose
// tries ended is not re-read while those tasks have no downstream and work is still in flight in
// the run; it is read, and moved on, when a finished task has a downstream task, when the run's
// last task instance ends, when the tasks are not named, and when the DAG has a dagrunTimeout.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDagRun, dagRuns, migrate, taskInstances, type UpdraftDatabase } from "@updraft/db";
import { createTestDatabase, type TestDatabase } from "@updraft/db/testing";
import { and, eq } from "drizzle-orm";
import { DagCache, processDagsFolder, progressRunningRuns, startQueuedRuns } from "../src/index.ts";

const SDK = `import { chain, dag, task } from "@updraft/sdk";`;
const FILES = {
  "wide.ts": `${SDK}\nexport default dag({ dagId: "wide" }, () => { for (const id of ["a", "b", "c"]) task({ taskId: id }, () => null); });`,
  "pair.ts": `${SDK}\nexport default dag({ dagId: "pair" }, () => { chain(task({ taskId: "up" }, () => null), task({ taskId: "down" }, () => null)); task({ taskId: "side" }, () => null); });`,
  "timed.ts": `${SDK}\nexport default dag({ dagId: "timed", dagrunTimeout: "1h" }, () => { for (const id of ["a", "b"]) task({ taskId: id }, () => null); });`,
};

describe.each(["postgres", "pglite"] as const)("event-driven progress (%s)", (driver) => {
  let testDb: TestDatabase;
  let database: UpdraftDatabase;
  let folder: string;
  const cache = new DagCache();

  beforeAll(async () => {
    testDb = await createTestDatabase(driver);
    database = await testDb.open();
    await migrate(database);
    folder = await mkdtemp(join(tmpdir(), "updraft-event-pass-"));
    for (const [name, source] of Object.entries(FILES)) await writeFile(join(folder, name), source);
    await processDagsFolder(database.db, { dagsFolder: folder, fileTimeoutMs: 60_000, pausedAtCreation: false });
    const dags = await cache.refresh(database.db);
    for (const dagId of dags.keys()) {
      await createDagRun(database.db, { dagId, runId: "r", runType: "manual", logicalDate: new Date() });
    }
    await startQueuedRuns(database.db, dags, 16, new Date());
    await progressRunningRuns(database.db, dags, new Date(), "all"); // roots -> scheduled
  }, 120_000);

  afterAll(async () => {
    await testDb?.drop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  const set = (dagId: string, taskId: string, state: "running" | "success") =>
    database.db.update(taskInstances).set({ state, endDate: new Date() }).where(and(eq(taskInstances.dagId, dagId), eq(taskInstances.taskId, taskId)));
  const stateOf = async (dagId: string, taskId: string) =>
    (await database.db.select({ s: taskInstances.state }).from(taskInstances).where(and(eq(taskInstances.dagId, dagId), eq(taskInstances.taskId, taskId))))[0]?.s;
  const runState = async (dagId: string) => (await database.db.select({ s: dagRuns.state }).from(dagRuns).where(eq(dagRuns.dagId, dagId)))[0]?.s;
  const pass = (dagId: string, finishedTasks?: string[]) =>
    progressRunningRuns(database.db, cache.all(), new Date(), [{ dagId, runId: "r", ...(finishedTasks ? { finishedTasks } : {}) }]);

  it("does not re-read a run for finished tasks without downstream while work is in flight; ends it with the last one", async () => {
    await set("wide", "a", "success");
    await set("wide", "b", "running");
    await set("wide", "c", "running");
    expect((await pass("wide", ["a"])).runs).toBe(0);
    // Named without its tasks (a start, a due retry, another scheduler's wake-up): read.
    expect((await pass("wide")).runs).toBe(1);
    await set("wide", "b", "success");
    await set("wide", "c", "success");
    const last = await pass("wide", ["b", "c"]);
    expect(last.runs).toBe(1);
    expect(last.ended).toEqual([{ dagId: "wide", runId: "r", state: "success", reason: "success" }]);
    expect(await runState("wide")).toBe("success");
  });

  it("reads the run when a finished task has a downstream task, and schedules it", async () => {
    await set("pair", "side", "running");
    await set("pair", "up", "success");
    const progress = await pass("pair", ["up"]);
    expect(progress.runs).toBe(1);
    expect(await stateOf("pair", "down")).toBe("scheduled");
  });

  it("always reads a run whose DAG has a dagrunTimeout (the timeout is checked on each look)", async () => {
    await set("timed", "a", "success");
    await set("timed", "b", "running");
    expect((await pass("timed", ["a"])).runs).toBe(1);
  });
});
