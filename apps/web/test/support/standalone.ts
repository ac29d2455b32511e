// Starts a real `updraft standalone` for a browser test (embedded database unless DATABASE_URL is
// given) on a free port, waits for its banner, and stops it by pid afterwards.
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { updraftNodeArgs } from "@updraft/dag-loader";

const CLI_MAIN = fileURLToPath(new URL("../../../cli/src/main.ts", import.meta.url));
export const EXAMPLE_DAGS = fileURLToPath(new URL("../../../../dags", import.meta.url));
const FIXTURES = fileURLToPath(new URL("../fixtures", import.meta.url));

export const ADMIN_PASSWORD = "admin-password-for-browser-tests";

export interface Standalone {
  url: string;
  home: string;
  output: () => string;
  stop: () => Promise<void>;
}

/**
 * A DAGs folder for one test file with the given example DAGs copied and extra files written. It
 * lives inside the workspace so `import ... from "@updraft/sdk"` resolves from it.
 */
export function makeDagsFolder(examples: string[], extra: Record<string, string> = {}): { folder: string; remove: () => void } {
  // The folder is not in git (it only ever holds these temporary folders), so make it first.
  mkdirSync(FIXTURES, { recursive: true });
  const folder = mkdtempSync(join(FIXTURES, "dags-"));
  for (const name of examples) cpSync(join(EXAMPLE_DAGS, name), join(folder, name));
  for (const [name, content] of Object.entries(extra)) writeFileSync(join(folder, name), content);
  return { folder, remove: () => rmSync(folder, { recursive: true, force: true }) };
}

export async function startStandalone(options: { dagsFolder: string; env?: Record<string, string> }): Promise<Standalone> {
  const home = mkdtempSync(join(tmpdir(), "updraft-web-test-"));
  // The test's own UPDRAFT_* and DATABASE_URL must not leak into the child.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("UPDRAFT_") && k !== "DATABASE_URL"));
  const child: ChildProcess = spawn(process.execPath, [...updraftNodeArgs(), CLI_MAIN, "standalone"], {
    cwd: home,
    env: {
      ...base,
      UPDRAFT_HOME: home,
      UPDRAFT_WEB_PORT: "0",
      UPDRAFT_ADMIN_PASSWORD: ADMIN_PASSWORD,
      UPDRAFT_DAGS_FOLDER: options.dagsFolder,
      UPDRAFT_LOG_LEVEL: "warn",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // The child may have exited before its exit event arrived: a missing process is already stopped.
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, sig);
    } catch {
      // ESRCH
    }
  };
  const stop = async () => {
    signal("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    signal("SIGKILL");
    rmSync(home, { recursive: true, force: true });
  };
  // Generous: on a loaded 2-core machine the first start (migrations, first parse) is slow.
  const deadline = Date.now() + 240_000;
  while (!/Dashboard and API:\s+(\S+)/.test(output)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error(`standalone did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const url = /Dashboard and API:\s+(\S+)/.exec(output)![1]!;
  return { url, home, output: () => output, stop };
}

export function basicAuth(user: string, password: string): { authorization: string } {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` };
}

/** Polls until `check` returns a value (not undefined/false) or the time is up. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Starts a real `updraft worker` process; stop it by pid with the returned function. */
export function startWorker(name: string, env: Record<string, string>): { pid: number; stop: () => Promise<void> } {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("UPDRAFT_") && k !== "DATABASE_URL"));
  const child = spawn(process.execPath, [...updraftNodeArgs(), CLI_MAIN, "worker", "--name", name, "--concurrency", "2"], {
    cwd: tmpdir(),
    env: { ...base, UPDRAFT_LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}
