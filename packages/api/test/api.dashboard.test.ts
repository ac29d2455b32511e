// What the dashboard needs beyond the Airflow resources: DAG structure and source, a run's tries,
// the live event stream, /metrics, and the single-page app served behind the login.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDagRun, taskInstanceHistory, taskInstances } from "@updraft/db";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { as, sampleDag, sampleTask, useApi } from "./support/api-fixture.ts";

const dagsFolder = mkdtempSync(join(tmpdir(), "updraft-api-dags-"));
writeFileSync(join(dagsFolder, "etl.ts"), "export default 'the etl source';\n");
const webRoot = mkdtempSync(join(tmpdir(), "updraft-api-web-"));
mkdirSync(join(webRoot, "assets"));
writeFileSync(join(webRoot, "index.html"), "<!doctype html><div id=root>dashboard</div>");
writeFileSync(join(webRoot, "assets", "app-123.js"), "console.log('app')");
writeFileSync(join(webRoot, "client-routes.json"), JSON.stringify(["/", "/dags", "/dags/:dagId", "/dags/:dagId/runs/:runId"]));

const DAGS = [
  sampleDag("etl", { params: { rows: 10, label: "x" } }),
  sampleDag("sneaky", { fileloc: "../../etc/passwd" }),
  sampleDag("fan", { tasks: [sampleTask("a"), sampleTask("b", { upstream: ["a"] }), sampleTask("c", { upstream: ["a"] })] }),
];

async function touchRun(db: ReturnType<ReturnType<typeof useApi>>["database"]["db"], runId: string) {
  const now = new Date();
  await createDagRun(db, { dagId: "etl", runId, runType: "manual", conf: {}, logicalDate: now, dataIntervalStart: now, dataIntervalEnd: now });
  await db.insert(taskInstances).values({ dagId: "etl", runId, taskId: "extract", state: "running", tryNumber: 1, startDate: now }).onConflictDoNothing();
}

describe("dashboard support routes", () => {
  const api = useApi(DAGS, { webRoot, liveIntervalMs: 100, env: { UPDRAFT_DAGS_FOLDER: dagsFolder } });

  it("returns a DAG's tasks, edges and params", async () => {
    const { server } = api();
    const res = await server.inject({ url: "/api/v1/dags/fan/details", headers: as.Viewer });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.tasks.map((t: { task_id: string }) => t.task_id)).toEqual(["a", "b", "c"]);
    expect(body.tasks[0].downstream_task_ids).toEqual(["b", "c"]);
    expect(body.edges).toEqual([
      { source_task_id: "a", target_task_id: "b" },
      { source_task_id: "a", target_task_id: "c" },
    ]);
    expect((await server.inject({ url: "/api/v1/dags/etl/details", headers: as.Viewer })).json().params).toEqual({ rows: 10, label: "x" });
  });

  it("serves a DAG's source from the DAGs folder and refuses paths outside it", async () => {
    const { server } = api();
    const res = await server.inject({ url: "/api/v1/dags/etl/source", headers: as.Viewer });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ fileloc: "etl.ts", content: "export default 'the etl source';\n" });
    const escape = await server.inject({ url: "/api/v1/dags/sneaky/source", headers: as.Viewer });
    expect(escape.statusCode).toBeGreaterThanOrEqual(400);
    expect(escape.body).not.toContain("root:");
    expect((await server.inject({ url: "/api/v1/dags/fan/source", headers: as.Viewer })).statusCode).toBe(404);
  });

  it("lists every try of a run, finished and current, ordered by start", async () => {
    const { server, database } = api();
    const t0 = new Date(Date.now() - 10_000);
    const at = (s: number) => new Date(t0.getTime() + s * 1000);
    await createDagRun(database.db, { dagId: "etl", runId: "tries", runType: "manual", conf: {}, logicalDate: t0, dataIntervalStart: t0, dataIntervalEnd: t0 });
    await database.db.insert(taskInstanceHistory).values([
      { dagId: "etl", runId: "tries", taskId: "extract", tryNumber: 1, state: "success", startDate: at(0), endDate: at(1), duration: 1 },
      { dagId: "etl", runId: "tries", taskId: "transform", tryNumber: 1, state: "failed", startDate: at(1), endDate: at(2), duration: 1 },
    ]);
    await database.db.insert(taskInstances).values([
      { dagId: "etl", runId: "tries", taskId: "extract", state: "success", tryNumber: 1, startDate: at(0), endDate: at(1) },
      { dagId: "etl", runId: "tries", taskId: "transform", state: "running", tryNumber: 2, startDate: at(3), workerName: "w1" },
      { dagId: "etl", runId: "tries", taskId: "load", state: null, tryNumber: 0 },
    ]);
    const res = await server.inject({ url: "/api/v1/dags/etl/dagRuns/tries/tries", headers: as.Viewer });
    expect(res.statusCode).toBe(200);
    expect(res.json().tries.map((t: { task_id: string; try_number: number; state: string }) => `${t.task_id}#${t.try_number}:${t.state}`)).toEqual([
      "extract#1:success",
      "transform#1:failed",
      "transform#2:running",
    ]);
  });

  it("streams run-changed events to a listening client", async () => {
    const { server, database } = api();
    await server.listen({ port: 0, host: "127.0.0.1" });
    const { port } = server.server.address() as AddressInfo;
    const unauthenticated = await fetch(`http://127.0.0.1:${port}/api/v1/events`);
    expect(unauthenticated.status).toBe(401);
    const controller = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/events`, { headers: as.Viewer, signal: controller.signal });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.getReader();
    let text = "";
    const readUntil = async (needle: string) => {
      const deadline = Date.now() + 15_000;
      while (!text.includes(needle)) {
        if (Date.now() > deadline) throw new Error(`no ${needle} in ${text}`);
        const { value } = await reader.read();
        text += new TextDecoder().decode(value);
      }
    };
    await readUntil(": connected");
    // Let the baseline poll happen first, so the change below is news.
    await new Promise((r) => setTimeout(r, 400));
    await touchRun(database.db, "live-1");
    await readUntil('"run_id":"live-1"');
    expect(text).toContain('{"type":"run-changed","dag_id":"etl","run_id":"live-1"}');
    await database.db.update(taskInstances).set({ state: "success" }).where(and(eq(taskInstances.runId, "live-1"), eq(taskInstances.taskId, "extract")));
    const before = text.length;
    await readUntil("live-1");
    expect(text.length).toBeGreaterThanOrEqual(before);
    controller.abort();
  });

  it("exports Prometheus metrics without a user", async () => {
    const { server, database } = api();
    await touchRun(database.db, "metrics-1");
    const now = new Date();
    await database.db.insert(taskInstanceHistory).values({ dagId: "etl", runId: "metrics-1", taskId: "load", tryNumber: 1, state: "success", startDate: new Date(now.getTime() - 2_500), endDate: now, duration: 2.5 });
    const res = await server.inject({ url: "/metrics" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/plain");
    expect(res.body).toMatch(/updraft_task_instances\{state="running"\} [1-9]/);
    expect(res.body).toMatch(/updraft_task_instances\{state="failed"\} 0/);
    expect(res.body).toMatch(/updraft_dag_runs\{state="queued"\} [1-9]/);
    expect(res.body).toContain("updraft_workers_online 0");
    expect(res.body).toMatch(/updraft_task_duration_seconds_bucket\{le="5"\} 1/);
    // The next scrape observes only tries that finished since.
    expect((await server.inject({ url: "/metrics" })).body).toMatch(/updraft_task_duration_seconds_count 1/);
  });

  it("serves the app to signed-in users, redirects others to the login, keeps API 404s JSON", async () => {
    const { server } = api();
    const anonymous = await server.inject({ url: "/dags/etl/grid?x=1" });
    expect(anonymous.statusCode).toBe(302);
    expect(anonymous.headers.location).toBe(`/login?next=${encodeURIComponent("/dags/etl/grid?x=1")}`);
    const page = await server.inject({ url: "/dags/etl/runs/manual__2026-01-01T00%3A00%3A00%2B00%3A00?task=x", headers: as.Viewer });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("dashboard");
    // A path that is none of the app's routes: the app (its own 404 page), with HTTP 404.
    for (const url of ["/dags/etl/grid", "/no/such/page", "/dagsx"]) {
      const unknown = await server.inject({ url, headers: as.Viewer });
      expect(unknown.statusCode, url).toBe(404);
      expect(unknown.body, url).toContain("dashboard");
    }
    expect((await server.inject({ url: "/", headers: as.Viewer })).statusCode).toBe(200);
    const asset = await server.inject({ url: "/assets/app-123.js" });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers["cache-control"]).toContain("immutable");
    expect((await server.inject({ url: "/assets/missing.js" })).statusCode).toBe(404);
    const api404 = await server.inject({ url: "/api/v1/nothing/here", headers: as.Viewer });
    expect(api404.statusCode).toBe(404);
    expect(api404.json().title).toBe("Not Found");
    expect((await server.inject({ url: "/login" })).body).toContain("Sign in");
  });
});

describe("dashboard not built", () => {
  const api = useApi(undefined, { webRoot: join(tmpdir(), "updraft-no-such-web-root") });

  it("answers pages with a clear 'run pnpm build' notice instead of crashing", async () => {
    const { server } = api();
    const res = await server.inject({ url: "/", headers: as.Viewer });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("pnpm build");
  });
});
