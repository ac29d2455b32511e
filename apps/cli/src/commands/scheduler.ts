// `updraft scheduler`: the scheduler service with the executor UPDRAFT_EXECUTOR names. Several may
// run against one Postgres database (scheduler HA).
import type { Command } from "commander";

export function registerSchedulerCommand(program: Command): void {
  program
    .command("scheduler")
    .description("Run the scheduler: create runs, apply trigger rules and limits, hand ready tasks to the executor")
    .action(async () => {
      const [{ assertMigrated, openDatabase }, { cliConfig }, { createLogger }, { createSchedulerService }, { untilSignal }] = await Promise.all([
        import("@updraft/db"),
        import("../cli-context.ts"),
        import("../logger.ts"),
        import("../services.ts"),
        import("../until-signal.ts"),
      ]);
      const config = cliConfig();
      const logger = createLogger(config, "scheduler");
      // Every execution of the scheduler's statements planned for the tables as they are now (see planCacheMode).
      const database = await openDatabase({ databaseUrl: config.databaseUrl, home: config.home, logger, planCacheMode: "force_custom_plan" });
      try {
        await assertMigrated(database);
        const stopRequested = untilSignal();
        const service = await createSchedulerService(database, config, logger);
        // The first parse of the DAGs folder may take up to the import timeout: a signal meanwhile stops at once too.
        await Promise.race([service.start(), stopRequested]);
        const signal = await stopRequested;
        logger.info({ signal }, "stopping");
        await service.stop();
      } finally {
        await database.close();
      }
    });
}
