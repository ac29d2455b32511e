// How Updraft starts its own Node processes (DAG parsing children, task processes) and how those
// processes load user DAG files, which are TypeScript.
//
// - Compiled (this file runs from dist/*.js): children run plain `node` on dist, with no flags.
//   Only the code that imports DAG files registers a TypeScript loader (tsx's ESM API), lazily,
//   in that process (see `ensureTypeScriptLoader`).
// - From source (this file runs as src/*.ts, `pnpm updraft`, tests): children run the sources
//   through tsx with the `updraft-source` export condition, as the parent does.
import { register } from "node:module";
import { fileURLToPath } from "node:url";

/** True when Updraft runs from its TypeScript sources (a dev checkout, tests), false from dist. */
export const runsFromSource = import.meta.url.endsWith(".ts");

/**
 * Node flags for a child process that runs Updraft code the way this process does: none when
 * compiled, `--conditions=updraft-source --import <tsx>` from source.
 */
export function updraftNodeArgs(): string[] {
  return runsFromSource ? ["--conditions=updraft-source", "--import", import.meta.resolve("tsx")] : [];
}

/** Absolute path of a module next to the caller, whether we run from src (.ts) or dist (.js). */
export function siblingModule(callerUrl: string, baseName: string): string {
  const ext = callerUrl.endsWith(".ts") ? ".ts" : ".js";
  return fileURLToPath(new URL(`./${baseName}${ext}`, callerUrl));
}

let loaderReady = false;

/**
 * Makes `import()` of DAG files work in this process: registers tsx's ESM loader (compiled
 * builds only; from source tsx is loaded already), then the hook that resolves `@updraft/sdk` to
 * this process's SDK wherever the DAGs folder lives. Idempotent. Call it only in processes that
 * import DAG files: task processes, DAG parsing children, `dags test`/`tasks test`.
 */
export async function ensureTypeScriptLoader(): Promise<void> {
  if (loaderReady) return;
  loaderReady = true;
  if (!runsFromSource) {
    const tsx = await import("tsx/esm/api");
    tsx.register();
  }
  // Registered after tsx, so it runs first and hands the SDK specifier on to tsx's resolution.
  register("./sdk-resolve-hook.mjs", import.meta.url, { data: { sdkUrl: import.meta.resolve("@updraft/sdk") } });
}
