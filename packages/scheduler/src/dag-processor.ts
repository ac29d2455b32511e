// The DAG processor: parses the DAGs folder (in child processes) and records the serialized DAGs
// and import errors in the database. The scheduler runs it periodically; the CLI runs it before
// listing DAGs, as Airflow's CLI parses the files it lists.
import { loadDagsFolder, typecheckDagsFolder, withTypeErrorsAsImportErrors, type DagBagResult, type LoadedDag } from "@updraft/dag-loader";
import { syncDags, type UpdraftDb } from "@updraft/db";
import { updateNextDagruns } from "./store/next-dagrun-store.ts";

export interface DagProcessingOptions {
  dagsFolder: string;
  fileTimeoutMs: number;
  pausedAtCreation: boolean;
  /** UPDRAFT_DAGS_TYPECHECK: files with type errors become import errors. @defaultValue false */
  typecheck?: boolean;
}

/**
 * Parses the DAGs folder and records the result. `known`: DAGs the caller already holds (the
 * scheduler's DAG cache), which the parse processes then report by hash instead of sending whole.
 * `signal` aborts the parse (see parseDagsFolder); an aborted parse records nothing: no import
 * error for the file it was importing, no DAG deactivated for the files it never got to.
 */
export async function processDagsFolder(db: UpdraftDb, options: DagProcessingOptions, known?: ReadonlyMap<string, LoadedDag>, signal?: AbortSignal): Promise<DagBagResult> {
  return recordDagBag(db, await parseDagsFolder(options, known, signal), options);
}

/**
 * Parses the DAGs folder in child processes (and, with `typecheck`, type-checks it: type errors
 * become import errors), without touching the database. A DAG of `known` with an unchanged hash
 * is taken from there (see processDagsFolder). `signal` aborts it: the parse processes are killed
 * at once and this rejects with the signal's reason.
 */
export async function parseDagsFolder(options: Omit<DagProcessingOptions, "pausedAtCreation">, known?: ReadonlyMap<string, LoadedDag>, signal?: AbortSignal): Promise<DagBagResult> {
  const loaded = await loadDagsFolder({ dagsFolder: options.dagsFolder, fileTimeoutMs: options.fileTimeoutMs, ...(known ? { known } : {}), ...(signal ? { signal } : {}) });
  return options.typecheck === true ? withTypeErrorsAsImportErrors(loaded, (await typecheckDagsFolder(options.dagsFolder)).diagnostics) : loaded;
}

/**
 * Records a parsed DAG bag (from `parseDagsFolder`): its serialized DAGs and import errors, and each
 * DAG's `next_dagrun`. Lets a caller parse while it does something else (the CLI parses while the
 * embedded database opens), then record. Returns `bag`.
 */
export async function recordDagBag(db: UpdraftDb, bag: DagBagResult, options: Pick<DagProcessingOptions, "pausedAtCreation">): Promise<DagBagResult> {
  await syncDags(db, { dags: bag.dags, importErrors: bag.importErrors, parsedAt: new Date(), pausedAtCreation: options.pausedAtCreation });
  // next_dagrun (issue 13, item 4): a parsed DAG's schedule or start date may have changed.
  await updateNextDagruns(db, bag.dags.map((d) => d.serialized.dagId));
  return bag;
}
