// Picks how commands reach Updraft: a running standalone's API if one holds the embedded
// database, otherwise the database itself.
import type { FrozenConfig } from "@updraft/config";
import { openCliDatabase } from "../cli-context.ts";
import { ApiControl } from "./api-control.ts";
import type { Control } from "./control.ts";
import { DatabaseControl, parseDagsFolder } from "./database-control.ts";
import { readLiveStandalone } from "./standalone-link.ts";

export type { Control, DagRunSummary } from "./control.ts";
export { readLiveStandalone, removeStandaloneLink, writeStandaloneLink } from "./standalone-link.ts";

/** How a command will use its control. */
export interface ControlUse {
  /** The command lists DAGs or import errors: parse the folder while the database opens. */
  parses?: boolean;
}

export async function openControl(config: FrozenConfig, use: ControlUse = {}): Promise<Control> {
  if (!config.databaseUrl) {
    const link = readLiveStandalone(config.home);
    if (link) return new ApiControl(link);
  }
  // The parse (child processes) and the database's opening (PGlite's start-up, migrations) overlap.
  const prefetched = use.parses ? parseDagsFolder(config) : undefined;
  prefetched?.catch(() => undefined); // consumed by the first listing; a failed open must not leave it unhandled
  // Embedded: migrated on open so a newcomer needs no setup; Postgres is migrated on purpose.
  const database = await openCliDatabase();
  return new DatabaseControl(database, config, prefetched);
}

/** Opens a control, runs `work` with it, always closes it. */
export async function withControl<T>(config: FrozenConfig, work: (control: Control) => Promise<T>, use: ControlUse = {}): Promise<T> {
  const control = await openControl(config, use);
  try {
    return await work(control);
  } finally {
    await control.close();
  }
}
