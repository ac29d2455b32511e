// Authentication and authorization: every non-public route refuses anonymous callers, each
// role reaches what it may, and browser sessions work through the login form.
import { schedulerJobs } from "@updraft/db";
import { describe, expect, it } from "vitest";
import { as, basic, LOCAL_TOKEN, PASSWORD, USERS, useApi } from "./support/api-fixture.ts";

/** A concrete URL for a route pattern (`:dag_id` -> `etl`). */
function concrete(url: string): string {
  return url.replace(/:([a-z_]+)/g, (_, name: string) => (name === "try_number" ? "1" : name === "dag_id" ? "etl" : `x_${name}`)).replace("*", "x");
}

describe("authentication", () => {
  const api = useApi();

  it("answers 401 with a Basic challenge on every non-public route without a user", async () => {
    const { server } = api();
    const guarded = server.updraftRoutes.filter((r) => r.access !== "public" && r.method !== "HEAD");
    expect(guarded.length).toBeGreaterThan(15);
    for (const route of guarded) {
      const res = await server.inject({ method: route.method as "GET", url: concrete(route.url) });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(res.headers["www-authenticate"]).toBe('Basic realm="Updraft"');
      expect(res.json()).toMatchObject({ status: 401, type: "UPDRAFT_NOT_AUTHENTICATED" });
    }
  });

  it("answers 401 for a wrong password, an unknown user and a wrong token", async () => {
    const { server } = api();
    for (const headers of [basic(USERS.Admin, "wrong password"), basic("nobody"), { authorization: "Bearer nope" }, { authorization: "Basic !!" }]) {
      const res = await server.inject({ url: "/api/v1/dags", headers });
      expect(res.statusCode).toBe(401);
    }
  });

  it("accepts HTTP Basic for each role, and the local admin token as Admin", async () => {
    const { server } = api();
    for (const headers of [as.Admin, as.Op, as.Viewer]) {
      expect((await server.inject({ url: "/api/v1/dags", headers })).statusCode).toBe(200);
    }
    const users = await server.inject({ url: "/api/v1/users", headers: { authorization: `Bearer ${LOCAL_TOKEN}` } });
    expect(users.statusCode).toBe(200);
  });

  it("forbids a Viewer to trigger, pause, clear and mark", async () => {
    const { server } = api();
    const attempts = [
      { method: "POST", url: "/api/v1/dags/etl/dagRuns", payload: {} },
      { method: "PATCH", url: "/api/v1/dags/etl", payload: { is_paused: true } },
      { method: "POST", url: "/api/v1/dags/etl/clearTaskInstances", payload: { dag_run_id: "r" } },
      { method: "PATCH", url: "/api/v1/dags/etl/dagRuns/r/taskInstances/extract", payload: { new_state: "success" } },
    ] as const;
    for (const attempt of attempts) {
      const res = await server.inject({ ...attempt, headers: as.Viewer });
      expect(res.statusCode, `${attempt.method} ${attempt.url}`).toBe(403);
      expect(res.json()).toMatchObject({ type: "UPDRAFT_FORBIDDEN" });
      expect(res.json().detail).toContain("needs the Op role");
    }
  });

  it("forbids an Op to create users and pools, and to list users", async () => {
    const { server } = api();
    const user = await server.inject({ method: "POST", url: "/api/v1/users", headers: as.Op, payload: { username: "x", password: PASSWORD, role: "Viewer" } });
    expect(user.statusCode).toBe(403);
    const pool = await server.inject({ method: "POST", url: "/api/v1/pools", headers: as.Op, payload: { name: "p", slots: 1 } });
    expect(pool.statusCode).toBe(403);
    expect((await server.inject({ url: "/api/v1/users", headers: as.Op })).statusCode).toBe(403);
  });

  it("logs in through the form with an HttpOnly SameSite cookie, and logs out", async () => {
    const { server } = api();
    const form = await server.inject({ url: "/login?next=/api/v1/dags" });
    expect(form.statusCode).toBe(200);
    expect(form.headers["content-type"]).toContain("text/html");
    expect(form.body).toContain('<form method="post" action="/login">');

    const wrong = await server.inject({ method: "POST", url: "/login", payload: `username=${USERS.Viewer}&password=nope`, headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain("Wrong username or password");
    expect(wrong.headers["set-cookie"]).toBeUndefined();

    const login = await server.inject({
      method: "POST",
      url: "/login",
      payload: new URLSearchParams({ username: USERS.Viewer, password: PASSWORD, next: "/api/v1/dags" }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe("/api/v1/dags");
    const setCookie = String(login.headers["set-cookie"]);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const cookie = setCookie.split(";")[0]!;

    const dags = await server.inject({ url: "/api/v1/dags", headers: { cookie } });
    expect(dags.statusCode).toBe(200);
    const users = await server.inject({ url: "/api/v1/users", headers: { cookie } });
    expect(users.statusCode).toBe(403); // the session is the Viewer's

    const me = await server.inject({ url: "/api/v1/users", headers: as.Admin });
    expect(me.json().users.find((u: { username: string }) => u.username === USERS.Viewer).last_login).not.toBeNull();

    const logout = await server.inject({ method: "POST", url: "/logout", headers: { cookie } });
    expect(logout.statusCode).toBe(303);
    expect((await server.inject({ url: "/api/v1/dags", headers: { cookie } })).statusCode).toBe(401);
  });

  it("never redirects off-site after login", async () => {
    const { server } = api();
    const login = await server.inject({
      method: "POST",
      url: "/login",
      payload: new URLSearchParams({ username: USERS.Op, password: PASSWORD, next: "//evil.example/x" }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(login.headers.location).toBe("/");
  });

  it("rejects a tampered session cookie", async () => {
    const { server } = api();
    const res = await server.inject({ url: "/api/v1/dags", headers: { cookie: "updraft_session=abc.def" } });
    expect(res.statusCode).toBe(401);
  });
});

describe("health", () => {
  const api = useApi();

  it("answers without auth; the scheduler is unhealthy without a heartbeat and healthy with a fresh one", async () => {
    const { server, database } = api();
    const before = await server.inject({ url: "/api/v1/health" });
    expect(before.statusCode).toBe(200);
    expect(before.json()).toEqual({ metadatabase: { status: "healthy" }, scheduler: { status: "unhealthy", latest_scheduler_heartbeat: null } });

    await database.db.insert(schedulerJobs).values({ jobType: "scheduler", hostname: "old", pid: 1, latestHeartbeat: new Date(Date.now() - 120_000) });
    expect((await server.inject({ url: "/api/v1/health" })).json().scheduler.status).toBe("unhealthy");

    const now = new Date();
    await database.db.insert(schedulerJobs).values({ jobType: "scheduler", hostname: "h", pid: 2, latestHeartbeat: now });
    const after = (await server.inject({ url: "/api/v1/health" })).json();
    expect(after.scheduler).toEqual({ status: "healthy", latest_scheduler_heartbeat: now.toISOString() });
  });
});
