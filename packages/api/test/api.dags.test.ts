// DAGs, DAG runs and import errors: listing with filters and pages, pausing, triggering, and
// the 400/404/409 answers with their messages.
import type { InjectOptions } from "fastify";
import { importErrors } from "@updraft/db";
import { describe, expect, it } from "vitest";
import { as, sampleDag, useApi } from "./support/api-fixture.ts";

const DAGS = [
  sampleDag("alpha", { tags: ["finance"] }),
  sampleDag("beta", { tags: ["ops"] }),
  sampleDag("gamma_report", { tags: ["finance", "daily"] }),
  sampleDag("delta"),
];

describe("DAG routes", () => {
  const api = useApi(DAGS);

  it("lists DAGs with pagination and total_entries", async () => {
    const { server } = api();
    const page = (await server.inject({ url: "/api/v1/dags?limit=2&offset=1", headers: as.Viewer })).json();
    expect(page.total_entries).toBe(4);
    expect(page.dags.map((d: { dag_id: string }) => d.dag_id)).toEqual(["beta", "delta"]);
  });

  it("filters by tags, dag_id_pattern and paused", async () => {
    const { server } = api();
    const ids = async (query: string) =>
      (await server.inject({ url: `/api/v1/dags?${query}`, headers: as.Viewer })).json().dags.map((d: { dag_id: string }) => d.dag_id);
    expect(await ids("tags=finance")).toEqual(["alpha", "gamma_report"]);
    expect(await ids("tags=daily&tags=ops")).toEqual(["beta", "gamma_report"]);
    expect(await ids("dag_id_pattern=REPORT")).toEqual(["gamma_report"]);
    expect(await ids("dag_id_pattern=%25")).toEqual([]);
    expect(await ids("paused=true")).toEqual([]);
  });

  it("pauses and unpauses a DAG (Op), visible in GET", async () => {
    const { server } = api();
    const patch = await server.inject({ method: "PATCH", url: "/api/v1/dags/beta", headers: as.Op, payload: { is_paused: true } });
    expect(patch.statusCode).toBe(200);
    expect(patch.json().is_paused).toBe(true);
    const paused = (await server.inject({ url: "/api/v1/dags?paused=true", headers: as.Viewer })).json();
    expect(paused.dags.map((d: { dag_id: string }) => d.dag_id)).toEqual(["beta"]);
    await server.inject({ method: "PATCH", url: "/api/v1/dags/beta", headers: as.Op, payload: { is_paused: false } });
    expect((await server.inject({ url: "/api/v1/dags/beta", headers: as.Viewer })).json().is_paused).toBe(false);
  });

  it("answers 404 with a message for an unknown DAG", async () => {
    const { server } = api();
    for (const res of [
      await server.inject({ url: "/api/v1/dags/nope", headers: as.Viewer }),
      await server.inject({ method: "PATCH", url: "/api/v1/dags/nope", headers: as.Op, payload: { is_paused: true } }),
      await server.inject({ url: "/api/v1/dags/nope/dagRuns", headers: as.Viewer }),
      await server.inject({ method: "POST", url: "/api/v1/dags/nope/dagRuns", headers: as.Op, payload: {} }),
    ]) {
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ status: 404, type: "UPDRAFT_DAG_NOT_FOUND" });
      expect(res.json().detail).toContain('"nope"');
    }
  });

  it("rejects bad input with 400 naming the field", async () => {
    const { server } = api();
    const cases: Array<[InjectOptions, string]> = [
      [{ method: "PATCH", url: "/api/v1/dags/alpha", payload: { is_paused: "maybe" } }, "body.is_paused"],
      [{ method: "PATCH", url: "/api/v1/dags/alpha", payload: { is_paused: true, owner: "me" } }, 'unknown field "owner"'],
      [{ method: "POST", url: "/api/v1/dags/alpha/dagRuns", payload: { conf: [1, 2] } }, "body.conf must be object"],
      [{ method: "POST", url: "/api/v1/dags/alpha/dagRuns", payload: { conf: "x" } }, "body.conf must be object"],
      [{ method: "POST", url: "/api/v1/dags/alpha/dagRuns", payload: { runid: "x" } }, 'unknown field "runid"'],
      [{ method: "POST", url: "/api/v1/dags/alpha/dagRuns", payload: { logical_date: "yesterday" } }, "body.logical_date"],
      [{ method: "POST", url: "/api/v1/dags/alpha/dagRuns", payload: "{not json", headers: { "content-type": "application/json" } }, "JSON"],
      [{ url: "/api/v1/dags/alpha/dagRuns?state=bogus" }, 'state "bogus"'],
      [{ url: "/api/v1/dags/alpha/dagRuns?state=queued,bogus" }, 'state "bogus"'],
      [{ url: "/api/v1/dags?limit=-1" }, "querystring.limit"],
      [{ url: "/api/v1/dags?limit=1.5" }, "querystring.limit must be integer"],
      [{ url: "/api/v1/dags?offset=-3" }, "querystring.offset"],
      [{ url: "/api/v1/dags/alpha/dagRuns?limit=abc" }, "querystring.limit"],
    ];
    for (const [request, message] of cases) {
      const res = await server.inject({ ...request, headers: { ...as.Op, ...request.headers } });
      expect(res.statusCode, JSON.stringify(request)).toBe(400);
      expect(res.json().type).toBe("UPDRAFT_INVALID_INPUT");
      expect(res.json().detail).toContain(message);
    }
  });

  it("triggers a queued run visible in GET dagRuns, and 409 for a duplicate run id", async () => {
    const { server } = api();
    const trigger = await server.inject({
      method: "POST",
      url: "/api/v1/dags/alpha/dagRuns",
      headers: as.Op,
      payload: { dag_run_id: "first", conf: { size: 5 }, logical_date: "2025-03-01T10:00:00+02:00" },
    });
    expect(trigger.statusCode).toBe(200);
    expect(trigger.json()).toMatchObject({
      dag_id: "alpha",
      dag_run_id: "first",
      run_type: "manual",
      state: "queued",
      conf: { size: 5 },
      logical_date: "2025-03-01T08:00:00.000Z",
      execution_date: "2025-03-01T08:00:00.000Z",
    });
    const generated = (await server.inject({ method: "POST", url: "/api/v1/dags/alpha/dagRuns", headers: as.Admin, payload: {} })).json();
    expect(generated.dag_run_id).toMatch(/^manual__/);

    const list = (await server.inject({ url: "/api/v1/dags/alpha/dagRuns", headers: as.Viewer })).json();
    expect(list.total_entries).toBe(2);
    expect(list.dag_runs.map((r: { dag_run_id: string }) => r.dag_run_id)).toContain("first");
    const one = await server.inject({ url: "/api/v1/dags/alpha/dagRuns/first", headers: as.Viewer });
    expect(one.json().conf).toEqual({ size: 5 });

    const dup = await server.inject({ method: "POST", url: "/api/v1/dags/alpha/dagRuns", headers: as.Op, payload: { dag_run_id: "first" } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ type: "UPDRAFT_DAG_RUN_EXISTS" });
    expect(dup.json().detail).toContain('"first"');

    const missing = await server.inject({ url: "/api/v1/dags/alpha/dagRuns/nope", headers: as.Viewer });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ type: "UPDRAFT_DAG_RUN_NOT_FOUND" });
  });

  it("lets a paused DAG be triggered (the run waits queued)", async () => {
    const { server } = api();
    await server.inject({ method: "PATCH", url: "/api/v1/dags/delta", headers: as.Op, payload: { is_paused: true } });
    const res = await server.inject({ method: "POST", url: "/api/v1/dags/delta/dagRuns", headers: as.Op, payload: {} });
    expect(res.statusCode).toBe(200);
    expect(res.json().state).toBe("queued");
  });

  it("pages and filters runs by state", async () => {
    const { server } = api();
    for (let i = 0; i < 5; i++) {
      await server.inject({
        method: "POST",
        url: "/api/v1/dags/gamma_report/dagRuns",
        headers: as.Op,
        payload: { dag_run_id: `run_${i}`, logical_date: `2025-01-0${i + 1}T00:00:00Z` },
      });
    }
    const page = (await server.inject({ url: "/api/v1/dags/gamma_report/dagRuns?limit=2&offset=1", headers: as.Viewer })).json();
    expect(page.total_entries).toBe(5);
    expect(page.dag_runs.map((r: { dag_run_id: string }) => r.dag_run_id)).toEqual(["run_3", "run_2"]);
    const queued = (await server.inject({ url: "/api/v1/dags/gamma_report/dagRuns?state=queued&state=running", headers: as.Viewer })).json();
    expect(queued.total_entries).toBe(5);
    const done = (await server.inject({ url: "/api/v1/dags/gamma_report/dagRuns?state=success,failed", headers: as.Viewer })).json();
    expect(done).toEqual({ dag_runs: [], total_entries: 0 });
  });

  it("lists the newest runs of several DAGs in one batch request (limit_per_dag)", async () => {
    const { server } = api();
    for (const [dagId, days] of [["delta", [1, 2, 3, 4]], ["gamma_report", [5]]] as const) {
      for (const day of days) {
        const res = await server.inject({
          method: "POST",
          url: `/api/v1/dags/${dagId}/dagRuns`,
          headers: as.Op,
          payload: { dag_run_id: `${dagId}_${day}`, logical_date: `2031-06-0${day}T00:00:00Z` },
        });
        expect(res.statusCode).toBe(200);
      }
    }
    const res = await server.inject({
      method: "POST",
      url: "/api/v1/dags/~/dagRuns/list",
      headers: as.Viewer,
      payload: { dag_ids: ["delta", "gamma_report"], limit_per_dag: 2, page_limit: 100 },
    });
    expect(res.statusCode).toBe(200);
    // Other tests' runs of these DAGs are older (2025, today): each DAG keeps only its newest two.
    const runs = res.json().dag_runs as Array<{ dag_id: string; dag_run_id: string }>;
    expect(runs.filter((r) => r.dag_id === "delta").map((r) => r.dag_run_id)).toEqual(["delta_4", "delta_3"]);
    const gamma = runs.filter((r) => r.dag_id === "gamma_report").map((r) => r.dag_run_id);
    expect(gamma[0]).toBe("gamma_report_5");
    expect(gamma.length).toBeLessThanOrEqual(2);
    expect(runs.every((r) => r.dag_id === "delta" || r.dag_id === "gamma_report")).toBe(true);
    expect(res.json().total_entries).toBe(runs.length);
  });

  it("lists import errors", async () => {
    const { server } = api();
    expect((await server.inject({ url: "/api/v1/importErrors", headers: as.Viewer })).json()).toEqual({ import_errors: [], total_entries: 0 });
    const at = new Date("2025-02-02T12:00:00Z");
    await api().database.db.insert(importErrors).values([
      { filename: "a.ts", stackTrace: "SyntaxError: a", timestamp: at },
      { filename: "b.ts", stackTrace: "UPDRAFT_DAG_CYCLE: b", timestamp: at },
    ]);
    const page = (await server.inject({ url: "/api/v1/importErrors?limit=1&offset=1", headers: as.Viewer })).json();
    expect(page.total_entries).toBe(2);
    expect(page.import_errors).toEqual([
      { import_error_id: expect.any(Number), filename: "b.ts", stack_trace: "UPDRAFT_DAG_CYCLE: b", timestamp: "2025-02-02T12:00:00.000Z" },
    ]);
  });
});
