// End to end on Postgres and on PGlite: the example DAG warehouse_report under the scheduler and
// the local executor reads a Variable and a Connection from the database through its task
// process's parent; the connection's password it prints shows as *** in the try's log; typed
// params are validated at trigger; its callbacks run on retry and success (task) and on the run's
// success and timeout (DAG); its dagrunTimeout fires on a run held open; and its publish task,
// which dependsOnPast, starts in the next run only once the timed-out run's publish has ended.
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@updraft/config";
import type { Logger } from "@updraft/core";
import { cipherFor, createDagRun, dagRuns, getDagRun, insertConnection, migrate, readTaskLogs, setVariable, taskInstances, wakeScheduler } from "@updraft/db";
import { createTestDatabase } from "@updraft/db/testing";
import { processDagsFolder } from "@updraft/scheduler";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { startSchedulerService } from "../src/services.ts";
import { EXAMPLE_DAGS } from "./support.ts";

const FERNET = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";

/** A logger that keeps every message (the DAG callbacks' lines go to the scheduler's log). */
function capturingLogger(lines: string[]): Logger {
  const fn = (a: unknown, b?: string) => void lines.push(typeof a === "string" ? a : (b ?? ""));
  const logger: Logger = { debug: fn, info: fn, warn: fn, error: fn, child: () => logger };
  return logger;
}

describe.each(["postgres", "pglite"] as const)("warehouse_report on %s", (driver) => {
  it("reads a Variable and a Connection in tasks, masks the password, retries with callbacks, times out a held run, holds publish on its past, and validates params at trigger", { timeout: 400_000 }, async () => {
    const testDb = await createTestDatabase(driver);
    const folder = await mkdtemp(join(tmpdir(), "updraft-parity-"));
    const database = await testDb.open();
    try {
      await migrate(database);
      await copyFile(join(EXAMPLE_DAGS, "warehouse_report.ts"), join(folder, "warehouse_report.ts"));
      await processDagsFolder(database.db, { dagsFolder: folder, fileTimeoutMs: 30_000, pausedAtCreation: false });
      const cipher = cipherFor(FERNET);
      await setVariable(database.db, { key: "report_settings", value: '{"batch": 50}' }, cipher);
      await insertConnection(database.db, { connId: "warehouse_db", connType: "postgres", description: null, host: "wh.internal", login: "report", password: "s3cret-pw", port: 5432, schema: "dw", extra: null }, cipher);

      await expect(createDagRun(database.db, { dagId: "warehouse_report", runType: "manual", logicalDate: new Date(), conf: { rows: 1000 } })).rejects.toMatchObject({
        code: "UPDRAFT_PARAM_INVALID",
        message: expect.stringContaining('param "rows"'),
      });
      await createDagRun(database.db, { dagId: "warehouse_report", runId: "r1", runType: "manual", logicalDate: new Date(), conf: { rows: 7 }, note: "first" });

      const config = loadConfig({ env: { UPDRAFT_DAGS_FOLDER: folder, UPDRAFT_HOME: testDb.home, UPDRAFT_FERNET_KEY: FERNET, UPDRAFT_SCHEDULER_HEARTBEAT_SEC: "1" }, cwd: folder });
      const schedulerLog: string[] = [];
      const service = await startSchedulerService(database, config, capturingLogger(schedulerLog));
      const waitFor = async (runId: string) => {
        for (let i = 0; i < 2400; i++) {
          const run = await getDagRun(database.db, "warehouse_report", runId);
          if (run?.state === "success" || run?.state === "failed") return;
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      try {
        await wakeScheduler(database.db, "warehouse_report");
        await waitFor("r1");
        // r2 holds its load window open past the 30 s dagrunTimeout. r3, triggered while r2 holds
        // (10 s later, so that r3's own 30 s are not over when r2's are), runs normally, but its
        // publish (dependsOnPast) waits for r2's publish to end.
        await createDagRun(database.db, { dagId: "warehouse_report", runId: "r2", runType: "manual", logicalDate: new Date(), conf: { hold_seconds: 120 } });
        await wakeScheduler(database.db, "warehouse_report");
        for (let i = 0; i < 600; i++) {
          const [w] = await database.db.select({ state: taskInstances.state }).from(taskInstances).where(and(eq(taskInstances.runId, "r2"), eq(taskInstances.taskId, "load_window")));
          if (w?.state === "running") break;
          await new Promise((r) => setTimeout(r, 100));
        }
        await new Promise((r) => setTimeout(r, 10_000));
        await createDagRun(database.db, { dagId: "warehouse_report", runId: "r3", runType: "manual", logicalDate: new Date() });
        await wakeScheduler(database.db, "warehouse_report");
        await waitFor("r2");
        await waitFor("r3");
        for (let i = 0; i < 100 && !schedulerLog.some((l) => l.includes("onFailure: run r2")); i++) await new Promise((r) => setTimeout(r, 100));
      } finally {
        await service.stop();
      }
      const [run] = await database.db.select().from(dagRuns).where(eq(dagRuns.runId, "r1"));
      expect(run).toMatchObject({ state: "success", note: "first" });
      const text = async (taskId: string, tryNumber = 1) =>
        (await readTaskLogs(database.db, { dagId: "warehouse_report", runId: "r1", taskId, tryNumber })).map((l) => l.line).join("\n");
      expect(await text("read_settings")).toContain("batch size 50 for 7 rows");
      const connectLog = await text("connect");
      expect(connectLog).toContain("connecting to wh.internal as report with password ***");
      expect(connectLog).not.toContain("s3cret-pw");
      expect(await text("flaky_load", 1)).toContain("first try fails on purpose");
      expect(await text("flaky_load", 2)).toContain("loaded into wh.internal");
      // Callbacks: onRetry (defaultArgs) on the failed try's log, publish's onSuccess, DAG onSuccess.
      expect(await text("flaky_load", 1)).toContain("onRetry: try 1 of flaky_load failed (the warehouse was busy (first try fails on purpose)); it will be retried");
      expect(await text("publish")).toContain("onSuccess: report of r1 published");
      expect(schedulerLog).toContain("onSuccess: run r1 of warehouse_report succeeded");

      // dagrunTimeout fired on r2: failed, its unfinished task instances skipped, DAG onFailure with the reason.
      const ti = async (runId: string, taskId: string) =>
        (await database.db.select().from(taskInstances).where(and(eq(taskInstances.runId, runId), eq(taskInstances.taskId, taskId))))[0];
      const [r2] = await database.db.select().from(dagRuns).where(eq(dagRuns.runId, "r2"));
      expect(r2?.state).toBe("failed");
      expect([(await ti("r2", "load_window"))?.state, (await ti("r2", "flaky_load"))?.state, (await ti("r2", "publish"))?.state]).toEqual(["skipped", "skipped", "skipped"]);
      expect(schedulerLog.find((l) => l.startsWith("onFailure: run r2"))).toMatch(/^onFailure: run r2 failed \(timed_out\): the run exceeded its dagrunTimeout of 30s/);

      // dependsOnPast across runs: r3 succeeded, and its publish started only after r2's publish ended.
      const [r3] = await database.db.select().from(dagRuns).where(eq(dagRuns.runId, "r3"));
      expect(r3?.state).toBe("success");
      const r3Publish = await ti("r3", "publish");
      const r3Load = await ti("r3", "flaky_load");
      expect(r3Publish?.startDate?.getTime()).toBeGreaterThanOrEqual((await ti("r2", "publish"))!.endDate!.getTime());
      // ... although its own upstream had long finished (it waited for the past, not for its upstream).
      expect(r3Load!.endDate!.getTime()).toBeLessThan(r2!.endDate!.getTime());
    } finally {
      await testDb.drop();
      await rm(folder, { recursive: true, force: true });
    }
  });
});
