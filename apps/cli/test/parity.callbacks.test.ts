// Callbacks end to end on Postgres and on PGlite, under the scheduler service and the local
// executor: task onSuccess / onRetry / onFailure run in the try's task process (their log lines
// land on the try's log, the error reaches onRetry/onFailure), a callback that throws changes no
// state, and the DAG's onFailure / onSuccess run in the scheduler's callback runner with Airflow's
// reason. Side effects are marker files the callbacks write.
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@updraft/config";
import { silentLogger } from "@updraft/core";
import { createDagRun, getDagRun, migrate, readTaskLogs, taskInstances, wakeScheduler } from "@updraft/db";
import { createTestDatabase } from "@updraft/db/testing";
import { processDagsFolder } from "@updraft/scheduler";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { startSchedulerService } from "../src/services.ts";

const dagSource = (markers: string) => `import { writeFileSync } from "node:fs";
import { chain, dag, task } from "@updraft/sdk";
const mark = (name, text) => writeFileSync(${JSON.stringify(markers)} + "/" + name, text);
export default dag(
  {
    dagId: "callbacks_demo",
    defaultArgs: { retryDelay: 0, onRetry: (ctx, error) => mark(ctx.runId + "." + ctx.taskId + ".retry" + ctx.tryNumber, error.message) },
    onSuccess: (ctx) => mark(ctx.runId + ".dag.success", ctx.reason),
    onFailure: (ctx, error) => mark(ctx.runId + ".dag.failure", ctx.reason + ": " + error.message),
  },
  () => {
    const ok = task({ taskId: "ok", onSuccess: (ctx) => { ctx.log("onSuccess says hi"); mark(ctx.runId + ".ok.success", "yes"); } }, () => 1);
    const flaky = task({ taskId: "flaky", retries: 1 }, (ctx) => { if (ctx.tryNumber === 1) throw new Error("flaky first try"); return 2; });
    const buggy = task({ taskId: "buggy_callback", onSuccess: () => { throw new Error("bug in callback"); } }, () => 3);
    const doomed = task({ taskId: "doomed", onFailure: (ctx, error) => mark(ctx.runId + ".doomed.failure", error.message) }, (ctx) => {
      if (ctx.conf.doom) throw new Error("doomed on purpose");
      return 4;
    });
    chain(ok, [flaky, buggy], doomed);
  },
);`;

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(["postgres", "pglite"] as const)("callbacks on %s", (driver) => {
  it("runs task callbacks where the try ran and DAG callbacks in the scheduler, with the error; a throwing callback changes nothing", { timeout: 300_000 }, async () => {
    const testDb = await createTestDatabase(driver);
    const folder = await mkdtemp(join(tmpdir(), "updraft-callbacks-"));
    const markers = await mkdtemp(join(tmpdir(), "updraft-callbacks-markers-"));
    const database = await testDb.open();
    const db = database.db;
    const marker = (name: string) => readFile(join(markers, name), "utf8");
    const hasMarker = (name: string) => async () => (await readdir(markers)).includes(name);
    const log = async (runId: string, taskId: string, tryNumber = 1) =>
      (await readTaskLogs(db, { dagId: "callbacks_demo", runId, taskId, tryNumber })).map((l) => l.line).join("\n");
    try {
      await migrate(database);
      await writeFile(join(folder, "callbacks_demo.ts"), dagSource(markers));
      const bag = await processDagsFolder(db, { dagsFolder: folder, fileTimeoutMs: 30_000, pausedAtCreation: false });
      expect(bag.importErrors).toEqual([]);
      const config = loadConfig({ env: { UPDRAFT_DAGS_FOLDER: folder, UPDRAFT_HOME: testDb.home, UPDRAFT_SCHEDULER_HEARTBEAT_SEC: "1" }, cwd: folder });
      const service = await startSchedulerService(database, config, silentLogger);
      try {
        await createDagRun(db, { dagId: "callbacks_demo", runId: "r1", runType: "manual", logicalDate: new Date(), conf: { doom: true } });
        await wakeScheduler(db, "callbacks_demo");
        await until("r1's DAG onFailure", hasMarker("r1.dag.failure"));
        await createDagRun(db, { dagId: "callbacks_demo", runId: "r2", runType: "manual", logicalDate: new Date() });
        await wakeScheduler(db, "callbacks_demo");
        await until("r2's DAG onSuccess", hasMarker("r2.dag.success"));
      } finally {
        await service.stop();
      }
      expect((await getDagRun(db, "callbacks_demo", "r1"))?.state).toBe("failed");
      expect((await getDagRun(db, "callbacks_demo", "r2"))?.state).toBe("success");
      // Task callbacks, with the error for onRetry (from defaultArgs) and onFailure.
      expect(await marker("r1.ok.success")).toBe("yes");
      expect(await marker("r1.flaky.retry1")).toBe("flaky first try");
      expect(await marker("r1.doomed.failure")).toBe("doomed on purpose");
      expect((await readdir(markers)).filter((m) => m.startsWith("r2.doomed"))).toEqual([]);
      expect(await log("r1", "ok")).toContain("onSuccess says hi");
      // A callback that throws is logged on the try's log; the task instance stays success.
      expect(await log("r1", "buggy_callback")).toMatch(/onSuccess callback failed \(no state changed\): Error: bug in callback/);
      const [buggy] = await db
        .select({ state: taskInstances.state })
        .from(taskInstances)
        .where(and(eq(taskInstances.dagId, "callbacks_demo"), eq(taskInstances.runId, "r1"), eq(taskInstances.taskId, "buggy_callback")));
      expect(buggy?.state).toBe("success");
      // DAG callbacks with Airflow's reason and the error.
      expect(await marker("r1.dag.failure")).toBe("task_failure: the run failed (task_failure): task instance(s) doomed failed");
      expect(await marker("r2.dag.success")).toBe("success");
    } finally {
      await testDb.drop();
      await rm(folder, { recursive: true, force: true });
      await rm(markers, { recursive: true, force: true });
    }
  });
});
