// Task-to-task latency of the local executor: a chain of 40 no-op tasks (the shape of a public
// Airflow comparison) runs through the real scheduler and local executor on Postgres and on the
// embedded PGlite. Gap = next task's start minus previous task's end, from the task instances'
// own timestamps. Usage: pnpm --filter @updraft/bench bench:latency [--runs N]
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "@updraft/core";
import { createDagRun, dagRuns, migrate, taskInstances, wakeScheduler, type UpdraftDatabase } from "@updraft/db";
import { createTestDatabase } from "@updraft/db/testing";
import { LocalExecutor } from "@updraft/executor";
import { processDagsFolder, Scheduler } from "@updraft/scheduler";
import { and, eq } from "drizzle-orm";
import { machine, summarise } from "./stats.ts";

const CHAIN = 40;
const runs = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 3;

const DAG = `import { chain, dag, task } from "@updraft/sdk";
export default dag({ dagId: "chain40" }, () => {
  const tasks = Array.from({ length: ${CHAIN} }, (_, i) => task({ taskId: "t" + String(i).padStart(2, "0") }, () => null));
  chain(...tasks);
});`;

async function measure(driver: "postgres" | "pglite"): Promise<{ totals: number[]; gaps: number[] }> {
  const testDb = await createTestDatabase(driver);
  const database: UpdraftDatabase = await testDb.open();
  const folder = await mkdtemp(join(tmpdir(), "updraft-bench-"));
  await writeFile(join(folder, "chain40.ts"), DAG);
  let scheduler: Scheduler | undefined;
  const executor = new LocalExecutor({ db: database.db, dagsFolder: folder, slots: 4, logger: silentLogger, onTryFinished: () => scheduler?.nudge() });
  try {
    await migrate(database);
    await processDagsFolder(database.db, { dagsFolder: folder, fileTimeoutMs: 30_000, pausedAtCreation: false });
    scheduler = new Scheduler({ database, executor, limits: { parallelism: 32, maxActiveTasksPerDag: 16, maxActiveRunsPerDag: 16 }, heartbeatMs: 5_000, lostTries: { zombieAfterMs: 30_000, queuedCheckAfterMs: 30_000 }, logger: silentLogger });
    await scheduler.start();
    const totals: number[] = [];
    const gaps: number[] = [];
    // One warm-up run (imports the DAG file in the task processes), then the measured ones.
    for (let r = 0; r <= runs; r++) {
      const runId = `bench_${r}`;
      await createDagRun(database.db, { dagId: "chain40", runId, runType: "manual", logicalDate: new Date() });
      await wakeScheduler(database.db);
      for (;;) {
        const [run] = await database.db.select().from(dagRuns).where(and(eq(dagRuns.dagId, "chain40"), eq(dagRuns.runId, runId)));
        if (run?.state === "success" || run?.state === "failed") break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      if (r === 0) continue;
      const tis = await database.db.select().from(taskInstances).where(and(eq(taskInstances.dagId, "chain40"), eq(taskInstances.runId, runId)));
      tis.sort((a, b) => a.taskId.localeCompare(b.taskId));
      totals.push(tis.at(-1)!.endDate!.getTime() - tis[0]!.startDate!.getTime());
      for (let i = 1; i < tis.length; i++) gaps.push(tis[i]!.startDate!.getTime() - tis[i - 1]!.endDate!.getTime());
    }
    return { totals, gaps };
  } finally {
    await scheduler?.stop();
    await executor.close();
    await testDb.drop();
    await rm(folder, { recursive: true, force: true });
  }
}

console.log(JSON.stringify({ benchmark: "chain-latency", chain: CHAIN, runs, machine: machine() }));
for (const driver of ["postgres", "pglite"] as const) {
  const { totals, gaps } = await measure(driver);
  const t = summarise(totals);
  const g = summarise(gaps);
  console.log(
    `${driver.padEnd(8)}  chain of ${CHAIN}: total median ${(t.median / 1000).toFixed(3)} s (max ${(t.max / 1000).toFixed(3)} s)  ` +
      `task-to-task gap median ${g.median} ms, p99 ${g.p99} ms, max ${g.max} ms  (${g.n} gaps)`,
  );
}
