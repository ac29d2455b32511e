// The OpenAPI document covers every /api/v1 route; the docs UI is served locally; unknown
// routes answer JSON 404s; and one test talks to a real listening server through fetch.
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { as, USERS, PASSWORD, useApi } from "./support/api-fixture.ts";

describe("OpenAPI and HTTP", () => {
  const api = useApi();

  it("documents every registered /api/v1 route with its method", async () => {
    const { server } = api();
    const res = await server.inject({ url: "/api/v1/openapi.json" });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; info: { title: string }; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.title).toBe("Updraft API");

    const registered = server.updraftRoutes
      .filter((r) => r.url.startsWith("/api/v1/") && !r.hidden && r.method !== "HEAD")
      .map((r) => `${r.method.toLowerCase()} ${r.url.replace(/:([a-z_]+)/g, "{$1}")}`)
      .sort();
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method} ${path}`))
      .sort();
    expect(registered.length).toBeGreaterThanOrEqual(19);
    expect(documented).toEqual(registered);
    // Every documented operation declares its responses, including the problem body of errors.
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(Object.keys((op as { responses: object }).responses), `${method} ${path}`).toContain("4XX");
      }
    }
  });

  it("serves the interactive docs from the package without auth", async () => {
    const { server } = api();
    const page = await server.inject({ url: "/api/v1/ui/" });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toMatch(/https?:\/\/(cdn|unpkg)/);
    expect((await server.inject({ url: "/api/v1/ui/static/swagger-ui-bundle.js" })).statusCode).toBe(200);
    // Updraft's title, icon and logo, not Fastify's (issue 13, item 14).
    expect(page.body).toContain("<title>Updraft API</title>");
    expect(page.body).toContain("theme/favicon.svg");
    const init = await server.inject({ url: "/api/v1/ui/static/swagger-initializer.js" });
    const logo = /data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)/.exec(init.body)?.[1];
    expect(Buffer.from(logo ?? "", "base64").toString()).toContain("Updraft API");
  });

  it("answers JSON 404 for unknown routes", async () => {
    const { server } = api();
    const res = await server.inject({ url: "/api/v1/nothing/here", headers: as.Viewer });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ status: 404, title: "Not Found" });
  });

  it("serves real HTTP on an ephemeral port", async () => {
    const { server } = api();
    await server.listen({ port: 0, host: "127.0.0.1" });
    const { port } = server.server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    const anonymous = await fetch(`${base}/api/v1/dags`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toBe('Basic realm="Updraft"');
    const authorization = `Basic ${Buffer.from(`${USERS.Viewer}:${PASSWORD}`).toString("base64")}`;
    const dags = await fetch(`${base}/api/v1/dags`, { headers: { authorization } });
    expect(dags.status).toBe(200);
    expect(((await dags.json()) as { total_entries: number }).total_entries).toBe(1);
    const health = await fetch(`${base}/api/v1/health`);
    expect(((await health.json()) as { metadatabase: { status: string } }).metadatabase.status).toBe("healthy");
  });
});
