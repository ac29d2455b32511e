// The same-run baseline: raw BullMQ moving the same number of no-op jobs with the same
// concurrency, and its round-trip latency (add one job, wait until a worker finished it). With
// `cpuRoots`, the throughput part's CPU by role (this process, which both adds and works the
// jobs, and Redis), to set beside the CPU Updraft spends per task instance.
import { Queue, QueueEvents, Worker } from "bullmq";
import { Redis } from "ioredis";
import type { CpuAccount, RoleRoots } from "./cpu-roles.ts";
import { CpuSampler } from "./cpu-sampler.ts";
import { summarise } from "./stats.ts";

export interface BaselineResult {
  jobs: number;
  seconds: number;
  perSecond: number;
  roundTripMedianMs: number;
  roundTripP99Ms: number;
  /** CPU by role while the jobs moved; present when `cpuRoots` was given. */
  cpu?: CpuAccount;
}

/**
 * Moves `jobs` no-op jobs through one BullMQ worker of `concurrency`, then times `roundTrips`
 * single jobs. `cpuRoots` names the processes to account CPU to (this one as "bench", Redis).
 */
export async function bullmqBaseline(redisUrl: string, jobs: number, concurrency: number, cpuRoots?: RoleRoots, roundTrips = 200): Promise<BaselineResult> {
  const prefix = `bench-baseline-${process.pid}`;
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue("noop", { connection, prefix });
  let done = 0;
  let allDone: () => void = () => {};
  const finished = new Promise<void>((resolve) => (allDone = resolve));
  // BullMQ does not close connections it was given; these are closed at the end.
  const workerConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const eventsConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const worker = new Worker(
    "noop",
    async () => {
      if (++done === jobs) allDone();
      return null;
    },
    { connection: workerConnection, prefix, concurrency },
  );
  const sampler = cpuRoots && new CpuSampler(cpuRoots);
  sampler?.start();
  const started = performance.now();
  for (let i = 0; i < jobs; i += 1_000) {
    await queue.addBulk(Array.from({ length: Math.min(1_000, jobs - i) }, (_, k) => ({ name: "noop", data: { i: i + k }, opts: { removeOnComplete: true } })));
  }
  await finished;
  const seconds = (performance.now() - started) / 1000;
  const cpu = await sampler?.stop();

  const events = new QueueEvents("noop", { connection: eventsConnection, prefix });
  await events.waitUntilReady();
  const trips: number[] = [];
  for (let i = 0; i < roundTrips; i++) {
    const t0 = performance.now();
    const job = await queue.add("noop", {}, { removeOnComplete: { age: 60 } });
    await job.waitUntilFinished(events);
    trips.push(performance.now() - t0);
  }
  const rt = summarise(trips);
  await worker.close();
  await events.close();
  await queue.obliterate({ force: true });
  await queue.close();
  for (const c of [connection, workerConnection, eventsConnection]) c.disconnect();
  return { jobs, seconds, perSecond: jobs / seconds, roundTripMedianMs: rt.median, roundTripP99Ms: rt.p99, ...(cpu ? { cpu } : {}) };
}
