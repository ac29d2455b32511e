// Webserver hardening: sessions in Postgres (shared by webservers, kept over a restart), failed
// logins throttled per username and per address with 429 + Retry-After, security headers, a
// request body cap, credentials censored in logs, and failed logins in the audit log.
import { Writable } from "node:stream";
import { dagRuns, eventLog } from "@updraft/db";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { buildApiServer } from "../src/index.ts";
import { as, basic, PASSWORD, USERS, useApi } from "./support/api-fixture.ts";

const FORM = { "content-type": "application/x-www-form-urlencoded" };
const form = (username: string, password: string) => new URLSearchParams({ username, password }).toString();

describe("webserver hardening", () => {
  const api = useApi();

  it("shares sessions between webservers on one database, and keeps them over a restart", async () => {
    const { server, database, config } = api();
    const login = await server.inject({ method: "POST", url: "/login", payload: form(USERS.Op, PASSWORD), headers: FORM });
    expect(login.statusCode).toBe(303);
    const cookie = String(login.headers["set-cookie"]).split(";")[0]!;
    const a = await buildApiServer({ database, config });
    const b = await buildApiServer({ database, config });
    try {
      const viaA = await a.inject({ method: "POST", url: "/login", payload: form(USERS.Op, PASSWORD), headers: FORM });
      const shared = String(viaA.headers["set-cookie"]).split(";")[0]!;
      expect((await b.inject({ url: "/api/v1/dags", headers: { cookie: shared } })).statusCode).toBe(200);
      await a.close(); // "restart": a new server, nothing shared with the old one but the database
      const a2 = await buildApiServer({ database, config });
      expect((await a2.inject({ url: "/api/v1/dags", headers: { cookie: shared } })).statusCode).toBe(200);
      // Logging out on one server ends the session everywhere.
      expect((await b.inject({ method: "POST", url: "/logout", headers: { cookie: shared } })).statusCode).toBe(303);
      expect((await a2.inject({ url: "/api/v1/dags", headers: { cookie: shared } })).statusCode).toBe(401);
      await a2.close();
    } finally {
      await b.close();
    }
    // Other sessions are untouched.
    expect((await server.inject({ url: "/api/v1/dags", headers: { cookie } })).statusCode).toBe(200);
  });

  it("throttles failed form logins per username with 429 and Retry-After, across webservers", async () => {
    const { database, config } = api();
    const throttle = { perUsername: { failures: 3, windowSec: 60 }, perAddress: { failures: 100, windowSec: 60 } };
    const a = await buildApiServer({ database, config, loginThrottle: throttle });
    const b = await buildApiServer({ database, config, loginThrottle: throttle });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await (i % 2 === 0 ? a : b).inject({ method: "POST", url: "/login", payload: form(USERS.Viewer, "guess" + i), headers: FORM });
        expect(res.statusCode).toBe(401);
      }
      // Even the right password is refused while the username is blocked.
      const blocked = await b.inject({ method: "POST", url: "/login", payload: form(USERS.Viewer, PASSWORD), headers: FORM });
      expect(blocked.statusCode).toBe(429);
      const retryAfter = Number(blocked.headers["retry-after"]);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // HTTP Basic for the same username is throttled too, with a problem JSON.
      const viaBasic = await a.inject({ url: "/api/v1/dags", headers: basic(USERS.Viewer, "another guess") });
      expect(viaBasic.statusCode).toBe(429);
      expect(viaBasic.headers["retry-after"]).toBeDefined();
      expect(viaBasic.json()).toMatchObject({ status: 429, type: "UPDRAFT_TOO_MANY_LOGIN_ATTEMPTS" });
      // Other users are not affected.
      expect((await a.inject({ url: "/api/v1/dags", headers: as.Op })).statusCode).toBe(200);
    } finally {
      await a.close();
      await b.close();
    }
    const failures = await database.db.select().from(eventLog).where(eq(eventLog.event, "login_failed"));
    expect(failures.filter((f) => f.owner === USERS.Viewer).length).toBeGreaterThanOrEqual(3);
    expect(failures.every((f) => !(f.extra ?? "").includes("guess"))).toBe(true);
  });

  it("throttles failed HTTP Basic logins per client address, whatever the username", async () => {
    const { database, config } = api();
    const server = await buildApiServer({
      database,
      config,
      loginThrottle: { perUsername: { failures: 100, windowSec: 60 }, perAddress: { failures: 4, windowSec: 60 } },
    });
    try {
      for (let i = 0; i < 4; i++) {
        const res = await server.inject({ url: "/api/v1/dags", headers: basic(`nobody${i}`, "x"), remoteAddress: "10.9.8.7" });
        expect(res.statusCode).toBe(401);
      }
      const blocked = await server.inject({ url: "/api/v1/dags", headers: basic("someone-else", "x"), remoteAddress: "10.9.8.7" });
      expect(blocked.statusCode).toBe(429);
      expect(Number(blocked.headers["retry-after"])).toBeGreaterThan(0);
      // Another address still gets to try.
      const other = await server.inject({ url: "/api/v1/dags", headers: basic(USERS.Admin), remoteAddress: "10.9.8.8" });
      expect(other.statusCode).toBe(200);
    } finally {
      await server.close();
    }
  });

  it("behind a trusted proxy (UPDRAFT_WEB_PROXY_FIX_X_FOR=1) throttles per forwarded client address; untrusted, X-Forwarded-For is ignored", async () => {
    const { database } = api();
    const { loadConfig } = await import("@updraft/config");
    const throttle = { perUsername: { failures: 100, windowSec: 60 }, perAddress: { failures: 2, windowSec: 60 } };
    const proxied = await buildApiServer({ database, config: loadConfig({ env: { UPDRAFT_WEB_PROXY_FIX_X_FOR: "1" }, cwd: "/" }), loginThrottle: throttle });
    const direct = await buildApiServer({ database, config: loadConfig({ env: {}, cwd: "/" }), loginThrottle: throttle });
    try {
      // Every request comes from the proxy's socket address; the client is in X-Forwarded-For.
      const via = (server: typeof proxied, client: string, username: string, password = "x") =>
        server.inject({ url: "/api/v1/dags", headers: { ...basic(username, password), "x-forwarded-for": client }, remoteAddress: "172.18.0.9" });
      for (let i = 0; i < 2; i++) expect((await via(proxied, "203.0.113.5", `nobody${i}`)).statusCode).toBe(401);
      expect((await via(proxied, "203.0.113.5", "someone")).statusCode).toBe(429);
      // Another client behind the same proxy is not locked out by the first one's failures.
      expect((await via(proxied, "203.0.113.6", USERS.Admin, PASSWORD)).statusCode).toBe(200);
      // Not trusted: the header is a client's claim, so a forged address does not escape the throttle.
      for (let i = 0; i < 2; i++) expect((await via(direct, `198.51.100.${i}`, `nobody${i}`)).statusCode).toBe(401);
      expect((await via(direct, "198.51.100.77", "someone")).statusCode).toBe(429);
    } finally {
      await proxied.close();
      await direct.close();
    }
  });

  it("sends security headers with a CSP on pages and API answers", async () => {
    const { server } = api();
    for (const url of ["/login", "/api/v1/dags", "/api/v1/ui/"]) {
      const res = await server.inject({ url, headers: as.Viewer });
      const csp = String(res.headers["content-security-policy"]);
      expect(csp, url).toContain("default-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["x-frame-options"]).toBe("SAMEORIGIN");
      expect(res.headers["referrer-policy"]).toBe("no-referrer");
    }
  });

  it("refuses bodies over the limit with 413 problem JSON", async () => {
    const { database, config } = api();
    const server = await buildApiServer({ database, config, bodyLimit: 10_000 });
    try {
      const res = await server.inject({
        method: "POST",
        url: "/api/v1/dags/etl/dagRuns",
        headers: { ...as.Op, "content-type": "application/json" },
        payload: JSON.stringify({ conf: { blob: "x".repeat(20_000) } }),
      });
      expect(res.statusCode).toBe(413);
      expect(res.headers["content-type"]).toContain("application/problem+json");
      expect(res.json()).toMatchObject({ status: 413 });
    } finally {
      await server.close();
    }
  });

  it("refuses a body nested deeper than 100 levels with 400 naming the field, and stores nothing; 100 levels are taken", async () => {
    const { server, database } = api();
    /** `{"conf": {"a": {"a": ... 1}}}`, `depth` levels in all (the body is level 1). */
    const nested = (depth: number) => `{"conf":${'{"a":'.repeat(depth - 1)}1${"}".repeat(depth - 1)}}`;
    const post = (runId: string, body: string) =>
      server.inject({ method: "POST", url: `/api/v1/dags/etl/dagRuns`, headers: { ...as.Op, "content-type": "application/json" }, payload: body.replace("{", `{"dag_run_id":"${runId}",`) });
    // 5,000 levels overflowed JSON.stringify in the driver: a 500, before the limit.
    const deep = await post("too_deep", nested(5_000));
    expect(deep.statusCode).toBe(400);
    expect(deep.headers["content-type"]).toContain("application/problem+json");
    expect(deep.json()).toMatchObject({ status: 400, type: "UPDRAFT_INVALID_INPUT", detail: expect.stringContaining("body.conf.a.a is nested more than 100 levels deep") });
    expect((await post("one_too_deep", nested(101))).statusCode).toBe(400);
    const ok = await post("deep_enough", nested(100));
    expect(ok.statusCode).toBe(200);
    const runs = await database.db.select().from(dagRuns).where(eq(dagRuns.dagId, "etl"));
    expect(runs.map((r) => r.runId)).toEqual(["deep_enough"]);
  });

  it("never writes passwords, Authorization headers or cookies to the log", async () => {
    const { database, config } = api();
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const server = await buildApiServer({
      database,
      config,
      logger: {
        level: "trace",
        stream,
        serializers: {
          // The most revealing serializer an operator might configure: every header and the body.
          req: (req: { headers: unknown; body?: unknown; method: string; url: string }) => ({ method: req.method, url: req.url, headers: req.headers, body: req.body }),
        },
      },
    });
    try {
      await server.inject({ url: "/api/v1/dags", headers: { ...basic(USERS.Admin), cookie: "updraft_session=secret-cookie-value" } });
      server.log.info({ password: PASSWORD, connection: { password: "conn-secret" } }, "something with a password");
      await server.inject({ method: "POST", url: "/login", payload: form(USERS.Admin, PASSWORD), headers: FORM });
    } finally {
      await server.close();
    }
    const text = lines.join("");
    expect(text).toContain("[redacted]");
    expect(text).not.toContain(Buffer.from(`${USERS.Admin}:${PASSWORD}`).toString("base64"));
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain("secret-cookie-value");
    expect(text).not.toContain("conn-secret");
  });
});
