// Parses the DAGs folder (in child processes) and records the result in the metadata database:
// serialized DAGs and import errors. Listing commands call this first, as Airflow's CLI parses
// the DAG files it lists.
import { loadDagsFolder, type DagBagResult } from "@updraft/dag-loader";
import { syncDags, type UpdraftDatabase } from "@updraft/db";
import { cliConfig } from "./cli-context.ts";

export async function parseDagsFolder(): Promise<DagBagResult> {
  const config = cliConfig();
  return loadDagsFolder({ dagsFolder: config.dagsFolder, fileTimeoutMs: config.dagImportTimeoutMs });
}

export async function parseAndSyncDags(database: UpdraftDatabase): Promise<DagBagResult> {
  const bag = await parseDagsFolder();
  await syncDags(database.db, {
    dags: bag.dags,
    importErrors: bag.importErrors,
    parsedAt: new Date(),
    pausedAtCreation: cliConfig().dagsArePausedAtCreation,
  });
  return bag;
}
