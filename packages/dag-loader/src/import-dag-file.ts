// Imports one DAG file in this process and returns the DAGs it exports. Only a process that runs
// tasks (or `dags test`) does this; the scheduler reads serialized DAGs instead.
import { pathToFileURL } from "node:url";
import { isDag, type Dag } from "@updraft/sdk";
import { ensureTypeScriptLoader } from "./node-args.ts";

/**
 * Every distinct DAG the module exports (default and named exports). A different `version` (the
 * file's mtime, say) imports the file afresh instead of from the module cache.
 */
export async function importDagFile(path: string, version?: number): Promise<Dag[]> {
  await ensureTypeScriptLoader();
  const url = pathToFileURL(path);
  if (version !== undefined) url.searchParams.set("v", String(version));
  const module = (await import(url.href)) as Record<string, unknown>;
  const dags = new Set<Dag>();
  for (const value of Object.values(module)) if (isDag(value)) dags.add(value);
  return [...dags];
}
