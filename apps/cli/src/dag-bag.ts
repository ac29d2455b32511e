// Parses the DAGs folder in child processes without touching the database (for `dags test` and
// `tasks test`, which must work beside a running standalone).
import { loadDagsFolder, type DagBagResult } from "@updraft/dag-loader";
import { cliConfig } from "./cli-context.ts";

export async function parseDagsFolder(): Promise<DagBagResult> {
  const config = cliConfig();
  return loadDagsFolder({ dagsFolder: config.dagsFolder, fileTimeoutMs: config.dagImportTimeoutMs });
}
