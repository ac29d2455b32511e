// Parallelism 1 behaves like the sequential executor (no overlap; higher priority first), and two
// schedulers on one database never queue a task instance twice (scheduler HA).
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { maxOverlap, SchedulerHarness } from "./scheduler-harness.ts";

const SDK = `import { bash, chain, dag } from "@updraft/sdk";`;

describe("parallelism 1", () => {
  let h: SchedulerHarness;
  afterAll(() => h?.close());

  it("never overlaps two tasks and starts the highest priority first", async () => {
    h = await SchedulerHarness.create({
      "prio.ts": `${SDK}
export default dag({ dagId: "prio" }, () => {
  const low = bash({ taskId: "low", command: "sleep 0.2", priorityWeight: 1 });
  const high = bash({ taskId: "high", command: "sleep 0.2", priorityWeight: 10 });
  const mid = bash({ taskId: "mid", command: "sleep 0.2", priorityWeight: 5 });
  chain([low, high, mid], bash({ taskId: "last", command: "sleep 0.2" }));
});`,
      "other.ts": `${SDK}
export default dag({ dagId: "other" }, () => { bash({ taskId: "x", command: "sleep 0.2" }); bash({ taskId: "y", command: "sleep 0.2" }); });`,
    });
    h.startScheduler({ UPDRAFT_PARALLELISM: "1" });
    await h.trigger("prio", "r1");
    await h.trigger("other", "r1");
    await h.waitForRuns("prio", ["r1"]);
    await h.waitForRuns("other", ["r1"]);
    const all = [...(await h.intervals("prio")), ...(await h.intervals("other"))];
    expect(all).toHaveLength(6);
    expect(maxOverlap(all)).toBe(1);
    const prio = (await h.intervals("prio")).sort((a, b) => a.start - b.start).map((i) => i.taskId);
    expect(prio).toEqual(["high", "mid", "low", "last"]);
  });
});

describe("two schedulers on one database", () => {
  let h: SchedulerHarness;
  let markers: string;
  afterAll(async () => {
    await h?.close();
    await rm(markers, { recursive: true, force: true });
  });

  it("queue and run every task instance exactly once", async () => {
    markers = await mkdtemp(join(tmpdir(), "updraft-ha-"));
    const file = join(markers, "ran.txt");
    const tasks = Array.from({ length: 30 }, (_, i) => `t${i}`);
    h = await SchedulerHarness.create({
      "ha.ts": `${SDK}
export default dag({ dagId: "ha", maxActiveTasks: 64 }, () => {
  for (const id of ${JSON.stringify(tasks)}) bash({ taskId: id, command: 'echo "$UPDRAFT_CTX_RUN_ID/$UPDRAFT_CTX_TASK_ID" >> ${file}' });
});`,
    });
    h.startScheduler({ UPDRAFT_PARALLELISM: "8" });
    h.startScheduler({ UPDRAFT_PARALLELISM: "8" });
    const runs = ["r1", "r2", "r3", "r4"];
    for (const run of runs) await h.trigger("ha", run);
    const states = await h.waitForRuns("ha", runs, 90_000);
    expect(Object.values(states)).toEqual(["success", "success", "success", "success"]);

    const lines = (await readFile(file, "utf8")).trim().split("\n");
    expect(lines).toHaveLength(runs.length * tasks.length);
    expect(new Set(lines).size).toBe(lines.length);
    const intervals = await h.intervals("ha");
    expect(intervals.every((i) => i.tryNumber === 1)).toBe(true);
    // Both schedulers did work: their local executors record themselves as local@host:pid.
    const { taskInstances } = await import("@updraft/db");
    const { eq } = await import("drizzle-orm");
    const workers = await h.database.db.selectDistinct({ name: taskInstances.workerName }).from(taskInstances).where(eq(taskInstances.dagId, "ha"));
    expect(workers).toHaveLength(2);
  });
});
