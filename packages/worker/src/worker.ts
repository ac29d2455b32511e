// `updraft worker`: a stateless, Celery-style worker. It pulls tries from its queues on Redis, runs
// each in its pool of reusable task processes, and writes running/result/log/end to Postgres
// itself (the result backend); the NOTIFY in that write starts downstream tasks at once. It
// heartbeats its registry row and its running tries, so the scheduler can tell a dead worker's
// tries (retried or failed) from slow ones. SIGTERM: stop taking work, finish what it holds,
// deregister.
import { hostname } from "node:os";
import { Worker as BullWorker, type Job } from "bullmq";
import { errorMessage, type Logger } from "@updraft/core";
import { deregisterWorker, heartbeatRunningTries, heartbeatWorker, registerWorker, type UpdraftDb } from "@updraft/db";
import { fromJobData, TRY_JOB, type Broker, type TryJobData } from "@updraft/broker";
import { runAndRecordTry, TaskProcessPool } from "@updraft/executor";

export interface WorkerOptions {
  db: UpdraftDb;
  broker: Broker;
  dagsFolder: string;
  queues: string[];
  concurrency: number;
  name: string;
  heartbeatMs: number;
  logger: Logger;
}

export class UpdraftWorker {
  private readonly pool: TaskProcessPool;
  private readonly consumers: BullWorker<TryJobData>[] = [];
  private heartbeat: NodeJS.Timeout | null = null;
  private active = 0;
  private counters = { processed: 0, succeeded: 0, failed: 0 };
  private readonly host = hostname();

  constructor(private readonly options: WorkerOptions) {
    this.pool = new TaskProcessPool({ size: options.concurrency, maxTriesPerChild: 1_000 });
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
      });
      consumer.on("error", (error) => logger.warn({ err: errorMessage(error), queue }, "queue connection problem; retrying"));
      this.consumers.push(consumer);
    }
    this.heartbeat = setInterval(() => void this.beat(), this.options.heartbeatMs);
    logger.info({ worker: name, queues, concurrency }, "worker started");
  }

  /** Graceful stop: take no new jobs, let running tries finish and be recorded, deregister. */
  async stop(): Promise<void> {
    const { logger, db, name } = this.options;
    logger.info({ worker: name, active: this.active }, "worker stopping: finishing running tries");
    await Promise.all(this.consumers.map((c) => c.close()));
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.beat();
    await this.pool.close();
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
      });
      if (recorded.outcome === "refused") return "refused";
      this.counters.processed++;
      if (recorded.outcome.state === "failed") this.counters.failed++;
      else this.counters.succeeded++;
      return recorded.finished.state ?? "refused";
    } finally {
      this.active--;
    }
  }

  private async beat(): Promise<void> {
    const { db, name, logger } = this.options;
    const counters = this.counters;
    this.counters = { processed: 0, succeeded: 0, failed: 0 };
    try {
      await heartbeatWorker(db, name, { active: this.active, ...counters });
      if (this.active > 0) await heartbeatRunningTries(db, name);
    } catch (error) {
      // Keep the counts for the next beat; the database may be back by then.
      this.counters.processed += counters.processed;
      this.counters.succeeded += counters.succeeded;
      this.counters.failed += counters.failed;
      logger.warn({ err: errorMessage(error) }, "worker heartbeat failed; retrying next beat");
    }
  }
}
