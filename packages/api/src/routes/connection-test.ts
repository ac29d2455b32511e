// `POST /connections/test`: tries to reach a connection with a maintained Node client — pg for
// postgres, ioredis for redis, fetch for http/https — and says whether it worked, as Airflow's
// `test_connection` does. Other types answer status false naming the supported ones.
import type { ConnectionFields } from "@updraft/core";
import { Redis } from "ioredis";
import pg from "pg";

/** How long one test may take before it counts as failed. */
const TEST_TIMEOUT_MS = 5_000;

export interface ConnectionTestOutcome {
  status: boolean;
  message: string;
}

/** Tests the connection; never throws (a failure is `status: false` with the reason). */
export async function testConnection(c: ConnectionFields): Promise<ConnectionTestOutcome> {
  try {
    switch (c.connType) {
      case "postgres":
      case "postgresql":
        return await testPostgres(c);
      case "redis":
        return await testRedis(c);
      case "http":
      case "https":
        return await testHttp(c);
      default:
        return { status: false, message: `Testing connections of type "${c.connType}" is not supported; supported: postgres, redis, http` };
    }
  } catch (error) {
    return { status: false, message: error instanceof Error ? error.message : String(error) };
  }
}

async function testPostgres(c: ConnectionFields): Promise<ConnectionTestOutcome> {
  const client = new pg.Client({
    host: c.host ?? "localhost",
    port: c.port ?? 5432,
    user: c.login ?? undefined,
    password: c.password ?? undefined,
    database: c.schema ?? undefined,
    connectionTimeoutMillis: TEST_TIMEOUT_MS,
  });
  try {
    await client.connect();
    await client.query("select 1");
    return { status: true, message: "Connection successfully tested" };
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function testRedis(c: ConnectionFields): Promise<ConnectionTestOutcome> {
  const db = c.schema ? Number(c.schema) : 0;
  const client = new Redis({
    host: c.host ?? "localhost",
    port: c.port ?? 6379,
    username: c.login ?? undefined,
    password: c.password ?? undefined,
    db: Number.isInteger(db) ? db : 0,
    lazyConnect: true,
    connectTimeout: TEST_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await client.connect();
    await client.ping();
    return { status: true, message: "Connection successfully tested" };
  } finally {
    client.disconnect();
  }
}

async function testHttp(c: ConnectionFields): Promise<ConnectionTestOutcome> {
  // As Airflow's HttpHook: the host may carry its scheme; otherwise the conn_type is the scheme.
  const host = c.host ?? "localhost";
  const base = /^https?:\/\//.test(host) ? host : `${c.connType === "https" ? "https" : "http"}://${host}`;
  const url = new URL(base);
  if (c.port !== null) url.port = String(c.port);
  if (c.schema) url.pathname = `/${c.schema}`;
  const headers: Record<string, string> = {};
  if (c.login !== null) headers.authorization = `Basic ${Buffer.from(`${c.login}:${c.password ?? ""}`).toString("base64")}`;
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(TEST_TIMEOUT_MS) });
  await response.body?.cancel();
  return response.ok
    ? { status: true, message: `Connection successfully tested (HTTP ${response.status})` }
    : { status: false, message: `HTTP ${response.status} ${response.statusText}` };
}
