// The same-run baseline: raw BullMQ moving the same number of no-op jobs with the same
// concurrency, and its round-trip latency (add one job, wait until a worker finished it).
import { Queue, QueueEvents, Worker } from "bullmq";
import { Redis } from "ioredis";
import { summarise } from "./stats.ts";

export interface BaselineResult {
  jobs: number;
  seconds: number;
  perSecond: number;
  roundTripMedianMs: number;
  roundTripP99Ms: number;
}

export async function bullmqBaseline(redisUrl: string, jobs: number, concurrency: number, roundTrips = 200): Promise<BaselineResult> {
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
  const started = performance.now();
  for (let i = 0; i < jobs; i += 1_000) {
    await queue.addBulk(Array.from({ length: Math.min(1_000, jobs - i) }, (_, k) => ({ name: "noop", data: { i: i + k }, opts: { removeOnComplete: true } })));
  }
  await finished;
  const seconds = (performance.now() - started) / 1000;

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
  return { jobs, seconds, perSecond: jobs / seconds, roundTripMedianMs: rt.median, roundTripP99Ms: rt.p99 };
}
