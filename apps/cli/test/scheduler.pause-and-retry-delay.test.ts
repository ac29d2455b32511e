// Issue 10, end to end under every real scheduler variant (Postgres with the local and the
// distributed executor, PGlite with the standalone's local executor):
//  - item 9: pausing a DAG stops new task instances of its running run (the next task waits
//    while the DAG is paused, "why waiting" says paused and not ready) and unpausing resumes it;
//  - item 10: a fixed retryDelay is not shortened by maxRetryDelay (which caps only exponential
//    backoff, as Airflow's next_retry_datetime): the retry is due exactly retryDelay after the
//    failed try ended, and starts no earlier;
//  - item 8: both DAG files leave a timer running at import; the scheduler's parse and the
//    executors' import of the file still end, and the tasks run.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setDagPaused, taskInstances, wakeScheduler } from "@updraft/db";
import { explainTaskInstance } from "@updraft/scheduler";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCHEDULING_VARIANTS, SchedulerHarness } from "./scheduler-harness.ts";

const SDK = `import { bash, chain, dag, task } from "@updraft/sdk";`;
const GATES = mkdtempSync(join(tmpdir(), "updraft-pause-gates-"));
const LIMITS = { parallelism: 32, maxActiveTasksPerDag: 16, maxActiveRunsPerDag: 16 };
/** Fixed retry delay of the flaky task, in ms; its maxRetryDelay is 1 s. */
const RETRY_DELAY_MS = 3_000;

// A task that says it started, then runs until the test opens its gate (at most 60 s).
const gate = (name: string) =>
  JSON.stringify(`touch ${join(GATES, `${name}.started`)}; i=0; while [ ! -f ${join(GATES, name)} ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done`);

const files = (variant: string): Record<string, string> => ({
  "pausable.ts": `${SDK}
setInterval(() => {}, 1_000); // a handle left open at import (item 8)
export default dag({ dagId: "pausable" }, () => {
  chain(bash({ taskId: "gate", command: ${gate(variant)} }), task({ taskId: "after" }, () => "ran"));
});`,
  "fixed_delay.ts": `${SDK}
setInterval(() => {}, 1_000); // a handle left open at import (item 8)
export default dag({ dagId: "fixed_delay" }, () => {
  task({ taskId: "flaky", retries: 1, retryDelay: "${RETRY_DELAY_MS / 1000}s", maxRetryDelay: "1s" }, (ctx) => {
    if (ctx.tryNumber === 1) throw new Error("the first try fails on purpose");
    return "second try";
  });
});`,
});

afterAll(() => rmSync(GATES, { recursive: true, force: true }));

describe.each(SCHEDULING_VARIANTS)("pause and retry delay ($driver, $executor executor)", ({ driver, executor }) => {
  let h: SchedulerHarness;
  const variant = `${driver}_${executor}`;

  beforeAll(async () => {
    h = await SchedulerHarness.create(files(variant), driver);
    await h.startScheduling(executor);
  }, 120_000);

  afterAll(async () => {
    await h?.close();
  });

  const ti = async (dagId: string, taskId: string) =>
    (await h.database.db.select().from(taskInstances).where(and(eq(taskInstances.dagId, dagId), eq(taskInstances.taskId, taskId))))[0];

  it("starts no new task instance of a paused DAG's running run, says why, and resumes on unpause", { timeout: 120_000 }, async () => {
    await h.trigger("pausable", "r1");
    await h.until("the gate's command runs", () => Promise.resolve(existsSync(join(GATES, `${variant}.started`))));
    await setDagPaused(h.database.db, "pausable", true);
    await wakeScheduler(h.database.db);
    writeFileSync(join(GATES, variant), "");
    await h.until("the gate succeeds", async () => (await ti("pausable", "gate"))?.state === "success");
    // Several scheduler heartbeats (1 s each) pass while paused: "after" is not started.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const held = await ti("pausable", "after");
    expect([held?.state ?? null, held?.tryNumber]).toEqual([expect.toBeOneOf([null, "scheduled"]), 0]);
    const why = (await explainTaskInstance(h.database.db, { dagId: "pausable", runId: "r1", taskId: "after" }, LIMITS))!.map((e) => e.message).join(" | ");
    expect(why).toContain("paused");
    expect(why).not.toMatch(/\bready\b/);

    await setDagPaused(h.database.db, "pausable", false);
    await wakeScheduler(h.database.db);
    expect(await h.waitForRuns("pausable", ["r1"])).toEqual({ r1: "success" });
    expect((await ti("pausable", "after"))?.tryNumber).toBe(1);
  });

  it("waits the full fixed retryDelay before a retry when maxRetryDelay is smaller", { timeout: 120_000 }, async () => {
    await h.trigger("fixed_delay", "r1");
    let waiting: Awaited<ReturnType<typeof ti>>;
    await h.until("the failed first try is up for retry", async () => (waiting = await ti("fixed_delay", "flaky"))?.state === "up_for_retry");
    expect(waiting!.nextRetryAt!.getTime() - waiting!.endDate!.getTime()).toBe(RETRY_DELAY_MS);
    expect(await h.waitForRuns("fixed_delay", ["r1"])).toEqual({ r1: "success" });
    const [first, second] = await h.tries("fixed_delay", "flaky");
    expect([first?.state, second?.state]).toEqual(["failed", "success"]);
    expect(second!.startDate!.getTime() - first!.endDate!.getTime()).toBeGreaterThanOrEqual(RETRY_DELAY_MS);
  });
});
