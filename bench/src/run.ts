// Statements per TI are counted in-process (a node-postgres query counter preloaded into the
// scheduler and workers); scheduler CPU is its process.cpuUsage(). A second table accounts every
// scenario's CPU by role from /proc (cpu-sampler.ts), and pg_stat_statements, when the server
// loads it, names the statements that took Postgres's time.
// `pnpm bench`: end-to-end throughput and latency of the distributed executor on local Postgres
// and Redis, with real scheduler and worker processes, against raw BullMQ doing the same number of
// no-op jobs with the same concurrency in the same run. Prints a table and writes JSON.
//   pnpm bench                       # issue sizes: 10,000-task run and 500 runs x 10 tasks
//   pnpm bench --quick               # smaller sizes for a fast look
//   pnpm bench --profile             # 2 workers, the two throughput scenarios only, with V8 CPU
//                                    # profiles of the scheduler and workers, summarised
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createDagRun, dagRuns, migrate, taskInstances, wakeScheduler, workers, type UpdraftDatabase } from "@updraft/db";
import { createTestDatabase } from "@updraft/db/testing";
import { processDagsFolder } from "@updraft/scheduler";
import { and, count, eq, inArray, sql } from "drizzle-orm";
import { bullmqBaseline, type BaselineResult } from "./bullmq-baseline.ts";
import { memoryMiB, processStats, startUpdraft, stop } from "./processes.ts";
import { printProfiles } from "./profile-summary.ts";
import { dagFolderBench, printDagFolder } from "./dag-folder.ts";
import { printStartup, startupBench } from "./startup.ts";
import { printCpuTable, printIdleCpu, printStatementProfiles, type CpuLine } from "./cpu-report.ts";
import type { CpuAccount, RoleRoots } from "./cpu-roles.ts";
import { CpuSampler } from "./cpu-sampler.ts";
import { statementProfiler, type StatementProfile, type StatementProfiler } from "./pg-statements.ts";
import { deleteBrokerKeys } from "@updraft/broker";
import { postgresClassifier, postgresRoots, redisPid } from "./service-pids.ts";
import { machine, summarise } from "./stats.ts";

const quick = process.argv.includes("--quick");
const profileDir = process.argv.includes("--profile") ? mkdtempSync(join(tmpdir(), "updraft-bench-profile-")) : undefined;
const roles = new Map<number, string>();
const WIDE = quick ? 2_000 : 10_000;
const RUNS = quick ? 100 : 500;
const CHAIN = 40;
const WORKER_COUNTS = profileDir ? [2] : [1, 2, 4];
const HISTORY = quick ? 200_000 : 1_000_000;
const CONCURRENCY = 8;
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379/0";

const SDK = `import { chain, dag, task } from "@updraft/sdk";`;
const DAGS = {
  "wide.ts": `${SDK}\nexport default dag({ dagId: "wide", maxActiveTasks: 100000 }, () => { for (let i = 0; i < ${WIDE}; i++) task({ taskId: "t" + i }, () => null); });`,
  "ten.ts": `${SDK}\nexport default dag({ dagId: "ten", maxActiveRuns: 100000, maxActiveTasks: 100000 }, () => { for (let i = 0; i < 10; i++) task({ taskId: "t" + i }, () => null); });`,
  "chain40.ts": `${SDK}\nexport default dag({ dagId: "chain40" }, () => { chain(...Array.from({ length: ${CHAIN} }, (_, i) => task({ taskId: "c" + String(i).padStart(2, "0") }, () => null))); });`,
};

interface Row {
  workers: number;
  scenario: string;
  taskInstances: number;
  seconds: number;
  perSecond: number;
  baselinePerSecond: number;
  ratio: number;
  /** SQL statements sent by the scheduler and workers (counted in-process), per task instance. */
  statementsPerTi: number;
  /** Scheduler CPU seconds (process.cpuUsage) per 1,000 task instances. */
  schedulerCpuPer1000: number;
  /** CPU by role over the scenario, from /proc. */
  cpu: CpuAccount;
  /** pg_stat_statements over the scenario, when the server loads it. */
  postgresStatements: StatementProfile | undefined;
}

/** What a scenario is measured with: statements and scheduler CPU so far, the roles' processes, pg_stat_statements. */
interface Probe {
  counts: () => { statements: number; schedulerCpu: number };
  roots: RoleRoots;
  statements: StatementProfiler | undefined;
}

async function waitForRuns(database: UpdraftDatabase, dagId: string, runIds: string[]): Promise<void> {
  for (;;) {
    const [row] = await database.db
      .select({ n: count() })
      .from(dagRuns)
      .where(and(eq(dagRuns.dagId, dagId), inArray(dagRuns.state, ["success", "failed"]), inArray(dagRuns.runId, runIds)));
    if ((row?.n ?? 0) >= runIds.length) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function trigger(database: UpdraftDatabase, dagId: string, runIds: string[]): Promise<void> {
  for (const runId of runIds) await createDagRun(database.db, { dagId, runId, runType: "manual", logicalDate: new Date() });
  await wakeScheduler(database.db);
}

async function scenario(database: UpdraftDatabase, dagId: string, runIds: string[]): Promise<number> {
  const started = performance.now();
  await trigger(database, dagId, runIds);
  await waitForRuns(database, dagId, runIds);
  return (performance.now() - started) / 1000;
}

async function measured(database: UpdraftDatabase, probe: Probe, dagId: string, runIds: string[], tis: number) {
  await probe.statements?.reset();
  const before = probe.counts();
  const sampler = new CpuSampler(probe.roots, postgresClassifier(database));
  sampler.start();
  const seconds = await scenario(database, dagId, runIds);
  const cpu = await sampler.stop();
  const postgresStatements = await probe.statements?.profile();
  await new Promise((resolve) => setTimeout(resolve, 300)); // let the stats files catch up
  const after = probe.counts();
  return {
    seconds,
    statementsPerTi: (after.statements - before.statements) / tis,
    schedulerCpuPer1000: ((after.schedulerCpu - before.schedulerCpu) * 1000) / tis,
    cpu,
    postgresStatements,
  };
}

// Finished history the scheduler must not pay for: `rows` finished task instances (and as many
// history rows) in 1,000-task runs of a DAG that is not running.
async function insertHistory(database: UpdraftDatabase, rows: number): Promise<void> {
  const runs = Math.ceil(rows / 1_000);
  await database.db.execute(sql`insert into dag_runs (dag_id, run_id, run_type, state, conf, logical_date, start_date, end_date)
    select 'ten', 'hist' || g, 'manual', 'success', '{}'::jsonb, timestamptz '2000-01-01' + g * interval '1 hour', now(), now() from generate_series(1, ${runs}) g`);
  await database.db.execute(sql`insert into task_instances (dag_id, run_id, task_id, state, try_number, max_tries, start_date, end_date, duration)
    select 'ten', 'hist' || r, 'h' || t, 'success', 1, 1, now(), now(), 0 from generate_series(1, ${runs}) r, generate_series(1, 1000) t`);
  await database.db.execute(sql`insert into task_instance_history (dag_id, run_id, task_id, try_number, state, start_date, end_date, duration)
    select 'ten', 'hist' || r, 'h' || t, 1, 'success', now(), now(), 0 from generate_series(1, ${runs}) r, generate_series(1, 1000) t`);
  await database.db.execute(sql`analyze`);
}

async function withCluster(workerCount: number, work: (database: UpdraftDatabase, probe: Probe) => Promise<void>): Promise<{ schedulerMiB: number; workerMiB: number }> {
  const testDb = await createTestDatabase("postgres");
  const database = await testDb.open();
  const folder = await mkdtemp(join(tmpdir(), "updraft-bench-"));
  for (const [name, source] of Object.entries(DAGS)) await writeFile(join(folder, name), source);
  const statements = await statementProfiler(database);
  await migrate(database);
  await processDagsFolder(database.db, { dagsFolder: folder, fileTimeoutMs: 60_000, pausedAtCreation: false });
  const statsDir = await mkdtemp(join(tmpdir(), "updraft-bench-stats-"));
  const prefix = `bench-${process.pid}-${workerCount}`;
  const env = {
    BENCH_STATS_DIR: statsDir,
    DATABASE_URL: testDb.databaseUrl!,
    REDIS_URL,
    UPDRAFT_BROKER_PREFIX: prefix,
    UPDRAFT_DAGS_FOLDER: folder,
    UPDRAFT_EXECUTOR: "distributed",
    UPDRAFT_PARALLELISM: "1024",
    UPDRAFT_MAX_ACTIVE_TASKS_PER_DAG: "1024",
  };
  const scheduler = startUpdraft(["scheduler"], env, profileDir);
  const workerProcs = Array.from({ length: workerCount }, (_, i) => startUpdraft(["worker", "--name", `w${i}`, "--concurrency", String(CONCURRENCY)], env, profileDir));
  roles.set(scheduler.pid!, "the scheduler");
  workerProcs.forEach((w, i) => roles.set(w.pid!, `worker w${i}`));
  try {
    for (;;) {
      const [row] = await database.db.select({ n: count() }).from(workers).where(eq(workers.state, "online"));
      if ((row?.n ?? 0) >= workerCount) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const probe: Probe = {
      counts: () => ({
        statements: [scheduler, ...workerProcs].reduce((sum, p) => sum + processStats(statsDir, p.pid!).statements, 0),
        schedulerCpu: processStats(statsDir, scheduler.pid!).cpuSeconds,
      }),
      roots: { ...(await postgresRoots(database)), scheduler: scheduler.pid!, workers: workerProcs.map((w) => w.pid!), redis: redisServer, bench: process.pid },
      statements,
    };
    await work(database, probe);
    return {
      schedulerMiB: memoryMiB(scheduler.pid!).peakRss,
      workerMiB: Math.max(...workerProcs.map((w) => memoryMiB(w.pid!).peakRss)),
    };
  } finally {
    await Promise.all([scheduler, ...workerProcs].map(stop));
    await deleteBrokerKeys(REDIS_URL, prefix);
    await database.close();
    await testDb.drop();
    await rm(folder, { recursive: true, force: true });
    await rm(statsDir, { recursive: true, force: true });
  }
}

const rows: Row[] = [];
const memory: Record<number, { schedulerMiB: number; workerMiB: number }> = {};
const idleCpu: Record<number, CpuAccount> = {};
const baselines: Record<number, BaselineResult> = {};
let latency:
  | { totalSeconds: number; gapMedianMs: number; gapP99Ms: number; reactionMedianMs: number; reactionP99Ms: number; pickupMedianMs: number; pickupP99Ms: number }
  | undefined;

const redisServer = await redisPid(REDIS_URL);
console.log(`machine: ${JSON.stringify(machine())}`);
console.log(`sizes: wide=${WIDE} runs=${RUNS}x10 chain=${CHAIN}; worker concurrency ${CONCURRENCY}\n`);
for (const n of WORKER_COUNTS) {
  baselines[n] = await bullmqBaseline(REDIS_URL, WIDE, CONCURRENCY * n, { bench: process.pid, redis: redisServer });
  memory[n] = await withCluster(n, async (database, probe) => {
    // Warm-up: task processes import the DAG files once.
    await scenario(database, "ten", ["warmup"]);
    // What the cluster burns with nothing to do (polling, heartbeats): a cost per second, not per TI.
    const idle = new CpuSampler(probe.roots, postgresClassifier(database));
    idle.start();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    idleCpu[n] = await idle.stop();
    const base = { workers: n, baselinePerSecond: baselines[n]!.perSecond, ratio: 0 };
    const wide = await measured(database, probe, "wide", ["wide"], WIDE);
    rows.push({ ...base, scenario: `1 run x ${WIDE} tasks`, taskInstances: WIDE, perSecond: WIDE / wide.seconds, ...wide });
    const ids = Array.from({ length: RUNS }, (_, i) => `r${i}`);
    const many = await measured(database, probe, "ten", ids, RUNS * 10);
    rows.push({ ...base, scenario: `${RUNS} runs x 10 tasks`, taskInstances: RUNS * 10, perSecond: (RUNS * 10) / many.seconds, ...many });
    if (n === 2 && !profileDir) {
      await insertHistory(database, HISTORY);
      const again = await measured(database, probe, "ten", ids.map((id) => `h${id}`), RUNS * 10);
      rows.push({ ...base, scenario: `${RUNS}x10, ${HISTORY / 1000}k in history`, taskInstances: RUNS * 10, perSecond: (RUNS * 10) / again.seconds, ...again });
    }
    if (n === 1 && !profileDir) {
      const gaps: number[] = [];
      const totals: number[] = [];
      // Each gap in two parts: previous end -> next queued (the outcome's flush, the wake-up, the
      // pass and the claim) and next queued -> next start (BullMQ, the worker, the running-mark).
      const reaction: number[] = [];
      const pickup: number[] = [];
      for (let r = 0; r < 5; r++) {
        const runId = `chain${r}`;
        await scenario(database, "chain40", [runId]);
        const tis = await database.db.select().from(taskInstances).where(and(eq(taskInstances.dagId, "chain40"), eq(taskInstances.runId, runId)));
        tis.sort((a, b) => a.taskId.localeCompare(b.taskId));
        totals.push((tis.at(-1)!.endDate!.getTime() - tis[0]!.startDate!.getTime()) / 1000);
        for (let i = 1; i < tis.length; i++) {
          const [previous, next] = [tis[i - 1]!, tis[i]!];
          gaps.push(next.startDate!.getTime() - previous.endDate!.getTime());
          reaction.push(next.queuedAt!.getTime() - previous.endDate!.getTime());
          pickup.push(next.startDate!.getTime() - next.queuedAt!.getTime());
        }
      }
      const [g, r, p] = [summarise(gaps), summarise(reaction), summarise(pickup)];
      latency = { totalSeconds: summarise(totals).median, gapMedianMs: g.median, gapP99Ms: g.p99, reactionMedianMs: r.median, reactionP99Ms: r.p99, pickupMedianMs: p.median, pickupP99Ms: p.p99 };
    }
  });
}
for (const row of rows) row.ratio = row.perSecond / row.baselinePerSecond;

const pad = (v: string | number, w: number) => String(v).padStart(w);
console.log("workers  scenario                     TIs    seconds   TI/s  raw BullMQ jobs/s   ratio  stmts/TI  sched CPU s/1000 TIs");
for (const r of rows) {
  console.log(
    `${pad(r.workers, 7)}  ${r.scenario.padEnd(26)} ${pad(r.taskInstances, 6)} ${pad(r.seconds.toFixed(2), 9)} ${pad(r.perSecond.toFixed(0), 6)} ${pad(r.baselinePerSecond.toFixed(0), 18)} ${pad(r.ratio.toFixed(3), 7)} ${pad(r.statementsPerTi.toFixed(2), 9)} ${pad(r.schedulerCpuPer1000.toFixed(3), 20)}`,
  );
}
const cpuLines: CpuLine[] = [];
for (const n of WORKER_COUNTS) {
  const b = baselines[n]!;
  if (b.cpu) cpuLines.push({ workers: n, scenario: `raw BullMQ ${b.jobs} jobs, c=${CONCURRENCY * n}`, items: b.jobs, cpu: b.cpu });
  for (const r of rows.filter((row) => row.workers === n)) cpuLines.push({ workers: n, scenario: r.scenario, items: r.taskInstances, cpu: r.cpu });
}
printCpuTable(cpuLines, 2_000);
printIdleCpu(WORKER_COUNTS.map((n) => ({ workers: n, cpu: idleCpu[n]! })));
printStatementProfiles(rows.map((r) => ({ workers: r.workers, scenario: r.scenario, items: r.taskInstances, profile: r.postgresStatements })));
if (profileDir) {
  printProfiles(profileDir, roles);
  process.exit(0);
}
const perTi = (label: string) => rows.find((r) => r.workers === 2 && r.scenario.startsWith(label))?.perSecond ?? NaN;
console.log(`\nwide run vs ${RUNS}x10 per TI (2 workers): ${(perTi("1 run") / perTi(`${RUNS} runs`)).toFixed(2)}; with ${HISTORY.toLocaleString("en")} finished TIs in history vs without: ${(perTi(`${RUNS}x10,`) / perTi(`${RUNS} runs`)).toFixed(2)}`);
const base1 = baselines[1]!;
console.log(`\nlatency (1 worker): chain of ${CHAIN} no-op tasks ${latency!.totalSeconds.toFixed(3)} s; task-to-task gap median ${latency!.gapMedianMs} ms, p99 ${latency!.gapP99Ms} ms`);
console.log(
  `  end -> next queued (flush, wake-up, pass, claim): median ${latency!.reactionMedianMs} ms, p99 ${latency!.reactionP99Ms} ms; ` +
    `queued -> start (BullMQ, worker, running-mark): median ${latency!.pickupMedianMs} ms, p99 ${latency!.pickupP99Ms} ms`,
);
console.log(`raw BullMQ round trip: median ${base1.roundTripMedianMs.toFixed(2)} ms, p99 ${base1.roundTripP99Ms.toFixed(2)} ms; gap ratio (median) ${(latency!.gapMedianMs / base1.roundTripMedianMs).toFixed(1)}x`);
for (const n of WORKER_COUNTS) console.log(`peak RSS with ${n} worker(s): scheduler ${memory[n]!.schedulerMiB} MiB, worker ${memory[n]!.workerMiB} MiB (task processes not included)`);

const startup = await startupBench();
console.log("");
printStartup(startup);

const dagFolder = await dagFolderBench(quick ? 200 : 1_000);
console.log("");
printDagFolder(dagFolder);

const out = fileURLToPath(new URL("../../artifacts/bench.json", import.meta.url));
mkdirSync(join(out, ".."), { recursive: true });
writeFileSync(out, JSON.stringify({ machine: machine(), sizes: { wide: WIDE, runs: RUNS, chain: CHAIN, concurrency: CONCURRENCY }, rows, latency, baselines, memory, idleCpu, startup, dagFolder }, null, 2));
console.log(`\nJSON: ${out}`);
