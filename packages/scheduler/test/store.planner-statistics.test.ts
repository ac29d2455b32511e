// The scheduler refreshes task_instances' planner statistics once the runs it started created
// enough task instances (decisions/analyze-due.ts), on Postgres and PGlite: observed through
// pg_class.reltuples, which ANALYZE sets to the table's row count (-1 before any).
import { describe, expect, it } from "vitest";
import { createDagRun } from "@updraft/db";
import { sql } from "drizzle-orm";
import { useStoreWorld } from "./support/store-world.ts";
import { insertTaskInstances } from "../src/store/integrity-store.ts";
import { PlannerStatistics } from "../src/store/planner-statistics.ts";
import { silentLogger } from "@updraft/core";

describe.each(["postgres", "pglite"] as const)("planner statistics (%s)", (driver) => {
  const world = useStoreWorld(driver, { "wide.ts": `import { dag, task } from "@updraft/sdk";\nexport default dag({ dagId: "wide" }, () => { task({ taskId: "t" }, () => null); });` });
  const reltuples = async () =>
    Number((await world.database.db.execute<{ n: number | string }>(sql`select reltuples as n from pg_class where oid = 'task_instances'::regclass`)).rows[0]!.n);
  const tis = (runId: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({ dagId: "wide", runId, taskId: `t${i}`, retries: 0, queue: "default", pool: "default_pool", poolSlots: 1, priorityWeight: 1 }));
  /** A run of "wide" on 2024-01-`day` with `n` task instances. */
  const addRun = async (runId: string, day: number, n: number) => {
    const { db } = world.database;
    await createDagRun(db, { dagId: "wide", runId, runType: "manual", logicalDate: new Date(Date.UTC(2024, 0, day)) });
    await insertTaskInstances(db, tis(runId, n));
  };

  it("analyzes once 1,000 task instances were created or changed, not before, and at most once per interval", async () => {
    const { db } = world.database;
    const statistics = new PlannerStatistics(db, silentLogger);
    // Postgres's autovacuum would ANALYZE the table on its own schedule and move reltuples under
    // the assertions; only the scheduler's refresh may here.
    await db.execute(sql`alter table task_instances set (autovacuum_enabled = false)`);
    await addRun("a", 1, 999);
    statistics.noteInserted(999);
    expect(await statistics.refreshIfDue(1_000_000)).toBe(false);
    expect(await reltuples()).toBeLessThan(1); // never analyzed (-1), or 0 on a server that analyzed the empty table

    await addRun("b", 2, 1);
    statistics.noteInserted(1);
    expect(await statistics.refreshIfDue(1_000_000)).toBe(true);
    expect(await reltuples()).toBe(1_000);

    // 1,000 changes within the interval: not yet; after it: yes.
    await addRun("c", 3, 1_000);
    statistics.noteChanged(1_000);
    expect(await statistics.refreshIfDue(1_009_000)).toBe(false);
    expect(await reltuples()).toBe(1_000);
    expect(await statistics.refreshIfDue(1_010_000)).toBe(true);
    expect(await reltuples()).toBe(2_000);

    // 2,000 created right after: at once, whatever the interval.
    await addRun("d", 4, 2_000);
    statistics.noteInserted(2_000);
    expect(await statistics.refreshIfDue(1_010_001)).toBe(true);
    expect(await reltuples()).toBe(4_000);
  });
});
