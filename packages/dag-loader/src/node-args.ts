// Arguments for every Node process Updraft starts (DAG parsing children, task runners): TypeScript
// through tsx, so DAG files need no build step, and workspace packages resolved to their source.
import { fileURLToPath } from "node:url";

export function updraftNodeArgs(): string[] {
  return ["--conditions=updraft-source", "--import", import.meta.resolve("tsx")];
}

/** Absolute path of a module next to the caller, whether we run from src (.ts) or dist (.js). */
export function siblingModule(callerUrl: string, baseName: string): string {
  const ext = callerUrl.endsWith(".ts") ? ".ts" : ".js";
  return fileURLToPath(new URL(`./${baseName}${ext}`, callerUrl));
}
