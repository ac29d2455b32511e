// `pnpm --filter @updraft/bench bench:standalone`: the embedded default (issue 8 item 5, issue 10
// item 1). `updraft standalone` (compiled) on PGlite with the local executor and default limits:
//   - chain: a chain of 40 no-op tasks, 3 runs after a warm-up: task-to-task gap (next start minus
//     previous end, from the task instances' own timestamps) median and p99;
//   - many: 500 runs x 10 no-op tasks, triggered through the API: TI/s;
//   - wide: 1 run x 10,000 parallel no-op tasks while /api/v1/health is polled every 250 ms (one
//     request at a time, 30 s timeout): TI/s and the health latencies; then SIGTERM when idle;
//   - a second wide run, SIGTERM once --stop-after (1,000) of its tasks succeeded: time to exit and
//     the processes left behind (must be none).
// Options: --tasks N (wide size), --runs N (many), --stop-after N, --only chain,many,wide,
// --profile (V8 CPU profile of the first standalone, summarised). JSON: artifacts/bench-standalone.json.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { printProfiles } from "./profile-summary.ts";
import { api, descendants, runProgress, runsIn, startStandalone, terminate, triggerRun, type Standalone } from "./standalone-process.ts";
import { machine, summarise } from "./stats.ts";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const TASKS = arg("--tasks", 10_000);
const RUNS = arg("--runs", 500);
const STOP_AFTER = arg("--stop-after", 1_000);
const CHAIN = 40;
const CHAIN_RUNS = 3;
const only = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1]!.split(",") : ["chain", "many", "wide"];
const profileDir = process.argv.includes("--profile") ? mkdtempSync(join(tmpdir(), "updraft-bench-standalone-profile-")) : undefined;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SDK = `import { chain, dag, task } from "@updraft/sdk";`;

/** Task-to-task gaps of `CHAIN_RUNS` runs of chain40 (after a warm-up run), in ms, and each run's total seconds. */
async function chainScenario(s: Standalone): Promise<{ gapMedianMs: number; gapP99Ms: number; gapMaxMs: number; totalSecondsMedian: number }> {
  const gaps: number[] = [];
  const totals: number[] = [];
  for (let r = 0; r <= CHAIN_RUNS; r++) {
    const runId = `chain${r}`;
    await triggerRun(s.url, "chain40", runId);
    for (let state = "queued"; state !== "success" && state !== "failed"; await sleep(50)) state = (await api<{ state: string }>(s.url, `/api/v1/dags/chain40/dagRuns/${runId}`)).state;
    if (r === 0) continue; // warm-up: task processes import the DAG file
    const { task_instances: tis } = await api<{ task_instances: Array<{ task_id: string; start_date: string; end_date: string }> }>(
      s.url,
      `/api/v1/dags/chain40/dagRuns/${runId}/taskInstances?limit=100`,
    );
    tis.sort((a, b) => a.task_id.localeCompare(b.task_id));
    totals.push((Date.parse(tis.at(-1)!.end_date) - Date.parse(tis[0]!.start_date)) / 1000);
    for (let i = 1; i < tis.length; i++) gaps.push(Date.parse(tis[i]!.start_date) - Date.parse(tis[i - 1]!.end_date));
  }
  const g = summarise(gaps);
  return { gapMedianMs: g.median, gapP99Ms: g.p99, gapMaxMs: g.max, totalSecondsMedian: summarise(totals).median };
}

/** `RUNS` runs of the 10-task DAG, triggered one after another through the API; seconds from the first trigger to the last run's end. */
async function manyScenario(s: Standalone): Promise<{ seconds: number; perSecond: number; failedRuns: number }> {
  const started = performance.now();
  for (let i = 0; i < RUNS; i++) await triggerRun(s.url, "ten", `r${i}`);
  while ((await runsIn(s.url, "ten", ["success", "failed"])) < RUNS) await sleep(250);
  const seconds = (performance.now() - started) / 1000;
  return { seconds, perSecond: (RUNS * 10) / seconds, failedRuns: await runsIn(s.url, "ten", ["failed"]) };
}

/** The wide run with /api/v1/health polled beside it. */
async function wideScenario(s: Standalone) {
  const started = performance.now();
  await triggerRun(s.url, "wide", "wide1");
  const latencies: number[] = [];
  let polls = 0;
  let done = false;
  const poller = (async () => {
    while (!done) {
      polls++;
      const t0 = performance.now();
      const ok = await fetch(`${s.url}/api/v1/health`, { signal: AbortSignal.timeout(30_000) }).then(
        async (r) => r.ok && ((await r.json()) as { metadatabase?: { status?: string } }).metadatabase?.status === "healthy",
        () => false,
      );
      if (ok) latencies.push(performance.now() - t0);
      await sleep(250);
    }
  })();
  let progress = { state: "queued", success: 0 };
  while (progress.state !== "success" && progress.state !== "failed") {
    await sleep(1_000);
    progress = await runProgress(s.url, "wide", "wide1");
    if (performance.now() - started > 3_600_000) throw new Error(`run not finished in an hour (${progress.state})`);
  }
  const seconds = (performance.now() - started) / 1000;
  done = true;
  await poller;
  const h = summarise(latencies);
  return {
    state: progress.state,
    succeeded: progress.success,
    seconds,
    perSecond: TASKS / seconds,
    health: { polls, answered: latencies.length, medianMs: h.median, p99Ms: h.p99, maxMs: h.max },
  };
}

const home = await mkdtemp(join(tmpdir(), "updraft-bench-standalone-home-"));
const dags = await mkdtemp(join(tmpdir(), "updraft-bench-standalone-dags-"));
const result: Record<string, unknown> = { machine: machine(), sizes: { wide: TASKS, runs: RUNS, chain: CHAIN, stopAfter: STOP_AFTER } };
let failed = false;
try {
  await writeFile(join(dags, "wide.ts"), `${SDK}\nexport default dag({ dagId: "wide", maxActiveTasks: 100000 }, () => { for (let i = 0; i < ${TASKS}; i++) task({ taskId: "t" + i }, () => null); });`);
  await writeFile(join(dags, "ten.ts"), `${SDK}\nexport default dag({ dagId: "ten", maxActiveRuns: 100000, maxActiveTasks: 100000 }, () => { for (let i = 0; i < 10; i++) task({ taskId: "t" + i }, () => null); });`);
  await writeFile(join(dags, "chain40.ts"), `${SDK}\nexport default dag({ dagId: "chain40" }, () => { chain(...Array.from({ length: ${CHAIN} }, (_, i) => task({ taskId: "c" + String(i).padStart(2, "0") }, () => null))); });`);
  console.log(`machine: ${JSON.stringify(machine())}`);
  console.log(`updraft standalone (PGlite, local executor, default limits); scenarios: ${only.join(", ")}${profileDir ? "; CPU profile on" : ""}\n`);

  const first = await startStandalone(home, dags, profileDir);
  if (only.includes("chain")) {
    const chain = await chainScenario(first);
    result.chain = chain;
    console.log(`chain of ${CHAIN} (${CHAIN_RUNS} runs): total median ${chain.totalSecondsMedian.toFixed(3)} s; task-to-task gap median ${chain.gapMedianMs} ms, p99 ${chain.gapP99Ms} ms, max ${chain.gapMaxMs} ms`);
  }
  if (only.includes("many")) {
    const many = await manyScenario(first);
    result.many = many;
    if (many.failedRuns > 0) failed = true;
    console.log(`${RUNS} runs x 10 tasks: ${many.seconds.toFixed(1)} s, ${many.perSecond.toFixed(0)} TI/s (${many.failedRuns} runs failed)`);
  }
  if (only.includes("wide")) {
    const wide = await wideScenario(first);
    result.wide = wide;
    const h = wide.health;
    if (wide.state !== "success" || h.answered < h.polls) failed = true;
    console.log(`1 run x ${TASKS} tasks: ${wide.state}, ${wide.succeeded} succeeded in ${wide.seconds.toFixed(1)} s, ${wide.perSecond.toFixed(0)} TI/s`);
    if (wide.state !== "success") console.log(`  the standalone's last output:\n${first.output().slice(-4000)}`);
    console.log(`  /api/v1/health during it: answered ${h.answered} of ${h.polls} polls (healthy, 30 s timeout); latency median ${h.medianMs.toFixed(0)} ms, p99 ${h.p99Ms.toFixed(0)} ms, max ${h.maxMs.toFixed(0)} ms`);
  }
  const idleStop = await terminate(first.child);
  result.sigtermIdle = idleStop;
  console.log(`SIGTERM when idle: exit (${idleStop.exit}) after ${idleStop.seconds.toFixed(2)} s; processes left behind: ${idleStop.leftovers.length}`);

  const second = await startStandalone(home, dags);
  await triggerRun(second.url, "wide", "wide2");
  let progress = { state: "queued", success: 0 };
  while (progress.success < Math.min(STOP_AFTER, TASKS) && progress.state !== "success" && progress.state !== "failed") {
    await sleep(250);
    progress = await runProgress(second.url, "wide", "wide2");
  }
  const running = descendants(second.child.pid!).length;
  const busyStop = await terminate(second.child);
  result.sigtermBusy = { ...busyStop, succeededBefore: progress.success, descendantsBefore: running };
  console.log(`SIGTERM mid-run (${progress.success} of ${TASKS} done, ${running} descendant processes): exit (${busyStop.exit}) after ${busyStop.seconds.toFixed(2)} s; processes left behind: ${busyStop.leftovers.length}`);
  if (idleStop.leftovers.length > 0 || busyStop.leftovers.length > 0) failed = true;

  const out = fileURLToPath(new URL("../../artifacts/bench-standalone.json", import.meta.url));
  mkdirSync(join(out, ".."), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2));
  console.log(`\nJSON: ${out}`);
  if (profileDir) printProfiles(profileDir, new Map([[first.child.pid!, "the standalone (first process)"]]));
  if (failed) process.exitCode = 1;
} finally {
  await rm(home, { recursive: true, force: true });
  await rm(dags, { recursive: true, force: true });
}
