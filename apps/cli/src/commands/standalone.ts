// `updraft standalone` (`pnpm start`): everything on one machine with no services — the embedded
// database, the scheduler with the local executor and the webserver in one process, plus the
// `admin` user. The CLI in another terminal reaches it through the link file it writes.
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import type { Command } from "commander";
import { buildApiServer } from "@updraft/api";
import { UpdraftError } from "@updraft/core";
import { ensureDefaultPool, migrate, openDatabase } from "@updraft/db";
import { ensureAdminUser } from "../admin-user.ts";
import { cliConfig } from "../cli-context.ts";
import { readLiveStandalone, removeStandaloneLink, writeStandaloneLink } from "../control/index.ts";
import { createLogger } from "../logger.ts";
import { startSchedulerService, untilSignal } from "../services.ts";

export function registerStandaloneCommand(program: Command): void {
  program
    .command("standalone")
    .description("Run Updraft on this machine with no services: embedded database, scheduler, local executor and webserver")
    .action(async () => {
      const config = cliConfig();
      const logger = createLogger(config, "standalone");
      mkdirSync(config.home, { recursive: true });
      const other = readLiveStandalone(config.home);
      if (other) {
        throw new UpdraftError("UPDRAFT_DB_LOCKED", `a standalone (pid ${other.pid}) already runs on ${config.home} at ${other.url}`);
      }
      const database = await openDatabase({ databaseUrl: config.databaseUrl, home: config.home, logger });
      try {
        await migrate(database);
        await ensureDefaultPool(database.db);
        const admin = await ensureAdminUser(database.db, config);
        const service = await startSchedulerService(database, config, logger);
        const token = randomBytes(32).toString("base64url");
        const server = await buildApiServer({ database, config, localAdminToken: token, logger: { level: "warn" } });
        const address = await server.listen({ host: config.web.host, port: config.web.port });
        const url = address.replace("[::1]", "localhost");
        writeStandaloneLink(config.home, { url, pid: process.pid, token });
        printBanner(url, admin, database.driver === "pglite" ? `embedded database in ${config.home}` : "Postgres (DATABASE_URL)");

        const signal = await untilSignal();
        logger.info({ signal }, "stopping");
        removeStandaloneLink(config.home);
        await server.close();
        await service.stop();
      } finally {
        removeStandaloneLink(config.home);
        await database.close();
      }
    });
}

function printBanner(url: string, admin: Awaited<ReturnType<typeof ensureAdminUser>>, storage: string): void {
  const login = admin.password
    ? `${admin.username} / ${admin.password}`
    : `${admin.username} (password set earlier; UPDRAFT_ADMIN_PASSWORD or ${admin.passwordFile ?? "the file in UPDRAFT_HOME"})`;
  const lines = [
    "",
    "  Updraft standalone is running",
    `  Dashboard and API:  ${url}`,
    `  Login:              ${login}`,
    ...(admin.passwordFile ? [`  Password kept in:   ${admin.passwordFile}`] : []),
    `  Storage:            ${storage}`,
    "  Stop with Ctrl-C.",
    "",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}
