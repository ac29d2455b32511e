// Finds the processes of the services a benchmark runs against, for the CPU account: the
// Postgres postmaster (the parent of any backend) with a classifier that names each backend's
// database, and the redis-server. Each is undefined when the server is not on this machine's /proc
// (a container, another host), and its role is then left out of the account.
import type { UpdraftDatabase } from "@updraft/db";
import { sql } from "drizzle-orm";
import { Redis } from "ioredis";
import type { PostgresClassifier } from "./cpu-sampler.ts";
import { readProcStat } from "./proc-stat.ts";

/** The postmaster of the server `database` is on, and the database's name. */
export async function postgresRoots(database: UpdraftDatabase): Promise<{ postmaster?: number; database: string }> {
  const { rows } = await database.db.execute<{ pid: number; database: string }>(sql`select pg_backend_pid() as pid, current_database() as database`);
  const backend = readProcStat(Number(rows[0]!.pid));
  // A backend pid that is not a postgres process here is some other process: the server is elsewhere.
  if (!backend || backend.comm !== "postgres") return { database: rows[0]!.database };
  return { postmaster: backend.ppid, database: rows[0]!.database };
}

/** Names each listed backend's database (null for server processes) from pg_stat_activity. */
export function postgresClassifier(database: UpdraftDatabase): PostgresClassifier {
  return async (pids) => {
    const { rows } = await database.db.execute<{ pid: number; datname: string | null }>(
      sql`select pid, datname from pg_stat_activity where pid = any(${`{${pids.join(",")}}`}::int[])`,
    );
    return new Map(rows.map((r) => [Number(r.pid), r.datname]));
  };
}

/** The redis-server's pid (INFO server's process_id), if that process is on this machine. */
export async function redisPid(redisUrl: string): Promise<number | undefined> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    const pid = Number(/process_id:(\d+)/.exec(await redis.info("server"))?.[1]);
    return readProcStat(pid)?.comm.startsWith("redis") ? pid : undefined;
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}
