// Wires the long-running parts from configuration: the executor the config names and the
// scheduler over it. `updraft scheduler` and `updraft standalone` both start them this way.
import type { FrozenConfig } from "@updraft/config";
import { UpdraftError, type Executor, type Logger } from "@updraft/core";
import { cipherFor, type RunKey, type UpdraftDatabase } from "@updraft/db";
import { Scheduler } from "@updraft/scheduler";

/** How often the scheduler re-parses the DAGs folder (Airflow's min_file_process_interval). */
const DAG_PARSE_INTERVAL_MS = 30_000;

export interface SchedulerService {
  scheduler: Scheduler;
  executor: Executor;
  /** Starts the scheduler: registers it, parses the DAGs folder once, starts the passes. */
  start(): Promise<void>;
  /**
   * Stops the scheduler, then the executor. At once, during start() too: a DAGs-folder parse
   * under way is aborted (see Scheduler.stop).
   */
  stop(): Promise<void>;
}

/** createSchedulerService, started. */
export async function startSchedulerService(database: UpdraftDatabase, config: FrozenConfig, logger: Logger): Promise<SchedulerService> {
  const service = await createSchedulerService(database, config, logger);
  await service.start();
  return service;
}

/** The executor the config names and a scheduler over it, not started yet (see SchedulerService). */
export async function createSchedulerService(database: UpdraftDatabase, config: FrozenConfig, logger: Logger): Promise<SchedulerService> {
  // The sequential executor is the local one with a single slot: one task at a time, in priority order.
  const parallelism = config.executor === "sequential" ? 1 : config.parallelism;
  // The executor nudges the scheduler when a try ends; the closure runs only after both exist.
  const executor = await createExecutor(database, config, logger, parallelism, (runs) => scheduler.nudge(runs));
  const scheduler: Scheduler = new Scheduler({
    database,
    executor,
    limits: { parallelism, maxActiveTasksPerDag: config.maxActiveTasksPerDag, maxActiveRunsPerDag: config.maxActiveRunsPerDag },
    heartbeatMs: config.schedulerHeartbeatMs,
    lostTries: { zombieAfterMs: config.workerOfflineAfterMs, queuedCheckAfterMs: config.workerOfflineAfterMs },
    logger: logger.child({ component: "scheduler" }),
    dagProcessing: {
      dagsFolder: config.dagsFolder,
      fileTimeoutMs: config.dagImportTimeoutMs,
      pausedAtCreation: config.dagsArePausedAtCreation,
      typecheck: config.dagsTypecheck,
      intervalMs: DAG_PARSE_INTERVAL_MS,
    },
    callbacks: { dagsFolder: config.dagsFolder },
  });
  return {
    scheduler,
    executor,
    start: () => scheduler.start(),
    stop: async () => {
      await scheduler.stop();
      await executor.close();
    },
  };
}

// Each executor's package loads only when configured: a scheduler on the distributed executor
// never loads the local process pool, and a local one (the standalone) never loads BullMQ and
// ioredis (about 4 MiB of heap).
async function createExecutor(database: UpdraftDatabase, config: FrozenConfig, logger: Logger, slots: number, onTryFinished: (runs?: readonly RunKey[]) => void): Promise<Executor> {
  switch (config.executor) {
    case "local":
    case "sequential": {
      const { LocalExecutor } = await import("@updraft/executor");
      return new LocalExecutor({
        db: database.db,
        dagsFolder: config.dagsFolder,
        slots,
        logger: logger.child({ component: "executor" }),
        onTryFinished,
        heartbeatMs: config.workerHeartbeatMs,
        cipher: cipherFor(config.fernetKey),
        importTimeoutMs: config.dagImportTimeoutMs,
      });
    }
    case "distributed": {
      if (database.driver !== "postgres") {
        // Workers on other machines write to the result backend themselves; PGlite is one process's file.
        throw new UpdraftError("UPDRAFT_CONFIG_INVALID", 'UPDRAFT_EXECUTOR="distributed" needs DATABASE_URL (Postgres): workers write results to it');
      }
      const { Broker, DistributedExecutor } = await import("@updraft/broker");
      return new DistributedExecutor(
        new Broker({ redisUrl: config.redisUrl, prefix: config.brokerPrefix, logger: logger.child({ component: "broker" }) }),
        logger.child({ component: "executor" }),
      );
    }
  }
}
