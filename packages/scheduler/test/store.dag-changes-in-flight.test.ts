// Runs in flight when their DAG changes or breaks still end (issue 10, item 12), on Postgres and
// PGlite, through the scheduler's own store functions: a task the DAG gains gets a task instance
// and runs; an unfinished task instance of a task the DAG loses becomes `removed` and the run does
// not wait for it; a run whose DAG no file defines any more (file deleted or failing to import)
// goes on with the last parsed definition instead of staying `running`, and "why waiting" says so.
import { mkdtemp, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDagRun, dagRuns, migrate, taskInstances, type UpdraftDatabase } from "@updraft/db";
import { createTestDatabase, type TestDatabase } from "@updraft/db/testing";
import { and, eq } from "drizzle-orm";
import { claimTaskInstances, DagCache, explainTaskInstance, processDagsFolder, progressRunningRuns, startQueuedRuns } from "../src/index.ts";

const SDK = `import { chain, dag, task } from "@updraft/sdk";`;
const LIMITS = { parallelism: 32, maxActiveTasksPerDag: 16, maxActiveRunsPerDag: 16 };

describe.each(["postgres", "pglite"] as const)("runs in flight when their DAG changes (%s)", (driver) => {
  let testDb: TestDatabase;
  let database: UpdraftDatabase;
  let folder: string;
  const cache = new DagCache();

  beforeAll(async () => {
    testDb = await createTestDatabase(driver);
    database = await testDb.open();
    await migrate(database);
    folder = await mkdtemp(join(tmpdir(), "updraft-integrity-"));
  }, 120_000);

  afterAll(async () => {
    await testDb?.drop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  const parse = async (files: Record<string, string | null>) => {
    for (const [name, source] of Object.entries(files)) {
      if (source === null) await unlink(join(folder, name)).catch(() => {});
      else await writeFile(join(folder, name), source);
    }
    await processDagsFolder(database.db, { dagsFolder: folder, fileTimeoutMs: 60_000, pausedAtCreation: false });
  };
  const states = async (dagId: string) =>
    Object.fromEntries(
      (await database.db.select({ taskId: taskInstances.taskId, state: taskInstances.state }).from(taskInstances).where(eq(taskInstances.dagId, dagId))).map((r) => [r.taskId, r.state]),
    );
  const runState = async (dagId: string, runId: string) =>
    (await database.db.select({ state: dagRuns.state }).from(dagRuns).where(and(eq(dagRuns.dagId, dagId), eq(dagRuns.runId, runId))))[0]?.state;
  // One scheduler pass as the Scheduler does it (full pass), then the executor's part: every
  // queued task instance of the DAG ends as `outcome` says (default success).
  const pass = async () => {
    const dags = await cache.refresh(database.db);
    await startQueuedRuns(database.db, dags, LIMITS.maxActiveRunsPerDag, new Date());
    await progressRunningRuns(database.db, dags, new Date(), "all");
    return claimTaskInstances(database.db, dags, { parallelism: 32, defaultMaxActiveTasks: 16, executorFreeSlots: 32 }, new Date());
  };
  const finish = async (dagId: string, taskId: string, state: "success" | "failed") =>
    database.db
      .update(taskInstances)
      .set({ state, endDate: new Date() })
      .where(and(eq(taskInstances.dagId, dagId), eq(taskInstances.taskId, taskId)));

  it("creates task instances for tasks the DAG gained and marks those of tasks it lost removed; the run ends", async () => {
    await parse({
      "grows.ts": `${SDK}\nexport default dag({ dagId: "grows" }, () => { const first = task({ taskId: "first" }, () => 1); chain(first, [task({ taskId: "doomed" }, () => 1), task({ taskId: "kept" }, () => 1)]); });`,
    });
    await createDagRun(database.db, { dagId: "grows", runId: "r1", runType: "manual", logicalDate: new Date() });
    const first = await pass();
    expect(first.queued.map((q) => q.taskId)).toEqual(["first"]);
    // While `first` runs, the file changes: `doomed` is gone, `added` (after `first`) is new.
    await parse({
      "grows.ts": `${SDK}\nexport default dag({ dagId: "grows" }, () => { const first = task({ taskId: "first" }, () => 1); chain(first, [task({ taskId: "kept" }, () => 1), task({ taskId: "added" }, () => 1)]); });`,
    });
    await pass();
    expect(await states("grows")).toEqual({ first: "queued", doomed: "removed", kept: null, added: null });
    await finish("grows", "first", "success");
    const second = await pass();
    expect(second.queued.map((q) => q.taskId).sort()).toEqual(["added", "kept"]);
    await finish("grows", "kept", "success");
    await finish("grows", "added", "success");
    await pass();
    expect(await runState("grows", "r1")).toBe("success");
    expect(await states("grows")).toEqual({ first: "success", doomed: "removed", kept: "success", added: "success" });
  });

  it("does not wait for a removed task, and restores a task that comes back", async () => {
    const v1 = `${SDK}\nexport default dag({ dagId: "shrinks" }, () => { const gate = task({ taskId: "gate" }, () => 1); chain(gate, task({ taskId: "bad" }, () => 1)); chain(gate, task({ taskId: "good" }, () => 1)); });`;
    await parse({ "shrinks.ts": v1 });
    await createDagRun(database.db, { dagId: "shrinks", runId: "r1", runType: "manual", logicalDate: new Date() });
    await createDagRun(database.db, { dagId: "shrinks", runId: "r2", runType: "manual", logicalDate: new Date(Date.now() + 1000) });
    await pass();
    await parse({ "shrinks.ts": `${SDK}\nexport default dag({ dagId: "shrinks" }, () => { const gate = task({ taskId: "gate" }, () => 1); chain(gate, task({ taskId: "good" }, () => 1)); });` });
    await pass();
    const byRun = async () =>
      (await database.db.select().from(taskInstances).where(eq(taskInstances.dagId, "shrinks"))).map((r) => `${r.runId}.${r.taskId}=${r.state}`).sort();
    expect(await byRun()).toContain("r1.bad=removed");
    expect(await byRun()).toContain("r2.bad=removed");
    // `bad` comes back before r2 is done: its task instance is restored (no state yet) and runs.
    await finish("shrinks", "gate", "success");
    await database.db.update(taskInstances).set({ state: "success" }).where(and(eq(taskInstances.dagId, "shrinks"), eq(taskInstances.runId, "r1"), eq(taskInstances.taskId, "good")));
    await pass();
    expect(await runState("shrinks", "r1")).toBe("success");
    await parse({ "shrinks.ts": v1 });
    await pass();
    expect(await byRun()).toContain("r1.bad=removed"); // r1 has ended: not touched
    expect((await byRun()).find((s) => s.startsWith("r2.bad="))).toMatch(/r2\.bad=(scheduled|queued)/);
  });

  it("goes on with the last parsed definition when the file starts failing to import or is deleted, and says why", async () => {
    const v1 = (id: string) => `${SDK}\nexport default dag({ dagId: "${id}" }, () => { chain(task({ taskId: "a" }, () => 1), task({ taskId: "b" }, () => 1)); });`;
    await parse({ "broken.ts": v1("broken"), "gone.ts": v1("gone") });
    await createDagRun(database.db, { dagId: "broken", runId: "r1", runType: "manual", logicalDate: new Date() });
    await createDagRun(database.db, { dagId: "gone", runId: "r1", runType: "manual", logicalDate: new Date() });
    expect((await pass()).queued.map((q) => `${q.dagId}.${q.taskId}`).sort()).toEqual(["broken.a", "gone.a"]);
    // A queued run of the broken DAG, to see that it is not started while no file defines the DAG.
    await createDagRun(database.db, { dagId: "broken", runId: "r2", runType: "manual", logicalDate: new Date(Date.now() + 1000) });
    await parse({ "broken.ts": `${SDK}\nexport default dag({ dagId: "broken" }, () => { syntax error here`, "gone.ts": null });
    await finish("broken", "a", "success");
    await finish("gone", "a", "success");
    const next = await pass();
    // `b` is claimed with the last parsed definition; the executor then fails it at import.
    expect(next.queued.map((q) => `${q.dagId}.${q.taskId}`).sort()).toEqual(["broken.b", "gone.b"]);
    const why = await explainTaskInstance(database.db, { dagId: "broken", runId: "r1", taskId: "b" }, LIMITS);
    expect(why?.map((e) => e.message).join(" | ")).toContain('no file defines DAG "broken" now');
    const queuedWhy = await explainTaskInstance(database.db, { dagId: "broken", runId: "r2", taskId: "a" }, LIMITS);
    expect(queuedWhy).toBeUndefined(); // r2 was never started: it has no task instances
    expect(await runState("broken", "r2")).toBe("queued");
    await finish("broken", "b", "failed");
    await finish("gone", "b", "failed");
    await pass();
    expect(await runState("broken", "r1")).toBe("failed");
    expect(await runState("gone", "r1")).toBe("failed");
    // Once no run of it is running, the inactive DAG leaves the scheduler's view.
    expect([...(await cache.refresh(database.db)).keys()]).not.toContain("gone");
  });
});
