// `updraft worker`: a Celery-style worker that pulls tasks from Redis queues, runs them in its own
// process pool and writes results to Postgres. Start as many as you like, on any machines.
import { hostname } from "node:os";
import { Option, type Command } from "commander";
import { Broker } from "@updraft/broker";
import { UpdraftError } from "@updraft/core";
import { assertMigrated, cipherFor, openDatabase } from "@updraft/db";
import { UpdraftWorker } from "@updraft/worker";
import { cliConfig } from "../cli-context.ts";
import { createLogger } from "../logger.ts";
import { untilSignal } from "../services.ts";

interface WorkerCommandOptions {
  queues: string;
  concurrency?: string;
  name?: string;
}

export function registerWorkerCommand(program: Command): void {
  program
    .command("worker")
    .description("Run a worker: pull task instances from Redis queues, run them, write results to Postgres")
    .option("--queues <names>", "comma-separated queues to take tasks from", "default")
    .addOption(new Option("--concurrency <n>", "task instances run at once (default UPDRAFT_WORKER_CONCURRENCY)"))
    .option("--name <name>", "worker name shown in the dashboard (default worker@<hostname>:<pid>)")
    .action(async (options: WorkerCommandOptions) => {
      const config = cliConfig();
      if (!config.databaseUrl) {
        throw new UpdraftError("UPDRAFT_CONFIG_INVALID", "a worker needs DATABASE_URL (Postgres, the result backend shared with the scheduler)");
      }
      const concurrency = options.concurrency === undefined ? config.workerConcurrency : Number(options.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1) {
        throw new UpdraftError("UPDRAFT_INVALID_INPUT", `--concurrency must be a whole number >= 1, got ${options.concurrency}`);
      }
      const queues = options.queues.split(",").map((q) => q.trim()).filter(Boolean);
      const name = options.name ?? `worker@${hostname()}:${process.pid}`;
      const logger = createLogger(config, "worker");
      const database = await openDatabase({ databaseUrl: config.databaseUrl, home: config.home });
      const broker = new Broker({ redisUrl: config.redisUrl, prefix: config.brokerPrefix });
      try {
        await assertMigrated(database);
        const worker = new UpdraftWorker({ db: database.db, broker, dagsFolder: config.dagsFolder, queues, concurrency, name, heartbeatMs: config.workerHeartbeatMs, logger, cipher: cipherFor(config.fernetKey) });
        await worker.start();
        const signal = await untilSignal();
        logger.info({ signal }, "stopping");
        await worker.stop();
      } finally {
        await broker.close();
        await database.close();
      }
    });
}
