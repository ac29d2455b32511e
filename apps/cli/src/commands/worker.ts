// `updraft worker`: a Celery-style worker that pulls tasks from Redis queues, runs them in its own
// process pool and writes results to Postgres. Start as many as you like, on any machines.
import { hostname } from "node:os";
import { Option, type Command } from "commander";

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
      const [{ Broker }, { UpdraftError }, { assertMigrated, cipherFor, openDatabase }, { UpdraftWorker }, { cliConfig }, { createLogger }, { untilSignal }] = await Promise.all([
        import("@updraft/broker"),
        import("@updraft/core"),
        import("@updraft/db"),
        import("@updraft/worker"),
        import("../cli-context.ts"),
        import("../logger.ts"),
        import("../until-signal.ts"),
      ]);
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
      const database = await openDatabase({ databaseUrl: config.databaseUrl, home: config.home, logger });
      // Heartbeats get their own connection: a pool busy recording tries never delays them.
      const heartbeatDatabase = await openDatabase({ databaseUrl: config.databaseUrl, home: config.home, poolSize: 1 });
      const broker = new Broker({ redisUrl: config.redisUrl, prefix: config.brokerPrefix, logger });
      try {
        await assertMigrated(database);
        const worker = new UpdraftWorker({
          db: database.db,
          heartbeatDb: heartbeatDatabase.db,
          broker,
          dagsFolder: config.dagsFolder,
          queues,
          concurrency,
          name,
          heartbeatMs: config.workerHeartbeatMs,
          logger,
          cipher: cipherFor(config.fernetKey),
          importTimeoutMs: config.dagImportTimeoutMs,
        });
        await worker.start();
        const signal = await untilSignal();
        logger.info({ signal }, "stopping");
        await worker.stop();
      } finally {
        await broker.close();
        await heartbeatDatabase.close();
        await database.close();
      }
    });
}
