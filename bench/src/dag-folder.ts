// A DAGs folder of 1,000 small files (issue 8): how long `updraft dags list --json` takes over it
// on the embedded database, and the peak RSS of its largest process; the parse alone
// (loadDagsFolder's child processes); and the scheduler's peak RSS once it holds the 1,000 DAGs.
// Beside `node -e 0` in the same run. Used by `pnpm bench`; on its own:
// `pnpm --filter @updraft/bench bench:dag-folder`. Needs `pnpm build` (the compiled CLI).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { dags, migrate } from "@updraft/db";
import { createTestDatabase } from "@updraft/db/testing";
import { count } from "drizzle-orm";
import { memoryMiB, startUpdraft, stop } from "./processes.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "apps/cli/bin/updraft.js");
const LOADER = join(ROOT, "packages/dag-loader/dist/index.js");
// GNU time reports the largest RSS of the command's process tree (wait4's ru_maxrss).
const GNU_TIME = "/usr/bin/time";

export interface DagFolderResult {
  files: number;
  /** Wall seconds and peak RSS (MiB, largest process of the tree; null without GNU time). */
  dagsList: { seconds: number; peakMiB: number | null };
  parseOnly: { seconds: number; peakMiB: number | null };
  /** The scheduler's peak RSS (MiB) once it has recorded every DAG of the folder. */
  schedulerMiB: number;
  nodeSeconds: number;
}

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("UPDRAFT_") && k !== "DATABASE_URL"));
  return { ...base, UPDRAFT_LOG_LEVEL: "warn", ...extra };
}

/** Runs `node args` once; wall seconds and, with GNU time, the tree's peak RSS. */
function measure(args: string[], env: NodeJS.ProcessEnv): { seconds: number; peakMiB: number | null } {
  const timed = existsSync(GNU_TIME);
  const started = performance.now();
  const result = timed
    ? spawnSync(GNU_TIME, ["-f", "%M", process.execPath, ...args], { env, cwd: tmpdir(), stdio: ["ignore", "ignore", "pipe"] })
    : spawnSync(process.execPath, args, { env, cwd: tmpdir(), stdio: ["ignore", "ignore", "pipe"] });
  const seconds = (performance.now() - started) / 1000;
  const stderr = result.stderr.toString();
  if (result.status !== 0) throw new Error(`node ${args.join(" ")} failed: ${stderr}`);
  const kib = timed ? Number(stderr.trim().split("\n").at(-1)) : NaN;
  return { seconds, peakMiB: Number.isFinite(kib) ? Math.round(kib / 1024) : null };
}

export async function dagFolderBench(files = 1_000): Promise<DagFolderResult> {
  if (!existsSync(join(ROOT, "apps/cli/dist/main.js"))) throw new Error("the compiled CLI is missing: run `pnpm build` first");
  const folder = await mkdtemp(join(tmpdir(), "updraft-bench-folder-"));
  const home = await mkdtemp(join(tmpdir(), "updraft-bench-folder-home-"));
  const testDb = await createTestDatabase("postgres");
  try {
    for (let i = 0; i < files; i++) {
      await writeFile(
        join(folder, `dag_${String(i).padStart(4, "0")}.ts`),
        `import { chain, dag, task } from "@updraft/sdk";\nexport default dag({ dagId: "dag_${i}" }, () => { chain(task({ taskId: "a" }, () => 1), task({ taskId: "b" }, () => 2)); });\n`,
      );
    }
    const env = cleanEnv({ UPDRAFT_HOME: home, UPDRAFT_DAGS_FOLDER: folder });
    const nodeSeconds = measure(["-e", "0"], env).seconds;
    measure([BIN, "db", "migrate"], env); // the embedded database exists before the timed run
    const dagsList = measure([BIN, "dags", "list", "--json"], env);
    const parseOnly = measure(
      ["--input-type=module", "-e", `const { loadDagsFolder } = await import(${JSON.stringify(LOADER)}); const r = await loadDagsFolder({ dagsFolder: ${JSON.stringify(folder)}, fileTimeoutMs: 60000 }); if (r.dags.length !== ${files}) process.exit(1);`],
      env,
    );

    const database = await testDb.open();
    await migrate(database);
    const scheduler = startUpdraft(["scheduler"], { DATABASE_URL: testDb.databaseUrl!, UPDRAFT_DAGS_FOLDER: folder, UPDRAFT_EXECUTOR: "local" });
    let schedulerMiB = 0;
    try {
      for (;;) {
        const [row] = await database.db.select({ n: count() }).from(dags);
        if ((row?.n ?? 0) >= files) break;
        if (scheduler.exitCode !== null) throw new Error(`the scheduler exited with ${scheduler.exitCode}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await new Promise((resolve) => setTimeout(resolve, 3_000)); // a few passes over the 1,000 DAGs
      schedulerMiB = memoryMiB(scheduler.pid!).peakRss;
    } finally {
      await stop(scheduler);
      await database.close();
    }
    return { files, dagsList, parseOnly, schedulerMiB, nodeSeconds };
  } finally {
    await testDb.drop();
    await rm(folder, { recursive: true, force: true });
    await rm(home, { recursive: true, force: true });
  }
}

export function printDagFolder(r: DagFolderResult): void {
  const mib = (v: number | null) => (v === null ? "n/a" : `${v} MiB`);
  console.log(`DAGs folder of ${r.files} two-task files (node -e 0 = ${r.nodeSeconds.toFixed(3)} s)`);
  console.log(`  updraft dags list --json (embedded db)   ${r.dagsList.seconds.toFixed(2).padStart(7)} s   peak RSS ${mib(r.dagsList.peakMiB)} (largest process)`);
  console.log(`  parse only (loadDagsFolder)              ${r.parseOnly.seconds.toFixed(2).padStart(7)} s   peak RSS ${mib(r.parseOnly.peakMiB)} (largest process)`);
  console.log(`  scheduler holding ${r.files} DAGs              peak RSS ${r.schedulerMiB} MiB`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) printDagFolder(await dagFolderBench());
