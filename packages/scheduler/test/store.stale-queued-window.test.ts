// No fixed window over stale queued tries (issue 10, item 2's kind), on Postgres and PGlite: with
// more than a page of old queued tries that nobody takes (a queue no worker serves), a try queued
// behind them whose broker job was lost is still sent again.
import { describe, expect, it } from "vitest";
import { silentLogger, type Executor, type QueuedTaskInstance } from "@updraft/core";
import { createDagRun } from "@updraft/db";
import { sql } from "drizzle-orm";
import { useStoreWorld } from "./support/store-world.ts";
import { DagCache } from "../src/index.ts";
import { recoverStaleQueued } from "../src/store/lost-tries-store.ts";

const SDK = `import { dag, task } from "@updraft/sdk";`;

describe.each(["postgres", "pglite"] as const)("stale queued tries beyond one page (%s)", (driver) => {
  const world = useStoreWorld(driver, {
    "a_gpu.ts": `${SDK}\nexport default dag({ dagId: "a_gpu" }, () => { task({ taskId: "t", queue: "gpu" }, () => 1); });`,
    "z_lost.ts": `${SDK}\nexport default dag({ dagId: "z_lost" }, () => { task({ taskId: "lost" }, () => 1); });`,
  });

  it("sends again a lost try queued behind 5,001 old tries waiting for a queue no worker serves", async () => {
    const old = new Date(Date.now() - 3_600_000).toISOString();
    await createDagRun(world.database.db, { dagId: "a_gpu", runId: "r1", runType: "manual", logicalDate: new Date(Date.now() - 60_000) });
    await createDagRun(world.database.db, { dagId: "z_lost", runId: "r1", runType: "manual", logicalDate: new Date() });
    await world.database.db.execute(sql`
      insert into task_instances (dag_id, run_id, task_id, state, try_number, max_tries, queue, pool, pool_slots, priority_weight, queued_at)
      select 'a_gpu', 'r1', 't' || lpad(g::text, 5, '0'), 'queued', 1, 1, 'gpu', 'default_pool', 1, 1, ${old}::timestamptz
      from generate_series(1, 5001) g`);
    await world.database.db.execute(sql`
      insert into task_instances (dag_id, run_id, task_id, state, try_number, max_tries, queue, pool, pool_slots, priority_weight, queued_at)
      values ('z_lost', 'r1', 'lost', 'queued', 1, 1, 'default', 'default_pool', 1, 1, ${old}::timestamptz)`);
    const offered: string[] = [];
    // A broker that still holds every gpu job and lost z_lost's: it sends that one again.
    const executor = {
      name: "fake-broker",
      reconcile: async (tis: QueuedTaskInstance[]) => {
        offered.push(...tis.map((t) => `${t.dagId}.${t.taskId}`));
        return tis.filter((t) => t.dagId === "z_lost").length;
      },
    } as unknown as Executor;
    const dags = await new DagCache().refresh(world.database.db);
    const sent = await recoverStaleQueued(world.database.db, dags, executor, { zombieAfterMs: 60_000, queuedCheckAfterMs: 30_000 }, new Date(), silentLogger);
    expect(sent).toBe(1);
    expect(offered).toContain("z_lost.lost");
    expect(offered.length).toBe(5_002);
  });
});
