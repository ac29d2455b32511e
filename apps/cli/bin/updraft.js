#!/usr/bin/env node
// Starts the CLI with TypeScript support (tsx) and workspace packages resolved to their source,
// the same way `pnpm updraft` does, so `updraft` works when linked onto the PATH.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
const tsx = import.meta.resolve("tsx");
const result = spawnSync(process.execPath, ["--conditions=updraft-source", "--import", tsx, main, ...process.argv.slice(2)], {
  stdio: "inherit",
});
process.exit(result.status ?? 1);
