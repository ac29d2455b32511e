// Compiles one DAG file and the modules it imports by relative path into a single ES module a plain
// `node` can import with no loader hook (task processes: no ESM hooks thread, see compiled-dag-cache).
// Bare specifiers stay imports, rewritten to absolute file URLs resolved from the importing file's
// folder (so the DAGs folder's own node_modules keep working wherever the bundle is written), and
// `@updraft/sdk` points at the SDK of the process that imports the bundle. Each module keeps its own
// `import.meta` (url, dirname, filename) of its source file, and the source map names the .ts files.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { dirname, extname, isAbsolute, join, resolve as resolvePath } from "node:path";
import { pathToFileURL } from "node:url";
import type * as Esbuild from "esbuild";
import type { Loader, Message, Plugin, PluginBuild } from "esbuild";

/** A compiled DAG file: the module's code, its source map, and every source file it contains. */
export interface DagBundle {
  /** ES module text, without a sourceMappingURL comment (the caller names the map). */
  code: string;
  /** Source map (JSON) whose `sources` are relative to the bundle's folder. */
  map: string;
  /** The files compiled into the bundle with the sha256 (hex) of the exact text compiled, by absolute path. */
  inputs: Map<string, string>;
}

/** Where a compile problem is: absolute file, 1-based line, 0-based column (esbuild's convention). */
export interface DagCompileMessage {
  text: string;
  location: { file: string; line: number; column: number } | null;
}

/**
 * A DAG file (or a module it imports) that does not compile: the same shape and message tsx gives
 * today (`Transform failed with 1 error:\n/abs/file.ts:4:36: ERROR: Unexpected ")"`), so the import
 * failure reads the same and describeImportFailure can show a code frame.
 */
export class DagCompileError extends Error {
  override readonly name = "TransformError";
  constructor(readonly errors: DagCompileMessage[]) {
    const lines = errors.map((e) => (e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ERROR: ${e.text}` : `ERROR: ${e.text}`));
    super(`Transform failed with ${errors.length} error${errors.length === 1 ? "" : "s"}:\n${lines.join("\n")}`);
  }
}

const SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

function loaderFor(path: string): Loader {
  const ext = extname(path).slice(1);
  if (ext === "mts" || ext === "cts") return "ts";
  if (ext === "mjs" || ext === "cjs") return "js";
  return ext as Loader;
}

/** The `import.meta` a module of the bundle sees in place of the bundle's own. */
function importMetaBanner(id: string, path: string): string {
  const url = JSON.stringify(pathToFileURL(path).href);
  // resolve(): relative specifiers against the source file; anything else as the bundle would.
  return `const ${id} = { url: ${url}, dirname: ${JSON.stringify(dirname(path))}, filename: ${JSON.stringify(path)}, resolve: (s) => /^\\.{0,2}\\//.test(s) ? new URL(s, ${url}).href : import.meta.resolve(s) };`;
}

function absoluteMessages(messages: Message[], baseDir: string): DagCompileMessage[] {
  return messages.map((m) => ({
    text: m.text,
    location: m.location ? { file: isAbsolute(m.location.file) ? m.location.file : resolvePath(baseDir, m.location.file), line: m.location.line, column: m.location.column } : null,
  }));
}

function updraftPlugin(esbuild: typeof Esbuild, sdkUrl: string, inputs: Map<string, string>): Plugin {
  return {
    name: "updraft-dag",
    setup(build: PluginBuild) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        // Relative and absolute paths are bundled; `bare` marks our own lookup below.
        if (args.kind === "entry-point" || (args.pluginData as { bare?: boolean } | undefined)?.bare) return undefined;
        if (args.path.startsWith(".") || isAbsolute(args.path)) return undefined;
        if (args.path === "@updraft/sdk") return { path: sdkUrl, external: true };
        if (args.path.startsWith("node:") || /^[a-z]+:\/\//i.test(args.path)) return { path: args.path, external: true };
        // As Node would import it from the source file: "import"/"node"/"default" conditions, no
        // "module" field (build options), node built-ins left external by platform "node".
        const found = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { bare: true } });
        if (found.errors.length > 0) return { errors: found.errors };
        return { path: found.external ? found.path : pathToFileURL(found.path).href, external: true };
      });
      build.onLoad({ filter: SOURCE }, async (args) => {
        const source = await readFile(args.path, "utf8");
        inputs.set(args.path, createHash("sha256").update(source).digest("hex"));
        // Per-module import.meta: esbuild's define is global to a build, so each file is first
        // transformed alone; its inline source map is chained into the bundle's.
        const id = `__updraft_import_meta_${createHash("sha256").update(args.path).digest("hex").slice(0, 12)}`;
        try {
          const { code } = await esbuild.transform(source, {
            loader: loaderFor(args.path),
            sourcefile: args.path,
            sourcemap: "inline",
            target: "node20",
            define: { "import.meta": id },
            banner: importMetaBanner(id, args.path),
          });
          return { contents: code, loader: "js", resolveDir: dirname(args.path) };
        } catch (error) {
          const messages = (error as { errors?: Message[] }).errors;
          if (!messages) throw error;
          return { errors: messages };
        }
      });
    },
  };
}

let building = 0;

/**
 * Compiles `entry` (an absolute path) with esbuild, for a bundle to be written in `outDir` (the
 * source map's paths are relative to it). Starts esbuild's service (a Go child process) and stops
 * it once no compile of this process is in flight, so a task process keeps no helper process.
 * @throws DagCompileError when a file does not parse or an import cannot be resolved.
 */
export async function bundleDagFile(entry: string, sdkUrl: string, outDir: string): Promise<DagBundle> {
  const esbuild = await import("esbuild");
  const outFile = join(outDir, "bundle.mjs");
  building++;
  const inputs = new Map<string, string>();
  const workingDir = dirname(entry);
  try {
    const result = await esbuild.build({
      entryPoints: [entry],
      absWorkingDir: workingDir,
      bundle: true,
      write: false,
      format: "esm",
      platform: "node",
      target: "node20",
      outfile: outFile,
      sourcemap: "external",
      sourcesContent: false,
      mainFields: ["main"],
      conditions: [],
      logLevel: "silent",
      plugins: [updraftPlugin(esbuild, sdkUrl, inputs)],
    });
    const code = result.outputFiles.find((f) => f.path === outFile)?.text;
    const map = result.outputFiles.find((f) => f.path === `${outFile}.map`)?.text;
    if (code === undefined || map === undefined) throw new Error(`esbuild produced no ${outFile} (and map) for ${entry}`);
    return { code, map, inputs };
  } catch (error) {
    const messages = (error as { errors?: Message[] }).errors;
    if (!Array.isArray(messages) || messages.length === 0) throw error;
    throw new DagCompileError(absoluteMessages(messages, workingDir));
  } finally {
    if (--building === 0) await esbuild.stop();
  }
}
