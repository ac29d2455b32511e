// No candidate window starves anyone (issue 10 items 2, 9, 13), on Postgres and PGlite: a DAG
// with a backlog of 1,459 queued runs at maxActiveRuns 1 does not keep another DAG's run queued
// (also once the backlog DAG is paused); a 600-task DAG at maxActiveTasks 1 does not keep another
// DAG's ready task scheduled; a paused DAG's running run gets no new task instances queued, and
// "why waiting" says so instead of "ready".
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDagRun, dagRuns, dags, migrate, taskInstances, type UpdraftDatabase } from "@updraft/db";
import { createTestDatabase, type TestDatabase } from "@updraft/db/testing";
import { and, eq, sql } from "drizzle-orm";
import { claimTaskInstances, DagCache, explainTaskInstance, processDagsFolder, progressRunningRuns, startQueuedRuns } from "../src/index.ts";

const SDK = `import { dag, task } from "@updraft/sdk";`;
const FILES: Record<string, string> = {
  "backlog.ts": `${SDK}\nexport default dag({ dagId: "backlog", maxActiveRuns: 1 }, () => { task({ taskId: "t" }, () => 1); });`,
  "other.ts": `${SDK}\nexport default dag({ dagId: "other", maxActiveRuns: 1 }, () => { task({ taskId: "t" }, () => 1); });`,
  "capped.ts": `${SDK}\nexport default dag({ dagId: "capped", maxActiveTasks: 1 }, () => { for (let i = 0; i < 600; i++) task({ taskId: "t" + String(i).padStart(3, "0"), priorityWeight: 10 }, () => 1); });`,
  "small.ts": `${SDK}\nexport default dag({ dagId: "small" }, () => { task({ taskId: "only" }, () => 1); task({ taskId: "second" }, () => 1); });`,
};
const LIMITS = { parallelism: 32, maxActiveTasksPerDag: 16, maxActiveRunsPerDag: 16 };

describe.each(["postgres", "pglite"] as const)("claim and run start without starvation (%s)", (driver) => {
  let testDb: TestDatabase;
  let database: UpdraftDatabase;
  let folder: string;
  const cache = new DagCache();

  beforeAll(async () => {
    testDb = await createTestDatabase(driver);
    database = await testDb.open();
    await migrate(database);
    folder = await mkdtemp(join(tmpdir(), "updraft-starve-"));
    for (const [name, source] of Object.entries(FILES)) await writeFile(join(folder, name), source);
    await processDagsFolder(database.db, { dagsFolder: folder, fileTimeoutMs: 60_000, pausedAtCreation: false });
  }, 120_000);

  afterAll(async () => {
    await testDb?.drop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  const stateOf = async (dagId: string, runId: string) =>
    (await database.db.select({ state: dagRuns.state }).from(dagRuns).where(and(eq(dagRuns.dagId, dagId), eq(dagRuns.runId, runId))))[0]?.state;

  it("starts another DAG's run beside 1,459 queued runs of a DAG at maxActiveRuns 1, also once that DAG is paused", async () => {
    await database.db.execute(sql`
      insert into dag_runs (dag_id, run_id, run_type, state, conf, logical_date, queued_at)
      select 'backlog', 'b' || lpad(g::text, 5, '0'), 'manual', 'queued', '{}'::jsonb, timestamptz '2020-01-01' + g * interval '1 minute', now()
      from generate_series(1, 1459) g`);
    await createDagRun(database.db, { dagId: "other", runId: "o1", runType: "manual", logicalDate: new Date() });
    const started = await startQueuedRuns(database.db, await cache.refresh(database.db), LIMITS.maxActiveRunsPerDag, new Date());
    expect(started.map((r) => r.dagId).sort()).toEqual(["backlog", "other"]);
    expect(await stateOf("other", "o1")).toBe("running");

    await database.db.update(dags).set({ isPaused: true }).where(eq(dags.dagId, "backlog"));
    await database.db.update(dagRuns).set({ state: "success" }).where(eq(dagRuns.runId, "o1"));
    await createDagRun(database.db, { dagId: "other", runId: "o2", runType: "manual", logicalDate: new Date() });
    const again = await startQueuedRuns(database.db, await cache.refresh(database.db), LIMITS.maxActiveRunsPerDag, new Date());
    expect(again).toEqual([{ dagId: "other", runId: "o2" }]);
    const [backlogRunning] = await database.db.execute<{ n: number }>(sql`select count(*)::int as n from dag_runs where dag_id = 'backlog' and state = 'running'`).then((r) => r.rows);
    expect(backlogRunning!.n).toBe(1);
  });

  it("queues another DAG's ready task beside 600 higher-priority ready tasks of a DAG at maxActiveTasks 1", async () => {
    await createDagRun(database.db, { dagId: "capped", runId: "c1", runType: "manual", logicalDate: new Date(Date.now() - 60_000) });
    await createDagRun(database.db, { dagId: "small", runId: "s1", runType: "manual", logicalDate: new Date() });
    const dagMap = await cache.refresh(database.db);
    await startQueuedRuns(database.db, dagMap, LIMITS.maxActiveRunsPerDag, new Date());
    await progressRunningRuns(database.db, dagMap, new Date(), "all");
    const claim = await claimTaskInstances(database.db, dagMap, { parallelism: 32, defaultMaxActiveTasks: 16, executorFreeSlots: 32 }, new Date());
    const byDag = (id: string) => claim.queued.filter((q) => q.dagId === id).map((q) => q.taskId);
    expect(byDag("capped")).toEqual(["t000"]);
    expect(byDag("small").sort()).toEqual(["only", "second"]);
    // The next claim takes nothing more of the capped DAG, and says why its tasks wait.
    const next = await claimTaskInstances(database.db, dagMap, { parallelism: 32, defaultMaxActiveTasks: 16, executorFreeSlots: 32 }, new Date());
    expect(next.queued.filter((q) => q.dagId === "capped")).toEqual([]);
    const why = await explainTaskInstance(database.db, { dagId: "capped", runId: "c1", taskId: "t001" }, LIMITS);
    expect(why!.map((e) => e.message).join(" | ")).toContain("max active tasks");
  });

  it("queues no new task instance of a paused DAG's running run, and says it is paused, not ready", async () => {
    await createDagRun(database.db, { dagId: "small", runId: "s2", runType: "manual", logicalDate: new Date() });
    let dagMap = await cache.refresh(database.db);
    await startQueuedRuns(database.db, dagMap, LIMITS.maxActiveRunsPerDag, new Date());
    await progressRunningRuns(database.db, dagMap, new Date(), "all");
    await database.db.update(dags).set({ isPaused: true }).where(eq(dags.dagId, "small"));
    dagMap = await cache.refresh(database.db);
    const claim = await claimTaskInstances(database.db, dagMap, { parallelism: 32, defaultMaxActiveTasks: 16, executorFreeSlots: 32 }, new Date());
    expect(claim.queued.filter((q) => q.dagId === "small")).toEqual([]);
    const [ti] = await database.db.select().from(taskInstances).where(and(eq(taskInstances.runId, "s2"), eq(taskInstances.taskId, "only")));
    expect(ti!.state).toBe("scheduled");
    const text = (await explainTaskInstance(database.db, { dagId: "small", runId: "s2", taskId: "only" }, LIMITS))!.map((e) => e.message).join(" | ");
    expect(text).toContain("is paused");
    expect(text).not.toContain("ready");
  });
});
