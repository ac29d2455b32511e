// Runs the real `updraft` CLI as a child process with its own environment: a temp UPDRAFT_HOME
// and a cwd without a .env, so tests never see the developer's settings or each other's data.
import { spawn } from "node:child_process";
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
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith("UPDRAFT_") && key !== "DATABASE_URL" && key !== "REDIS_URL"),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...updraftNodeArgs(), MAIN, ...args], {
      cwd: env.UPDRAFT_HOME ?? tmpdir(),
      env: { ...base, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
