// No fixed window over stale queued tries (issue 10, item 2's kind), on Postgres and PGlite: with
// more than a page of old queued tries that nobody takes (a queue no worker serves), a try queued
// behind them whose broker job was lost is still sent again.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger, type Executor, type QueuedTaskInstance } from "@updraft/core";
import { createDagRun, migrate, type UpdraftDatabase } from "@updraft/db";
import { createTestDatabase, type TestDatabase } from "@updraft/db/testing";
import { sql } from "drizzle-orm";
import { DagCache, processDagsFolder } from "../src/index.ts";
import { recoverStaleQueued } from "../src/store/lost-tries-store.ts";

const SDK = `import { dag, task } from "@updraft/sdk";`;

describe.each(["postgres", "pglite"] as const)("stale queued tries beyond one page (%s)", (driver) => {
  let testDb: TestDatabase;
  let database: UpdraftDatabase;
  let folder: string;

  beforeAll(async () => {
    testDb = await createTestDatabase(driver);
    database = await testDb.open();
    await migrate(database);
    folder = await mkdtemp(join(tmpdir(), "updraft-stale-page-"));
    await writeFile(join(folder, "a_gpu.ts"), `${SDK}\nexport default dag({ dagId: "a_gpu" }, () => { task({ taskId: "t", queue: "gpu" }, () => 1); });`);
    await writeFile(join(folder, "z_lost.ts"), `${SDK}\nexport default dag({ dagId: "z_lost" }, () => { task({ taskId: "lost" }, () => 1); });`);
    await processDagsFolder(database.db, { dagsFolder: folder, fileTimeoutMs: 60_000, pausedAtCreation: false });
  }, 120_000);

  afterAll(async () => {
    await testDb?.drop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it("sends again a lost try queued behind 5,001 old tries waiting for a queue no worker serves", async () => {
    const old = new Date(Date.now() - 3_600_000).toISOString();
    await createDagRun(database.db, { dagId: "a_gpu", runId: "r1", runType: "manual", logicalDate: new Date(Date.now() - 60_000) });
    await createDagRun(database.db, { dagId: "z_lost", runId: "r1", runType: "manual", logicalDate: new Date() });
    await database.db.execute(sql`
      insert into task_instances (dag_id, run_id, task_id, state, try_number, max_tries, queue, pool, pool_slots, priority_weight, queued_at)
      select 'a_gpu', 'r1', 't' || lpad(g::text, 5, '0'), 'queued', 1, 1, 'gpu', 'default_pool', 1, 1, ${old}::timestamptz
      from generate_series(1, 5001) g`);
    await database.db.execute(sql`
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
    const dags = await new DagCache().refresh(database.db);
    const sent = await recoverStaleQueued(database.db, dags, executor, { zombieAfterMs: 60_000, queuedCheckAfterMs: 30_000 }, new Date(), silentLogger);
    expect(sent).toBe(1);
    expect(offered).toContain("z_lost.lost");
    expect(offered.length).toBe(5_002);
  });
});
