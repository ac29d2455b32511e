// How the task process pool grows: a try that finds every process busy waits for one to come free,
// and gets a process of its own once it has waited a little (so a long try never holds up a short
// one beyond that); short tries one after another reuse one process; the pool never exceeds its size.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskProcessPool } from "../src/index.ts";
import type { TryOutcome } from "../src/task-outcome.ts";
import { tryJob } from "./support/try-job.ts";

let folder: string;
let savedTmpdir: string | undefined;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "updraft-pool-growth-"));
  // The task processes' compiled-DAG cache goes under the test's folder (it lives in TMPDIR).
  savedTmpdir = process.env.TMPDIR;
  process.env.TMPDIR = join(folder, "tmp");
  await mkdir(join(folder, "tmp"));
  await writeFile(
    join(folder, "growth.ts"),
    `import { dag, task } from "@updraft/sdk";

export default dag({ dagId: "growth" }, () => {
  task({ taskId: "quick" }, () => process.pid);
  task({ taskId: "slow" }, () => new Promise((resolve) => setTimeout(() => resolve(process.pid), 5_000)));
});
`,
  );
});

afterAll(async () => {
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
  await rm(folder, { recursive: true, force: true });
});

const job = (taskId: string) => tryJob(folder, "growth.ts", "growth", taskId);

const hooks = { onStart: () => Promise.resolve(true), onLog: () => {}, deadlineMs: null };

/** Runs a try and notes its task id in `order` when it ended. */
async function run(pool: TaskProcessPool, taskId: string, order: string[]): Promise<TryOutcome | "refused"> {
  const outcome = await pool.run(job(taskId), hooks);
  order.push(taskId);
  return outcome;
}

const resultOf = (outcome: TryOutcome | "refused") => (outcome !== "refused" && outcome.state === "success" ? outcome.result : null);

describe("the task process pool's growth", () => {
  it("starts a process for a try that waited behind a long one, and reuses one process for tries one after another", async () => {
    const pool = new TaskProcessPool({ size: 2, maxTriesPerChild: 100 });
    pool.warm(1);
    const order: string[] = [];
    try {
      const first = resultOf(await run(pool, "quick", order));
      const second = resultOf(await run(pool, "quick", order));
      expect(second).toBe(first);

      const slow = run(pool, "slow", order);
      // The only process is busy for 5 s: the quick try gets a process of its own meanwhile.
      const quick = await run(pool, "quick", order);
      expect(order).toEqual(["quick", "quick", "quick"]);
      const slowPid = resultOf(await slow);
      expect(resultOf(quick)).not.toBe(slowPid);
      expect(pool.busyCount()).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it("serves more tries than processes, never starting more than its size", async () => {
    const pool = new TaskProcessPool({ size: 2, maxTriesPerChild: 100 });
    try {
      const outcomes = await Promise.all(Array.from({ length: 12 }, () => pool.run(job("quick"), hooks)));
      const pids = new Set(outcomes.map(resultOf));
      expect(pids.has(null)).toBe(false);
      expect(pids.size).toBeGreaterThanOrEqual(1);
      expect(pids.size).toBeLessThanOrEqual(2);
    } finally {
      await pool.close();
    }
  });
});
