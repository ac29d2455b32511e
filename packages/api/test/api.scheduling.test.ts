import { describe, expect, it } from "vitest";
import { createDagRun, dagRuns, taskInstances, upsertPool } from "@updraft/db";
import { eq } from "drizzle-orm";
import { as, sampleDag, sampleTask, useApi } from "./support/api-fixture.ts";

const api = useApi([
  sampleDag("etl"),
  sampleDag("daily", { schedule: "@daily", startDate: "2026-01-01T00:00:00Z", tasks: [sampleTask("only", { pool: "tiny" })] }),
]);

describe("GET .../taskInstances/{task_id}/dependencies", () => {
  it("names the upstream task a task waits for, the full pool, and the retry time", async () => {
    const { server, database } = api();
    const { db } = database;
    await createDagRun(db, { dagId: "etl", runId: "r", runType: "manual", logicalDate: new Date() });
    await db.update(dagRuns).set({ state: "running" }).where(eq(dagRuns.runId, "r"));
    await db.insert(taskInstances).values([
      { dagId: "etl", runId: "r", taskId: "extract", state: "running" },
      { dagId: "etl", runId: "r", taskId: "transform", state: null },
      { dagId: "etl", runId: "r", taskId: "load", state: "up_for_retry", nextRetryAt: new Date("2099-01-01T00:00:00Z") },
    ]);
    const waiting = await server.inject({ url: "/api/v1/dags/etl/dagRuns/r/taskInstances/transform/dependencies", headers: as.Viewer });
    expect(waiting.statusCode).toBe(200);
    expect(waiting.json().dependencies).toEqual([{ name: "upstream", reason: "waiting for upstream task(s) extract (running) (trigger rule all_success)" }]);
    const retry = await server.inject({ url: "/api/v1/dags/etl/dagRuns/r/taskInstances/load/dependencies", headers: as.Viewer });
    expect(retry.json().dependencies[0].reason).toContain("2099-01-01T00:00:00.000Z");

    await upsertPool(db, { name: "tiny", slots: 1 });
    await createDagRun(db, { dagId: "daily", runId: "d1", runType: "manual", logicalDate: new Date() });
    await createDagRun(db, { dagId: "daily", runId: "d2", runType: "manual", logicalDate: new Date() });
    await db.update(dagRuns).set({ state: "running" }).where(eq(dagRuns.dagId, "daily"));
    await db.insert(taskInstances).values([
      { dagId: "daily", runId: "d1", taskId: "only", state: "running", pool: "tiny" },
      { dagId: "daily", runId: "d2", taskId: "only", state: "scheduled", pool: "tiny" },
    ]);
    const pool = await server.inject({ url: "/api/v1/dags/daily/dagRuns/d2/taskInstances/only/dependencies", headers: as.Viewer });
    expect(pool.json().dependencies[0]).toEqual({ name: "limit", reason: 'ready, but pool "tiny" has 0 open slot(s); the task needs 1' });
  });

  it("says when a run waits for the DAG's max active runs", async () => {
    const { server, database } = api();
    await createDagRun(database.db, { dagId: "etl", runId: "waiting", runType: "manual", logicalDate: new Date() });
    await database.db.insert(taskInstances).values({ dagId: "etl", runId: "waiting", taskId: "extract", state: null });
    const res = await server.inject({ url: "/api/v1/dags/etl/dagRuns/waiting/taskInstances/extract/dependencies", headers: as.Viewer });
    expect(res.json().dependencies[0].name).toBe("run_queued");
  });

  it("answers 404 for an unknown task", async () => {
    const { server } = api();
    const missing = await server.inject({ url: "/api/v1/dags/etl/dagRuns/r/taskInstances/nope/dependencies", headers: as.Viewer });
    expect(missing.statusCode).toBe(404);
  });
});

describe("POST /api/v1/backfills", () => {
  it("creates one queued backfill run per interval, refuses Viewers and unscheduled DAGs", async () => {
    const { server } = api();
    const body = { dag_id: "daily", from_date: "2026-02-01T00:00:00Z", to_date: "2026-02-03T00:00:00Z" };
    expect((await server.inject({ method: "POST", url: "/api/v1/backfills", headers: as.Viewer, payload: body })).statusCode).toBe(403);
    const created = await server.inject({ method: "POST", url: "/api/v1/backfills", headers: as.Op, payload: body });
    expect(created.statusCode).toBe(200);
    expect(created.json().dag_runs.map((r: { dag_run_id: string; run_type: string; state: string }) => [r.dag_run_id, r.run_type, r.state])).toEqual([
      ["backfill__2026-02-01T00:00:00.000Z", "backfill", "queued"],
      ["backfill__2026-02-02T00:00:00.000Z", "backfill", "queued"],
      ["backfill__2026-02-03T00:00:00.000Z", "backfill", "queued"],
    ]);
    const again = await server.inject({ method: "POST", url: "/api/v1/backfills", headers: as.Op, payload: body });
    expect(again.json().total_entries).toBe(0);
    const manual = await server.inject({ method: "POST", url: "/api/v1/backfills", headers: as.Op, payload: { ...body, dag_id: "etl" } });
    expect(manual.statusCode).toBe(400);
    expect(manual.json().detail).toContain("no schedule");
    const bad = await server.inject({ method: "POST", url: "/api/v1/backfills", headers: as.Op, payload: { ...body, to_date: "yesterday" } });
    expect(bad.statusCode).toBe(400);
  });
});
