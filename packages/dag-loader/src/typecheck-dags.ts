// `updraft dags check`: type-checks the DAGs folder with the project's own TypeScript (the
// `typescript` package found from the DAGs folder, else from the working directory, else
// Updraft's), using the nearest tsconfig.json, so a DAG whose typed input no longer matches its
// upstream task's result fails here, before it fails at run time. Loading a DAG never does this:
// the TypeScript loader strips types without checking them.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { UpdraftError } from "@updraft/core";
import type * as TS from "typescript";
import { discoverDagFiles } from "./discover.ts";
import type { DagBagResult } from "./load-dags-folder.ts";

/** One type error, at a 1-based line and column of a file (relative to the DAGs folder when inside it). */
export interface TypeDiagnostic {
  file: string | null;
  line: number;
  column: number;
  /** TypeScript's error number, shown as TS<code>. */
  code: number;
  message: string;
}

export interface TypecheckResult {
  diagnostics: TypeDiagnostic[];
  /** DAG files checked (the .ts ones; .js files are not type-checked). */
  files: number;
  typescriptVersion: string;
  /** Absolute path of the tsconfig.json used, or null when none was found (strict defaults then). */
  tsconfig: string | null;
}

const TS_FILE = /\.(?:m|c)?ts$/;

/** The `typescript` module from the first place that has it: the DAGs folder, the cwd, Updraft. */
function loadTypeScript(dagsFolder: string): typeof TS {
  const bases = [join(dagsFolder, "package.json"), join(process.cwd(), "package.json"), fileURLToPath(import.meta.url)];
  for (const base of bases) {
    try {
      return createRequire(base)("typescript") as typeof TS;
    } catch {
      // Not installed there; try the next place.
    }
  }
  throw new UpdraftError("UPDRAFT_TYPESCRIPT_MISSING", `no "typescript" package found from ${dagsFolder} or ${process.cwd()}`, { details: { dagsFolder } });
}

/** Updraft's SDK typings, for DAG folders that do not resolve `@updraft/sdk` themselves. */
function sdkTypings(): string | undefined {
  try {
    const entry = fileURLToPath(import.meta.resolve("@updraft/sdk"));
    const typings = entry.endsWith(".ts") ? entry : entry.replace(/\.js$/, ".d.ts");
    return existsSync(typings) ? typings : undefined;
  } catch {
    return undefined;
  }
}

function compilerOptions(ts: typeof TS, dagsFolder: string): { options: TS.CompilerOptions; tsconfig: string | null } {
  const tsconfig = ts.findConfigFile(dagsFolder, (f) => ts.sys.fileExists(f), "tsconfig.json") ?? null;
  let options: TS.CompilerOptions = {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    skipLibCheck: true,
    types: [],
  };
  if (tsconfig !== null) {
    const host: TS.ParseConfigFileHost = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined };
    const parsed = ts.getParsedCommandLineOfConfigFile(tsconfig, {}, host);
    if (parsed) options = parsed.options;
  }
  // Never write anything; DAG files may import .ts paths as the loader allows.
  return { options: { ...options, noEmit: true, allowImportingTsExtensions: true }, tsconfig };
}

function toDiagnostic(ts: typeof TS, dagsFolder: string, d: TS.Diagnostic): TypeDiagnostic {
  const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
  if (d.file === undefined || d.start === undefined) return { file: null, line: 0, column: 0, code: d.code, message };
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  const rel = relative(dagsFolder, d.file.fileName);
  return { file: rel.startsWith("..") ? d.file.fileName : rel, line: line + 1, column: character + 1, code: d.code, message };
}

/**
 * Type-checks every .ts DAG file of `dagsFolder` (and what they import) and returns the errors
 * in those files, sorted by file and position. Errors in imported library code are left out.
 * @throws UPDRAFT_DAGS_FOLDER_MISSING, UPDRAFT_TYPESCRIPT_MISSING
 */
export async function typecheckDagsFolder(dagsFolder: string): Promise<TypecheckResult> {
  const files = (await discoverDagFiles(dagsFolder)).filter((f) => TS_FILE.test(f));
  const ts = loadTypeScript(dagsFolder);
  const { options, tsconfig } = compilerOptions(ts, dagsFolder);
  // Like the loader's resolve hook: `@updraft/sdk` is Updraft's SDK when the project has none.
  const probe = files[0] ?? join(dagsFolder, "index.ts");
  if (!ts.resolveModuleName("@updraft/sdk", probe, options, ts.sys).resolvedModule) {
    const typings = sdkTypings();
    if (typings) options.paths = { ...options.paths, "@updraft/sdk": [typings] };
  }
  const program = ts.createProgram({ rootNames: files, options });
  const inFolder = (d: TS.Diagnostic) => d.file === undefined || !relative(dagsFolder, d.file.fileName).startsWith("..");
  const diagnostics = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.category === ts.DiagnosticCategory.Error && inFolder(d))
    .map((d) => toDiagnostic(ts, dagsFolder, d))
    .sort((a, b) => (a.file ?? "").localeCompare(b.file ?? "") || a.line - b.line || a.column - b.column);
  return { diagnostics, files: files.length, typescriptVersion: ts.version, tsconfig };
}

/** The tsc-style line of one diagnostic: `file:line:col - error TS2339: message`. */
export function formatTypeDiagnostic(d: TypeDiagnostic): string {
  return d.file === null ? `error TS${d.code}: ${d.message}` : `${d.file}:${d.line}:${d.column} - error TS${d.code}: ${d.message}`;
}

/**
 * `UPDRAFT_DAGS_TYPECHECK=true`: every file with type errors becomes an import error listing them,
 * and its DAGs are left out, as if it had failed to import. Files already failing keep their error.
 */
export function withTypeErrorsAsImportErrors<B extends Pick<DagBagResult, "dags" | "importErrors">>(bag: B, diagnostics: readonly TypeDiagnostic[]): B {
  const byFile = new Map<string, TypeDiagnostic[]>();
  for (const d of diagnostics) if (d.file !== null) byFile.set(d.file, [...(byFile.get(d.file) ?? []), d]);
  const failing = new Set(bag.importErrors.map((e) => e.filename));
  const added = [...byFile.entries()]
    .filter(([file]) => !failing.has(file))
    .map(([filename, list]) => ({ filename, message: `${list.map(formatTypeDiagnostic).join("\n")}\n\n(UPDRAFT_DAGS_TYPECHECK is on: fix the type errors, or run \`updraft dags check\` to see them)` }));
  return {
    ...bag,
    dags: bag.dags.filter((d) => !byFile.has(d.serialized.fileloc)),
    importErrors: [...bag.importErrors, ...added].sort((a, b) => a.filename.localeCompare(b.filename)),
  };
}
