#!/usr/bin/env node
// The `updraft` command. Runs the compiled CLI (dist/, made by `pnpm build`) in this process with
// plain node. In a dev checkout that has not been built, or with UPDRAFT_FROM_SOURCE=1, it runs
// the TypeScript sources instead, through tsx with the `updraft-source` condition, as
// `pnpm updraft` does.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import { fileURLToPath } from "node:url";

const compiled = new URL("../dist/main.js", import.meta.url);
if (process.env.UPDRAFT_FROM_SOURCE !== "1" && existsSync(compiled)) {
  await import(compiled.href);
} else {
  const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
  const tsx = import.meta.resolve("tsx");
  const child = spawn(process.execPath, ["--conditions=updraft-source", "--import", tsx, main, ...process.argv.slice(2)], { stdio: "inherit" });
  // The child gets Ctrl-C from the terminal itself; a SIGTERM sent to this pid is passed on.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
}
