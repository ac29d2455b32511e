// Picks how commands reach Updraft: a running standalone's API if one holds the embedded
// database, otherwise the database itself.
import type { FrozenConfig } from "@updraft/config";
import { openCliDatabase } from "../cli-context.ts";
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
  // Embedded: migrated on open so a newcomer needs no setup; Postgres is migrated on purpose.
  const database = await openCliDatabase();
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
