// Airflow v1 conformance: real responses of every implemented Airflow operation are validated
// against the response schemas of Airflow 2.10's own OpenAPI document (test/fixtures), and the
// coverage "implemented N of 89" is printed.
import { fileToken } from "@updraft/api-contract";
import { createDagRun, importErrors, taskInstanceHistory, taskInstances, xcom } from "@updraft/db";
import { beforeAll, describe, expect, it } from "vitest";
import { AirflowSpec } from "./support/airflow-spec.ts";
import { as, sampleDag, useApi } from "./support/api-fixture.ts";

const spec = new AirflowSpec(new URL("./fixtures/airflow-v1.yaml", import.meta.url));
const RUN = "run_1";
const TI = `/dags/etl/dagRuns/${RUN}/taskInstances`;

interface Call {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  url: string;
  payload?: unknown;
  headers?: Record<string, string>;
  status: number;
}

describe("Airflow v1 spec conformance", () => {
  const api = useApi([sampleDag("etl", { schedule: "0 6 * * *" }), sampleDag("doomed", { tags: [] })]);
  const validated = new Set<string>();

  beforeAll(async () => {
    const { db } = api().database;
    await createDagRun(db, { dagId: "etl", runId: RUN, runType: "scheduled", logicalDate: new Date("2025-01-01T00:00:00Z") });
    await createDagRun(db, { dagId: "etl", runId: "run_2", runType: "manual", logicalDate: new Date("2025-01-02T00:00:00Z") });
    const start = new Date("2025-01-01T00:00:01Z");
    const end = new Date("2025-01-01T00:00:03Z");
    await db.insert(taskInstances).values([
      { dagId: "etl", runId: RUN, taskId: "extract", state: "success", tryNumber: 1, maxTries: 1, startDate: start, endDate: end, duration: 2, hostname: "w1", pid: 42 },
      { dagId: "etl", runId: RUN, taskId: "transform", state: "failed", tryNumber: 2, maxTries: 3, startDate: start, endDate: end, duration: 2, hostname: "w2" },
      { dagId: "etl", runId: RUN, taskId: "load", state: null, tryNumber: 0, maxTries: 1 },
    ]);
    await db.insert(taskInstanceHistory).values({ dagId: "etl", runId: RUN, taskId: "transform", tryNumber: 1, state: "failed", startDate: start, endDate: end, duration: 2, hostname: "w1", error: "boom" });
    await db.insert(xcom).values({ dagId: "etl", runId: RUN, taskId: "extract", key: "return_value", value: { rows: 3 } });
    await db.insert(importErrors).values({ filename: "broken.ts", stackTrace: "SyntaxError", timestamp: new Date() });
  });

  async function check(call: Call): Promise<unknown> {
    const { server } = api();
    const res = await server.inject({
      method: call.method,
      url: `/api/v1${call.url}`,
      headers: call.headers ?? as.Admin,
      ...(call.payload === undefined ? {} : { payload: call.payload as object }),
    });
    expect(res.statusCode, `${call.method} ${call.url}: ${res.body}`).toBe(call.status);
    const path = call.url.split("?")[0]!;
    const template = spec.template(call.method, path);
    expect(template, `${call.method} ${path} is an Airflow operation`).toBeDefined();
    const body = res.body === "" ? undefined : res.json();
    expect(spec.validate(call.method, template!, res.statusCode, body), `${call.method} ${call.url}`).toEqual([]);
    validated.add(`${call.method} ${template}`);
    return body;
  }

  it("answers DAG, task and source reads in Airflow's shape", async () => {
    const dags = (await check({ method: "GET", url: "/dags?order_by=-dag_id", status: 200 })) as { dags: Array<{ dag_id: string; schedule_interval: unknown; file_token: string }> };
    expect(dags.dags.map((d) => d.dag_id)).toEqual(["etl", "doomed"]);
    expect(dags.dags[0]!.schedule_interval).toEqual({ __type: "CronExpression", value: "0 6 * * *" });
    await check({ method: "GET", url: "/dags/etl", status: 200 });
    await check({ method: "GET", url: "/dags/nope", status: 404 });
    await check({ method: "PATCH", url: "/dags/etl", payload: { is_paused: false }, status: 200 });
    await check({ method: "GET", url: "/dags/etl/details", status: 200 });
    await check({ method: "GET", url: "/dags/etl/tasks", status: 200 });
    await check({ method: "GET", url: "/dags/etl/tasks/transform", status: 200 });
    await check({ method: "GET", url: "/dagStats?dag_ids=etl,doomed", status: 200 });
    await check({ method: "GET", url: `/dagSources/${fileToken("nowhere.ts")}`, status: 404 });
    await check({ method: "GET", url: "/importErrors?order_by=-import_error_id", status: 200 });
    const list = (await check({ method: "GET", url: "/importErrors", status: 200 })) as { import_errors: Array<{ import_error_id: number }> };
    await check({ method: "GET", url: `/importErrors/${list.import_errors[0]!.import_error_id}`, status: 200 });
  });

  it("answers run reads and actions, with ~ for every DAG and a note accepted", async () => {
    const run = (await check({ method: "POST", url: "/dags/etl/dagRuns", payload: { dag_run_id: "noted", note: "from a script" }, status: 200 })) as { note: unknown };
    expect(run.note).toBe("from a script");
    await check({ method: "GET", url: "/dags/etl/dagRuns?order_by=-execution_date", status: 200 });
    const all = (await check({ method: "GET", url: "/dags/~/dagRuns", status: 200 })) as { total_entries: number };
    expect(all.total_entries).toBe(3);
    await check({ method: "GET", url: `/dags/etl/dagRuns/${RUN}`, status: 200 });
    await check({ method: "POST", url: "/dags/~/dagRuns/list", payload: { dag_ids: ["etl"], order_by: "dag_run_id", page_limit: 10 }, status: 200 });
    await check({ method: "PATCH", url: "/dags/etl/dagRuns/run_2", payload: { state: "failed" }, status: 200 });
    await check({ method: "DELETE", url: "/dags/etl/dagRuns/noted", status: 204 });
  });

  it("answers task instance reads and actions", async () => {
    await check({ method: "GET", url: TI, status: 200 });
    const every = (await check({ method: "GET", url: "/dags/~/dagRuns/~/taskInstances", status: 200 })) as { total_entries: number };
    expect(every.total_entries).toBeGreaterThanOrEqual(3);
    await check({ method: "GET", url: `${TI}/transform`, status: 200 });
    const tries = (await check({ method: "GET", url: `${TI}/transform/tries`, status: 200 })) as { task_instances: Array<{ try_number: number }> };
    expect(tries.task_instances.map((t) => t.try_number)).toEqual([1, 2]);
    await check({ method: "GET", url: `${TI}/transform/tries/1`, status: 200 });
    await check({ method: "GET", url: `${TI}/extract/xcomEntries`, status: 200 });
    const value = (await check({ method: "GET", url: `${TI}/extract/xcomEntries/return_value`, status: 200 })) as { value: unknown };
    expect(value.value).toEqual({ rows: 3 });
    await check({ method: "GET", url: `${TI}/load/dependencies`, status: 200 });
    await check({ method: "GET", url: `${TI}/extract/logs/1`, status: 200 });
    await check({ method: "POST", url: "/dags/~/dagRuns/~/taskInstances/list", payload: { dag_ids: ["etl"], state: ["failed", "none"] }, status: 200 });
    await check({ method: "PATCH", url: `${TI}/extract`, payload: { new_state: "success", dry_run: true }, status: 200 });
    await check({ method: "POST", url: "/dags/etl/updateTaskInstancesState", payload: { dag_run_id: RUN, task_id: "extract", new_state: "failed", include_downstream: true }, status: 200 });
    await check({ method: "POST", url: "/dags/etl/clearTaskInstances", payload: { dag_run_id: RUN, only_failed: true, include_downstream: true, dry_run: true }, status: 200 });
  });

  it("answers pools, users, roles, config, version, health and event logs", async () => {
    await check({ method: "GET", url: "/pools?order_by=-slots", status: 200 });
    await check({ method: "POST", url: "/pools", payload: { name: "spare", slots: 2 }, status: 200 });
    await check({ method: "GET", url: "/pools/spare", status: 200 });
    await check({ method: "PATCH", url: "/pools/spare?update_mask=slots", payload: { name: "spare", slots: 4 }, status: 200 });
    await check({ method: "DELETE", url: "/pools/spare", status: 204 });
    await check({ method: "GET", url: "/users", status: 200 });
    await check({ method: "POST", url: "/users", payload: { username: "temp", password: "temporary-pw-1", role: "Viewer" }, status: 200 });
    const user = (await check({ method: "GET", url: "/users/temp", status: 200 })) as { email: unknown };
    expect(user.email).toBe("temp@users.updraft.invalid");
    await check({ method: "PATCH", url: "/users/temp", payload: { email: "t@example.com", roles: [{ name: "Op" }] }, status: 200 });
    await check({ method: "DELETE", url: "/users/temp", status: 204 });
    await check({ method: "GET", url: "/roles", status: 200 });
    await check({ method: "GET", url: "/roles/Op", status: 200 });
    const config = (await check({ method: "GET", url: "/config", status: 200 })) as { sections: Array<{ options: Array<{ key: string; value: string }> }> };
    const redis = config.sections.flatMap((s) => s.options).find((o) => o.key === "redis_url");
    expect(redis?.value).toBe("< hidden >");
    await check({ method: "GET", url: "/config/section/core/option/executor", status: 200 });
    await check({ method: "GET", url: "/config", headers: as.Op, status: 403 });
    await check({ method: "GET", url: "/version", status: 200 });
    await check({ method: "GET", url: "/health", status: 200 });
    const logs = (await check({ method: "GET", url: "/eventLogs?order_by=-event_log_id&limit=100", status: 200 })) as { event_logs: Array<{ event_log_id: number; event: string; owner: string }> };
    const events = logs.event_logs.map((l) => l.event);
    for (const event of ["trigger", "dag_run_patched", "dag_run_deleted", "pool_created", "pool_patched", "pool_deleted", "user_created", "user_patched", "user_deleted", "unpaused"]) {
      expect(events, event).toContain(event);
    }
    expect(logs.event_logs.every((l) => l.owner === "alice")).toBe(true);
    await check({ method: "GET", url: `/eventLogs/${logs.event_logs[0]!.event_log_id}`, status: 200 });
    await check({ method: "GET", url: "/eventLogs/999999", status: 404 });
    await check({ method: "DELETE", url: "/dags/doomed", status: 204 });
  });

  it("answers variables, connections and notes in Airflow's shape", async () => {
    await check({ method: "POST", url: "/variables", payload: { key: "threshold", value: "42", description: "rows" }, status: 200 });
    await check({ method: "GET", url: "/variables?order_by=key", status: 200 });
    await check({ method: "GET", url: "/variables/threshold", status: 200 });
    await check({ method: "PATCH", url: "/variables/threshold", payload: { key: "threshold", value: "43" }, status: 200 });
    await check({ method: "DELETE", url: "/variables/threshold", status: 204 });
    await check({ method: "GET", url: "/variables/threshold", status: 404 });
    const conn = { connection_id: "warehouse", conn_type: "postgres", host: "127.0.0.1", schema: "test", login: "postgres", password: "s3cret", port: 5432 };
    await check({ method: "POST", url: "/connections", payload: conn, status: 200 });
    await check({ method: "GET", url: "/connections", status: 200 });
    const got = (await check({ method: "GET", url: "/connections/warehouse", status: 200 })) as { password?: unknown };
    expect(got.password).toBeUndefined();
    await check({ method: "PATCH", url: "/connections/warehouse", payload: { ...conn, description: "the warehouse" }, status: 200 });
    await check({ method: "POST", url: "/connections/test", payload: conn, status: 200 });
    await check({ method: "DELETE", url: "/connections/warehouse", status: 204 });
    const run = (await check({ method: "PATCH", url: `/dags/etl/dagRuns/run_2/setNote`, payload: { note: "re-ran by hand" }, status: 200 })) as { note: unknown };
    expect(run.note).toBe("re-ran by hand");
    const ti = (await check({ method: "PATCH", url: `${TI}/extract/setNote`, payload: { note: "checked" }, status: 200 })) as { note: unknown };
    expect(ti.note).toBe("checked");
  });

  it("covers every implemented Airflow operation, and prints the coverage", () => {
    const { server } = api();
    const ours = new Set(
      server.updraftRoutes.filter((r) => r.url.startsWith("/api/v1/")).map((r) => `${r.method} ${r.url.slice("/api/v1".length).replace(/:([a-z_]+)/g, "{}")}`),
    );
    const implemented = spec.operations().filter((op) => ours.has(`${op.method} ${op.path.replace(/\{[a-z_]+\}/g, "{}")}`));
    console.log(`Airflow v1 operations implemented: ${implemented.length} of ${spec.operations().length}`);
    const done = new Set(implemented.map((op) => op.key));
    console.log(`not implemented: ${spec.operations().filter((op) => !done.has(op.key)).map((op) => op.operationId).join(", ")}`);
    expect(spec.operations()).toHaveLength(89);
    const unchecked = implemented.filter((op) => !validated.has(op.key)).map((op) => op.key);
    expect(unchecked, "implemented but not validated here").toEqual([]);
  });
});
