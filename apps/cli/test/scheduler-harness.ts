// Harness for end-to-end scheduling tests: a fresh database, a temp DAGs folder, real
// `updraft scheduler` processes (killed by pid afterwards), and helpers to trigger runs and read
// what happened from the database. On PGlite (one process's file) the scheduler service, with the
// local executor, runs inside the test process, as `updraft standalone` runs it.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { deleteBrokerKeys } from "@updraft/broker";
import { loadConfig } from "@updraft/config";
import type { Logger } from "@updraft/core";
import { updraftNodeArgs } from "@updraft/dag-loader";
import { createDagRun, migrate, taskInstanceHistory, taskInstances, dagRuns, wakeScheduler, type DatabaseDriver, type UpdraftDatabase } from "@updraft/db";
import { createTestDatabase } from "@updraft/db/testing";
import { processDagsFolder } from "@updraft/scheduler";
import { and, eq } from "drizzle-orm";
import { startSchedulerService, type SchedulerService } from "../src/services.ts";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));

export interface Interval {
  taskId: string;
  runId: string;
  start: number;
  end: number;
  state: string | null;
  tryNumber: number;
}

/** A database and an executor a scheduling behaviour is tested on. */
export interface SchedulingVariant {
  driver: DatabaseDriver;
  executor: "local" | "distributed";
}

/**
 * Every variant a real scheduler runs on: Postgres with the local executor (`updraft scheduler`)
 * and with the distributed one (`updraft scheduler` + an `updraft worker`), and PGlite with the
 * local executor (the standalone's scheduler service). PGlite has no distributed variant: workers
 * elsewhere cannot write to one process's embedded database (the config refuses it).
 */
export const SCHEDULING_VARIANTS: readonly SchedulingVariant[] = [
  { driver: "postgres", executor: "local" },
  { driver: "postgres", executor: "distributed" },
  { driver: "pglite", executor: "local" },
];

export class SchedulerHarness {
  private processes: ChildProcess[] = [];
  private services: SchedulerService[] = [];
  output = "";
  /** Redis key prefix of this harness, so parallel tests never share queues. */
  readonly brokerPrefix = `updraft-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  private constructor(
    readonly database: UpdraftDatabase,
    /** Undefined on PGlite. */
    private readonly url: string | undefined,
    private readonly home: string,
    readonly dagsFolder: string,
    private readonly cleanup: () => Promise<void>,
  ) {}

  /** The Postgres URL; processes cannot share a PGlite database. */
  get databaseUrl(): string {
    if (this.url === undefined) throw new Error("a PGlite database has no URL: other processes cannot open it");
    return this.url;
  }

  static async create(dagFiles: Record<string, string>, driver: DatabaseDriver = "postgres"): Promise<SchedulerHarness> {
    const testDb = await createTestDatabase(driver);
    const database = await testDb.open();
    await migrate(database);
    const folder = await mkdtemp(join(tmpdir(), "updraft-sched-dags-"));
    for (const [name, source] of Object.entries(dagFiles)) await writeFile(join(folder, name), source);
    await processDagsFolder(database.db, { dagsFolder: folder, fileTimeoutMs: 30_000, pausedAtCreation: false });
    return new SchedulerHarness(database, testDb.databaseUrl, testDb.home, folder, async () => {
      await testDb.drop();
      await rm(folder, { recursive: true, force: true });
    });
  }

  /**
   * Starts scheduling with `executor`: on Postgres an `updraft scheduler` process (and for the
   * distributed executor one `updraft worker` with 4 slots); on PGlite the scheduler service with
   * the local executor in this process. `env` is the extra environment of both.
   */
  async startScheduling(executor: SchedulingVariant["executor"], env: Record<string, string> = {}): Promise<void> {
    if (this.database.driver === "postgres") {
      this.startScheduler({ UPDRAFT_EXECUTOR: executor, ...env });
      if (executor === "distributed") this.startWorker(["--name", "w1", "--concurrency", "4"], { UPDRAFT_EXECUTOR: executor, ...env });
      return;
    }
    if (executor !== "local") throw new Error(`no ${executor} executor on PGlite`);
    const config = loadConfig({
      env: { UPDRAFT_DAGS_FOLDER: this.dagsFolder, UPDRAFT_HOME: this.home, UPDRAFT_SCHEDULER_HEARTBEAT_SEC: "1", UPDRAFT_EXECUTOR: "local", ...env },
      cwd: this.dagsFolder,
    });
    this.services.push(await startSchedulerService(this.database, config, this.logger({ service: "standalone" })));
  }

  // A logger for in-process services that appends warnings and errors to `output`, as a process's stderr.
  private logger(bindings: Record<string, unknown>): Logger {
    const at = (level: string) => (first: Record<string, unknown> | string, message?: string) => {
      const [fields, text] = typeof first === "string" ? [{}, first] : [first, message ?? ""];
      this.output += `[${level}] ${text} ${JSON.stringify({ ...bindings, ...fields })}\n`;
    };
    return { debug: () => {}, info: () => {}, warn: at("warn"), error: at("error"), child: (more) => this.logger({ ...bindings, ...more }) };
  }

  /** Starts an `updraft scheduler` process with the given extra environment. */
  startScheduler(env: Record<string, string> = {}): ChildProcess {
    return this.startProcess(["scheduler"], env);
  }

  /** Starts an `updraft worker` process. */
  startWorker(args: string[], env: Record<string, string> = {}): ChildProcess {
    return this.startProcess(["worker", ...args], env);
  }

  /** Starts `updraft <args>` with this harness's database, DAGs folder and broker prefix. */
  startProcess(args: string[], env: Record<string, string> = {}): ChildProcess {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("UPDRAFT_") && k !== "DATABASE_URL"));
    const child = spawn(process.execPath, [...updraftNodeArgs(), MAIN, ...args], {
      cwd: tmpdir(),
      env: {
        ...base,
        DATABASE_URL: this.databaseUrl,
        UPDRAFT_DAGS_FOLDER: this.dagsFolder,
        UPDRAFT_BROKER_PREFIX: this.brokerPrefix,
        UPDRAFT_LOG_LEVEL: "warn",
        UPDRAFT_SCHEDULER_HEARTBEAT_SEC: "1",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const tag = `[${args[0]} ${child.pid}] `;
    child.stdout!.on("data", (c: Buffer) => (this.output += tag + c.toString()));
    child.stderr!.on("data", (c: Buffer) => (this.output += tag + c.toString()));
    this.processes.push(child);
    return child;
  }

  /** Waits until `check` passes (polling), or fails with the processes' output. */
  async until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async trigger(dagId: string, runId: string, conf: Record<string, unknown> = {}): Promise<void> {
    await createDagRun(this.database.db, { dagId, runId, runType: "manual", conf, logicalDate: new Date() });
    await wakeScheduler(this.database.db);
  }

  /** Waits until every given run has finished; returns their states. */
  async waitForRuns(dagId: string, runIds: string[], timeoutMs = 60_000): Promise<Record<string, string>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await this.database.db.select({ runId: dagRuns.runId, state: dagRuns.state }).from(dagRuns).where(eq(dagRuns.dagId, dagId));
      const states = Object.fromEntries(rows.filter((r) => runIds.includes(r.runId)).map((r) => [r.runId, r.state]));
      if (runIds.every((id) => states[id] === "success" || states[id] === "failed")) return states;
      if (Date.now() > deadline) throw new Error(`runs of ${dagId} not finished in time: ${JSON.stringify(states)}\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async intervals(dagId: string): Promise<Interval[]> {
    const rows = await this.database.db.select().from(taskInstances).where(eq(taskInstances.dagId, dagId));
    return rows
      .filter((r) => r.startDate && r.endDate)
      .map((r) => ({ taskId: r.taskId, runId: r.runId, start: r.startDate!.getTime(), end: r.endDate!.getTime(), state: r.state, tryNumber: r.tryNumber }));
  }

  async tries(dagId: string, taskId: string) {
    return this.database.db
      .select()
      .from(taskInstanceHistory)
      .where(and(eq(taskInstanceHistory.dagId, dagId), eq(taskInstanceHistory.taskId, taskId)))
      .orderBy(taskInstanceHistory.tryNumber);
  }

  async close(): Promise<void> {
    for (const service of this.services.splice(0)) await service.stop();
    const alive = this.processes.filter((p) => p.exitCode === null && p.signalCode === null);
    for (const p of alive) p.kill("SIGKILL");
    await Promise.all(alive.map((p) => new Promise((resolve) => p.once("exit", resolve))));
    await this.database.close();
    await this.cleanup();
    await clearRedisPrefix(this.brokerPrefix);
  }
}

/** Largest number of intervals that overlap at one instant. */
export function maxOverlap(intervals: readonly Interval[]): number {
  const events = intervals.flatMap((i) => [
    { at: i.start, delta: 1 },
    { at: i.end, delta: -1 },
  ]);
  // Ends sort before starts at the same instant: touching intervals do not overlap.
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let current = 0;
  let max = 0;
  for (const e of events) max = Math.max(max, (current += e.delta));
  return max;
}

export const overlaps = (a: Interval, b: Interval) => a.start < b.end && b.start < a.end;

/** Deletes every Redis key under `prefix:` (a test's own broker prefix). */
export function clearRedisPrefix(prefix: string): Promise<void> {
  return deleteBrokerKeys("redis://127.0.0.1:6379/0", prefix);
}
