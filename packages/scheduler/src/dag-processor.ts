// The DAG processor: parses the DAGs folder (in child processes) and records the serialized DAGs
// and import errors in the database. The scheduler runs it periodically; the CLI runs it before
// listing DAGs, as Airflow's CLI parses the files it lists.
import { loadDagsFolder, type DagBagResult } from "@updraft/dag-loader";
import { syncDags, type UpdraftDb } from "@updraft/db";
import { updateNextDagruns } from "./store/next-dagrun-store.ts";

export interface DagProcessingOptions {
  dagsFolder: string;
  fileTimeoutMs: number;
  pausedAtCreation: boolean;
}

export async function processDagsFolder(db: UpdraftDb, options: DagProcessingOptions): Promise<DagBagResult> {
  return recordDagBag(db, await loadDagsFolder({ dagsFolder: options.dagsFolder, fileTimeoutMs: options.fileTimeoutMs }), options);
}

/**
 * Records a parsed DAG bag (from `loadDagsFolder`): its serialized DAGs and import errors, and each
 * DAG's `next_dagrun`. Lets a caller parse while it does something else (the CLI parses while the
 * embedded database opens), then record. Returns `bag`.
 */
export async function recordDagBag(db: UpdraftDb, bag: DagBagResult, options: Pick<DagProcessingOptions, "pausedAtCreation">): Promise<DagBagResult> {
  await syncDags(db, { dags: bag.dags, importErrors: bag.importErrors, parsedAt: new Date(), pausedAtCreation: options.pausedAtCreation });
  // next_dagrun (issue 13, item 4): a parsed DAG's schedule or start date may have changed.
  await updateNextDagruns(db, bag.dags.map((d) => d.serialized.dagId));
  return bag;
}
