// Starts real Updraft processes (scheduler, workers) for benchmarks, and reads their memory.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";

// The `updraft` bin: the compiled CLI (dist) when built, as in production; else the sources.
const MAIN = fileURLToPath(new URL("../../apps/cli/bin/updraft.js", import.meta.url));
const COUNTER = new URL("./count-queries.mjs", import.meta.url).href;

/**
 * The node flags the `updraft` command starts with: those of its bin's shebang
 * (`#!/usr/bin/env -S node <flags>`), which the Docker image and the bin shims use, so a benchmark
 * that runs `node bin/updraft.js` measures the process users run.
 */
export function updraftNodeFlags(bin: string = MAIN): string[] {
  const shebang = readFileSync(bin, "utf8").split("\n", 1)[0] ?? "";
  const match = /^#!\S*env(?:\s+-S)?\s+node((?:\s+--\S+)*)\s*$/.exec(shebang);
  return match ? match[1]!.trim().split(/\s+/).filter(Boolean) : [];
}

/** Statements sent and CPU seconds used so far by a process started with BENCH_STATS_DIR. */
export function processStats(dir: string, pid: number): { statements: number; cpuSeconds: number } {
  try {
    return JSON.parse(readFileSync(`${dir}/${pid}.json`, "utf8")) as { statements: number; cpuSeconds: number };
  } catch {
    return { statements: 0, cpuSeconds: 0 };
  }
}

/**
 * Starts `updraft <args>`; with `cpuProfileDir`, V8 writes the process's CPU profile there on exit.
 * Node runs with the bin's own flags (updraftNodeFlags), then `nodeFlags` (bench:memory's probe
 * and flag comparisons: a later flag wins, so NODE_FLAGS="--max-semi-space-size=16" measures
 * node's default).
 */
export function startUpdraft(args: string[], env: Record<string, string>, cpuProfileDir?: string, nodeFlags: string[] = []): ChildProcess {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("UPDRAFT_") && k !== "DATABASE_URL"));
  const profile = cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${cpuProfileDir}`] : []; // CPU.<date>.<time>.<pid>.…
  const child = spawn(process.execPath, [...profile, ...updraftNodeFlags(), ...nodeFlags, "--import", COUNTER, MAIN, ...args], {
    cwd: tmpdir(),
    env: { ...base, UPDRAFT_LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return child;
}

/** Peak resident memory (VmHWM) of a live process and its children's current RSS, in MiB. */
export function memoryMiB(pid: number): { peakRss: number; rss: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { peakRss: Math.round(kib("VmHWM") / 1024), rss: Math.round(kib("VmRSS") / 1024) };
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
