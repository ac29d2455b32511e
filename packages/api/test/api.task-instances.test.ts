// Task instances: listing, detail with tries and result, mark, clear, and logs (JSON, text,
// continuation token). Rows are seeded directly, as the scheduler and workers would write them.
import { createDagRun, dagRuns, taskInstanceHistory, taskInstances, taskLogs, xcom } from "@updraft/db";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { as, useApi } from "./support/api-fixture.ts";

const RUN = "run_1";
const base = `/api/v1/dags/etl/dagRuns/${RUN}/taskInstances`;

describe("task instance routes", () => {
  const api = useApi();

  beforeAll(async () => {
    const { db } = api().database;
    await createDagRun(db, { dagId: "etl", runId: RUN, runType: "manual", logicalDate: new Date("2025-01-01T00:00:00Z") });
    await db.update(dagRuns).set({ state: "failed", endDate: new Date() }).where(eq(dagRuns.runId, RUN));
    const start = new Date("2025-01-01T00:00:01Z");
    const end = new Date("2025-01-01T00:00:03Z");
    await db.insert(taskInstances).values([
      { dagId: "etl", runId: RUN, taskId: "extract", state: "success", tryNumber: 1, maxTries: 1, startDate: start, endDate: end, duration: 2, hostname: "w1", pid: 42 },
      { dagId: "etl", runId: RUN, taskId: "transform", state: "failed", tryNumber: 3, maxTries: 3, startDate: start, endDate: end, duration: 2, hostname: "w2" },
      { dagId: "etl", runId: RUN, taskId: "load", state: "upstream_failed", tryNumber: 0, maxTries: 1, endDate: end },
    ]);
    await db.insert(taskInstanceHistory).values([
      { dagId: "etl", runId: RUN, taskId: "transform", tryNumber: 1, state: "failed", startDate: start, endDate: end, duration: 2, hostname: "w1", workerName: "worker-a", error: "boom 1" },
      { dagId: "etl", runId: RUN, taskId: "transform", tryNumber: 2, state: "failed", error: "boom 2" },
    ]);
    await db.insert(xcom).values({ dagId: "etl", runId: RUN, taskId: "extract", key: "return_value", value: { rows: 3 } });
    await db.insert(taskLogs).values(
      ["first line", "second line", "third line"].map((line) => ({ dagId: "etl", runId: RUN, taskId: "extract", tryNumber: 1, stream: "stdout" as const, line })),
    );
  });

  it("lists a run's task instances with pagination", async () => {
    const { server } = api();
    const all = (await server.inject({ url: base, headers: as.Viewer })).json();
    expect(all.total_entries).toBe(3);
    expect(all.task_instances.map((t: { task_id: string }) => t.task_id)).toEqual(["extract", "load", "transform"]);
    expect(all.task_instances[0]).toMatchObject({
      dag_id: "etl",
      dag_run_id: RUN,
      state: "success",
      try_number: 1,
      max_tries: 0,
      hostname: "w1",
      pid: 42,
      duration: 2,
      pool: "default_pool",
      queue: "default",
      start_date: "2025-01-01T00:00:01.000Z",
    });
    const page = (await server.inject({ url: `${base}?limit=1&offset=2`, headers: as.Viewer })).json();
    expect(page).toMatchObject({ total_entries: 3, task_instances: [{ task_id: "transform" }] });
  });

  it("returns one task instance with its tries and result", async () => {
    const { server } = api();
    const extract = (await server.inject({ url: `${base}/extract`, headers: as.Viewer })).json();
    expect(extract.result).toEqual({ rows: 3 });
    expect(extract.tries).toEqual([]);
    const transform = (await server.inject({ url: `${base}/transform`, headers: as.Viewer })).json();
    expect(transform.result).toBeNull();
    expect(transform.state_reason).toBeNull();
    const load = (await server.inject({ url: `${base}/load`, headers: as.Viewer })).json();
    expect(load.state_reason).toBe("`transform` failed (trigger rule all_success)");
    expect(transform.tries).toEqual([
      { try_number: 1, state: "failed", start_date: "2025-01-01T00:00:01.000Z", end_date: "2025-01-01T00:00:03.000Z", duration: 2, hostname: "w1", worker_name: "worker-a", error: "boom 1" },
      { try_number: 2, state: "failed", start_date: null, end_date: null, duration: null, hostname: null, worker_name: null, error: "boom 2" },
    ]);
  });

  it("answers 404 with a message for unknown run and task", async () => {
    const { server } = api();
    const run = await server.inject({ url: "/api/v1/dags/etl/dagRuns/nope/taskInstances", headers: as.Viewer });
    expect(run.statusCode).toBe(404);
    expect(run.json()).toMatchObject({ type: "UPDRAFT_DAG_RUN_NOT_FOUND" });
    const task = await server.inject({ url: `${base}/nope`, headers: as.Viewer });
    expect(task.statusCode).toBe(404);
    expect(task.json()).toMatchObject({ type: "UPDRAFT_TASK_NOT_FOUND" });
    expect(task.json().detail).toContain('"nope"');
    const logs = await server.inject({ url: `${base}/nope/logs/1`, headers: as.Viewer });
    expect(logs.statusCode).toBe(404);
    const dagLogs = await server.inject({ url: `/api/v1/dags/nope/dagRuns/${RUN}/taskInstances/extract/logs/1`, headers: as.Viewer });
    expect(dagLogs.json()).toMatchObject({ type: "UPDRAFT_DAG_NOT_FOUND" });
    const mark = await server.inject({ method: "PATCH", url: `${base}/nope`, headers: as.Op, payload: { new_state: "success" } });
    expect(mark.statusCode).toBe(404);
    const clear = await server.inject({ method: "POST", url: "/api/v1/dags/etl/clearTaskInstances", headers: as.Op, payload: { dag_run_id: RUN, task_ids: ["nope"] } });
    expect(clear.statusCode).toBe(404);
  });

  it("serves logs as JSON, as text/plain, and from a continuation token", async () => {
    const { server } = api();
    const json = (await server.inject({ url: `${base}/extract/logs/1`, headers: as.Viewer })).json();
    expect(json.content).toBe("first line\nsecond line\nthird line");
    const token = json.continuation_token as string;
    expect(token).toMatch(/^\d+$/);

    const text = await server.inject({ url: `${base}/extract/logs/1`, headers: { ...as.Viewer, accept: "text/plain" } });
    expect(text.headers["content-type"]).toContain("text/plain");
    expect(text.body).toBe("first line\nsecond line\nthird line");

    const { db } = api().database;
    await db.insert(taskLogs).values({ dagId: "etl", runId: RUN, taskId: "extract", tryNumber: 1, stream: "stderr", line: "fourth line" });
    const tail = (await server.inject({ url: `${base}/extract/logs/1?token=${token}`, headers: as.Viewer })).json();
    expect(tail.content).toBe("fourth line");
    expect(tail.lines).toEqual([{ timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), stream: "stderr", line: "fourth line" }]);
    expect(Number(tail.continuation_token)).toBeGreaterThan(Number(token));
    const nothing = (await server.inject({ url: `${base}/extract/logs/1?token=${tail.continuation_token}`, headers: as.Viewer })).json();
    expect(nothing).toEqual({ content: "", continuation_token: tail.continuation_token, lines: [] });

    const otherTry = (await server.inject({ url: `${base}/extract/logs/2`, headers: as.Viewer })).json();
    expect(otherTry).toEqual({ content: "", continuation_token: "0", lines: [] });
    const badToken = await server.inject({ url: `${base}/extract/logs/1?token=abc`, headers: as.Viewer });
    expect(badToken.statusCode).toBe(400);
  });

  it("rejects a new_state other than success or failed", async () => {
    const { server } = api();
    for (const new_state of ["running", "queued", 3]) {
      const res = await server.inject({ method: "PATCH", url: `${base}/load`, headers: as.Op, payload: { new_state } });
      expect(res.statusCode).toBe(400);
      expect(res.json().detail).toContain("body.new_state must be one of: success, failed");
    }
  });

  it("clears with dry_run without changing anything", async () => {
    const { server, database } = api();
    const res = await server.inject({
      method: "POST",
      url: "/api/v1/dags/etl/clearTaskInstances",
      headers: as.Op,
      payload: { dag_run_id: RUN, only_failed: true, dry_run: true },
    });
    expect(res.json()).toEqual({
      task_instances: [
        { dag_id: "etl", task_id: "load", dag_run_id: RUN, execution_date: "2025-01-01T00:00:00.000Z", state: "upstream_failed" },
        { dag_id: "etl", task_id: "transform", dag_run_id: RUN, execution_date: "2025-01-01T00:00:00.000Z", state: "failed" },
      ],
    });
    const [row] = await database.db.select().from(taskInstances).where(eq(taskInstances.taskId, "transform"));
    expect(row!.state).toBe("failed");
  });

  it("clears failed tasks: state and end reset, retries granted again, run re-queued", async () => {
    const { server, database } = api();
    const res = await server.inject({
      method: "POST",
      url: "/api/v1/dags/etl/clearTaskInstances",
      headers: as.Op,
      payload: { dag_run_id: RUN, only_failed: true },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().task_instances.map((t: { task_id: string }) => t.task_id)).toEqual(["load", "transform"]);

    const rows = await database.db.select().from(taskInstances).where(eq(taskInstances.runId, RUN));
    const byTask = new Map(rows.map((r) => [r.taskId, r]));
    // transform: 3 tries done, retries 2 -> tries 4..6 allowed.
    expect(byTask.get("transform")).toMatchObject({ state: null, endDate: null, nextRetryAt: null, maxTries: 6, tryNumber: 3 });
    expect(byTask.get("load")).toMatchObject({ state: null, endDate: null, maxTries: 1 });
    expect(byTask.get("extract")!.state).toBe("success");

    const run = (await server.inject({ url: `/api/v1/dags/etl/dagRuns/${RUN}`, headers: as.Viewer })).json();
    expect(run).toMatchObject({ state: "queued", end_date: null });
  });

  it("marks a task instance success or failed, setting its end date", async () => {
    const { server, database } = api();
    const res = await server.inject({ method: "PATCH", url: `${base}/load`, headers: as.Op, payload: { new_state: "success" } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ task_id: "load", state: "success" });
    expect(res.json().end_date).not.toBeNull();
    const failed = await server.inject({ method: "PATCH", url: `${base}/extract`, headers: as.Admin, payload: { new_state: "failed" } });
    expect(failed.json()).toMatchObject({ state: "failed", end_date: "2025-01-01T00:00:03.000Z" });
    const [row] = await database.db
      .select()
      .from(taskInstances)
      .where(and(eq(taskInstances.runId, RUN), eq(taskInstances.taskId, "load")));
    expect(row!.state).toBe("success");
  });
});
