// `updraft worker`: a stateless, Celery-style worker. It pulls tries from its queues on Redis, runs
// each in its pool of reusable task processes, and writes running/result/log/end to Postgres
// itself (the result backend) through an OutcomeBuffer: outcomes of many tries share one
// transaction and one NOTIFY, which starts downstream tasks at once. A job is acknowledged
// (completed in BullMQ) only after its outcome's flush committed: `process` returns only then. It
// heartbeats its registry row and its running tries, so the scheduler can tell a dead worker's
// tries (retried or failed) from slow ones. SIGTERM: stop taking work, finish what it holds,
// deregister.
import { hostname } from "node:os";
import { Worker as BullWorker, type Job } from "bullmq";
import { errorMessage, type Logger } from "@updraft/core";
import { deregisterWorker, registerWorker, type FernetCipher, type UpdraftDb } from "@updraft/db";
import { fromJobData, TRY_JOB, type Broker, type TryJobData } from "@updraft/broker";
import { OutcomeBuffer, runAndRecordTry, TaskProcessPool, WorkerHeartbeat } from "@updraft/executor";

export interface WorkerOptions {
  db: UpdraftDb;
  broker: Broker;
  dagsFolder: string;
  queues: string[];
  concurrency: number;
  name: string;
  heartbeatMs: number;
  logger: Logger;
  /** Decrypts the variables and connections tasks read (UPDRAFT_FERNET_KEY). @defaultValue null */
  cipher?: FernetCipher | null;
  /**
   * A database handle used only for heartbeats: its own connection, so a full pool (many tries
   * recording at once) never delays them past the loss threshold. @defaultValue db
   */
  heartbeatDb?: UpdraftDb;
  /** How long a try's import of its DAG file may take (UPDRAFT_DAG_IMPORT_TIMEOUT). @defaultValue 30000 // ms */
  importTimeoutMs?: number;
}

/**
 * How long a worker's BullMQ job lock lives without renewal (renewed every half of it). A worker
 * that dies or freezes loses its locks within this time: the scheduler's second loss signal.
 */
export const JOB_LOCK_MS = 10_000;

/** Errors that mean "Redis is away" (logged once per outage), not a problem with a job. */
function isRedisConnectionError(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return (
    (typeof code === "string" && ["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH"].includes(code)) ||
    /Connection is closed|connect ECONNREFUSED|Stream isn't writeable|socket closed/i.test(error.message)
  );
}

export class UpdraftWorker {
  private readonly pool: TaskProcessPool;
  private readonly outcomes: OutcomeBuffer;
  private readonly heartbeats: WorkerHeartbeat;
  private readonly consumers: BullWorker<TryJobData>[] = [];
  private heartbeat: NodeJS.Timeout | null = null;
  private beating: Promise<void> | null = null;
  private active = 0;
  private readonly host = hostname();

  constructor(private readonly options: WorkerOptions) {
    this.pool = new TaskProcessPool({
      size: options.concurrency,
      maxTriesPerChild: 1_000,
      ...(options.importTimeoutMs === undefined ? {} : { importTimeoutMs: options.importTimeoutMs }),
    });
    this.outcomes = new OutcomeBuffer({ db: options.db, logger: options.logger });
    this.heartbeats = new WorkerHeartbeat({ name: options.name, logger: options.logger });
  }

  get name(): string {
    return this.options.name;
  }

  async start(): Promise<void> {
    const { db, queues, concurrency, name, logger } = this.options;
    await registerWorker(db, { name, hostname: this.host, pid: process.pid, queues, concurrency });
    this.pool.warm(Math.min(concurrency, 4));
    for (const queue of queues) {
      const consumer = new BullWorker<TryJobData>(queue, (job) => this.process(job), {
        connection: this.options.broker.workerConnection(),
        prefix: this.options.broker.prefix,
        concurrency,
        // A job is never run twice by BullMQ: a worker that dies leaves its job to fail as stalled,
        // and the scheduler retries the try (as a new try) once its heartbeat is missed.
        maxStalledCount: 0,
        // A short lock: a dead or frozen worker's jobs lose their lock in seconds, which is how the
        // scheduler tells it from a slow one (a live worker renews every lockDuration / 2).
        lockDuration: JOB_LOCK_MS,
        stalledInterval: JOB_LOCK_MS,
      });
      // Connection trouble is logged once per outage by the broker; other errors are logged here.
      consumer.on("error", (error) => {
        if (isRedisConnectionError(error)) this.options.broker.outage.down(error);
        else logger.warn({ err: errorMessage(error), queue }, "queue error");
      });
      this.consumers.push(consumer);
    }
    this.heartbeat = setInterval(() => {
      // Never two beats at once: a beat waiting on an unreachable database is not stacked upon.
      this.beating ??= this.beat().finally(() => (this.beating = null));
    }, this.options.heartbeatMs);
    logger.info({ worker: name, queues, concurrency }, "worker started");
  }

  /** Graceful stop: take no new jobs, let running tries finish and be recorded, deregister. */
  async stop(): Promise<void> {
    const { logger, db, name } = this.options;
    logger.info({ worker: name, active: this.active }, "worker stopping: finishing running tries");
    await Promise.all(this.consumers.map((c) => c.close()));
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.beating;
    await this.beat();
    await this.pool.close();
    await this.outcomes.close();
    await deregisterWorker(db, name).catch((error: unknown) => logger.warn({ err: errorMessage(error) }, "deregistering failed"));
    logger.info({ worker: name }, "worker stopped");
  }

  private async process(job: Job<TryJobData>): Promise<string> {
    if (job.name !== TRY_JOB) return "ignored";
    const ti = fromJobData(job.data);
    this.active++;
    try {
      const recorded = await runAndRecordTry(ti, {
        db: this.options.db,
        pool: this.pool,
        dagsFolder: this.options.dagsFolder,
        hostname: this.host,
        workerName: this.options.name,
        logger: this.options.logger,
        outcomes: this.outcomes,
        cipher: this.options.cipher ?? null,
        stops: this.heartbeats.stops,
      });
      // Resolved only after the outcome's flush committed: returning now acknowledges the job.
      this.heartbeats.count(recorded);
      if (recorded.outcome === "refused") return "refused";
      return recorded.finished.state ?? "refused";
    } finally {
      this.active--;
    }
  }

  private beat(): Promise<void> {
    return this.heartbeats.beat(this.options.heartbeatDb ?? this.options.db, this.active);
  }

}
