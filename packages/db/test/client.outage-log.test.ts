// The "Postgres unreachable" / "Postgres is back" lines of a process whose pool was idle when
// Postgres went away: no pooled client saw the connection die, so the first sign is a connection
// that cannot be made. A TCP relay in front of the real server plays the server going away.
import { createServer, Socket, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Logger } from "@updraft/core";
import { sql } from "drizzle-orm";
import { openDatabase, type UpdraftDatabase } from "../src/index.ts";
import { createTestDatabase, type TestDatabase } from "../src/testing.ts";

let testDb: TestDatabase;
beforeAll(async () => {
  testDb = await createTestDatabase("postgres");
});
afterAll(async () => {
  await testDb.drop();
});

/** A relay on a fixed local port to the test database's server; `stop()` closes it and every connection. */
class Relay {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  port = 0;
  constructor(private readonly target: URL) {}

  async start(): Promise<void> {
    const server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(Number(this.target.port || 5432), this.target.hostname);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("error", () => {});
        s.on("close", () => this.sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, "127.0.0.1", resolve));
    const address = server.address();
    this.port = typeof address === "object" && address !== null ? address.port : 0;
    this.server = server;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    if (server) await new Promise((resolve) => server.close(resolve));
    this.server = null;
  }
}

function recordingLogger(lines: string[]): Logger {
  const log = (level: string) => (first: unknown, second?: unknown) => lines.push(`${level} ${typeof first === "string" ? first : String(second)}`);
  const logger: Logger = { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error"), child: () => logger };
  return logger;
}

describe("client: outage lines", () => {
  it("a pool with no client left logs one line when no connection can be made, and one when it is back", async () => {
    const relay = new Relay(new URL(testDb.databaseUrl!));
    await relay.start();
    const url = new URL(testDb.databaseUrl!);
    url.hostname = "127.0.0.1";
    url.port = String(relay.port);
    const lines: string[] = [];
    const database: UpdraftDatabase = await openDatabase({ databaseUrl: url.toString(), home: "/nonexistent", logger: recordingLogger(lines) });
    try {
      await database.db.execute(sql`select 1`);
      // node-postgres closes a client idle for 10 s (idleTimeoutMillis): after that the pool holds
      // none, so nothing sees the server go away until the next query cannot connect.
      await new Promise((resolve) => setTimeout(resolve, 10_500));
      await relay.stop();
      for (let i = 0; i < 3; i++) await expect(database.db.execute(sql`select 1`)).rejects.toThrow();
      expect(lines.filter((l) => l.includes("Postgres unreachable"))).toHaveLength(1);
      await relay.start();
      await database.db.execute(sql`select 1`);
      expect(lines.filter((l) => l.includes("Postgres is back"))).toHaveLength(1);
      expect(lines.filter((l) => l.includes("Postgres unreachable"))).toHaveLength(1);
    } finally {
      await database.close();
      await relay.stop().catch(() => {});
    }
  }, 30_000);
});
