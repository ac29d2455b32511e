// Notes on runs and task instances (setNote, and note on POST dagRuns), and typed params
// validated when a run is triggered: a 400 naming the param.
import { taskInstances } from "@updraft/db";
import { describe, expect, it } from "vitest";
import { as, sampleDag, useApi } from "./support/api-fixture.ts";

const typed = sampleDag("typed", {
  params: { rows: 3, mode: "full" },
  paramSchemas: { rows: { type: "integer", minimum: 1, maximum: 10 }, mode: { enum: ["full", "delta"] }, day: { type: "string", format: "date" } },
});

describe("notes and typed params", () => {
  const api = useApi([sampleDag("etl"), typed]);

  it("accepts a note on POST dagRuns and sets run and task-instance notes", async () => {
    const { server, database } = api();
    const created = await server.inject({ method: "POST", url: "/api/v1/dags/etl/dagRuns", headers: as.Op, payload: { dag_run_id: "n1", note: "why I ran it" } });
    expect(created.statusCode).toBe(200);
    expect(created.json().note).toBe("why I ran it");
    const run = await server.inject({ method: "PATCH", url: "/api/v1/dags/etl/dagRuns/n1/setNote", headers: as.Op, payload: { note: "changed" } });
    expect(run.json()).toMatchObject({ dag_run_id: "n1", note: "changed" });
    expect((await server.inject({ url: "/api/v1/dags/etl/dagRuns/n1", headers: as.Viewer })).json().note).toBe("changed");

    await database.db.insert(taskInstances).values({ dagId: "etl", runId: "n1", taskId: "extract", state: "success" });
    const ti = await server.inject({ method: "PATCH", url: "/api/v1/dags/etl/dagRuns/n1/taskInstances/extract/setNote", headers: as.Op, payload: { note: "checked by hand" } });
    expect(ti.json()).toMatchObject({ task_id: "extract", note: "checked by hand" });
    expect((await server.inject({ method: "PATCH", url: "/api/v1/dags/etl/dagRuns/n1/setNote", headers: as.Viewer, payload: { note: "x" } })).statusCode).toBe(403);
    expect((await server.inject({ method: "PATCH", url: "/api/v1/dags/etl/dagRuns/nope/setNote", headers: as.Op, payload: { note: "x" } })).statusCode).toBe(404);
  });

  it("answers 400 naming the param when a trigger breaks a param's schema", async () => {
    const { server } = api();
    const trigger = (conf: Record<string, unknown>) => server.inject({ method: "POST", url: "/api/v1/dags/typed/dagRuns", headers: as.Op, payload: { conf } });
    const tooMany = await trigger({ rows: 11, day: "2026-01-01" });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json()).toMatchObject({ type: "UPDRAFT_PARAM_INVALID", detail: expect.stringContaining('param "rows"') });
    expect((await trigger({ mode: "weekly", day: "2026-01-01" })).json().detail).toContain('param "mode"');
    expect((await trigger({ day: "not a date" })).json().detail).toContain('param "day"');
    expect((await trigger({})).json().detail).toContain('param "day" of DAG "typed" has no value');
    expect((await trigger({ rows: 10, mode: "delta", day: "2026-02-01" })).statusCode).toBe(200);
  });
});
