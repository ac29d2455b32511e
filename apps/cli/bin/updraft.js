#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=30
// The `updraft` command. Runs the compiled CLI (dist/, made by `pnpm build`) in this process with
// plain node. The shebang's two V8 flags keep the long-lived processes small at no measurable CPU
// cost (bench:memory prints peak RSS and CPU seconds; NODE_FLAGS compares):
// - `--max-semi-space-size=4` caps the young generation at 4 MiB per semi-space (node's default
//   grows it to 16): the scheduler and a worker keep a live heap of ~30 MiB, and the default young
//   generation added 24 MiB of RSS to each.
// - `--heap-growing-percent=30` lets the old generation grow to 1.3x what survived the last full
//   GC before the next one, where V8's own factor (up to 4x) let a scheduler's 30 MiB live heap
//   carry 40-70 MiB of garbage. Measured with bench:memory (1 worker, wide run and 500 x 10): peak
//   RSS scheduler 195 -> 123 MiB, worker 124 -> 108 MiB; CPU seconds 13.7 -> 13.4 and 13.6 -> 13.6.
// V8 reads them only at start, so they are node flags: the Docker image (ENTRYPOINT updraft) and
// the npm/pnpm bin shims (which copy a shebang's flags) start node with them; `node
// bin/updraft.js` does not, so the benchmarks read the flags from this line (bench/src/processes.ts).
// In a dev checkout that has not been built, or with UPDRAFT_FROM_SOURCE=1, it runs the TypeScript
// sources instead, through tsx with the `updraft-source` condition, as `pnpm updraft` does.
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
