// Harness of the fault suite: per test a private Postgres and Redis (servers.ts), a DAGs folder
// whose bash tasks leave a side-effect file per try, and real `updraft scheduler` / `updraft
// worker` processes. It reads outcomes from the database (tolerating the outages the tests
// cause) and checks the invariants every fault test asserts.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { updraftNodeArgs } from "@updraft/dag-loader";
import { createDagRun, dagRuns, migrate, openDatabase, taskInstanceHistory, taskInstances, wakeScheduler, type UpdraftDatabase } from "@updraft/db";
import { processDagsFolder } from "@updraft/scheduler";
import { and, eq } from "drizzle-orm";
import { PrivatePostgres, PrivateRedis } from "./servers.ts";

const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));

/** One bash task per id; each run of a try first appends "<try> <pid>" to <markers>/<task>.<try>, then runs `body`. */
export function fanOutDag(dagId: string, markers: string, count: number, body: string, retries = 2): string {
  return `import { bash, dag } from "@updraft/sdk";
export default dag({ dagId: ${JSON.stringify(dagId)}, maxActiveTasks: 64 }, () => {
  for (let i = 0; i < ${count}; i++) {
    bash({ taskId: "t" + i, retries: ${retries}, retryDelay: 0,
      command: 'echo "$UPDRAFT_CTX_TRY_NUMBER $$" >> ${markers}/"$UPDRAFT_CTX_TASK_ID.$UPDRAFT_CTX_TRY_NUMBER"; ${body.replaceAll("'", "\\'")}' });
  }
});`;
}

export interface TryCounts {
  /** Task instances in the run. */
  tasks: number;
  /** Tries recorded (finished tries in history, per task the highest try number). */
  tries: number;
  /** Tries that ended as lost (their error says so). */
  lost: number;
  /** Side-effect files: tries whose command really started. */
  ran: number;
  /** Tasks whose command ran more often than their tries say. */
  duplicated: number;
}

export class FaultHarness {
  private readonly processes: ChildProcess[] = [];
  output = "";

  private constructor(
    readonly pg: PrivatePostgres,
    readonly redis: PrivateRedis,
    readonly database: UpdraftDatabase,
    readonly dagsFolder: string,
    readonly markers: string,
  ) {}

  /** Starts private servers, migrates, writes and parses the DAG files (`dags(markersDir)`). */
  static async create(dags: (markers: string) => Record<string, string>): Promise<FaultHarness> {
    const [pg, redis] = await Promise.all([PrivatePostgres.create(), PrivateRedis.create()]);
    const database = await openDatabase({ databaseUrl: pg.url, home: tmpdir(), poolSize: 2 });
    await migrate(database);
    const dagsFolder = await mkdtemp(join(tmpdir(), "updraft-fault-dags-"));
    const markers = await mkdtemp(join(tmpdir(), "updraft-fault-markers-"));
    for (const [name, source] of Object.entries(dags(markers))) await writeFile(join(dagsFolder, name), source);
    await processDagsFolder(database.db, { dagsFolder, fileTimeoutMs: 60_000, pausedAtCreation: false });
    return new FaultHarness(pg, redis, database, dagsFolder, markers);
  }

  /** `updraft <args>` against this harness's servers, distributed executor. */
  start(args: string[], env: Record<string, string> = {}): ChildProcess {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("UPDRAFT_") && k !== "DATABASE_URL" && k !== "REDIS_URL"));
    const child = spawn(process.execPath, [...updraftNodeArgs(), MAIN, ...args], {
      cwd: tmpdir(),
      env: {
        ...base,
        DATABASE_URL: this.pg.url,
        REDIS_URL: this.redis.url,
        UPDRAFT_EXECUTOR: "distributed",
        UPDRAFT_DAGS_FOLDER: this.dagsFolder,
        UPDRAFT_LOG_LEVEL: "info",
        UPDRAFT_SCHEDULER_HEARTBEAT_SEC: "1",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const tag = `[${args[0]} ${child.pid}] `;
    const collect = (c: Buffer) => (this.output += c.toString().split("\n").filter(Boolean).map((l) => tag + l + "\n").join(""));
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    this.processes.push(child);
    return child;
  }

  /** Lines of output matching `pattern`, for "one line per outage" checks. */
  lines(pattern: RegExp): string[] {
    return this.output.split("\n").filter((l) => pattern.test(l));
  }

  /** Polls `check` (errors count as "not yet": the database may be down on purpose). */
  async until(what: string, check: () => Promise<boolean>, timeoutMs = 180_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await check().catch(() => false)) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async trigger(dagId: string, runId: string): Promise<void> {
    await createDagRun(this.database.db, { dagId, runId, runType: "manual", conf: {}, logicalDate: new Date() });
    await wakeScheduler(this.database.db);
  }

  async runState(dagId: string, runId: string): Promise<string | undefined> {
    const [row] = await this.database.db.select({ state: dagRuns.state }).from(dagRuns).where(and(eq(dagRuns.dagId, dagId), eq(dagRuns.runId, runId)));
    return row?.state;
  }

  /** Waits until the run has finished; returns its state. */
  async finished(dagId: string, runId: string, timeoutMs = 300_000): Promise<string> {
    let state: string | undefined;
    await this.until(`run ${dagId}/${runId} to finish`, async () => {
      state = await this.runState(dagId, runId);
      return state === "success" || state === "failed";
    }, timeoutMs);
    return state!;
  }

  async taskStates(dagId: string, runId: string) {
    return this.database.db.select().from(taskInstances).where(and(eq(taskInstances.dagId, dagId), eq(taskInstances.runId, runId)));
  }

  async history(dagId: string, runId: string) {
    return this.database.db.select().from(taskInstanceHistory).where(and(eq(taskInstanceHistory.dagId, dagId), eq(taskInstanceHistory.runId, runId)));
  }

  /** Side-effect files: task id -> one entry per run of a try's command (try number, bash pid). */
  async sideEffects(): Promise<Map<string, Array<{ tryNumber: number; pid: number }>>> {
    const byTask = new Map<string, Array<{ tryNumber: number; pid: number }>>();
    for (const name of await readdir(this.markers)) {
      const [taskId, tryText] = [name.slice(0, name.lastIndexOf(".")), name.slice(name.lastIndexOf(".") + 1)];
      const list = byTask.get(taskId) ?? [];
      for (const line of (await readFile(join(this.markers, name), "utf8")).trim().split("\n")) {
        list.push({ tryNumber: Number(tryText), pid: Number(line.split(" ")[1]) });
      }
      byTask.set(taskId, list);
    }
    return byTask;
  }

  /**
   * The invariants of every fault test: each task's command ran once per try that started (no
   * try ran twice, none ran unrecorded), nothing is left queued or running, and the counts.
   */
  async counts(dagId: string, runId: string): Promise<TryCounts & { leftOver: string[]; mismatched: string[] }> {
    const [tis, history, effects] = await Promise.all([this.taskStates(dagId, runId), this.history(dagId, runId), this.sideEffects()]);
    const mismatched: string[] = [];
    let duplicated = 0;
    let ran = 0;
    for (const ti of tis) {
      const tries = effects.get(ti.taskId) ?? [];
      ran += tries.length;
      const numbers = tries.map((t) => t.tryNumber).sort((a, b) => a - b);
      if (new Set(numbers).size !== numbers.length) duplicated++;
      const started = history.filter((h) => h.taskId === ti.taskId && h.startDate !== null).map((h) => h.tryNumber).sort((a, b) => a - b);
      // Every started try's command ran once; a try lost before its command started has no file.
      if (numbers.some((n) => !started.includes(n)) || numbers.length > ti.tryNumber) mismatched.push(`${ti.taskId}: ran ${numbers.join(",")} started ${started.join(",")}`);
    }
    return {
      tasks: tis.length,
      tries: tis.reduce((sum, ti) => sum + ti.tryNumber, 0),
      lost: history.filter((h) => (h.error ?? "").includes("the try was lost")).length,
      ran,
      duplicated,
      leftOver: tis.filter((ti) => ti.state === "queued" || ti.state === "running" || ti.state === "scheduled").map((ti) => `${ti.taskId}=${ti.state}`),
      mismatched,
    };
  }

  /** Processes this harness started that have exited although the test did not stop them. */
  dead(except: readonly ChildProcess[] = []): string[] {
    return this.processes.filter((p) => !except.includes(p) && (p.exitCode !== null || p.signalCode !== null)).map((p) => `${p.pid} exited ${p.exitCode ?? p.signalCode}`);
  }

  async close(): Promise<void> {
    const alive = this.processes.filter((p) => p.exitCode === null && p.signalCode === null);
    for (const p of alive) {
      p.kill("SIGCONT");
      p.kill("SIGKILL");
    }
    await Promise.all(alive.map((p) => new Promise((resolve) => p.once("exit", resolve))));
    await this.database.close().catch(() => {});
    await Promise.all([this.pg.destroy(), this.redis.destroy()]);
    await rm(this.dagsFolder, { recursive: true, force: true });
    await rm(this.markers, { recursive: true, force: true });
  }
}

/** True while a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Prints one measured line for the report: `[fault] <name> key=value ...`. */
export function report(name: string, values: Record<string, unknown>): void {
  console.log(`[fault] ${name} ${Object.entries(values).map(([k, v]) => `${k}=${typeof v === "number" ? Math.round(v * 10) / 10 : String(v)}`).join(" ")}`);
}
