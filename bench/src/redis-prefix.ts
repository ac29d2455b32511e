// A benchmark's broker keys (`<prefix>:*`) removed when it ends, as tests remove theirs: finished
// BullMQ jobs stay in Redis, and every run left about 5,000 keys per scenario behind.
import { Redis } from "ioredis";

/** Deletes every key under `prefix` (SCAN + UNLINK, 1,000 at a time). */
export async function deleteRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1_000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}
