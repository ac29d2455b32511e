// `updraft standalone` (`pnpm start`): everything on one machine with no services — the embedded
// database, the scheduler with the local executor and the webserver in one process, plus the
// `admin` user. The CLI in another terminal reaches it through the link file it writes.
//
// Start-up says what it does, step by step, and is all or nothing: if a step fails (port taken,
// database locked, bad configuration, migrations), everything started so far is stopped (task
// processes, scheduler, webserver, database lock) and the command fails with one line.
import type { Command } from "commander";
import type { UpdraftError as UpdraftErrorType } from "@updraft/core";
import type { ensureAdminUser } from "../admin-user.ts";

export function registerStandaloneCommand(program: Command): void {
  program
    .command("standalone")
    .description("Run Updraft on this machine with no services: embedded database, scheduler, local executor and webserver")
    .action(async () => {
      await runStandalone();
    });
}

/** Prints one start-up step and how long the process has been starting, e.g. `[1.2s] migrating the database`. */
function step(what: string): void {
  process.stdout.write(`  [${(performance.now() / 1000).toFixed(1)}s] ${what}\n`);
}

async function runStandalone(): Promise<void> {
  step("loading Updraft");
  const [{ randomBytes }, { mkdirSync }, { buildApiServer }, { UpdraftError }, { ensureDefaultPool, migrate, openDatabase }, admin, context, control, { createLogger }, services, { untilSignal }] =
    await Promise.all([
      import("node:crypto"),
      import("node:fs"),
      import("@updraft/api"),
      import("@updraft/core"),
      import("@updraft/db"),
      import("../admin-user.ts"),
      import("../cli-context.ts"),
      import("../control/index.ts"),
      import("../logger.ts"),
      import("../services.ts"),
      import("../until-signal.ts"),
    ]);
  const config = context.cliConfig();
  const logger = createLogger(config, "standalone");
  mkdirSync(config.home, { recursive: true });
  const other = control.readLiveStandalone(config.home);
  if (other) {
    throw new UpdraftError("UPDRAFT_DB_LOCKED", `a standalone (pid ${other.pid}) already runs on ${config.home} at ${other.url}`);
  }

  // Fail at once, not after opening the database, when the web port is taken (checked again at listen).
  await assertPortFree(config.web.host, config.web.port, UpdraftError);

  // What to undo, newest first, when start-up fails or the process is asked to stop.
  const undo: Array<() => Promise<unknown>> = [];
  const stopAll = async () => {
    for (const action of undo.splice(0).reverse()) await action().catch((error: unknown) => logger.warn({ err: String(error) }, "stopping: a step failed"));
  };
  try {
    step(config.databaseUrl ? "connecting to Postgres (DATABASE_URL)" : `opening the embedded database in ${config.home}`);
    // The scheduler runs here: its statements planned for the tables as they are now (see planCacheMode).
    const database = await openDatabase({ databaseUrl: config.databaseUrl, home: config.home, logger, planCacheMode: "force_custom_plan" });
    undo.push(() => database.close());
    step("migrating the database");
    await migrate(database);
    await ensureDefaultPool(database.db);
    const adminUser = await admin.ensureAdminUser(database.db, config);

    step(`starting the webserver on ${config.web.host}:${config.web.port}`);
    const token = randomBytes(32).toString("base64url");
    const server = await buildApiServer({ database, config, localAdminToken: token, logger: { level: "warn" } });
    undo.push(() => server.close());
    let address: string;
    try {
      address = await server.listen({ host: config.web.host, port: config.web.port });
    } catch (error) {
      throw portError(error, config.web.host, config.web.port, UpdraftError);
    }
    const url = address.replace("[::1]", "localhost");
    // As soon as the API answers, the CLI in another terminal goes through it (a command run then
    // would otherwise open the embedded database and find it locked).
    control.writeStandaloneLink(config.home, { url, pid: process.pid, token });
    undo.push(async () => control.removeStandaloneLink(config.home));

    step(`starting the scheduler and ${config.executor} executor; parsing the DAGs folder ${config.dagsFolder}`);
    const service = await services.startSchedulerService(database, config, logger);
    undo.push(() => service.stop());
    printBanner(url, adminUser, database.driver === "pglite" ? `embedded database in ${config.home}` : "Postgres (DATABASE_URL)");
  } catch (error) {
    await stopAll();
    throw error;
  }

  const signal = await untilSignal();
  logger.info({ signal }, "stopping");
  await stopAll();
}

type UpdraftErrorClass = typeof UpdraftErrorType;

/** EADDRINUSE as UPDRAFT_WEB_PORT_IN_USE, which names the variable to set; other errors as they are. */
function portError(error: unknown, host: string, port: number, UpdraftError: UpdraftErrorClass): unknown {
  if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") return error;
  return new UpdraftError("UPDRAFT_WEB_PORT_IN_USE", `port ${port} on ${host} is in use`, { cause: error });
}

/** Listens on host:port and closes again; throws UPDRAFT_WEB_PORT_IN_USE if the port is taken. Port 0 always passes. */
async function assertPortFree(host: string, port: number, UpdraftError: UpdraftErrorClass): Promise<void> {
  if (port === 0) return;
  const { createServer } = await import("node:net");
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once("error", reject);
      probe.listen({ host, port, exclusive: true }, resolve);
    });
  } catch (error) {
    throw portError(error, host, port, UpdraftError);
  } finally {
    await new Promise((resolve) => probe.close(resolve));
  }
}

function printBanner(url: string, admin: Awaited<ReturnType<typeof ensureAdminUser>>, storage: string): void {
  const login = admin.password
    ? `${admin.username} / ${admin.password}`
    : `${admin.username} (password set earlier; UPDRAFT_ADMIN_PASSWORD or ${admin.passwordFile ?? "the file in UPDRAFT_HOME"})`;
  const lines = [
    "",
    `  Updraft standalone is running (started in ${(performance.now() / 1000).toFixed(1)}s)`,
    `  Dashboard and API:  ${url}`,
    `  Login:              ${login}`,
    ...(admin.passwordFile ? [`  Password kept in:   ${admin.passwordFile}`] : []),
    `  Storage:            ${storage}`,
    "  Stop with Ctrl-C.",
    "",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}
