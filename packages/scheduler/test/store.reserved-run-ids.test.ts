// Run ids reserved for the scheduler (issue 10, item 11), on Postgres and PGlite: a manual run may
// not take the id of the scheduler's run for an interval (`scheduled__<logical date>`), nor any
// reserved prefix, nor characters or a length Airflow 2.6+ refuses; so the scheduler's own run for
// that interval is still created, as a scheduled run. The API and the CLI reach the same check
// through createDagRun (their own tests: packages/api/test/api.run-ids.test.ts,
// apps/cli/test/dags.commands.test.ts).
import { describe, expect, it } from "vitest";
import { createDagRun, dagRuns, defaultRunId } from "@updraft/db";
import { eq } from "drizzle-orm";
import { useStoreWorld } from "./support/store-world.ts";
import { DagCache, planScheduledRuns } from "../src/index.ts";
import { createDueScheduledRuns } from "../src/store/run-store.ts";

const NOW = new Date("2026-03-10T12:00:00Z");

describe.each(["postgres", "pglite"] as const)("run ids reserved for the scheduler (%s)", (driver) => {
  const world = useStoreWorld(driver, {
    "daily.ts": `import { dag, task } from "@updraft/sdk";
export default dag({ dagId: "daily", schedule: "@daily", startDate: "2026-01-01T00:00:00Z", catchup: false }, () => void task({ taskId: "t" }, () => 1));`,
  });

  const manual = (runId: string) => createDagRun(world.database.db, { dagId: "daily", runId, runType: "manual", logicalDate: NOW });

  it("refuses a manual run with the id of the scheduler's next run, which the scheduler then creates", async () => {
    const [due] = planScheduledRuns({ schedule: "@daily", startDate: new Date("2026-01-01T00:00:00Z"), catchup: false, lastLogicalDate: null, now: NOW, limit: 1 });
    const schedulersId = defaultRunId("scheduled", due!.logicalDate);
    expect(schedulersId).toBe("scheduled__2026-03-09T00:00:00.000Z");
    await expect(manual(schedulersId)).rejects.toMatchObject({ code: "UPDRAFT_INVALID_INPUT", message: expect.stringMatching(/reserved for scheduled runs/) });

    const created = await createDueScheduledRuns(world.database.db, (await new DagCache().refresh(world.database.db)).values(), NOW);
    expect(created).toBe(1);
    const runs = await world.database.db.select({ runId: dagRuns.runId, runType: dagRuns.runType }).from(dagRuns).where(eq(dagRuns.dagId, "daily"));
    expect(runs).toEqual([{ runId: schedulersId, runType: "scheduled" }]);
  });

  it.each([
    ["backfill__2026-03-09T00:00:00+00:00", /reserved for backfill runs/],
    ["dataset_triggered__x", /reserved for dataset_triggered runs/],
    ["asset_triggered__x", /reserved for asset_triggered runs/],
    ["has space", /must match/],
    ["a/b", /must match/],
    ["", /empty/],
    ["a".repeat(251), /more than 250/],
  ])("refuses the manual run id %j", async (runId, rule) => {
    await expect(manual(runId)).rejects.toMatchObject({ code: "UPDRAFT_INVALID_INPUT", message: expect.stringMatching(rule) });
  });

  it.each(["manual__2026-03-10T12:00:00+00:00", "my.run~1:a+b-c_d", "scheduled_but_not_reserved", "a".repeat(250)])("accepts the manual run id %j", async (runId) => {
    expect((await manual(runId)).runId).toBe(runId);
  });
});
