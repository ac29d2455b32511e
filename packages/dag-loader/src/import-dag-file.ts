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

/** Every distinct DAG the module exports (default and named exports). */
export async function importDagFile(path: string): Promise<Dag[]> {
  ensureSdkResolution();
  const module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  const dags = new Set<Dag>();
  for (const value of Object.values(module)) if (isDag(value)) dags.add(value);
  return [...dags];
}
