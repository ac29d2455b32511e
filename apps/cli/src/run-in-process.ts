// Runs DAGs and tasks inside the CLI process (`dags test`, `tasks test`) and prints what happens
// as it happens: each try's start, its log lines, its outcome.
import { relative, resolve } from "node:path";
import { UpdraftError, formatDuration, type JsonValue, type TaskInstanceState } from "@updraft/core";
import { importDagFile } from "@updraft/dag-loader";
import { pooledTryRunner, runDagSequentially, TaskProcessPool, type LogLine, type TryOutcome, type TryRunner } from "@updraft/executor";
import type { Dag } from "@updraft/sdk";
import { cliConfig } from "./cli-context.ts";
import { parseDagsFolder } from "./dag-bag.ts";

/**
 * Finds the DAG's file by parsing the folder in child processes, then imports that one file here,
 * within the DAG import timeout (UPDRAFT_DAG_IMPORT_TIMEOUT), as the parse does.
 * @throws UpdraftError UPDRAFT_DAG_NOT_FOUND when no file defines the DAG, UPDRAFT_DAG_IMPORT_TIMEOUT
 *   when importing its file here takes longer than the timeout.
 */
export async function importDag(dagId: string): Promise<Dag> {
  const { dagsFolder, dagImportTimeoutMs } = cliConfig();
  const bag = await parseDagsFolder();
  const found = bag.dags.find((d) => d.serialized.dagId === dagId);
  if (!found) {
    const hint = bag.importErrors.length > 0 ? ` (${bag.importErrors.length} file(s) failed to load: see \`updraft dags import-errors\`)` : "";
    throw dagNotFound(dagId, hint);
  }
  const path = resolve(dagsFolder, found.serialized.fileloc);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const took = `importing ${relative(dagsFolder, path)} took longer than ${formatDuration(dagImportTimeoutMs)} (UPDRAFT_DAG_IMPORT_TIMEOUT)`;
      reject(new UpdraftError("UPDRAFT_DAG_IMPORT_TIMEOUT", took, { details: { dagId } }));
    }, dagImportTimeoutMs);
  });
  // The command exits once done (exitAfterInProcessRun, or the CLI's error exit), so an import
  // that never resolves ends with it.
  const dags = await Promise.race([importDagFile(path), timeout]).finally(() => clearTimeout(timer));
  const dag = dags.find((d) => d.dagId === dagId);
  if (!dag) throw dagNotFound(dagId, ` (it vanished from ${relative(process.cwd(), found.serialized.fileloc)} while loading)`);
  dagFiles.set(dag, path);
  return dag;
}

const dagFiles = new WeakMap<Dag, string>();

/**
 * Ends a command that imported a DAG file into this process (`dags test`, `tasks test`) with
 * `code`: the file may have left timers or sockets open at import, which must not keep the CLI
 * running once the command is done.
 */
export function exitAfterInProcessRun(code: number): never {
  process.exit(code);
}

/**
 * Runs `use` with a TryRunner that runs each try in one task process (so an executionTimeout
 * can kill a task stuck in synchronous code, as the local executor does), then ends the process.
 */
export async function withTaskProcess<T>(dag: Dag, use: (runner: TryRunner) => Promise<T>): Promise<T> {
  const path = dagFiles.get(dag);
  if (path === undefined) throw new UpdraftError("UPDRAFT_INTERNAL", `DAG "${dag.dagId}" was not imported with importDag`);
  const pool = new TaskProcessPool({ size: 1, maxTriesPerChild: Number.MAX_SAFE_INTEGER, importTimeoutMs: cliConfig().dagImportTimeoutMs });
  try {
    return await use(pooledTryRunner(pool, path));
  } finally {
    await pool.close();
  }
}

function dagNotFound(dagId: string, reason: string): UpdraftError {
  return new UpdraftError("UPDRAFT_DAG_NOT_FOUND", `no DAG "${dagId}" in the DAGs folder${reason}`, { details: { dagId } });
}

export function printLogLine(taskId: string, line: LogLine): void {
  const out = line.stream === "stderr" ? process.stderr : process.stdout;
  out.write(`  [${taskId}] ${line.line}\n`);
}

export function printOutcome(taskId: string, tryNumber: number, outcome: TryOutcome, next: TaskInstanceState, ms: number): void {
  const took = formatDuration(Math.round(ms));
  switch (outcome.state) {
    case "success":
      return console.log(`✔ ${taskId} try ${tryNumber} succeeded in ${took}`);
    case "skipped":
      return console.log(`↷ ${taskId} try ${tryNumber} skipped: ${outcome.reason}`);
    case "failed":
      return console.log(`✖ ${taskId} try ${tryNumber} failed after ${took}: ${outcome.error.split("\n")[0]} -> ${next}`);
  }
}

export async function runDagInProcess(dag: Dag, conf: Record<string, JsonValue>): Promise<"success" | "failed"> {
  const runId = `test__${new Date().toISOString()}`;
  const started = performance.now();
  const tryStarted = new Map<string, number>();
  console.log(`Running ${dag.dagId} (${runId}) with the sequential executor`);
  const result = await withTaskProcess(dag, (runner) => runDagSequentially({
    dag,
    runId,
    conf,
    runner,
    reporter: {
      taskStarted: (taskId, tryNumber) => {
        tryStarted.set(taskId, performance.now());
        console.log(`▶ ${taskId} try ${tryNumber}`);
      },
      log: (taskId, _try, line) => printLogLine(taskId, line),
      taskFinished: (taskId, tryNumber, outcome, next) =>
        printOutcome(taskId, tryNumber, outcome, next, performance.now() - (tryStarted.get(taskId) ?? 0)),
      taskSettled: (taskId, state, reason) => console.log(`· ${taskId} ${state}: ${reason}`),
    },
  }));
  const took = formatDuration(Math.round(performance.now() - started));
  console.log(`DAG run ${dag.dagId} ${result.state} in ${took}`);
  return result.state;
}
