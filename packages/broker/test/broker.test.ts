// The broker on a real Redis, under a key prefix of its own: job ids derived from the try make
// enqueueing idempotent, and reconcile puts back exactly the jobs Redis lost.
import { afterAll, describe, expect, it } from "vitest";
import type { QueuedTaskInstance } from "@updraft/core";
import { Broker, fromJobData, jobIdFor, toJobData } from "../src/index.ts";

const prefix = `broker-test-${process.pid}-${Date.now()}`;
const broker = new Broker({ redisUrl: "redis://127.0.0.1:6379/0", prefix });

function ti(taskId: string, over: Partial<QueuedTaskInstance> = {}): QueuedTaskInstance {
  return {
    dagId: "d",
    runId: "manual__2026-01-01T00:00:00.000Z",
    taskId,
    tryNumber: 1,
    maxTries: 1,
    queue: "default",
    pool: "default_pool",
    priorityWeight: 1,
    fileloc: "d.ts",
    logicalDate: new Date("2026-01-01T00:00:00Z"),
    dataIntervalStart: null,
    dataIntervalEnd: null,
    conf: { a: 1 },
    executionTimeoutMs: null,
    inputs: {},
    retryPolicy: { retries: 0, retryDelayMs: 0, retryExponentialBackoff: false, maxRetryDelayMs: null },
    ...over,
  };
}

afterAll(async () => {
  for (const name of await broker.knownQueueNames()) await broker.queue(name).obliterate({ force: true });
  await broker.close();
});

describe("jobIdFor", () => {
  it("is stable per try, differs between tries, and has no ':' (BullMQ's key separator)", () => {
    expect(jobIdFor(ti("a"))).toBe(jobIdFor(ti("a")));
    expect(jobIdFor(ti("a"))).not.toBe(jobIdFor(ti("a", { tryNumber: 2 })));
    expect(jobIdFor(ti("a"))).not.toContain(":");
  });

  it("round-trips job data with dates", () => {
    expect(fromJobData(toJobData(ti("a")))).toEqual(ti("a"));
  });
});

describe("Broker", () => {
  it("enqueues per queue, never twice for the same try", async () => {
    await broker.enqueue([ti("a"), ti("b"), ti("g", { queue: "gpu" })]);
    await broker.enqueue([ti("a"), ti("b")]);
    const lengths = await broker.queueLengths(["default", "gpu"]);
    expect(lengths).toEqual({ default: { waiting: 2, active: 0 }, gpu: { waiting: 1, active: 0 } });
    expect(await broker.knownQueueNames()).toEqual(["default", "gpu"]);
    expect(await broker.hasJob(ti("a"))).toBe(true);
  });

  it("reconcile re-enqueues only the tries whose job is gone", async () => {
    const lost = ti("lost");
    await broker.enqueue([lost]);
    await (await broker.queue("default").getJob(jobIdFor(lost)))!.remove();
    expect(await broker.hasJob(lost)).toBe(false);
    expect(await broker.reconcile([ti("a"), lost])).toBe(1);
    expect(await broker.hasJob(lost)).toBe(true);
    expect(await broker.reconcile([ti("a"), lost])).toBe(0);
  });
});
