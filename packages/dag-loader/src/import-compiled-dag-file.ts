// Imports a DAG file in a task process with no loader hook: the file is compiled to JavaScript
// (compiled-dag-cache) and the bundle imported by URL. On Node 20 any `module.register()` hook runs
// in its own worker thread, about 20 MiB per process; a pooled task process imports no TypeScript
// but this bundle, so it does without. Errors keep naming the user's .ts files through source maps.
import { statSync } from "node:fs";
import { isDag, type Dag } from "@updraft/sdk";
import { compileDagFile, defaultDagCacheDir, findCompiledDag, type CompiledDag } from "./compiled-dag-cache.ts";

interface Imported {
  url: string;
  inputs: string[];
  /** mtime, size and inode of every input when it was imported; null to check their content next time. */
  signature: string | null;
  dags: Dag[];
}

const imported = new Map<string, Imported>();

/**
 * The stat signature of `paths`, or null when one is missing. Synchronous on purpose: it runs
 * before every try, and a stat handed to libuv's thread pool cost a task process about 0.1 ms of
 * CPU (a thread wake-up and two context switches) against a few microseconds here.
 */
function signatureOf(paths: string[]): string | null {
  try {
    return paths.map((p) => statSync(p)).map((s) => `${s.mtimeMs}:${s.size}:${s.ino}`).join("|");
  } catch {
    return null;
  }
}

/** Options of importCompiledDagFile; the defaults are what a task process uses. */
export interface CompiledImportOptions {
  /** @defaultValue defaultDagCacheDir(): `<os tmpdir>/updraft-dag-cache-<uid>` */
  cacheDir?: string;
  /**
   * Compiles a file the cache does not hold yet (same arguments as compileDagFile). A pooled task
   * process asks its parent, so esbuild is never loaded in task processes and a pool compiles a
   * file once. @defaultValue compileDagFile, in this process
   */
  compile?: (entry: string, sdkUrl: string, cacheDir: string) => Promise<CompiledDag>;
}

/**
 * Every distinct DAG the DAG file at `path` (absolute) exports, imported from its compiled bundle.
 * A file is imported again only when it or a module it imports changed (checked by stat, then by
 * content); the previous version's module stays in memory, as with any re-import in Node.
 * Turns on source maps for this process, so stack traces name the user's .ts files and lines.
 * @throws DagCompileError when the file does not compile; whatever the module throws at import.
 */
export async function importCompiledDagFile(path: string, options: CompiledImportOptions = {}): Promise<Dag[]> {
  const known = imported.get(path);
  const before = known ? signatureOf(known.inputs) : null;
  if (known && before !== null && before === known.signature) return known.dags;

  const sdkUrl = import.meta.resolve("@updraft/sdk");
  const cacheDir = options.cacheDir ?? defaultDagCacheDir();
  const compiled = (await findCompiledDag(path, sdkUrl, cacheDir)) ?? (await (options.compile ?? compileDagFile)(path, sdkUrl, cacheDir));
  // Stat taken before the content was read: an edit racing this import is seen next time. When
  // the set of inputs changed, their content is checked next time instead.
  const sameInputs = known !== undefined && known.inputs.join("\0") === compiled.inputs.join("\0");
  const signature = sameInputs ? before : null;
  if (known && known.url === compiled.url) {
    imported.set(path, { ...known, inputs: compiled.inputs, signature });
    return known.dags;
  }
  process.setSourceMapsEnabled(true);
  const module = (await import(compiled.url)) as Record<string, unknown>;
  const dags = new Set<Dag>();
  for (const value of Object.values(module)) if (isDag(value)) dags.add(value);
  imported.set(path, { url: compiled.url, inputs: compiled.inputs, signature, dags: [...dags] });
  return [...dags];
}
