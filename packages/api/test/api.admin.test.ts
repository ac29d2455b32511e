// Admin resources: pools (with slot usage from task instances) and users (never with hashes).
import { createDagRun, taskInstances } from "@updraft/db";
import { describe, expect, it } from "vitest";
import { as, basic, PASSWORD, useApi } from "./support/api-fixture.ts";

describe("pool routes", () => {
  const api = useApi();

  it("creates, reads, resizes and deletes a pool; default_pool cannot be deleted", async () => {
    const { server } = api();
    const created = await server.inject({ method: "POST", url: "/api/v1/pools", headers: as.Admin, payload: { name: "gpu", slots: 2, description: "GPUs" } });
    expect(created.statusCode).toBe(200);
    expect(created.json()).toEqual({ name: "gpu", slots: 2, description: "GPUs", occupied_slots: 0, running_slots: 0, queued_slots: 0, open_slots: 2 });
    const again = await server.inject({ method: "POST", url: "/api/v1/pools", headers: as.Admin, payload: { name: "gpu", slots: 3 } });
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toContain("already exists");

    const patched = await server.inject({ method: "PATCH", url: "/api/v1/pools/gpu", headers: as.Admin, payload: { slots: 4 } });
    expect(patched.json()).toMatchObject({ slots: 4, description: "GPUs", open_slots: 4 });
    expect((await server.inject({ url: "/api/v1/pools/gpu", headers: as.Viewer })).json().slots).toBe(4);
    expect((await server.inject({ method: "PATCH", url: "/api/v1/pools/gpu", headers: as.Op, payload: { slots: 1 } })).statusCode).toBe(403);

    const list = (await server.inject({ url: "/api/v1/pools", headers: as.Viewer })).json();
    expect(list.total_entries).toBe(2);
    expect(list.pools.map((p: { name: string }) => p.name)).toEqual(["default_pool", "gpu"]);

    const keep = await server.inject({ method: "DELETE", url: "/api/v1/pools/default_pool", headers: as.Admin });
    expect(keep.statusCode).toBe(400);
    expect(keep.json().detail).toContain("default_pool");
    expect((await server.inject({ method: "DELETE", url: "/api/v1/pools/gpu", headers: as.Admin })).statusCode).toBe(204);
    const gone = await server.inject({ url: "/api/v1/pools/gpu", headers: as.Viewer });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().type).toBe("UPDRAFT_POOL_NOT_FOUND");
    expect(again.json().type).toBe("UPDRAFT_POOL_EXISTS");
    const bad = await server.inject({ method: "POST", url: "/api/v1/pools", headers: as.Admin, payload: { name: "x", slots: -1 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toContain("body.slots");
  });

  it("computes occupied, running, queued and open slots from task instances", async () => {
    const { server, database } = api();
    const { db } = database;
    await createDagRun(db, { dagId: "etl", runId: "r", runType: "manual", logicalDate: new Date() });
    await db.insert(taskInstances).values([
      { dagId: "etl", runId: "r", taskId: "extract", state: "running", poolSlots: 3 },
      { dagId: "etl", runId: "r", taskId: "transform", state: "queued", poolSlots: 2 },
      { dagId: "etl", runId: "r", taskId: "load", state: "success", poolSlots: 50 },
    ]);
    const pool = (await server.inject({ url: "/api/v1/pools/default_pool", headers: as.Viewer })).json();
    expect(pool).toMatchObject({ slots: 128, occupied_slots: 5, running_slots: 3, queued_slots: 2, open_slots: 123 });
  });
});

describe("user routes", () => {
  const api = useApi();

  it("creates and lists users without password hashes; the new user can log in", async () => {
    const { server } = api();
    const res = await server.inject({
      method: "POST",
      url: "/api/v1/users",
      headers: as.Admin,
      payload: { username: "nina", password: PASSWORD, role: "Op", email: "nina@example.com" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ username: "nina", role: "Op", roles: [{ name: "Op" }], email: "nina@example.com", last_login: null });
    expect(res.body).not.toMatch(/password|argon2/i);

    const list = await server.inject({ url: "/api/v1/users", headers: as.Admin });
    expect(list.json().total_entries).toBe(4);
    expect(list.body).not.toMatch(/password|argon2/i);
    expect((await server.inject({ method: "POST", url: "/api/v1/dags/etl/dagRuns", headers: basic("nina"), payload: {} })).statusCode).toBe(200);

    const dup = await server.inject({ method: "POST", url: "/api/v1/users", headers: as.Admin, payload: { username: "nina", password: PASSWORD, role: "Op" } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().type).toBe("UPDRAFT_USER_EXISTS");
  });

  it("rejects a short password, an unknown role and unknown fields", async () => {
    const { server } = api();
    const post = (payload: object) => server.inject({ method: "POST", url: "/api/v1/users", headers: as.Admin, payload });
    expect((await post({ username: "a", password: "short", role: "Op" })).json().detail).toContain("at least 8");
    expect((await post({ username: "a", password: PASSWORD, role: "God" })).json().detail).toContain("body.role must be one of");
    expect((await post({ username: "a", password: PASSWORD, role: "Op", admin: true })).json().detail).toContain('unknown field "admin"');
  });
});
