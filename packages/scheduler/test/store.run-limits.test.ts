// The run and task limits wired into the scheduler's stores, on Postgres and PGlite, pass by pass:
// dependsOnPast holds a task instance until its previous run's instance succeeded (and "why
// waiting" names it), an event-driven pass on the previous run releases the next run;
// dagrunTimeout fails the run and skips its unfinished task instances (as Airflow);
// maxActiveTisPerDag caps one task's instances over runs in the claim.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDagRun, dagRuns, migrate, taskInstances, type UpdraftDatabase } from "@updraft/db";
import { createTestDatabase, type TestDatabase } from "@updraft/db/testing";
import { and, eq } from "drizzle-orm";
import { claimTaskInstances, DagCache, explainTaskInstance, processDagsFolder, progressRunningRuns, startQueuedRuns } from "../src/index.ts";

const SDK = `import { chain, dag, task } from "@updraft/sdk";`;
const FILES: Record<string, string> = {
  "past.ts": `${SDK}\nexport default dag({ dagId: "past" }, () => { chain(task({ taskId: "gate", dependsOnPast: true }, () => 1), task({ taskId: "after" }, () => 2)); });`,
  "downstream.ts": `${SDK}\nexport default dag({ dagId: "downstream" }, () => { chain(task({ taskId: "w", waitForDownstream: true }, () => 1), task({ taskId: "d" }, () => 2)); });`,
  "slow.ts": `${SDK}\nexport default dag({ dagId: "slow", dagrunTimeout: 2 }, () => { task({ taskId: "a" }, () => 1); task({ taskId: "b" }, () => 2); task({ taskId: "c" }, () => 3); });`,
  "capped.ts": `${SDK}\nexport default dag({ dagId: "capped" }, () => { task({ taskId: "limited", maxActiveTisPerDag: 1, priorityWeight: 50 }, () => 1); task({ taskId: "free" }, () => 2); });`,
};
const LIMITS = { parallelism: 32, maxActiveTasksPerDag: 16, maxActiveRunsPerDag: 16 };

describe.each(["postgres", "pglite"] as const)("run and task limits in the scheduler's stores (%s)", (driver) => {
  let testDb: TestDatabase;
  let database: UpdraftDatabase;
  let folder: string;
  const cache = new DagCache();

  beforeAll(async () => {
    testDb = await createTestDatabase(driver);
    database = await testDb.open();
    await migrate(database);
    folder = await mkdtemp(join(tmpdir(), "updraft-run-limits-"));
    for (const [name, source] of Object.entries(FILES)) await writeFile(join(folder, name), source);
    const bag = await processDagsFolder(database.db, { dagsFolder: folder, fileTimeoutMs: 60_000, pausedAtCreation: false });
    expect(bag.importErrors).toEqual([]);
  }, 120_000);

  afterAll(async () => {
    await testDb?.drop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  const db = () => database.db;
  const tiState = async (dagId: string, runId: string, taskId: string) =>
    (
      await db()
        .select({ state: taskInstances.state })
        .from(taskInstances)
        .where(and(eq(taskInstances.dagId, dagId), eq(taskInstances.runId, runId), eq(taskInstances.taskId, taskId)))
    )[0]?.state;
  const setTi = (dagId: string, runId: string, taskId: string, state: "success" | "failed" | "running") =>
    db().update(taskInstances).set({ state }).where(and(eq(taskInstances.dagId, dagId), eq(taskInstances.runId, runId), eq(taskInstances.taskId, taskId)));
  const runState = async (dagId: string, runId: string) =>
    (await db().select({ state: dagRuns.state }).from(dagRuns).where(and(eq(dagRuns.dagId, dagId), eq(dagRuns.runId, runId))))[0]?.state;
  const start = async (dagId: string, runId: string, logicalDate: Date, now = new Date()) => {
    await createDagRun(db(), { dagId, runId, runType: "manual", logicalDate });
    await startQueuedRuns(db(), await cache.refresh(db()), LIMITS.maxActiveRunsPerDag, now);
  };

  it("dependsOnPast: the first run does not wait; the next waits for the previous instance, is explained, and is released by a pass on the previous run", async () => {
    await start("past", "r1", new Date("2026-01-01T00:00:00Z"));
    await progressRunningRuns(db(), cache.all(), new Date(), "all");
    expect(await tiState("past", "r1", "gate")).toBe("scheduled");

    await start("past", "r2", new Date("2026-01-02T00:00:00Z"));
    await progressRunningRuns(db(), cache.all(), new Date(), "all");
    expect(await tiState("past", "r2", "gate")).toBeNull();
    const why = await explainTaskInstance(db(), { dagId: "past", runId: "r2", taskId: "gate" }, LIMITS);
    expect(why?.[0]?.reason).toBe("depends_on_past");
    expect(why?.[0]?.message).toContain("previous run r1 is scheduled");

    // r1's gate fails: r2's gate keeps waiting, and r2 is not deadlocked.
    await setTi("past", "r1", "gate", "failed");
    await progressRunningRuns(db(), cache.all(), new Date(), [{ dagId: "past", runId: "r1" }]);
    expect(await tiState("past", "r2", "gate")).toBeNull();
    expect(await runState("past", "r2")).toBe("running");

    // Marked success: an event-driven pass naming only r1 releases r2's gate.
    await setTi("past", "r1", "gate", "success");
    await progressRunningRuns(db(), cache.all(), new Date(), [{ dagId: "past", runId: "r1" }]);
    expect(await tiState("past", "r2", "gate")).toBe("scheduled");
  });

  it("dependsOnPast: a previous run that has not started yet (no task instances) is waited for", async () => {
    await createDagRun(db(), { dagId: "past", runId: "r0", runType: "manual", logicalDate: new Date("2025-12-31T00:00:00Z") });
    await start("past", "r9", new Date("2025-12-31T12:00:00Z"));
    // r0 stays queued only if it was not started with r9: take it back to queued without task instances.
    await db().delete(taskInstances).where(and(eq(taskInstances.dagId, "past"), eq(taskInstances.runId, "r0")));
    await db().update(dagRuns).set({ state: "queued" }).where(and(eq(dagRuns.dagId, "past"), eq(dagRuns.runId, "r0")));
    await progressRunningRuns(db(), cache.all(), new Date(), [{ dagId: "past", runId: "r9" }]);
    expect(await tiState("past", "r9", "gate")).toBeNull();
    const why = await explainTaskInstance(db(), { dagId: "past", runId: "r9", taskId: "gate" }, LIMITS);
    expect(why?.[0]?.message).toContain("previous run r0 is not started");
  });

  it("waitForDownstream: also waits for the previous instance's direct downstream", async () => {
    await start("downstream", "r1", new Date("2026-01-01T00:00:00Z"));
    await setTi("downstream", "r1", "w", "success");
    await start("downstream", "r2", new Date("2026-01-02T00:00:00Z"));
    await progressRunningRuns(db(), cache.all(), new Date(), "all");
    expect(await tiState("downstream", "r2", "w")).toBeNull();
    const why = await explainTaskInstance(db(), { dagId: "downstream", runId: "r2", taskId: "w" }, LIMITS);
    expect(why?.[0]?.message).toMatch(/wait for downstream: 1 downstream/);
    await setTi("downstream", "r1", "d", "success");
    await progressRunningRuns(db(), cache.all(), new Date(), "all");
    expect(await tiState("downstream", "r2", "w")).toBe("scheduled");
  });

  it("dagrunTimeout: a run past it fails and its unfinished task instances are skipped; finished ones stay", async () => {
    const t0 = new Date();
    await start("slow", "r1", t0, t0);
    await progressRunningRuns(db(), cache.all(), t0, "all");
    await setTi("slow", "r1", "a", "success");
    await setTi("slow", "r1", "b", "running");
    const within = await progressRunningRuns(db(), cache.all(), new Date(t0.getTime() + 1_500), "all");
    expect(within.timedOut).toEqual([]);
    expect(await runState("slow", "r1")).toBe("running");
    const after = await progressRunningRuns(db(), cache.all(), new Date(t0.getTime() + 60_000), "all");
    expect(after.timedOut).toEqual([{ dagId: "slow", runId: "r1", reason: expect.stringContaining("dagrunTimeout of 2s") }]);
    expect(await runState("slow", "r1")).toBe("failed");
    expect([await tiState("slow", "r1", "a"), await tiState("slow", "r1", "b"), await tiState("slow", "r1", "c")]).toEqual(["success", "skipped", "skipped"]);
  });

  it("maxActiveTisPerDag: one instance of the task over three runs, the other task's instances all, and why-waiting names the limit", async () => {
    for (const [i, runId] of ["r1", "r2", "r3"].entries()) await start("capped", runId, new Date(Date.UTC(2026, 0, 1 + i)));
    await progressRunningRuns(db(), cache.all(), new Date(), "all");
    const limits = { parallelism: 32, defaultMaxActiveTasks: 16, executorFreeSlots: 100 };
    const first = await claimTaskInstances(db(), cache.all(), limits, new Date());
    const claimed = (dagId: string, taskId: string) => first.queued.filter((q) => q.dagId === dagId && q.taskId === taskId).map((q) => q.runId);
    expect(claimed("capped", "limited")).toEqual(["r1"]);
    expect(claimed("capped", "free").sort()).toEqual(["r1", "r2", "r3"]);
    // The next claim reads none of its instances while one is queued, and says why.
    const second = await claimTaskInstances(db(), cache.all(), limits, new Date());
    expect(second.queued.filter((q) => q.dagId === "capped")).toEqual([]);
    const why = await explainTaskInstance(db(), { dagId: "capped", runId: "r2", taskId: "limited" }, LIMITS);
    expect(why?.[0]?.message).toContain("maxActiveTisPerDag is 1");
    // Once it ends, the next one is claimed.
    await setTi("capped", "r1", "limited", "success");
    const third = await claimTaskInstances(db(), cache.all(), limits, new Date());
    expect(third.queued.filter((q) => q.dagId === "capped").map((q) => q.runId)).toEqual(["r2"]);
  });
});
