// The broker: one BullMQ queue per task queue name on Redis (REDIS_URL). The scheduler enqueues
// claimed tries in batches; workers consume them. Redis only carries work — a job is never
// retried by BullMQ (attempts 1, no stalled re-runs): retries are new tries decided in Postgres.
import { Queue, type ConnectionOptions } from "bullmq";
import { Redis } from "ioredis";
import { outageLog, silentLogger, type Logger, type OutageLog, type QueuedTaskInstance } from "@updraft/core";
import { jobIdFor, type TryIdentity } from "./job-id.ts";
import { toJobData, type TryJobData } from "./job-data.ts";

export interface BrokerOptions {
  redisUrl: string;
  /** Redis key prefix; tests use their own so they never see each other's queues. @defaultValue "updraft" */
  prefix?: string;
  /** Where "Redis unreachable" / "Redis is back" go, one line each per outage. @defaultValue silent */
  logger?: Logger;
}

/** A Redis command the scheduler asks while deciding loss gets this long before "cannot tell". */
const PROBE_TIMEOUT_MS = 2_000;

/** Name of the job (BullMQ's job name) carrying one try. */
export const TRY_JOB = "try";

/** Completed and failed jobs are kept this long for bull-board, then removed by BullMQ. */
const KEEP_FINISHED = { age: 3_600, count: 10_000 };

/** Reconnect backoff: 100 ms doubling to 2 s, forever (a Redis outage is waited out, never fatal). */
function retryDelay(times: number): number {
  return Math.min(2_000, 100 * 2 ** Math.min(times, 5));
}

export class Broker {
  readonly prefix: string;
  readonly connection: Redis;
  private readonly queues = new Map<string, Queue<TryJobData>>();
  /** Connections handed to BullMQ workers: BullMQ does not close connections it did not create. */
  private readonly workerConnections: Redis[] = [];
  /** One "unreachable" line per outage, one "back" line when it ends. */
  readonly outage: OutageLog;
  private reconnected = false;
  private readonly reconnectListeners = new Set<() => void>();

  constructor(private readonly options: BrokerOptions) {
    this.prefix = options.prefix ?? "updraft";
    this.outage = outageLog(options.logger ?? silentLogger, "Redis");
    // maxRetriesPerRequest null: commands wait for a reconnect instead of failing while Redis is away.
    this.connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null, lazyConnect: false, retryStrategy: retryDelay });
    this.watch(this.connection);
  }

  /** Connection options for BullMQ workers (they open their own blocking connections). */
  workerConnection(): ConnectionOptions {
    const connection = new Redis(this.options.redisUrl, { maxRetriesPerRequest: null, retryStrategy: retryDelay });
    this.watch(connection);
    this.workerConnections.push(connection);
    return connection;
  }

  /** True while the broker's connection to Redis is up. */
  get isConnected(): boolean {
    return this.connection.status === "ready";
  }

  /**
   * True once after the connection to Redis came back from an outage (then false until the next
   * one). Redis may have restarted empty, so whoever holds queued work compares and re-sends.
   */
  takeReconnected(): boolean {
    const value = this.reconnected;
    this.reconnected = false;
    return value;
  }

  /** Calls `listener` each time the connection comes back from an outage. Returns an unsubscribe. */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  // Every connection gets an error handler (an unhandled 'error' would kill the process); the
  // outage is logged once, and its end once, whichever connection notices first.
  private watch(connection: Redis): void {
    connection.on("error", (error: Error) => this.outage.down(error));
    connection.on("close", () => {
      if (connection === this.connection && !this.closing) this.outage.down(new Error("connection closed"));
    });
    connection.on("ready", () => {
      if (connection !== this.connection) return;
      if (this.outage.up()) {
        this.reconnected = true;
        for (const listener of this.reconnectListeners) listener();
      }
    });
  }

  private closing = false;

  /**
   * Whether a live worker still holds the job of this try: its BullMQ lock (renewed by the worker
   * every lockDuration / 2) exists. false: no lock (the worker is gone, frozen, or Redis lost it);
   * undefined: Redis cannot be asked right now, so nothing can be said.
   */
  async isTryHeld(ti: TryIdentity & { queue: string }): Promise<boolean | undefined> {
    if (!this.isConnected) return undefined;
    const key = `${this.prefix}:${ti.queue}:${jobIdFor(ti)}:lock`;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), PROBE_TIMEOUT_MS)));
    try {
      const exists = await Promise.race([this.connection.exists(key), timeout]);
      return exists === undefined ? undefined : exists === 1;
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  queue(name: string): Queue<TryJobData> {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue<TryJobData>(name, { connection: this.connection, prefix: this.prefix });
      queue.on("error", () => {});
      this.queues.set(name, queue);
    }
    return queue;
  }

  /**
   * Enqueues tries, one addBulk per queue; ids derived from the try make this idempotent. Jobs are
   * FIFO: the scheduler already claims in priority order, and BullMQ's prioritized set would cost
   * every job a sorted-set insert.
   */
  async enqueue(batch: readonly QueuedTaskInstance[]): Promise<void> {
    const byQueue = new Map<string, QueuedTaskInstance[]>();
    for (const ti of batch) {
      const list = byQueue.get(ti.queue);
      if (list) list.push(ti);
      else byQueue.set(ti.queue, [ti]);
    }
    await Promise.all(
      [...byQueue].map(([name, tis]) =>
        this.queue(name).addBulk(
          tis.map((ti) => ({
            name: TRY_JOB,
            data: toJobData(ti),
            opts: { jobId: jobIdFor(ti), attempts: 1, removeOnComplete: KEEP_FINISHED, removeOnFail: KEEP_FINISHED },
          })),
        ),
      ),
    );
  }

  /**
   * Enqueues again the tries whose job is gone from Redis (a flush, a restart without persistence)
   * or ended without the try being recorded (a worker died before it could start it). Returns how many.
   */
  async reconcile(queued: readonly QueuedTaskInstance[]): Promise<number> {
    // Unreachable: commands would wait for the reconnect; the next check compares instead.
    if (!this.isConnected) return 0;
    const missing: QueuedTaskInstance[] = [];
    for (const ti of queued) {
      const job = await this.queue(ti.queue).getJob(jobIdFor(ti));
      if (!job) {
        missing.push(ti);
        continue;
      }
      const state = await job.getState();
      if (state === "completed" || state === "failed" || state === "unknown") {
        await job.remove().catch(() => {});
        missing.push(ti);
      }
    }
    if (missing.length > 0) await this.enqueue(missing);
    return missing.length;
  }

  async hasJob(ti: TryIdentity & { queue: string }): Promise<boolean> {
    return (await this.queue(ti.queue).getJob(jobIdFor(ti))) !== undefined;
  }

  /** Waiting + active + delayed jobs per known queue. */
  async queueLengths(names: readonly string[]): Promise<Record<string, { waiting: number; active: number }>> {
    const result: Record<string, { waiting: number; active: number }> = {};
    for (const name of names) {
      const counts = await this.queue(name).getJobCounts("waiting", "prioritized", "active", "delayed");
      result[name] = { waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0), active: counts.active ?? 0 };
    }
    return result;
  }

  /** Every queue that has keys under this prefix (for bull-board and metrics). */
  async knownQueueNames(): Promise<string[]> {
    const names = new Set<string>(this.queues.keys());
    let cursor = "0";
    do {
      const [next, keys] = await this.connection.scan(cursor, "MATCH", `${this.prefix}:*:meta`, "COUNT", 1_000);
      cursor = next;
      for (const key of keys) names.add(key.slice(this.prefix.length + 1, -":meta".length));
    } while (cursor !== "0");
    return [...names].sort();
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => {})));
    for (const connection of this.workerConnections) connection.disconnect();
    this.connection.disconnect();
  }
}
