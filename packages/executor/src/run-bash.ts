// Runs a bash task's command in its own process group, so a timeout kills the whole tree, and
// streams its output line by line. The last stdout line is the result, as with Airflow's BashOperator.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { storableText } from "@updraft/core";
import type { TaskContext } from "@updraft/sdk";
import type { LogSink, LogStream, TryOutcome } from "./task-outcome.ts";

export interface BashInvocation {
  command: string;
  env: Readonly<Record<string, string>> | undefined;
  cwd: string | undefined;
  skipOnExitCode: number;
}

/** Process groups of bash commands running in this process now (each command leads its own). */
const liveGroups = new Set<number>();

let groupListener: ((pgid: number) => void) | null = null;

/** Calls `listener` with the process group of each bash command as it starts (the pool tells its parent). */
export function onCommandStarted(listener: (pgid: number) => void): void {
  groupListener = listener;
}

/**
 * Kills (SIGKILL) every bash command this process started that is still running, with all its
 * children. A task process calls it when its parent (worker, standalone) is gone, so no command
 * outlives the process that would record it.
 */
export function killRunningCommands(): void {
  for (const pgid of liveGroups) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  liveGroups.clear();
}

export async function runBash(invocation: BashInvocation, ctx: TaskContext, sink: LogSink): Promise<TryOutcome> {
  const scratch = invocation.cwd ? null : await mkdtemp(join(tmpdir(), "updraft-bash-"));
  try {
    return await new Promise<TryOutcome>((resolve) => {
      const child = spawn("bash", ["-c", invocation.command], {
        cwd: invocation.cwd ?? scratch!,
        env: { ...process.env, ...contextEnv(ctx), ...invocation.env },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      });
      const pgid = child.pid;
      if (pgid !== undefined) {
        liveGroups.add(pgid);
        groupListener?.(pgid);
      }
      let lastStdoutLine = "";
      const emit = (stream: LogStream, line: string) => {
        // The result is stored as the line is logged: a NUL Postgres cannot store becomes U+FFFD.
        if (stream === "stdout" && line.trim() !== "") lastStdoutLine = storableText(line);
        sink({ stream, line, at: new Date() });
      };
      // Splits a stream into lines; flush() emits a last line that had no newline.
      // A StringDecoder keeps a UTF-8 character split across two chunks whole.
      const lineReader = (stream: LogStream) => {
        let partial = "";
        const decoder = new StringDecoder("utf8");
        return {
          push(chunk: Buffer) {
            const lines = (partial + decoder.write(chunk)).split("\n");
            partial = lines.pop() ?? "";
            for (const line of lines) emit(stream, line);
          },
          flush() {
            partial += decoder.end();
            if (partial !== "") emit(stream, partial);
            partial = "";
          },
        };
      };
      const stdout = lineReader("stdout");
      const stderr = lineReader("stderr");
      child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
      const kill = () => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          // Already gone.
        }
      };
      ctx.signal.addEventListener("abort", kill, { once: true });
      child.on("error", (error) => resolve({ state: "failed", error: `could not start bash: ${error.message}`, timedOut: false }));
      child.on("close", (code, signal) => {
        if (pgid !== undefined) liveGroups.delete(pgid);
        ctx.signal.removeEventListener("abort", kill);
        stdout.flush();
        stderr.flush();
        if (ctx.signal.aborted) {
          resolve({ state: "failed", error: `killed: ${String(ctx.signal.reason ?? "aborted")}`, timedOut: false });
        } else if (code === 0) {
          resolve({ state: "success", result: lastStdoutLine });
        } else if (code === invocation.skipOnExitCode) {
          resolve({ state: "skipped", reason: `command exited with ${code}` });
        } else {
          resolve({ state: "failed", error: `command exited with ${signal ?? `code ${code}`}`, timedOut: false });
        }
      });
    });
  } finally {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}

/** Airflow exposes AIRFLOW_CTX_* to bash tasks; Updraft does the same under its own prefix. */
function contextEnv(ctx: TaskContext): Record<string, string> {
  return {
    UPDRAFT_CTX_DAG_ID: ctx.dagId,
    UPDRAFT_CTX_RUN_ID: ctx.runId,
    UPDRAFT_CTX_TASK_ID: ctx.taskId,
    UPDRAFT_CTX_TRY_NUMBER: String(ctx.tryNumber),
    UPDRAFT_CTX_LOGICAL_DATE: ctx.logicalDate.toISOString(),
  };
}
