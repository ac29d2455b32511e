// `updraft db migrate | check | reset --yes`: manage the metadata database's schema.
import type { Command } from "commander";

// The database driver and the config load when a command runs, not for `--help`.
const load = async () => ({ ...(await import("@updraft/db")), ...(await import("../cli-context.ts")), ...(await import("@updraft/core")) });

async function describeTarget(): Promise<string> {
  const { cliConfig, maskDatabaseUrl } = await load();
  const { databaseUrl, home } = cliConfig();
  return databaseUrl ? `Postgres at ${maskDatabaseUrl(databaseUrl)}` : `the embedded database in ${home}`;
}

export function registerDbCommands(program: Command): void {
  const db = program.command("db").description("Manage the metadata database (Postgres, or embedded PGlite when DATABASE_URL is unset)");

  db.command("migrate")
    .description("Create or upgrade the database schema to the current version")
    .action(async () => {
      const { withDatabase, migrate, ensureDefaultPool, checkDatabase } = await load();
      await withDatabase(
        async (database) => {
          await migrate(database);
          await ensureDefaultPool(database.db);
          const check = await checkDatabase(database);
          console.log(`Migrated ${await describeTarget()}: ${check.applied} migrations applied.`);
        },
        { autoMigrateEmbedded: false },
      );
    });

  db.command("check")
    .description("Check that the database is reachable and fully migrated (exit 1 if not)")
    .action(async () => {
      const { withDatabase, checkDatabase } = await load();
      await withDatabase(
        async (database) => {
          const check = await checkDatabase(database);
          console.log(`${check.ok ? "OK" : "NOT OK"}: ${await describeTarget()}: ${check.message}`);
          if (!check.ok) process.exitCode = 1;
        },
        { autoMigrateEmbedded: false },
      );
    });

  db.command("reset")
    .description("Drop every table and migrate again (destroys all data)")
    .option("--yes", "confirm that all data may be destroyed")
    .action(async (options: { yes?: boolean }) => {
      const { withDatabase, resetDatabase, ensureDefaultPool, UpdraftError } = await load();
      if (!options.yes) {
        throw new UpdraftError("UPDRAFT_CONFIRMATION_REQUIRED", `db reset destroys all data in ${await describeTarget()}`);
      }
      await withDatabase(
        async (database) => {
          await resetDatabase(database);
          await ensureDefaultPool(database.db);
          console.log(`Reset ${await describeTarget()}.`);
        },
        { autoMigrateEmbedded: false },
      );
    });
}
