// The worker registry endpoints: status from the heartbeat age and state, the counters, and one
// worker's running and recently finished task instances.
import { createDagRun, taskInstanceHistory, taskInstances, workers } from "@updraft/db";
import { describe, expect, it } from "vitest";
import { as, useApi } from "./support/api-fixture.ts";

describe("worker routes", () => {
  const api = useApi();

  it("lists workers with online/offline from heartbeat age and state", async () => {
    const { server, database, config } = api();
    const now = Date.now();
    const base = { hostname: "host-a", queues: ["default"], concurrency: 16, startedAt: new Date(now - 3_600_000) };
    await database.db.insert(workers).values([
      { ...base, name: "w-fresh", pid: 101, lastHeartbeat: new Date(now - 1_000), active: 2, processed: 10, succeeded: 9, failed: 1 },
      { ...base, name: "w-stale", pid: 102, lastHeartbeat: new Date(now - config.workerOfflineAfterMs - 5_000) },
      { ...base, name: "w-stopped", pid: 103, lastHeartbeat: new Date(now - 1_000), state: "stopped", queues: ["default", "gpu"] },
    ]);
    const res = await server.inject({ url: "/api/v1/workers", headers: as.Viewer });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { workers: Array<Record<string, unknown>>; total_entries: number };
    expect(body.total_entries).toBe(3);
    const byName = Object.fromEntries(body.workers.map((w) => [w.name, w]));
    // `active` counts the worker's running task instances (none yet), not the heartbeat's counter.
    expect(byName["w-fresh"]).toMatchObject({ status: "online", pid: 101, hostname: "host-a", queues: ["default"], concurrency: 16, active: 0, processed: 10, succeeded: 9, failed: 1 });
    expect(byName["w-stale"]!.status).toBe("offline");
    expect(byName["w-stopped"]).toMatchObject({ status: "offline", queues: ["default", "gpu"] });
    expect(typeof byName["w-fresh"]!.last_heartbeat).toBe("string");
    expect((await server.inject({ url: "/api/v1/workers" })).statusCode).toBe(401);
  });

  it("shows one worker with its running and recent task instances, 404 for an unknown one", async () => {
    const { server, database } = api();
    const now = new Date();
    await createDagRun(database.db, { dagId: "etl", runId: "r1", runType: "manual", conf: {}, logicalDate: now, dataIntervalStart: now, dataIntervalEnd: now });
    await database.db.insert(taskInstances).values([
      { dagId: "etl", runId: "r1", taskId: "extract", state: "success", tryNumber: 1, workerName: "w-fresh", startDate: now, endDate: now, duration: 0.5 },
      { dagId: "etl", runId: "r1", taskId: "transform", state: "running", tryNumber: 1, workerName: "w-fresh", startDate: now },
    ]).onConflictDoNothing();
    await database.db.insert(taskInstanceHistory).values({ dagId: "etl", runId: "r1", taskId: "extract", tryNumber: 1, state: "success", startDate: now, endDate: now, duration: 0.5, workerName: "w-fresh" });
    const res = await server.inject({ url: "/api/v1/workers/w-fresh", headers: as.Viewer });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.name).toBe("w-fresh");
    expect(body.running_task_instances.map((t: { task_id: string }) => t.task_id)).toEqual(["transform"]);
    // "2 / 16 active" from the heartbeat would disagree with "Running now (1)": both say 1.
    expect(body.active).toBe(1);
    const listed = (await server.inject({ url: "/api/v1/workers", headers: as.Viewer })).json().workers.find((w: { name: string }) => w.name === "w-fresh");
    expect(listed.active).toBe(1);
    expect(body.recent_task_instances).toMatchObject([{ task_id: "extract", state: "success", duration: 0.5, dag_run_id: "r1" }]);
    const missing = await server.inject({ url: "/api/v1/workers/nobody", headers: as.Viewer });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().detail).toContain("nobody");
  });
});
