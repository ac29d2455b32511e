// `updraft scheduler` stops at once on SIGTERM, even while it parses a DAGs folder whose file
// never finishes importing: the parse process is killed rather than waited for (the import
// timeout, 60 s here), no process is left behind, and the aborted parse records nothing.
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { dags, importErrors } from "@updraft/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SchedulerHarness } from "./scheduler-harness.ts";
import { isAlive, watchDescendants } from "./support.ts";

const OK_DAG = `import { bash, dag } from "@updraft/sdk";
export default dag({ dagId: "ok_dag", schedule: null }, () => {
  bash({ taskId: "t", command: "true" });
});`;

// A parse process of this DAGs folder: `node ... parse-child.(ts|js)`.
function isParseProcess(pid: number): boolean {
  try {
    return /parse-child\.[jt]s/.test(readFileSync(`/proc/${pid}/cmdline`, "utf8"));
  } catch {
    return false;
  }
}

describe("updraft scheduler on SIGTERM", () => {
  let h: SchedulerHarness;

  beforeAll(async () => {
    // ok_dag is parsed and recorded here; the hanging file only appears for the scheduler.
    h = await SchedulerHarness.create({ "ok.ts": OK_DAG });
    await writeFile(join(h.dagsFolder, "hang.ts"), "while (true) {}\n");
  });

  afterAll(async () => {
    await h?.close();
  });

  it("aborts a DAGs-folder parse under way: exits 0 within seconds, leaves no process, records no import error", async () => {
    const scheduler = h.startScheduler({ UPDRAFT_DAG_IMPORT_TIMEOUT: "60", UPDRAFT_LOG_LEVEL: "info" });
    const exited = new Promise<number | null>((resolve) => scheduler.once("exit", (code) => resolve(code)));
    const tree = watchDescendants(scheduler.pid!);
    try {
      await h.until("a parse process of the DAGs folder", async () => [...tree.seen].some((pid) => isAlive(pid) && isParseProcess(pid)));
      const signalled = Date.now();
      scheduler.kill("SIGTERM");
      expect(await exited).toBe(0);
      // The import timeout is 60 s: waiting for the hanging file would take about that long.
      expect(Date.now() - signalled).toBeLessThan(10_000);
    } finally {
      tree.stop();
    }
    expect(h.output).toContain("scheduler stopped");
    expect([...tree.seen].filter(isAlive)).toEqual([]);
    expect(await h.database.db.select().from(importErrors)).toEqual([]);
    const [ok] = await h.database.db.select({ isActive: dags.isActive }).from(dags).where(eq(dags.dagId, "ok_dag"));
    expect(ok).toEqual({ isActive: true });
  });
});
