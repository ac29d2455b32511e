// Prometheus metrics like Flower's, computed at scrape time from a few aggregate queries (no
// background work): task instances and runs by state, online workers, the scheduler heartbeat age,
// and a histogram of task durations fed with the tries that finished since the previous scrape.
// Queue lengths come from the broker when the distributed executor runs.
import { DAG_RUN_STATES, TASK_INSTANCE_STATES } from "@updraft/core";
import {
  countDagRunsByState,
  countOnlineWorkers,
  countTaskInstancesByState,
  finishedTryDurations,
  latestJobHeartbeat,
  type UpdraftDb,
} from "@updraft/db";
import type { Broker } from "@updraft/broker";
import { Gauge, Histogram, Registry } from "prom-client";

export interface UpdraftMetricsOptions {
  workerOfflineAfterMs: number;
  /** When set, queue lengths are exported per queue. */
  broker?: Broker | undefined;
  now?: () => Date;
}

export class UpdraftMetrics {
  /** A registry of its own, so two servers in one process (tests) never share series. */
  readonly registry = new Registry();
  readonly #db: UpdraftDb;
  readonly #options: UpdraftMetricsOptions;
  readonly #now: () => Date;
  #lastScrape: Date;
  #scraping: Promise<string> | undefined;

  readonly #taskInstances = new Gauge({ name: "updraft_task_instances", help: "Task instances by state", labelNames: ["state"], registers: [this.registry] });
  readonly #dagRuns = new Gauge({ name: "updraft_dag_runs", help: "DAG runs by state", labelNames: ["state"], registers: [this.registry] });
  readonly #workersOnline = new Gauge({ name: "updraft_workers_online", help: "Workers with a recent heartbeat", registers: [this.registry] });
  readonly #heartbeatAge = new Gauge({
    name: "updraft_scheduler_heartbeat_age_seconds",
    help: "Seconds since the newest scheduler heartbeat",
    registers: [this.registry],
  });
  readonly #queueLength = new Gauge({
    name: "updraft_queue_length",
    help: "Jobs waiting (or active) in a broker queue",
    labelNames: ["queue", "status"],
    registers: [this.registry],
  });
  readonly #durations = new Histogram({
    name: "updraft_task_duration_seconds",
    help: "Duration of finished task tries",
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
    registers: [this.registry],
  });

  constructor(db: UpdraftDb, options: UpdraftMetricsOptions) {
    this.#db = db;
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
    // Tries that finished before this process started belong to an earlier scraper's history.
    this.#lastScrape = this.#now();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text; concurrent scrapes share one round of queries. */
  scrape(): Promise<string> {
    this.#scraping ??= this.#collect().finally(() => (this.#scraping = undefined));
    return this.#scraping;
  }

  async #collect(): Promise<string> {
    const now = this.#now();
    const [tis, runs, online, heartbeat, durations] = await Promise.all([
      countTaskInstancesByState(this.#db),
      countDagRunsByState(this.#db),
      countOnlineWorkers(this.#db, new Date(now.getTime() - this.#options.workerOfflineAfterMs)),
      latestJobHeartbeat(this.#db, "scheduler"),
      finishedTryDurations(this.#db, this.#lastScrape, now),
    ]);
    this.#lastScrape = now;
    // Every known state is exported, with 0 when absent, so a series never vanishes mid-graph.
    for (const state of TASK_INSTANCE_STATES) this.#taskInstances.set({ state }, tis.get(state) ?? 0);
    this.#taskInstances.set({ state: "none" }, tis.get("none") ?? 0);
    for (const state of DAG_RUN_STATES) this.#dagRuns.set({ state }, runs.get(state) ?? 0);
    this.#workersOnline.set(online);
    if (heartbeat === null) this.#heartbeatAge.reset();
    else this.#heartbeatAge.set(Math.max(0, (now.getTime() - heartbeat.getTime()) / 1000));
    for (const seconds of durations) this.#durations.observe(seconds);
    await this.#collectQueues();
    return this.registry.metrics();
  }

  async #collectQueues(): Promise<void> {
    const broker = this.#options.broker;
    if (!broker) return;
    try {
      const lengths = await broker.queueLengths(await broker.knownQueueNames());
      this.#queueLength.reset();
      for (const [queue, counts] of Object.entries(lengths)) {
        this.#queueLength.set({ queue, status: "waiting" }, counts.waiting);
        this.#queueLength.set({ queue, status: "active" }, counts.active);
      }
    } catch {
      // Redis away: keep the last values rather than fail the whole scrape.
    }
  }
}
