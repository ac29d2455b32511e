// `updraft health`: exit 0 when the process's dependencies answer, 1 with one stderr line per
// failing dependency, naming it. Real Postgres and Redis, real scheduler, worker and webserver
// processes; the unreachable servers are ports nobody listens on.
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workers } from "@updraft/db";
import { containerRole } from "../src/health-checks.ts";
import { runCli, type CliResult } from "./support.ts";
import { SchedulerHarness } from "./scheduler-harness.ts";

let h: SchedulerHarness;
const REDIS_URL = "redis://127.0.0.1:6379/0";

/** A TCP port nobody listens on right now. */
async function deadPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function health(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(["health", ...args], { DATABASE_URL: h.databaseUrl, REDIS_URL, UPDRAFT_EXECUTOR: "distributed", UPDRAFT_BROKER_PREFIX: h.brokerPrefix, ...env });
}

const lines = (text: string) => text.split("\n").filter(Boolean);

beforeAll(async () => {
  h = await SchedulerHarness.create({});
});

afterAll(async () => {
  if (process.env.UPDRAFT_TEST_DEBUG) console.log(h?.output);
  await h?.close();
});

describe("updraft health", () => {
  it("exits 0 when the database and Redis answer, one line per check", async () => {
    const result = await health(["--role", "none"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual([expect.stringMatching(/^healthy: database: .* answers$/), expect.stringMatching(/^healthy: redis: .* answers PING$/)]);
  });

  it("checks Redis only with the distributed executor", async () => {
    const result = await health(["--role", "none"], { UPDRAFT_EXECUTOR: "local", REDIS_URL: `redis://127.0.0.1:${await deadPort()}/0` });
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual([expect.stringMatching(/^healthy: database: /)]);
  });

  it("exits 1 naming the database when DATABASE_URL points nowhere, without its password", async () => {
    const result = await health(["--role", "none"], { DATABASE_URL: `postgres://updraft:s3cret@127.0.0.1:${await deadPort()}/updraft` });
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([expect.stringMatching(/^unhealthy: database: postgres:\/\/updraft:\*\*\*@127\.0\.0\.1:\d+\/updraft: .*ECONNREFUSED/)]);
    expect(result.stderr).not.toContain("s3cret");
    expect(lines(result.stdout)).toEqual([expect.stringMatching(/^healthy: redis: /)]);
  });

  it("exits 1 naming Redis when it is unreachable, within the timeout", async () => {
    const result = await health(["--role", "none", "--timeout", "2"], { REDIS_URL: `redis://127.0.0.1:${await deadPort()}/0` });
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([expect.stringMatching(/^unhealthy: redis: redis:\/\/127\.0\.0\.1:\d+\/0: .*ECONNREFUSED/)]);
    expect(lines(result.stdout)).toEqual([expect.stringMatching(/^healthy: database: /)]);
  });

  it("a bad DATABASE_URL in the configuration is one clear line and exit 1", async () => {
    const result = await health(["--role", "none"], { DATABASE_URL: "mysql://nope" });
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/DATABASE_URL/);
  });

  it("--role scheduler: unhealthy until a scheduler on this host heartbeats, then healthy", async () => {
    const before = await health(["--role", "scheduler"]);
    expect(before.code).toBe(1);
    expect(lines(before.stderr)).toEqual([expect.stringMatching(/^unhealthy: scheduler: no running scheduler on .* with a heartbeat in the last \d+ s$/)]);
    const scheduler = h.startScheduler({ UPDRAFT_EXECUTOR: "distributed", UPDRAFT_LOG_LEVEL: "info" });
    await h.until("scheduler started", async () => /scheduler started/.test(h.output));
    const after = await health(["--role", "scheduler"]);
    expect(after.stderr).toBe("");
    expect(after.code).toBe(0);
    expect(lines(after.stdout)).toContainEqual(expect.stringMatching(/^healthy: scheduler: job \d+ on .*, heartbeat /));
    scheduler.kill("SIGTERM");
    await new Promise((resolve) => scheduler.once("exit", resolve));
    // A scheduler that stopped cleanly marks its job row ended: no longer healthy.
    expect((await health(["--role", "scheduler"])).code).toBe(1);
  });

  it("--role worker: healthy while the named worker heartbeats, unhealthy once it is gone", async () => {
    const worker = h.startWorker(["--name", "health-probe-worker", "--concurrency", "1"], { UPDRAFT_EXECUTOR: "distributed", UPDRAFT_WORKER_HEARTBEAT_SEC: "0.5" });
    await h.until("worker online", async () => (await h.database.db.select().from(workers)).some((w) => w.name === "health-probe-worker" && w.state === "online"));
    const alive = await health(["--role", "worker", "--name", "health-probe-worker"]);
    expect(alive.stderr).toBe("");
    expect(alive.code).toBe(0);
    expect(lines(alive.stdout)).toContainEqual(expect.stringMatching(/^healthy: worker: health-probe-worker online, 0 running, heartbeat [\d.]+ s ago$/));
    // SIGKILL: the row stays "online" but its heartbeat goes stale past the offline limit.
    worker.kill("SIGKILL");
    await new Promise((resolve) => worker.once("exit", resolve));
    const env = { UPDRAFT_WORKER_OFFLINE_AFTER_SEC: "1" };
    await h.until("the heartbeat to be older than 1 s", async () => (await health(["--role", "worker", "--name", "health-probe-worker"], env)).code === 1);
    const dead = await health(["--role", "worker", "--name", "health-probe-worker"], env);
    expect(lines(dead.stderr)).toEqual([expect.stringMatching(/^unhealthy: worker: health-probe-worker's last heartbeat is \d+ s old \(limit 1 s\)$/)]);
    const unknown = await health(["--role", "worker", "--name", "nobody"]);
    expect(lines(unknown.stderr)).toEqual(["unhealthy: worker: no worker named nobody has registered"]);
  });

  it("--role webserver: asks /api/v1/health on UPDRAFT_WEB_PORT; nothing listening is unhealthy", async () => {
    const port = String(await deadPort());
    const down = await health(["--role", "webserver", "--timeout", "2"], { UPDRAFT_WEB_PORT: port });
    expect(down.code).toBe(1);
    expect(lines(down.stderr)).toEqual([expect.stringMatching(new RegExp(`^unhealthy: webserver: http://127\\.0\\.0\\.1:${port}/api/v1/health: `))]);
    h.startProcess(["webserver"], { UPDRAFT_WEB_PORT: port, UPDRAFT_EXECUTOR: "distributed", UPDRAFT_LOG_LEVEL: "info" });
    await h.until("webserver listening", async () => h.output.includes(`listening on http://127.0.0.1:${port}`));
    const up = await health(["--role", "webserver"], { UPDRAFT_WEB_PORT: port });
    expect(up.stderr).toBe("");
    expect(up.code).toBe(0);
    expect(lines(up.stdout)).toContainEqual(`healthy: webserver: http://127.0.0.1:${port}/api/v1/health answers, metadatabase healthy, broker healthy`);
  });

  it("--role auto reads the role from the container's main command (docker-init or updraft as PID 1)", () => {
    expect(containerRole(["/sbin/docker-init", "--", "updraft", "worker", "--queues", "default"].join("\0"))).toBe("worker");
    expect(containerRole(["node", "/usr/local/bin/updraft", "scheduler"].join("\0"))).toBe("scheduler");
    expect(containerRole(["bash", "-c", "updraft db migrate"].join("\0"))).toBe("none");
    expect(containerRole("")).toBe("none");
  });

  it("--role auto outside a container checks the servers only", async () => {
    const result = await health([]);
    expect(result.code).toBe(0);
    expect(lines(result.stdout).map((l) => l.split(":")[1]!.trim())).toEqual(["database", "redis"]);
  });
});
