// An aborted parse (the scheduler stopping) ends at once: every parse process is killed, none is
// waited for up to the import timeout, and no file is blamed for the abort.
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDagsFolder } from "../src/index.ts";

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "updraft-dags-abort-"));
  for (const name of ["hangs_a.ts", "hangs_b.ts", "later.ts"]) await writeFile(join(folder, name), "while (true) {}\n");
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

// Live (non-zombie) parse processes that are children of this process, read from /proc (Linux).
function parseProcesses(): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        // "pid (comm) state ppid ...": comm may hold spaces, so split after ")".
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return state !== "Z" && Number(ppid) === process.pid && readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("parse-child");
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe("loadDagsFolder with an abort signal", () => {
  it("kills its parse processes at once and rejects with the signal's reason", async () => {
    const abort = new AbortController();
    // Two processes at once, one file each; the import timeout (60 s) never comes into play.
    const loading = loadDagsFolder({ dagsFolder: folder, fileTimeoutMs: 60_000, processes: 2, filesPerProcess: 1, signal: abort.signal });
    const outcome = loading.then(
      () => "resolved",
      (error: unknown) => error,
    );
    await until(() => parseProcesses().length === 2);
    const aborted = Date.now();
    abort.abort(new Error("stopping"));
    expect(await outcome).toEqual(new Error("stopping"));
    expect(Date.now() - aborted).toBeLessThan(10_000);
    expect(parseProcesses()).toEqual([]);
  });

  it("starts no parse process when the signal is aborted already", async () => {
    await expect(loadDagsFolder({ dagsFolder: folder, fileTimeoutMs: 60_000, signal: AbortSignal.abort(new Error("stopped")) })).rejects.toThrow("stopped");
    expect(parseProcesses()).toEqual([]);
  });
});
