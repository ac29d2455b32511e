// The distributed executor end to end, as separate processes on real Postgres and Redis: one
// scheduler, workers and a webserver, and the failures an operator relies on Updraft to survive.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@updraft/auth";
import { createUser, taskInstanceHistory, taskInstances, workers } from "@updraft/db";
import { and, eq } from "drizzle-orm";
import { maxOverlap, SchedulerHarness } from "./scheduler-harness.ts";

const SDK = `import { bash, chain, dag, task } from "@updraft/sdk";`;
let markers: string;
const markerFile = (name: string) => join(markers, name);
/**
 * A shell barrier: the task drops a marker in `group`'s folder and waits (at most 20 s) until
 * `count` are there, so tasks that really run side by side are seen to overlap on any machine load.
 */
const barrier = (group: string, count: number) =>
  `d=${markerFile(group)}; mkdir -p $d; touch $d/$UPDRAFT_CTX_TASK_ID; i=0; ` +
  `while [ "$(ls $d | wc -l)" -lt ${count} ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done`;

const dags = () => ({
  "wide.ts": `${SDK}
export default dag({ dagId: "wide" }, () => {
  for (let i = 0; i < 8; i++) bash({ taskId: "t" + i, command: ${JSON.stringify(barrier("wide", 4) + "; sleep 0.5")} });
});`,
  "long_task.ts": `${SDK}
export default dag({ dagId: "long_task" }, () => {
  bash({ taskId: "work", command: "sleep 4; echo finished", retries: 1, retryDelay: 0 });
});`,
  "marked.ts": `${SDK}
export default dag({ dagId: "marked" }, () => {
  for (let i = 0; i < 5; i++) bash({ taskId: "m" + i, command: 'echo "$UPDRAFT_CTX_TASK_ID" >> ${markerFile("marked.txt")}' });
});`,
  "gpu.ts": `${SDK}
export default dag({ dagId: "gpu" }, () => { bash({ taskId: "train", command: "echo training", queue: "gpu" }); });`,
  "graceful.ts": `${SDK}
export default dag({ dagId: "graceful" }, () => { bash({ taskId: "slow", command: "sleep 2; echo done" }); });`,
});

let h: SchedulerHarness;
const SCHEDULER_ENV = { UPDRAFT_EXECUTOR: "distributed", UPDRAFT_WORKER_OFFLINE_AFTER_SEC: "3", UPDRAFT_WORKER_HEARTBEAT_SEC: "0.5" };
const WORKER_ENV = { UPDRAFT_WORKER_HEARTBEAT_SEC: "0.5" };

async function ti(dagId: string, runId: string, taskId: string) {
  const [row] = await h.database.db
    .select()
    .from(taskInstances)
    .where(and(eq(taskInstances.dagId, dagId), eq(taskInstances.runId, runId), eq(taskInstances.taskId, taskId)));
  return row;
}

beforeAll(async () => {
  markers = await mkdtemp(join(tmpdir(), "updraft-dist-"));
  h = await SchedulerHarness.create(dags());
  h.startScheduler(SCHEDULER_ENV);
});

afterAll(async () => {
  if (process.env.UPDRAFT_TEST_DEBUG) console.log(h?.output);
  await h?.close();
  await rm(markers, { recursive: true, force: true });
});

describe("distributed executor", () => {
  it("spreads a wide DAG over two workers, four tries at once, visible in /api/v1/workers", async () => {
    const a = h.startWorker(["--name", "worker-a", "--concurrency", "2"], WORKER_ENV);
    const b = h.startWorker(["--name", "worker-b", "--concurrency", "2"], WORKER_ENV);
    const web = h.startProcess(["webserver"], { UPDRAFT_WEB_PORT: "0", UPDRAFT_EXECUTOR: "distributed" });
    await createUser(h.database.db, { username: "ops", passwordHash: await hashPassword("ops-password"), role: "Viewer" });
    await h.until("both workers online", async () => (await h.database.db.select().from(workers)).filter((w) => w.state === "online").length === 2);

    await h.trigger("wide", "r1");
    expect(await h.waitForRuns("wide", ["r1"])).toEqual({ r1: "success" });
    const intervals = await h.intervals("wide");
    const rows = await h.database.db.select().from(taskInstances).where(eq(taskInstances.dagId, "wide"));
    expect(new Set(rows.map((r) => r.workerName))).toEqual(new Set(["worker-a", "worker-b"]));
    expect(maxOverlap(intervals)).toBe(4);

    await h.until("webserver listening", async () => /listening on (http\S+)/.test(h.output));
    const url = /listening on (http\S+)/.exec(h.output)![1]!;
    const auth = { authorization: `Basic ${Buffer.from("ops:ops-password").toString("base64")}` };
    await h.until("worker counters", async () => {
      const body = (await (await fetch(`${url}/api/v1/workers`, { headers: auth })).json()) as { workers: Array<{ processed: number }> };
      return body.workers.reduce((s, w) => s + w.processed, 0) >= 8;
    });
    const body = (await (await fetch(`${url}/api/v1/workers`, { headers: auth })).json()) as {
      workers: Array<{ name: string; status: string; processed: number; succeeded: number; pid: number; queues: string[]; concurrency: number }>;
      total_entries: number;
    };
    expect(body.workers.map((w) => [w.name, w.status])).toEqual([
      ["worker-a", "online"],
      ["worker-b", "online"],
    ]);
    expect(body.workers.every((w) => w.processed > 0 && w.succeeded === w.processed && w.queues.includes("default") && w.concurrency === 2)).toBe(true);
    expect(body.workers.map((w) => w.pid).sort()).toEqual([a.pid, b.pid].sort());

    // bull-board at /queues, behind the same login; queue lengths in /metrics.
    expect((await fetch(`${url}/queues`)).status).toBe(401);
    const board = await fetch(`${url}/queues`, { headers: auth });
    expect(board.status).toBe(200);
    expect(await board.text()).toContain("Updraft queues");
    const queues = await fetch(`${url}/queues/api/queues`, { headers: auth });
    expect(queues.status).toBe(200);
    expect(JSON.stringify(await queues.json())).toContain('"name":"default"');
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/updraft_queue_length\{queue="default",status="waiting"\} \d+/);
    web.kill("SIGTERM");
    a.kill("SIGTERM");
    b.kill("SIGTERM");
    await Promise.all([a, b].map((p) => new Promise((resolve) => p.once("exit", resolve))));
  });

  it("retries on another worker a task whose worker was SIGKILLed mid-task", async () => {
    const victim = h.startWorker(["--name", "victim", "--concurrency", "1"], WORKER_ENV);
    await h.trigger("long_task", "kill");
    await h.until("task running on the victim", async () => (await ti("long_task", "kill", "work"))?.state === "running");
    victim.kill("SIGKILL");
    const survivor = h.startWorker(["--name", "survivor", "--concurrency", "1"], WORKER_ENV);
    expect(await h.waitForRuns("long_task", ["kill"], 90_000)).toEqual({ kill: "success" });
    const tries = await h.database.db
      .select()
      .from(taskInstanceHistory)
      .where(and(eq(taskInstanceHistory.dagId, "long_task"), eq(taskInstanceHistory.runId, "kill")))
      .orderBy(taskInstanceHistory.tryNumber);
    expect(tries.map((t) => [t.tryNumber, t.state, t.workerName])).toEqual([
      [1, "failed", "victim"],
      [2, "success", "survivor"],
    ]);
    expect(tries[0]!.error).toContain("no heartbeat");
    survivor.kill("SIGTERM");
    await new Promise((resolve) => survivor.once("exit", resolve));
  });

  it("refuses the late result of a try declared lost (worker frozen, then thawed)", async () => {
    const frozen = h.startWorker(["--name", "frozen", "--concurrency", "1"], WORKER_ENV);
    await h.trigger("long_task", "freeze");
    await h.until("task running on the frozen worker", async () => (await ti("long_task", "freeze", "work"))?.state === "running");
    frozen.kill("SIGSTOP");
    const other = h.startWorker(["--name", "other", "--concurrency", "1"], WORKER_ENV);
    expect(await h.waitForRuns("long_task", ["freeze"], 90_000)).toEqual({ freeze: "success" });
    frozen.kill("SIGCONT");
    // The frozen worker's task ends ~4 s after it started and tries to record try 1 as a success.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const final = await ti("long_task", "freeze", "work");
    expect(final).toMatchObject({ state: "success", tryNumber: 2, workerName: "other" });
    const tries = await h.database.db
      .select()
      .from(taskInstanceHistory)
      .where(and(eq(taskInstanceHistory.dagId, "long_task"), eq(taskInstanceHistory.runId, "freeze")))
      .orderBy(taskInstanceHistory.tryNumber);
    expect(tries.map((t) => [t.tryNumber, t.state])).toEqual([
      [1, "failed"],
      [2, "success"],
    ]);
    expect(h.output).toContain("try result refused");
    for (const p of [frozen, other]) p.kill("SIGKILL");
  });

  it("runs every task exactly once when Redis loses the queued jobs", async () => {
    await h.trigger("marked", "flush");
    await h.until("all queued", async () => {
      const rows = await h.database.db.select().from(taskInstances).where(and(eq(taskInstances.dagId, "marked"), eq(taskInstances.runId, "flush")));
      return rows.length === 5 && rows.every((r) => r.state === "queued");
    });
    const { Redis } = await import("ioredis");
    const redis = new Redis("redis://127.0.0.1:6379/0");
    const keys = await redis.keys(`${h.brokerPrefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    await redis.del(...keys);
    redis.disconnect();
    const worker = h.startWorker(["--name", "after-flush", "--concurrency", "4"], WORKER_ENV);
    expect(await h.waitForRuns("marked", ["flush"], 90_000)).toEqual({ flush: "success" });
    const lines = (await readFile(markerFile("marked.txt"), "utf8")).trim().split("\n").sort();
    expect(lines).toEqual(["m0", "m1", "m2", "m3", "m4"]);
    worker.kill("SIGTERM");
    await new Promise((resolve) => worker.once("exit", resolve));
  });

  it("lets a running task finish on SIGTERM, then deregisters", async () => {
    const worker = h.startWorker(["--name", "graceful", "--concurrency", "1"], WORKER_ENV);
    await h.trigger("graceful", "term");
    await h.until("task running", async () => (await ti("graceful", "term", "slow"))?.state === "running");
    worker.kill("SIGTERM");
    const code = await new Promise((resolve) => worker.once("exit", (c) => resolve(c)));
    expect(code).toBe(0);
    expect(await ti("graceful", "term", "slow")).toMatchObject({ state: "success", tryNumber: 1, workerName: "graceful" });
    const [row] = await h.database.db.select().from(workers).where(eq(workers.name, "graceful"));
    expect(row!.state).toBe("stopped");
  });

  it("keeps a gpu task queued until a worker listening on gpu starts, then runs it there", async () => {
    const cpu = h.startWorker(["--name", "cpu-only", "--queues", "default"], WORKER_ENV);
    await h.trigger("gpu", "g1");
    await h.until("queued", async () => (await ti("gpu", "g1", "train"))?.state === "queued");
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect((await ti("gpu", "g1", "train"))!.state).toBe("queued");
    const gpu = h.startWorker(["--name", "gpu-worker", "--queues", "gpu,default"], WORKER_ENV);
    expect(await h.waitForRuns("gpu", ["g1"])).toEqual({ g1: "success" });
    expect((await ti("gpu", "g1", "train"))!.workerName).toBe("gpu-worker");
    for (const p of [cpu, gpu]) p.kill("SIGTERM");
  });
});
