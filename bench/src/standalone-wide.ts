// `pnpm --filter @updraft/bench bench:standalone-wide [--tasks N] [--stop-after N]`: issue 10,
// item 1 at its full size. `updraft standalone` (compiled) on the embedded PGlite with the local
// executor runs one DAG run of N parallel no-op tasks (default 10,000) while /api/v1/health is
// polled every 250 ms; then a second run is triggered and SIGTERM is sent once `--stop-after`
// (default 1,000) of its task instances have succeeded, i.e. while the process is busiest. Prints
// the time to finish, the health latencies, the time from SIGTERM to exit and the processes left
// behind (descendants of the standalone still alive after its exit; must be none).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { machine, summarise } from "./stats.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "apps/cli/bin/updraft.js");
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const TASKS = arg("--tasks", 10_000);
const STOP_AFTER = arg("--stop-after", 1_000);
const PASSWORD = "bench-password-1";
const auth = { authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString("base64")}`, "content-type": "application/json" };

/** Live descendants of `pid` (children, grandchildren...), read from /proc. */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // exited meanwhile
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift()!;
    for (const [child, pp] of parent) {
      if (pp !== p) continue;
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}
const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ");

async function start(home: string, dags: string): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("UPDRAFT_") && k !== "DATABASE_URL"));
  const child = spawn(process.execPath, [BIN, "standalone"], {
    cwd: home,
    env: { ...base, UPDRAFT_HOME: home, UPDRAFT_DAGS_FOLDER: dags, UPDRAFT_WEB_PORT: "0", UPDRAFT_ADMIN_PASSWORD: PASSWORD, UPDRAFT_DAGS_ARE_PAUSED_AT_CREATION: "false", UPDRAFT_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const deadline = Date.now() + 300_000;
  while (!/Dashboard and API:\s+(\S+)/.test(output)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`standalone did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url: /Dashboard and API:\s+(\S+)/.exec(output)![1]!, output: () => output };
}

async function trigger(url: string, runId: string): Promise<void> {
  const res = await fetch(`${url}/api/v1/dags/wide/dagRuns`, { method: "POST", headers: auth, body: JSON.stringify({ dag_run_id: runId }) });
  if (res.status !== 200) throw new Error(`trigger: ${res.status} ${await res.text()}`);
}

async function succeeded(url: string, runId: string): Promise<{ state: string; success: number }> {
  const run = (await (await fetch(`${url}/api/v1/dags/wide/dagRuns/${runId}`, { headers: auth })).json()) as { state: string };
  const tis = (await (
    await fetch(`${url}/api/v1/dags/~/dagRuns/~/taskInstances/list`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ dag_ids: ["wide"], dag_run_ids: [runId], state: ["success"], page_limit: 1 }),
    })
  ).json()) as { total_entries: number };
  return { state: run.state, success: tis.total_entries };
}

/** SIGTERM, then seconds until exit and the descendants still alive after it. */
async function terminate(child: ChildProcess): Promise<{ seconds: number; exit: string; leftovers: number[] }> {
  const before = descendants(child.pid!);
  const started = performance.now();
  const exited = new Promise<string>((resolve) => child.once("exit", (code, signal) => resolve(signal ?? `code ${code}`)));
  child.kill("SIGTERM");
  const killer = setTimeout(() => child.kill("SIGKILL"), 120_000);
  const exit = await exited;
  clearTimeout(killer);
  const seconds = (performance.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 2_000)); // children get a moment to see their parent gone
  const leftovers = before.filter(alive);
  for (const pid of leftovers) process.kill(pid, "SIGKILL");
  return { seconds, exit, leftovers };
}

const home = await mkdtemp(join(tmpdir(), "updraft-bench-wide-home-"));
const dags = await mkdtemp(join(tmpdir(), "updraft-bench-wide-dags-"));
try {
  await writeFile(
    join(dags, "wide.ts"),
    `import { dag, task } from "@updraft/sdk";\nexport default dag({ dagId: "wide", maxActiveTasks: 100000 }, () => { for (let i = 0; i < ${TASKS}; i++) task({ taskId: "t" + i }, () => null); });`,
  );
  console.log(`machine: ${JSON.stringify(machine())}`);
  console.log(`standalone (PGlite, local executor, default limits): 1 run x ${TASKS} no-op tasks; SIGTERM after ${STOP_AFTER} tasks of a second run\n`);

  const first = await start(home, dags);
  const started = performance.now();
  await trigger(first.url, "wide1");
  const health: number[] = [];
  let healthFailures = 0;
  let state = "queued";
  while (state !== "success" && state !== "failed") {
    const t0 = performance.now();
    const ok = await fetch(`${first.url}/api/v1/health`, { signal: AbortSignal.timeout(30_000) }).then((r) => r.ok, () => false);
    if (ok) health.push(performance.now() - t0);
    else healthFailures++;
    state = (await succeeded(first.url, "wide1")).state;
    if (performance.now() - started > 3_600_000) throw new Error(`run not finished in an hour (${state})`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const seconds = (performance.now() - started) / 1000;
  const { success } = await succeeded(first.url, "wide1");
  const h = summarise(health);
  console.log(`run wide1: ${state}, ${success} of ${TASKS} task instances succeeded in ${seconds.toFixed(1)} s (${(TASKS / seconds).toFixed(0)} TI/s)`);
  console.log(`/api/v1/health during the run: ${health.length} answers, ${healthFailures} failures (30 s timeout); latency median ${h.median.toFixed(0)} ms, p99 ${h.p99.toFixed(0)} ms, max ${Math.max(...health).toFixed(0)} ms`);
  const idleStop = await terminate(first.child);
  console.log(`SIGTERM when idle: exit (${idleStop.exit}) after ${idleStop.seconds.toFixed(2)} s; processes left behind: ${idleStop.leftovers.length}`);

  const second = await start(home, dags);
  await trigger(second.url, "wide2");
  let progress = { state: "queued", success: 0 };
  while (progress.success < STOP_AFTER && progress.state !== "success" && progress.state !== "failed") {
    await new Promise((r) => setTimeout(r, 250));
    progress = await succeeded(second.url, "wide2");
  }
  const running = descendants(second.child.pid!).length;
  const busyStop = await terminate(second.child);
  console.log(
    `SIGTERM mid-run (${progress.success} of ${TASKS} done, ${running} descendant processes): exit (${busyStop.exit}) after ${busyStop.seconds.toFixed(2)} s; processes left behind: ${busyStop.leftovers.length}`,
  );
  if (state !== "success" || healthFailures > 0 || idleStop.leftovers.length > 0 || busyStop.leftovers.length > 0) process.exitCode = 1;
} finally {
  await rm(home, { recursive: true, force: true });
  await rm(dags, { recursive: true, force: true });
}
