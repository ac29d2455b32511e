// End to end on Postgres and on PGlite: the example DAG warehouse_report under the scheduler and
// the local executor reads a Variable and a Connection from the database through its task
// process's parent; the connection's password it prints shows as *** in the try's log; typed
// params are validated at trigger.
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "@updraft/config";
import { silentLogger } from "@updraft/core";
import { cipherFor, createDagRun, dagRuns, getDagRun, insertConnection, migrate, readTaskLogs, setVariable, wakeScheduler } from "@updraft/db";
import { createTestDatabase } from "@updraft/db/testing";
import { processDagsFolder } from "@updraft/scheduler";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { startSchedulerService } from "../src/services.ts";
import { EXAMPLE_DAGS } from "./support.ts";

const FERNET = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";

describe.each(["postgres", "pglite"] as const)("warehouse_report on %s", (driver) => {
  it("reads a Variable and a Connection in tasks, masks the password, retries, and validates params at trigger", { timeout: 300_000 }, async () => {
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
      const service = await startSchedulerService(database, config, silentLogger);
      try {
        await wakeScheduler(database.db, "warehouse_report");
        for (let i = 0; i < 2400; i++) {
          const run = await getDagRun(database.db, "warehouse_report", "r1");
          if (run?.state === "success" || run?.state === "failed") break;
          await new Promise((r) => setTimeout(r, 100));
        }
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
    } finally {
      await testDb.drop();
      await rm(folder, { recursive: true, force: true });
    }
  });
});
