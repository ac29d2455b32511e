// `updraft db migrate | check | reset --yes`: manage the metadata database's schema.
import type { Command } from "commander";
import { UpdraftError } from "@updraft/core";
import { checkDatabase, ensureDefaultPool, maskDatabaseUrl, migrate, resetDatabase } from "@updraft/db";
import { cliConfig, withDatabase } from "../cli-context.ts";

function describeTarget(): string {
  const { databaseUrl, home } = cliConfig();
  return databaseUrl ? `Postgres at ${maskDatabaseUrl(databaseUrl)}` : `the embedded database in ${home}`;
}

export function registerDbCommands(program: Command): void {
  const db = program.command("db").description("Manage the metadata database (Postgres, or embedded PGlite when DATABASE_URL is unset)");

  db.command("migrate")
    .description("Create or upgrade the database schema to the current version")
    .action(async () => {
      await withDatabase(
        async (database) => {
          await migrate(database);
          await ensureDefaultPool(database.db);
          const check = await checkDatabase(database);
          console.log(`Migrated ${describeTarget()}: ${check.applied} migrations applied.`);
        },
        { autoMigrateEmbedded: false },
      );
    });

  db.command("check")
    .description("Check that the database is reachable and fully migrated (exit 1 if not)")
    .action(async () => {
      await withDatabase(
        async (database) => {
          const check = await checkDatabase(database);
          console.log(`${check.ok ? "OK" : "NOT OK"}: ${describeTarget()}: ${check.message}`);
          if (!check.ok) process.exitCode = 1;
        },
        { autoMigrateEmbedded: false },
      );
    });

  db.command("reset")
    .description("Drop every table and migrate again (destroys all data)")
    .option("--yes", "confirm that all data may be destroyed")
    .action(async (options: { yes?: boolean }) => {
      if (!options.yes) {
        throw new UpdraftError("UPDRAFT_CONFIRMATION_REQUIRED", `db reset destroys all data in ${describeTarget()}`);
      }
      await withDatabase(
        async (database) => {
          await resetDatabase(database);
          await ensureDefaultPool(database.db);
          console.log(`Reset ${describeTarget()}.`);
        },
        { autoMigrateEmbedded: false },
      );
    });
}
