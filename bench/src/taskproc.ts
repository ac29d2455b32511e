// CPU of the task-process side per try, with no database and no broker: drives the real process
// pool (TaskProcessPool from the compiled @updraft/executor, so the children run plain `node` on
// dist as in production) the way a worker does (size = concurrency, maxTriesPerChild 1,000, warm
// min(concurrency, 4), the same hooks as runAndRecordTry), with no-op tries of a 10-task DAG file.
// Prints CPU-seconds per 1,000 tries of the task processes (/proc/<pid>/stat utime+stime, plus
// the reaped ones through the parent's cutime+cstime) and of this process (the pool side).
//
// It runs without the updraft-source condition, so @updraft/executor is its dist and the pool
// forks plain `node` children, as the `updraft worker` bin does.
//
//   pnpm --filter @updraft/bench bench:taskproc       # 5,000 tries after 500 warm-up, concurrency 8
//   TRIES=2000 RATE=150 pnpm --filter @updraft/bench bench:taskproc    # the cluster bench's pace
//   CPU_PROFILE_DIR=/tmp/prof pnpm --filter @updraft/bench bench:taskproc  # profiles the children
//
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TaskProcessPool } from "@updraft/executor";
import { listPids, readProcStats, ticksPerSecond } from "./proc-stat.ts";

const TRIES = Number(process.env.TRIES ?? 5_000);
const WARMUP = Number(process.env.WARMUP ?? 500);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
/** As the worker: a task process is replaced after this many tries. Small values measure process starts. */
const MAX_TRIES_PER_CHILD = Number(process.env.MAX_TRIES_PER_CHILD ?? 1_000);
/** Tries started per second at most (0: as fast as the pool runs them); the cluster bench runs 75-160/s per worker. */
const RATE = Number(process.env.RATE ?? 0);

const DAG = `import { dag, task } from "@updraft/sdk";
export default dag({ dagId: "ten" }, () => {
  for (let i = 0; i < 10; i++) task({ taskId: "t" + i }, () => null);
});
`;

/** Own CPU ticks and reaped children's ticks, from /proc/self/stat (fields 14-17). */
function selfTicks(): { own: number; reaped: number } {
  const line = readFileSync("/proc/self/stat", "utf8");
  const rest = line.slice(line.lastIndexOf(")") + 1).trim().split(/\s+/).map(Number);
  const f = (n: number) => rest[n - 3]!;
  return { own: f(14) + f(15), reaped: f(16) + f(17) };
}

/** Every task process seen (sampled every 20 ms and at each reading), by pid. */
const seen = new Set<number>();

/** This process's children: /proc/<pid>/task/<pid>/children, else a scan of /proc. */
function childPids(): number[] {
  try {
    return readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, "utf8").split(" ").filter(Boolean).map(Number);
  } catch {
    return readProcStats(listPids())
      .filter((s) => s.ppid === process.pid)
      .map((s) => s.pid);
  }
}

/** Ticks of this process's live children plus those already reaped. */
function childTicks(): number {
  const live = readProcStats(childPids()).filter((s) => s.ppid === process.pid);
  for (const s of live) seen.add(s.pid);
  return live.reduce((sum, s) => sum + s.cpuTicks, 0) + selfTicks().reaped;
}

async function main(): Promise<void> {
  const folder = await mkdtemp(join(tmpdir(), "updraft-bench-taskproc-"));
  const path = join(folder, "ten.ts");
  await writeFile(path, DAG);
  // The children inherit the environment; NODE_OPTIONS refuses --cpu-prof, hence the preload.
  if (process.env.CPU_PROFILE_DIR) process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --import ${new URL("./cpu-profile-preload.mjs", import.meta.url).href}`;
  const pool = new TaskProcessPool({ size: CONCURRENCY, maxTriesPerChild: MAX_TRIES_PER_CHILD });
  pool.warm(Math.min(CONCURRENCY, 4));
  // A worker is started before work arrives: its warm processes are ready by then.
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.WARM_MS ?? 1_000)));
  let next = 0;
  let logs = 0;
  const runMany = async (count: number): Promise<void> => {
    const end = next + count;
    const first = next;
    const startedAt = performance.now();
    const lane = async () => {
      while (next < end) {
        const n = next++;
        const due = startedAt + ((n - first) * 1000) / (RATE || Infinity);
        if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
        const stop = new AbortController();
        const outcome = await pool.run(
          {
            path,
            dagId: "ten",
            taskId: `t${n % 10}`,
            runId: `run_${Math.floor(n / 10)}`,
            tryNumber: 1,
            logicalDate: new Date().toISOString(),
            dataIntervalStart: null,
            dataIntervalEnd: null,
            conf: {},
            inputs: {},
          },
          {
            onStart: () => Promise.resolve(true),
            onLog: () => void logs++,
            onLookup: () => Promise.resolve(null),
            deadlineMs: null,
            stop: stop.signal,
          },
        );
        if (outcome === "refused" || outcome.state !== "success") throw new Error(`try ${n}: ${JSON.stringify(outcome)}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  };
  const sampler = setInterval(() => childPids().forEach((pid) => seen.add(pid)), 20);
  const hz = ticksPerSecond();
  const t0 = { child: childTicks(), self: selfTicks().own, wall: performance.now() };
  await runMany(WARMUP);
  const t1 = { child: childTicks(), self: selfTicks().own, wall: performance.now() };
  await runMany(TRIES);
  const t2 = { child: childTicks(), self: selfTicks().own, wall: performance.now() };
  clearInterval(sampler);
  await pool.close();
  await rm(folder, { recursive: true, force: true });
  const per1k = (ticks: number, tries: number) => ((ticks / hz) * 1000) / tries;
  const report = {
    tries: TRIES,
    concurrency: CONCURRENCY,
    rate: RATE || "max",
    maxTriesPerChild: MAX_TRIES_PER_CHILD,
    warmup: { tries: WARMUP, childCpuS: (t1.child - t0.child) / hz, parentCpuS: (t1.self - t0.self) / hz },
    childCpuSPer1k: Number(per1k(t2.child - t1.child, TRIES).toFixed(3)),
    parentCpuSPer1k: Number(per1k(t2.self - t1.self, TRIES).toFixed(3)),
    /** With the warm-up: process starts included. */
    childCpuSPer1kAll: Number(per1k(t2.child - t0.child, WARMUP + TRIES).toFixed(3)),
    processesStarted: seen.size,
    triesPerSecondWall: Math.round(TRIES / ((t2.wall - t1.wall) / 1000)),
    logLines: logs,
  };
  console.log(JSON.stringify(report));
}

await main();
