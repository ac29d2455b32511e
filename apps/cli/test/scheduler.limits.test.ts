// The concurrency limits, end to end: a real `updraft scheduler` with the local executor on a real
// Postgres database runs real DAGs; overlaps are read from the task instances' start/end times.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maxOverlap, overlaps, SchedulerHarness } from "./scheduler-harness.ts";

const SDK = `import { bash, chain, dag, task } from "@updraft/sdk";`;

// Overlaps are proven with barriers, not with sleeps that a loaded machine can outlast: a task
// drops a marker file in a group's folder, then waits (at most 20 s) until `count` markers are
// there. Tasks that really run side by side pass the barrier together; a missed overlap still fails
// the assertion, because a task that times out at the barrier has run alone.
const BARRIERS = mkdtempSync(join(tmpdir(), "updraft-barriers-"));
function barrier(group: string, marker: string, count: number): string {
  const dir = join(BARRIERS, group);
  mkdirSync(dir, { recursive: true });
  return (
    `touch ${dir}/${marker}; i=0; ` +
    `while [ "$(ls ${dir} | wc -l)" -lt ${count} ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done`
  );
}

const DAGS: Record<string, string> = {
  "wide.ts": `${SDK}
export default dag({ dagId: "wide" }, () => {
  for (const id of ["a", "b", "c", "d"]) bash({ taskId: id, command: ${JSON.stringify(barrier("wide", "$UPDRAFT_CTX_TASK_ID", 4))} });
});`,
  "capped_tasks.ts": `${SDK}
export default dag({ dagId: "capped_tasks", maxActiveTasks: 2 }, () => {
  for (const id of ["a", "b", "c", "d", "e", "f"]) bash({ taskId: id, command: ${JSON.stringify(barrier("capped", "$UPDRAFT_CTX_TASK_ID", 2) + "; sleep 0.5")} });
});`,
  "one_run_a.ts": `${SDK}
export default dag({ dagId: "one_run_a", maxActiveRuns: 1 }, () => { bash({ taskId: "work", command: ${JSON.stringify(barrier("one_run", "a", 2) + "; sleep 0.5")} }); });`,
  "one_run_b.ts": `${SDK}
export default dag({ dagId: "one_run_b", maxActiveRuns: 1 }, () => { bash({ taskId: "work", command: ${JSON.stringify(barrier("one_run", "b", 2) + "; sleep 0.5")} }); });`,
  "pooled.ts": `${SDK}
export default dag({ dagId: "pooled" }, () => {
  for (const id of ["p1", "p2", "p3"]) bash({ taskId: id, command: ${JSON.stringify(barrier("pooled", "$UPDRAFT_CTX_TASK_ID", 2) + "; sleep 0.3")}, pool: "single_slot" });
  bash({ taskId: "free", command: ${JSON.stringify(barrier("pooled", "free", 2) + "; sleep 0.3")} });
});`,
  "retries.ts": `${SDK}
export default dag({ dagId: "retries" }, () => {
  const flaky = bash({ taskId: "flaky", command: "exit 1", retries: 1, retryDelay: 2 });
  chain(flaky, bash({ taskId: "after_all", command: "echo cleanup", triggerRule: "all_done" }));
});`,
  "timeout.ts": `${SDK}
export default dag({ dagId: "timeout" }, () => {
  bash({ taskId: "sleepy", command: "sleep 60", executionTimeout: 1 });
  task({ taskId: "stuck", executionTimeout: 1 }, () => { const until = Date.now() + 60_000; while (Date.now() < until) {} });
});`,
};

let h: SchedulerHarness;

beforeAll(async () => {
  h = await SchedulerHarness.create(DAGS);
  const { upsertPool } = await import("@updraft/db");
  await upsertPool(h.database.db, { name: "single_slot", slots: 1 });
  h.startScheduler({ UPDRAFT_PARALLELISM: "16" });
});

afterAll(async () => {
  await h?.close();
  rmSync(BARRIERS, { recursive: true, force: true });
});

describe("scheduler limits (local executor, Postgres)", () => {
  it("runs independent tasks in parallel", async () => {
    await h.trigger("wide", "r1");
    expect(await h.waitForRuns("wide", ["r1"])).toEqual({ r1: "success" });
    expect(maxOverlap(await h.intervals("wide"))).toBe(4);
  });

  it("caps running tasks of a DAG at its maxActiveTasks", async () => {
    await h.trigger("capped_tasks", "r1");
    expect(await h.waitForRuns("capped_tasks", ["r1"])).toEqual({ r1: "success" });
    expect(maxOverlap(await h.intervals("capped_tasks"))).toBe(2);
  });

  it("keeps a DAG's runs apart with maxActiveRuns 1 while another DAG runs beside it", async () => {
    await h.trigger("one_run_a", "r1");
    await h.trigger("one_run_a", "r2");
    await h.trigger("one_run_b", "r1");
    await h.waitForRuns("one_run_a", ["r1", "r2"]);
    await h.waitForRuns("one_run_b", ["r1"]);
    const a = await h.intervals("one_run_a");
    const b = await h.intervals("one_run_b");
    expect(maxOverlap(a)).toBe(1);
    expect(a.some((x) => overlaps(x, b[0]!))).toBe(true);
  });

  it("serialises the tasks of a one-slot pool, not the others", async () => {
    await h.trigger("pooled", "r1");
    await h.waitForRuns("pooled", ["r1"]);
    const all = await h.intervals("pooled");
    expect(maxOverlap(all.filter((i) => i.taskId.startsWith("p")))).toBe(1);
    expect(maxOverlap(all)).toBe(2);
  });

  it("retries a failed task after its delay, keeps both tries, and runs an all_done task after the failure", async () => {
    await h.trigger("retries", "r1");
    expect(await h.waitForRuns("retries", ["r1"])).toEqual({ r1: "success" });
    const tries = await h.tries("retries", "flaky");
    expect(tries.map((t) => [t.tryNumber, t.state])).toEqual([
      [1, "failed"],
      [2, "failed"],
    ]);
    const gap = tries[1]!.startDate!.getTime() - tries[0]!.endDate!.getTime();
    expect(gap).toBeGreaterThanOrEqual(2_000);
    const final = await h.intervals("retries");
    expect(final.find((i) => i.taskId === "flaky")!.state).toBe("failed");
    expect(final.find((i) => i.taskId === "after_all")!.state).toBe("success");
  });

  it("kills and fails a try past its executionTimeout, even a task stuck in a loop", async () => {
    const started = Date.now();
    await h.trigger("timeout", "r1");
    expect(await h.waitForRuns("timeout", ["r1"])).toEqual({ r1: "failed" });
    expect(Date.now() - started).toBeLessThan(30_000);
    const tries = [...(await h.tries("timeout", "sleepy")), ...(await h.tries("timeout", "stuck"))];
    expect(tries.map((t) => t.state)).toEqual(["failed", "failed"]);
    expect(tries.every((t) => /executionTimeout/.test(t.error ?? ""))).toBe(true);
  });
});
