// `pnpm bench:worker-cpu`: the CPU a worker process itself spends per 1,000 no-op tries (its task
// processes apart), read from /proc/<pid>/stat, with the statements it sends per try. A real
// scheduler and real workers on a test database and Redis prefix run `--runs` wide runs of
// `--tis` no-op tasks after one warm-up run; every run is measured on its own. The machine may be
// shared, so CPU-seconds are the figure, not wall time.
//   pnpm bench:worker-cpu                            # 2 workers, 5,000 tries, 3 measured runs
//   pnpm bench:worker-cpu --workers 1 --tis 3000 --runs 2
//   pnpm bench:worker-cpu --bin /other/checkout/apps/cli/bin/updraft.js   # another build, same harness
//   pnpm bench:worker-cpu --profile /tmp/prof       # V8 CPU profiles of the workers (written on exit)
import { spawn, type ChildProcess } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createDagRun, dagRuns, migrate, wakeScheduler, workers, type UpdraftDatabase } from "@updraft/db";
import { createTestDatabase } from "@updraft/db/testing";
import { processDagsFolder } from "@updraft/scheduler";
import { and, count, eq, inArray } from "drizzle-orm";
import { processStats, stop, updraftNodeFlags } from "./processes.ts";
import { readProcStat } from "./proc-stat.ts";
import { deleteBrokerKeys } from "@updraft/broker";

const { values: args } = parseArgs({
  options: {
    tis: { type: "string", default: "5000" },
    workers: { type: "string", default: "2" },
    runs: { type: "string", default: "3" },
    concurrency: { type: "string", default: "8" },
    bin: { type: "string" },
    profile: { type: "string" },
    perf: { type: "string" },
    "worker-flags": { type: "string", default: "" },
    "worker-stdout": { type: "string" },
  },
});
const TIS = Number(args.tis);
const WORKERS = Number(args.workers);
const RUNS = Number(args.runs);
const CONCURRENCY = Number(args.concurrency);
const BIN = args.bin ? resolve(args.bin) : fileURLToPath(new URL("../../apps/cli/bin/updraft.js", import.meta.url));
const PROFILE = args.profile ? resolve(args.profile) : undefined;
/** `perf record` of the workers over the measured runs, to this file (JIT symbols from --perf-basic-prof). */
const PERF = args.perf ? resolve(args.perf) : undefined;
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/0";
// The statement counter of the checkout the bin belongs to: it patches that checkout's `pg`.
const COUNTER = pathToFileURL(join(dirname(BIN), "../../../bench/src/count-queries.mjs")).href;
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

const SDK = `import { dag, task } from "@updraft/sdk";`;
const DAGS = {
  "wide.ts": `${SDK}\nexport default dag({ dagId: "wide", maxActiveTasks: 100000, maxActiveRuns: 100 }, () => { for (let i = 0; i < ${TIS}; i++) task({ taskId: "t" + i }, () => null); });`,
};

/** Extra node flags for the workers (e.g. --trace-deopt), and a file their stdout goes to. */
const args_ = { stdout: args["worker-stdout"] };
const WORKER_FLAGS = args["worker-flags"]!.split(" ").filter(Boolean);

function start(args: string[], env: Record<string, string>, profile: boolean): ChildProcess {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("UPDRAFT_") && k !== "DATABASE_URL"));
  const prof = profile && PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE}`] : profile && PERF ? ["--perf-basic-prof"] : [];
  const out = profile && args_.stdout ? openSync(args_.stdout, "a") : "ignore";
  return spawn(process.execPath, [...prof, ...updraftNodeFlags(BIN), ...(profile ? WORKER_FLAGS : []), "--import", COUNTER, BIN, ...args], {
    cwd: tmpdir(),
    env: { ...base, UPDRAFT_LOG_LEVEL: process.env.UPDRAFT_LOG_LEVEL ?? "warn", ...env },
    stdio: ["ignore", out, "inherit"],
  });
}

async function waitForRun(database: UpdraftDatabase, runId: string): Promise<void> {
  for (;;) {
    const [row] = await database.db
      .select({ n: count() })
      .from(dagRuns)
      .where(and(eq(dagRuns.dagId, "wide"), eq(dagRuns.runId, runId), inArray(dagRuns.state, ["success", "failed"])));
    if ((row?.n ?? 0) > 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const cpuTicks = (pid: number) => readProcStat(pid)?.cpuTicks ?? 0;
/** System-mode ticks alone (field 15 of /proc/<pid>/stat): the kernel's share, syscalls mostly. */
function sysTicks(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(line.slice(line.lastIndexOf(")") + 1).trim().split(/\s+/)[12]);
  } catch {
    return 0;
  }
}

const testDb = await createTestDatabase("postgres");
const database = await testDb.open();
const folder = await mkdtemp(join(tmpdir(), "updraft-wkcpu-"));
for (const [name, source] of Object.entries(DAGS)) await writeFile(join(folder, name), source);
await migrate(database);
await processDagsFolder(database.db, { dagsFolder: folder, fileTimeoutMs: 60_000, pausedAtCreation: false });
const statsDir = await mkdtemp(join(tmpdir(), "updraft-wkcpu-stats-"));
const PREFIX = `wkcpu-${process.pid}`;
const env = {
  BENCH_STATS_DIR: statsDir,
  DATABASE_URL: testDb.databaseUrl!,
  REDIS_URL,
  UPDRAFT_BROKER_PREFIX: PREFIX,
  UPDRAFT_DAGS_FOLDER: folder,
  UPDRAFT_EXECUTOR: "distributed",
  UPDRAFT_PARALLELISM: "1024",
  UPDRAFT_MAX_ACTIVE_TASKS_PER_DAG: "1024",
};
const scheduler = start(["scheduler"], env, false);
const workerProcs = Array.from({ length: WORKERS }, (_, i) => start(["worker", "--name", `w${i}`, "--concurrency", String(CONCURRENCY)], env, true));
try {
  for (;;) {
    const [row] = await database.db.select({ n: count() }).from(workers).where(eq(workers.state, "online"));
    if ((row?.n ?? 0) >= WORKERS) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const results: Array<{ run: string; seconds: number; workerCpuPer1000: number; perWorker: number[]; workerSysShare: number; schedulerCpuPer1000: number; workerStatementsPerTi: number }> = [];
  let perf: ChildProcess | undefined;
  for (let i = 0; i <= RUNS; i++) {
    if (i === 1 && PERF) {
      perf = spawn("perf", ["record", "-F", "997", "-g", "-o", PERF, "-p", workerProcs.map((w) => w.pid!).join(",")], { stdio: "ignore" });
      await new Promise((r) => setTimeout(r, 500));
    }
    const runId = i === 0 ? "warmup" : `r${i}`;
    const before = workerProcs.map((w) => cpuTicks(w.pid!));
    const sysBefore = workerProcs.reduce((s, w) => s + sysTicks(w.pid!), 0);
    const schedBefore = cpuTicks(scheduler.pid!);
    const stmtsBefore = workerProcs.reduce((s, w) => s + processStats(statsDir, w.pid!).statements, 0);
    const started = performance.now();
    await createDagRun(database.db, { dagId: "wide", runId, runType: "manual", logicalDate: new Date(Date.now() + i) });
    await wakeScheduler(database.db);
    await waitForRun(database, runId);
    const seconds = (performance.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 600)); // stats files are written every 250 ms
    const perWorker = workerProcs.map((w, j) => (cpuTicks(w.pid!) - before[j]!) / TICKS_PER_SECOND);
    const stmts = workerProcs.reduce((s, w) => s + processStats(statsDir, w.pid!).statements, 0) - stmtsBefore;
    const line = {
      run: runId,
      seconds: Number(seconds.toFixed(2)),
      workerCpuPer1000: Number(((perWorker.reduce((a, b) => a + b, 0) * 1000) / TIS).toFixed(3)),
      perWorker,
      workerSysShare: Number(((workerProcs.reduce((s, w) => s + sysTicks(w.pid!), 0) - sysBefore) / TICKS_PER_SECOND / perWorker.reduce((a, b) => a + b, 0)).toFixed(2)),
      schedulerCpuPer1000: Number((((cpuTicks(scheduler.pid!) - schedBefore) / TICKS_PER_SECOND) * 1000 / TIS).toFixed(3)),
      workerStatementsPerTi: Number((stmts / TIS).toFixed(3)),
    };
    console.log(JSON.stringify(line));
    if (i > 0) results.push(line);
  }
  if (perf) {
    const done = new Promise((r) => perf!.once("exit", r));
    perf.kill("SIGINT");
    await done;
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(
    JSON.stringify({
      bin: BIN,
      tis: TIS,
      workers: WORKERS,
      workerCpuPer1000: Number(mean(results.map((r) => r.workerCpuPer1000)).toFixed(3)),
      min: Math.min(...results.map((r) => r.workerCpuPer1000)),
      workerStatementsPerTi: Number(mean(results.map((r) => r.workerStatementsPerTi)).toFixed(3)),
    }),
  );
} finally {
  await Promise.all([scheduler, ...workerProcs].map(stop));
  await deleteBrokerKeys(REDIS_URL, PREFIX);
  await database.close();
  await testDb.drop();
  await rm(folder, { recursive: true, force: true });
  await rm(statsDir, { recursive: true, force: true });
}
