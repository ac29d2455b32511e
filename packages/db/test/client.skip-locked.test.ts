import { describe, expect, it } from "vitest";
import { and, asc, desc, eq } from "drizzle-orm";
import { dagRuns, syncDags, taskInstances, type UpdraftTx } from "../src/index.ts";
import { DRIVERS, sampleDag, useMigratedDatabase } from "./support/test-database.ts";

describe.each(DRIVERS)("client: row locking (%s)", (driver) => {
  const database = useMigratedDatabase(driver);

  it("claims scheduled task instances with SELECT ... FOR UPDATE SKIP LOCKED", async () => {
    const { db } = database();
    await syncDags(db, { dags: [{ serialized: sampleDag("etl"), hash: "h" }], importErrors: [], parsedAt: new Date(), pausedAtCreation: false });
    const logicalDate = new Date("2024-01-02T00:00:00Z");
    await db.insert(dagRuns).values({ dagId: "etl", runId: "manual__1", runType: "manual", state: "running", logicalDate, conf: { a: 1 } });
    await db.insert(taskInstances).values([
      { dagId: "etl", runId: "manual__1", taskId: "low", state: "scheduled", priorityWeight: 1 },
      { dagId: "etl", runId: "manual__1", taskId: "high", state: "scheduled", priorityWeight: 10 },
      { dagId: "etl", runId: "manual__1", taskId: "done", state: "success", priorityWeight: 99 },
    ]);

    const claimed = await db.transaction(async (tx) => {
      const rows = await tx
        .select()
        .from(taskInstances)
        .where(eq(taskInstances.state, "scheduled"))
        .orderBy(desc(taskInstances.priorityWeight), asc(taskInstances.taskId))
        .limit(1)
        .for("update", { skipLocked: true });
      for (const row of rows) {
        await tx
          .update(taskInstances)
          .set({ state: "queued", queuedAt: new Date() })
          .where(and(eq(taskInstances.dagId, row.dagId), eq(taskInstances.runId, row.runId), eq(taskInstances.taskId, row.taskId)));
      }
      return rows.map((r) => r.taskId);
    });
    expect(claimed).toEqual(["high"]);

    const states = await db.select({ taskId: taskInstances.taskId, state: taskInstances.state }).from(taskInstances).orderBy(asc(taskInstances.taskId));
    expect(states).toEqual([
      { taskId: "done", state: "success" },
      { taskId: "high", state: "queued" },
      { taskId: "low", state: "scheduled" },
    ]);
    const [run] = await db.select().from(dagRuns);
    expect(run!.conf).toEqual({ a: 1 });
    expect(run!.logicalDate.toISOString()).toBe(logicalDate.toISOString());
  });

  it.runIf(driver === "postgres")("a second transaction skips rows the first one holds", async () => {
    const { db } = database();
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstHolds!: () => void;
    const firstHolding = new Promise<void>((resolve) => (firstHolds = resolve));
    const claim = (tx: UpdraftTx) =>
      tx
        .select({ taskId: taskInstances.taskId })
        .from(taskInstances)
        .where(eq(taskInstances.state, "scheduled"))
        .orderBy(asc(taskInstances.taskId))
        .limit(1)
        .for("update", { skipLocked: true });

    const first = db.transaction(async (tx) => {
      const rows = await claim(tx);
      firstHolds();
      await firstMayCommit;
      return rows;
    });
    await firstHolding;
    const second = await db.transaction(async (tx) => claim(tx));
    releaseFirst();
    expect((await first).map((r) => r.taskId)).toEqual(["low"]);
    expect(second).toEqual([]); // "low" is the only scheduled row left, and it is locked
  });

  it("deleting a run cascades to its task instances", async () => {
    const { db } = database();
    await db.delete(dagRuns).where(eq(dagRuns.runId, "manual__1"));
    expect(await db.select().from(taskInstances)).toEqual([]);
  });
});
