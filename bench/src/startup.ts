// Start-up of the `updraft` CLI and of `updraft standalone`, beside bare `node -e 0` (and the TS
// loader alone for the from-source runs) measured in the same run. Used by `pnpm bench` and on its
// own: `pnpm --filter @updraft/bench bench:startup`. Needs `pnpm build` (the compiled CLI).
//   updraft --help          compiled (bin/updraft.js -> dist) and from source (tsx)
//   updraft dags list       compiled, on the example DAGs, with an embedded database made before
//   updraft standalone      time until /api/v1/health answers: first start (new UPDRAFT_HOME)
//                           and restart (same home), compiled
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { summarise } from "./stats.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "apps/cli/bin/updraft.js");
const SOURCE_MAIN = join(ROOT, "apps/cli/src/main.ts");
const EXAMPLES = join(ROOT, "dags");
const TSX = ["--conditions=updraft-source", "--import", import.meta.resolve("tsx")];

export interface StartupResult {
  /** Median wall seconds of each command over the repeats. */
  seconds: Record<string, number>;
  repeats: number;
}

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("UPDRAFT_") && k !== "DATABASE_URL"));
  return { ...base, UPDRAFT_LOG_LEVEL: "warn", ...extra };
}

/** Median wall time of `node args` over `repeats` runs; throws if it fails. */
function timeNode(args: string[], env: NodeJS.ProcessEnv, repeats: number): number {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    const result = spawnSync(process.execPath, args, { env, cwd: tmpdir(), stdio: ["ignore", "ignore", "pipe"] });
    if (result.status !== 0) throw new Error(`node ${args.join(" ")} failed: ${result.stderr.toString()}`);
    times.push((performance.now() - started) / 1000);
  }
  return summarise(times).median;
}

/** Seconds from spawning the standalone until /api/v1/health answers 200; then stops it by pid. */
async function timeStandalone(home: string, port: number): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, "standalone"], {
    env: cleanEnv({ UPDRAFT_HOME: home, UPDRAFT_DAGS_FOLDER: EXAMPLES, UPDRAFT_WEB_PORT: String(port), UPDRAFT_ADMIN_PASSWORD: "bench-password-1" }),
    cwd: home,
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`standalone exited with ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/api/v1/health`).then((r) => r.ok, () => false);
      if (ok) return (performance.now() - started) / 1000;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
}

export async function startupBench(repeats = 5): Promise<StartupResult> {
  if (!existsSync(join(ROOT, "apps/cli/dist/main.js"))) throw new Error("the compiled CLI is missing: run `pnpm build` first");
  const home = await mkdtemp(join(tmpdir(), "updraft-bench-startup-"));
  try {
    const env = cleanEnv({ UPDRAFT_HOME: home, UPDRAFT_DAGS_FOLDER: EXAMPLES });
    const seconds: Record<string, number> = {};
    seconds["node -e 0"] = timeNode(["-e", "0"], env, repeats);
    seconds["updraft --help (compiled)"] = timeNode([BIN, "--help"], env, repeats);
    seconds["node --import tsx -e 0"] = timeNode([...TSX, "-e", "0"], env, repeats);
    seconds["updraft --help (source, tsx)"] = timeNode([...TSX, SOURCE_MAIN, "--help"], env, repeats);
    const port = 18_000 + (process.pid % 1000);
    seconds["standalone first start to health (compiled)"] = await timeStandalone(home, port);
    seconds["standalone restart to health (compiled)"] = await timeStandalone(home, port);
    seconds["updraft dags list (compiled, embedded db)"] = timeNode([BIN, "dags", "list"], env, Math.min(repeats, 3));
    return { seconds, repeats };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

export function printStartup(result: StartupResult): void {
  const base = result.seconds["node -e 0"]!;
  console.log(`start-up (median of ${result.repeats}; ratio to node -e 0 = ${base.toFixed(3)} s)`);
  for (const [what, s] of Object.entries(result.seconds)) console.log(`  ${what.padEnd(46)} ${s.toFixed(3).padStart(8)} s  ${(s / base).toFixed(1).padStart(6)}x`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printStartup(await startupBench());
