// What every command needs from its surroundings: the configuration (parsed once, here at the
// edge) and the metadata database. The embedded database is migrated on open so a newcomer needs
// no setup step; a Postgres database must be migrated on purpose (`updraft db migrate`).
import { loadConfig, type FrozenConfig } from "@updraft/config";
import type { Logger } from "@updraft/core";
import { assertMigrated, migrate, openDatabase, type UpdraftDatabase } from "@updraft/db";

let config: FrozenConfig | undefined;

export function cliConfig(): FrozenConfig {
  config ??= loadConfig();
  return config;
}

export interface DatabaseUse {
  /** Migrate the embedded database if needed (default true); Postgres is only checked. */
  autoMigrateEmbedded?: boolean;
  /** Logs "Postgres unreachable" / "Postgres is back" for long-running commands. */
  logger?: Logger;
}

/**
 * Opens the metadata database for a long-running command (webserver, scheduler): migrated when
 * embedded, checked when Postgres. The caller closes it.
 */
export async function openCliDatabase(use: DatabaseUse = {}): Promise<UpdraftDatabase> {
  const { databaseUrl, home } = cliConfig();
  // The webserver's "why waiting" plans the claim as the scheduler does (see planCacheMode).
  const database = await openDatabase({ databaseUrl, home, logger: use.logger, planCacheMode: "force_custom_plan" });
  try {
    if (database.driver === "pglite" && use.autoMigrateEmbedded !== false) await migrate(database);
    else if (use.autoMigrateEmbedded !== false) await assertMigrated(database);
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** Opens the metadata database, runs `work`, and always closes it (releasing the PGlite lock). */
export async function withDatabase<T>(work: (database: UpdraftDatabase) => Promise<T>, use: DatabaseUse = {}): Promise<T> {
  const database = await openCliDatabase(use);
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}
