// Runs the real `updraft` CLI as a child process with its own environment: a temp UPDRAFT_HOME
// and a cwd without a .env, so tests never see the developer's settings or each other's data.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { updraftNodeArgs } from "@updraft/dag-loader";

const MAIN = fileURLToPath(new URL("../src/main.ts", import.meta.url));
export const EXAMPLE_DAGS = fileURLToPath(new URL("../../../dags", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export async function makeHome(): Promise<{ home: string; cleanup: () => Promise<void> }> {
  const home = await mkdtemp(join(tmpdir(), "updraft-cli-"));
  return { home, cleanup: () => rm(home, { recursive: true, force: true }) };
}

export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return startCli(args, env).result;
}

/** A CLI process still running: its pid, its output so far, and its result once it exits. */
export interface StartedCli {
  pid: number;
  output(): { stdout: string; stderr: string };
  result: Promise<CliResult>;
}

/** Starts the CLI as runCli does without waiting for it: for commands that do not end on their own (`--wait`). */
export function startCli(args: string[], env: Record<string, string>): StartedCli {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith("UPDRAFT_") && key !== "DATABASE_URL" && key !== "REDIS_URL"),
  );
  const child = spawn(process.execPath, [...updraftNodeArgs(), MAIN, ...args], {
    cwd: env.UPDRAFT_HOME ?? tmpdir(),
    env: { ...base, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const result = new Promise<CliResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
  return { pid: child.pid!, output: () => ({ stdout, stderr }), result };
}

/** Polls the started CLI's stderr until it matches `pattern`; throws with its output after `timeoutMs`. */
export async function waitForStderr(cli: StartedCli, pattern: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { stdout, stderr } = cli.output();
    if (pattern.test(stderr)) return stderr;
    if (Date.now() > deadline) throw new Error(`no stderr line matching ${pattern} within ${timeoutMs} ms:\n${stdout}\n${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The `updraft` bin as users run it (`pnpm start`, the Docker image): the compiled CLI in dist/. */
export const BIN = fileURLToPath(new URL("../bin/updraft.js", import.meta.url));

/** Every live process's parent (pid -> ppid), read from /proc (Linux). */
function processParents(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after ")".
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  return parents;
}

/** Live descendants of `pid` now (children, grandchildren...). */
export function descendants(pid: number): number[] {
  const tree = new Set([pid]);
  growTree(tree, processParents());
  tree.delete(pid);
  return [...tree];
}

// Adds to `tree` every process whose parent is in it, transitively.
function growTree(tree: Set<number>, parents: ReadonlyMap<number, number>): void {
  for (let grew = true; grew; ) {
    grew = false;
    for (const [child, parent] of parents) {
      if (tree.has(parent) && !tree.has(child)) {
        tree.add(child);
        grew = true;
      }
    }
  }
}

/**
 * Every process descended from `pid` seen while it runs: polls /proc (Linux) every 20 ms until
 * the process exits. Processes that start and end between two polls can be missed.
 */
export function watchDescendants(pid: number): { seen: Set<number>; stop: () => void } {
  const seen = new Set<number>();
  const poll = () => {
    // Seen processes stay in the tree, so their own children are found after a re-parenting.
    const tree = new Set([pid, ...seen]);
    growTree(tree, processParents());
    for (const p of tree) if (p !== pid) seen.add(p);
  };
  const timer = setInterval(poll, 20);
  poll();
  return { seen, stop: () => clearInterval(timer) };
}

/** True if a process with this pid exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}
