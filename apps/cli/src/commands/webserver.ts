// `updraft webserver`: serves the dashboard and REST API (plus bull-board at /queues with the
// distributed executor) until SIGINT/SIGTERM,
// then stops accepting requests, lets running ones finish and closes the database.
import type { Command } from "commander";

export function registerWebserverCommand(program: Command): void {
  program
    .command("webserver")
    .description("Run the dashboard and REST API (UPDRAFT_WEB_HOST:UPDRAFT_WEB_PORT)")
    .action(async () => {
      const [{ buildApiServer }, { cliConfig, openCliDatabase }, { createLogger }] = await Promise.all([import("@updraft/api"), import("../cli-context.ts"), import("../logger.ts")]);
      const config = cliConfig();
      // "Postgres unreachable" / "Redis unreachable" and "... is back": one line each per outage.
      const logger = createLogger(config, "webserver");
      const database = await openCliDatabase({ logger });
      // With the distributed executor the webserver also shows the broker: bull-board and queue lengths.
      const { Broker } = config.executor === "distributed" ? await import("@updraft/broker") : { Broker: undefined };
      const broker = Broker ? new Broker({ redisUrl: config.redisUrl, prefix: config.brokerPrefix, logger }) : undefined;
      const server = await buildApiServer({ database, config, broker, logger: { level: config.logLevel } });
      let stopping: Promise<void> | undefined;
      const stop = (signal: NodeJS.Signals) =>
        (stopping ??= (async () => {
          server.log.info(`${signal} received, shutting down`);
          await server.close();
          await broker?.close();
          await database.close();
        })());
      try {
        await server.listen({ host: config.web.host, port: config.web.port });
      } catch (error) {
        await server.close();
        await broker?.close();
        await database.close();
        if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") throw error;
        const { UpdraftError } = await import("@updraft/core");
        throw new UpdraftError("UPDRAFT_WEB_PORT_IN_USE", `port ${config.web.port} on ${config.web.host} is in use`, { cause: error });
      }
      const address = server.server.address();
      const port = typeof address === "object" && address !== null ? address.port : config.web.port;
      console.log(`Updraft webserver listening on http://${config.web.host}:${port}`);
      await new Promise<void>((resolve, reject) => {
        for (const signal of ["SIGINT", "SIGTERM"] as const) {
          process.once(signal, () => stop(signal).then(resolve, reject));
        }
      });
    });
}
