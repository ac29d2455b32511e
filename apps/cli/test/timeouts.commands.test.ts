// executionTimeout ends the try under `dags test` and `tasks test` (issue 10, item 3): a task
// spinning synchronously is killed with its task process; a task ignoring ctx.signal is killed
// after a short grace; its retry starts only after the old try is gone, and the old try's log
// stops at its end.
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeHome, runCli } from "./support.ts";

let home: { home: string; cleanup: () => Promise<void> };
let folder: string;
let marker: string;

beforeAll(async () => {
  home = await makeHome();
  folder = await mkdtemp(join(tmpdir(), "updraft-cli-timeouts-"));
  marker = join(folder, "spin-finished");
  await writeFile(
    join(folder, "timeouts.ts"),
    `import { writeFileSync } from "node:fs";
import { dag, task } from "@updraft/sdk";
export const spins = dag({ dagId: "spins" }, () => {
  task({ taskId: "spin", executionTimeout: "1s" }, () => {
    const until = Date.now() + 4_000;
    while (Date.now() < until) { /* synchronous: no await, no signal check */ }
    writeFileSync(${JSON.stringify(marker)}, "the spin was not stopped");
    return "done";
  });
});
export const deaf = dag({ dagId: "deaf" }, () => {
  task({ taskId: "deaf", executionTimeout: "1s", retries: 1, retryDelay: 0 }, (ctx) =>
    new Promise(() => { setInterval(() => ctx.log("tick of try %d", ctx.tryNumber), 100); }),
  );
});
`,
  );
});

afterAll(async () => {
  await home.cleanup();
  await rm(folder, { recursive: true, force: true });
});

describe("executionTimeout under dags test", () => {
  it("fails and stops a task that spins synchronously past its timeout", async () => {
    const started = Date.now();
    const result = await runCli(["dags", "test", "spins"], { UPDRAFT_HOME: home.home, UPDRAFT_DAGS_FOLDER: folder });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✖ spin try 1 failed after .*executionTimeout/);
    expect(result.stdout).toContain("DAG run spins failed");
    // Had the spin survived its process, it would write the marker 4 s after it began.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + 6_000 - Date.now())));
    expect(existsSync(marker)).toBe(false);
  });

  it("kills a task that ignores ctx.signal; its retry starts only after the old try ended", async () => {
    const result = await runCli(["dags", "test", "deaf"], { UPDRAFT_HOME: home.home, UPDRAFT_DAGS_FOLDER: folder });
    expect(result.code).toBe(1);
    const lines = result.stdout.split("\n");
    const failed1 = lines.findIndex((l) => /✖ deaf try 1 failed/.test(l));
    const start2 = lines.findIndex((l) => /▶ deaf try 2/.test(l));
    expect(failed1).toBeGreaterThan(0);
    expect(start2).toBeGreaterThan(failed1);
    expect(lines.slice(failed1).some((l) => l.includes("tick of try 1"))).toBe(false);
    expect(lines.slice(0, failed1).some((l) => l.includes("tick of try 1"))).toBe(true);
    expect(lines.slice(start2).some((l) => l.includes("tick of try 2"))).toBe(true);
    expect(result.stdout).toMatch(/✖ deaf try 2 failed .*executionTimeout.* -> failed/);
  });

  it("tasks test fails a spinning task at its timeout too", async () => {
    const result = await runCli(["tasks", "test", "spins", "spin"], { UPDRAFT_HOME: home.home, UPDRAFT_DAGS_FOLDER: folder });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✖ spin try 1 failed .*executionTimeout/);
  });
});
