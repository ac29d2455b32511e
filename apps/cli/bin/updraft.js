#!/usr/bin/env -S node --max-semi-space-size=4
// The `updraft` command. Runs the compiled CLI (dist/, made by `pnpm build`) in this process with
// plain node. The shebang caps V8's young generation at 4 MiB per semi-space (node's default grows
// it to 16): the scheduler and a worker keep a live heap of ~30 MiB, and the default young
// generation added 24 MiB of RSS to each, and its size raises the old generation's GC limit too;
// the cap costs no measurable CPU (bench:memory prints RSS and CPU seconds; NODE_FLAGS compares).
// V8 reads the size only at start, so it is a node flag: the Docker image (ENTRYPOINT updraft)
// and the npm/pnpm bin shims (which copy a shebang's flags) start node with it; `node
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
