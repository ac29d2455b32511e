// The scheduler's callback runner, as Airflow's DAG processor runs DagCallbackRequests: DAG
// callbacks (onSuccess / onFailure when a run ends) and the task callbacks of tries lost with
// their worker (onFailure / onRetry), each in a fresh process that imports the DAG file, under a
// timeout. Requests run one at a time in order; what a callback logs, and a callback that throws
// or times out, goes to the scheduler's log with the run named. No state changes either way.
import { fork } from "node:child_process";
import { join } from "node:path";
import { errorMessage, formatDuration, type Logger } from "@updraft/core";
import { siblingModule, updraftNodeArgs } from "@updraft/dag-loader";
import type { CallbackMessage, CallbackRequest } from "./callback-protocol.ts";

export interface CallbackRunnerOptions {
  dagsFolder: string;
  logger: Logger;
  /** Each callback's timeout. @defaultValue 30000 // ms */
  timeoutMs?: number;
}

/** What a caller asks for; the DAG file is given relative to the DAGs folder (its fileloc). */
export type CallbackJob = Omit<CallbackRequest, "path" | "timeoutMs"> & { fileloc: string };

export interface CallbackResult {
  /** False when the DAG (or task) had no such callback, or could not be imported. */
  ran: boolean;
  /** What the callback threw, or why it did not run; null when it ran and returned. */
  error: string | null;
  lines: string[];
}

export class CallbackRunner {
  private chain: Promise<unknown> = Promise.resolve();
  private pending = 0;

  constructor(private readonly options: CallbackRunnerOptions) {}

  /** Queues a callback; resolves once it ran (never rejects). */
  submit(job: CallbackJob): Promise<CallbackResult> {
    this.pending++;
    const result = this.chain.then(() => this.runOne(job)).finally(() => this.pending--);
    this.chain = result;
    return result;
  }

  /** Waits for every queued callback (at shutdown). */
  async drain(): Promise<void> {
    while (this.pending > 0) await this.chain;
  }

  private runOne(job: CallbackJob): Promise<CallbackResult> {
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    const { fileloc, ...rest } = job;
    const request: CallbackRequest = { ...rest, path: join(this.options.dagsFolder, fileloc), timeoutMs };
    const what = `${job.taskId === undefined ? "DAG" : `task "${job.taskId}"`} ${job.which} callback`;
    const where = { dagId: job.dagId, runId: job.runId, ...(job.taskId === undefined ? {} : { taskId: job.taskId }) };
    return new Promise<CallbackResult>((resolve) => {
      const lines: string[] = [];
      let settled = false;
      const child = fork(siblingModule(import.meta.url, "callback-child"), [], { execArgv: updraftNodeArgs(), stdio: ["ignore", "inherit", "inherit", "ipc"] });
      const finish = (result: CallbackResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        if (result.error !== null) this.options.logger.warn({ ...where, err: result.error }, `${what} failed (no state changed)`);
        else if (result.ran) this.options.logger.info(where, `${what} ran`);
        resolve(result);
      };
      // The callback's own timeout, plus a little for the process to start and import the file.
      const timer = setTimeout(() => finish({ ran: true, error: `did not finish within ${formatDuration(timeoutMs)}; its process was killed`, lines }), timeoutMs + 10_000);
      child.on("message", (message: CallbackMessage) => {
        if (message.type === "log") {
          lines.push(message.line);
          this.options.logger.info({ ...where, callback: job.which }, message.line);
        } else finish({ ran: message.ran, error: message.error, lines });
      });
      child.on("error", (error) => finish({ ran: false, error: errorMessage(error), lines }));
      child.on("exit", (code) => finish({ ran: false, error: `the callback process exited (code ${code}) before reporting`, lines }));
      child.send(request);
    });
  }
}
