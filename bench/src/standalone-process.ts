// A real `updraft standalone` (the compiled CLI, embedded PGlite, local executor) for the
// standalone benchmark: start it on a fresh home, talk to its REST API, stop it with SIGTERM and
// see what it leaves behind.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { updraftNodeFlags } from "./processes.ts";

const BIN = fileURLToPath(new URL("../../apps/cli/bin/updraft.js", import.meta.url));
const PASSWORD = "bench-password-1";
const HEADERS = { authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString("base64")}`, "content-type": "application/json" };

export interface Standalone {
  child: ChildProcess;
  /** The dashboard's and API's base URL, e.g. http://127.0.0.1:41234. */
  url: string;
  output: () => string;
}

/**
 * Starts `updraft standalone` on `home` with the DAGs in `dags` (unpaused at creation); with
 * `cpuProfileDir`, V8 writes the standalone's CPU profile there when it exits (its task processes
 * are not profiled: they get their own node arguments). Resolves once the banner names the URL.
 */
export async function startStandalone(home: string, dags: string, cpuProfileDir?: string): Promise<Standalone> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("UPDRAFT_") && k !== "DATABASE_URL"));
  const profile = cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${cpuProfileDir}`] : [];
  const child = spawn(process.execPath, [...profile, ...updraftNodeFlags(BIN), BIN, "standalone"], {
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

/** An authenticated API call; throws on a non-2xx answer. */
export async function api<T>(url: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}${path}`, body === undefined ? { headers: HEADERS } : { method: "POST", headers: HEADERS, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export const triggerRun = (url: string, dagId: string, runId: string) => api(url, `/api/v1/dags/${dagId}/dagRuns`, { dag_run_id: runId });

/** A run's state and how many of its task instances succeeded. */
export async function runProgress(url: string, dagId: string, runId: string): Promise<{ state: string; success: number }> {
  const run = await api<{ state: string }>(url, `/api/v1/dags/${dagId}/dagRuns/${runId}`);
  const tis = await api<{ total_entries: number }>(url, "/api/v1/dags/~/dagRuns/~/taskInstances/list", {
    dag_ids: [dagId],
    dag_run_ids: [runId],
    state: ["success"],
    page_limit: 1,
  });
  return { state: run.state, success: tis.total_entries };
}

/** How many of a DAG's runs are in one of `states`. */
export async function runsIn(url: string, dagId: string, states: string[]): Promise<number> {
  const query = states.map((s) => `state=${s}`).join("&");
  return (await api<{ total_entries: number }>(url, `/api/v1/dags/${dagId}/dagRuns?${query}&limit=1`)).total_entries;
}

/** Live descendants of `pid` (children, grandchildren...), read from /proc. */
export function descendants(pid: number): number[] {
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

/** SIGTERM, then seconds until exit (SIGKILL after 120 s) and the descendants still alive 2 s after it (killed then). */
export async function terminate(child: ChildProcess): Promise<{ seconds: number; exit: string; leftovers: number[] }> {
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

/** The CPU profile files in `dir` (written by --cpu-prof at exit). */
export const profilesIn = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")).map((f) => join(dir, f));
