// Everything a broker prefix holds in Redis, removed: BullMQ keeps finished jobs, so a benchmark or
// a test that used its own prefix (`UPDRAFT_BROKER_PREFIX`) leaves thousands of keys behind unless
// it deletes them when it ends.
import { Redis } from "ioredis";

/**
 * Deletes every key under `prefix:` at `url` (SCAN + UNLINK, 1,000 at a time). Only for a prefix
 * nothing uses any more: a queue in use loses its jobs.
 * @throws what ioredis throws when Redis cannot be reached
 */
export async function deleteBrokerKeys(url: string, prefix: string): Promise<void> {
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
