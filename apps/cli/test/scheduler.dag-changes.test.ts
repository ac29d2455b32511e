// Runs in flight when their DAG changes or breaks still end (issue 10, item 12), end to end: a
// real `updraft scheduler` on Postgres, with the local executor and with the distributed one (a
// real `updraft worker`), and the standalone's scheduler service on PGlite. While a run's first task waits at a gate, the DAG file is rewritten; the
// run must reach a final state that matches the new file.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { taskInstances, wakeScheduler } from "@updraft/db";
import { processDagsFolder } from "@updraft/scheduler";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCHEDULING_VARIANTS, SchedulerHarness } from "./scheduler-harness.ts";

const SDK = `import { bash, chain, dag, task } from "@updraft/sdk";`;
const GATES = mkdtempSync(join(tmpdir(), "updraft-gates-"));
// A task that says it started (its try imported the DAG file by then), then runs until the test
// opens its gate (at most 60 s).
const gate = (name: string) =>
  JSON.stringify(`touch ${join(GATES, `${name}.started`)}; i=0; while [ ! -f ${join(GATES, name)} ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done`);
const open = (name: string) => writeFileSync(join(GATES, name), "");
const started = (name: string) => existsSync(join(GATES, `${name}.started`));

const changes = (gateName: string, after: string) => `${SDK}
export default dag({ dagId: "changes" }, () => {
  const gate = bash({ taskId: "gate", command: ${gate(gateName)} });
  chain(gate, [${after}]);
});`;
const breaks = (gateName: string) => `${SDK}
export default dag({ dagId: "breaks" }, () => {
  chain(bash({ taskId: "gate", command: ${gate(gateName)} }), task({ taskId: "after" }, () => 1));
});`;

afterAll(() => rmSync(GATES, { recursive: true, force: true }));

describe.each(SCHEDULING_VARIANTS)("runs in flight when their DAG changes ($driver, $executor executor)", ({ driver, executor }) => {
  let h: SchedulerHarness;
  const variant = `${driver}_${executor}`;

  beforeAll(async () => {
    h = await SchedulerHarness.create(
      {
        "changes.ts": changes(`changes_${variant}`, `bash({ taskId: "doomed", command: "exit 1" }), bash({ taskId: "kept", command: "echo kept" })`),
        "breaks.ts": breaks(`breaks_${variant}`),
      },
      driver,
    );
    await h.startScheduling(executor);
  });

  afterAll(async () => {
    await h?.close();
  });

  const reparse = async (file: string, source: string) => {
    await writeFile(join(h.dagsFolder, file), source);
    await processDagsFolder(h.database.db, { dagsFolder: h.dagsFolder, fileTimeoutMs: 30_000, pausedAtCreation: false });
    await wakeScheduler(h.database.db);
  };
  const rows = async (dagId: string) =>
    Object.fromEntries(
      (await h.database.db.select().from(taskInstances).where(eq(taskInstances.dagId, dagId))).map((r) => [r.taskId, { state: r.state, tries: r.tryNumber }]),
    );
  // The gate's command runs: its try has imported the file, so rewriting the file now changes
  // only what comes after it ("running" alone is marked before the try imports the file).
  const gateRunning = (dagId: string) => () => Promise.resolve(started(`${dagId}_${variant}`));

  it("runs the tasks the DAG gained, never runs the ones it lost, and ends by the new file", async () => {
    await h.trigger("changes", "r1");
    await h.until("the gate runs", gateRunning("changes"));
    // `doomed` (which would fail the run) is gone; `added` is new.
    await reparse("changes.ts", changes(`changes_${variant}`, `bash({ taskId: "kept", command: "echo kept" }), bash({ taskId: "added", command: "echo added" })`));
    await h.until("doomed is removed", async () => (await rows("changes")).doomed?.state === "removed");
    open(`changes_${variant}`);
    expect(await h.waitForRuns("changes", ["r1"])).toEqual({ r1: "success" });
    expect(await rows("changes")).toEqual({
      gate: { state: "success", tries: 1 },
      doomed: { state: "removed", tries: 0 },
      kept: { state: "success", tries: 1 },
      added: { state: "success", tries: 1 },
    });
  });

  it("ends a run whose DAG file starts failing to import: the next task fails at import", async () => {
    await h.trigger("breaks", "r1");
    await h.until("the gate runs", gateRunning("breaks"));
    await reparse("breaks.ts", `${SDK}\nexport default dag({ dagId: "breaks" }, () => { this is not valid`);
    open(`breaks_${variant}`);
    expect(await h.waitForRuns("breaks", ["r1"])).toEqual({ r1: "failed" });
    expect(await rows("breaks")).toEqual({ gate: { state: "success", tries: 1 }, after: { state: "failed", tries: 1 } });
    const [tryOfAfter] = await h.tries("breaks", "after");
    expect(tryOfAfter?.error).toMatch(/breaks/);
  });
});
