// Picks how commands reach Updraft: a running standalone's API if one holds the embedded
// database, otherwise the database itself.
import type { FrozenConfig } from "@updraft/config";
import { assertMigrated, migrate, openDatabase } from "@updraft/db";
import { ApiControl } from "./api-control.ts";
import type { Control } from "./control.ts";
import { DatabaseControl } from "./database-control.ts";
import { readLiveStandalone } from "./standalone-link.ts";

export type { Control, DagRunSummary } from "./control.ts";
export { readLiveStandalone, removeStandaloneLink, writeStandaloneLink } from "./standalone-link.ts";

export async function openControl(config: FrozenConfig): Promise<Control> {
  if (!config.databaseUrl) {
    const link = readLiveStandalone(config.home);
    if (link) return new ApiControl(link);
  }
  const database = await openDatabase({ databaseUrl: config.databaseUrl, home: config.home });
  try {
    // The embedded database migrates itself so a newcomer needs no setup; Postgres is migrated on purpose.
    if (database.driver === "pglite") await migrate(database);
    else await assertMigrated(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  return new DatabaseControl(database, config);
}

/** Opens a control, runs `work` with it, always closes it. */
export async function withControl<T>(config: FrozenConfig, work: (control: Control) => Promise<T>): Promise<T> {
  const control = await openControl(config);
  try {
    return await work(control);
  } finally {
    await control.close();
  }
}
