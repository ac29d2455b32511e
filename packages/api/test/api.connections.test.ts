// Connections over REST in Airflow's v1 shape: encrypted at rest, password write-only, and
// `POST /connections/test` against the real Postgres, Redis and an HTTP server.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { connections } from "@updraft/db";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { as, LOCAL_TOKEN, useApi } from "./support/api-fixture.ts";

const KEY = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";

describe("connection routes", () => {
  const api = useApi(undefined, { env: { UPDRAFT_FERNET_KEY: KEY } });

  it("creates, reads, patches, lists and deletes a connection; password and extra are encrypted and never answered", async () => {
    const { server, database } = api();
    const body = { connection_id: "warehouse", conn_type: "postgres", host: "db.example", login: "etl", password: "hunter22", port: 5432, schema: "dw", extra: '{"sslmode":"require"}' };
    const created = await server.inject({ method: "POST", url: "/api/v1/connections", headers: as.Op, payload: body });
    expect(created.statusCode).toBe(200);
    expect(created.json()).toEqual({ connection_id: "warehouse", conn_type: "postgres", description: null, host: "db.example", login: "etl", schema: "dw", port: 5432, extra: '{"sslmode":"require"}' });
    expect((await server.inject({ method: "POST", url: "/api/v1/connections", headers: as.Op, payload: body })).json().type).toBe("UPDRAFT_CONNECTION_EXISTS");

    const [row] = await database.db.select().from(connections).where(eq(connections.connId, "warehouse"));
    expect(row!.isEncrypted && row!.isExtraEncrypted).toBe(true);
    expect(`${row!.password}${row!.extra}`).not.toMatch(/hunter22|sslmode/);

    const local = await server.inject({ url: "/api/v1/connections/warehouse", headers: { authorization: `Bearer ${LOCAL_TOKEN}` } });
    expect(local.json().password).toBe("hunter22");
    const patched = await server.inject({ method: "PATCH", url: "/api/v1/connections/warehouse?update_mask=host", headers: as.Op, payload: { host: "db2.example", login: "ignored" } });
    expect(patched.json()).toMatchObject({ host: "db2.example", login: "etl" });
    expect(patched.json()).not.toHaveProperty("password");

    const list = (await server.inject({ url: "/api/v1/connections", headers: as.Admin })).json();
    expect(list).toEqual({ connections: [{ connection_id: "warehouse", conn_type: "postgres", description: null, host: "db2.example", login: "etl", schema: "dw", port: 5432 }], total_entries: 1 });
    expect((await server.inject({ url: "/api/v1/connections", headers: as.Viewer })).statusCode).toBe(403);
    expect((await server.inject({ method: "DELETE", url: "/api/v1/connections/warehouse", headers: as.Op })).statusCode).toBe(204);
    expect((await server.inject({ url: "/api/v1/connections/warehouse", headers: as.Op })).json().type).toBe("UPDRAFT_CONNECTION_NOT_FOUND");
  });

  it("tests postgres, redis and http connections for real, and reports failures as status false", async () => {
    const { server } = api();
    const test = async (payload: Record<string, unknown>) =>
      (await server.inject({ method: "POST", url: "/api/v1/connections/test", headers: as.Op, payload: { connection_id: "t", ...payload } })).json();
    expect(await test({ conn_type: "postgres", host: "127.0.0.1", port: 5432, login: "postgres", schema: "postgres" })).toMatchObject({ status: true });
    expect(await test({ conn_type: "redis", host: "127.0.0.1", port: 6379 })).toMatchObject({ status: true });
    const expected = `Basic ${Buffer.from("u:p").toString("base64")}`;
    const http = createServer((req, res) => res.writeHead(req.headers.authorization === expected ? 200 : 401).end("ok"));
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    const port = (http.address() as AddressInfo).port;
    try {
      expect(await test({ conn_type: "http", host: "127.0.0.1", port, login: "u", password: "p" })).toMatchObject({ status: true });
      expect(await test({ conn_type: "http", host: "127.0.0.1", port })).toMatchObject({ status: false, message: expect.stringContaining("401") });
      // Testing a stored connection without a password uses its stored one (the dashboard never
      // receives it); an explicit null tests without one.
      const stored = { connection_id: "web_api", conn_type: "http", host: "127.0.0.1", port, login: "u" };
      expect((await server.inject({ method: "POST", url: "/api/v1/connections", headers: as.Op, payload: { ...stored, password: "p" } })).statusCode).toBe(200);
      const again = (payload: Record<string, unknown>) =>
        server.inject({ method: "POST", url: "/api/v1/connections/test", headers: as.Op, payload: { ...stored, ...payload } }).then((r) => r.json());
      expect(await again({})).toMatchObject({ status: true });
      expect(await again({ password: null })).toMatchObject({ status: false, message: expect.stringContaining("401") });
    } finally {
      http.close();
    }
    expect(await test({ conn_type: "postgres", host: "127.0.0.1", port: 1, login: "x" })).toMatchObject({ status: false });
    expect(await test({ conn_type: "ftp", host: "x" })).toMatchObject({ status: false, message: expect.stringContaining("not supported") });
  });
});
