// Turns the error a DAG file threw while importing into an import error a person can read: the
// useful line first (`file.ts:4:51: Expected ")" but found ";"`), then a code frame of the source
// around it, then only the stack frames in the user's own files. The TypeScript loader's
// (esbuild's) internal frames and Node's are dropped. The text depends only on the file and the
// error, so an unchanged error gives the same text on every parse.
import { readFileSync } from "node:fs";
import { isAbsolute, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { codeFrameColumns } from "@babel/code-frame";
import { errorMessage, isUpdraftError } from "@updraft/core";

/** Where in a file: 1-based line and column, as esbuild and V8 report them. */
interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** One problem esbuild (tsx's compiler) reported; `column` is 0-based as esbuild gives it. */
interface EsbuildMessage {
  text: string;
  location: { file: string; line: number; column: number } | null;
}

/**
 * esbuild's problems: from its `errors` array when the error still has it, else from the message
 * ("Transform failed with 1 error:\n/abs/file.ts:4:41: ERROR: Expected ..."), which is all tsx passes on.
 */
export function esbuildMessages(error: Error): EsbuildMessage[] | undefined {
  const errors = (error as { errors?: unknown }).errors;
  if (Array.isArray(errors) && errors.length > 0 && errors.every((e) => typeof (e as EsbuildMessage).text === "string")) return errors as EsbuildMessage[];
  if (error.name !== "TransformError" && !error.message.startsWith("Transform failed")) return undefined;
  const found = [...error.message.matchAll(/^(.+?):(\d+):(\d+): ERROR: (.+)$/gm)].map((m) => ({
    text: m[4]!,
    location: { file: m[1]!, line: Number(m[2]), column: Number(m[3]) },
  }));
  return found.length > 0 ? found : undefined;
}

/** `at fn (/abs/file.ts:3:7)`, `at /abs/file.ts:3:7` or `file:///abs/file.ts:3:7` → its location. */
export function frameLocation(frame: string): SourceLocation | undefined {
  const match = /\(?((?:file:\/\/)?\/[^():]+|[A-Za-z]:\\[^():]+):(\d+):(\d+)\)?\s*$/.exec(frame.trim());
  if (!match) return undefined;
  const file = match[1]!.startsWith("file://") ? fileURLToPath(match[1]!) : match[1]!;
  return { file, line: Number(match[2]), column: Number(match[3]) };
}

function insideFolder(folder: string, file: string): boolean {
  const rel = relative(folder, file);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) && !rel.split(sep).includes("node_modules");
}

/** A code frame of `location` (two lines either side), or "" when the file cannot be read. */
function codeFrame(location: SourceLocation, message?: string): string {
  try {
    const source = readFileSync(location.file, "utf8");
    // esbuild's columns are 0-based, V8's 1-based; callers pass 1-based.
    return codeFrameColumns(source, { start: { line: location.line, column: location.column } }, { linesAbove: 2, linesBelow: 2, message });
  } catch {
    return "";
  }
}

/**
 * The import error text for `error`, thrown while importing a file of `dagsFolder`. Updraft's own
 * errors (a cycle, a duplicate task id) are already one clear line and pass through unchanged.
 */
export function describeImportFailure(error: unknown, dagsFolder: string): string {
  if (isUpdraftError(error) || !(error instanceof Error)) return errorMessage(error);
  const show = (file: string) => (insideFolder(dagsFolder, file) ? relative(dagsFolder, file) : file);

  const compile = esbuildMessages(error);
  if (compile) {
    // A syntax error: esbuild names the file, line and (0-based) column of each problem.
    return compile
      .map((m) => {
        if (!m.location) return m.text;
        const at: SourceLocation = { file: m.location.file, line: m.location.line, column: m.location.column + 1 };
        const frame = codeFrame(at);
        return `${show(at.file)}:${at.line}:${at.column}: ${m.text}${frame ? `\n\n${frame}` : ""}`;
      })
      .join("\n\n");
  }

  // A runtime error at import: the first frame in the user's files is the useful place.
  const frames = (error.stack ?? "").split("\n").filter((line) => /^\s+at /.test(line));
  const userFrames = frames.filter((line) => {
    const location = frameLocation(line);
    return location !== undefined && insideFolder(dagsFolder, location.file);
  });
  const headline = `${error.name}: ${error.message}`;
  const first = userFrames[0] === undefined ? undefined : frameLocation(userFrames[0]);
  if (first === undefined) return headline;
  const frame = codeFrame(first);
  const stack = userFrames.map((line) => `    ${line.trim().replaceAll(dagsFolder + sep, "")}`).join("\n");
  return `${show(first.file)}:${first.line}:${first.column}: ${headline}${frame ? `\n\n${frame}` : ""}\n\n${stack}`;
}
