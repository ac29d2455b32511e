// Parses the whole DAGs folder in child processes, so a DAG file that throws, hangs, crashes or
// exits cannot take the caller down: each such file becomes an import error and the rest load.
import { fork, type ChildProcess } from "node:child_process";
import { relative } from "node:path";
import { UpdraftError, type SerializedDag } from "@updraft/core";
import { discoverDagFiles } from "./discover.ts";
import { siblingModule, updraftNodeArgs } from "./node-args.ts";
import type { ParseMessage, ParseRequest } from "./protocol.ts";

export interface LoadedDag {
  serialized: SerializedDag;
  /** hashSerializedDag of `serialized`, computed in the parse process. */
  hash: string;
}

export interface ImportError {
  /** Path relative to the DAGs folder. */
  filename: string;
  message: string;
}

export interface DagBagResult {
  dags: LoadedDag[];
  importErrors: ImportError[];
  files: number;
  durationMs: number;
}

export interface LoadOptions {
  dagsFolder: string;
  /** How long one file may take to import before its process is killed. */
  fileTimeoutMs: number;
  /** Parse processes at once, as Airflow's `[scheduler] parsing_processes`. @defaultValue 2 */
  processes?: number;
  /**
   * Most files one parse process imports before it exits and a fresh one takes the next files:
   * every imported module stays in its process, so this bounds a parse process's memory.
   * @defaultValue 200
   */
  filesPerProcess?: number;
  /**
   * DAGs the caller already holds (the scheduler's DAG cache): a parsed DAG with the same id and
   * hash is taken from here rather than sent whole by the parse process (3 MiB of JSON, parsed
   * into the caller's heap, for a 10,000-task DAG on every parse of the folder).
   * @defaultValue none: every DAG is sent
   */
  known?: ReadonlyMap<string, LoadedDag>;
  /**
   * Aborts the parse (the scheduler stopping): every parse process is killed at once, no file is
   * blamed for it, and `loadDagsFolder` rejects with the signal's reason once they have all exited.
   * @defaultValue none: the parse runs to its end
   */
  signal?: AbortSignal;
}

type FileOutcome = { file: string; dags: LoadedDag[] } | { file: string; message: string };

/**
 * Parses every DAG file of `options.dagsFolder` in child processes: at most `processes` at once,
 * each importing at most `filesPerProcess` files. A file that throws, hangs past `fileTimeoutMs`,
 * crashes or exits becomes an import error; the rest load.
 * @throws UpdraftError `UPDRAFT_DAGS_FOLDER_MISSING` when the folder does not exist.
 * @throws `options.signal`'s reason when the parse was aborted (see LoadOptions.signal).
 */
export async function loadDagsFolder(options: LoadOptions): Promise<DagBagResult> {
  options.signal?.throwIfAborted();
  const started = performance.now();
  const files = await discoverDagFiles(options.dagsFolder);
  const size = Math.max(1, options.filesPerProcess ?? 200);
  const chunks = Array.from({ length: Math.ceil(files.length / size) }, (_, i) => files.slice(i * size, (i + 1) * size));
  const results: FileOutcome[][] = new Array(chunks.length);
  // A copy: the caller's map may change while the folder is parsed, and every id sent as known must resolve.
  const known = new Map(options.known ?? []);
  // What the parse processes are told the caller holds: the same for every chunk.
  const hashes = known.size > 0 ? { known: Object.fromEntries([...known].map(([dagId, d]) => [dagId, d.hash])) } : {};
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < chunks.length; i = next++) results[i] = await parseChunk(options, chunks[i]!, known, hashes);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.processes ?? 2, chunks.length)) }, lane));
  // Every lane has ended and every parse process has exited: an aborted parse returns nothing.
  options.signal?.throwIfAborted();
  // In file order, so that of two files defining one dag id the first keeps it, whatever finished first.
  return { ...collect(options.dagsFolder, results.flat()), files: files.length, durationMs: performance.now() - started };
}

async function parseChunk(options: LoadOptions, files: string[], known: ReadonlyMap<string, LoadedDag>, hashes: Pick<ParseRequest, "known">): Promise<FileOutcome[]> {
  const outcomes: FileOutcome[] = [];
  let remaining = files;
  // A child that dies or hangs on a file reports everything before it; restart after that file.
  while (remaining.length > 0 && options.signal?.aborted !== true) {
    const batch = await parseInChild({ dagsFolder: options.dagsFolder, files: remaining, ...hashes }, options, known);
    outcomes.push(...batch);
    remaining = remaining.slice(batch.length);
  }
  return outcomes;
}

// Imports request.files in one child process; resolves with the outcome of each file it got to,
// once the child has exited. An abort (options.signal) kills the child and blames no file.
function parseInChild(request: ParseRequest, options: Pick<LoadOptions, "fileTimeoutMs" | "signal">, known: ReadonlyMap<string, LoadedDag>): Promise<FileOutcome[]> {
  const { fileTimeoutMs, signal } = options;
  return new Promise((resolve) => {
    const outcomes: FileOutcome[] = [];
    let current: string | null = null;
    let stderr = "";
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const child: ChildProcess = fork(siblingModule(import.meta.url, "parse-child"), [], {
      execArgv: updraftNodeArgs(),
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    const abort = () => child.kill("SIGKILL");
    signal?.addEventListener("abort", abort, { once: true });
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4_000);
    });
    child.on("message", (message: ParseMessage) => {
      clearTimeout(timer);
      if (message.type === "done") {
        // Every file is reported; do not wait for the child's event loop to drain.
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        return;
      }
      if (message.type === "start") {
        current = message.file;
        timer = setTimeout(() => {
          timedOut = true;
          child.kill("SIGKILL");
        }, fileTimeoutMs);
        return;
      }
      current = null;
      // A DAG reported as known is one of `known` (the request named only those).
      outcomes.push(message.type === "parsed" ? { file: message.file, dags: message.dags.map((d) => ("known" in d ? known.get(d.dagId)! : d)) } : message);
    });
    child.on("exit", (code, exitSignal) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", abort);
      if (signal?.aborted === true) {
        resolve(outcomes);
        return;
      }
      if (current !== null) {
        const why = timedOut
          ? `importing the file took longer than ${fileTimeoutMs / 1000}s and was stopped; a DAG file must only define DAGs at import time`
          : `the process importing the file exited (${exitSignal ?? `code ${code}`})${stderr.trim() ? `: ${stderr.trim()}` : ""}`;
        outcomes.push({ file: current, message: why });
      } else if (outcomes.length < request.files.length && outcomes.length === 0) {
        // The child died before it could start on any file: blame the first so the loop advances.
        outcomes.push({ file: request.files[0]!, message: `the DAG parsing process failed to start: ${stderr.trim()}` });
      }
      resolve(outcomes);
    });
    child.send(request);
  });
}

// Turns per-file outcomes into DAGs and import errors; a dag id defined twice keeps the first
// file's DAG and makes the later file an import error, as a silent override would hide a mistake.
function collect(dagsFolder: string, outcomes: FileOutcome[]): Pick<DagBagResult, "dags" | "importErrors"> {
  const dags = new Map<string, LoadedDag>();
  const importErrors: ImportError[] = [];
  for (const outcome of outcomes) {
    const filename = relative(dagsFolder, outcome.file);
    if ("message" in outcome) {
      importErrors.push({ filename, message: outcome.message });
      continue;
    }
    const clash = outcome.dags.map((d) => d.serialized).find((d, i) => dags.has(d.dagId) || outcome.dags.findIndex((o) => o.serialized.dagId === d.dagId) !== i);
    if (clash) {
      const first = dags.get(clash.dagId)?.serialized.fileloc ?? filename;
      const error = new UpdraftError("UPDRAFT_DAG_DUPLICATE_ID", `DAG "${clash.dagId}" is already defined in ${first}`);
      importErrors.push({ filename, message: error.describe() });
      continue;
    }
    for (const loaded of outcome.dags) dags.set(loaded.serialized.dagId, loaded);
  }
  return { dags: [...dags.values()].sort((a, b) => a.serialized.dagId.localeCompare(b.serialized.dagId)), importErrors };
}
