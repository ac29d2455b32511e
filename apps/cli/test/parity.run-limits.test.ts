// Run limits end to end on Postgres and on PGlite, under the scheduler service and the local
// executor: dependsOnPast holds the next run's task instance while the previous run's failed,
// dagrunTimeout fires on that run (failed; unfinished task instances skipped, as Airflow), and a
// try still running when its run times out is stopped (its bash command's process dies).
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@updraft/config";
import { silentLogger } from "@updraft/core";
import { createDagRun, getDagRun, migrate, taskInstances, wakeScheduler, type UpdraftDatabase } from "@updraft/db";
import { createTestDatabase } from "@updraft/db/testing";
import { explainTaskInstance, processDagsFolder } from "@updraft/scheduler";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { startSchedulerService } from "../src/services.ts";

const dagSource = (markers: string) => `import { bash, chain, dag, task } from "@updraft/sdk";
export default dag({ dagId: "run_limits", dagrunTimeout: "4s" }, () => {
  const gate = task({ taskId: "gate", dependsOnPast: true }, (ctx) => {
    if (ctx.conf.fail) throw new Error("gate fails on purpose");
    return "open";
  });
  const hold = bash({ taskId: "hold", command: (ctx) => ctx.conf.hold ? "echo $$ > ${markers}/hold.pid; sleep 60; touch ${markers}/hold.finished" : "echo quick" });
  chain(gate, hold);
});`;

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.each(["postgres", "pglite"] as const)("run limits on %s", (driver) => {
  it("holds a task on its failed past, times out that run, and stops a try running at the timeout", { timeout: 300_000 }, async () => {
    const testDb = await createTestDatabase(driver);
    const folder = await mkdtemp(join(tmpdir(), "updraft-run-limits-"));
    const markers = await mkdtemp(join(tmpdir(), "updraft-run-limits-markers-"));
    const database: UpdraftDatabase = await testDb.open();
    const db = database.db;
    const ti = async (runId: string, taskId: string) =>
      (await db.select().from(taskInstances).where(and(eq(taskInstances.dagId, "run_limits"), eq(taskInstances.runId, runId), eq(taskInstances.taskId, taskId))))[0];
    const finished = (runId: string) => async () => ["success", "failed"].includes((await getDagRun(db, "run_limits", runId))?.state ?? "");
    try {
      await migrate(database);
      await writeFile(join(folder, "run_limits.ts"), dagSource(markers));
      const bag = await processDagsFolder(db, { dagsFolder: folder, fileTimeoutMs: 30_000, pausedAtCreation: false });
      expect(bag.importErrors).toEqual([]);
      const config = loadConfig({
        env: { UPDRAFT_DAGS_FOLDER: folder, UPDRAFT_HOME: testDb.home, UPDRAFT_SCHEDULER_HEARTBEAT_SEC: "1", UPDRAFT_WORKER_HEARTBEAT_SEC: "1" },
        cwd: folder,
      });
      const service = await startSchedulerService(database, config, silentLogger);
      try {
        // r1: the gate fails, so the run fails.
        await createDagRun(db, { dagId: "run_limits", runId: "r1", runType: "manual", logicalDate: new Date(), conf: { fail: true } });
        await wakeScheduler(db, "run_limits");
        await until("r1 to finish", finished("r1"));
        expect((await getDagRun(db, "run_limits", "r1"))?.state).toBe("failed");
        expect((await ti("r1", "gate"))?.state).toBe("failed");

        // r2: its gate depends on r1's, which failed: it never starts, "why waiting" names
        // dependsOnPast, and the run's dagrunTimeout fails it with its task instances skipped.
        await createDagRun(db, { dagId: "run_limits", runId: "r2", runType: "manual", logicalDate: new Date() });
        await wakeScheduler(db, "run_limits");
        await until("r2 to start", async () => (await getDagRun(db, "run_limits", "r2"))?.state === "running");
        const why = await explainTaskInstance(db, { dagId: "run_limits", runId: "r2", taskId: "gate" }, { parallelism: 32, maxActiveTasksPerDag: 16, maxActiveRunsPerDag: 16 });
        expect(why?.[0]).toMatchObject({ reason: "depends_on_past", message: expect.stringContaining("previous run r1 is failed") });
        await until("r2 to time out", finished("r2"));
        expect((await getDagRun(db, "run_limits", "r2"))?.state).toBe("failed");
        expect([(await ti("r2", "gate"))?.state, (await ti("r2", "hold"))?.tryNumber, (await ti("r2", "hold"))?.state]).toEqual(["skipped", 0, "skipped"]);

        // r3: r2's gate was skipped, so r3's runs; its hold is still running at the timeout:
        // skipped, and its command's process is stopped.
        await createDagRun(db, { dagId: "run_limits", runId: "r3", runType: "manual", logicalDate: new Date(), conf: { hold: true } });
        await wakeScheduler(db, "run_limits");
        await until("r3 to time out", finished("r3"));
        expect((await getDagRun(db, "run_limits", "r3"))?.state).toBe("failed");
        expect((await ti("r3", "gate"))?.state).toBe("success");
        expect((await ti("r3", "hold"))?.state).toBe("skipped");
        const pid = Number((await readFile(join(markers, "hold.pid"), "utf8")).trim());
        await until("the timed-out try's command to be stopped", async () => !alive(pid), 30_000);
        // Its late result (if any) changes nothing.
        await new Promise((r) => setTimeout(r, 1_500));
        expect((await ti("r3", "hold"))?.state).toBe("skipped");
      } finally {
        await service.stop();
      }
    } finally {
      await testDb.drop();
      await rm(folder, { recursive: true, force: true });
      await rm(markers, { recursive: true, force: true });
    }
  });
});
