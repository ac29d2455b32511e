// A try's import of its DAG file is bounded (issue 10, item 8, in the task process every executor
// uses: the local executor, the distributed worker and `dags test`): a file whose import never
// resolves fails the try at the import timeout and its process is killed, while a file that only
// leaves a timer running at import runs its task, in the same pool, afterwards. The bound is on the
// import alone: a task that then blocks its process's event loop for longer (synchronous work) is
// not cut short by it.
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TaskProcessPool } from "../src/index.ts";
import { tryJob } from "./support/try-job.ts";

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "updraft-pool-import-"));
  await writeFile(
    join(folder, "hangs.ts"),
    `import { dag, task } from "@updraft/sdk";
setInterval(() => {}, 1_000);
await new Promise(() => {});
export default dag({ dagId: "hangs" }, () => void task({ taskId: "a" }, () => 1));`,
  );
  await writeFile(
    join(folder, "busy.ts"),
    `import { dag, task } from "@updraft/sdk";
export default dag({ dagId: "busy" }, () => void task({ taskId: "a" }, () => {
  const until = Date.now() + 2_500;
  while (Date.now() < until);
  return "busy";
}));`,
  );
  await writeFile(
    join(folder, "interval.ts"),
    `import { dag, task } from "@updraft/sdk";
setInterval(() => {}, 1_000);
export default dag({ dagId: "with_interval" }, () => void task({ taskId: "a" }, () => "ran"));`,
  );
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

const job = (file: string, dagId: string) => tryJob(folder, file, dagId, "a");

// Not a zombie either: the killed process may await its reaping for a moment.
const alive = (pid: number) => {
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
};

async function untilDead(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  return !alive(pid);
}

describe("a try's DAG file import", () => {
  it("fails the try at the import timeout and kills its process; a file leaving a timer open still runs", async () => {
    const pool = new TaskProcessPool({ size: 1, maxTriesPerChild: 100, importTimeoutMs: 3_000 });
    try {
      let hungPid = 0;
      const hooks = (onPid: (pid: number) => void) => ({
        onStart: (pid: number) => {
          onPid(pid);
          return Promise.resolve(true);
        },
        onLog: () => {},
        deadlineMs: null,
      });
      const hung = await pool.run(job("hangs.ts", "hangs"), hooks((pid) => (hungPid = pid)));
      expect(hung).toEqual({ state: "failed", timedOut: false, error: expect.stringContaining("importing the DAG file took longer than 3s") });
      expect(await untilDead(hungPid)).toBe(true);
      let nextPid = 0;
      const fine = await pool.run(job("interval.ts", "with_interval"), hooks((pid) => (nextPid = pid)));
      expect(fine).toEqual({ state: "success", result: "ran" });
      expect(nextPid).not.toBe(hungPid);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it("does not bound the task after it: synchronous work past the import timeout runs to its end", async () => {
    const pool = new TaskProcessPool({ size: 1, maxTriesPerChild: 100, importTimeoutMs: 1_000 });
    try {
      const hooks = { onStart: () => Promise.resolve(true), onLog: () => {}, deadlineMs: null };
      // Twice: the first try imports the file; the second finds it imported already.
      for (let i = 0; i < 2; i++) expect(await pool.run(job("busy.ts", "busy"), hooks)).toEqual({ state: "success", result: "busy" });
    } finally {
      await pool.close();
    }
  }, 60_000);
});
