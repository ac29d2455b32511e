// `pnpm --filter @updraft/bench bench:memory`: where the memory of the distributed cluster goes
// (issue 8's RSS targets). Starts the scheduler and worker processes as `pnpm bench` does (compiled
// CLI, plain node, local Postgres and Redis, worker concurrency 8), runs a warm-up, the wide run
// and RUNS x 10, and prints each process's peak RSS (VmHWM) after each step, the largest task
// process, each service's CPU seconds, and the V8 breakdown at its RSS peak (memory-probe.mjs).
//   WIDE=10000 RUNS=500 WORKERS=1   sizes (defaults as here)
//   NODE_FLAGS="--max-semi-space-size=16"  node flags for the scheduler and workers, after the bin's
//                                          own (its shebang's); "=16" is node's default young generation
// Needs `pnpm build`.
import type { ChildProcess } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDagRun, dagRuns, migrate, wakeScheduler, workers, type UpdraftDatabase } from "@updraft/db";
import { createTestDatabase } from "@updraft/db/testing";
import { processDagsFolder } from "@updraft/scheduler";
import { and, count, eq, inArray } from "drizzle-orm";
import { memoryMiB, processStats, startUpdraft, stop, updraftNodeFlags } from "./processes.ts";

const WIDE = Number(process.env.WIDE ?? 10_000);
const RUNS = Number(process.env.RUNS ?? 500);
const WORKERS = Number(process.env.WORKERS ?? 1);
const FLAGS = (process.env.NODE_FLAGS ?? "").split(" ").filter(Boolean);
const PROBE = new URL("./memory-probe.mjs", import.meta.url).href;
const SDK = `import { dag, task } from "@updraft/sdk";`;
const DAGS = {
  "wide.ts": `${SDK}\nexport default dag({ dagId: "wide", maxActiveTasks: 100000 }, () => { for (let i = 0; i < ${WIDE}; i++) task({ taskId: "t" + i }, () => null); });`,
  "ten.ts": `${SDK}\nexport default dag({ dagId: "ten", maxActiveRuns: 100000, maxActiveTasks: 100000 }, () => { for (let i = 0; i < 10; i++) task({ taskId: "t" + i }, () => null); });`,
};

/** Child pids of a process (the worker's task processes). */
function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

async function runScenario(database: UpdraftDatabase, dagId: string, runIds: string[]): Promise<number> {
  const started = performance.now();
  for (const runId of runIds) await createDagRun(database.db, { dagId, runId, runType: "manual", logicalDate: new Date() });
  await wakeScheduler(database.db);
  for (;;) {
    const [row] = await database.db
      .select({ n: count() })
      .from(dagRuns)
      .where(and(eq(dagRuns.dagId, dagId), inArray(dagRuns.state, ["success", "failed"]), inArray(dagRuns.runId, runIds)));
    if ((row?.n ?? 0) >= runIds.length) return (performance.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const testDb = await createTestDatabase("postgres");
const database = await testDb.open();
const folder = await mkdtemp(join(tmpdir(), "updraft-bench-memory-"));
const memoryDir = await mkdtemp(join(tmpdir(), "updraft-bench-memory-probe-"));
const statsDir = await mkdtemp(join(tmpdir(), "updraft-bench-memory-stats-"));
const processes: ChildProcess[] = [];
try {
  for (const [name, source] of Object.entries(DAGS)) await writeFile(join(folder, name), source);
  await migrate(database);
  await processDagsFolder(database.db, { dagsFolder: folder, fileTimeoutMs: 60_000, pausedAtCreation: false });
  const env = {
    BENCH_STATS_DIR: statsDir,
    BENCH_MEMORY_DIR: memoryDir,
    DATABASE_URL: testDb.databaseUrl!,
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379/0",
    UPDRAFT_BROKER_PREFIX: `bench-memory-${process.pid}`,
    UPDRAFT_DAGS_FOLDER: folder,
    UPDRAFT_EXECUTOR: "distributed",
    UPDRAFT_PARALLELISM: "1024",
    UPDRAFT_MAX_ACTIVE_TASKS_PER_DAG: "1024",
  };
  const flags = [...FLAGS, "--import", PROBE];
  const scheduler = startUpdraft(["scheduler"], env, undefined, flags);
  const workerProcs = Array.from({ length: WORKERS }, (_, i) => startUpdraft(["worker", "--name", `w${i}`, "--concurrency", "8"], env, undefined, flags));
  processes.push(scheduler, ...workerProcs);
  const taskPeak = new Map<number, number>();
  const sampler = setInterval(() => {
    for (const w of workerProcs) for (const pid of children(w.pid!)) {
      try {
        taskPeak.set(pid, Math.max(taskPeak.get(pid) ?? 0, memoryMiB(pid).peakRss));
      } catch {
        // the task process ended between the listing and the read
      }
    }
  }, 100);
  const report = (step: string) =>
    console.log(
      `${process.env.BENCH_TIMELINE ? `[${Date.now()}] ` : ""}${step.padEnd(28)} peak RSS MiB: scheduler ${memoryMiB(scheduler.pid!).peakRss}, worker(s) ${workerProcs.map((w) => memoryMiB(w.pid!).peakRss).join(", ")}, largest task process ${Math.max(0, ...taskPeak.values())}`,
    );
  for (;;) {
    const [row] = await database.db.select({ n: count() }).from(workers).where(eq(workers.state, "online"));
    if ((row?.n ?? 0) >= WORKERS) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  console.log(`wide=${WIDE} runs=${RUNS}x10 workers=${WORKERS} node flags=${[...updraftNodeFlags(), ...FLAGS].join(" ") || "(none)"} pids: scheduler ${scheduler.pid}, worker(s) ${workerProcs.map((w) => w.pid).join(", ")}`);
  report("idle");
  await runScenario(database, "ten", ["warmup"]);
  report("warm-up (1 x 10)");
  report(`1 x ${WIDE}: ${(await runScenario(database, "wide", ["wide"])).toFixed(1)} s`);
  report(`${RUNS} x 10: ${(await runScenario(database, "ten", Array.from({ length: RUNS }, (_, i) => `r${i}`))).toFixed(1)} s`);
  clearInterval(sampler);
  const cpu = processes.map((p) => processStats(statsDir, p.pid!).cpuSeconds.toFixed(1));
  await Promise.all(processes.map(stop));
  console.log(`CPU seconds: scheduler ${cpu[0]}, worker(s) ${cpu.slice(1).join(", ")}`);
  console.log("V8 at each process's RSS peak (MiB):");
  for (const file of readdirSync(memoryDir)) {
    const { pid, peak } = JSON.parse(readFileSync(join(memoryDir, file), "utf8")) as { pid: number; peak: { memory: Record<string, number>; spaces: Record<string, { size: number }> } };
    const spaces = Object.entries(peak.spaces).filter(([, s]) => s.size > 0).map(([name, s]) => `${name.replace("_space", "")} ${s.size}`);
    console.log(`  ${pid === scheduler.pid ? "scheduler" : "worker   "} ${JSON.stringify(peak.memory)} heap spaces: ${spaces.join(", ")}`);
  }
} finally {
  await Promise.all(processes.map(stop));
  await database.close();
  await testDb.drop();
  for (const dir of [folder, memoryDir, statsDir]) await rm(dir, { recursive: true, force: true });
}
