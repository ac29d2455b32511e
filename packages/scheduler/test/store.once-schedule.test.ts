// `@once` in the store, on Postgres and PGlite (issue 10, item 7): a DAG file with it parses with
// no import error, its next_dagrun is the start date, the scheduler creates exactly one scheduled
// run at the start date (whatever catchup says), never a second, and then next_dagrun is empty.
import { describe, expect, it } from "vitest";
import { dagRuns, dags } from "@updraft/db";
import { eq } from "drizzle-orm";
import { useStoreWorld } from "./support/store-world.ts";
import { DagCache, processDagsFolder } from "../src/index.ts";
import { updateNextDagruns } from "../src/store/next-dagrun-store.ts";
import { createDueScheduledRuns } from "../src/store/run-store.ts";

const START = new Date("2024-03-01T06:00:00Z");
const source = (dagId: string, catchup: boolean) => `import { dag, task } from "@updraft/sdk";
export default dag({ dagId: "${dagId}", schedule: "@once", startDate: "${START.toISOString()}", catchup: ${catchup} }, () => { task({ taskId: "t" }, () => 1); });`;

describe.each(["postgres", "pglite"] as const)("@once schedule in the store (%s)", (driver) => {
  const world = useStoreWorld(driver, { "once_a.ts": source("once_a", false), "once_b.ts": source("once_b", true) }, { parse: false });

  it("parses, plans one scheduled run at the start date whatever catchup says, and never another", async () => {
    const bag = await processDagsFolder(world.database.db, { dagsFolder: world.folder, fileTimeoutMs: 60_000, pausedAtCreation: false });
    expect(bag.importErrors).toEqual([]);
    const next = async () =>
      (await world.database.db.select({ dagId: dags.dagId, at: dags.nextDagrunLogicalDate }).from(dags).orderBy(dags.dagId)).map((r) => [r.dagId, r.at?.toISOString() ?? null]);
    expect(await next()).toEqual([
      ["once_a", START.toISOString()],
      ["once_b", START.toISOString()],
    ]);

    const cache = new DagCache();
    const now = new Date();
    expect(await createDueScheduledRuns(world.database.db, (await cache.refresh(world.database.db)).values(), now)).toBe(2);
    expect(await createDueScheduledRuns(world.database.db, (await cache.refresh(world.database.db)).values(), new Date(now.getTime() + 86_400_000))).toBe(0);
    const runs = await world.database.db.select().from(dagRuns).orderBy(dagRuns.dagId);
    expect(runs.map((r) => [r.dagId, r.runType, r.logicalDate.toISOString(), r.dataIntervalStart?.toISOString(), r.dataIntervalEnd?.toISOString()])).toEqual([
      ["once_a", "scheduled", START.toISOString(), START.toISOString(), START.toISOString()],
      ["once_b", "scheduled", START.toISOString(), START.toISOString(), START.toISOString()],
    ]);
    await updateNextDagruns(world.database.db, undefined, now);
    expect(await next()).toEqual([
      ["once_a", null],
      ["once_b", null],
    ]);
    expect((await world.database.db.select().from(dagRuns).where(eq(dagRuns.dagId, "once_a"))).length).toBe(1);
  });
});
