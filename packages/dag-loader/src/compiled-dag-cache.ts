// The on-disk cache of compiled DAG files (bundle-dag-file), shared by the task processes of a
// machine: a bundle is named by the content of every source file in it, so a file is compiled once
// per version whichever process needs it first, and an edited file (or an edited module it imports)
// gives a new bundle and a new module URL. A small manifest per DAG file lists the sources of its
// last compile, which is how a process finds the bundle without compiling.
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { UpdraftError } from "@updraft/core";
import { bundleDagFile } from "./bundle-dag-file.ts";

/** Bumped when the bundle layout changes, so older bundles are not reused. */
const FORMAT = 1;
/** Older bundles of a DAG file are removed on a compile once they are this old (ms). */
const PRUNE_AFTER_MS = 10 * 60_000;

/** A compiled DAG file ready to import. */
export interface CompiledDag {
  /** file: URL of the bundle; it changes whenever a source in it changes. */
  url: string;
  /** Absolute paths of the source files compiled into it (the DAG file first), sorted after it. */
  inputs: string[];
}

/**
 * The cache folder: `<os tmpdir>/updraft-dag-cache-<uid>` (TMPDIR moves it), private to the user
 * since its modules are imported as code.
 */
export function defaultDagCacheDir(): string {
  return join(tmpdir(), `updraft-dag-cache-${process.getuid?.() ?? "user"}`);
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** One digest over the sources' paths and content hashes; the bundle's name. */
function digestOf(inputs: Array<[path: string, contentSha: string]>): string {
  return sha256(inputs.map(([path, sha]) => `${path}\0${sha}`).join("\n")).slice(0, 32);
}

/** The digest of the sources as they are on disk now, or null when one cannot be read. */
async function currentDigest(inputs: string[]): Promise<string | null> {
  try {
    return digestOf(await Promise.all(inputs.map(async (path): Promise<[string, string]> => [path, sha256(await readFile(path, "utf8"))])));
  } catch {
    return null;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Writes `text` so that readers see the whole file or none (rename is atomic in a folder). */
async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temp, text, { mode: 0o600 });
  await rename(temp, path);
}

async function pruneOlderBundles(cacheDir: string, entryKey: string, keep: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(cacheDir)) {
    if (!name.startsWith(`${entryKey}-`) || name.startsWith(keep)) continue;
    const path = join(cacheDir, name);
    const info = await stat(path).catch(() => null);
    if (info && now - info.mtimeMs > PRUNE_AFTER_MS) await rm(path, { force: true });
  }
}

/**
 * Its bundles are imported as code, so the cache folder must be this user's and writable by no one
 * else (another user could otherwise plant a bundle in a shared temp folder).
 * @throws UpdraftError UPDRAFT_DAG_CACHE_UNSAFE when it is not
 */
async function assertPrivate(cacheDir: string): Promise<void> {
  const info = await stat(cacheDir);
  const uid = process.getuid?.();
  if ((uid !== undefined && info.uid !== uid) || (info.mode & 0o022) !== 0) {
    const mode = (info.mode & 0o777).toString(8);
    throw new UpdraftError("UPDRAFT_DAG_CACHE_UNSAFE", `the compiled-DAG cache ${cacheDir} belongs to uid ${info.uid} with mode ${mode}; it must be this user's (uid ${uid}) and writable by no one else`);
  }
}

function cachePaths(entry: string, sdkUrl: string, cacheDir: string) {
  const entryKey = sha256(`${FORMAT}\0${sdkUrl}\0${entry}`).slice(0, 20);
  return { entryKey, manifest: join(cacheDir, `${entryKey}.json`), bundle: (digest: string) => join(cacheDir, `${entryKey}-${digest}.mjs`) };
}

/**
 * The cached compiled form of the DAG file at `entry` (absolute path) for an importer whose SDK is
 * `sdkUrl`, when one exists for the current content of every source in it; null otherwise. Reads
 * files only: no compiler is loaded.
 * @throws UpdraftError UPDRAFT_DAG_CACHE_UNSAFE when `cacheDir` is another user's or writable by others.
 */
export async function findCompiledDag(entry: string, sdkUrl: string, cacheDir = defaultDagCacheDir()): Promise<CompiledDag | null> {
  const paths = cachePaths(entry, sdkUrl, cacheDir);
  const manifest = await readFile(paths.manifest, "utf8").then(
    (text) => JSON.parse(text) as { inputs: string[] },
    () => null,
  );
  if (!manifest) return null;
  await assertPrivate(cacheDir);
  const digest = await currentDigest(manifest.inputs);
  if (digest === null || !(await exists(paths.bundle(digest)))) return null;
  return { url: pathToFileURL(paths.bundle(digest)).href, inputs: manifest.inputs };
}

/**
 * Compiles the DAG file at `entry` (esbuild) and stores the bundle in `cacheDir`, replacing the
 * manifest. Concurrent processes may compile the same version at once; each writes the same bytes.
 * @throws DagCompileError when a source does not compile (nothing is cached then).
 * @throws UpdraftError UPDRAFT_DAG_CACHE_UNSAFE when `cacheDir` is another user's or writable by others.
 */
export async function compileDagFile(entry: string, sdkUrl: string, cacheDir = defaultDagCacheDir()): Promise<CompiledDag> {
  const paths = cachePaths(entry, sdkUrl, cacheDir);
  await mkdir(cacheDir, { recursive: true, mode: 0o700 });
  await assertPrivate(cacheDir);
  const bundle = await bundleDagFile(entry, sdkUrl, cacheDir);
  const inputs = [entry, ...[...bundle.inputs.keys()].filter((p) => p !== entry).sort()];
  const digest = digestOf(inputs.map((p) => [p, bundle.inputs.get(p) ?? ""]));
  const path = paths.bundle(digest);
  const mapName = `${paths.entryKey}-${digest}.mjs.map`;
  // The map first: a reader that finds the bundle finds its map.
  await writeAtomically(join(cacheDir, mapName), bundle.map);
  await writeAtomically(path, `${bundle.code}//# sourceMappingURL=${mapName}\n`);
  await writeAtomically(paths.manifest, JSON.stringify({ inputs }));
  await pruneOlderBundles(cacheDir, paths.entryKey, `${paths.entryKey}-${digest}`);
  return { url: pathToFileURL(path).href, inputs };
}
