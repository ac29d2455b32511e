// The local executor: runs claimed tries in a pool of reusable child processes on this machine
// and records each try from this (parent) process — the children never touch the database, which
// is what makes it safe on PGlite. It heartbeats its running tries like a worker does, so a
// scheduler can tell a crashed executor's tries from slow ones. It also registers in the worker
// registry (queues `*`: it runs every queue), so Flower's view shows the embedded default too.
import { hostname } from "node:os";
import { errorMessage, type Executor, type Logger, type QueuedTaskInstance } from "@updraft/core";
import { deregisterWorker, forgetStoppedWorkers, registerWorker, type ChangedRun, type FernetCipher, type UpdraftDb } from "@updraft/db";
import { OutcomeBuffer } from "../outcome-buffer.ts";
import { runAndRecordTry, tryKeyOf } from "../record-try.ts";
import { WorkerHeartbeat } from "../worker-heartbeat.ts";
import { TaskProcessPool } from "./process-pool.ts";

export interface LocalExecutorOptions {
  db: UpdraftDb;
  dagsFolder: string;
  /** Task processes, i.e. tries running at once. */
  slots: number;
  logger: Logger;
  /**
   * Called when tries have ended and been recorded, with the runs they belong to (the scheduler's
   * nudge: it re-reads only these runs). Once per flush of the outcome buffer, not per try.
   */
  onTryFinished?: (runs?: readonly ChangedRun[]) => void;
  /** Replace a task process after this many tries. @defaultValue 1000 */
  maxTriesPerChild?: number;
  /** Name recorded as the task instance's worker. @defaultValue "local@<hostname>:<pid>" */
  workerName?: string;
  /** Interval of the worker row's and the running tries' heartbeat. @defaultValue 5000 // ms */
  heartbeatMs?: number;
  /** Decrypts the variables and connections tasks read (UPDRAFT_FERNET_KEY). @defaultValue null */
  cipher?: FernetCipher | null;
  /** How long a try's import of its DAG file may take (UPDRAFT_DAG_IMPORT_TIMEOUT). @defaultValue 30000 // ms */
  importTimeoutMs?: number;
}

export class LocalExecutor implements Executor {
  readonly name = "local";
  private readonly pool: TaskProcessPool;
  private inFlight = 0;
  private readonly running = new Set<Promise<void>>();
  private readonly host = hostname();
  private readonly workerName: string;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly outcomes: OutcomeBuffer;
  private readonly heartbeats: WorkerHeartbeat;
  private readonly registered: Promise<void>;

  constructor(private readonly options: LocalExecutorOptions) {
    this.pool = new TaskProcessPool({
      size: options.slots,
      maxTriesPerChild: options.maxTriesPerChild ?? 1_000,
      ...(options.importTimeoutMs === undefined ? {} : { importTimeoutMs: options.importTimeoutMs }),
    });
    this.pool.warm(Math.min(options.slots, 4));
    this.workerName = options.workerName ?? `local@${this.host}:${process.pid}`;
    this.heartbeats = new WorkerHeartbeat({ name: this.workerName, logger: options.logger });
    this.outcomes = new OutcomeBuffer({ db: options.db, logger: options.logger, onFlushed: (runs) => options.onTryFinished?.(runs) });
    // The registry row: a failure to write it is logged and costs only the workers page's row.
    // Earlier local executors of this host that stopped cleanly are forgotten (one row per host).
    const registration = { name: this.workerName, hostname: this.host, pid: process.pid, queues: ["*"], concurrency: options.slots };
    this.registered = forgetStoppedWorkers(options.db, `local@${this.host}:`)
      .then(() => registerWorker(options.db, registration))
      .catch((error: unknown) => options.logger.warn({ err: errorMessage(error) }, "registering the local executor as a worker failed"));
    this.heartbeat = setInterval(() => void this.beat(), options.heartbeatMs ?? 5_000);
    this.heartbeat.unref();
  }

  private async beat(): Promise<void> {
    await this.registered;
    await this.heartbeats.beat(this.options.db, this.inFlight);
  }


  freeSlots(): number {
    return this.options.slots - this.inFlight;
  }

  execute(batch: readonly QueuedTaskInstance[]): void {
    for (const ti of batch) {
      this.inFlight++;
      const work = runAndRecordTry(ti, {
        db: this.options.db,
        pool: this.pool,
        dagsFolder: this.options.dagsFolder,
        hostname: this.host,
        workerName: this.workerName,
        logger: this.options.logger,
        outcomes: this.outcomes,
        cipher: this.options.cipher ?? null,
        stops: this.heartbeats.stops,
      })
        .then((recorded) => this.heartbeats.count(recorded))
        .catch((error: unknown) => this.options.logger.error({ err: errorMessage(error), ti: tryKeyOf(ti) }, "recording a try failed"))
        .finally(() => {
          this.inFlight--;
          this.running.delete(work);
          // A slot is free again: claim more (the runs themselves were named by the flush).
          this.options.onTryFinished?.();
        });
      this.running.add(work);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    await Promise.allSettled(this.running);
    await this.outcomes.close();
    await this.pool.close();
    // The last counts, then "stopped" (offline on the workers page).
    await this.beat();
    await deregisterWorker(this.options.db, this.workerName).catch(() => undefined);
  }
}
