// Imports one DAG file in this process and returns the DAGs it exports. Only a process that runs
// tasks (or `dags test`) does this; the scheduler reads serialized DAGs instead.
import { register } from "node:module";
import { pathToFileURL } from "node:url";
import { isDag, type Dag } from "@updraft/sdk";

let hooked = false;

function ensureSdkResolution(): void {
  if (hooked) return;
  hooked = true;
  register("./sdk-resolve-hook.mjs", import.meta.url, { data: { sdkUrl: import.meta.resolve("@updraft/sdk") } });
}

/**
 * Every distinct DAG the module exports (default and named exports). A different `version` (the
 * file's mtime, say) imports the file afresh instead of from the module cache.
 */
export async function importDagFile(path: string, version?: number): Promise<Dag[]> {
  ensureSdkResolution();
  const url = pathToFileURL(path);
  if (version !== undefined) url.searchParams.set("v", String(version));
  const module = (await import(url.href)) as Record<string, unknown>;
  const dags = new Set<Dag>();
  for (const value of Object.values(module)) if (isDag(value)) dags.add(value);
  return [...dags];
}
