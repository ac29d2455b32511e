// One installation per executor variant, for tests that must hold under every executor that
// reads a database: the scheduler service with the local executor on Postgres and on PGlite (as
// `updraft scheduler` and `updraft standalone` wire it), and with the distributed executor on
// Postgres with a real `updraft worker` process (BullMQ on Redis, its own key prefix). PGlite is
// one process's file, so the distributed executor has no PGlite variant. `dags test` (no
// database) is run through the CLI by the tests themselves.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "@updraft/config";
import { silentLogger } from "@updraft/core";
import { updraftNodeArgs } from "@updraft/dag-loader";
import {
  createDagRun,
  getDagRun,
  migrate,
  readTaskLogs,
  taskInstanceHistory,
  taskInstances,
  wakeScheduler,
  xcom,
  type UpdraftDatabase,
} from "@updraft/db";
import { createTestDatabase, type TestDatabase } from "@updraft/db/testing";
import { processDagsFolder } from "@updraft/scheduler";
import { and, asc, eq } from "drizzle-orm";
import { startSchedulerService, type SchedulerService } from "../src/services.ts";
import { clearRedisPrefix } from "./scheduler-harness.ts";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));

export interface ExecutorVariant {
  driver: "postgres" | "pglite";
  executor: "local" | "distributed";
}

/** Every variant with a database: local on both drivers, distributed on Postgres. */
export const EXECUTOR_VARIANTS: readonly ExecutorVariant[] = [
  { driver: "postgres", executor: "local" },
  { driver: "pglite", executor: "local" },
  { driver: "postgres", executor: "distributed" },
];

export class MatrixInstallation {
  private worker: ChildProcess | null = null;
  private workerOutput = "";
  private service: SchedulerService | null = null;
  private readonly brokerPrefix = `updraft-matrix-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  private constructor(
    readonly variant: ExecutorVariant,
    readonly database: UpdraftDatabase,
    readonly dagsFolder: string,
    private readonly testDb: TestDatabase,
  ) {}

  /**
   * A migrated database of the variant's driver, the DAG files parsed (unpaused), the scheduler
   * service running with the variant's executor, and for `distributed` one worker process.
   * @throws when a DAG file fails to import
   */
  static async start(variant: ExecutorVariant, dagFiles: Record<string, string>): Promise<MatrixInstallation> {
    const testDb = await createTestDatabase(variant.driver);
    const database = await testDb.open();
    const folder = await mkdtemp(join(tmpdir(), "updraft-matrix-dags-"));
    const installation = new MatrixInstallation(variant, database, folder, testDb);
    try {
      await migrate(database);
      for (const [name, source] of Object.entries(dagFiles)) await writeFile(join(folder, name), source);
      const bag = await processDagsFolder(database.db, { dagsFolder: folder, fileTimeoutMs: 30_000, pausedAtCreation: false });
      if (bag.importErrors.length > 0) throw new Error(`import errors: ${JSON.stringify(bag.importErrors)}`);
      const env: Record<string, string> = {
        UPDRAFT_DAGS_FOLDER: folder,
        UPDRAFT_HOME: testDb.home,
        UPDRAFT_EXECUTOR: variant.executor,
        UPDRAFT_BROKER_PREFIX: installation.brokerPrefix,
        UPDRAFT_SCHEDULER_HEARTBEAT_SEC: "1",
        UPDRAFT_WORKER_HEARTBEAT_SEC: "1",
      };
      if (testDb.databaseUrl) env.DATABASE_URL = testDb.databaseUrl;
      installation.service = await startSchedulerService(database, loadConfig({ env, cwd: folder }), silentLogger);
      if (variant.executor === "distributed") installation.startWorker(env);
      return installation;
    } catch (error) {
      await installation.close();
      throw error;
    }
  }

  private startWorker(env: Record<string, string>): void {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("UPDRAFT_") && k !== "DATABASE_URL"));
    this.worker = spawn(process.execPath, [...updraftNodeArgs(), MAIN, "worker", "--name", "matrix-worker", "--concurrency", "8"], {
      cwd: tmpdir(),
      env: { ...base, ...env, UPDRAFT_LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.worker.stdout!.on("data", (c: Buffer) => (this.workerOutput += c.toString()));
    this.worker.stderr!.on("data", (c: Buffer) => (this.workerOutput += c.toString()));
  }

  get db() {
    return this.database.db;
  }

  async trigger(dagId: string, runId: string): Promise<void> {
    await createDagRun(this.db, { dagId, runId, runType: "manual", logicalDate: new Date() });
    await wakeScheduler(this.db, dagId);
  }

  /** Polls `check` until it holds; fails naming `what` (with the worker's output) after `timeoutMs`. */
  async until(what: string, check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${this.workerOutput ? `\nworker output:\n${this.workerOutput}` : ""}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Waits for the run to end; returns its final state. */
  async runEnds(dagId: string, runId: string): Promise<string> {
    let state = "";
    await this.until(`run ${dagId}/${runId} to end`, async () => ["success", "failed"].includes((state = (await getDagRun(this.db, dagId, runId))?.state ?? "")));
    return state;
  }

  /** Task instance rows of a run, by task id. */
  async taskInstances(dagId: string, runId: string) {
    const rows = await this.db.select().from(taskInstances).where(and(eq(taskInstances.dagId, dagId), eq(taskInstances.runId, runId)));
    return Object.fromEntries(rows.map((r) => [r.taskId, r]));
  }

  /** Every recorded try of a task instance, oldest first. */
  async tries(dagId: string, runId: string, taskId: string) {
    return this.db
      .select()
      .from(taskInstanceHistory)
      .where(and(eq(taskInstanceHistory.dagId, dagId), eq(taskInstanceHistory.runId, runId), eq(taskInstanceHistory.taskId, taskId)))
      .orderBy(asc(taskInstanceHistory.tryNumber));
  }

  async log(dagId: string, runId: string, taskId: string, tryNumber: number): Promise<string[]> {
    return (await readTaskLogs(this.db, { dagId, runId, taskId, tryNumber })).map((l) => l.line);
  }

  /** The task's return_value XCom, or undefined when there is none. */
  async result(dagId: string, runId: string, taskId: string): Promise<unknown> {
    const [row] = await this.db
      .select({ value: xcom.value })
      .from(xcom)
      .where(and(eq(xcom.dagId, dagId), eq(xcom.runId, runId), eq(xcom.taskId, taskId), eq(xcom.key, "return_value")));
    return row?.value;
  }

  async close(): Promise<void> {
    await this.service?.stop();
    const worker = this.worker;
    if (worker && worker.exitCode === null && worker.signalCode === null) {
      const exited = new Promise((resolve) => worker.once("exit", resolve));
      worker.kill("SIGKILL");
      await exited;
    }
    await this.testDb.drop();
    await rm(this.dagsFolder, { recursive: true, force: true });
    if (this.variant.executor === "distributed") await clearRedisPrefix(this.brokerPrefix);
  }
}
