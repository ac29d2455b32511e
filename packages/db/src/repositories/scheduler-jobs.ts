// Reading the heartbeats long-running jobs write, for health checks.
import { eq, max } from "drizzle-orm";
import type { UpdraftDb } from "../client.ts";
import { schedulerJobs, type JobType } from "../schema/workers.ts";

/** The newest heartbeat of any job of that type, or null when none ever ran. */
export async function latestJobHeartbeat(db: UpdraftDb, jobType: JobType): Promise<Date | null> {
  const [row] = await db
    .select({ at: max(schedulerJobs.latestHeartbeat) })
    .from(schedulerJobs)
    .where(eq(schedulerJobs.jobType, jobType));
  return row?.at ?? null;
}
